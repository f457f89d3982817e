"""`wsblock load`: short, small load tests against real servers on loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.server import serve as sync_serve

from cli.void_files import expect, message, messages, request, table, write
from peers.fixtures import Peer, pick_free_port


def echo_file(tmp_path: Path, url: str, *, assertion: bool = True) -> Path:
    parts = [
        request(url, "Echo"),
        messages(
            message("hello", "text", "hello"),
            expect("echoed hello", [["echo", "body", "equals", "hello"]]),
        ),
    ]
    if assertion:
        parts.append(table("assertions-table", [["closed ok", "closeCode", "equals", "1000"]]))
    return write(tmp_path / "echo.void", *parts)


def events(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def summary(out: str) -> dict:
    last = events(out)[-1]
    assert last["event"] == "load-summary", out
    return last


def entry(s: dict, name: str) -> dict:
    return next(r for r in s["requests"] if r["name"] == name)


def distributed(spawn, f: Path, *options: str, workers: int = 2, worker_json: bool = True):
    """``wsblock load F --master`` on a free port, waiting for ``workers`` workers, with
    ``options``; and the workers (``--json`` unless told). Returns (master, workers)."""
    port = str(pick_free_port())
    master = spawn(
        "load",
        str(f),
        "--master",
        "--master-bind-host",
        "127.0.0.1",
        "--master-port",
        port,
        "--expect-workers",
        str(workers),
        *options,
    )
    worker = ["load", str(f), "--worker", "--master-host", "127.0.0.1", "--master-port", port]
    return master, [spawn(*worker, *(["--json"] if worker_json else [])) for _ in range(workers)]


def plausible(s: dict) -> None:
    e = entry(s, "echoed hello")
    assert e["count"] > 0 and e["failures"] == 0
    assert e["p99_ms"] > 0 and e["max_ms"] > 0
    assert 0 <= e["p50_ms"] <= e["p95_ms"] <= e["p99_ms"] <= e["max_ms"] + 1
    assert entry(s, "conversation")["count"] > 0
    assert entry(s, "connect")["count"] >= entry(s, "conversation")["count"]
    assert s["messages"]["out"] > 0 and s["messages"]["in"] > 0
    assert 0 < s["connections"]["peak"] <= 20
    assert s["errors"] == {}


@pytest.mark.parametrize("peer", ["echo_server", "ws_peer"])
def test_20_users_for_5_s_give_plausible_reply_latencies(wsblock, tmp_path, request, peer) -> None:
    server: Peer = request.getfixturevalue(peer)
    f = echo_file(tmp_path, server.url("/echo"))
    r = wsblock(
        "load",
        str(f),
        "-u",
        "20",
        "-r",
        "20",
        "-t",
        "5s",
        "--json",
        "--fail-if",
        "p99(echoed hello) > 5s",
        "--fail-if",
        "errors > 0",
    )
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    plausible(s)
    assert s["users"] == 20 and 4.5 < s["duration_s"] < 8
    kinds = {e["event"] for e in events(r.out)}
    assert {"load-start", "threshold", "load-summary"} <= kinds


@pytest.fixture
def slow_echo() -> Iterator[Peer]:
    """A server that echoes each message 50 ms after it arrived: a known reply latency."""

    def handler(ws) -> None:
        for msg in ws:
            time.sleep(0.05)
            ws.send(msg)

    server = sync_serve(handler, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Peer("127.0.0.1", server.socket.getsockname()[1])
    server.shutdown()
    thread.join(5)


def test_reply_latency_is_measured_from_the_send(wsblock, tmp_path, slow_echo) -> None:
    f = echo_file(tmp_path, slow_echo.url("/echo"))
    r = wsblock("load", str(f), "-u", "4", "-r", "4", "-t", "3s", "--json")
    assert r.code == 0, r.out + r.err
    e = entry(summary(r.out), "echoed hello")
    assert e["count"] >= 8
    assert 50 <= e["p50_ms"] < 120, e
    assert e["p99_ms"] < 250, e
    conv = entry(summary(r.out), "conversation")
    assert conv["p50_ms"] >= e["p50_ms"]


def test_a_threshold_that_holds_exits_1_and_is_named(wsblock, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    junit = tmp_path / "junit.xml"
    r = wsblock(
        "load",
        str(f),
        "-u",
        "3",
        "-r",
        "3",
        "-t",
        "2s",
        "--junit",
        str(junit),
        "--fail-if",
        "count(echoed hello) > 0",
        "--fail-if",
        "p99(echoed hello) > 60s",
    )
    assert r.code == 1, r.out + r.err
    assert "✘ threshold crossed: count(echoed hello) > 0" in r.out
    assert "✔ threshold not crossed: p99(echoed hello) > 60s" in r.out
    text = junit.read_text()
    assert text.count("<testcase") == 2 and text.count("<failure") == 1
    assert "count(echoed hello) &gt; 0" in text


def test_a_bad_expression_exits_2_before_anything_is_sent(wsblock, tmp_path) -> None:
    port = pick_free_port()
    f = echo_file(tmp_path, f"ws://127.0.0.1:{port}/echo")
    for expr, said in [
        ("p99(echoed hello) >> 2", "expected METRIC"),
        ("p99(no such step) > 2ms", "no step named 'no such step'"),
        ("bogus > 1", "unknown metric"),
        ("errors > 1ms", "takes no unit"),
    ]:
        r = wsblock("load", str(f), "-u", "1", "-t", "1s", "--fail-if", expr)
        assert r.code == 2, (expr, r.out, r.err)
        assert said in r.err and "Traceback" not in r.err
        assert r.out == ""


def test_a_refused_server_counts_errors_of_that_kind(wsblock, tmp_path) -> None:
    port = pick_free_port()
    f = echo_file(tmp_path, f"ws://127.0.0.1:{port}/echo")
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    assert set(s["errors"]) == {"refused"} and s["errors"]["refused"] > 0
    connect = entry(s, "connect")
    assert connect["failures"] == connect["count"] == s["errors"]["refused"]
    assert s["thresholds"][0] == {
        "expression": "errors > 0",
        "failed": True,
        "actual": float(s["errors"]["refused"]),
        "reason": None,
    }


def test_a_rejected_handshake_and_a_server_close_are_their_own_kinds(
    wsblock, ws_peer, tmp_path
) -> None:
    f = write(
        tmp_path / "two.void",
        request(ws_peer.url("/reject?status=403"), "Rejected"),
        request(ws_peer.url("/close?code=4001&reason=bye"), "Closed"),
        messages(
            message("hello", "text", "hello"),
            expect("never", [["echo", "body", "equals", "nope"]], timeout=2),
        ),
    )
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "2s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    assert s["errors"].get("handshake 403", 0) > 0
    assert any(k == "closed 4001" for k in s["errors"]), s["errors"]


def test_secrets_are_masked_in_every_output(wsblock, echo_server, tmp_path) -> None:
    f = write(
        tmp_path / "secret.void",
        request(echo_server.url("/echo?token={{API_TOKEN}}"), "S"),
        messages(
            message("hello", "text", "{{API_TOKEN}}"),
            expect("reply", [["echo", "body", "equals", "nope"]], timeout=0.3),
        ),
    )
    csv = tmp_path / "rep"
    html = tmp_path / "rep.html"
    r = wsblock(
        "load",
        str(f),
        "--env-var",
        "API_TOKEN=s3cr3t-value",
        "-u",
        "1",
        "-t",
        "1s",
        "--json",
        "--csv",
        str(csv),
        "--html",
        str(html),
    )
    assert r.code == 1, r.out + r.err
    assert summary(r.out)["errors"] == {
        "expectation timeout": summary(r.out)["errors"]["expectation timeout"]
    }
    for text in (
        r.out,
        r.err,
        html.read_text(),
        *(p.read_text() for p in tmp_path.glob("rep_*.csv")),
    ):
        assert "s3cr3t-value" not in text
    assert (tmp_path / "rep_stats.csv").read_text().count("\n") >= 3


def test_each_user_gets_its_own_variables(wsblock, echo_server, tmp_path) -> None:
    f = write(
        tmp_path / "users.void",
        request(echo_server.url("/echo"), "U"),
        messages(
            message("hello", "text", "user {{load.user}}"),
            expect("mine", [["echo", "body", "equals", "user {{load.user}}"]]),
        ),
        table("assertions-table", [["one", "received.count", "equals", "1"]]),
    )
    logs = tmp_path / "logs"
    r = wsblock(
        "load",
        str(f),
        "-u",
        "3",
        "-r",
        "3",
        "-t",
        "2s",
        "--json",
        "--journal",
        "--log-dir",
        str(logs),
    )
    assert r.code == 0, r.out + r.err
    assert entry(summary(r.out), "mine")["count"] > 0
    sent = set()
    for path in logs.glob("*.ndjson"):
        mine = {
            rec["data"]
            for rec in map(json.loads, path.read_text().splitlines())
            if rec["event"] == "sent"
        }
        assert len(mine) == 1, mine  # one user: always its own value
        sent |= mine
    assert sent == {"user 1", "user 2", "user 3"}


def test_other_commands_never_import_locust_or_gevent() -> None:
    import subprocess
    import sys

    code = (
        "import sys, wsblock.cli.main, wsblock.cli.load; "
        "bad = [m for m in ('locust', 'gevent') if m in sys.modules]; "
        "sys.exit(f'imported: {bad}' if bad else 0)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def test_a_master_merges_the_counts_of_two_workers(spawn, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    master, workers = distributed(spawn, f, "-u", "6", "-r", "6", "-t", "4s", "--json")
    out, err = master.communicate(timeout=60)
    assert master.returncode == 0, out + err
    s = summary(out)
    assert s["workers"] == 2
    per_worker = []
    for w in workers:
        wout, werr = w.communicate(timeout=30)
        last = events(wout)[-1]
        assert last["event"] == "worker-summary", wout + werr
        per_worker.append(last)
    for name in ("connect", "echoed hello", "conversation"):
        counts = [w["requests"].get(name, 0) for w in per_worker]
        assert all(c > 0 for c in counts), (name, counts)
        assert entry(s, name)["count"] == sum(counts), (name, counts)
    assert s["messages"]["out"] == sum(w["messages"]["out"] for w in per_worker)
    assert s["messages"]["in"] == sum(w["messages"]["in"] for w in per_worker)


def test_the_journal_is_off_by_default_and_bounded_when_on(wsblock, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "1s")
    assert r.code == 0, r.out + r.err
    assert not list((tmp_path / "state").rglob("*.ndjson"))
    logs = tmp_path / "logs"
    r = wsblock(
        "load",
        str(f),
        "-u",
        "2",
        "-r",
        "2",
        "-t",
        "2s",
        "--journal",
        "--log-dir",
        str(logs),
        "--journal-max-mb",
        "0.05",
        "--json",
    )
    assert r.code == 0, r.out + r.err
    files = sorted(logs.glob("*.ndjson"))
    assert len(files) == 2 and summary(r.out)["journal"]["sessions"] == 2
    assert summary(r.out)["journal"]["stopped"] is True
    assert "later events are not journaled" in r.err
    assert sum(p.stat().st_size for p in files) < 0.05 * 1024 * 1024 * 1.5
    records = [json.loads(line) for line in files[0].read_text().splitlines()]
    kinds = [rec["event"] for rec in records[:8]]
    assert kinds[:7] == ["session", "connecting", "open", "sent", "received", "expect", "close"]


def test_web_ui_on_loopback_then_a_summary_at_the_end(spawn, echo_server, tmp_path) -> None:
    import signal
    import urllib.parse
    import urllib.request

    f = echo_file(tmp_path, echo_server.url("/echo"))
    port = pick_free_port()
    p = spawn("load", str(f), "--web", "--web-port", str(port), "--json")
    line = p.stderr.readline()
    assert f"http://127.0.0.1:{port}" in line, line
    deadline = time.monotonic() + 20
    while True:  # the web server starts in a greenlet just after the line: poll its port
        try:
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert page.status == 200
    form = urllib.parse.urlencode({"user_count": 2, "spawn_rate": 2}).encode()
    started = urllib.request.urlopen(f"http://127.0.0.1:{port}/swarm", data=form, timeout=5)
    assert json.loads(started.read())["success"] is True
    deadline = time.monotonic() + 20
    while True:  # poll Locust's own stats until conversations are counted
        stats = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/stats/requests").read())
        if any(s["name"] == "conversation" and s["num_requests"] > 0 for s in stats["stats"]):
            break
        assert time.monotonic() < deadline, stats
        time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, out + err
    assert entry(summary(out), "conversation")["count"] > 0


def test_a_failed_assertion_is_its_own_kind(wsblock, echo_server, tmp_path) -> None:
    f = write(
        tmp_path / "assert.void",
        request(echo_server.url("/echo"), "A"),
        messages(
            message("hello", "text", "hello"),
            expect("echoed hello", [["echo", "body", "equals", "hello"]]),
        ),
        table("assertions-table", [["five", "received.count", "equals", "5"]]),
    )
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "1s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    assert set(s["errors"]) == {"assertion failed"}
    assert entry(s, "echoed hello")["failures"] == 0
    assert entry(s, "conversation")["failures"] == s["errors"]["assertion failed"] > 0


def test_processes_runs_a_master_and_local_workers(wsblock, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    r = wsblock(
        "load",
        str(f),
        "--processes",
        "2",
        "--master-port",
        str(pick_free_port()),
        "-u",
        "4",
        "-r",
        "4",
        "-t",
        "2s",
        "--json",
    )
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    assert s["workers"] == 2
    plausible(s)


def test_tls_is_verified_and_a_failure_is_its_own_kind(wsblock, tls_files, tmp_path) -> None:
    def handler(ws) -> None:
        for msg in ws:
            ws.send(msg)

    server = sync_serve(handler, "127.0.0.1", 0, ssl=tls_files.server_context())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"wss://127.0.0.1:{server.socket.getsockname()[1]}/echo"
        f = echo_file(tmp_path, url)
        r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "1s", "--json")
        assert r.code == 1, r.out + r.err
        assert set(summary(r.out)["errors"]) == {"tls"}
        trusted = write(
            tmp_path / "trusted.void",
            request(url, "Echo"),
            table("socket-options", [["ca-file", str(tls_files.ca)]]),
            messages(
                message("hello", "text", "hello"),
                expect("echoed hello", [["echo", "body", "equals", "hello"]]),
            ),
        )
        r = wsblock("load", str(trusted), "-u", "1", "-r", "1", "-t", "1s", "--json")
        assert r.code == 0, r.out + r.err
        assert entry(summary(r.out), "echoed hello")["count"] > 0
    finally:
        server.shutdown()
        thread.join(5)


def test_response_time_is_asserted_under_load_as_in_run(wsblock, echo_server, tmp_path) -> None:
    """Voiden's `responseTime` (the handshake's time) holds under load as under `run`."""
    f = write(
        tmp_path / "rt.void",
        request(echo_server.url("/echo"), "Echo"),
        table("assertions-table", [["quick handshake", "responseTime", "lessThan", "5000"]]),
    )
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json")
    assert r.code == 0, r.out + r.err
    summary = events(r.out)[-1]
    assert summary["event"] == "load-summary" and not summary["errors"], summary
