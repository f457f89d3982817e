"""The errors of the document layer.

Both carry the place they are about, and their ``str()`` is a complete sentence a
user can act on (``echo.void:23: ...``); never a raw YAML traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DocumentError", "LinkError", "place"]


def place(path: str | Path | None, line: int | None = None) -> str:
    """``echo.void:23``, ``<unsaved>:4`` or just the file: where something stands."""
    name = str(path) if path is not None else "<unsaved>"
    return f"{name}:{line}" if line else name


class DocumentError(ValueError):
    """A ``.void`` file that cannot be read: a broken block, bad YAML, a bad fence.

    ``path`` and ``line`` (1-based, in the file) say where; ``reason`` says what is
    wrong, without the place. ``str(error)`` is ``"path:line: reason"``.
    """

    def __init__(self, reason: str, path: str | Path | None = None, line: int | None = None):
        self.reason = reason
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(f"{place(path, line)}: {reason}")


class LinkError(LookupError):
    """A ``linkedBlock`` that cannot be resolved: missing file, missing uid, or a cycle.

    ``target`` is the file the link names, ``uid`` the block it names, ``source`` and
    ``line`` where the link itself stands.
    """

    def __init__(
        self,
        reason: str,
        *,
        target: str | Path | None = None,
        uid: str | None = None,
        source: str | Path | None = None,
        line: int | None = None,
    ):
        self.reason = reason
        self.target = target
        self.uid = uid
        self.source = Path(source) if source is not None else None
        self.line = line
        super().__init__(f"{place(source, line)}: {reason}")
