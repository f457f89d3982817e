"""The C allocator's setting for a long-lived app holding a million log rows.

The activity log keeps its rows in columns (``array`` objects) that grow by copying,
and a flood makes large transient buffers (batches of messages, journal writes).
glibc's ``malloc`` raises its mmap threshold each time such a block is freed (up to
32 MiB), so later large blocks come from the heap, where the freed copies stay
mapped behind the live rows: ``bench/app_bench.py`` measured 65-76 B of resident
memory per row beyond the payload, of which the rows hold about 30. A fixed threshold
of 1 MiB keeps large blocks in their own mappings, given back when freed (and grown
with ``mremap``, without a copy): 38-40 B per row, for an ingest about 10% slower
(1.27-1.32 against 1.30-1.46 million messages a second; the target is 250,000).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: ``M_MMAP_THRESHOLD`` of glibc's ``<malloc.h>``.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 20


def tune() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD`; True if it was set (False
    elsewhere than on glibc, where nothing is changed)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl has no mallopt)
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
