"""``wsblock replay`` and ``mock`` of Socket.IO and GraphQL sessions, recorded with
``wsblock run`` against the real npm servers (socket.io 4.8, graphql-ws 5.16)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_paths import SAMPLES

from peers.fixtures import Peer, graphql_peer, socketio_peer  # noqa: F401


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


def test_mock_of_a_socketio_session_says_it_cannot_serve_it(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    state_dir: Path,
) -> None:
    _record_socketio(wsblock, socketio_peer)
    r = wsblock("mock", _id(state_dir, "the-admin-namespace"), "--port", "0", timeout=30)
    assert r.code == 2, r.out + r.err
    assert "spoke socket.io on the WebSocket" in r.err
    assert "the mock serves raw WebSocket sessions only" in r.err
    assert "Traceback" not in r.err
