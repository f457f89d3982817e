"""The ``reconnect`` option: capped exponential backoff after a connection drops."""

from __future__ import annotations

import asyncio
import uuid

from engine_helpers import kinds, request, run_to_end, until

from wsblock.engine import Backoff, Session, State
from wsblock.servers.echo import serve

FAST = Backoff(initial=0.01, factor=2, maximum=0.04)


async def test_reconnects_after_drops_then_works(echo_server):
    key = uuid.uuid4().hex
    session = Session(
        request(echo_server.url(f"/drop?key={key}&times=2"), reconnect=True), backoff=FAST
    )
    stream = session.subscribe()
    retried: list[bool] = []
    session.add_listener(lambda e: e.kind == "close" and retried.append(session.reconnecting))
    assert await session.connect()
    events: list = []
    for _ in range(3):
        events += await until(stream, "open")
    assert session.state is State.CONNECTED
    assert await session.send_text("back")
    events += await until(stream, "received")
    await session.close()
    events += await run_to_end(session, stream)
    assert kinds(events) == [
        "connecting", "open", "error", "close",  # dropped
        "reconnect", "connecting", "open", "error", "close",  # dropped again
        "reconnect", "connecting", "open",  # third time lucky
        "sent", "received", "close",
    ]  # fmt: skip
    reconnects = [e for e in events if e.kind == "reconnect"]
    # A successful handshake starts the count again.
    assert [(e.attempt, e.delay) for e in reconnects] == [(1, 0.01), (1, 0.01)]
    connecting = [e.attempt for e in events if e.kind == "connecting"]
    assert connecting == [0, 1, 1]
    assert [e.by for e in events if e.kind == "close"] == ["error", "error", "client"]
    assert session.state is State.DISCONNECTED and not session.reconnecting
    assert retried == [True, True, False]  # listeners can tell a drop from the end


async def test_backoff_grows_until_the_server_is_back(free_port):
    server = await serve("127.0.0.1", free_port)
    session = Session(request(f"ws://127.0.0.1:{free_port}/echo", reconnect=True), backoff=FAST)
    stream = session.subscribe()
    try:
        assert await session.connect()
        server.close()  # closes connections with 1001 (going away): a drop to recover from
        await server.wait_closed()
        events = await until(stream, "reconnect", lambda e: e.attempt == 4)
        server = await serve("127.0.0.1", free_port)
        events += await until(stream, "open")
        assert session.state is State.CONNECTED
    finally:
        await session.close()
        server.close()
        await server.wait_closed()
    close = next(e for e in events if e.kind == "close")
    assert (close.code, close.by) == (1001, "server")
    delays = [e.delay for e in events if e.kind == "reconnect"]
    assert delays[:4] == [0.01, 0.02, 0.04, 0.04]  # doubling, capped
    refused = [e for e in events if e.kind == "error"]
    assert refused and all(e.error == "refused" for e in refused)


async def test_close_during_backoff_stops_reconnecting(echo_server):
    session = Session(
        request(echo_server.url("/drop"), reconnect=True), backoff=Backoff(initial=30)
    )
    stream = session.subscribe()
    await session.connect()
    await until(stream, "reconnect")
    assert session.reconnecting and session.state is State.DISCONNECTED
    await asyncio.wait_for(session.close(), 2)
    await asyncio.wait_for(session.wait_closed(), 2)
    assert not session.reconnecting
    assert "connecting" not in kinds(stream.take())


async def test_close_during_a_reconnect_attempt(free_port):
    server = await serve("127.0.0.1", free_port)
    session = Session(request(f"ws://127.0.0.1:{free_port}/echo", reconnect=True), backoff=FAST)
    stream = session.subscribe()
    await session.connect()
    server.close()
    await server.wait_closed()
    # Now a server that accepts TCP and never answers the handshake.
    silent = await asyncio.start_server(_hold, "127.0.0.1", free_port)
    try:
        stream.take()  # the next attempt goes to the silent server
        await until(stream, "connecting")
        await asyncio.wait_for(session.close(), 2)
    finally:
        silent.close()
    events = stream.take()
    assert events[-1].kind == "close" and events[-1].by == "client"
    assert events[-1].reason == "connection attempt cancelled"
    assert session.state is State.DISCONNECTED and not session.reconnecting


async def _hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # until the client goes away
    writer.close()


async def test_no_reconnect_when_the_server_closes_normally(echo_server):
    session = Session(request(echo_server.url("/close?code=1000"), reconnect=True), backoff=FAST)
    stream = session.subscribe()
    await session.connect()
    events = await run_to_end(session, stream)
    assert "reconnect" not in kinds(events)


async def test_reconnect_after_a_server_close_with_an_error_code(echo_server):
    session = Session(
        request(echo_server.url("/close?code=1011&reason=oops"), reconnect=True), backoff=FAST
    )
    stream = session.subscribe()
    await session.connect()
    events = await until(stream, "reconnect", lambda e: e.attempt == 1)
    events += await until(stream, "open")
    await session.close()
    assert [e.code for e in events if e.kind == "close"][0] == 1011


async def test_no_reconnect_when_the_option_is_off(echo_server):
    session = Session(request(echo_server.url("/drop")), backoff=FAST)
    stream = session.subscribe()
    await session.connect()
    events = await run_to_end(session, stream)
    assert kinds(events) == ["connecting", "open", "error", "close"]
