"""Socket.IO and GraphQL sessions against the real npm servers (socket.io 4.8, graphql-ws 5.16),
on loopback, once per transport (websockets and picows)."""

from __future__ import annotations

import json

from engine_helpers import request, until

from peers.fixtures import Peer
from wsblock.conversation.request import Message
from wsblock.engine import Session
from wsblock.engine.events import Event


def body(event: Event) -> object:
    assert isinstance(event.data, str)
    return json.loads(event.data)


def received(where: dict[str, object]):  # noqa: ANN201
    def match(e: Event) -> bool:
        if e.kind != "received":
            return False
        b = body(e)
        return isinstance(b, dict) and all(b.get(k) == v for k, v in where.items())

    return match


def sio(peer: Peer, **options: object) -> Session:
    options.setdefault("compression", False)
    return Session(request(f"http://127.0.0.1:{peer.port}", protocol="socket.io", **options))


async def test_socketio_welcome_echo_ack_and_ticks(
    socketio_peer: Peer, transport_name: str
) -> None:
    session = sio(socketio_peer)
    stream = session.subscribe()
    assert await session.connect(), session.error
    assert session.protocol_ready and session.protocol_ready.startswith("namespace / (sid ")
    events = await until(stream, "received", received({"event": "welcome"}))
    opened = [e for e in events if e.kind == "open"][0]
    assert opened.name == session.protocol_ready
    assert [e.name for e in events if e.kind == "protocol"] == ["open", "connect /", "connected"]
    welcome = body(events[-1])
    assert isinstance(welcome, dict) and welcome["args"][0]["id"] >= 1

    assert await session.send(Message("echo", "socket.io", '["echo", {"hello": "world"}]'))
    events = await until(stream, "received", received({"event": "echo"}))
    sent = [e for e in events if e.kind == "sent"][0]
    assert (sent.format, sent.data, sent.key) == ("socket.io", '["echo",{"hello":"world"}]', None)
    assert sent.raw == '42["echo",{"hello":"world"}]'
    assert body(events[-1]) == {"event": "echo", "args": [{"hello": "world"}]}

    add = Message("add", "socket.io", '["add", {"a": 2, "b": 3}]', ack=True)
    assert await session.send(add) and await session.send(add)
    events = await until(stream, "received", received({"ack": 1}))
    assert [e.key for e in events if e.kind == "sent"] == ["0", "1"]
    acks = [e for e in events if e.kind == "received"]
    assert [(e.key, body(e)) for e in acks] == [
        ("0", {"ack": 0, "args": [{"sum": 5}]}),
        ("1", {"ack": 1, "args": [{"sum": 5}]}),
    ]
    assert acks[0].raw == '430[{"sum":5}]' and acks[0].format == "socket.io"

    assert await session.send(Message("t", "socket.io", '["ticks", {"count": 3}]'))
    events = await until(stream, "received", received({"event": "tick", "args": [{"n": 3}]}))
    ticks = [body(e) for e in events if e.kind == "received"]
    assert ticks == [{"event": "tick", "args": [{"n": n}]} for n in (1, 2, 3)]

    # Engine.IO pings (every 300 ms) are answered for the user and hidden as keep-alive.
    events = await until(stream, "pong", lambda e: e.dir == "out")
    assert events[-1].name == "keepalive" and events[-1].data == b"3"
    assert session.stats.received == 7  # welcome, echo, 2 acks, 3 ticks: no ping counted
    await session.close()
    await session.wait_closed()


async def test_socketio_binary_attachment(socketio_peer: Peer, transport_name: str) -> None:
    session = sio(socketio_peer)
    stream = session.subscribe()
    assert await session.connect(), session.error
    await session.send(Message("b", "socket.io", '["bytes", 4]', ack=True))
    events = await until(stream, "received", received({"ack": 0}))
    assert body(events[-1]) == {"ack": 0, "args": [{"$binary": "AAECAw=="}]}
    await session.send(Message("e", "socket.io", '["echo", {"$binary": "AQI="}]'))
    events = await until(stream, "received", received({"event": "echo"}))
    assert body(events[-1]) == {"event": "echo", "args": [{"$binary": "AQI="}]}
    await session.close()


async def test_socketio_ack_reply_fires_the_servers_callback(
    socketio_peer: Peer, transport_name: str
) -> None:
    session = sio(socketio_peer)
    stream = session.subscribe()
    assert await session.connect(), session.error
    await session.send(Message("quiz", "socket.io", '["quiz", {"q": "2+3"}]'))
    events = await until(stream, "received", received({"event": "ask"}))
    asked = body(events[-1])
    assert isinstance(asked, dict)  # ack ids are the server's, counted per namespace
    n = asked.pop("id")
    assert isinstance(n, int) and asked == {"event": "ask", "args": [{"q": "2+3"}]}
    reply = Message("r", "socket.io", '[{"a": 5}]', ack_reply=True, ack_id=n)
    assert await session.send(reply)
    events = await until(stream, "received", received({"event": "answered"}))
    sent = [e for e in events if e.kind == "sent"][0]
    assert (sent.data, sent.raw, sent.key) == (
        f'{{"ack":{n},"args":[{{"a":5}}]}}',
        f'43{n}[{{"a":5}}]',
        None,
    )
    assert body(events[-1]) == {"event": "answered", "args": [{"args": [{"a": 5}]}]}
    await session.close()
    events = await until(stream, "close")
    assert not [e for e in events if e.kind == "error"]  # nothing left unanswered


async def test_socketio_an_ask_nothing_answered_is_said_at_the_end(
    socketio_peer: Peer, transport_name: str
) -> None:
    session = sio(socketio_peer)
    stream = session.subscribe()
    assert await session.connect(), session.error
    await session.send(Message("quiz", "socket.io", '["quiz", {"q": 1}]'))
    events = await until(stream, "received", received({"event": "ask"}))
    n = body(events[-1])["id"]  # type: ignore[index]
    await session.close()
    events = await until(stream, "close")
    (error,) = [e for e in events if e.kind == "error"]
    assert error.error == "protocol" and error.reason is not None
    assert error.reason.startswith(
        f"socket.io: the server asked for an acknowledgement of 'ask' (id {n}) that nothing "
        "answered"
    )


async def test_socketio_namespace_with_auth(socketio_peer: Peer, transport_name: str) -> None:
    session = sio(socketio_peer, namespace="/admin", connect_payload='{"token":"s3cret"}')
    stream = session.subscribe()
    assert await session.connect(), session.error
    assert session.protocol_ready and "namespace /admin" in session.protocol_ready
    events = await until(stream, "received", received({"event": "hello"}))
    assert body(events[-1]) == {"event": "hello", "args": [{"admin": True}]}
    await session.close()


async def test_socketio_refused_namespace_fails_with_the_servers_words(
    socketio_peer: Peer, transport_name: str
) -> None:
    session = sio(socketio_peer, namespace="/admin", connect_payload='{"token":"wrong"}')
    stream = session.subscribe()
    assert not await session.connect()
    events = await until(stream, "close")
    error = [e for e in events if e.kind == "error"][0]
    assert error.reason == "socket.io: unauthorized" and error.error == "protocol"
    assert session.error is not None and "unauthorized" in session.error.reason


def gql(peer: Peer, path: str = "/graphql", **options: object) -> Session:
    options.setdefault("protocol", "graphql-transport-ws")
    return Session(request(f"ws://127.0.0.1:{peer.port}{path}", **options))


async def test_graphql_query_and_subscription_to_complete(
    graphql_peer: Peer, transport_name: str
) -> None:
    session = gql(graphql_peer)
    stream = session.subscribe()
    assert await session.connect(), session.error
    assert session.subprotocol == "graphql-transport-ws"
    assert session.protocol_ready == "connection_ack"
    q = Message("q", "graphql", "query Q($n: String) { hello(name: $n) }", variables='{"n":"ada"}')
    assert await session.send(q)
    events = await until(stream, "received", received({"type": "complete"}))
    got = [(e.key, body(e)) for e in events if e.kind == "received"]
    assert got == [
        ("1", {"id": "1", "type": "next", "payload": {"data": {"hello": "hello ada"}}}),
        ("1", {"id": "1", "type": "complete"}),
    ]
    assert await session.send(Message("c", "graphql", "subscription { countdown(from: 2) }"))
    events = await until(stream, "received", received({"type": "complete"}))
    got = [(e.key, body(e)) for e in events if e.kind == "received"]
    assert [k for k, _ in got] == ["2"] * 4
    assert [b["payload"]["data"]["countdown"] for _, b in got[:3]] == [2, 1, 0]  # type: ignore[index]
    await session.close()


async def test_graphql_connection_init_refused(graphql_peer: Peer, transport_name: str) -> None:
    session = gql(graphql_peer, connect_payload='{"token":"wrong"}')
    stream = session.subscribe()
    assert not await session.connect()
    events = await until(stream, "close")
    error = [e for e in events if e.kind == "error"][0]
    assert error.reason == "graphql-transport-ws: the server closed with 4403 Forbidden"
    assert events[-1].code == 4403


async def test_legacy_graphql_ws(graphql_peer: Peer, transport_name: str) -> None:
    session = gql(graphql_peer, "/legacy", protocol="graphql-ws")
    stream = session.subscribe()
    assert await session.connect(), session.error
    assert session.subprotocol == "graphql-ws"
    await session.send(Message("c", "graphql", "subscription { countdown(from: 1) }"))
    events = await until(stream, "received", received({"type": "complete"}))
    assert [body(e)["type"] for e in events if e.kind == "received"] == ["data", "data", "complete"]  # type: ignore[index]
    assert any(e.kind == "ping" and e.name == "keepalive" for e in events)  # ka, hidden
    await session.close()
