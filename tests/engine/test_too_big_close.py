"""The close frame that refuses a message over max-message-size (issue 24, item 7): a
short reason on every transport, and the error says how much came of a fragmented one."""

from __future__ import annotations

import asyncio

import pytest
from engine_helpers import one, request, run_to_end
from websockets.asyncio.server import ServerConnection, serve

from wsblock.engine import Session
from wsblock.engine.picows_transport import TOO_BIG_REASON, _short


@pytest.mark.parametrize("transport", ["picows", "websockets"])
async def test_a_fragmented_message_over_the_limit(monkeypatch, transport: str) -> None:
    monkeypatch.setenv("WSBLOCK_TRANSPORT", transport)
    received: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()

    async def handler(ws: ServerConnection) -> None:
        try:
            await ws.send([b"x" * 1000 for _ in range(10)])  # 10,000 bytes in 10 fragments
            await ws.wait_closed()
        finally:
            rcvd = ws.protocol.close_rcvd
            if not received.done():
                received.set_result((rcvd.code, rcvd.reason) if rcvd else (0, ""))

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        session = Session(
            request(f"ws://127.0.0.1:{port}/", max_message_size=4000, compression=False)
        )
        stream = session.subscribe()
        assert await session.connect()
        events = await run_to_end(session, stream)
        code, reason = await asyncio.wait_for(received, 10)
    error = one(events, "error")
    assert error.error == "too-big"
    assert "more than" in error.reason and "so far" in error.reason, error.reason
    assert "larger than max-message-size (4000 bytes)" in error.reason
    assert code == 1009
    assert len(reason.encode()) <= 123
    if transport == "picows":
        assert reason == TOO_BIG_REASON


def test_a_long_close_reason_is_cut_between_words() -> None:
    reason = "the server sent a message " + "word " * 40
    short = _short(reason)
    assert len(short.encode()) <= 123 and short.endswith("…")
    assert reason.startswith(short[:-1]) and reason[len(short) - 1] == " "
    assert _short("fits") == "fits"
