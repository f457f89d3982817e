"""Reading an input file safely: regular files only, with a size limit, never blocking.

``/dev/zero``, a FIFO, a socket or a glob through a symlink to one of them would hang
or exhaust memory with a plain ``read()``. :func:`read_bytes` opens without blocking,
refuses anything but a regular file, and reads at most :data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "NotReadable", "decode_utf8", "read_bytes", "read_text"]

#: The largest input file read (a ``.void`` file, an environment, a ``.env``): 64 MiB.
MAX_FILE_BYTES = 64 * 1024 * 1024


class NotReadable(OSError):
    """A file that is not read: not a regular file, too large, or not UTF-8.

    ``str()`` is the reason without the path, e.g. ``not a regular file (a FIFO)``.
    """

    def __init__(self, reason: str, path: str | Path | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return self.reason


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at *path* (symlinks followed).

    ``FileNotFoundError`` and other ``OSError`` as ``open`` raises them;
    :class:`NotReadable` for anything but a regular file, or a file over *limit* bytes.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO with no writer does not wait
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "a special file")
            raise NotReadable(f"not a regular file ({kind})", path)
        if st.st_size > limit:
            raise NotReadable(f"too large ({st.st_size:,} bytes; the limit is {limit:,})", path)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise NotReadable(f"too large (over {limit:,} bytes)", path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode_utf8(data: bytes, path: str | Path | None = None) -> str:
    """*data* as UTF-8; :class:`NotReadable` names the line and byte of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise NotReadable(
            f"not UTF-8 text (invalid byte 0x{data[e.start]:02x} at line {line}, offset {e.start})",
            path,
        ) from None


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file at *path*; see :func:`read_bytes`."""
    return decode_utf8(read_bytes(path, limit), path)
