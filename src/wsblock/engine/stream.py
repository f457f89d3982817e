"""A lossless, unbounded stream of events for one consumer.

The session's reader appends to every stream without ever waiting, so a slow
consumer (a screen redrawing, a test asserting) never slows reading the socket and
never loses an event: events pile up in the stream until the consumer takes them.
A consumer should take them in batches, which keeps its own per-event overhead low::

    stream = session.subscribe()
    while events := await stream.batch():
        render(events)          # every event since the previous batch, in order

A consumer that can take received messages in columns (it only writes them out)
calls :meth:`EventStream.parts` instead: the same, with each run of messages as a
:class:`~.runs.ReceivedRun` whose events are never built unless asked for.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable

from .events import Event
from .runs import Part, ReceivedRun, flatten


class EventStream:
    """Events of one session, in order, for one consumer.

    Made by :meth:`Session.subscribe`; it receives every event emitted after it was
    made, until :meth:`close` is called.
    """

    __slots__ = ("_queue", "_count", "_ready", "_idle", "_closed", "_on_close")

    def __init__(self, on_close: Callable[[EventStream], None] | None = None) -> None:
        self._queue: deque[Part] = deque()  # events, and runs standing for several
        self._count = 0  # events waiting (a run counts as its messages)
        self._ready = asyncio.Event()
        self._idle = asyncio.Event()  # the consumer came back for more and nothing waits
        self._closed = False
        self._on_close = on_close

    # The producer side (the session).

    def push(self, event: Event) -> None:
        """Append one event. Never waits; ignored once the stream is closed."""
        if not self._closed:
            self._queue.append(event)
            self._count += 1
            self._idle.clear()
            self._ready.set()

    def push_many(self, events: Iterable[Event]) -> None:
        """Append several events, in order. Never waits; ignored once closed."""
        if not self._closed:
            events = list(events)
            self._queue.extend(events)
            self._count += len(events)
            self._idle.clear()
            self._ready.set()

    def push_parts(self, parts: list[Part], count: int) -> None:
        """Append events and runs standing for ``count`` events, in order."""
        if not self._closed:
            self._queue.extend(parts)
            self._count += count
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
        if limit is None or limit >= self._count:
            return self.take()
        events: list[Event] = []
        while len(events) < limit:
            part = queue.popleft()
            if type(part) is ReceivedRun:
                whole = part.events()
                room = limit - len(events)
                events.extend(whole[:room])
                queue.extendleft(reversed(whole[room:]))
            else:
                events.append(part)  # type: ignore[arg-type]
        self._count -= len(events)
        return events

    async def parts(self) -> list[Part]:
        """As :meth:`batch`, but a run of received messages comes as one
        :class:`~.runs.ReceivedRun` (columns; its events built only if asked for)."""
        queue = self._queue
        while not queue:
            self._idle.set()
            if self._closed:
                return []
            self._ready.clear()
            await self._ready.wait()
        parts = list(queue)
        queue.clear()
        self._count = 0
        return parts

    def take(self) -> list[Event]:
        """Take every pending event without waiting (maybe none)."""
        events = flatten(self._queue)
        self._queue.clear()
        self._count = 0
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
        part = self._queue.popleft()
        if type(part) is ReceivedRun:
            first, *rest = part.events()
            self._queue.extendleft(reversed(rest))
            part = first
        self._count -= 1
        return part  # type: ignore[return-value]

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
        return self._count

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
