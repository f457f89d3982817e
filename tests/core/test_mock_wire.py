"""How the mock speaks Socket.IO and GraphQL over WebSocket (servers/wire.py): what of a
client's frame is compared, which ids are learnt, and how the recorded answers go out."""

from __future__ import annotations

import json

import pytest

from wsblock.conversation.compare import IgnoreRules, Msg, same_message
from wsblock.servers.wire import GraphQL, Seen, SocketIO, Wire, wire_for


def out(data: str) -> Msg:
    return Msg("text", data, dir="out")


def test_raw_websocket_frames_are_compared_and_sent_as_they_are() -> None:
    wire = wire_for("websocket")
    assert type(wire) is Wire
    assert wire.control('{"type":"ping"}') is None
    assert wire.comparable(out("x")) == Seen("", out("x"))
    assert wire.rewrite(Msg("text", "y"), {"y": "z"}) == "y"
    assert wire.ping(Msg("text", '0{"pingInterval":1}')) is None


def test_socketio_keepalives_are_the_mocks_own() -> None:
    wire = wire_for("socket.io")
    assert isinstance(wire, SocketIO)
    assert wire.control("3") == ""  # a pong to our ping: dropped
    assert wire.control("2") == "3"  # a ping: answered
    assert wire.control('42["x"]') is None
    opened = Msg("text", '0{"sid":"a","pingInterval":25000,"pingTimeout":20000}')
    assert wire.ping(opened) == (25.0, "2")
    assert wire.ping(Msg("text", '42["x"]')) is None
    assert wire.ping(Msg("text", "0not json")) is None


def test_socketio_compares_type_namespace_and_data_and_learns_an_events_ack_id() -> None:
    wire = SocketIO()
    seen = wire.comparable(out('427["add",{"a":2}]'))
    recorded = wire.comparable(out('420["add",{"a":2}]'))
    assert seen.head == recorded.head == "2 /"
    assert same_message(recorded.msg, seen.msg) and (seen.key, recorded.key) == ("7", "0")
    # the data as the event was written: --ignore paths are the message's own
    assert json.loads(seen.msg.data) == ["add", {"a": 2}]
    ignored = wire.comparable(out('42["add",{"a":3}]')).msg
    assert same_message(recorded.msg, ignored, IgnoreRules.parse(["body[1].a"]))
    # another namespace is another message
    assert wire.comparable(out('42/admin,["add",{"a":2}]')).head == "2 /admin"
    # a namespace's CONNECT: its auth was recorded masked, it is not compared
    a = wire.comparable(out('40/admin,{"token":"s3cret"}'))
    b = wire.comparable(out('40/admin,{"token":"••••••"}'))
    assert a.head == b.head == "0 /admin" and same_message(b.msg, a.msg)
    # an acknowledgement the client sends carries the server's id: not learnt
    assert wire.comparable(out('433[{"ok":true}]')).key is None
    # Engine.IO's own frames and what is no packet are compared as they are
    assert wire.comparable(out("40x{")) == Seen("", out("40x{"))
    assert wire.comparable(out("1")) == Seen("", out("1"))


def test_socketio_acks_go_out_with_the_clients_ids_and_events_keep_their_own() -> None:
    wire = SocketIO()
    ids = {"0": "7", "1": "8"}
    assert wire.rewrite(Msg("text", '430[{"sum":5}]'), ids) == '437[{"sum":5}]'
    assert wire.rewrite(Msg("text", '43/admin,1[{"sum":5}]'), ids) == '43/admin,8[{"sum":5}]'
    assert wire.rewrite(Msg("text", '432[{"sum":5}]'), ids) == '432[{"sum":5}]'  # not learnt
    # the server's own event asking for an ack keeps its id
    assert wire.rewrite(Msg("text", '420["ask",{}]'), ids) == '420["ask",{}]'
    assert wire.rewrite(Msg("text", '0{"sid":"a"}'), ids) == '0{"sid":"a"}'


def test_graphql_compares_without_the_id_and_init_without_its_payload() -> None:
    wire = wire_for("graphql-transport-ws")
    assert isinstance(wire, GraphQL)
    sub = {"type": "subscribe", "payload": {"query": "{ a }"}}
    seen = wire.comparable(out(json.dumps({**sub, "id": "uuid-1"})))
    recorded = wire.comparable(out(json.dumps({"id": "1", **sub})))
    assert same_message(recorded.msg, seen.msg) and (seen.key, recorded.key) == ("uuid-1", "1")
    a = wire.comparable(out('{"type":"connection_init","payload":{"token":"s3cret"}}'))
    b = wire.comparable(out('{"type":"connection_init","payload":{"token":"••••"}}'))
    assert same_message(b.msg, a.msg)
    assert wire.comparable(out("not json")) == Seen("", out("not json"))


def test_graphql_answers_go_out_with_the_clients_ids() -> None:
    wire = GraphQL(pings=True)
    answer = Msg("text", '{"id":"1","type":"next","payload":{"data":{"a":1}}}')
    assert json.loads(wire.rewrite(answer, {"1": "uuid-1"}))["id"] == "uuid-1"
    assert wire.rewrite(answer, {"2": "x"}) == answer.data
    assert wire.rewrite(Msg("text", '{"type":"connection_ack"}'), {"1": "x"}) == (
        '{"type":"connection_ack"}'
    )


def test_graphql_pings_are_answered_where_the_protocol_has_them() -> None:
    assert GraphQL(pings=True).control('{"type":"ping"}') == '{"type":"pong"}'
    assert GraphQL(pings=True).control('{"type":"pong"}') == ""
    assert GraphQL(pings=True).control('{"type":"subscribe"}') is None
    legacy = wire_for("graphql-ws")
    assert legacy.control('{"type":"ping"}') is None  # subscriptions-transport-ws has none
    assert legacy.ping(Msg("text", '{"type":"connection_ack"}')) is None


def test_a_socketio_session_without_its_packets_is_refused_in_words(tmp_path) -> None:
    from wsblock.journal.recording import read_recording
    from wsblock.servers.routes import recorded_script

    records = [
        {"event": "session", "name": "old", "handshake": {"options": {"protocol": "socket.io"}}},
        {"event": "protocol", "dir": "in", "data": '0{"pingInterval":300}', "mono": 0.1},
        {"event": "open", "mono": 0.2},
        {"event": "sent", "format": "socket.io", "data": '["x"]', "mono": 0.3},
    ]
    path = tmp_path / "20261201T000000Z-old.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    recording = read_recording(path)
    assert recording.frames == []
    with pytest.raises(ValueError, match="does not hold that protocol's frames"):
        recorded_script(recording)
    # with the packet each event went as, it is played
    records[-1]["raw"] = '42["x"]'
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    script = recorded_script(read_recording(path))
    assert script.protocol == "socket.io"
    assert [m.data for m in script.messages] == ['0{"pingInterval":300}', '42["x"]']


def test_the_frames_of_a_reconnect_are_not_the_first_connections(tmp_path) -> None:
    from wsblock.journal.recording import read_recording

    def protocol(direction: str, data: str, mono: float) -> dict:
        return {"event": "protocol", "dir": direction, "data": data, "mono": mono}

    records = [
        {"event": "session", "name": "re", "handshake": {"options": {"protocol": "graphql-ws"}}},
        {"event": "connecting", "mono": 0.0},
        protocol("out", '{"type":"connection_init"}', 0.1),
        {"event": "error", "mono": 0.2},  # refused: that attempt's frames are not kept
        {"event": "connecting", "mono": 1.0},
        protocol("out", '{"type":"connection_init"}', 1.1),
        protocol("in", '{"type":"connection_ack"}', 1.2),
        {"event": "open", "mono": 1.2},
        {"event": "received", "format": "graphql", "data": '{"type":"ka"}', "mono": 1.3},
        {"event": "connecting", "mono": 2.0},  # dropped, no close: connecting again
        protocol("out", '{"type":"connection_init","payload":{"again":1}}', 2.1),
        {"event": "open", "mono": 2.2},
    ]
    path = tmp_path / "20261201T000000Z-re.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    recording = read_recording(path)
    assert recording.reconnected
    assert [(m.dir, m.data) for m in recording.frames] == [
        ("out", '{"type":"connection_init"}'),
        ("in", '{"type":"connection_ack"}'),
        ("in", '{"type":"ka"}'),
    ]
    assert [m.at for m in recording.frames] == pytest.approx([0.0, 0.1, 0.2])
