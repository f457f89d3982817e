"""Writing what an import made: a file created with the mode asked for (600 for a
``.env``), never over an existing one unless ``force`` (the CLI's ``--force``).

::

    write_new(Path("chat.env"), env_text(imported), 0o600)   # FileExistsError, OSError
"""

from __future__ import annotations

import os
from pathlib import Path


def write_new(path: Path, text: str, mode: int, force: bool = False) -> None:
    """Write ``text`` to ``path``, created with ``mode``; :class:`FileExistsError` when it
    exists (unless ``force``: then it is overwritten and given ``mode``)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    fd = os.open(path, flags, mode)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        if force:
            os.fchmod(f.fileno(), mode)
        f.write(text)
