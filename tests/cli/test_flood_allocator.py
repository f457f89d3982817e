"""A flood makes ``connect`` keep its heap (engine/allocator.py); a few messages change nothing."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

RUN_CONNECT = """
import atexit, sys
def report():
    allocator = sys.modules.get("wsblock.engine.allocator")
    print("ctypes" in sys.modules, getattr(allocator, "_done", None), file=sys.stderr)
atexit.register(report)
from wsblock.cli import main
sys.argv = ["wsblock", "connect", sys.argv[1]]
main()
"""


def _connect(url: str, tmp_path) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-c", RUN_CONNECT, url],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, XDG_STATE_HOME=str(tmp_path)),
        timeout=120,
    )
    return out.stdout.splitlines(), out.stderr.splitlines()[-1]


def test_a_few_messages_leave_the_allocator_alone(echo_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines, report = _connect(echo_cli.url("/flood?n=3&size=4"), tmp_path)
    assert lines == ["xxxx"] * 3
    assert report == "False None"  # ctypes not even imported


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_a_flood_keeps_the_heap_and_loses_nothing(echo_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    n = 3000  # 6 MB: past FLOOD_BYTES
    lines, report = _connect(echo_cli.url(f"/flood?n={n}&size=2000"), tmp_path)
    assert len(lines) == n and set(lines) == {"x" * 2000}
    assert report == "True True"
