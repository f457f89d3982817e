"""A journal's ``sent`` records rebuilt into the messages that made them (replay)."""

from __future__ import annotations

import pytest

from wsblock.conversation.request import Message
from wsblock.journal.sentmessages import SentError, recorded_form, sent_message


def test_plain_messages_are_their_data() -> None:
    assert sent_message('{"a":1}', "json", None, "m") == Message("m", "json", '{"a":1}')
    assert sent_message(b"\x00", "binary", None) == Message("", "binary", b"\x00")
    assert sent_message("hi", "odd", None).format == "text"


def test_socketio_events_keep_their_ack_and_ack_replies_their_id() -> None:
    event = sent_message('["add",{"a":2}]', "socket.io", "0", "add")
    assert (event.format, event.data, event.ack) == ("socket.io", '["add",{"a":2}]', True)
    assert sent_message('["tick"]', "socket.io", None).ack is False
    reply = sent_message('{"ack":3,"args":["yes"]}', "socket.io", None, "answer")
    assert (reply.data, reply.ack_reply, reply.ack_id) == ('["yes"]', True, 3)


def test_graphql_operations_keep_variables_and_name() -> None:
    frame = (
        '{"id":"1","type":"subscribe","payload":{"query":"query Q($n: Int) { x(n: $n) }",'
        '"variables":{"n":1},"operationName":"Q"}}'
    )
    m = sent_message(frame, "graphql", "1", "q")
    assert (m.data, m.variables, m.operation) == ("query Q($n: Int) { x(n: $n) }", '{"n":1}', "Q")
    bare = sent_message('{"id":"2","type":"start","payload":{"query":"{ a }"}}', "graphql", "2")
    assert (bare.variables, bare.operation) == (None, None)


@pytest.mark.parametrize(
    ("data", "fmt", "says"),
    [
        ("not json", "socket.io", "not JSON"),
        ('{"x":1}', "socket.io", "neither an event"),
        ('{"id":"1"}', "graphql", "no {"),
    ],
)
def test_malformed_protocol_records_are_said(data: str, fmt: str, says: str) -> None:
    with pytest.raises(SentError, match=says.replace("{", r"\{")):
        sent_message(data, fmt, None)


def test_recorded_form_is_compact_as_the_journal_shows_it() -> None:
    written = Message("e", "socket.io", '["echo", {"a": 1}]')
    assert recorded_form(written)[0] == '["echo",{"a":1}]'
    gql = Message("q", "graphql", "{ a }", variables='{"n": 1}', operation="Q")
    assert recorded_form(gql) == ("{ a }", '{"n":1}', "Q")
