"""``wsblock replay`` and ``mock`` of Socket.IO and GraphQL sessions, recorded with
``wsblock run`` against the real npm servers (socket.io 4.8, graphql-ws 5.16)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_paths import SAMPLES
from websockets.sync.client import connect

from peers.fixtures import Peer, graphql_peer, socketio_peer, stop_mock  # noqa: F401

WAIT = 20.0  # a loaded machine: room for the servers


def _journals(state_dir: Path, name: str) -> list[dict]:
    """The records of the one journal whose file name holds ``name``."""
    found = sorted((state_dir / "wsblock" / "sessions").glob(f"*{name}*.ndjson"))
    assert len(found) == 1, found
    return [json.loads(line) for line in found[0].read_text().splitlines()]


def _id(state_dir: Path, name: str) -> str:
    found = sorted((state_dir / "wsblock" / "sessions").glob(f"*{name}*.ndjson"))
    assert len(found) == 1, found
    return found[0].stem


def _record_socketio(wsblock, peer: Peer) -> tuple[str, str]:
    r = wsblock(
        "run",
        str(SAMPLES / "wss" / "socketio.void"),
        f"--env-var=SIO_URL={peer.base.replace('ws://', 'http://')}",
        "--env-var=ADMIN_TOKEN=s3cret",
        "--linger",
        "0",
    )
    assert r.code == 0, r.out + r.err
    return f"--env-var=SIO_URL=http://127.0.0.1:{peer.port}", "--env-var=ADMIN_TOKEN=s3cret"


def test_socketio_session_replays_as_events_with_its_acks(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    _record_socketio(wsblock, socketio_peer)
    first = _journals(state_dir, "socket-io-events")[0]
    assert first["handshake"]["options"]["protocol"] == "socket.io"
    assert first["handshake"]["options"]["namespace"] == "/"
    session = _id(state_dir, "socket-io-events")
    # welcome's id and sid are fresh on each connection: all else comes back as recorded
    ignore = ("--ignore", "body.args[0].id", "--ignore", "body.args[0].sid")
    r = wsblock("replay", session, *ignore, "--speed", "0")
    assert r.code == 0, r.out + r.err
    assert "same: 7 messages from the server, as recorded" in r.out
    # it spoke Socket.IO: the events went out as events, `add` asking for its ack
    replayed = _journals(state_dir, "replay-of-socket-io")
    sent = [x for x in replayed if x["event"] == "sent"]
    assert [x["format"] for x in sent] == ["socket.io"] * 4
    adds = [x for x in sent if x["data"].startswith('["add"')]
    assert [(x["key"], x["raw"]) for x in adds] == [
        ("0", '420["add",{"a":2,"b":3}]'),
        ("1", '421["add",{"a":10,"b":20}]'),
    ]
    acks = [json.loads(x["data"]) for x in replayed if x["event"] == "received" and "key" in x]
    assert {"ack": 0, "args": [{"sum": 5}]} in acks and {"ack": 1, "args": [{"sum": 30}]} in acks
    # without the ignores, the fresh welcome is named, as an event's path
    r = wsblock("replay", session, "--speed", "0")
    assert r.code == 1, r.out + r.err
    assert "message 1, body.args[0].id: recorded " in r.out


def test_socketio_connect_payload_is_masked_and_taken_from_the_variables(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    url, token = _record_socketio(wsblock, socketio_peer)
    records = _journals(state_dir, "the-admin-namespace")
    options = records[0]["handshake"]["options"]
    assert (options["namespace"], options["connect_payload"]) == ("/admin", '{"token":"••••••"}')
    for path in (state_dir / "wsblock" / "sessions").glob("*.ndjson"):
        assert "s3cret" not in path.read_text()
    session = _id(state_dir, "the-admin-namespace")
    r = wsblock("replay", session, url, token)
    assert r.code == 0, r.out + r.err
    assert "same: 1 messages from the server, as recorded" in r.out
    # the token is not in the journal: without it, the replay cannot be made
    r = wsblock("replay", session, url)
    assert r.code == 2 and "ADMIN_TOKEN" in r.err, r.out + r.err
    # another token: the server refuses it, in its words
    r = wsblock("replay", session, url, "--env-var=ADMIN_TOKEN=wrong")
    assert r.code == 1 and "socket.io: unauthorized" in r.err, r.out + r.err


def test_graphql_session_replays_with_its_variables_and_operation(
    wsblock,
    graphql_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    r = wsblock(
        "run",
        str(SAMPLES / "wss" / "graphql.void"),
        f"--env-var=GQL_URL=ws://127.0.0.1:{graphql_peer.port}",
        "--linger",
        "0",
    )
    assert r.code == 0, r.out + r.err
    r = wsblock("replay", "last")
    assert r.code == 0, r.out + r.err
    assert "same: 7 messages from the server, as recorded" in r.out
    replayed = _journals(state_dir, "replay-of")
    start = next(x for x in replayed if x["event"] == "sent")
    assert (start["format"], start["key"]) == ("graphql", "1")
    payload = json.loads(start["data"])["payload"]
    assert (payload["variables"], payload["operationName"]) == ({"name": "ada"}, "Hello")
    r = wsblock("replay", "last", "--json", "--speed", "0")
    assert r.code == 0 and json.loads(r.out)["same"] is True, r.out + r.err


def test_socketio_sessions_are_mocked_and_the_file_passes_against_them(
    wsblock,
    mock_server,
    socketio_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    _record_socketio(wsblock, socketio_peer)
    sample = str(SAMPLES / "wss" / "socketio.void")
    # each request against the mock of its own session: events, acks, a stream; and a
    # namespace joined with auth (recorded masked: the mock does not compare it)
    for n, name in ((1, "socket-io-events"), (2, "the-admin-namespace")):
        peer, proc = mock_server(_id(state_dir, name), "--speed", "0", "--strict")
        r = wsblock(
            "run",
            sample,
            "--request",
            str(n),
            f"--env-var=SIO_URL=http://127.0.0.1:{peer.port}",
            "--env-var=ADMIN_TOKEN=an0ther-t0ken",
            "--linger",
            "0",
        )
        assert r.code == 0, r.out + r.err
        log = stop_mock(proc)
        assert "unmatched" not in log and "matched" in log, log


def test_a_socketio_mock_answers_a_client_of_its_own_ids_and_pings_it(
    wsblock,
    mock_server,
    socketio_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    _record_socketio(wsblock, socketio_peer)
    peer, proc = mock_server(_id(state_dir, "socket-io-events"), "--speed", "0", "--strict")
    url = f"ws://127.0.0.1:{peer.port}/socket.io/?EIO=4&transport=websocket"
    pings = 0  # Engine.IO's server pings, every pingInterval of the recording (300 ms)
    with connect(url, open_timeout=WAIT) as ws:

        def recv() -> str:
            """The next frame that is not a ping (a ping, on a slow machine, any time)."""
            nonlocal pings
            while (frame := ws.recv(WAIT)) == "2":
                pings += 1
                ws.send("3")
            return frame

        opened = recv()
        assert opened.startswith("0{") and json.loads(opened[1:])["pingInterval"] == 300
        ws.send("40")
        assert recv().startswith("40{")
        welcome = recv()
        assert welcome.startswith('42["welcome"')
        echo = json.dumps(["echo", {"hello": "world", "id": json.loads(welcome[2:])[1]["id"]}])
        ws.send("42" + echo)
        assert json.loads(recv()[2:]) == json.loads(echo)
        # this client's ack ids are not the recorded ones (0, 1): the answers carry them
        ws.send('427["add",{"a":2,"b":3}]')
        ws.send('428["add",{"a":10,"b":20}]')
        assert [recv(), recv()] == ['437[{"sum":5}]', '438[{"sum":30}]']
        # nothing more comes until "ticks" is sent, but the pings go on
        while pings < 2:
            assert ws.recv(WAIT) == "2"
            pings += 1
            ws.send("3")
    log = stop_mock(proc)
    assert "unmatched" not in log and "message 3 (add) matched" in log, log


@pytest.mark.parametrize("legacy", [False, True], ids=["graphql-transport-ws", "graphql-ws"])
def test_graphql_sessions_are_mocked_and_the_file_passes_against_them(
    wsblock,
    mock_server,
    graphql_peer: Peer,  # noqa: F811
    tmp_path: Path,
    legacy: bool,
) -> None:
    sample = SAMPLES / "wss" / "graphql.void"
    if legacy:  # the same conversation in subscriptions-transport-ws, on the peer's /legacy
        text = sample.read_text().replace("{{GQL_URL}}/graphql", "{{GQL_URL}}/legacy")
        text = text.replace("- graphql-transport-ws", "- graphql-ws")
        sample = tmp_path / "legacy.void"
        sample.write_text(re.sub(r"(?m)^(\s*)- next$", r"\1- data", text))
    r = wsblock("run", str(sample), f"--env-var=GQL_URL={graphql_peer.base}", "--linger", "0")
    assert r.code == 0, r.out + r.err
    peer, proc = mock_server("last", "--speed", "0", "--strict")
    r = wsblock("run", str(sample), f"--env-var=GQL_URL={peer.base}", "--linger", "0")
    assert r.code == 0, r.out + r.err
    assert "2 out / 7 in" in r.out
    log = stop_mock(proc)
    assert "message 3 (countdown) matched" in log and "unmatched" not in log, log


def test_a_graphql_mock_answers_a_client_of_its_own_ids(
    wsblock,
    mock_server,
    graphql_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    sample = str(SAMPLES / "wss" / "graphql.void")
    r = wsblock("run", sample, f"--env-var=GQL_URL={graphql_peer.base}", "--linger", "0")
    assert r.code == 0, r.out + r.err
    peer, proc = mock_server("last", "--speed", "0", "--strict")
    # a client of its own ids (graphql-ws chooses UUIDs), that pings
    with connect(f"{peer.base}/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send('{"type":"connection_init","payload":{"token":"x"}}')
        assert json.loads(ws.recv(WAIT)) == {"type": "connection_ack"}
        ws.send('{"type":"ping"}')
        assert json.loads(ws.recv(WAIT)) == {"type": "pong"}
        recorded = _journals(state_dir, "graphql-a-query")
        first = json.loads(next(x for x in recorded if x["event"] == "sent")["data"])
        ws.send(json.dumps({**first, "id": "a1b2-c3"}))
        answers = [json.loads(ws.recv(WAIT)) for _ in range(2)]
        assert [(a["type"], a["id"]) for a in answers] == [
            ("next", "a1b2-c3"),
            ("complete", "a1b2-c3"),
        ]
    log = stop_mock(proc)
    assert "unmatched" not in log, log


def _import_and_run(wsblock, har: str, base: str, tmp_path: Path) -> tuple[str, str]:
    """``import har`` of a fixture, then ``run`` of what it wrote against ``base``; the
    imported text and the run's output."""
    source = Path(__file__).resolve().parents[1] / "fixtures" / "har" / har
    out = tmp_path / "imported.void"
    r = wsblock("import", "har", str(source), "-o", str(out))
    assert r.code == 0, r.out + r.err
    env = ("-e", str(tmp_path / "imported.env"), f"--env-var=WS_BASE={base}")
    r = wsblock("run", str(out), *env, "--linger", "0")
    assert r.code == 0, r.out + r.err
    return out.read_text(), r.out


def test_an_imported_graphql_har_runs_against_the_real_server(
    wsblock,
    graphql_peer: Peer,  # noqa: F811
    tmp_path: Path,
) -> None:
    # graphql.har: the sample's conversation as a browser's DevTools save it (with a
    # ping, and a token in connection_init's payload)
    text, out = _import_and_run(wsblock, "graphql.har", graphql_peer.base, tmp_path)
    assert "format: graphql" in text and "operation: Hello" in text and "reply-to:" in text
    assert "gql-h4r-t0ken" not in text
    assert "2 out / 7 in" in out


def test_an_imported_socketio_har_runs_against_the_real_server(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    tmp_path: Path,
) -> None:
    # socketio.har: the sample's first conversation as DevTools save it (Engine.IO frames,
    # a ping and its pong, a token in the namespace's auth)
    text, out = _import_and_run(wsblock, "socketio.har", socketio_peer.base, tmp_path)
    assert "format: socket.io" in text and "t0k3n-fr0m-h4r" not in text
    assert "4 out / 7 in" in out
