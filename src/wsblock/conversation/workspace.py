"""A front end's view of files: open a document, pick an environment, get requests.

Shared by the CLI, the runner and the app, so that all of them turn a ``.void``
file into runnable requests the same way, and report bad input the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wsblock.conversation.request import Request
from wsblock.conversation.resolve import ResolveError, captured_names, resolve_request
from wsblock.document import Document, DocumentError
from wsblock.document.requests import (
    LinkError,
    RequestSpec,
    find_project_root,
    group_requests,
    resolve_links,
)
from wsblock.userinput import BadInput, EnvChoice
from wsblock.variables.sources import VariableError, Variables, environment_names, load_variables

__all__ = ["BadInput", "EnvChoice", "Workspace", "expand_paths"]


#: The errors of the lower layers that are bad input.
INPUT_ERRORS = (DocumentError, LinkError, VariableError, ResolveError)


def _read(path: Path) -> Document:
    try:
        return Document.load(path)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a .void file") from None
    except UnicodeDecodeError as e:
        raise BadInput(f"{path}: not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror or e}") from None
    except DocumentError as e:
        raise BadInput(str(e)) from None


@dataclass
class Workspace:
    """One ``.void`` file with its project root and variables."""

    path: Path | None
    document: Document
    root: Path
    env: EnvChoice = field(default_factory=EnvChoice)
    _vars: Variables | None = None

    @classmethod
    def open(cls, path: Path, env: EnvChoice | None = None) -> Workspace:
        path = Path(path)
        env = env or EnvChoice()
        root = Path(env.project).absolute() if env.project is not None else find_project_root(path)
        return cls(path, _read(path), root, env)

    def requests(self) -> list[RequestSpec]:
        """Every request of the file (WebSocket, gRPC and HTTP), links not yet resolved."""
        return group_requests(self.document, self.root)

    def environments(self) -> list[str]:
        try:
            return environment_names(self.root, self.env.profile)
        except VariableError:
            return []

    def variables(self) -> Variables:
        if self._vars is None:
            try:
                self._vars = load_variables(
                    self.root,
                    self.env.environment,
                    self.env.profile,
                    self.env.env_file,
                    dict(self.env.env_vars),
                )
            except VariableError as e:
                raise BadInput(str(e)) from None
        return self._vars

    def linked(self, spec: RequestSpec) -> RequestSpec:
        """*spec* with its ``linkedBlock`` blocks replaced by what they stand for."""
        try:
            return resolve_links(spec, self.root)
        except INPUT_ERRORS as e:
            raise BadInput(str(e)) from None

    def resolve(self, spec: RequestSpec) -> Request:
        """The runnable request for *spec*; :class:`BadInput` names what is wrong and where."""
        try:
            linked = resolve_links(spec, self.root)
            return resolve_request(linked, self.variables(), self.root, self.captured())
        except INPUT_ERRORS as e:
            raise BadInput(str(e)) from None

    def captured(self) -> frozenset[str]:
        """The NAMEs the file's requests capture: ``{{process.NAME}}`` is filled while a
        run goes (a later request of the same run uses what an earlier one captured)."""
        names: frozenset[str] = frozenset()
        for spec in self.requests():
            names |= captured_names(spec.blocks)
        return names

    def select(self, which: str | None) -> list[RequestSpec]:
        """``--request N|NAME``: the requests to run (all when *which* is None)."""
        specs = self.requests()
        if which is None:
            return specs
        if which.isdigit():
            n = int(which)
            picked = [s for s in specs if s.index == n]
        else:
            picked = [s for s in specs if s.name == which] or [
                s for s in specs if s.name.lower() == which.lower()
            ]
        if not picked:
            names = ", ".join(f"{s.index} {s.name!r}" for s in specs) or "none"
            raise BadInput(f"{self.path}: no request {which!r} (requests: {names})")
        return picked


def expand_paths(items: list[str]) -> list[Path]:
    """Files, folders (recursively, in name order) and globs to ``.void`` files;
    :class:`BadInput` for a folder without one or a glob that matches nothing."""
    import glob

    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.void") if not q.is_dir())  # a FIFO is said
            if not found:  # a folder that adds nothing is said, as a glob that matches nothing
                raise BadInput(f"{item}: no .void file in this folder")
            out += found
        elif any(c in item for c in "*?["):
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            if not matches:
                raise BadInput(f"{item}: no file matches")
            out += matches
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
