"""Messages received together, in columns: a :class:`ReceivedRun`.

Under a flood one socket read brings thousands of messages. Building an
:class:`~wsblock.engine.events.Event` for each costs about half a microsecond, as
much as everything else a headless client does with it; a consumer that only
writes the messages somewhere (the journal, ``wsblock connect``'s stdout) needs
none of them. So the session hands out a run of messages of one type that arrived
in one read as columns -- their payloads and sizes, one timestamp -- and the events
are built only when someone asks for them (:meth:`ReceivedRun.events`, once, then
kept).

A run is *equivalent* to its events: ``run.events()`` are exactly the ``received``
events the session would otherwise have emitted, in order. Consumers that take
events (listeners, :meth:`EventStream.batch`) get those; consumers that take parts
(:meth:`EventStream.parts`, :meth:`Session.add_parts_listener`) get the run itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from .events import Event
from .fastevent import new_event


class ReceivedRun:
    """``len(data)`` messages of type ``type`` received at ``ts``/``mono``, in order.

    ``data`` holds ``str`` payloads for text, ``bytes`` for binary; ``sizes`` their
    sizes in bytes (UTF-8 for text). Treat both lists as read-only.
    """

    __slots__ = ("ts", "mono", "type", "data", "sizes", "_events")

    kind: Literal["received"] = "received"

    def __init__(
        self,
        ts: datetime,
        mono: float,
        type: Literal["text", "binary"],
        data: Sequence[str | bytes],
        sizes: list[int],
    ) -> None:
        self.ts = ts
        self.mono = mono
        self.type = type
        self.data = data
        self.sizes = sizes
        self._events: list[Event] | None = None

    def __len__(self) -> int:
        return len(self.data)

    def events(self) -> list[Event]:
        """The ``received`` events of this run (built at the first call, then kept)."""
        events = self._events
        if events is None:
            ts, mono, typ = self.ts, self.mono, self.type
            events = self._events = [
                new_event("received", ts, mono, "in", typ, None, d, s)
                for d, s in zip(self.data, self.sizes, strict=True)
            ]
        return events

    def split(self, size: int, max_bytes: int | None = None) -> list[ReceivedRun]:
        """This run cut into runs of at most ``size`` messages and, unless one message
        alone is bigger, ``max_bytes`` of payload (itself when it is small enough)."""
        n = len(self.data)
        sizes = self.sizes
        if n <= size and (max_bytes is None or sum(sizes) <= max_bytes):
            return [self]
        first = sizes[0] if sizes else 0
        if sizes.count(first) == n:  # one size (a flood): cut every `step` messages
            step = min(size, max_bytes // first) if max_bytes is not None and first else size
            return [self.slice(i, i + max(1, step)) for i in range(0, n, max(1, step))]
        cuts: list[int] = []
        begin = run = 0
        for i, nbytes in enumerate(sizes):
            if i - begin >= size or (max_bytes is not None and run and run + nbytes > max_bytes):
                cuts.append(i)
                begin, run = i, 0
            run += nbytes
        bounds = zip([0, *cuts], [*cuts, n], strict=True)
        return [self.slice(a, b) for a, b in bounds]

    def slice(self, start: int, end: int) -> ReceivedRun:
        """The messages ``start:end`` of this run, as a run."""
        return ReceivedRun(
            self.ts, self.mono, self.type, self.data[start:end], self.sizes[start:end]
        )

    def __repr__(self) -> str:
        return f"<ReceivedRun {len(self.data)} {self.type} at {self.mono:.6f}>"


#: What a parts consumer gets: events, and runs of received messages in their place.
Part = Event | ReceivedRun


def count(parts: Iterable[Part]) -> int:
    """How many events ``parts`` stand for."""
    return sum(len(p) if type(p) is ReceivedRun else 1 for p in parts)


def flatten(parts: Sequence[Part]) -> list[Event]:
    """The events ``parts`` stand for, in order (runs' events built if need be)."""
    out: list[Event] = []
    for p in parts:
        if type(p) is ReceivedRun:
            out.extend(p.events())
        else:
            out.append(p)  # type: ignore[arg-type]
    return out


def has_runs(parts: Sequence[Part]) -> bool:
    """Whether any of ``parts`` is a run."""
    return any(type(p) is ReceivedRun for p in parts)
