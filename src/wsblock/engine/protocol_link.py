"""Between a session and a protocol on the WebSocket (Socket.IO, GraphQL): the I/O glue.

The protocols themselves are sans-I/O (:mod:`.protocols`); a :class:`ProtocolLink` runs
one of them on a live transport for a :class:`~.session.Session`:

* :meth:`handshake` -- after the WebSocket opened: send the protocol's first frames,
  read until it is ready; frames that came after the handshake are kept for the reader.
  A refusal (Socket.IO ``connect_error``, a GraphQL close ``4403``) raises
  :class:`HandshakeFailed` with the server's words.
* :meth:`frames` -- the reader's frames turned into events: messages for the user as
  ``received`` events (``data``: the body as JSON, ``key``, ``raw``), the protocol's
  pings and pongs as keep-alive ``ping`` / ``pong`` events (hidden like keep-alive
  pings), other protocol frames as ``protocol`` events; pongs are answered here.
* :meth:`encode` -- a user's ``socket.io`` / ``graphql`` message as frames.
* :meth:`unanswered` -- when the connection ends: what the server asked that nothing
  answered (a Socket.IO event that asked for an acknowledgement), said as an error.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from ..conversation.request import Message
from .clock import Clock
from .controls import control_event
from .errors import Problem
from .events import Event
from .fastevent import new_event
from .protocols import (
    Delivered,
    Encoded,
    Output,
    Protocol,
    Ready,
    Refused,
    Seen,
    Send,
    Violation,
)
from .transport import Batch, Control, Ending, HandshakeFailed, Transport, TransportClosed

__all__ = ["HandshakeFailed", "ProtocolLink", "control_event"]

Now = tuple[datetime, float]
Publish = Callable[[Event], None]


class ProtocolLink:
    """One protocol on one connection, for a session."""

    def __init__(self, protocol: Protocol, clock: Clock) -> None:
        self.protocol = protocol
        self._clock = clock
        self.leftover: list[Batch] = []

    @property
    def format(self) -> str:
        """The format of the messages this protocol carries (``socket.io``, ``graphql``)."""
        return self.protocol.formats[0] if self.protocol.formats else "text"

    # The handshake.

    async def handshake(self, transport: Transport, timeout: float | None, publish: Publish) -> str:
        """Run the protocol's handshake; returns its words once ready.

        Raises:
            HandshakeFailed: Refused, closed, broken or too slow; the transport is closed.
        """
        name = self.protocol.name
        try:
            async with asyncio.timeout(timeout):
                await self._act(self.protocol.start(), transport, self._clock.now(), publish)
                while not self.protocol.ready:
                    batches = await transport.recv()
                    for index, batch in enumerate(batches):
                        now = self._clock.at(batch.at)
                        for position, item in enumerate(batch.items):
                            if isinstance(item, Control):
                                publish(control_event(item, now))
                                continue
                            refused = await self._act(
                                self.protocol.feed(item), transport, now, publish
                            )
                            if refused is not None:
                                await _close(transport)
                                problem = Problem("protocol", f"{name}: {refused}")
                                raise HandshakeFailed(Ending(1000, "", "client", problem))
                            if self.protocol.ready:
                                rest = batch.items[position + 1 :]
                                self.leftover = ([Batch(batch.at, rest)] if rest else []) + list(
                                    batches[index + 1 :]
                                )
                                return self.protocol.ready_words
        except TransportClosed as closed:
            e = closed.ending
            words = self.protocol.closed(e.code, e.reason) or (
                f"the connection closed ({e.code}"
                + (f" {e.reason}" if e.reason else "")
                + f") before the {name} handshake finished"
            )
            problem = e.problem or Problem("protocol", f"{name}: {words}")
            raise HandshakeFailed(Ending(e.code, e.reason, e.by, problem)) from None
        except TimeoutError:
            transport.abort()
            problem = Problem("timeout", f"{name}: the server did not finish the handshake")
            raise HandshakeFailed(Ending(1006, "", "error", problem)) from None
        return self.protocol.ready_words  # pragma: no cover - the loop returns

    # The reader's frames.

    async def frames(
        self, items: list[str | bytes | Control], now: Now, transport: Transport
    ) -> tuple[list[Event], int]:
        """Events for what one read brought, and how many messages were for the user."""
        events: list[Event] = []
        count = 0
        for item in items:
            if isinstance(item, Control):
                events.append(control_event(item, now))
                continue
            before = len(events)
            await self._act(self.protocol.feed(item), transport, now, events.append)
            count += sum(1 for e in events[before:] if e.kind == "received")
        return events, count

    async def _act(
        self, outputs: list[Output], transport: Transport, now: Now, publish: Publish
    ) -> str | None:
        """Do what the protocol said; returns a refusal's words, if any."""
        ts, mono = now
        refused = None
        for out in outputs:
            if isinstance(out, Delivered):
                publish(_received(out, self.format, ts, mono))
            elif isinstance(out, Send):
                try:
                    await transport.send(out.frame)
                except TransportClosed:
                    return refused  # the reader sees the end
                publish(_frame_event(out.frame, out.what, out.kind, "out", ts, mono))
            elif isinstance(out, Seen):
                publish(_frame_event(out.frame, out.what, out.kind, "in", ts, mono))
            elif isinstance(out, Refused):
                refused = out.words
                if self.protocol.ready:  # after the handshake: said, not a refusal
                    publish(_error(f"{self.protocol.name}: {out.words}", ts, mono))
                    refused = None
            elif isinstance(out, Violation):
                words = f"{self.protocol.name}: {out.words}"
                publish(_error(words, ts, mono))
            elif isinstance(out, Ready):
                pass
        return refused

    def unanswered(self, publish: Publish) -> None:
        """Say (``error`` events) what the server asked that nothing answered: the
        connection has ended."""
        ts, mono = self._clock.now()
        for words in self.protocol.unanswered():
            publish(_error(f"{self.protocol.name}: {words}", ts, mono))

    # Sending.

    def encode(self, message: Message) -> Encoded:
        """The frames of a user's message (ProtocolError: cannot be sent)."""
        return self.protocol.encode(message)


def _received(out: Delivered, fmt: str, ts: datetime, mono: float) -> Event:
    data = json.dumps(out.body, ensure_ascii=False, separators=(",", ":"))
    raw = out.raw if isinstance(out.raw, str) and out.raw != data else None
    size = len(out.raw) if isinstance(out.raw, bytes) else len(out.raw.encode())
    return new_event("received", ts, mono, "in", "text", fmt, data, size, key=out.key, raw=raw)


def _frame_event(
    frame: str | bytes,
    what: str,
    kind: Literal["handshake", "ping", "pong", "other"],
    direction: Literal["in", "out"],
    ts: datetime,
    mono: float,
) -> Event:
    data = frame.encode() if isinstance(frame, str) else frame
    if kind in ("ping", "pong"):
        return new_event(kind, ts, mono, direction, data=data, size=len(data), name="keepalive")
    text = frame if isinstance(frame, str) else None
    return new_event("protocol", ts, mono, direction, data=text, size=len(data), name=what)


def _error(words: str, ts: datetime, mono: float) -> Event:
    return new_event("error", ts, mono, error="protocol", reason=words)


async def _close(transport: Transport) -> None:
    try:
        async with asyncio.timeout(5):
            await transport.close(1000, "")
    except TimeoutError:
        transport.abort()
