"""``Session(max_backlog=N)``: a consumer slower than the server holds the server back
(TCP flow control) instead of letting events pile up; nothing is lost (issue 24)."""

from __future__ import annotations

import asyncio

import pytest

from wsblock.conversation.request import Options, Request
from wsblock.engine import Session


@pytest.mark.parametrize("transport", ["picows", "websockets"])
async def test_a_slow_consumer_holds_the_server_back_and_loses_nothing(
    echo_server, monkeypatch, transport: str
) -> None:
    monkeypatch.setenv("WSBLOCK_TRANSPORT", transport)
    count, limit = 20_000, 1_000
    url = echo_server.url(f"/flood?n={count}&size=4096")
    # no compression: 4 KiB of "x" would come 20,000 to a read
    request = Request(name="flood", url=url, options=Options(compression=False))
    session = Session(request, max_backlog=limit)
    stream = session.subscribe()
    received = 0
    fullest = 0

    async def consumer() -> None:
        nonlocal received, fullest
        while batch := await stream.batch(limit=200):
            fullest = max(fullest, len(stream) + len(batch))
            received += sum(e.kind == "received" for e in batch)
            await asyncio.sleep(0)  # slower than the socket

    task = asyncio.create_task(consumer())
    assert await session.connect()
    await session.wait_closed()
    await stream.delivered()
    stream.close()
    await task
    assert received == count
    # one socket read (READ_BUFFER: 512 KiB in the kernel, ~130 such messages) past it
    assert fullest < limit + 500, fullest
