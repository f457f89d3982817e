"""A lossless, unbounded stream of events for one consumer.

The session's reader appends to every stream without ever waiting, so a slow
consumer (a screen redrawing, a test asserting) never slows reading the socket and
never loses an event: events pile up in the stream until the consumer takes them.
A consumer should take them in batches, which keeps its own per-event overhead low::

    stream = session.subscribe()
    while events := await stream.batch():
        render(events)          # every event since the previous batch, in order
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable

from .events import Event


class EventStream:
    """Events of one session, in order, for one consumer.

    Made by :meth:`Session.subscribe`; it receives every event emitted after it was
    made, until :meth:`close` is called.
    """

    __slots__ = ("_queue", "_ready", "_idle", "_closed", "_on_close")

    def __init__(self, on_close: Callable[[EventStream], None] | None = None) -> None:
        self._queue: deque[Event] = deque()
        self._ready = asyncio.Event()
        self._idle = asyncio.Event()  # the consumer came back for more and nothing waits
        self._closed = False
        self._on_close = on_close

    # The producer side (the session).

    def push(self, event: Event) -> None:
        """Append one event. Never waits; ignored once the stream is closed."""
        if not self._closed:
            self._queue.append(event)
            self._idle.clear()
            self._ready.set()

    def push_many(self, events: Iterable[Event]) -> None:
        """Append several events, in order. Never waits; ignored once closed."""
        if not self._closed:
            self._queue.extend(events)
            self._idle.clear()
            self._ready.set()

    # The consumer side.

    async def batch(self, limit: int | None = None) -> list[Event]:
        """Wait for at least one event, then take every pending one (at most ``limit``).

        Returns an empty list only when the stream is closed and drained.
        """
        queue = self._queue
        while not queue:
            self._idle.set()  # everything taken so far has been handled
            if self._closed:
                return []
            self._ready.clear()
            await self._ready.wait()
        if limit is None or limit >= len(queue):
            events = list(queue)
            queue.clear()
            return events
        return [queue.popleft() for _ in range(limit)]

    def take(self) -> list[Event]:
        """Take every pending event without waiting (maybe none)."""
        events = list(self._queue)
        self._queue.clear()
        return events

    async def get(self) -> Event:
        """Wait for the next event and take it alone.

        Raises:
            EOFError: The stream is closed and drained.
        """
        while not self._queue:
            self._idle.set()
            if self._closed:
                raise EOFError("the event stream is closed")
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()

    async def __aiter__(self) -> AsyncIterator[Event]:
        """Iterate over events one by one until the stream is closed and drained."""
        while True:
            try:
                yield await self.get()
            except EOFError:
                return

    async def delivered(self) -> None:
        """Wait until every event pushed so far has been taken *and handled*: the consumer
        has come back for more (:meth:`batch` or :meth:`get` found nothing pending).

        This is how a caller knows that its consumer has reported everything the session
        emitted up to now (before judging assertions, before closing a journal), without
        counting scheduler turns. It waits for a consumer: await it only while one runs.
        """
        await self._idle.wait()

    def __len__(self) -> int:
        """How many events wait to be taken."""
        return len(self._queue)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (pending events can still be taken)."""
        return self._closed

    def close(self) -> None:
        """Stop receiving events. Pending ones can still be taken; waiters wake up."""
        if self._closed:
            return
        self._closed = True
        self._ready.set()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close(self)
