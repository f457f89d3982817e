"""A session against the embedded echo server: life cycle, messages, pings, closing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from engine_helpers import kinds, one, request, run_to_end, until

from wsblock.conversation.request import Message
from wsblock.engine import Session, State, StateError
from wsblock.engine.events import Event
from wsblock.engine.runs import ReceivedRun, flatten


async def test_connect_send_receive_close(echo_server):
    session = Session(request(echo_server.url("/echo")))
    stream = session.subscribe()
    assert session.state is State.DISCONNECTED

    assert await session.connect() is True
    assert session.state is State.CONNECTED
    assert session.status == 101
    assert await session.send_text("hello") is True
    received = await until(stream, "received")
    assert received[-1].data == "hello" and received[-1].type == "text"

    await session.close(1000, "done")
    events = await run_to_end(session, stream)
    assert session.state is State.DISCONNECTED
    assert (session.close_code, session.close_reason, session.closed_by) == (1000, "done", "client")
    close = one(received + events, "close")
    assert (close.code, close.reason, close.by, close.error) == (1000, "done", "client", None)
    assert kinds(received + events) == ["connecting", "open", "sent", "received", "close"]


async def test_events_describe_the_connection(echo_server, transport_name):
    url = echo_server.url("/echo")
    session = Session(request(url))
    stream = session.subscribe()
    await session.connect()
    await session.close()
    events = await run_to_end(session, stream)
    connecting, opened = events[0], events[1]
    assert (connecting.kind, connecting.attempt, connecting.url) == ("connecting", 0, url)
    assert opened.kind == "open" and opened.status == 101 and opened.attempt == 0
    names = {name.lower() for name, _ in opened.headers}
    assert {"upgrade", "connection", "sec-websocket-accept"} <= names
    # picows has no compression: forced onto it, the request connects without.
    assert opened.extensions == (() if transport_name == "picows" else ("permessage-deflate",))
    assert dict(session.response_headers)["Upgrade"].lower() == "websocket"


async def test_states_seen_by_listeners(echo_server):
    session = Session(request(echo_server.url("/echo")))
    seen: list[tuple[str, State]] = []
    session.add_listener(lambda e: seen.append((e.kind, session.state)))
    await session.connect()
    closing = asyncio.create_task(session.close())
    await asyncio.sleep(0)
    assert session.state is State.CLOSING
    await closing
    assert seen == [
        ("connecting", State.CONNECTING),
        ("open", State.CONNECTED),
        ("close", State.DISCONNECTED),
    ]


async def test_text_json_xml_and_binary(echo_server):
    session = Session(request(echo_server.url("/echo")))
    stream = session.subscribe()
    await session.connect()
    await session.send_text('{"a": 1}', format="json", name="js")
    await session.send_text("<a>é</a>", format="xml")
    await session.send_bytes(b"\x00\x01\xff")
    await session.send(Message(name="saved", format="binary", data=b"\x02"))
    await session.send(Message(name="plain", format="text", data="hi"))
    events = await until(stream, "received", lambda e: e.data == "hi")
    sent = [e for e in events if e.kind == "sent"]
    assert [(e.type, e.format, e.data, e.size, e.name) for e in sent] == [
        ("text", "json", '{"a": 1}', 8, "js"),
        ("text", "xml", "<a>é</a>", 9, None),  # size in UTF-8 bytes
        ("binary", None, b"\x00\x01\xff", 3, None),
        ("binary", None, b"\x02", 1, "saved"),
        ("text", "text", "hi", 2, "plain"),
    ]
    received = [e for e in events if e.kind == "received"]
    assert [(e.dir, e.type, e.data, e.size) for e in received] == [
        ("in", "text", '{"a": 1}', 8),
        ("in", "text", "<a>é</a>", 9),
        ("in", "binary", b"\x00\x01\xff", 3),
        ("in", "binary", b"\x02", 1),
        ("in", "text", "hi", 2),
    ]
    assert session.stats.sent == 5 and session.stats.received == 5
    assert session.stats.bytes_out == session.stats.bytes_in == 8 + 9 + 3 + 1 + 2
    await session.close()


async def test_wrong_types_raise(echo_server):
    session = Session(request(echo_server.url("/echo")))
    await session.connect()
    with pytest.raises(TypeError):
        await session.send(Message(name="bad", format="binary", data="not bytes"))
    with pytest.raises(TypeError):
        await session.send_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await session.send_bytes("text")  # type: ignore[arg-type]
    await session.close()


async def test_ping_returns_rtt_and_records_ping_and_pong(echo_server):
    session = Session(request(echo_server.url("/echo")))
    stream = session.subscribe()
    await session.connect()
    rtt = await session.ping()
    assert rtt is not None and 0 <= rtt < 5000
    events = stream.take()  # the pong event is out when ping() returns
    ping, pong = one(events, "ping"), one(events, "pong")
    assert (ping.dir, pong.dir) == ("out", "in")
    assert ping.data == pong.data and len(ping.data) == 4
    assert pong.rtt_ms == rtt and ping.name is None and pong.name is None
    assert await session.ping(b"payload") is not None
    assert stream.take()[-1].data == b"payload"
    await session.close()


async def test_server_ping_is_recorded_with_the_automatic_pong(echo_server):
    session = Session(request(echo_server.url("/ping")))
    stream = session.subscribe()
    await session.connect()
    events = await until(stream, "pong")
    ping, pong = events[-2], events[-1]
    assert (ping.kind, ping.dir, ping.data) == ("ping", "in", b"server ping")
    assert (pong.kind, pong.dir, pong.data) == ("pong", "out", b"server ping")
    await session.close()


async def test_close_codes_are_validated_before_anything_is_sent(echo_server):
    session = Session(request(echo_server.url("/echo")))
    await session.connect()
    for bad in (999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, True, "1000"):
        with pytest.raises(ValueError):
            await session.close(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="124 bytes"):
        await session.close(1000, "é" * 62)
    assert session.state is State.CONNECTED
    await session.close(4999, "é" * 61 + "x")  # 123 bytes: the most that fits
    assert (session.close_code, session.closed_by) == (4999, "client")
    assert session.close_reason == "é" * 61 + "x"


@pytest.mark.parametrize("code", [1000, 1001, 1008, 1011, 1014, 3000, 4000])
async def test_sendable_close_codes(echo_server, code):
    session = Session(request(echo_server.url("/echo")))
    await session.connect()
    await session.close(code, "bye")
    assert (session.close_code, session.close_reason, session.closed_by) == (code, "bye", "client")


async def test_server_close_is_recorded_as_by_server(echo_server):
    session = Session(request(echo_server.url("/close?code=4001&reason=bye")))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    close = one(events, "close")
    assert (close.code, close.reason, close.by, close.error) == (4001, "bye", "server", None)
    assert (session.close_code, session.close_reason, session.closed_by) == (4001, "bye", "server")
    assert "error" not in kinds(events)


async def test_not_connected_send_and_ping_report_without_raising(echo_server):
    session = Session(request(echo_server.url("/echo")))
    stream = session.subscribe()
    assert await session.send_text("x") is False
    assert await session.ping() is None
    errors = [e for e in stream.take() if e.kind == "error"]
    assert [e.error for e in errors] == ["not-connected", "not-connected"]
    assert "not connected" in errors[0].reason
    await session.close()  # nothing to close: no error
    await session.wait_closed()


async def test_connect_twice_is_misuse(echo_server):
    session = Session(request(echo_server.url("/echo")))
    await session.connect()
    with pytest.raises(StateError):
        await session.connect()
    await session.close()


async def test_a_session_can_connect_again_after_closing(echo_server):
    session = Session(request(echo_server.url("/echo")))
    for _ in range(2):
        assert await session.connect()
        assert await session.send_text("again")
        await session.close()
    assert session.stats.sent == 2


async def test_close_while_connecting_cancels_the_attempt(echo_server):
    session = Session(request(echo_server.url("/hang?seconds=30")))
    stream = session.subscribe()
    connecting = asyncio.create_task(session.connect())
    await until(stream, "connecting")
    await session.close()
    assert await connecting is False
    close = one(stream.take(), "close")
    assert close.by == "client" and close.reason == "connection attempt cancelled"
    assert session.state is State.DISCONNECTED


async def test_context_manager_closes(echo_server):
    async with Session(request(echo_server.url("/echo"))) as session:
        assert await session.connect()
    assert session.state is State.DISCONNECTED and session.closed_by == "client"


async def test_timestamps_are_ordered_utc_and_anchored(echo_server):
    before = datetime.now(UTC)
    session = Session(request(echo_server.url("/echo")))
    events: list[Event] = []
    session.add_listener(events.append)
    stream = session.subscribe()
    await session.connect()
    for i in range(20):
        await session.send_text(str(i))
    await until(stream, "received", lambda e: e.data == "19")
    await session.close()
    after = datetime.now(UTC)
    slack = timedelta(milliseconds=50)
    monos = [e.mono for e in events]
    assert monos == sorted(monos) and len(events) == 43
    for e in events:
        assert e.ts.tzinfo is UTC
        assert before - slack <= e.ts <= after + slack
        # ts is the anchor plus the monotonic offset, to the microsecond.
        assert abs((e.ts - session.started_at).total_seconds() - e.mono) < 2e-6


async def test_a_slow_consumer_loses_nothing_and_slows_nothing(echo_server):
    n = 20_000
    session = Session(request(echo_server.url(f"/flood?n={n}&size=12&seq=1")))
    stream = session.subscribe()
    closed = asyncio.Event()
    session.add_listener(lambda e: e.kind == "close" and closed.set())
    await session.connect()
    # Nobody takes from the stream: the reader still reads the whole flood.
    await asyncio.wait_for(closed.wait(), 10)
    assert len(stream) == n + 3  # connecting, open, the messages, close
    data: list[str] = []
    while batch := await stream.batch(limit=5000):
        await asyncio.sleep(0.01)  # a slow screen
        data.extend(e.data for e in batch if e.kind == "received")  # type: ignore[misc]
        if batch[-1].kind == "close":
            break
    assert data == [str(i).zfill(12) for i in range(n)]
    assert session.stats.received == n and session.stats.bytes_in == 12 * n


async def test_a_failing_listener_does_not_stop_the_session(echo_server):
    session = Session(request(echo_server.url("/echo")))
    stream = session.subscribe()
    got: list[Event] = []

    def bad(event: Event) -> None:
        raise RuntimeError("boom")

    session.add_listener(bad)
    remove = session.add_listener(got.append)
    await session.connect()
    await session.send_text("still")
    await until(stream, "received")
    remove()
    await session.close()
    assert kinds(got) == ["connecting", "open", "sent", "received"]


async def test_streams_can_be_closed_and_others_keep_receiving(echo_server):
    session = Session(request(echo_server.url("/echo")))
    first, second = session.subscribe(), session.subscribe()
    await session.connect()
    first.close()
    await session.send_text("x")
    await until(second, "received")
    assert kinds(first.take()) == ["connecting", "open"]
    assert await first.batch() == []
    await session.close()


async def test_batch_listeners_get_every_event_in_fewer_calls(echo_server):
    n = 5000
    session = Session(request(echo_server.url(f"/flood?n={n}&size=8")))
    batches: list[list[Event]] = []
    single: list[Event] = []
    session.add_batch_listener(lambda events: batches.append(list(events)))
    session.add_listener(single.append)
    await session.connect()
    await session.wait_closed()
    flat = [e for batch in batches for e in batch]
    assert flat == single and sum(e.kind == "received" for e in flat) == n
    assert len(batches) < n / 10  # many messages per socket read


async def test_parts_listeners_and_streams_get_runs_equal_to_the_events(echo_server):
    n = 20_000
    session = Session(request(echo_server.url(f"/flood?n={n}&size=8&seq=1")))
    parts: list = []
    single: list[Event] = []
    session.add_parts_listener(lambda p: parts.extend(p))
    session.add_listener(single.append)
    stream = session.subscribe()
    await session.connect()
    await session.wait_closed()
    assert any(isinstance(p, ReceivedRun) and len(p) > 1 for p in parts)
    assert flatten(parts) == single  # the same events, in order, none lost
    taken = await stream.parts()
    assert flatten(taken) == single and len(stream) == 0
    received = [e.data for e in single if e.kind == "received"]
    assert len(received) == n and len(set(received)) == n
    assert session.stats.received == n and session.stats.bytes_in == sum(map(len, received))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/echo", "open"),
        ("/reject?status=401&header=Set-Cookie:sid=s3cr3t-cookie;%20Path=/", "error"),
    ],
)
async def test_the_handshake_answer_is_heard_before_its_event(echo_server, path, kind):
    """Handshake listeners hear the server's answer before the `open` (or a refusal's
    `error`) that carries it is published: guard_handshake's secrets are in place when
    the event is journaled or shown."""
    from wsblock.engine.handshake_secrets import guard_handshake
    from wsblock.variables.masking import Secrets

    session = Session(request(echo_server.url(path)))
    secrets = Secrets()
    guard_handshake(session, secrets)
    heard: list[tuple[int | None, bool]] = []
    session.add_handshake_listener(lambda status, headers, ok: heard.append((status, ok)))
    seen: list[tuple[list, bool]] = []  # (heard so far, the cookie a secret) at the event

    def at_event(event: Event) -> None:
        if event.kind == kind:
            seen.append((list(heard), "s3cr3t-cookie" in secrets.masker.secrets))

    session.add_listener(at_event)
    stream = session.subscribe()
    await session.connect()
    await session.close()
    await run_to_end(session, stream)
    assert len(heard) == 1 and seen == [(heard, kind == "error")], (heard, seen)
    assert heard[0] == ((101, True) if kind == "open" else (401, False))
    if kind == "error":  # the cookie, and its value alone, are secrets
        assert secrets.masker.mask("sid=s3cr3t-cookie") == "sid=••••••"
