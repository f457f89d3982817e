"""``wsblock replay``, ``diff``, ``mock`` and ``import har``, end to end: real servers on
127.0.0.1, the command in a subprocess, journals in a temporary state folder."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_paths import SAMPLES
from websockets.sync.server import ServerConnection, serve

from peers.fixtures import Peer, stop_mock

HAR = Path(__file__).resolve().parents[1] / "fixtures" / "har" / "chat.har"
#: chat.har with a second WebSocket entry: another origin and path, the same
#: Authorization, a token of its own in the query.
TWO = HAR.with_name("two.har")
SECRETS = ("qwerty12345", "c00kie-s3cret", "eyJhbGciOiJIUzI1NiJ9")


@pytest.fixture
def other_server() -> Iterator[Peer]:
    """An echo server that answers differently: a JSON object comes back with ``user``
    set to ``bob`` (a new build of the server, as replay should catch it)."""

    def handler(ws: ServerConnection) -> None:
        for message in ws:
            if isinstance(message, str) and message.startswith("{"):
                body = json.loads(message)
                body["user"] = "bob"
                message = json.dumps(body)
            ws.send(message)

    server = serve(handler, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Peer("127.0.0.1", server.socket.getsockname()[1])
    server.shutdown()
    thread.join(10)


def _record(run_echo_sample) -> None:
    result = run_echo_sample()
    assert result.code == 0, result.out + result.err


def test_replay_against_the_same_server_is_the_same(wsblock, run_echo_sample) -> None:
    _record(run_echo_sample)
    result = wsblock("replay", "last")
    assert result.code == 0, result.out + result.err
    assert "same: 3 messages" in result.out
    result = wsblock("replay", "last", "--speed", "0", "--json")
    assert result.code == 0, result.out + result.err
    report = json.loads(result.out)
    assert report["same"] is True and report["received"] == 3


def test_replay_against_another_server_names_the_difference(
    wsblock, run_echo_sample, other_server: Peer
) -> None:
    _record(run_echo_sample)
    session = wsblock("sessions", "-n", "1").out.split()[0]
    result = wsblock("replay", session[:20], "--url", other_server.base)
    assert result.code == 1, result.out + result.err
    assert 'message 1, body.user: recorded "ada", new "bob"' in result.out
    # the path ignored: the same
    result = wsblock("replay", session, "--url", other_server.base, "--ignore", "body.user")
    assert result.code == 0, result.out + result.err
    # diff of the recording and the last replay says it again
    result = wsblock("diff", session, "last")
    assert result.code == 1, result.out + result.err
    assert 'message 1, body.user: recorded "ada", new "bob"' in result.out
    assert wsblock("diff", session, "last", "--ignore", "body.user").code == 0


def test_the_mock_of_a_session_passes_the_original_file(
    wsblock, run_echo_sample, mock_server, echo_cli
) -> None:
    _record(run_echo_sample)
    peer, proc = mock_server("last", "--speed", "0")
    result = wsblock(
        "run",
        str(SAMPLES / "wss" / "echo.void"),
        "--env-var",
        f"ECHO_URL={peer.base}",
        "--env-var",
        "USER=ada",
        "--linger",
        "0",
    )
    assert result.code == 0, result.out + result.err
    # another user's hello matches nothing: its expectation times out, the mock says so
    result = wsblock(
        "run",
        str(SAMPLES / "wss" / "echo.void"),
        "--env-var",
        f"ECHO_URL={peer.base}",
        "--env-var",
        "USER=eve",
        "--linger",
        "0",
    )
    assert result.code == 1
    stop_process_log = stop_mock(proc)
    assert "client 1 → message 1 (hello) matched" in stop_process_log
    assert "client 2 → unmatched" in stop_process_log


def test_import_har_then_run_against_its_mock(wsblock, mock_server, tmp_path: Path) -> None:
    out = tmp_path / "chat.void"
    result = wsblock("import", "har", str(HAR), "-o", str(out))
    assert result.code == 0, result.out + result.err
    text = out.read_text()
    env = tmp_path / "chat.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    for secret in SECRETS:
        assert secret not in text
        assert secret in env.read_text()
    assert "{{WS_BASE}}/socket" in text
    assert "{{AUTHORIZATION}}" in text and "{{COOKIE}}" in text
    assert "{{ACCESS_TOKEN}}" in text
    assert "X-Client-Version" in text and "Sec-WebSocket-Key" not in text
    assert text.count("type: socket-expect") == 5
    assert "body.type" in text and "body.ts" not in text and "sessionId" not in text
    checked = wsblock("check", str(out), "-e", str(env))
    assert checked.code == 0, checked.out + checked.err
    # never overwritten without --force
    again = wsblock("import", "har", str(HAR), "-o", str(out))
    assert again.code == 2 and "--force" in again.err
    assert wsblock("import", "har", str(HAR), "-o", str(out), "--force").code == 0
    assert stat.S_IMODE(env.stat().st_mode) == 0o600

    peer, proc = mock_server(str(HAR), "--speed", "0", "--strict")
    result = wsblock(
        "run", str(out), "-e", str(env), "--env-var", f"WS_BASE={peer.base}", "--linger", "0"
    )
    assert result.code == 0, result.out + result.err
    assert "4 out / 5 in" in result.out
    log = stop_mock(proc)
    assert "client 1 → message 4 matched" in log
    assert "qwerty12345" not in log


def test_import_har_of_two_entries_then_run_against_its_mock(
    wsblock, mock_server, tmp_path: Path
) -> None:
    out = tmp_path / "two.void"
    result = wsblock("import", "har", str(TWO), "-o", str(out))
    assert result.code == 0, result.out + result.err
    assert "(2 requests)" in result.out
    text = out.read_text()
    env = (tmp_path / "two.env").read_text()
    for secret in (*SECRETS, "f33d-t0ken-999"):
        assert secret not in text
        assert secret in env
    assert "{{WS_BASE}}/socket" in text and "{{WS_BASE_2}}/prices" in text
    assert "WS_BASE_2=wss://feed.example.com" in env
    assert env.count("eyJhbGciOiJIUzI1NiJ9") == 1  # one secret, one variable
    assert text.count("type: request-separator") == 1
    assert text.count("type: socket-expect") == 5 + 3
    checked = wsblock("check", str(out), "-e", str(tmp_path / "two.env"))
    assert checked.code == 0, checked.out + checked.err
    assert "1 entry 1: chat.example.com/socket" in checked.out
    assert "2 entry 2: feed.example.com/prices" in checked.out

    # each entry on its own path: the run's two requests play one entry each
    peer, proc = mock_server(str(TWO), "--speed", "0", "--strict")
    result = wsblock(
        "run",
        str(out),
        "-e",
        str(tmp_path / "two.env"),
        "--env-var",
        f"WS_BASE={peer.base}",
        "--env-var",
        f"WS_BASE_2={peer.base}",
        "--linger",
        "0",
    )
    assert result.code == 0, result.out + result.err
    # a path where nothing was recorded is refused in the handshake
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as refused:
        connect(f"{peer.base}/elsewhere", open_timeout=20)
    assert refused.value.response.status_code == 404
    log = stop_mock(proc)
    assert "/socket: entry 1, 5 server messages, 4 client ones" in log
    assert "/prices: entry 2, 3 server messages, 1 client ones" in log
    assert "connected /socket (plays entry 1)" in log
    assert "connected /prices (plays entry 2)" in log
    assert "→ message 1 matched" in log and "unmatched" not in log
    assert "refused /elsewhere: no WebSocket entry was recorded there" in log
    assert "f33d-t0ken-999" not in log and "qwerty12345" not in log


def test_import_har_entry_picks_one(wsblock, mock_server, tmp_path: Path) -> None:
    out = tmp_path / "feed.void"
    result = wsblock("import", "har", str(TWO), "-o", str(out), "--entry", "2")
    assert result.code == 0, result.out + result.err
    text = out.read_text()
    assert "{{WS_BASE}}/prices" in text and "request-separator" not in text
    assert "WebSocket entry 2" in text and "welcome" not in text
    env = tmp_path / "feed.env"
    assert "WS_BASE=wss://feed.example.com" in env.read_text()
    bad = wsblock("import", "har", str(TWO), "-o", str(tmp_path / "x.void"), "--entry", "3")
    assert bad.code == 2 and "holds 2 WebSocket entries" in bad.err
    # --entry N: that entry on any path
    peer, proc = mock_server(str(TWO), "--speed", "0", "--strict", "--entry", "2")
    result = wsblock(
        "run", str(out), "-e", str(env), "--env-var", f"WS_BASE={peer.base}", "--linger", "0"
    )
    assert result.code == 0, result.out + result.err
    assert "client 1 connected /prices\n" in stop_mock(proc)


@pytest.mark.parametrize(
    "args, says",
    [
        (("replay", "no-such-session"), "no session 'no-such-session'"),
        (("diff", "no-such-session", "last"), "no session"),
        (("mock", "no-such-session"), "no session"),
        (("replay", "last", "--ignore", "ts"), "a path starts with body"),
    ],
)
def test_unknown_sessions_are_bad_input(wsblock, args, says) -> None:
    result = wsblock(*args)
    assert result.code == 2, result.out + result.err
    assert says in result.err
    assert "Traceback" not in result.err


def test_bad_har_files_are_bad_input(wsblock, tmp_path: Path) -> None:
    not_json = tmp_path / "broken.har"
    not_json.write_text("<html>not a HAR</html>")
    no_socket = tmp_path / "http.har"
    data = json.loads(HAR.read_text())
    data["log"]["entries"] = [e for e in data["log"]["entries"] if "_webSocketMessages" not in e]
    no_socket.write_text(json.dumps(data))
    for command in (("import", "har"), ("mock",)):
        result = wsblock(*command, str(not_json))
        assert result.code == 2 and "not JSON" in result.err, result.err
        result = wsblock(*command, str(no_socket))
        assert result.code == 2 and "no WebSocket entry among its 2 entries" in result.err
    result = wsblock("import", "har", str(tmp_path / "missing.har"))
    assert result.code == 2 and "no such file" in result.err


def test_a_busy_port_is_bad_input(wsblock, echo_cli) -> None:
    result = wsblock("mock", str(HAR), "--port", str(echo_cli.port))
    assert result.code == 2
    assert "the port is busy" in result.err
    result = wsblock("echo-server", "--port", str(echo_cli.port))
    assert result.code == 2 and "the port is busy" in result.err


SECRET_FILE = """\
# Secret header

```void
---
type: socket-request
attrs:
  uid: 1
content:
  - type: smethod
    attrs:
      uid: 2
      method: WSS
    content: WSS
  - type: surl
    attrs:
      uid: 3
    content: "{{BASE}}/headers"
---
```

```void
---
type: headers-table
attrs:
  uid: 4
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - Authorization
          - Bearer {{API_TOKEN}}
---
```
"""


def test_replay_takes_secrets_from_the_current_variables(
    wsblock, echo_cli: Peer, state_dir: Path, tmp_path: Path
) -> None:
    void = tmp_path / "secret.void"
    void.write_text(SECRET_FILE)
    token = "--env-var=API_TOKEN=s3cret-t0ken"
    base = f"--env-var=BASE={echo_cli.base}"
    assert wsblock("run", str(void), token, base, "--linger", "0.5").code == 0
    journals = list((state_dir / "wsblock" / "sessions").glob("*.ndjson"))
    assert journals and all("s3cret-t0ken" not in p.read_text() for p in journals)
    first = json.loads(journals[0].read_text().splitlines()[0])
    assert ["Authorization", "••••••"] in first["handshake"]["headers"]
    # /headers reports the handshake; its Sec-WebSocket-Key differs on every connection
    report = json.loads(
        next(
            json.loads(line)["data"]
            for line in journals[0].read_text().splitlines()
            if '"event": "received"' in line
        )
    )
    key = [n.lower() for n, _ in report["headers"]].index("sec-websocket-key")
    ignore = f"--ignore=body.headers[{key}][1]"
    result = wsblock("replay", "last", token, base, ignore)
    assert result.code == 0, result.out + result.err  # the header was sent, with the secret
    result = wsblock("replay", "last", base, ignore)
    assert result.code == 2 and "API_TOKEN" in result.err, result.err


async def _connections(url: str, state_dir: Path, name: str, *texts: str) -> str:
    """One journal, a connection per text (as the app's Reconnect writes them): each
    text sent on its own connection and echoed before the close. The session's id."""
    import asyncio

    from wsblock.conversation.request import Message, Request
    from wsblock.engine import Session
    from wsblock.journal import Journal, handshake_of

    request = Request(name=name, url=url)
    log_dir = state_dir / "wsblock" / "sessions"
    journal = Journal.create(log_dir, name, url=url, handshake=handshake_of(request))
    for text in texts:
        session = Session(request)
        session.add_parts_listener(journal.record_parts)
        echoed = asyncio.Event()
        session.add_listener(lambda e, echoed=echoed: e.kind == "received" and echoed.set())
        assert await session.connect()
        assert await session.send(Message("m", "json", text))
        await asyncio.wait_for(echoed.wait(), 20)
        await session.close()
        await session.wait_closed()
    journal.close()
    return journal.path.stem


def test_a_session_that_connected_twice_is_replayed_and_compared_connection_by_connection(
    wsblock, mock_server, echo_cli: Peer, other_server: Peer, state_dir: Path
) -> None:
    import asyncio

    url = f"{echo_cli.base}/echo"
    first, second = '{"n": 1, "user": "ada"}', '{"n": 2, "user": "ada"}'
    twice = asyncio.run(_connections(url, state_dir, "twice", first, second))
    result = wsblock("replay", twice)
    assert result.code == 0, result.out + result.err
    assert "the session connected 2 times: each connection is replayed and compared" in (result.out)
    assert "connection 1: same: 1 messages from the server, as recorded" in result.out
    assert "connection 2: same: 1 messages from the server, as recorded" in result.out
    # the replay's journal: each connection's message on a connection of its own
    replays = sorted((state_dir / "wsblock" / "sessions").glob("*replay-of-twice*.ndjson"))
    records = [json.loads(line) for line in replays[-1].read_text().splitlines()]
    events = [r["event"] for r in records if r["event"] in ("open", "sent", "close")]
    assert events == ["open", "sent", "close"] * 2
    assert [r["data"] for r in records if r["event"] == "sent"] == [first, second]
    report = json.loads(wsblock("replay", twice, "--json").out)
    assert report["same"] is True and report["recorded"] == report["received"] == 2
    assert [c["same"] for c in report["connections"]] == [True, True]
    # against a server that answers otherwise: each difference names its connection
    result = wsblock("replay", twice, "--url", other_server.base)
    assert result.code == 1, result.out + result.err
    assert "connection 2: different" in result.out
    assert result.out.count('message 1, body.user: recorded "ada", new "bob"') == 2
    report = json.loads(wsblock("replay", twice, "--url", other_server.base, "--json").out)
    assert [d["connection"] for d in report["differences"]] == [1, 2]
    # diff: a recording of two connections against one of one
    assert wsblock("diff", twice, twice).code == 0
    once = asyncio.run(_connections(url, state_dir, "once", first))
    result = wsblock("diff", twice, once)
    assert result.code == 1, result.out + result.err
    assert "connection 1: same" in result.out and f"connection 2: only in {twice}" in result.out
    # a mock plays the first connection to every client, and says so
    peer, proc = mock_server(twice, "--speed", "0")
    assert "the session connected 2 times: every client connection plays its first" in (
        stop_mock(proc)
    )


#: Values that `import har` takes for secrets by their names (a header, a query
#: parameter), each sent back in a message too: none may be shown or journaled by a run.
NAMED_SECRETS = {
    "X-Auth": "4uth-h3ader-v4lue",
    "X-Signature": "s1gn-h3ader-v4lue",
    "X-Session-Id": "s3ssion-h3ader-v4lue",
    "sig": "qu3ry-s1gn4ture",
    "jwt": "qu3ry-jwt-v4lue",
}


def test_what_import_har_takes_for_a_secret_stays_masked_when_the_file_runs(
    wsblock, echo_cli, state_dir: Path, tmp_path: Path
) -> None:
    har = json.loads(HAR.read_text())
    entry = next(e for e in har["log"]["entries"] if "_webSocketMessages" in e)
    headers, query = list(NAMED_SECRETS.items())[:3], list(NAMED_SECRETS.items())[3:]
    entry["request"]["url"] = "wss://chat.example.com/echo?room=a&" + "&".join(
        f"{k}={v}" for k, v in query
    )
    entry["request"]["headers"] = [{"name": k, "value": v} for k, v in headers]
    text = json.dumps({"said": list(NAMED_SECRETS.values())})
    t = entry["_webSocketMessages"][0]["time"]
    entry["_webSocketMessages"] = [
        {"type": "send", "time": t, "opcode": 1, "data": text},
        {"type": "receive", "time": t + 0.01, "opcode": 1, "data": text},
    ]
    source = tmp_path / "named.har"
    source.write_text(json.dumps({"log": {**har["log"], "entries": [entry]}}))
    out = tmp_path / "named.void"
    imported = wsblock("import", "har", str(source), "-o", str(out))
    assert imported.code == 0, imported.out + imported.err
    for value in NAMED_SECRETS.values():
        assert value not in out.read_text()

    result = wsblock(
        "run",
        str(out),
        "-e",
        str(tmp_path / "named.env"),
        "--env-var",
        f"WS_BASE={echo_cli.base}",
        "--linger",
        "0",
        "--json",
    )
    assert result.code == 0, result.out + result.err
    journals = list(state_dir.rglob("*.ndjson"))
    assert journals
    shown = result.out + result.err + "".join(p.read_text() for p in journals)
    assert "sent" in shown and "received" in shown
    leaked = [value for value in NAMED_SECRETS.values() if value in shown]
    assert not leaked, leaked


SOCKETIO_HAR = HAR.with_name("socketio.har")  # a page's Socket.IO: Engine.IO frames, pings


def test_import_har_of_a_socketio_page_then_run_against_its_mock(
    wsblock, mock_server, tmp_path: Path
) -> None:
    out = tmp_path / "sio.void"
    result = wsblock("import", "har", str(SOCKETIO_HAR), "-o", str(out))
    assert result.code == 0, result.out + result.err
    text = out.read_text()
    # a socket.io request: events, not Engine.IO frames; pings and Engine.IO's query left
    # to the protocol; the auth's token a variable
    assert text.count("format: socket.io") == 4 and text.count("ack: true") == 2
    assert "- protocol\n" in text and "- socket.io\n" in text
    assert '\'["add",{"a":2,"b":3}]\'' in text
    assert "EIO" not in text and "transport" not in text and 'content: "3"' not in text
    assert "t0k3n-fr0m-h4r" not in text and '{"token":"{{TOKEN}}"}' in text
    assert "t0k3n-fr0m-h4r" in (tmp_path / "sio.env").read_text()
    assert "args[0].sid" not in text  # a session id differs on every connection
    peer, proc = mock_server(str(SOCKETIO_HAR), "--speed", "0", "--strict")
    result = wsblock(
        "run",
        str(out),
        "-e",
        str(tmp_path / "sio.env"),
        "--env-var",
        f"WS_BASE={peer.base}",
        "--linger",
        "0",
    )
    assert result.code == 0, result.out + result.err
    assert "4 out / 7 in" in result.out
    log = stop_mock(proc)
    assert "socket.io, 9 server frames, 5 client ones" in log  # pings: the mock's own
    assert "unmatched" not in log and "client 1 → message 5 matched" in log, log


def test_import_har_of_a_graphql_page_then_run_against_its_mock(
    wsblock, mock_server, tmp_path: Path
) -> None:
    har = json.loads(HAR.read_text())
    entry = next(e for e in har["log"]["entries"] if "_webSocketMessages" in e)
    entry["request"]["url"] = "wss://api.example.com/graphql"
    sub = {"name": "Sec-WebSocket-Protocol", "value": "graphql-transport-ws"}
    entry["request"]["headers"] = [sub]
    entry["response"]["headers"] = [sub]
    t = entry["_webSocketMessages"][0]["time"]
    frames = [
        (True, {"type": "connection_init", "payload": {"authToken": "gql-t0ken-777"}}),
        (False, {"type": "connection_ack"}),
        (True, {"type": "ping"}),  # keep-alives: the mock answers them itself
        (False, {"type": "pong"}),
        (True, {"id": "1", "type": "subscribe", "payload": {"query": "{ hello }"}}),
        (False, {"id": "1", "type": "next", "payload": {"data": {"hello": "world"}}}),
        (False, {"id": "1", "type": "complete"}),
    ]
    entry["_webSocketMessages"] = [
        {
            "type": "send" if out else "receive",
            "time": t + n / 10,
            "opcode": 1,
            "data": json.dumps(f),
        }
        for n, (out, f) in enumerate(frames)
    ]
    source = tmp_path / "gql.har"
    source.write_text(json.dumps({"log": {**har["log"], "entries": [entry]}}))
    out = tmp_path / "gql.void"
    assert wsblock("import", "har", str(source), "-o", str(out)).code == 0
    text = out.read_text()
    assert "gql-t0ken-777" not in text and "{{AUTHTOKEN}}" in text
    # a graphql request: the protocol's own frames are the protocol's to send
    assert "- graphql-transport-ws\n" in text and "format: graphql" in text
    assert "connection_init" not in text and '"type": "ping"' not in text
    assert "reply-to: operation 1" in text and "body.payload.data.hello" in text
    peer, proc = mock_server(str(source), "--speed", "0", "--strict")
    env = ("-e", str(tmp_path / "gql.env"), "--env-var", f"WS_BASE={peer.base}")
    result = wsblock("run", str(out), *env, "--linger", "0")
    assert result.code == 0, result.out + result.err
    log = stop_mock(proc)
    assert "graphql-transport-ws, 3 server frames, 2 client ones" in log  # no keep-alive
    assert "unmatched" not in log, log


def test_a_replay_that_cannot_connect_says_so_in_words_and_json(
    wsblock, run_echo_sample, free_port: int
) -> None:
    _record(run_echo_sample)
    session = wsblock("sessions", "-n", "1").out.split()[0]  # "last" is the replay next
    nowhere = f"ws://127.0.0.1:{free_port}"
    result = wsblock("replay", session, "--url", nowhere)
    assert result.code == 1 and "✖ could not connect: " in result.err, result.out + result.err
    result = wsblock("replay", session, "--url", nowhere, "--json")
    assert result.code == 1, result.out + result.err
    report = json.loads(result.out)
    assert report["same"] is False and report["recorded"] == 3 and report["received"] == 0
    assert report["differences"] == [] and "refused" in report["error"], report
