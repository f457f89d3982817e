"""The sans-I/O protocol layer: frames in, records out (no socket: these are pure codecs).

The behaviour against the real npm servers is tested in ``test_protocol_peers.py``.
"""

from __future__ import annotations

import json

import pytest

from wsblock.conversation.request import Message, Options
from wsblock.engine.protocols import (
    Delivered,
    ProtocolError,
    Ready,
    Refused,
    Seen,
    Send,
    Violation,
    make_protocol,
)
from wsblock.engine.protocols.socketio import SocketIO


def sio(namespace: str = "/", auth: str | None = None) -> SocketIO:
    p = make_protocol(Options(protocol="socket.io", namespace=namespace, connect_payload=auth))
    assert isinstance(p, SocketIO)
    return p


def test_plain_websocket_has_no_protocol() -> None:
    assert make_protocol(Options()) is None


def test_socketio_url() -> None:
    p = sio()
    assert p.url("http://h:3000") == "ws://h:3000/socket.io/?EIO=4&transport=websocket"
    assert p.url("https://h/") == "wss://h/socket.io/?EIO=4&transport=websocket"
    assert p.url("ws://h/io/?x=1") == "ws://h/io/?x=1&EIO=4&transport=websocket"


def test_socketio_handshake_joins_the_namespace_with_auth() -> None:
    p = sio("/admin", '{"token":"s3cret"}')
    assert p.start() == []
    out = p.feed('0{"sid":"e1","upgrades":[],"pingInterval":300,"pingTimeout":2000}')
    assert out == [
        Seen('0{"sid":"e1","upgrades":[],"pingInterval":300,"pingTimeout":2000}', "open"),
        Send('40/admin,{"token":"s3cret"}', "connect /admin"),
    ]
    assert (p.ping_interval, p.ping_timeout) == (0.3, 2.0)
    out = p.feed('40/admin,{"sid":"s1"}')
    assert out[-1] == Ready("namespace /admin (sid s1)") and p.ready


def test_socketio_connect_error_is_refused_in_the_servers_words() -> None:
    p = sio("/admin")
    p.feed('0{"sid":"e1"}')
    assert p.feed('44/admin,{"message":"unauthorized"}')[-1] == Refused("unauthorized")
    assert not p.ready


def test_socketio_pings_are_answered_and_seen() -> None:
    p = sio()
    assert p.feed("2") == [Seen("2", "ping", "ping"), Send("3", "pong", "pong")]


def test_socketio_events_and_acks() -> None:
    p = sio()
    (d,) = p.feed('42["tick",{"n":3}]')
    assert d == Delivered({"event": "tick", "args": [{"n": 3}]}, None, '42["tick",{"n":3}]', "tick")
    (d,) = p.feed('430[{"sum":5}]')
    assert d == Delivered({"ack": 0, "args": [{"sum": 5}]}, "0", '430[{"sum":5}]', "ack 0")
    (d,) = p.feed('427["ask"]')  # the server asks us for an acknowledgement
    assert isinstance(d, Delivered) and d.body == {"event": "ask", "args": [], "id": 7}


def test_socketio_ack_reply_answers_the_event_that_asked_for_it() -> None:
    p = sio("/admin")
    p.feed('42/admin,7["ask",{"q":1}]')
    p.feed('42/admin,8["ask",{"q":2}]')
    assert len(p.unanswered()) == 2
    reply = Message("r", "socket.io", '[{"a": 1}, {"$binary": "AQ=="}]', ack_reply=True, ack_id=7)
    enc = p.encode(reply)
    assert enc.frames == ('461-/admin,7[{"a":1},{"_placeholder":true,"num":0}]', b"\x01")
    assert enc.key is None and enc.label == "ack 7"
    assert json.loads(enc.shown) == {"ack": 7, "args": [{"a": 1}, {"$binary": "AQ=="}]}
    (words,) = p.unanswered()  # id 8 still waits
    assert words.startswith("the server asked for an acknowledgement of 'ask' (id 8)")
    assert "ack-reply: true" in words
    with pytest.raises(ProtocolError, match="JSON array of its arguments"):
        p.encode(Message("r", "socket.io", '{"a": 1}', ack_reply=True, ack_id=8))
    with pytest.raises(ProtocolError, match="needs the id"):
        p.encode(Message("r", "socket.io", "[]", ack_reply=True))


def test_socketio_ack_ids_are_chosen_per_message() -> None:
    p = sio("/admin")
    first = p.encode(Message("add", "socket.io", '["add", {"a": 2}]', ack=True))
    plain = p.encode(Message("echo", "socket.io", '["echo", 1]'))
    second = p.encode(Message("add", "socket.io", '["add", {"a": 3}]', ack=True))
    assert first.frames == ('42/admin,0["add",{"a":2}]',) and first.key == "0"
    assert plain.frames == ('42/admin,["echo",1]',) and plain.key is None
    assert second.key == "1" and first.shown == '["add",{"a":2}]' and first.label == "add"


def test_socketio_binary_attachments_both_ways() -> None:
    p = sio()
    enc = p.encode(Message("b", "socket.io", '["bytes", {"$binary": "AAEC"}, 1]', ack=True))
    assert enc.frames == ('451-0["bytes",{"_placeholder":true,"num":0},1]', b"\x00\x01\x02")
    assert p.feed('461-0[{"_placeholder":true,"num":0}]') == []  # waits for its attachment
    (d,) = p.feed(b"\x05\x06")
    assert isinstance(d, Delivered) and d.body == {"ack": 0, "args": [{"$binary": "BQY="}]}
    assert d.key == "0"


def test_socketio_broken_frames_are_violations_never_dropped() -> None:
    p = sio()
    assert isinstance(p.feed(b"\x00")[0], Violation)  # an attachment nobody announced
    assert isinstance(p.feed("9")[0], Violation)
    assert isinstance(p.feed('42{"not":"a list"')[0], Violation)
    with pytest.raises(ProtocolError):
        p.encode(Message("x", "socket.io", '{"a": 1}'))


def gql(name: str = "graphql-transport-ws", payload: str | None = None):  # noqa: ANN201
    p = make_protocol(Options(protocol=name, connect_payload=payload))  # type: ignore[arg-type]
    assert p is not None
    return p


def test_graphql_transport_ws_handshake_and_ping() -> None:
    p = gql(payload='{"token":"t"}')
    assert p.subprotocols == ("graphql-transport-ws",)
    assert p.start() == [
        Send('{"type":"connection_init","payload":{"token":"t"}}', "connection_init")
    ]
    assert p.feed('{"type":"connection_ack"}')[-1] == Ready("connection_ack") and p.ready
    assert p.feed('{"type":"ping"}') == [
        Seen('{"type":"ping"}', "ping", "ping"),
        Send('{"type":"pong"}', "pong", "pong"),
    ]


def test_graphql_operations_get_ids_and_their_messages_carry_them() -> None:
    p = gql()
    q = p.encode(
        Message("q", "graphql", "query Q($n: Int) { a(n: $n) }", variables='{"n":1}', operation="Q")
    )
    assert q.key == "1" and json.loads(q.frames[0]) == {
        "id": "1",
        "type": "subscribe",
        "payload": {
            "query": "query Q($n: Int) { a(n: $n) }",
            "variables": {"n": 1},
            "operationName": "Q",
        },
    }
    assert p.encode(Message("s", "graphql", "subscription { c }")).key == "2"
    (d,) = p.feed('{"id":"2","type":"next","payload":{"data":{"c":1}}}')
    assert isinstance(d, Delivered) and (d.key, d.label) == ("2", "next #2")
    assert d.body == {"id": "2", "type": "next", "payload": {"data": {"c": 1}}}
    assert [type(o) for o in p.feed('{"id":"2","type":"complete"}')] == [Delivered]
    late = p.feed('{"id":"2","type":"next","payload":{}}')
    assert isinstance(late[0], Violation) and "already ended" in late[0].words
    unknown = p.feed('{"id":"9","type":"next","payload":{}}')
    assert isinstance(unknown[0], Violation) and "operation 9, never started" in unknown[0].words
    assert isinstance(unknown[1], Delivered)  # said, and still delivered


def test_graphql_refusal_by_close_is_in_the_servers_words() -> None:
    p = gql()
    assert p.closed(4403, "Forbidden") == "the server closed with 4403 Forbidden"
    assert p.closed(1000, "") is None


def test_legacy_graphql_ws() -> None:
    p = gql("graphql-ws")
    assert p.subprotocols == ("graphql-ws",)
    p.feed('{"type":"connection_ack"}')
    assert p.feed('{"type":"ka"}') == [Seen('{"type":"ka"}', "ka", "ping")]
    enc = p.encode(Message("s", "graphql", "subscription { c }"))
    assert json.loads(enc.frames[0])["type"] == "start"
    assert isinstance(p.feed('{"id":"1","type":"data","payload":{}}')[0], Delivered)
    refused = gql("graphql-ws").feed('{"type":"connection_error","payload":{"message":"no"}}')
    assert refused[-1] == Refused("no")
