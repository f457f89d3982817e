"""A flood makes `connect` and `run` keep the C heap (engine/allocator.py); a few messages
do not."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# `wsblock COMMAND ARG`, then whether ctypes was imported and the allocator changed
COMMAND = """
import atexit, sys
def report():
    allocator = sys.modules.get("wsblock.engine.allocator")
    print("ctypes" in sys.modules, getattr(allocator, "_done", None), file=sys.stderr)
atexit.register(report)
from wsblock.cli import main
sys.argv = ["wsblock", sys.argv[1], sys.argv[2]]
main()
"""


def _wsblock(command: str, arg: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", COMMAND, command, arg],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, XDG_STATE_HOME=str(tmp_path), NO_COLOR="1"),
        timeout=120,
    )


def _connect(url: str, tmp_path: Path) -> tuple[list[str], str]:
    out = _wsblock("connect", url, tmp_path)
    return out.stdout.splitlines(), out.stderr.splitlines()[-1]


def test_a_few_messages_leave_the_allocator_alone(echo_cli: Any, tmp_path: Path) -> None:
    lines, report = _connect(echo_cli.url("/flood?n=3&size=4"), tmp_path)
    assert lines == ["xxxx"] * 3
    assert report == "False None"  # ctypes not even imported


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_a_flood_keeps_the_heap_and_loses_nothing(echo_cli: Any, tmp_path: Path) -> None:
    n = 3000  # 6 MB: past FLOOD_BYTES
    lines, report = _connect(echo_cli.url(f"/flood?n={n}&size=2000"), tmp_path)
    assert len(lines) == n and set(lines) == {"x" * 2000}
    assert report == "True True"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_run_keeps_the_heap_in_a_flood_and_passes(echo_cli: Any, tmp_path: Path) -> None:
    from void_files import expect, messages, request, write

    n = 3000  # 6 MB, each message its index: the expectation waits for the last one
    url = echo_cli.url(f"/flood?n={n}&size=2000&seq=1")
    f = write(
        tmp_path / "flood.void",
        request(url, "Flood"),
        messages(expect("last", [["end", "body", "ends-with", "2999"]], timeout=60)),
    )
    out = _wsblock("run", str(f), tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr
    shown = [line for line in out.stdout.splitlines() if " ← " in line]
    assert len(shown) == n and all(line.endswith("0… (2000 chars)") for line in shown)
    assert out.stderr.splitlines()[-1] == "True True"
