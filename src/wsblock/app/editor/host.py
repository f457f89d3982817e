"""What the editor's parts (block editors, prose, the key hold) need of the editor that
holds them, as a :class:`typing.Protocol`: the parts depend on this, not on
:class:`~.editor.DocumentEditor`, so no module of the editor imports its parent back.
"""

from __future__ import annotations

from typing import Any, Protocol

from .model import EditSession


class EditorHost(Protocol):
    """The :class:`~.editor.DocumentEditor`, as its parts see it."""

    session: EditSession
    slash_menu: Any
    slash_owner: Any

    @property
    def holding(self) -> bool: ...

    def variable_names(self) -> list[str]: ...
    def prose_changed(self, *args: Any, **kwargs: Any) -> Any: ...
    def show_slash(self, *args: Any, **kwargs: Any) -> Any: ...
    def hide_slash(self) -> None: ...
    def apply_slash(self, *args: Any, **kwargs: Any) -> Any: ...
