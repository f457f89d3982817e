"""A live WebSocket session: connect, send, receive, ping, close, reconnect.

A :class:`Session` runs one :class:`~wsblock.request.Request`. Everything that
happens becomes an :class:`~wsblock.engine.events.Event`, delivered to listeners
(plain functions, called at once) and to streams (queues that consumers drain in
batches)::

    session = Session(request)
    session.add_listener(journal.record)
    stream = session.subscribe()
    if await session.connect():
        await session.send_text('{"op": "subscribe"}', format="json")
        rtt_ms = await session.ping()
        await session.close(1000, "done")
    await session.wait_closed()
    events = stream.take()

Network trouble never raises: :meth:`Session.connect` returns False, sending and
pinging return False or None, and the reason is in ``error`` and ``close`` events
(and :attr:`Session.error`). Only misuse raises: a bad close code, a message of the
wrong type, ``connect()`` on a session that is not disconnected.

Order of events: every ``connecting`` is followed by ``open``, or by ``close``
(after an ``error`` unless the attempt was cancelled by :meth:`Session.close`);
every ``open`` is followed by one ``close``. With ``reconnect`` on, a ``close``
that was not asked for (neither :meth:`Session.close` nor a server's 1000) is
followed by ``reconnect`` (attempt and delay), then ``connecting`` again.

One task, the reader, takes what the transport received and turns it into events.
It never waits for a consumer: listeners are called synchronously, streams are
appended to. A slow consumer delays nothing and loses nothing.

The server's answer to a handshake (its status and headers) goes to the handshake
listeners (:meth:`Session.add_handshake_listener`) before the ``open`` or ``error``
event that carries it is published: what they learn from it -- a secret in a
``Set-Cookie`` or ``X-Session-Token`` header, a value captured into a secret -- is in
place when that event is journaled or shown, so it is masked there too.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ..conversation.request import Format, Message, Request
from . import choice
from .backoff import Backoff
from .clock import Clock
from .closecodes import validate_close
from .controls import control_event
from .errors import ConnectFailed, Problem, StateError
from .errors import describe as describe
from .events import Event, Kind
from .fastevent import new_event
from .hub import BatchListener, Hub, Listener, PartsListener
from .params import ConnectParams, connect_params
from .runs import Part, ReceivedRun
from .state import State, can_move
from .stats import Stats
from .stream import EventStream
from .transport import ClosedBy, Control, Ending, HandshakeFailed, Transport, TransportClosed

if TYPE_CHECKING:  # imported where a protocol (Socket.IO, GraphQL) is spoken
    from .protocol_link import ProtocolLink

logger = logging.getLogger("wsblock.engine")

HandshakeListener = Callable[[int | None, tuple[tuple[str, str], ...], bool], None]
"""``fn(status, headers, accepted)``: the server's answer to a handshake; ``accepted``
False for a refusal (``status`` is then its HTTP status, or None)."""

#: ``close`` code recorded when no close frame was exchanged.
ABNORMAL_CLOSURE = 1006

#: With ``max_backlog``: what the kernel holds for one read (``Transport.bound_reads``).
READ_BUFFER = 256 * 1024


class Session:
    """One WebSocket request, live.

    Args:
        request: What to connect to, with which headers and options.
        backoff: Delays between reconnect attempts (``reconnect`` option).
        transport: Makes the transport of each connection attempt.
        close_timeout: Seconds to wait for the server to finish a closing handshake
            before the TCP connection is cut.
        max_backlog: Flow control, for a consumer that must see everything and may be
            slower than the server (``wsblock run`` printing a flood): while a stream
            holds more events than this, the socket is not read (TCP holds the server
            back; nothing is lost), until it is down to half, or :meth:`close` is
            called; and one read brings at most :data:`READ_BUFFER` bytes. None (the
            default): the reader never waits for its consumers.

    Attributes:
        request: The request this session runs.
        stats: Messages and bytes in and out (:class:`~.stats.Stats`).
        status: HTTP status of the latest handshake: 101, or the rejection's.
        response_headers: Headers of the latest handshake response (or rejection).
        subprotocol: The subprotocol the server chose, if any.
        extensions: Extensions in use (``("permessage-deflate",)`` when compressed).
        close_code, close_reason, closed_by: How the latest connection ended;
            ``closed_by`` is ``client``, ``server`` or ``error``.
        error: The latest problem (:class:`~.errors.Problem`), or None.
        attempt: 0 for the first connection, n for the n-th reconnect attempt.
    """

    def __init__(
        self,
        request: Request,
        *,
        backoff: Backoff | None = None,
        transport: Callable[[], Transport] | None = None,  # None: engine.choice decides
        close_timeout: float | None = 10.0,
        max_backlog: int | None = None,
    ) -> None:
        self.request = request
        self.stats = Stats()
        self.status: int | None = None
        self.response_headers: tuple[tuple[str, str], ...] = ()
        self.subprotocol: str | None = None
        self.extensions: tuple[str, ...] = ()
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.closed_by: ClosedBy | None = None
        self.error: Problem | None = None
        self.attempt = 0

        self._backoff = backoff or Backoff()
        self._make_transport = transport
        self._close_timeout = close_timeout
        self._max_backlog = max_backlog
        self._clock = Clock()
        self._hub = Hub()
        self._state = State.DISCONNECTED
        self._params: ConnectParams | None = None
        self._transport: Transport | None = None
        #: The protocol's correlation key of the last message sent (a Socket.IO ack id, a
        #: GraphQL operation id), None for a plain WebSocket message.
        self.last_sent_key: str | None = None
        self._attempt_task: asyncio.Task[bool] | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._ended = asyncio.Event()
        self._ended.set()
        self._stopping = False  # close() was called: no more reconnects
        self._reconnect_pending = False
        self._pings: dict[bytes, asyncio.Future[float | None]] = {}
        self._link: ProtocolLink | None = None  # the protocol on the WebSocket, if any
        self.protocol_ready: str | None = None  # its words once ready (namespace, ack)
        self._handshake_listeners: list[HandshakeListener] = []

    # Public state.

    @property
    def state(self) -> State:
        """Where the session stands (:class:`~.state.State`)."""
        return self._state

    @property
    def reconnecting(self) -> bool:
        """Whether the connection dropped and a reconnect is scheduled or under way.

        Already True while the ``close`` event of the drop is delivered, so that a
        listener can tell a drop that will be retried from the end of the session.
        """
        return self._reconnect_pending

    @property
    def started_at(self) -> datetime:
        """UTC time the session was made; events' ``mono`` counts from here."""
        return self._clock.wall0

    # Events.

    def subscribe(self) -> EventStream:
        """A lossless stream of every event from now on (:class:`~.stream.EventStream`)."""
        return self._hub.subscribe()

    def add_listener(self, fn: Listener) -> Callable[[], None]:
        """Call ``fn(event)`` synchronously for every event; returns a remover.

        ``fn`` runs on the receive path: keep it cheap (append to a buffer). An
        exception in it is logged and does not stop the session.
        """
        return self._hub.add_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling ``fn``."""
        self._hub.remove_listener(fn)

    def add_batch_listener(self, fn: BatchListener) -> Callable[[], None]:
        """Call ``fn(events)`` synchronously with each batch of events; returns a remover.

        Like :meth:`add_listener`, in one call per batch (everything one socket read
        brought) instead of one per event: cheaper for a journal under a flood. The
        sequence is shared with other consumers: never modify it.
        """
        return self._hub.add_batch_listener(fn)

    def add_parts_listener(self, fn: PartsListener) -> Callable[[], None]:
        """Call ``fn(parts)`` synchronously with each batch as parts; returns a remover.

        Like :meth:`add_batch_listener`, but the messages of one read come as one
        :class:`~.runs.ReceivedRun` (columns), whose events are built only if someone
        asks for them: the cheapest way to journal or print a flood.
        """
        return self._hub.add_parts_listener(fn)

    def add_handshake_listener(self, fn: HandshakeListener) -> Callable[[], None]:
        """Call ``fn(status, headers, accepted)`` with the server's answer to each
        handshake, before the ``open`` event (or the ``error`` of a refusal) that carries
        it is published; returns a remover. An exception in it is logged."""
        self._handshake_listeners.append(fn)
        return lambda: self._handshake_listeners.remove(fn)

    def _answered(self, status: int | None, headers: tuple[tuple[str, str], ...], ok: bool) -> None:
        for fn in list(self._handshake_listeners):
            try:
                fn(status, headers, ok)
            except Exception:
                logger.exception("handshake listener %r failed", fn)

    # Connecting.

    async def connect(self) -> bool:
        """Connect; True once the handshake succeeded.

        Never raises for network problems: a failed attempt emits ``error`` and
        ``close`` events and returns False. A failed first attempt is not retried,
        even with ``reconnect`` on (that applies to connections that drop).

        Raises:
            StateError: The session is not disconnected, or a reconnect is pending.
        """
        if self._state is not State.DISCONNECTED or not self._ended.is_set():
            raise StateError(f"connect() needs a disconnected session; this one is {self._state}")
        self._stopping = False
        self._ended.clear()
        self.error = None
        try:
            connected = await self._attempt_in_task(0)
        finally:
            if self._transport is None and self._run_task is None:
                self._ended.set()
        if connected:
            assert self._transport is not None
            self._run_task = asyncio.create_task(self._run(self._transport), name="wsblock-reader")
        return connected

    async def _attempt_in_task(self, attempt: int) -> bool:
        # In a task of its own, so that close() can cancel it from anywhere.
        task = asyncio.create_task(self._attempt(attempt), name="wsblock-connect")
        self._attempt_task = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or not current.cancelling()):
                return False  # cancelled by close(): a failed attempt, not our caller's cancel
            raise
        finally:
            self._attempt_task = None

    async def _attempt(self, attempt: int) -> bool:
        self._move(State.CONNECTING)
        self.attempt = attempt
        self.status, self.response_headers = None, ()
        self.subprotocol, self.extensions = None, ()
        self._emit("connecting", attempt=attempt, url=self.request.url)
        transport: Transport | None = None
        try:
            if self._params is None:
                self._params = connect_params(self.request, close_timeout=self._close_timeout)
            transport = (self._make_transport or choice.factory(choice.choose(self._params)[0]))()
            handshake = await transport.connect(self._params)
            ready = await self._protocol_handshake(transport)
        except HandshakeFailed as failed:
            self._end(failed.ending)
            return False
        except ConnectFailed as exc:
            problem = exc.problem
            if problem.status is not None:
                self.status = problem.status
                self.response_headers = problem.headers or ()
                self._answered(self.status, self.response_headers, False)
            self._end(Ending(ABNORMAL_CLOSURE, "", "error", problem))
            return False
        except asyncio.CancelledError:
            if transport is not None:
                transport.abort()
            self._end(Ending(ABNORMAL_CLOSURE, "connection attempt cancelled", "client"))
            raise
        self._transport = transport
        if self._max_backlog is not None:
            transport.bound_reads(READ_BUFFER)
        self.status = handshake.status
        self.response_headers = handshake.headers
        self.subprotocol = handshake.subprotocol
        self.extensions = handshake.extensions
        self.close_code = self.close_reason = self.closed_by = None
        ts, mono = self._clock.now()
        self.stats.connected_at = ts
        self._reconnect_pending = False
        self._move(State.CONNECTED)
        self._answered(handshake.status, handshake.headers, True)
        self._publish(
            new_event(
                "open",
                ts,
                mono,
                status=handshake.status,
                headers=handshake.headers,
                subprotocol=handshake.subprotocol,
                extensions=handshake.extensions,
                attempt=attempt,
                name=ready,
            )
        )
        return True

    async def _protocol_handshake(self, transport: Transport) -> str | None:
        """Run the request's protocol's handshake (Socket.IO, GraphQL), if it has one.

        Returns the protocol's words once ready (None for a plain WebSocket).

        Raises:
            HandshakeFailed: Refused, closed or too slow; the transport is closed.
        """
        self._link = self.protocol_ready = None
        if self.request.options.protocol == "websocket":
            return None
        from .protocol_link import ProtocolLink  # here: a plain WebSocket starts without it
        from .protocols import make_protocol

        protocol = make_protocol(self.request.options)
        assert protocol is not None
        link = ProtocolLink(protocol, self._clock)
        assert self._params is not None
        words = await link.handshake(transport, self._params.open_timeout, self._publish)
        self._link, self.protocol_ready = link, words
        return words

    # Reading, and reconnecting after a drop.

    async def _run(self, transport: Transport) -> None:
        """The reader: read until the connection ends, then reconnect if asked to."""
        try:
            while True:
                try:
                    ending = await self._read(transport)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a bug: say so, and do not leave a zombie
                    logger.exception("the session's reader failed")
                    transport.abort()
                    reason = f"internal error in wsblock: {type(exc).__name__}: {exc}"
                    ending = Ending(ABNORMAL_CLOSURE, "", "error", Problem("internal", reason))
                self._transport = None
                self._reconnect_pending = self._should_reconnect(ending)
                self._end(ending)
                if not self._reconnect_pending:
                    return
                next_transport = await self._reconnect()
                if next_transport is None:
                    return
                transport = next_transport
        except asyncio.CancelledError:
            pass  # close() during a reconnect
        finally:
            self._reconnect_pending = False
            self._run_task = None
            self._ended.set()

    async def _read(self, transport: Transport) -> Ending:
        if self._link is not None:
            return await self._read_protocol(transport, self._link)
        # The hot path: one iteration per socket read that brought something. The
        # messages of a read go out as runs (columns, engine/runs.py): no event is
        # built for a consumer that does not ask for it.
        recv = transport.recv
        at = self._clock.at
        publish = self._hub.publish_parts
        stats = self.stats
        while True:
            try:
                batches = await recv()
            except TransportClosed as closed:
                return closed.ending
            parts: list[Part] = []
            controls = 0
            pongs: list[Control] | None = None
            for batch in batches:
                ts, mono = at(batch.at)
                items = batch.items
                kinds = set(map(type, items))
                if len(kinds) == 1 and (str in kinds or bytes in kinds):
                    parts.append(_make_run(ts, mono, str in kinds, items))  # type: ignore[arg-type]
                    continue
                pending: list[str | bytes] = []
                pending_text = False
                for item in items:
                    cls = type(item)
                    if cls is str or cls is bytes:
                        text = cls is str
                        if pending and text is not pending_text:
                            parts.append(_make_run(ts, mono, pending_text, pending))
                            pending = []
                        pending.append(item)  # type: ignore[arg-type]
                        pending_text = text
                        continue
                    if pending:
                        parts.append(_make_run(ts, mono, pending_text, pending))
                        pending = []
                    control: Control = item  # type: ignore[assignment]
                    parts.append(control_event(control, (ts, mono)))
                    controls += 1
                    if control.kind == "pong" and control.data in self._pings:
                        pongs = pongs or []
                        pongs.append(control)
                if pending:
                    parts.append(_make_run(ts, mono, pending_text, pending))
            count = size_in = 0
            for part in parts:
                if type(part) is ReceivedRun:
                    count += len(part.data)
                    size_in += sum(part.sizes)
            stats.received += count
            stats.bytes_in += size_in
            publish(parts, count + controls)
            if self._max_backlog is not None and self._hub.backlog() > self._max_backlog:
                await self._hold_back(transport, self._max_backlog)
            if pongs:
                for pong in pongs:
                    waiter = self._pings.pop(pong.data, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(pong.rtt_ms)

    async def _read_protocol(self, transport: Transport, link: ProtocolLink) -> Ending:
        """The reader of a connection that speaks a protocol: frames through ``link``."""
        stats = self.stats
        pending, link.leftover = link.leftover, []
        while True:
            batches = pending
            pending = []
            if not batches:
                try:
                    batches = await transport.recv()
                except TransportClosed as closed:
                    link.unanswered(self._publish)
                    return self._protocol_ending(closed.ending, link)
            for batch in batches:
                now = self._clock.at(batch.at)
                events, count = await link.frames(batch.items, now, transport)
                stats.received += count
                stats.bytes_in += sum(
                    e.size or 0 for e in events if e.kind in ("received", "protocol")
                )
                if events:
                    self._hub.publish_parts(list(events), len(events))
                for event in events:
                    if event.kind == "pong" and isinstance(event.data, bytes):
                        waiter = self._pings.pop(event.data, None)
                        if waiter is not None and not waiter.done():
                            waiter.set_result(event.rtt_ms)

    async def _hold_back(self, transport: Transport, limit: int) -> None:
        """Flow control (``max_backlog``): the socket is not read until the fullest stream
        is down to half of ``limit``, or close() was called (its handshake needs reading)."""
        transport.pause_reading()
        try:
            while self._hub.backlog() > limit // 2 and not self._stopping:
                await asyncio.sleep(0.005)  # the consumers' turn; polled, they are not told
        finally:
            transport.resume_reading()

    @staticmethod
    def _protocol_ending(ending: Ending, link: ProtocolLink) -> Ending:
        """A close in the protocol's words (GraphQL ``4403 Forbidden``...) when it has some."""
        if ending.problem is not None:
            return ending
        words = link.protocol.closed(ending.code, ending.reason)
        if words is None:
            return ending
        problem = Problem("protocol", f"{link.protocol.name}: {words}")
        return Ending(ending.code, ending.reason, ending.by, problem)

    def _should_reconnect(self, ending: Ending) -> bool:
        if self._stopping or not self.request.options.reconnect or ending.by == "client":
            return False
        # A server that closes normally has finished; anything else is a drop.
        return not (ending.by == "server" and ending.code == 1000)

    async def _reconnect(self) -> Transport | None:
        """Try again with growing delays until connected (or close() is called)."""
        attempt = 0
        while not self._stopping:
            attempt += 1
            delay = self._backoff.delay(attempt)
            self._emit("reconnect", attempt=attempt, delay=delay)
            await asyncio.sleep(delay)
            if self._stopping:
                break
            if await self._attempt_in_task(attempt):
                return self._transport
        return None

    # Sending.

    async def send(self, message: Message) -> bool:
        """Send a saved message: ``bytes`` data as a binary frame, text with its format.

        Returns True once the message is handed to the network, False (with an
        ``error`` event) when the session is not connected.

        Raises:
            TypeError: A ``binary`` message whose data is not ``bytes``.
        """
        link = self._link
        if message.format in ("socket.io", "graphql"):
            return await self._send_protocol(message, link)
        data = message.data
        if isinstance(data, bytes | bytearray | memoryview):
            return await self._send(bytes(data), "binary", None, message.name)
        if message.format == "binary":
            raise TypeError(f"message {message.name!r} is binary but its data is text")
        return await self._send(data, "text", message.format, message.name)

    async def _send_protocol(self, message: Message, link: ProtocolLink | None) -> bool:
        """Send a ``socket.io`` / ``graphql`` message through the connection's protocol."""
        transport = self._transport
        if self._state is not State.CONNECTED or transport is None:
            self._problem(describe.not_connected("send"))
            return False
        if link is None or message.format not in link.protocol.formats:
            speaks = self.request.options.protocol
            self._problem(Problem("protocol", f"a {message.format} message cannot go on {speaks}"))
            return False
        from .protocols import ProtocolError

        try:
            encoded = link.encode(message)
        except ProtocolError as e:
            self._problem(Problem("protocol", f"{message.name or 'message'}: {e}"))
            return False
        size = 0
        try:
            for frame in encoded.frames:
                await transport.send(frame)
                size += len(frame.encode()) if isinstance(frame, str) else len(frame)
        except TransportClosed:
            self._problem(describe.not_connected("send: the connection closed"))
            return False
        self.stats.sent += 1
        self.last_sent_key = encoded.key
        self.stats.bytes_out += size
        ts, mono = self._clock.now()
        first = encoded.frames[0]
        self._publish(
            new_event(
                "sent",
                ts,
                mono,
                "out",
                "text",
                message.format,
                encoded.shown,
                size,
                name=message.name,
                key=encoded.key,
                raw=first if isinstance(first, str) and first != encoded.shown else None,
            )
        )
        return True

    async def send_text(
        self, text: str, format: Format = "text", *, name: str | None = None
    ) -> bool:
        """Send ``text`` in a text frame; ``format`` (text, json, xml) is recorded.

        Returns True once sent, False (with an ``error`` event) when not connected.
        """
        if not isinstance(text, str):
            raise TypeError(f"send_text() needs a str, not {type(text).__name__}")
        if format in ("socket.io", "graphql"):
            return await self.send(Message(name or "", format, text))
        return await self._send(text, "text", format, name)

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, *, name: str | None = None
    ) -> bool:
        """Send ``data`` in a binary frame.

        Returns True once sent, False (with an ``error`` event) when not connected.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"send_bytes() needs bytes, not {type(data).__name__}")
        return await self._send(bytes(data), "binary", None, name)

    async def _send(
        self, data: str | bytes, kind: Literal["text", "binary"], fmt: str | None, name: str | None
    ) -> bool:
        transport = self._transport
        if self._state is not State.CONNECTED or transport is None:
            self._problem(describe.not_connected("send"))
            return False
        try:
            await transport.send(data)
        except TransportClosed:
            self._problem(describe.not_connected("send: the connection closed"))
            return False
        if isinstance(data, str):
            size = len(data) if data.isascii() else len(data.encode())
        else:
            size = len(data)
        self.stats.sent += 1
        self.last_sent_key = None
        self.stats.bytes_out += size
        ts, mono = self._clock.now()
        self._publish(new_event("sent", ts, mono, "out", kind, fmt, data, size, name=name))
        return True

    async def ping(
        self, data: bytes | str | None = None, *, timeout: float | None = None
    ) -> float | None:
        """Send a ping and wait for its pong; returns the round trip in milliseconds.

        ``ping`` and ``pong`` events record both frames (the pong with ``rtt_ms``).
        Returns None, without raising, when the session is not connected, when the
        connection closes first, or when ``timeout`` seconds pass (``error`` event).

        Raises:
            ValueError: A ping with the same ``data`` still waits for its pong.
        """
        transport = self._transport
        if self._state is not State.CONNECTED or transport is None:
            self._problem(describe.not_connected("ping"))
            return None
        if data is None:
            payload = os.urandom(4)
            while payload in self._pings:
                payload = os.urandom(4)
        else:
            payload = data.encode() if isinstance(data, str) else bytes(data)
            if payload in self._pings:
                raise ValueError(f"a ping with payload {payload!r} still waits for its pong")
        waiter: asyncio.Future[float | None] = asyncio.get_running_loop().create_future()
        self._pings[payload] = waiter
        try:
            await transport.ping(payload)
            async with asyncio.timeout(timeout):
                return await waiter
        except TransportClosed:
            return None
        except TimeoutError:
            assert timeout is not None
            self._problem(describe.ping_timeout(timeout))
            return None
        finally:
            self._pings.pop(payload, None)

    # Closing.

    async def close(
        self, code: int = 1000, reason: str = "", *, timeout: float | None = None
    ) -> None:
        """Close with ``code`` and ``reason``, and stop reconnecting.

        Waits until the connection has ended (or, while connecting, until the
        attempt is cancelled). Does nothing when already disconnected. Messages that
        come after the close frame are discarded, and counted in the ``close`` event
        (``discarded``). ``timeout``: seconds the server gets to finish the closing
        handshake (default: the session's ``close_timeout``); then the connection is
        cut, and an ``error`` event says so.

        Raises:
            ValueError: ``code`` may not be sent (only 1000-1003, 1007-1014 and
                3000-4999 may), or ``reason`` is longer than 123 bytes in UTF-8.
        """
        validate_close(code, reason)
        self._stopping = True
        waits: list[asyncio.Task[object]] = []
        if self._attempt_task is not None:
            self._attempt_task.cancel()
            waits.append(self._attempt_task)
        run = self._run_task
        if run is not None:
            waits.append(run)
            if self._state is not State.CONNECTED and self._state is not State.CLOSING:
                run.cancel()  # waiting to reconnect, or reconnecting
        if self._state is State.CONNECTED and self._transport is not None:
            self._move(State.CLOSING)
            await self._transport.close(code, reason, timeout)
        if waits:
            await asyncio.wait(waits)

    def abort(self) -> None:
        """Cut the connection at once, without a closing handshake, and stop reconnecting.

        For a caller out of time (a hard ``--timeout``, a second Ctrl-C): the reader ends
        as the transport reports the cut, so :meth:`wait_closed` returns promptly.
        """
        self._stopping = True
        if self._attempt_task is not None:
            self._attempt_task.cancel()
        if self._transport is not None:
            self._transport.abort()
        elif self._run_task is not None:
            self._run_task.cancel()  # waiting to reconnect

    async def wait_closed(self) -> None:
        """Wait until the session has ended: disconnected, with no reconnect to come."""
        await self._ended.wait()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
        await self.wait_closed()

    # Internals.

    def _move(self, new: State) -> None:
        if not can_move(self._state, new):
            raise StateError(f"internal: a session cannot go from {self._state} to {new}")
        self._state = new

    def _end(self, ending: Ending) -> None:
        """Record how a connection (or an attempt) ended, and say it."""
        self._transport = None
        ts, mono = self._clock.now()
        self.close_code, self.close_reason, self.closed_by = ending.code, ending.reason, ending.by
        self.stats.closed_at = ts
        self._state = State.DISCONNECTED
        problem = ending.problem
        if problem is not None:
            self._problem(problem)
        for waiter in self._pings.values():
            if not waiter.done():
                waiter.set_result(None)
        self._publish(
            new_event(
                "close",
                ts,
                mono,
                code=ending.code,
                reason=ending.reason,
                by=ending.by,
                error=problem.kind if problem is not None else None,
                discarded=ending.discarded or None,
            )
        )

    def _problem(self, problem: Problem) -> None:
        self.error = problem
        self._emit(
            "error",
            error=problem.kind,
            reason=problem.reason,
            status=problem.status,
            headers=problem.headers,
            body=problem.body,
        )

    def _emit(self, kind: Kind, **fields: object) -> None:
        ts, mono = self._clock.now()
        self._publish(new_event(kind, ts, mono, **fields))  # type: ignore[arg-type]

    def _publish(self, event: Event) -> None:
        self._hub.publish(event)

    def __repr__(self) -> str:
        return f"<Session {self.request.name!r} {self.request.url} {self._state}>"


def _make_run(ts: datetime, mono: float, text: bool, items: Sequence[str | bytes]) -> ReceivedRun:
    """The run of ``items`` (all ``str`` when ``text``, else all ``bytes``)."""
    if not text:
        return ReceivedRun(ts, mono, "binary", items, list(map(len, items)))
    if all(map(str.isascii, items)):  # type: ignore[arg-type]
        sizes = list(map(len, items))
    else:
        sizes = [len(t) if t.isascii() else len(t.encode()) for t in items]  # type: ignore[union-attr]
    return ReceivedRun(ts, mono, "text", items, sizes)
