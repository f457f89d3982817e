"""`wsblock load` of Socket.IO and GraphQL files: each user does its own handshake; latency
per acknowledged event and per GraphQL operation (real npm servers on loopback)."""

from __future__ import annotations

from pathlib import Path

from cli.void_files import ack_rule, expect, message, messages, request, table, write
from load.test_load import entry, summary
from peers.fixtures import Peer, graphql_peer, socketio_peer  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "wss"


def test_socketio_sample_5_users_for_5_s(wsblock, socketio_peer: Peer) -> None:  # noqa: F811
    r = wsblock(
        "load",
        str(SAMPLES / "socketio.void"),
        "--request",
        "1",
        "--env-var",
        f"SIO_URL=http://127.0.0.1:{socketio_peer.port}",
        "--env-var",
        "ADMIN_TOKEN=s3cret",
        "-u",
        "5",
        "-r",
        "5",
        "-t",
        "5s",
        "--json",
        "--fail-if",
        "errors > 0",
    )
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    ack = entry(s, "ack add")
    assert ack["count"] > 0 and ack["failures"] == 0 and ack["p99_ms"] > 0
    assert entry(s, "sum")["failures"] == 0 and entry(s, "tick 3")["failures"] == 0
    assert entry(s, "connect")["failures"] == 0 and s["errors"] == {}


def test_socketio_refused_namespace_counts_the_servers_words(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
) -> None:
    r = wsblock(
        "load",
        str(SAMPLES / "socketio.void"),
        "--request",
        "2",
        "--env-var",
        f"SIO_URL=http://127.0.0.1:{socketio_peer.port}",
        "--env-var",
        "ADMIN_TOKEN=wrong",
        "-u",
        "2",
        "-r",
        "2",
        "-t",
        "2s",
        "--json",
    )
    s = summary(r.out)
    assert entry(s, "connect")["failures"] > 0
    assert "socket.io: unauthorized" in s["errors"], s["errors"]


def test_graphql_operation_latency(wsblock, graphql_peer: Peer, tmp_path) -> None:  # noqa: F811
    f = write(
        tmp_path / "g.void",
        request(f"ws://127.0.0.1:{graphql_peer.port}/graphql", "Countdown"),
        table("socket-options", [["protocol", "graphql-transport-ws"]]),
        messages(
            message("countdown", "graphql", "subscription { countdown(from: 2) }"),
            expect("done", [["complete", "body.type", "equals", "complete"]]),
        ),
    )
    r = wsblock("load", str(f), "-u", "3", "-r", "3", "-t", "3s", "--json")
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    op = entry(s, "operation countdown")
    assert op["count"] > 0 and op["failures"] == 0 and op["p50_ms"] >= 20  # 3 results, 10 ms apart
    assert s["errors"] == {}


def test_socketio_asks_are_answered_by_rule_per_user(
    wsblock,
    socketio_peer: Peer,  # noqa: F811
    tmp_path,
) -> None:
    f = write(
        tmp_path / "quiz.void",
        request(f"http://127.0.0.1:{socketio_peer.port}", "Quiz"),
        table("socket-options", [["protocol", "socket.io"]]),
        messages(
            ack_rule('[{"a": "{{$res.body.args[0].q}}"}]'),
            message("quiz", "socket.io", '["quiz", {"q": 5}]'),
            expect("answered", [["the callback fired", "body.args[0].args[0].a", "equals", "5"]]),
        ),
    )
    r = wsblock(
        "load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json", "--fail-if", "errors > 0"
    )
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    answered = entry(s, "answered")
    assert answered["count"] > 0 and answered["failures"] == 0 and s["errors"] == {}
