"""The app's one door to the layers below: the open file, its requests, its variables.

Everything the app knows about documents, environments and resolution goes through
:class:`Project`, so the widgets never import the lower layers' internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wsblock.conversation.request import Request
from wsblock.conversation.workspace import BadInput, EnvChoice, Workspace
from wsblock.document import Document
from wsblock.document.requests import RequestSpec
from wsblock.variables.sources import Variables


class ProjectError(Exception):
    """Something the user must see in the panel (unknown variable, bad link...)."""


@dataclass
class Project:
    """The open ``.void`` file, and how its requests are resolved.

    ``folder`` is the project folder the app lists (``wsblock open DIR``); ``path`` is
    the file being worked on (None: a new untitled file). The main screen keeps
    ``path`` and ``doc`` on the editor's current tab.
    """

    path: Path | None
    environment: str | None = None
    profile: str | None = None
    env_file: Path | None = None
    env_vars: Mapping[str, str] = field(default_factory=dict)
    doc: Document | None = None
    root: Path | None = None
    folder: Path | None = None
    #: ``--project DIR`` (None: the folder opened, else found from the file).
    project_root: Path | None = None

    @classmethod
    def open(
        cls,
        path: Path | None,
        environment: str | None = None,
        env_file: Path | None = None,
        env_vars: Mapping[str, str] | None = None,
        profile: str | None = None,
    ) -> Project:
        """``path`` may be a file (created on first save if missing), a folder, or None."""
        folder = None
        if path is not None and Path(path).is_dir():
            folder, path = Path(path), None
        project = cls(
            path=Path(path) if path else None,
            folder=folder,
            environment=environment,
            env_file=Path(env_file) if env_file else None,
            env_vars=dict(env_vars or {}),
            profile=profile,
        )
        project.reload()
        return project

    def reload(self) -> None:

        if self.path is None:
            self.doc = Document.parse("")
            self.root = self._find_root()
            return
        try:
            if self.path.exists():
                self.doc = Document.load(self.path)
            else:
                self.doc = Document.parse("", path=self.path)
        except Exception:  # noqa: BLE001 - the editor shows why it cannot open it
            self.doc = Document.parse("")
        self.root = self._find_root()

    def _find_root(self) -> Path:
        from wsblock.document.requests import find_project_root

        if self.project_root is not None:
            return self.project_root
        if self.folder is not None:  # the folder opened is the project, as in Voiden
            return self.folder.absolute()
        where = self.path
        if where is None:
            return Path.cwd()
        try:
            return Path(find_project_root(where))
        except Exception:  # noqa: BLE001
            return where if self.path is None else where.parent

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.void"

    # -- variables and resolution: the same as the command line's -------------------
    def workspace(self) -> Workspace:
        """The open document as :mod:`wsblock.conversation.workspace` sees it, with the app's choices.

        Made anew each time, so edited environment files are read again on every run.
        """
        env = EnvChoice(self.environment, self.profile, self.env_file, dict(self.env_vars))
        doc = self.doc if self.doc is not None else Document.parse("")
        return Workspace(self.path, doc, self.root or Path.cwd(), env)

    def environments(self) -> list[str]:
        return self.workspace().environments()

    def variables(self) -> Variables:
        """The variables for the chosen environment (``ProjectError`` if they fail)."""
        try:
            return self.workspace().variables()
        except BadInput as e:
            raise ProjectError(str(e)) from None

    def resolve(self, spec: RequestSpec) -> Request:
        """The runnable request for *spec*; ``ProjectError`` names what is wrong."""
        try:
            return self.workspace().resolve(spec)
        except BadInput as e:
            raise ProjectError(str(e)) from None

    def substitute(self, text: str, where: str = "composer") -> str:
        from wsblock.variables.sources import VariableError

        variables = self.variables()
        try:
            return variables.substitute(text, where=where)
        except VariableError as e:
            raise ProjectError(str(e)) from None

    # -- saved messages -----------------------------------------------------------------
    def saved_messages(self, spec) -> list[tuple[str, str, str, str]]:
        """``(name, format, content, encoding)`` of the request's saved messages, unresolved."""
        from wsblock.document.views import SocketMessage, SocketMessages, view

        out = []
        for block in getattr(spec, "blocks", []):
            try:
                v = view(block)
            except Exception:  # noqa: BLE001
                continue
            if isinstance(v, SocketMessages):
                for item in v.items:
                    if isinstance(item, SocketMessage):
                        out.append(
                            (
                                item.name or "message",
                                item.format or "text",
                                item.content or "",
                                item.encoding or "base64",
                            )
                        )
        return out
