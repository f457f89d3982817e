"""`wsblock connect`: a line-mode client, against our server and independent peers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_paths import WSBLOCK


def test_pipe_lines_are_messages_and_replies_go_to_stdout(wsblock, echo_cli) -> None:
    r = wsblock("connect", echo_cli.url("/echo"), input="one\ntwo\nthree\n", env={"X": "1"})
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["one", "two", "three"]
    assert "connected" in r.err and "closed 1000" in r.err


def test_against_websocat(wsblock, websocat_echo) -> None:
    r = wsblock("connect", websocat_echo.url("/"), input="alpha\nbeta\n")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["alpha", "beta"]


def test_against_websocketd(wsblock, websocketd_echo) -> None:
    r = wsblock("connect", websocketd_echo.url("/"), input="gamma\ndelta\n")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["gamma", "delta"]


def test_headers_and_subprotocol_reach_the_ws_peer(wsblock, ws_peer) -> None:
    r = wsblock("connect", ws_peer.url("/headers?a=1"), "-H", "X-Try: yes", "-s", "chat", input="")
    assert r.code == 0, r.err
    first = json.loads(r.out.splitlines()[0])
    assert ["x-try", "yes"] in [[k.lower(), v] for k, v in first["headers"]]
    assert first["protocol"] == "chat" and first["query"] == {"a": "1"}


def test_json_events(wsblock, echo_cli) -> None:
    r = wsblock("connect", echo_cli.url("/echo"), "--json", input='{"a": 1}\n')
    assert r.code == 0
    records = [json.loads(line) for line in r.out.splitlines()]
    kinds = [rec["event"] for rec in records]
    assert kinds[:2] == ["connecting", "open"] and "sent" in kinds and "received" in kinds
    assert kinds[-1] == "close"


def test_format_validates_each_line(wsblock, echo_cli) -> None:
    r = wsblock(
        "connect", echo_cli.url("/echo"), "--format", "json", input='{"ok": 1}\n{"bad": }\n'
    )
    assert r.out.splitlines() == ['{"ok": 1}']
    assert "line 2: invalid JSON" in r.err and "not sent" in r.err
    assert r.code == 2, "a line that is not JSON is bad input"


@pytest.mark.parametrize("errors", ["the locale's", "strict"])
def test_a_line_that_is_not_utf8_is_bad_input_and_the_rest_is_sent(
    wsblock, echo_cli, errors
) -> None:
    # Before: "internal error: UnicodeEncodeError" (or, with strict decoding, the stdin
    # thread's traceback and "the connection closed before the input ended").
    env = {"PYTHONIOENCODING": "utf-8:strict"} if errors == "strict" else {}
    r = wsblock("connect", echo_cli.url("/echo"), input=b"one\n\xff\xfe two\nthree\n", env=env)
    err = r.err
    assert r.out.splitlines() == ["one", "three"], err
    assert "wsblock: line 2: not UTF-8 (byte 0xff at column 1); not sent" in err, err
    assert "internal error" not in err and "Traceback" not in err and "input ended" not in err
    assert r.code == 2, "a line that is not UTF-8 is bad input"


def test_a_closed_stdin_is_no_input(echo_cli, state_dir) -> None:
    env = dict(os.environ, XDG_STATE_HOME=str(state_dir), NO_COLOR="1")
    p = subprocess.run(
        ["sh", "-c", 'exec "$0" connect "$1" <&-', WSBLOCK, echo_cli.url("/echo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "● closed 1000 by client" in p.stderr and "error" not in p.stderr, p.stderr


def test_binary_lines_are_base64(wsblock, echo_cli) -> None:
    r = wsblock("connect", echo_cli.url("/echo"), "--format", "binary", input="aGVsbG8=\n")
    assert r.code == 0
    assert r.out.strip() == "base64:aGVsbG8="


def test_echo_sends_received_messages_back(wsblock, websocketd) -> None:
    # websocketd runs a script that greets, then reports the line it is sent back.
    peer = websocketd('echo hi; read line; echo "got $line"')
    r = wsblock("connect", peer.url("/"), "--echo", "--linger", "5", input="")
    assert r.out.splitlines()[:2] == ["hi", "got hi"]


def test_linger_waits_for_late_replies_and_server_close_ends_it(wsblock, ws_peer) -> None:
    t = time.monotonic()
    r = wsblock("connect", ws_peer.url("/close?code=4001&reason=bye"), "--linger", "20", input="")
    assert time.monotonic() - t < 10, "a close by the server ends the wait"
    assert 'closed 4001 "bye" by server' in r.err


def test_refused_and_bad_url(wsblock, free_port) -> None:
    r = wsblock("connect", f"ws://127.0.0.1:{free_port}/")
    assert r.code == 1 and "refused" in r.err
    r = wsblock("connect", "http://example.com/")
    assert r.code == 2 and "ws:// or wss://" in r.err


def test_kill_9_during_a_flood_leaves_a_readable_journal(echo_cli, tmp_path: Path) -> None:
    """Everything received more than 100 ms before a SIGKILL is in the journal."""
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path), NO_COLOR="1")
    proc = subprocess.Popen(
        [WSBLOCK, "connect", echo_cli.url("/flood?n=5000000&size=16")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    # Read what wsblock printed; a message is journaled before it is printed.
    seen = 0
    marks: list[tuple[float, int]] = []
    while seen < 200_000:
        chunk = proc.stdout.read1(1 << 16)
        assert chunk, "the flood ended early"
        seen += chunk.count(b"\n")
        marks.append((time.monotonic(), seen))
    # Keep reading for 300 ms more so that the earlier marks are >100 ms old at the kill.
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        chunk = proc.stdout.read1(1 << 16)
        seen += chunk.count(b"\n")
    killed_at = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    printed_before = max(n for t, n in marks if t < killed_at - 0.1)
    journal = next(tmp_path.rglob("*.ndjson"))
    lines = journal.read_bytes().split(b"\n")
    received = 0
    for line in lines:
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            assert line is lines[-1], "only the very last line may be cut"
            continue
        received += record["event"] == "received"
    assert received >= printed_before


def test_a_big_flood_is_all_on_stdout_and_in_the_journal(wsblock, echo_cli, state_dir) -> None:
    n = 300_000  # many socket reads, runs bigger than a journal chunk
    r = wsblock("connect", echo_cli.url(f"/flood?n={n}&size=16&seq=1"), timeout=120)
    assert r.code == 0, r.err[-2000:]
    lines = r.out.splitlines()
    assert len(lines) == n and len(set(lines)) == n  # every message, once
    journal = sorted((state_dir / "wsblock" / "sessions").glob("*.ndjson"))[-1]
    with journal.open("rb") as f:
        received = sum(b'"event": "received"' in line for line in f)
    assert received == n


def test_compression_only_when_asked(wsblock, echo_cli) -> None:
    # Without --compression no permessage-deflate is offered (the picows transport).
    plain = wsblock("connect", echo_cli.url("/headers"), input="")
    asked = wsblock("connect", echo_cli.url("/headers"), "--compression", input="")
    assert plain.code == 0 and asked.code == 0, plain.err + asked.err
    offered = [
        [
            v
            for k, v in json.loads(r.out.splitlines()[0])["headers"]
            if k.lower() == "sec-websocket-extensions"
        ]
        for r in (plain, asked)
    ]
    assert offered[0] == [] and "permessage-deflate" in offered[1][0]


def test_the_secret_like_headers_of_the_answer_are_masked(wsblock, gateway_peer, tmp_path) -> None:
    """The gateway's answer carries a session token and a cookie (tests/peers/
    gateway_server.py): `--json` and the journal show `open` with both masked."""
    import re

    logs = tmp_path / "logs"
    r = wsblock(
        "connect", gateway_peer.url("/gateway"), "--json", "--log-dir", str(logs), "--linger", "0"
    )
    records = [json.loads(line) for line in r.out.splitlines()]
    journal = [json.loads(line) for line in next(logs.glob("*.ndjson")).read_text().splitlines()]
    for shown in (records, journal):
        opened = next(rec for rec in shown if rec["event"] == "open")
        headers = {k.lower(): v for k, v in opened["headers"]}
        assert headers["x-session-token"] == "••••••" and headers["set-cookie"] == "••••••"
    assert not re.search(r"gw[tc]-[0-9a-f]{32}", r.out + r.err)
