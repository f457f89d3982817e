"""``EventStream.delivered()``: await "everything emitted so far has been handled" (issue 9
item 3), on a real flood from the embedded server, with a consumer slower than the socket."""

from __future__ import annotations

import asyncio

from wsblock.conversation.request import Request
from wsblock.engine import Session


async def test_delivered_waits_for_a_slow_consumer_to_handle_everything(echo_server):
    session = Session(Request(name="flood", url=echo_server.url("/flood?n=3000&size=8")))
    stream = session.subscribe()
    handled: list[str] = []

    async def consumer() -> None:
        while batch := await stream.batch():
            for event in batch:
                await asyncio.sleep(0)  # slower than the socket: work per event
                handled.append(event.kind)

    task = asyncio.create_task(consumer())
    assert await session.connect()
    await session.wait_closed()
    await stream.delivered()
    assert handled.count("received") == 3000 and handled[-1] == "close"
    stream.close()
    await task


async def test_delivered_returns_at_once_when_the_consumer_waits_with_nothing_pending(echo_server):
    session = Session(Request(name="echo", url=echo_server.url("/echo")))
    stream = session.subscribe()
    task = asyncio.create_task(stream.batch())
    await asyncio.sleep(0)  # the consumer starts waiting
    await asyncio.wait_for(stream.delivered(), 1)
    task.cancel()
