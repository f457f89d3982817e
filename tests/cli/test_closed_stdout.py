"""Issue 22, item 5: a closed stdout ends a command quietly, as ``cat`` and ``grep`` end.

Each command's stdout is a real pipe whose reader goes away early (after one line, or
before the first); the command ends without a traceback or "Task exception was never
retrieved", with exit code 141 (as a shell reports SIGPIPE), and a session stays
journaled to its close.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from cli_paths import WSBLOCK
from void_files import expect, message, messages, request, write

SIGPIPE_EXIT = 141


def _head_1(args: list[str], state: Path, stdin: str = "", close_at_once: bool = False):
    """``wsblock ARGS | head -1``: read one line (or none), close the pipe, wait for the end."""
    env = dict(os.environ, XDG_STATE_HOME=str(state), NO_COLOR="1")
    proc = subprocess.Popen(
        [WSBLOCK, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin and proc.stdout and proc.stderr
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    first = b"" if close_at_once else proc.stdout.readline()
    proc.stdout.close()
    start = time.monotonic()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    return proc.returncode, first.decode(), err, time.monotonic() - start


def _quiet(err: str) -> None:
    assert "Traceback" not in err and "never retrieved" not in err, err
    assert "BrokenPipe" not in err and "Exception ignored" not in err, err


def test_run_json_into_head_1(echo_cli, tmp_path) -> None:
    f = write(
        tmp_path / "slow.void",
        request(echo_cli.url("/echo"), "Slow"),
        messages(
            message("a", "text", "a"),
            expect("never", [["x", "body", "equals", "never"]], timeout=60),
        ),
    )
    state = tmp_path / "state"
    code, first, err, took = _head_1(["run", str(f), "--json"], state)
    _quiet(err)
    assert json.loads(first)["event"] == "connecting"
    assert code == SIGPIPE_EXIT, err
    assert took < 10, f"the run went on for {took:.1f} s with nobody reading"
    journal = next((state / "wsblock" / "sessions").glob("*.ndjson"))
    closes = [r for r in map(json.loads, journal.read_text().splitlines()) if r["event"] == "close"]
    assert closes and closes[-1]["code"] == 1000, "the run closes and stays journaled"


def test_connect_flood_into_head_1(echo_cli, tmp_path) -> None:
    state = tmp_path / "state"
    url = echo_cli.url("/flood?n=2000000&size=64")
    code, first, err, took = _head_1(["connect", url], state)
    _quiet(err)
    assert first.strip() == "x" * 64
    assert code == SIGPIPE_EXIT, err
    assert took < 10


def test_sessions_and_export_into_a_closed_pipe(wsblock, echo_cli, tmp_path, state_dir) -> None:
    r = wsblock("connect", echo_cli.url("/flood?n=20000&size=64"))
    assert r.code == 0, r.err
    code, _, err, _ = _head_1(["export", "connect"], state_dir)
    _quiet(err)
    assert code == SIGPIPE_EXIT, err
    code, _, err, _ = _head_1(["sessions"], state_dir, close_at_once=True)
    _quiet(err)
    assert code == SIGPIPE_EXIT, err


def test_load_json_into_head_1(echo_cli, tmp_path) -> None:
    # Locust's process writes the events; its reader gone, the test stops well before
    # its 60 s, quietly, exit 141 (it used to print a greenlet's traceback and exit 1).
    f = write(
        tmp_path / "load.void",
        request(echo_cli.url("/echo"), "Load"),
        messages(
            message("a", "text", "a"),
            expect("echoed", [["x", "body", "equals", "a"]], timeout=5),
        ),
    )
    code, first, err, took = _head_1(
        ["load", str(f), "--users", "2", "--run-time", "60s", "--json"], tmp_path / "state"
    )
    _quiet(err)
    assert json.loads(first)["event"] == "load-start"
    assert code == SIGPIPE_EXIT, err
    assert took < 30, took
