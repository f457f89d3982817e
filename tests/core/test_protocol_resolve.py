"""The rows and message formats of Socket.IO and GraphQL: resolved, or refused with a place."""

from __future__ import annotations

import pytest
from test_resolve import make, resolve, table

from wsblock.conversation.checks import validate
from wsblock.conversation.request import Message
from wsblock.conversation.resolve import ResolveError
from wsblock.document.views import new_message


def messages(*items: dict) -> dict:
    return {"type": "socket-messages", "attrs": {"uid": "u-m"}, "content": list(items)}


def message(name: str, fmt: str, content: str, **attrs: object) -> dict:
    node = new_message(name, fmt, content)
    node["attrs"].update(attrs)
    return node


def options(*rows: list[str]) -> dict:
    return table("socket-options", [list(r) for r in rows])


def test_socketio_rows_and_an_acknowledged_message() -> None:
    req = resolve(
        make(
            options(
                ["protocol", "Socket.IO"],
                ["namespace", "/admin"],
                ["socket.io-path", "io/"],
                ["connect-payload", '{"token": "{{T}}"}'],
            ),
            messages(message("add", "socket.io", '["add", {"a": 2}]', ack=True)),
            url="http://127.0.0.1:3000",
        ),
        {"T": "s3cret"},
    )
    o = req.options
    assert (o.protocol, o.namespace, o.socketio_path) == ("socket.io", "/admin", "/io/")
    assert o.connect_payload == '{"token":"s3cret"}'
    assert req.url == "http://127.0.0.1:3000"
    (m,) = req.messages
    assert (m.format, m.ack, m.data) == ("socket.io", True, '["add", {"a": 2}]')


def test_graphql_message_with_variables_and_operation() -> None:
    req = resolve(
        make(
            options(["protocol", "graphql-transport-ws"]),
            messages(
                message(
                    "q",
                    "graphql",
                    "query Q($n: Int) { add(a: $n, b: 1) }",
                    variables='{"n": {{N}}}',
                    operation="Q",
                )
            ),
        ),
        {"N": "4"},
    )
    (m,) = req.messages
    assert m == Message(
        "q",
        "graphql",
        "query Q($n: Int) { add(a: $n, b: 1) }",
        m.uid,
        m.where,
        variables='{"n":4}',
        operation="Q",
    )


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (["protocol", "mqtt"], "expected one of websocket, socket.io"),
        (["namespace", "admin"], "a namespace starts with /"),
        (["connect-payload", "{token"], "invalid JSON"),
        (["connect-payload", "[1]"], "expected a JSON object"),
    ],
)
def test_a_bad_row_is_named(row: list[str], words: str) -> None:
    with pytest.raises(ResolveError) as e:
        resolve(make(options(row)))
    assert words in str(e.value) and f"({row[0]})" in str(e.value)


def test_a_protocol_message_needs_its_protocol() -> None:
    with pytest.raises(ResolveError, match="needs the socket-options row protocol socket.io"):
        resolve(make(messages(message("e", "socket.io", '["e"]'))))
    with pytest.raises(ResolveError, match="graphql-transport-ws or graphql-ws"):
        resolve(make(options(["protocol", "socket.io"]), messages(message("q", "graphql", "{a}"))))


def test_http_urls_only_for_socketio() -> None:
    with pytest.raises(ResolveError, match="must start with ws:// or wss://"):
        resolve(make(url="http://127.0.0.1:3000"))
    with pytest.raises(ResolveError, match="must start with ws:// or wss://"):
        resolve(make(options(["protocol", "graphql-ws"]), url="https://h/graphql"))


def test_graphql_variables_must_be_an_object() -> None:
    with pytest.raises(ResolveError, match="variables: expected a JSON object"):
        resolve(
            make(
                options(["protocol", "graphql-ws"]),
                messages(message("q", "graphql", "{ a }", variables="[1]")),
            )
        )


def test_validate_socketio_and_graphql() -> None:
    assert validate("socket.io", '["tick", 1]') is None
    assert "JSON array" in str(validate("socket.io", '{"a": 1}'))
    assert "event's name" in str(validate("socket.io", "[1, 2]"))
    err = validate("socket.io", '["a", ')
    assert err is not None and err.line == 1
    assert validate("graphql", "subscription { countdown(from: 3) }") is None
    err = validate("graphql", "query {\n  hello(\n}")
    assert err is not None and (err.line, err.column) == (3, 1)
    assert str(err).startswith("GraphQL syntax error: ")
