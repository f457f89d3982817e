"""A HAR's WebSocket entry that speaks a protocol (har/read.py, har/tovoid.py): Socket.IO
imported as a ``socket.io`` request when a request can say it, else frame by frame; the
keep-alives a mock answers itself."""

from __future__ import annotations

import pytest

from wsblock.har.read import HarMessage, HarSocket
from wsblock.har.tovoid import to_void
from wsblock.servers.wire import wire_for

URL = "wss://chat.example.com/socket.io/?EIO=4&transport=websocket"
OPEN = '0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'


def socket(*frames: tuple[bool, str | bytes], url: str = URL, sub: str | None = None):
    headers = [("Sec-WebSocket-Protocol", sub)] if sub else []
    messages = [HarMessage(sent, data, n / 10) for n, (sent, data) in enumerate(frames)]
    return HarSocket(1, 0, url, [], headers, messages)


def test_the_protocol_is_read_from_the_url_the_first_frame_or_the_subprotocol() -> None:
    assert socket((False, OPEN)).protocol == "socket.io"
    assert socket((False, OPEN), url="wss://h/socket.io/?EIO=3&transport=websocket").protocol == (
        "websocket"
    )
    assert socket((False, '42["x"]')).protocol == "websocket"  # no open packet first
    assert socket(url="wss://h/graphql", sub="graphql-transport-ws").protocol == (
        "graphql-transport-ws"
    )
    assert socket(url="wss://h/", sub="chat").protocol == "websocket"


def test_keepalives_are_the_protocols_own() -> None:
    def keepalive(s: HarSocket, data: str) -> bool:  # as the mock's script leaves them out
        return wire_for(s.protocol).keepalive(data)

    sio = socket((False, OPEN))
    assert keepalive(sio, "2") and keepalive(sio, "3")
    assert not keepalive(sio, '42["x"]')
    gql = socket(url="wss://h/graphql", sub="graphql-ws")
    assert keepalive(gql, '{"type": "ka"}')
    assert keepalive(gql, '{"type":"ping"}')
    assert keepalive(gql, '{"type":"ping","payload":{"at":1}}')  # a ping may carry one
    assert not keepalive(gql, '{"type":"next","id":"1"}')
    assert not keepalive(socket(url="wss://h/"), "2")


def test_a_socketio_conversation_becomes_a_socketio_request() -> None:
    text = to_void(
        socket(
            (False, OPEN),
            (True, '40/chat,{"token":"s3cr3t-t0ken"}'),
            (False, '40/chat,{"sid":"b"}'),
            (True, '42/chat,7["join",{"room":"lobby"}]'),
            (False, '43/chat,7[{"ok":true}]'),
            (False, "2"),
            (True, "3"),
        )
    ).text
    assert "- namespace\n" in text and "- /chat\n" in text
    assert '{"token":"{{TOKEN}}"}' in text and "s3cr3t-t0ken" not in text
    assert '\'["join",{"room":"lobby"}]\'' in text and "ack: true" in text
    assert "body.ack" in text and "body.args[0].ok" in text
    assert 'content: "3"' not in text and "EIO" not in text


@pytest.mark.parametrize(
    "frame",
    [
        (True, '42/other,["x"]'),  # a second namespace: a request joins one
        (False, '421["ask",{}]'),  # the server asks for an ack: a rule would answer
        (False, '451-["file",{"_placeholder":true,"num":0}]'),  # a binary event
        (False, b"\x00\x01"),  # its attachment
    ],
)
def test_what_a_socketio_request_cannot_say_is_imported_frame_by_frame(frame) -> None:
    text = to_void(socket((False, OPEN), (True, "40"), (False, '40{"sid":"b"}'), frame)).text
    assert "- socket.io\n" not in text  # no protocol row: raw frames, as recorded
    assert 'content: "40"' in text


def test_a_socketio_token_is_hidden_in_raw_frames_too() -> None:
    imported = to_void(
        socket(
            (False, OPEN),
            (True, '40{"token":"s3cr3t-t0ken"}'),
            (False, '40{"sid":"b"}'),
            (True, '42/other,["x"]'),  # a second namespace: imported frame by frame
        )
    )
    assert "s3cr3t-t0ken" not in imported.text and "{{TOKEN}}" in imported.text
    assert imported.env["TOKEN"] == "s3cr3t-t0ken" and "TOKEN" in imported.secrets


def test_secrets_in_a_messages_json_stay_out_of_the_file() -> None:
    imported = to_void(
        socket(
            (True, '{"type":"connection_init","payload":{"authToken":"gql-s3cret-1"}}'),
            (False, '{"type":"connection_ack"}'),
            (True, '{"op":"login","password":"pw-s3cret-2","user":"ada"}'),
            (False, '{"op":"welcome","session_token":"srv-s3cret-3","user":"ada"}'),
            url="wss://h/graphql",
            sub="graphql-transport-ws",
        )
    )
    for secret in ("gql-s3cret-1", "pw-s3cret-2", "srv-s3cret-3"):
        assert secret not in imported.text
        assert secret in imported.env.values()
    assert "{{AUTHTOKEN}}" in imported.text and "{{PASSWORD}}" in imported.text
    # a plain field is expected; a token the server hands out is new on every connection
    assert "body.user" in imported.text and "body.session_token" not in imported.text


def test_a_graphql_conversation_becomes_graphql_messages_paired_by_reply_to() -> None:
    text = to_void(
        socket(
            (True, '{"type":"connection_init"}'),
            (False, '{"type":"connection_ack"}'),
            (True, '{"id":"7","type":"start","payload":{"query":"subscription { n }"}}'),
            (False, '{"type":"ka"}'),
            (False, '{"id":"7","type":"data","payload":{"data":{"n":"one"}}}'),
            (False, '{"id":"7","type":"complete"}'),
            url="wss://h/graphql",
            sub="graphql-ws",
        )
    ).text
    assert "- graphql-ws\n" in text and "subprotocols" not in text
    assert "format: graphql" in text and "subscription { n }" in text
    assert text.count("reply-to: operation 1") == 2
    assert "body.payload.data.n" in text and 'received 2: complete"' in text
    assert "connection_init" not in text and '"ka"' not in text


def test_a_graphql_conversation_a_message_cannot_say_is_imported_frame_by_frame() -> None:
    text = to_void(
        socket(
            (True, '{"type":"connection_init"}'),
            (True, '{"id":"1","type":"subscribe","payload":{"query":"subscription { n }"}}'),
            (True, '{"id":"1","type":"complete"}'),  # the client cancels: no message says it
            url="wss://h/graphql",
            sub="graphql-transport-ws",
        )
    ).text
    assert "format: graphql" not in text and "format: json" in text
    assert "connection_init" in text
