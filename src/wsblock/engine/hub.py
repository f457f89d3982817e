"""Hands each event to the listeners and the streams of a session.

Listeners are plain functions called synchronously, in the order they were added,
for every event (the journal uses one to append to its buffer); batch listeners
get each batch of events in one call (a burst of messages read at once). Streams get the
same events, appended without waiting. A listener that raises is logged and
skipped for that event: it can neither stop the reader nor hide events from others.

Parts listeners get each batch as *parts*: events, with the received messages of
one read as a :class:`~.runs.ReceivedRun` (columns) in their place; the others get
the runs' events, built once (:meth:`ReceivedRun.events` keeps them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from .events import Event
from .runs import Part, flatten
from .stream import EventStream

logger = logging.getLogger("wsblock.engine")

Listener = Callable[[Event], object]
BatchListener = Callable[[Sequence[Event]], object]
PartsListener = Callable[[Sequence[Part]], object]


class Hub:
    """The listeners and streams of one session."""

    __slots__ = ("_listeners", "_batch_listeners", "_parts_listeners", "_streams")

    def __init__(self) -> None:
        # Tuples, replaced on change: publishing iterates without copying, and a
        # listener may add or remove listeners while being called.
        self._listeners: tuple[Listener, ...] = ()
        self._batch_listeners: tuple[BatchListener, ...] = ()
        self._parts_listeners: tuple[PartsListener, ...] = ()
        self._streams: tuple[EventStream, ...] = ()

    def add_listener(self, fn: Listener) -> Callable[[], None]:
        """Call ``fn(event)`` for every event from now on; returns a function that removes it."""
        self._listeners = (*self._listeners, fn)
        return lambda: self.remove_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling ``fn`` (no error if it was not added)."""
        self._listeners = tuple(f for f in self._listeners if f is not fn)

    def add_batch_listener(self, fn: BatchListener) -> Callable[[], None]:
        """Call ``fn(events)`` with each batch of events (in order; do not modify it).

        Cheaper than :meth:`add_listener` when many events come at once: one call
        per socket read instead of one per message. Returns a function that removes it.
        """
        self._batch_listeners = (*self._batch_listeners, fn)
        return lambda: self.remove_batch_listener(fn)

    def remove_batch_listener(self, fn: BatchListener) -> None:
        """Stop calling ``fn`` (no error if it was not added)."""
        self._batch_listeners = tuple(f for f in self._batch_listeners if f is not fn)

    def add_parts_listener(self, fn: PartsListener) -> Callable[[], None]:
        """Call ``fn(parts)`` with each batch as parts (events and
        :class:`~.runs.ReceivedRun`, in order; do not modify it): the cheapest way to
        take a flood, for a consumer that can read a run's columns. Returns a remover.
        """
        self._parts_listeners = (*self._parts_listeners, fn)
        return lambda: self.remove_parts_listener(fn)

    def remove_parts_listener(self, fn: PartsListener) -> None:
        """Stop calling ``fn`` (no error if it was not added)."""
        self._parts_listeners = tuple(f for f in self._parts_listeners if f is not fn)

    def subscribe(self) -> EventStream:
        """A new stream that receives every event from now on, until it is closed."""
        stream = EventStream(on_close=self._unsubscribe)
        self._streams = (*self._streams, stream)
        return stream

    def _unsubscribe(self, stream: EventStream) -> None:
        self._streams = tuple(s for s in self._streams if s is not stream)

    def backlog(self) -> int:
        """The events waiting in the fullest stream (0 without streams)."""
        return max(map(len, self._streams), default=0)

    def close_streams(self) -> None:
        """Close every stream (their consumers drain what is pending, then stop)."""
        for stream in self._streams:
            stream.close()

    def publish(self, event: Event) -> None:
        """Hand one event to every listener, then to every stream."""
        if self._listeners:
            self._call_listeners((event,))
        if self._batch_listeners:
            self._call_batch_listeners((event,))
        if self._parts_listeners:
            self._call_parts_listeners((event,))
        for stream in self._streams:
            stream.push(event)

    def publish_many(self, events: Sequence[Event]) -> None:
        """Hand several events, in order, to every listener, then to every stream."""
        if self._listeners:
            self._call_listeners(events)
        if self._batch_listeners:
            self._call_batch_listeners(events)
        if self._parts_listeners:
            self._call_parts_listeners(events)
        for stream in self._streams:
            stream.push_many(events)

    def publish_parts(self, parts: list[Part], count: int) -> None:
        """Hand events and runs (standing for ``count`` events), in order, to everyone:
        runs as they are to parts listeners and streams, as events to the others."""
        if self._listeners or self._batch_listeners:
            events = flatten(parts)
            if self._listeners:
                self._call_listeners(events)
            if self._batch_listeners:
                self._call_batch_listeners(events)
        if self._parts_listeners:
            self._call_parts_listeners(parts)
        for stream in self._streams:
            stream.push_parts(parts, count)

    def _call_parts_listeners(self, parts: Sequence[Part]) -> None:
        for fn in self._parts_listeners:
            try:
                fn(parts)
            except Exception:
                logger.exception("parts listener %r failed on %d parts", fn, len(parts))

    def _call_listeners(self, events: Sequence[Event]) -> None:
        for fn in self._listeners:
            for event in events:
                try:
                    fn(event)
                except Exception:
                    logger.exception("event listener %r failed on a %s event", fn, event.kind)

    def _call_batch_listeners(self, events: Sequence[Event]) -> None:
        for fn in self._batch_listeners:
            try:
                fn(events)
            except Exception:
                logger.exception("batch listener %r failed on %d events", fn, len(events))
