"""What the editor's parts (block editors, prose, the key hold) need of the editor that
holds them, as a :class:`typing.Protocol`: the parts depend on this, not on
:class:`~.editor.DocumentEditor`, so no module of the editor imports its parent back.
"""

from __future__ import annotations

from typing import Protocol

from .model import EditSession


class EditorHost(Protocol):
    """The :class:`~.editor.DocumentEditor`, as its parts see it."""

    session: EditSession

    @property
    def holding(self) -> bool: ...

    def variable_names(self) -> list[str]: ...
