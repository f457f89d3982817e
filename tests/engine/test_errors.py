"""Failures, each reported in plain words with its kind, never raised."""

from __future__ import annotations

import asyncio
import time

import pytest
from engine_helpers import kinds, one, request, run_to_end

from peers.hostile_server import handshake, unmask
from wsblock.engine import Session, State
from wsblock.engine.websockets_transport import WebsocketsTransport


async def failed_connect(url: str, **options) -> tuple[Session, list]:
    session = Session(request(url, **options))
    stream = session.subscribe()
    assert await session.connect() is False
    assert session.state is State.DISCONNECTED
    return session, await run_to_end(session, stream)


def check_failed(events, kind: str):
    """connecting, error, close(1006, by error): the shape of every failed attempt."""
    assert kinds(events) == ["connecting", "error", "close"]
    error, close = events[1], events[2]
    assert error.error == kind and close.error == kind
    assert (close.code, close.by) == (1006, "error")
    return error


async def test_refused(free_port):
    session, events = await failed_connect(f"ws://127.0.0.1:{free_port}/echo")
    error = check_failed(events, "refused")
    assert error.reason == (
        f"connection refused by 127.0.0.1:{free_port}: nothing listens on that port"
    )
    assert session.error is not None and session.error.kind == "refused"
    assert (session.close_code, session.closed_by) == (1006, "error")


async def test_refused_on_every_address_of_localhost(free_port):
    _, events = await failed_connect(f"ws://localhost:{free_port}/")
    assert "nothing listens" in check_failed(events, "refused").reason


async def test_dns():
    _, events = await failed_connect("ws://no-such-host.invalid/echo")
    error = check_failed(events, "dns")
    assert "cannot resolve the host name 'no-such-host.invalid'" in error.reason


async def test_rejected_with_status_headers_and_body(echo_server):
    body = "token expired; log in again"
    session, events = await failed_connect(
        echo_server.url(f"/reject?status=401&body={body}&header=X-Trace:abc")
    )
    error = check_failed(events, "rejected")
    assert error.reason == "the server rejected the WebSocket handshake: HTTP 401 Unauthorized"
    assert error.status == 401 and error.body == body
    headers = dict(error.headers)
    assert headers["X-Trace"] == "abc"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert session.status == 401 and dict(session.response_headers)["X-Trace"] == "abc"


async def test_rejected_body_is_cut_to_one_kib(echo_server):
    _, events = await failed_connect(echo_server.url(f"/reject?status=403&body={'é' * 1000}"))
    error = check_failed(events, "rejected")
    assert error.status == 403 and "403 Forbidden" in error.reason
    assert len(error.body.encode()) <= 1024 + 2 and error.body.startswith("é" * 500)


async def test_not_a_websocket_url():
    _, events = await failed_connect("http://127.0.0.1:1/echo")
    assert "use ws:// or wss://" in check_failed(events, "url").reason


async def test_connect_timeout(echo_server):
    started = time.monotonic()
    _, events = await failed_connect(echo_server.url("/hang?seconds=30"), connect_timeout=0.3)
    error = check_failed(events, "timeout")
    assert error.reason.startswith("no connection within 0.3 s (connect-timeout)")
    assert time.monotonic() - started < 5


async def test_too_big_closes_with_1009(echo_server):
    session = Session(request(echo_server.url("/big?size=2048"), max_message_size=1024))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    assert kinds(events)[-2:] == ["error", "close"]
    error, close = events[-2], events[-1]
    assert error.error == "too-big"
    assert "larger than max-message-size (1 KiB)" in error.reason
    assert "closed with 1009" in error.reason
    assert (close.code, close.by, close.error) == (1009, "error", "too-big")
    assert "received" not in kinds(events)


async def test_too_big_without_compression_says_the_size(echo_server):
    session = Session(
        request(
            echo_server.url("/big?size=3000&binary=1"), max_message_size=1024, compression=False
        )
    )
    stream = session.subscribe()
    await session.connect()
    error = one(await run_to_end(session, stream), "error")
    assert "message (3000 bytes) larger than max-message-size (1 KiB)" in error.reason


async def test_invalid_utf8_closes_with_1007(echo_server):
    session = Session(request(echo_server.url("/invalid-utf8")))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "invalid-utf8"
    assert error.reason.startswith("the server sent a text message that is not valid UTF-8")
    assert "closed with 1007" in error.reason
    assert (close.code, close.by, close.error) == (1007, "error", "invalid-utf8")


async def test_dropped_without_close_frame(echo_server):
    session = Session(request(echo_server.url("/drop")))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "dropped" and "without a WebSocket close frame" in error.reason
    assert (close.code, close.reason, close.by) == (1006, "", "error")


async def test_keepalive_timeout_closes_with_1011(echo_server):
    # The server stops reading for 3 s: no pong; the close is cut after 0.5 s.
    session = Session(
        request(echo_server.url("/mute?seconds=3"), ping_interval=0.1, ping_timeout=0.2),
        close_timeout=0.5,
    )
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "timeout"
    assert error.reason.startswith("the server did not answer a keepalive ping within 0.2 s")
    assert (close.code, close.by) == (1011, "error")
    keepalive = [e for e in events if e.kind == "ping"]
    assert keepalive and all(e.name == "keepalive" and e.dir == "out" for e in keepalive)


async def test_ping_timeout_returns_none(echo_server):
    session = Session(
        request(echo_server.url("/mute?seconds=1"), ping_interval=None), close_timeout=0.2
    )
    stream = session.subscribe()
    await session.connect()
    assert await session.ping(timeout=0.2) is None
    error = one(stream.take(), "error")
    assert (error.error, error.reason) == ("timeout", "no pong within 0.2 s")
    await session.close()  # unanswered: cut after close_timeout
    assert session.closed_by == "client"


async def test_close_timeout_cuts_the_connection(echo_server):
    session = Session(request(echo_server.url("/mute?seconds=2")), close_timeout=0.3)
    stream = session.subscribe()
    await session.connect()
    started = time.monotonic()
    await session.close(1000, "bye")
    assert time.monotonic() - started < 5
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "timeout" and "closing handshake within 0.3 s" in error.reason
    assert (close.code, close.by) == (1000, "client")


async def test_wss_to_a_plain_server_is_a_tls_error(echo_server):
    _, events = await failed_connect(f"wss://127.0.0.1:{echo_server.port}/echo", tls_verify=False)
    error = check_failed(events, "tls")
    assert "Try ws:// instead of wss://" in error.reason


async def test_plain_ws_to_a_tls_server_is_a_protocol_error(tls_echo_server, transport_name):
    _, events = await failed_connect(f"ws://127.0.0.1:{tls_echo_server.port}/echo")
    error = check_failed(events, "protocol")
    assert "did not answer with a valid HTTP response" in error.reason


@pytest.mark.parametrize("answer", [b"", b"\x15\x03\x03\x00\x02\x02\x46", b"HTTP/1.1 200"])
async def test_a_server_that_closes_without_an_http_answer(transport_name, answer):
    """Nothing, a TLS alert, half a status line, then the connection closes: a protocol
    error in words on both transports (picows used to fail an assert here)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        _, events = await failed_connect(f"ws://127.0.0.1:{port}/")
    error = check_failed(events, "protocol")
    assert f"127.0.0.1:{port} did not answer with a valid HTTP response" in error.reason
    assert error.reason.endswith("is it a WebSocket server, without TLS (ws://)?")


async def test_send_after_the_server_closed(echo_server):
    session = Session(request(echo_server.url("/close?code=1000")))
    stream = session.subscribe()
    await session.connect()
    await session.wait_closed()
    assert await session.send_text("late") is False
    assert stream.take()[-1].error == "not-connected"


async def test_connect_is_not_retried_when_it_fails_first(free_port):
    session = Session(request(f"ws://127.0.0.1:{free_port}/", reconnect=True))
    stream = session.subscribe()
    assert await session.connect() is False
    await asyncio.wait_for(session.wait_closed(), 1)
    assert "reconnect" not in kinds(stream.take())


async def test_protocol_error_closes_with_1002(echo_server):
    session = Session(request(echo_server.url("/protocol-error"), compression=False))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "protocol"
    assert error.reason == (
        "the server broke the WebSocket protocol (reserved bits must be 0); "
        "closed with 1002 (protocol error)"
    )
    assert (close.code, close.by, close.error) == (1002, "error", "protocol")


async def test_a_message_right_before_a_protocol_error_is_delivered(hostile_peer):
    """A text frame and a frame with a reserved opcode in one write (one socket read)."""
    session = Session(request(hostile_peer.url("/textbad"), compression=False))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    assert [e.data for e in events if e.kind == "received"] == ["hello"]
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "protocol" and "opcode" in error.reason
    assert (close.code, close.by) == (1002, "error")


async def test_a_second_close_frame_is_ignored(hostile_peer):
    """Autobahn 7.1.2: a close frame and, in the same read, an empty one. On picows too,
    whose parser reads one frame ahead and would fail the second before handing over the
    first (picows 2.3.1); the transport answers the first before picows does."""
    session = Session(request(hostile_peer.url("/twoclose"), compression=False))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    close = one(events, "close")
    assert [e for e in events if e.kind == "error"] == []
    assert (close.code, close.reason, close.by) == (1000, "bye", "server")


@pytest.mark.parametrize(
    "first", [b"\x03\xe8bye", b"\x0f\xa0app", b""], ids=["1000", "4000", "empty"]
)
async def test_the_first_of_two_close_frames_is_answered_with_its_code(transport_name, first):
    """What the server gets back for Autobahn 7.1.2 (two close frames in one write): one
    close frame, with the first's code and reason."""
    answers: asyncio.Queue[bytes] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handshake(reader, writer)
        writer.write(b"\x88" + bytes([len(first)]) + first + b"\x88\x00")
        await writer.drain()
        answers.put_nowait(await reader.read(65536))
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        session = Session(request(f"ws://127.0.0.1:{port}/", compression=False))
        stream = session.subscribe()
        assert await session.connect()
        events = await run_to_end(session, stream)
        answer = await asyncio.wait_for(answers.get(), 10)
    # an empty close frame is answered empty (websockets) or with 1000 (picows, whose
    # send_close always writes a code): both as RFC 6455 5.5.1 allows
    assert unmask(answer) in ((0x8, first), (0x8, first or b"\x03\xe8"))
    assert one(events, "close").by == "server"


class _ExplodingTransport(WebsocketsTransport):
    """The real transport, whose receive path breaks once something arrives."""

    async def recv(self):
        await super().recv()
        raise RuntimeError("boom")


async def test_a_bug_in_the_reader_ends_the_session_cleanly(echo_server, caplog):
    session = Session(request(echo_server.url("/echo")), transport=_ExplodingTransport)
    stream = session.subscribe()
    assert await session.connect()
    await session.send_text("trigger")
    events = await run_to_end(session, stream)
    error, close = one(events, "error"), one(events, "close")
    assert error.error == "internal" and "RuntimeError: boom" in error.reason
    assert (close.code, close.by) == (1006, "error")
    assert session.state is State.DISCONNECTED
    assert "the session's reader failed" in caplog.text
