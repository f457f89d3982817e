"""`wsblock check` of Socket.IO and GraphQL files: rows and documents checked, exit 2 with a place."""

from __future__ import annotations

from cli_paths import SAMPLES
from void_files import message, messages, request, table, write


def test_the_samples_check(wsblock) -> None:
    r = wsblock(
        "check",
        str(SAMPLES / "wss" / "socketio.void"),
        str(SAMPLES / "wss" / "graphql.void"),
        "--env-var",
        "SIO_URL=http://127.0.0.1:3000",
        "--env-var",
        "GQL_URL=ws://127.0.0.1:4000",
        "--env-var",
        "ADMIN_TOKEN=s3cret",
    )
    assert r.code == 0, r.out + r.err
    assert "option   protocol socket.io" in r.out and "option   namespace /admin" in r.out
    assert "message  add (socket.io, ack," in r.out
    assert "option   protocol graphql-transport-ws" in r.out
    assert "message  countdown (graphql," in r.out


def test_a_graphql_document_that_does_not_parse_is_exit_2_with_line_and_column(
    wsblock, tmp_path
) -> None:
    f = write(
        tmp_path / "g.void",
        request("ws://127.0.0.1:9/graphql"),
        table("socket-options", [["protocol", "graphql-transport-ws"]]),
        messages(message("broken", "graphql", "subscription {\n  countdown(from: 3\n}")),
    )
    r = wsblock("check", str(f))
    assert r.code == 2
    assert "g.void:" in r.out and "message 'broken'" in r.out
    assert "GraphQL syntax error: Expected Name, found '}'. at line 3, column 1" in r.out


def test_bad_protocol_rows_and_messages_are_exit_2(wsblock, tmp_path) -> None:
    f = write(
        tmp_path / "s.void",
        request("http://127.0.0.1:9"),
        table("socket-options", [["protocol", "socket.io"], ["namespace", "admin"]]),
    )
    r = wsblock("check", str(f))
    assert r.code == 2 and "(namespace): a namespace starts with /" in r.out
    f = write(
        tmp_path / "m.void",
        request("http://127.0.0.1:9"),
        table("socket-options", [["protocol", "socket.io"]]),
        messages(message("obj", "socket.io", '{"event": "x"}')),
    )
    r = wsblock("check", str(f))
    assert r.code == 2 and "a socket.io message is a JSON array" in r.out
