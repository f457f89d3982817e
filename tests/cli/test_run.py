"""`wsblock run`: real files against real servers, every exit code."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

from cli_paths import SAMPLES
from void_files import expect, message, messages, request, table, write


def test_the_sample_passes_against_the_embedded_server(run_echo_sample, state_dir) -> None:
    r = run_echo_sample(linger="0.1")
    assert r.code == 0, r.out + r.err
    assert '→ {"op": "hello", "user": "ada"}' in r.out
    assert "← just some text" in r.out
    assert "✔ expect echoed hello" in r.out
    assert "✔ assert got three echoes" in r.out
    assert "1 passed, 0 failed" in r.out
    journals = list(state_dir.rglob("*.ndjson"))
    assert len(journals) == 1
    kinds = [json.loads(line)["event"] for line in journals[0].read_text().splitlines()]
    assert kinds.count("sent") == 3 and kinds.count("received") == 3
    assert "assert" in kinds and "expect" in kinds


def test_env_file_as_the_spec_shows(wsblock, echo_cli, tmp_path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        (SAMPLES / "wss" / ".env.example").read_text().replace("ws://127.0.0.1:8765", echo_cli.base)
    )
    r = wsblock("run", str(SAMPLES / "wss" / "echo.void"), "-e", str(env), "--linger", "0")
    assert r.code == 0, r.out + r.err


def test_json_output_is_one_event_per_line(run_echo_sample) -> None:
    r = run_echo_sample("--json")
    assert r.code == 0, r.err
    records = [json.loads(line) for line in r.out.splitlines()]
    kinds = [rec["event"] for rec in records]
    assert kinds[0] == "connecting" and "open" in kinds and kinds[-1] == "summary"
    sent = [rec for rec in records if rec["event"] == "sent"]
    assert sent[0]["dir"] == "out" and sent[0]["format"] == "json" and sent[0]["type"] == "text"
    assert sent[0]["size"] == len(sent[0]["data"].encode())
    assert all(rec["ts"].endswith("Z") and len(rec["ts"]) == 27 for rec in records if "ts" in rec)
    close = next(rec for rec in records if rec["event"] == "close")
    assert close["code"] == 1000
    assert next(rec for rec in records if rec["event"] == "result")["ok"] is True


def test_failed_expectation_exits_1_naming_rows_and_actual_values(
    wsblock, echo_cli, tmp_path
) -> None:
    f = write(
        tmp_path / "f.void",
        request(echo_cli.url("/echo")),
        messages(
            message("hi", "json", '{"op": "hi"}'),
            expect("bye", [["op is bye", "body.op", "equals", "bye"]], timeout=0.3),
        ),
    )
    r = wsblock("run", str(f), "--junit", str(tmp_path / "j.xml"))
    assert r.code == 1
    assert "expect 'bye' (f.void:" in r.out
    assert "op is bye: body.op equals 'bye', actual 'hi'" in r.out
    assert "0 passed, 1 failed" in r.out
    case = ET.parse(tmp_path / "j.xml").getroot().find("testsuite/testcase")
    assert case is not None and case.find("failure") is not None


def test_failed_assertion_exits_1(wsblock, echo_cli, tmp_path) -> None:
    f = write(
        tmp_path / "a.void",
        request(echo_cli.url("/echo")),
        messages(message("hi", "text", "hello")),
        table(
            "assertions-table",
            [
                ["two back", "received.count", "equals", "2"],
                ["opened", "connected", "equals", "true"],
            ],
        ),
    )
    r = wsblock("run", str(f), "--linger", "0.2")
    assert r.code == 1
    assert "two back: received.count equals '2', actual '1'" in r.out
    assert "✔ assert opened" in r.out


def test_refused_connection_exits_1(wsblock, free_port, tmp_path) -> None:
    f = write(tmp_path / "r.void", request(f"ws://127.0.0.1:{free_port}/x"))
    r = wsblock("run", str(f))
    assert r.code == 1
    assert "refused" in r.out and "nothing listens" in r.out


def test_a_rejection_can_be_the_expected_outcome(wsblock, ws_peer, tmp_path) -> None:
    f = write(
        tmp_path / "rej.void",
        request(ws_peer.url("/reject?status=401&body=go%20away")),
        table(
            "assertions-table",
            [["refused", "connected", "equals", "false"], ["401", "status", "equals", "401"]],
        ),
    )
    r = wsblock("run", str(f))
    assert r.code == 0, r.out
    assert "HTTP 401" in r.out and "go away" in r.out


def test_bad_input_exits_2_before_anything_is_sent(wsblock, echo_cli, tmp_path, state_dir) -> None:
    good = write(tmp_path / "1-good.void", request(echo_cli.url("/echo")))
    bad = write(
        tmp_path / "2-bad.void",
        request(echo_cli.url("/echo")),
        messages(message("broken", "json", '{"a": }')),
    )
    r = wsblock("run", str(good), str(bad))
    assert r.code == 2
    assert "2-bad.void" in r.err and "'broken'" in r.err and "line 1, column 7" in r.err
    assert "Traceback" not in r.err
    assert not list(state_dir.rglob("*.ndjson")), "nothing may be sent when the input is bad"


def test_unknown_variable_and_missing_file_exit_2(wsblock, tmp_path) -> None:
    f = write(tmp_path / "v.void", request("ws://{{HOST}}/x"))
    r = wsblock("run", str(f))
    assert r.code == 2 and "unknown variable {{HOST}}" in r.err and "v.void:" in r.err
    r = wsblock("run", str(tmp_path / "nope.void"))
    assert r.code == 2 and "nope.void: no such file" in r.err


def test_usage_error_exits_2(wsblock) -> None:
    r = wsblock("run", "--no-such-flag", "x.void")
    assert r.code == 2 and "Traceback" not in r.err


def test_secrets_are_masked_in_output_and_journal(wsblock, echo_cli, tmp_path, state_dir) -> None:
    f = write(
        tmp_path / "s.void",
        request(echo_cli.url("/echo")),
        table("headers-table", [["Authorization", "Bearer {{TOKEN}}"]]),
        messages(
            message("auth", "json", '{"token": "{{TOKEN}}"}'),
            expect("back", [["token echoed", "body.token", "equals", "{{TOKEN}}"]]),
        ),
    )
    r = wsblock("run", str(f), "--env-var", "TOKEN=sup3rs3cret", "--linger", "0")
    assert r.code == 0, r.out  # the expectation saw the real value
    assert "sup3rs3cret" not in r.out + r.err
    assert "••••••" in r.out
    text = "".join(p.read_text() for p in state_dir.rglob("*.ndjson"))
    assert "sup3rs3cret" not in text and "••••••" in text
    r = wsblock("run", str(f), "--env-var", "TOKEN=sup3rs3cret", "--json", "--linger", "0")
    assert "sup3rs3cret" not in r.out


def test_http_and_grpc_requests_are_skipped_not_failed(wsblock, echo_cli, tmp_path) -> None:
    folder = tmp_path / "proj"
    shutil.copytree(SAMPLES / "voiden", folder)
    write(folder / "zz-ws.void", request(echo_cli.url("/echo")))
    r = wsblock("run", str(folder), "--linger", "0")
    assert r.code == 0, r.out + r.err
    assert "○ skipped" in r.out and "HTTP requests run in Voiden" in r.out
    assert "1 passed, 0 failed" in r.out
    # folders run recursively, in name order
    order = [line for line in r.out.splitlines() if line.startswith(("○", "▶"))]
    assert order[-1].startswith("▶ zz-ws.void")


def test_request_option_bail_and_timeout(wsblock, echo_cli, free_port, tmp_path) -> None:
    f = write(
        tmp_path / "two.void",
        request(f"ws://127.0.0.1:{free_port}/", "Dead"),
        request(echo_cli.url("/echo"), "Alive"),
    )
    r = wsblock("run", str(f), "--request", "Alive", "--linger", "0")
    assert r.code == 0 and "Dead" not in r.out
    r = wsblock("run", str(f), "--request", "2", "--linger", "0")
    assert r.code == 0 and "Alive" in r.out
    r = wsblock("run", str(f), "--request", "Nope")
    assert r.code == 2 and "no request 'Nope'" in r.err
    r = wsblock("run", str(f), "--bail", "--linger", "0")
    assert r.code == 1 and "▶ two.void › Alive" not in r.out
    slow = write(
        tmp_path / "slow.void",
        request(echo_cli.url("/echo")),
        messages(expect("never", [["x", "body", "equals", "never"]], timeout=30)),
    )
    r = wsblock("run", str(slow), "--timeout", "0.5")
    assert r.code == 1 and "timed out after 0.5 s" in r.out


def test_against_the_ws_peer_headers_query_subprotocol(wsblock, ws_peer, tmp_path) -> None:
    f = write(
        tmp_path / "p.void",
        request(ws_peer.url("/headers")),
        table("headers-table", [["X-Client", "wsblock-test"], ["Sec-WebSocket-Protocol", "chat"]]),
        table("query-table", [["room", "lobby"]]),
        messages(
            expect(
                "headers",
                [
                    ["client header", "body", "contains", "wsblock-test"],
                    ["query", "body.query.room", "equals", "lobby"],
                    ["protocol", "body.protocol", "equals", "chat"],
                ],
            )
        ),
        table(
            "assertions-table",
            [["negotiated", "subprotocol", "equals", "chat"], ["101", "status", "equals", "101"]],
        ),
    )
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 0, r.out


def test_ws_peer_speaks_first_and_closes_with_4001(wsblock, ws_peer, tmp_path) -> None:
    f = write(
        tmp_path / "first.void",
        request(ws_peer.url("/first")),
        messages(expect("greeting", [["hello", "body", "equals", "hello from ws"]])),
    )
    assert wsblock("run", str(f), "--linger", "0").code == 0
    f = write(
        tmp_path / "close.void",
        request(ws_peer.url("/close?code=4001&reason=bye")),
        table(
            "assertions-table",
            [["code", "closeCode", "equals", "4001"], ["reason", "closeReason", "equals", "bye"]],
        ),
    )
    r = wsblock("run", str(f), "--linger", "5")
    assert r.code == 0, r.out
    assert 'closed 4001 "bye" by server' in r.out


def test_ws_peer_flood(wsblock, ws_peer, tmp_path) -> None:
    f = write(
        tmp_path / "flood.void",
        request(ws_peer.url("/flood?n=20000&size=32")),
        table("assertions-table", [["all", "received.count", "equals", "20000"]]),
    )
    r = wsblock("run", str(f), "--linger", "10", "--json")
    assert r.code == 0, r.out[-2000:]
    assert sum('"event": "received"' in line for line in r.out.splitlines()) == 20000


def test_a_journal_folder_that_cannot_be_made_is_bad_input(wsblock, echo_cli, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    f = write(tmp_path / "j.void", request(echo_cli.url("/echo")))
    r = wsblock("run", str(f), "--log-dir", str(blocker / "sessions"))
    assert r.code == 2 and "cannot create the journal folder" in r.err
    assert "▶" not in r.out, "nothing may run without its journal"


def test_a_timeout_keeps_the_results_of_requests_that_ended(wsblock, echo_cli, tmp_path) -> None:
    f = write(
        tmp_path / "t.void",
        request(echo_cli.url("/echo"), "Quick"),
        request(echo_cli.url("/echo"), "Stuck"),
        messages(expect("never", [["x", "body", "equals", "never"]], timeout=30)),
    )
    r = wsblock(
        "run", str(f), "--timeout", "3", "--linger", "0", "--junit", str(tmp_path / "j.xml")
    )
    assert r.code == 1
    assert "✔ passed  t.void › Quick" in r.out
    assert "1 passed, 1 failed" in r.out and "timed out after 3 s" in r.out


def test_no_journal_and_a_large_journal_is_said(wsblock, echo_cli, tmp_path, state_dir) -> None:
    f = write(
        tmp_path / "j.void",
        request(echo_cli.url("/echo"), "J"),
        messages(message("hi", "text", "hello")),
    )
    r = wsblock("run", str(f), "--linger", "0", "--no-journal")
    assert r.code == 0, r.out + r.err
    assert "journal:" not in r.out and not list(state_dir.rglob("*.ndjson"))
    r = wsblock("run", str(f), "--linger", "0", env={"WSBLOCK_JOURNAL_WARN_MB": "0.0001"})
    assert r.code == 0, r.out + r.err
    assert "⚠ the journal " in r.out and "wsblock sessions --prune 7d" in r.out, r.out
    r = wsblock("run", str(f), "--linger", "0")
    assert "⚠" not in r.out


def test_an_expectation_with_no_enabled_row_says_it_checked_nothing(
    wsblock, echo_cli, tmp_path
) -> None:
    hello = message("hello", "json", '{"op": "hi"}')
    for stateful in (False, True):  # the simple runner, and the conversation machine
        held = expect("anything", [["op", "body.op", "equals", "bye"]]).replace(
            "disabled: false", "disabled: true"
        )
        if stateful:  # a reply-to makes the conversation stateful
            held = held.replace("name: anything", "name: anything\n      reply-to: hello")
        f = write(
            tmp_path / f"any-{stateful}.void",
            request(echo_cli.url("/echo")),
            messages(hello, held),
        )
        r = wsblock("run", str(f), "--linger", "0")
        assert r.code == 0, r.out + r.err
        assert "✔ expect anything" in r.out and "(no enabled row: any message holds it)" in r.out
        events = [
            json.loads(x)
            for x in wsblock("run", str(f), "--json", "--linger", "0").out.splitlines()
        ]
        held_event = next(e for e in events if e.get("event") == "expect")
        assert held_event["ok"] is True
        assert held_event["reason"] == "no enabled row: any message holds it"
