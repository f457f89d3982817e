"""`wsblock run` against hostile servers and under pressure: the truth, in bounded time.

Issue 8, items 9-16: a connection the client had to fail is a failure; ``--timeout`` is a
hard bound; Ctrl-C closes and exits 130 at once; what was printed is in the journal; a
journal that cannot be written is said at once; exports are safe and refuse what is not
a journal; a secret inside a binary payload is masked.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_paths import WSBLOCK
from void_files import request, table, write


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        ("/utf8", 1007, "not valid UTF-8"),
        ("/opcode", 1002, "invalid opcode"),
        ("/closecode", 1002, "status code"),
        ("/big", 1009, "max-message-size"),
    ],
)
def test_item9_a_connection_the_client_failed_fails_the_request(
    wsblock, hostile, tmp_path, path, code, words
):
    f = write(tmp_path / "h.void", request(hostile.url(path), "hostile"))
    r = wsblock("run", str(f), "--linger", "0.5", timeout=30)
    assert r.code == 1, r.out + r.err
    assert "failed" in r.out and str(code) in r.out and words in r.out, r.out


def test_item9_an_assertion_that_expects_the_close_passes(wsblock, hostile, tmp_path):
    f = write(
        tmp_path / "h.void",
        request(hostile.url("/utf8"), "hostile"),
        table("assertions-table", [["closed 1007", "closeCode", "equals", "1007"]]),
    )
    r = wsblock("run", str(f), "--linger", "0.5", timeout=30)
    assert r.code == 0, r.out + r.err


def test_item10_timeout_is_a_hard_bound(wsblock, hostile, tmp_path):
    # The server never answers the close: without a hard bound this takes 10 s or more.
    f = write(tmp_path / "h.void", request(hostile.url("/noclose"), "silent"))
    start = time.monotonic()
    r = wsblock("run", str(f), "--linger", "30", "--timeout", "1", timeout=30)
    elapsed = time.monotonic() - start
    assert r.code == 1, r.out + r.err
    assert "timed out after 1 s" in r.out
    # 1 s + a 1 s grace + start-up; without the bound: 1 s + the 10 s close timeout.
    assert elapsed < 9, f"--timeout 1 took {elapsed:.1f} s"


def _started(proc: subprocess.Popen) -> None:
    """Wait until the run printed that it is connected (its stdout, line by line)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if "connected" in line:
            return
    pytest.fail(f"the run never connected: {proc.stderr.read() if proc.stderr else ''}")


def _popen_run(f: Path, state: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, XDG_STATE_HOME=str(state), NO_COLOR="1")
    return subprocess.Popen(
        [WSBLOCK, "run", str(f), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _journal_records(state: Path) -> list[dict]:
    files = sorted((state / "wsblock" / "sessions").glob("*.ndjson"))
    assert files, "no journal written"
    return [json.loads(line) for line in files[-1].read_text().splitlines()]


def test_item11_one_ctrl_c_closes_with_1000_and_exits_130(echo_cli, tmp_path):
    f = write(tmp_path / "e.void", request(echo_cli.url("/echo"), "echo"))
    state = tmp_path / "state"
    proc = _popen_run(f, state, "--linger", "60")
    _started(proc)
    sent_at = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    elapsed = time.monotonic() - sent_at
    assert proc.returncode == 130, err
    assert elapsed < 3, f"exit took {elapsed:.1f} s after Ctrl-C"
    assert "Traceback" not in err
    closes = [r for r in _journal_records(state) if r.get("event") == "close"]
    assert closes and closes[-1]["code"] == 1000 and closes[-1]["by"] == "client", closes


def test_item11_a_second_ctrl_c_cuts_at_once_quietly(hostile, tmp_path):
    # The server never answers the close: only the second Ctrl-C ends it early.
    f = write(tmp_path / "h.void", request(hostile.url("/noclose"), "silent"))
    state = tmp_path / "state"
    proc = _popen_run(f, state, "--linger", "60")
    _started(proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)  # two separate key presses, as a user makes them
    sent_at = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent_at < 2
    assert "Traceback" not in err and "asyncio" not in err, err
    assert any(r.get("event") == "close" for r in _journal_records(state))


async def test_item12_run_keeps_no_message_it_does_not_need(echo_server):
    """Messages after the last expectation are counted, not kept (1M would be 442 MB)."""
    import gc

    from wsblock import runner
    from wsblock.conversation.request import Request

    kept: list[int] = []
    received = 0

    def listener(event) -> None:
        nonlocal received
        if event.kind == "received":
            received += 1
            if received == 20000:
                # type(), not isinstance(): a dead weak proxy among the objects raises
                kept.append(sum(type(o) is runner._Inbound for o in gc.get_objects()))

    req = Request(name="flood", url=echo_server.url("/flood?n=20000&size=16"))
    result = await runner.run_request(req, listener, linger=5)
    assert result.received == 20000, result
    assert kept == [0]


def test_item13_what_connect_printed_is_in_the_journal_after_kill_9(echo_cli, tmp_path):
    state = tmp_path / "state"
    env = dict(os.environ, XDG_STATE_HOME=str(state), NO_COLOR="1")
    proc = subprocess.Popen(
        [WSBLOCK, "connect", echo_cli.url("/flood?n=2000000&size=16&seq=1")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    printed = 0
    while printed < 50_000:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        printed += 1
    proc.kill()
    proc.wait()
    files = sorted((state / "wsblock" / "sessions").glob("*.ndjson"))
    lines = files[-1].read_bytes().splitlines()
    received = sum(
        b'"event":"received"' in line or b'"event": "received"' in line for line in lines
    )
    assert received >= printed, (received, printed)


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_item14_a_journal_that_cannot_be_written_is_said_at_once(echo_cli, tmp_path):
    state = tmp_path / "state"
    env = dict(os.environ, XDG_STATE_HOME=str(state), NO_COLOR="1")
    # Files may not grow past 20 kB (as a full disk): the journal fails, stdout (a pipe)
    # does not, and the connection goes on to the end.
    proc = subprocess.run(
        [WSBLOCK, "connect", echo_cli.url("/flood?n=3000&size=16")],
        input=b"",
        capture_output=True,
        env=env,
        timeout=60,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 1
    assert b"the journal cannot be written" in proc.stderr, proc.stderr
    assert len(proc.stdout.splitlines()) == 3000


def test_item15_csv_cells_cannot_be_formulas(wsblock, echo_cli, tmp_path):
    r = wsblock("connect", echo_cli.url("/echo"), input="=1+2\n@SUM(A1)\n-3\nplain\n")
    assert r.code == 0, r.err
    e = wsblock("export", "connect", "--format", "csv")
    assert e.code == 0, e.err
    cells = e.out
    assert "'=1+2" in cells and "'@SUM(A1)" in cells and "'-3" in cells
    assert ",=1+2" not in cells and ",@SUM" not in cells


def test_item15_export_refuses_what_is_not_a_journal(wsblock, tmp_path):
    other = tmp_path / "notes.ndjson"
    other.write_text('{"hello": 1}\n')
    r = wsblock("export", str(other))
    assert r.code == 2 and "not a wsblock journal" in r.err, r.err
    binary = tmp_path / "blob.ndjson"
    binary.write_bytes(b"\x00\xff\x10garbage\n")
    r = wsblock("export", str(binary))
    assert r.code == 2 and "Traceback" not in r.err, r.err


def test_item15_export_into_a_missing_folder_is_bad_input(wsblock, echo_cli, tmp_path):
    assert wsblock("connect", echo_cli.url("/echo"), input="hi\n").code == 0
    r = wsblock("export", "connect", "-o", str(tmp_path / "missing" / "out.csv"))
    assert r.code == 2 and "does not exist" in r.err, r.err


def test_item16_a_secret_in_a_binary_payload_is_masked(wsblock, echo_cli, tmp_path):
    import base64

    secret = "s3cr3t-t0ken-value"
    payload = base64.b64encode(b"\x00\x01" + secret.encode() + b"\x02").decode()
    r = wsblock(
        "connect",
        echo_cli.url("/echo"),
        "-H",
        "Authorization: Bearer {{TOKEN}}",
        "--env-var",
        f"TOKEN={secret}",
        "--format",
        "binary",
        input=payload + "\n",
    )
    assert r.code == 0, r.err
    shown = base64.b64decode(r.out.strip().removeprefix("base64:"))
    assert secret.encode() not in shown and "••••••".encode() in shown
    e = wsblock("export", "connect", "--format", "ndjson")
    for rec in map(json.loads, e.out.splitlines()):
        if rec.get("data_b64"):
            assert secret.encode() not in base64.b64decode(rec["data_b64"])
