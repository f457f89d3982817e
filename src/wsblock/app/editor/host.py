"""What the editor's parts (block editors) are given by the editor that holds them: the
session they read and write, and where ``{{`` completion takes names from. Plain data:
the parts never call the editor; they ask it for structural edits by message
(:mod:`.keys`), and no module of the editor imports its parent back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import EditSession


@dataclass(frozen=True)
class EditorContext:
    """Given by the :class:`~.editor.DocumentEditor` to its block editors."""

    session: EditSession
    variable_names: Callable[[], list[str]]
