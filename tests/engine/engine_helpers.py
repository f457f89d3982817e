"""Helpers of the engine's tests: requests, and waiting for events (never sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wsblock.conversation.request import Options, Request
from wsblock.engine import EventStream, Session
from wsblock.engine.events import Event

#: How long a test waits for an event before failing.
WAIT = 10.0


def request(url: str, *, headers: tuple[tuple[str, str], ...] = (), **options: Any) -> Request:
    """A request for ``url``; ``options`` override :class:`Options` (proxy off by default)."""
    options.setdefault("proxy", None)
    return Request(name="test", url=url, headers=headers, options=replace(Options(), **options))


async def until(
    stream: EventStream,
    kind: str,
    where: Callable[[Event], bool] | None = None,
    timeout: float = WAIT,
) -> list[Event]:
    """Take events until one of ``kind`` (for which ``where`` holds); return them all."""
    taken: list[Event] = []
    async with asyncio.timeout(timeout):
        while True:
            event = await stream.get()
            taken.append(event)
            if event.kind == kind and (where is None or where(event)):
                return taken


async def run_to_end(session: Session, stream: EventStream) -> list[Event]:
    """Wait for the session to end and return every event the stream got."""
    async with asyncio.timeout(WAIT):
        await session.wait_closed()
    return stream.take()


def kinds(events: list[Event]) -> list[str]:
    """The kinds of ``events``, in order."""
    return [e.kind for e in events]


def one(events: list[Event], kind: str) -> Event:
    """The only event of ``kind`` among ``events``."""
    found = [e for e in events if e.kind == kind]
    assert len(found) == 1, f"expected one {kind} event, got {kinds(events)}"
    return found[0]
