"""`wsblock run` and `wsblock connect` of Socket.IO and GraphQL against the real npm servers
(socket.io 4.8, graphql-ws 5.16) on loopback, on both transports."""

from __future__ import annotations

import json

import pytest
from cli_paths import SAMPLES
from void_files import ack_rule, expect, message, messages, request, table, write

from peers.fixtures import Peer, graphql_peer, socketio_peer  # noqa: F401

TRANSPORTS = pytest.mark.parametrize("transport", ["websockets", "picows"])


def run_socketio(wsblock, peer: Peer, transport: str, token: str, *more: str):  # noqa: ANN201
    return wsblock(
        "run",
        str(SAMPLES / "wss" / "socketio.void"),
        "--env-var",
        f"SIO_URL=http://127.0.0.1:{peer.port}",
        "--env-var",
        f"ADMIN_TOKEN={token}",
        "--linger",
        "0",
        *more,
        env={"WSBLOCK_TRANSPORT": transport},
    )


@TRANSPORTS
def test_run_socketio_sample_speaks_in_events(wsblock, socketio_peer: Peer, transport) -> None:  # noqa: F811
    r = run_socketio(wsblock, socketio_peer, transport, "s3cret")
    assert r.code == 0, r.out + r.err
    out = r.out
    assert "● connected (HTTP 101) · namespace / (sid " in out
    assert '→ emit add {"a":2,"b":3} · ack 0' in out and '← ack 0 {"sum":5}' in out
    assert '← tick {"n":3}' in out and "✔ expect tick 3" in out
    # the id captured from `welcome` went out in `echo` and came back
    assert "captured WELCOME_ID = " in out and "✔ expect echoed" in out
    # each acknowledgement is paired with its own event by its ack id (reply-to), so the
    # expectation that takes any ack of `add again` captures 30, not the first ack's 5
    assert "captured SUM_AGAIN = 30" in out
    assert "✔ expect sum again (reply in" in out and "✔ expect sum (reply in" in out
    assert "· namespace /admin (sid " in out and '← hello {"admin":true}' in out
    assert "ping received" not in out and '0{"sid"' not in out  # hidden, as keep-alive pings
    assert "2 passed, 0 failed" in out


@TRANSPORTS
def test_run_socketio_wrong_token_fails_with_the_servers_words(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    transport,
) -> None:
    r = run_socketio(wsblock, socketio_peer, transport, "wrong")
    assert r.code == 1, r.out + r.err
    assert "✘ could not connect to http://127.0.0.1:" in r.out
    assert "socket.io: unauthorized" in r.out and "1 passed, 1 failed" in r.out


def test_run_json_and_the_journal_carry_keys(wsblock, socketio_peer: Peer, state_dir) -> None:  # noqa: F811
    r = run_socketio(wsblock, socketio_peer, "auto", "s3cret", "--json")
    assert r.code == 0, r.err
    records = [json.loads(line) for line in r.out.splitlines()]
    sent = [x for x in records if x["event"] == "sent" and x.get("name") == "add"][0]
    assert (sent["format"], sent["key"], sent["raw"]) == (
        "socket.io",
        "0",
        '420["add",{"a":2,"b":3}]',
    )
    ack = [x for x in records if x["event"] == "received" and x.get("key") == "0"][0]
    assert json.loads(ack["data"]) == {"ack": 0, "args": [{"sum": 5}]}
    assert ack["raw"] == '430[{"sum":5}]'
    assert any(x["event"] == "protocol" and x["name"] == "connect /" for x in records)
    journal = sorted((state_dir / "wsblock" / "sessions").glob("*.ndjson"))[0]
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert any(x.get("key") == "0" and x["event"] == "received" for x in lines)
    exported = wsblock("export", str(journal), "--format", "csv")
    assert exported.code == 0 and '430[{""sum"":5}]' in exported.out


@TRANSPORTS
def test_run_graphql_sample(wsblock, graphql_peer: Peer, transport) -> None:  # noqa: F811
    r = wsblock(
        "run",
        str(SAMPLES / "wss" / "graphql.void"),
        "--env-var",
        f"GQL_URL=ws://127.0.0.1:{graphql_peer.port}",
        "--linger",
        "0",
        env={"WSBLOCK_TRANSPORT": transport},
    )
    assert r.code == 0, r.out + r.err
    assert "subprotocol graphql-transport-ws · connection_ack" in r.out
    assert '← next #1 {"data":{"hello":"hello ada"}}' in r.out
    assert '← next #2 {"data":{"countdown":0}}' in r.out and "← complete #2" in r.out


def test_run_graphql_refused_connection_init(wsblock, graphql_peer: Peer, tmp_path) -> None:  # noqa: F811
    f = write(
        tmp_path / "g.void",
        request(f"ws://127.0.0.1:{graphql_peer.port}/graphql"),
        table(
            "socket-options",
            [["protocol", "graphql-transport-ws"], ["connect-payload", '{"token": "wrong"}']],
        ),
        messages(message("q", "graphql", "{ hello }")),
    )
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 1
    assert "graphql-transport-ws: the server closed with 4403 Forbidden" in r.out


@TRANSPORTS
def test_connect_socketio_lines_are_events(wsblock, socketio_peer: Peer, transport) -> None:  # noqa: F811
    r = wsblock(
        "connect",
        f"ws://127.0.0.1:{socketio_peer.port}",
        "--protocol",
        "socket.io",
        "--namespace",
        "/admin",
        "--connect-payload",
        '{"token": "s3cret"}',
        "--ack",
        "--linger",
        "0.5",
        input="whoami\n",
        env={"WSBLOCK_TRANSPORT": transport},
    )
    assert r.code == 0, r.err
    assert r.out.splitlines() == ['hello {"admin":true}', 'ack 0 {"admin":true}']


def test_connect_refused_namespace_is_exit_1(wsblock, socketio_peer: Peer) -> None:  # noqa: F811
    r = wsblock(
        "connect",
        f"ws://127.0.0.1:{socketio_peer.port}",
        "--protocol",
        "socket.io",
        "--namespace",
        "/admin",
        input="whoami\n",
    )
    assert r.code == 1 and "socket.io: unauthorized" in r.err


def test_connect_graphql_lines_are_documents(wsblock, graphql_peer: Peer) -> None:  # noqa: F811
    r = wsblock(
        "connect",
        f"ws://127.0.0.1:{graphql_peer.port}/graphql",
        "--protocol",
        "graphql-transport-ws",
        "--linger",
        "2",
        input="subscription { countdown(from: 1) }\n",
    )
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        'next #1 {"data":{"countdown":1}}',
        'next #1 {"data":{"countdown":0}}',
        "complete #1",
    ]


def test_a_graphql_close_after_the_handshake_fails_with_the_servers_words(
    wsblock,
    graphql_peer: Peer,  # noqa: F811
    tmp_path,
) -> None:
    # the second subscribe reuses the id of a running operation: graphql-ws closes 4409
    f = write(
        tmp_path / "dup.void",
        request(f"ws://127.0.0.1:{graphql_peer.port}/graphql"),
        table("socket-options", [["protocol", "graphql-transport-ws"]]),
        messages(
            message("long", "graphql", "subscription { countdown(from: 500) }"),
            message(
                "same id",
                "json",
                '{"id": "1", "type": "subscribe", "payload": {"query": "{ hello }"}}',
            ),
        ),
    )
    r = wsblock("run", str(f), "--linger", "3")
    assert r.code == 1, r.out
    assert (
        "graphql-transport-ws: the server closed with 4409 Subscriber for 1 already exists" in r.out
    )


def test_an_unknown_graphql_operation_id_fails(wsblock, graphql_peer: Peer, tmp_path) -> None:  # noqa: F811
    f = write(
        tmp_path / "unknown.void",
        request(f"ws://127.0.0.1:{graphql_peer.port}/graphql"),
        table("socket-options", [["protocol", "graphql-transport-ws"]]),
        messages(
            message(
                "raw",
                "json",
                '{"id": "zz", "type": "subscribe", "payload": {"query": "{ hello }"}}',
            ),
        ),
    )
    r = wsblock("run", str(f), "--linger", "1")
    assert r.code == 1, r.out
    assert "the server sent next for operation zz, never started" in r.out
    assert '← next #zz {"data":{"hello":"hello world"}}' in r.out  # said, never dropped


def quiz_file(tmp_path, peer: Peer, *items: str):  # noqa: ANN201
    return write(
        tmp_path / "quiz.void",
        request(f"http://127.0.0.1:{peer.port}"),
        table("socket-options", [["protocol", "socket.io"]]),
        messages(*items),
    )


@TRANSPORTS
def test_run_a_rule_answers_the_servers_ask_with_its_ack(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    transport,
    tmp_path,
) -> None:
    f = quiz_file(
        tmp_path,
        socketio_peer,
        ack_rule('[{"a": 5, "q": "{{$res.body.args[0].q}}"}]'),
        message("quiz", "socket.io", '["quiz", {"q": "2+3"}]'),
        expect(
            "answered",
            [["the callback fired", "body.args[0].args[0].a", "equals", "5"]],
            timeout=10,
        ),
    )
    r = wsblock("run", str(f), "--linger", "0", env={"WSBLOCK_TRANSPORT": transport})
    assert r.code == 0, r.out + r.err
    assert '← ask {"q":"2+3"} · asks ack ' in r.out
    assert "→ ack " in r.out and ' {"a":5,"q":"2+3"}' in r.out
    assert "✔ expect answered" in r.out and "nothing answered" not in r.out


@TRANSPORTS
def test_run_an_ask_nothing_answers_is_said_and_red(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    transport,
    tmp_path,
) -> None:
    f = quiz_file(
        tmp_path,
        socketio_peer,
        message("quiz", "socket.io", '["quiz", {"q": 1}]'),
        expect("asked", [["an ask", "body.event", "equals", "ask"]], timeout=10),
    )
    r = wsblock("run", str(f), "--linger", "0", env={"WSBLOCK_TRANSPORT": transport})
    assert r.code == 1, r.out + r.err
    assert "✔ expect asked" in r.out
    assert "socket.io: the server asked for an acknowledgement of 'ask' (id " in r.out
    assert "that nothing answered (a socket-on rule whose socket.io message has ack-reply" in r.out


def test_run_an_ack_reply_to_an_event_that_asked_none_fails(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    tmp_path,
) -> None:
    f = write(
        tmp_path / "w.void",
        request(f"http://127.0.0.1:{socketio_peer.port}"),
        table("socket-options", [["protocol", "socket.io"]]),
        messages(
            ack_rule("[1]").replace("- ask", "- echo"),
            message("echo", "socket.io", '["echo", 1]'),
            expect("echoed", [["e", "body.event", "equals", "echo"]], timeout=10),
        ),
    )
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 1, r.out + r.err
    assert "answer asks: message 'answer'" in r.out
    assert 'asked for none (it has no "id")' in r.out


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("step", "ack-reply belongs to the socket-message of a socket-on rule"),
        ("object", "an acknowledgement (ack-reply) is the JSON array of its arguments"),
        ("json", "ack-reply belongs to a socket.io message, not json"),
    ],
)
def test_check_refuses_a_misplaced_or_malformed_ack_reply(wsblock, tmp_path, where, words) -> None:
    if where == "step":
        item = message("answer", "socket.io", "[1]").replace(
            "      format: socket.io", "      format: socket.io\n      ack-reply: true"
        )
    elif where == "object":
        item = ack_rule('{"a": 1}')
    else:
        item = ack_rule("[1]").replace("format: socket.io", "format: json")
    f = write(
        tmp_path / "bad.void",
        request("http://127.0.0.1:9"),
        table("socket-options", [["protocol", "socket.io"]]),
        messages(item),
    )
    r = wsblock("check", str(f))
    assert r.code == 2, r.out + r.err
    assert words in r.out + r.err and "bad.void:" in r.out + r.err
