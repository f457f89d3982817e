"""The app's one door to the layers below: the open file, its requests, its variables.

Everything the app knows about documents, environments and resolution goes through
:class:`Project`, so the widgets never import the lower layers' internals.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wsblock.request import Request


class ProjectError(Exception):
    """Something the user must see in the panel (unknown variable, bad link...)."""


@dataclass
class Project:
    """The open ``.void`` file, and how its requests are resolved."""

    path: Path | None
    environment: str | None = None
    profile: str | None = None
    env_file: Path | None = None
    env_vars: Mapping[str, str] = field(default_factory=dict)
    doc: object | None = None
    root: Path | None = None
    load_error: str | None = None

    @classmethod
    def open(
        cls,
        path: Path | None,
        environment: str | None = None,
        env_file: Path | None = None,
        env_vars: Mapping[str, str] | None = None,
        profile: str | None = None,
    ) -> Project:
        project = cls(
            path=Path(path) if path else None,
            environment=environment,
            env_file=Path(env_file) if env_file else None,
            env_vars=dict(env_vars or {}),
            profile=profile,
        )
        project.reload()
        return project

    def reload(self) -> None:
        from wsblock.document import Document

        self.load_error = None
        if self.path is None:
            self.doc = Document.parse("")
            self.root = Path.cwd()
            return
        try:
            if self.path.exists():
                self.doc = Document.load(self.path)
            else:
                self.doc = Document.parse("", path=self.path)
        except Exception as e:  # noqa: BLE001 - shown in the app, never a crash
            self.doc = Document.parse("")
            self.load_error = f"{self.path}: {e}"
        self.root = self._find_root()

    def _find_root(self) -> Path:
        from wsblock.document.requests import find_project_root

        if self.path is None:
            return Path.cwd()
        try:
            return Path(find_project_root(self.path))
        except Exception:  # noqa: BLE001
            return self.path.parent

    # -- what the file holds ----------------------------------------------------------
    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.void"

    @property
    def segments(self) -> list:
        return list(getattr(self.doc, "segments", []) or [])

    def requests(self) -> list:
        """The file's requests (``RequestSpec``), WebSocket or not."""
        from wsblock.document.requests import group_requests

        try:
            return list(group_requests(self.doc))
        except Exception:  # noqa: BLE001
            return []

    # -- variables ----------------------------------------------------------------------
    def environments(self) -> list[str]:
        from wsblock.variables import environment_names

        try:
            return list(environment_names(self.root or Path.cwd(), self.profile))
        except Exception:  # noqa: BLE001
            return []

    def variables(self):
        """The variables for the chosen environment (``ProjectError`` if they fail)."""
        from wsblock.variables import VariableError, load_variables

        try:
            return load_variables(
                self.root,
                environment=self.environment,
                profile=self.profile,
                env_file=self.env_file,
                env_vars=self.env_vars,
            )
        except (VariableError, OSError, ValueError) as e:
            raise ProjectError(str(e)) from None

    def resolve(self, spec) -> Request:
        """The runnable request for *spec*; ``ProjectError`` names what is wrong."""
        from wsblock.document.requests import resolve_links
        from wsblock.resolve import resolve_request

        variables = self.variables()
        try:
            linked = resolve_links(spec, self.root)
            return resolve_request(linked, variables, self.root)
        except Exception as e:  # noqa: BLE001 - LinkError, ResolveError, VariableError...
            raise ProjectError(str(e)) from None

    def substitute(self, text: str, where: str = "composer") -> str:
        from wsblock.variables import VariableError

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

    def save_message(
        self, spec, name: str, fmt: str, content: str, encoding: str = "base64"
    ) -> None:
        """Append a ``socket-message`` to the request's messages block (or a new block)."""
        import copy

        from wsblock.document.views import SocketMessages, view

        if self.path is None:
            raise ProjectError("the file has no name yet: nothing to save to")
        attrs = {"uid": str(uuid.uuid4()), "name": name, "format": fmt, "disabled": False}
        if fmt == "binary" and encoding == "hex":
            attrs["encoding"] = "hex"
        item = {"type": "socket-message", "attrs": attrs, "content": content}
        target = None
        for block in getattr(spec, "blocks", []):
            if isinstance(view(block), SocketMessages) and any(b is block for b in self.doc.blocks):
                target = block
        if target is not None:
            node = copy.deepcopy(target.node)
            content_list = node.get("content") or []
            content_list.append(item)
            node["content"] = content_list
            target.set_node(node)
        else:
            node = {
                "type": "socket-messages",
                "attrs": {"uid": str(uuid.uuid4())},
                "content": [item],
            }
            blocks = self.doc.blocks
            last = spec.blocks[-1] if spec.blocks else spec.head
            index = blocks.index(last) + 1 if last in blocks else len(blocks)
            self.doc.insert_block(index, node)
        try:
            self.doc.save(self.path)
        except OSError as e:
            raise ProjectError(f"cannot save {self.path}: {e.strerror or e}") from None
