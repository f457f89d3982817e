"""The C allocator's settings for a headless flood (``connect``, ``run``), set once one starts.

A flood makes large transient buffers one after the other: the socket's reads, the joined
text of a batch for stdout, the journal's lines. glibc's ``malloc`` gives the top of its
heap back to the kernel whenever more than its trim threshold is free there, and serves
blocks above its mmap threshold with fresh mappings: either way the next buffer is new
memory, faulted in page by page. ``bench/speed.py``'s floods measured 2-5 times the page
faults of a process that keeps its heap (13,000-18,000 against 28,000-74,000 per 50,000
x 4 KiB, up to 0.1 s of system time), and varying from run to run with where the buffers
happened to lie.

:func:`for_flood` keeps the heap (trim threshold 64 MiB) and takes blocks up to 32 MiB
from it, so the same memory is used again. It is called by a front end once a session has
received :data:`FLOOD_BYTES`: a one-message ``connect`` neither imports ``ctypes`` nor
changes the allocator. The app sets its own threshold (``app/allocator.py``) and does not
call this.
"""

from __future__ import annotations

import sys

#: Bytes received after which a front end calls :func:`for_flood`.
FLOOD_BYTES = 4 << 20

#: ``M_TRIM_THRESHOLD`` and ``M_MMAP_THRESHOLD`` of glibc's ``<malloc.h>``.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

TRIM_THRESHOLD = 64 << 20
MMAP_THRESHOLD = 32 << 20

_done: bool | None = None


class FloodWatch:
    """Counts the bytes a front end receives and calls :func:`for_flood` once they pass
    :data:`FLOOD_BYTES` (then ``left`` is 0 or less, and the caller's test of it is all
    a message costs)."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = FLOOD_BYTES

    def received(self, nbytes: int) -> None:
        """*nbytes* more received (call only while ``left > 0``)."""
        self.left -= nbytes
        if self.left <= 0:
            for_flood()


def for_flood() -> bool:
    """Keep freed memory for the next buffers (see above); True if glibc took the settings,
    False elsewhere (nothing is changed). Done once per process; later calls are free."""
    global _done
    if _done is None:
        _done = _tune()
    return _done


def _tune() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:  # the process's own symbols: no library search (ctypes.util runs programs)
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl has no mallopt)
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    )
