"""The :class:`~wsblock.engine.transport.Transport` on ``websockets`` (asyncio API).

``websockets`` parses frames, answers pings, negotiates extensions and subprotocols,
enforces the maximum message size and runs the keepalive. On top of it,
:class:`_Connection` (a ``ClientConnection`` subclass) changes one thing: instead of
queueing frames for ``recv()`` one message at a time, it collects every complete
message and control frame of a socket read into one :class:`~.transport.Batch`.
The session's reader then wakes once per read, not once per message: it is faster
than a plain ``async for message in websocket`` loop, which leaves room for the
events and the journal.

Collecting messages directly means doing what ``recv()`` would otherwise do:
reassembling fragments and decoding UTF-8 (failing the connection with 1007 when a
text message is not UTF-8). There is no read-side flow control: the session's
reader never waits on its consumers, so nothing would resume a paused socket.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConcurrencyError, ConnectionClosed
from websockets.frames import CloseCode, Opcode
from websockets.protocol import OPEN, Event
from websockets.version import version as websockets_version

from .errors import ConnectFailed
from .errors import describe as describe
from .params import ConnectParams, user_agent
from .transport import (
    Batch,
    Control,
    Ending,
    Handshake,
    Incoming,
    TransportClosed,
    bound_socket_reads,
)

_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT
_PING, _PONG = Opcode.PING, Opcode.PONG
_DATA = frozenset((_TEXT, _BINARY, _CONT))


class WebsocketsTransport:
    """One client connection made with ``websockets.asyncio.client.connect``."""

    def __init__(self) -> None:
        self._conn: _Connection | None = None
        self._params: ConnectParams | None = None
        self._closing = False  # close() was called: the end is the client's
        self._failed_first = False  # ...but the client had failed the connection before
        self._close_timeout: float | None = None  # the closing handshake's bound, if not params'

    async def connect(self, params: ConnectParams) -> Handshake:
        """Open the connection; see :meth:`.transport.Transport.connect`."""
        self._params = params
        kwargs: dict[str, Any] = {
            "origin": params.origin,
            "subprotocols": list(params.subprotocols) or None,
            "compression": "deflate" if params.compression else None,
            "additional_headers": list(params.headers) or None,
            "user_agent_header": params.user_agent
            and user_agent(params.user_agent, "websockets", websockets_version),
            "proxy": True if params.proxy == "auto" else params.proxy,
            "open_timeout": params.open_timeout,
            "ping_interval": params.ping_interval,
            "ping_timeout": params.ping_timeout,
            "close_timeout": params.close_timeout,
            "max_size": params.max_message_size,
            "create_connection": _Connection,
        }
        if params.ssl is not None:
            kwargs["ssl"] = params.ssl
        try:
            conn = await connect(params.url, **kwargs)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise ConnectFailed(describe.connect_error(exc, params)) from exc
        assert isinstance(conn, _Connection) and conn.response is not None
        self._conn = conn
        response = conn.response
        return Handshake(
            status=response.status_code,
            headers=tuple(response.headers.raw_items()),
            subprotocol=conn.subprotocol,
            extensions=tuple(ext.name for ext in conn.protocol.extensions),
        )

    async def send(self, data: str | bytes) -> None:
        """Send one message; see :meth:`.transport.Transport.send`."""
        conn = self._connection()
        try:
            await conn.send(data)
        except ConnectionClosed:
            raise TransportClosed(self._ending()) from None

    async def recv(self) -> list[Batch]:
        """Everything received since the last call; see :meth:`.transport.Transport.recv`."""
        conn = self._connection()
        while not conn.inbox:
            if conn.connection_lost_waiter.done():
                raise TransportClosed(self._ending())
            waiter = conn.loop.create_future()
            conn.waiter = waiter
            try:
                await waiter
            finally:
                conn.waiter = None
        batches = conn.inbox
        conn.inbox = []
        return batches

    async def ping(self, data: bytes) -> None:
        """Send a ping with payload ``data``; see :meth:`.transport.Transport.ping`."""
        conn = self._connection()
        conn.user_pings.add(data)
        conn.next_ping_is_user = True
        try:
            await conn.ping(data)
        except ConnectionClosed:
            raise TransportClosed(self._ending()) from None
        except ConcurrencyError:
            raise ValueError(
                f"a ping with payload {data!r} is still waiting for its pong"
            ) from None

    async def close(self, code: int, reason: str, timeout: float | None = None) -> None:
        """Close on purpose and wait until the connection ended (at most ``timeout`` s,
        else the close-timeout); see :meth:`.transport.Transport.close`."""
        if (
            self._conn is not None
            and self._conn.protocol.close_sent is not None
            and not self._closing
        ):
            # A close frame went out before this call: the client had failed the
            # connection (invalid UTF-8, too big...), and that is how it ends.
            self._failed_first = True
        self._closing = True
        if self._conn is not None:
            self._conn.discarding = True
            if timeout is not None:
                self._close_timeout = self._conn.close_timeout = timeout
            await self._conn.close(code, reason)

    def abort(self) -> None:
        """Cut the TCP connection now."""
        if self._conn is not None:
            self._conn.transport.abort()

    def pause_reading(self) -> None:
        """Stop reading from the socket; see :meth:`.transport.Transport.pause_reading`."""
        if self._conn is not None:
            self._conn.transport.pause_reading()

    def bound_reads(self, size: int) -> None:
        """See :meth:`.transport.Transport.bound_reads`."""
        if self._conn is not None:
            bound_socket_reads(self._conn.transport, size)

    def resume_reading(self) -> None:
        """Read from the socket again."""
        if self._conn is not None:
            self._conn.transport.resume_reading()

    # How the connection ended.

    def _connection(self) -> _Connection:
        if self._conn is None:
            raise RuntimeError("the transport is not connected")
        return self._conn

    def _ending(self) -> Ending:
        conn = self._connection()
        params = self._params
        assert params is not None
        protocol = conn.protocol
        rcvd, sent = protocol.close_rcvd, protocol.close_sent
        discarded = conn.discarded
        if rcvd is not None and (sent is None or protocol.close_rcvd_then_sent):
            # The server sent the first close frame.
            return Ending(int(rcvd.code), rcvd.reason, "server", None, discarded)
        if sent is not None:
            code, reason = int(sent.code), sent.reason
            # The client failed the connection (too big, invalid UTF-8, protocol error,
            # keepalive timeout...): an error even when close() was called later, while
            # the closing handshake of that failure was still under way.
            if self._closing and not self._failed_first:
                problem = None
                if isinstance(conn.connection_exc, TimeoutError):
                    problem = describe.close_timeout(self._close_timeout or params.close_timeout)
                return Ending(code, reason, "client", problem, discarded)
            exc = conn.failure or protocol.parser_exc or conn.connection_exc
            problem = describe.failure(exc, code, reason, params)
            return Ending(code, reason, "error", problem, discarded)
        # No close frame either way: the TCP connection just ended.
        return Ending(
            int(CloseCode.ABNORMAL_CLOSURE), "", "error", describe.dropped(conn.connection_exc)
        )


class _Connection(ClientConnection):
    """A ``ClientConnection`` that hands over messages and control frames in batches.

    :attr:`inbox` holds one :class:`Batch` per socket read that brought anything;
    :attr:`waiter`, when set, is completed when the inbox gets something or the
    connection is lost.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inbox: list[Batch] = []
        self.waiter: asyncio.Future[None] | None = None
        self.failure: BaseException | None = None
        self.user_pings: set[bytes] = set()
        self.next_ping_is_user = False
        self._items: list[Incoming] = []
        self._fragments: list[bytes] | None = None
        self._fragmented_text = False
        self._abort_timer: asyncio.TimerHandle | None = None
        self.discarding = False  # close() was called: messages after our close frame are dropped
        self.discarded = 0  # ...and counted

    async def handshake(
        self, additional_headers: Any = None, user_agent_header: Any = None
    ) -> None:
        """A ``Host`` header of the request replaces the one built from the URL.

        websockets adds the request's headers to its own, which would send two
        ``Host`` headers; testing a virtual host through an address needs just ours.
        """
        if additional_headers and any(str(k).lower() == "host" for k, _ in additional_headers):
            build = self.protocol.connect

            def connect_without_host() -> Any:
                request = build()
                del request.headers["Host"]
                return request

            self.protocol.connect = connect_without_host  # type: ignore[method-assign]
        await super().handshake(additional_headers, user_agent_header)

    # Receiving: websockets calls data_received, which parses frames and calls
    # process_event for each; the frames of one read become one batch.

    def data_received(self, data: bytes) -> None:
        at = time.monotonic()
        super().data_received(data)
        if self._items:
            self._flush(at)

    def process_event(self, event: Event) -> None:
        if self.response is None:  # the handshake's HTTP response
            super().process_event(event)
            return
        if self.failure is not None:  # failed: ignore the rest (RFC 6455 7.1.7)
            return
        opcode = event.opcode  # type: ignore[union-attr]
        if (
            self.discarding
            and opcode in _DATA
            and self.protocol.close_sent is not None
            and self.protocol.close_rcvd_then_sent is not True  # not an answer to the server's
        ):
            # Our close frame is out: what still comes is dropped unread, and counted.
            self._fragments = None
            if event.fin:  # type: ignore[union-attr]
                self.discarded += 1
            return
        data = event.data  # type: ignore[union-attr]
        if opcode is _TEXT:
            if event.fin:  # type: ignore[union-attr]
                self._text(data)  # type: ignore[arg-type]
            else:
                self._fragments, self._fragmented_text = [data], True  # type: ignore[list-item]
        elif opcode is _BINARY:
            if event.fin:  # type: ignore[union-attr]
                self._items.append(data if type(data) is bytes else bytes(data))
            else:
                self._fragments, self._fragmented_text = [data], False  # type: ignore[list-item]
        elif opcode is _CONT:
            fragments = self._fragments
            assert fragments is not None  # the protocol checks continuations
            fragments.append(data)  # type: ignore[arg-type]
            if event.fin:  # type: ignore[union-attr]
                self._fragments = None
                whole = b"".join(fragments)
                if self._fragmented_text:
                    self._text(whole)
                else:
                    self._items.append(whole)
        elif opcode is _PING:
            payload = bytes(data)
            # websockets has already queued the pong that answers it.
            self._items.append(Control("ping", "in", payload))
            self._items.append(Control("pong", "out", payload))
        elif opcode is _PONG:
            payload = bytes(data)
            pending = self.pending_pings.get(payload)
            rtt_ms = (self.loop.time() - pending[1]) * 1000.0 if pending is not None else None
            keepalive = payload not in self.user_pings
            self.user_pings.discard(payload)
            super().process_event(event)  # completes websockets' own pong waiters
            self._items.append(Control("pong", "in", payload, rtt_ms, keepalive))
        # Close frames: the protocol answers them; the ending is read afterwards.

    def _text(self, data: bytes) -> None:
        try:
            self._items.append(data.decode())
        except UnicodeDecodeError as exc:
            self._fail(exc, CloseCode.INVALID_DATA, f"{exc.reason} at position {exc.start}")

    def _fail(self, exc: BaseException, code: int, reason: str) -> None:
        """Fail the connection from a callback, as ``recv()`` would from a coroutine."""
        self.failure = exc
        self.set_connection_exc(exc)
        self.protocol.fail(code, reason)
        try:
            self.send_data()
        except Exception as write_exc:
            self.set_connection_exc(write_exc)
        # The server should now close the TCP connection; cut it if it does not.
        if self.close_timeout is not None:
            self._abort_timer = self.loop.call_later(self.close_timeout, self.transport.abort)

    def _flush(self, at: float) -> None:
        self.inbox.append(Batch(at, self._items))
        self._items = []
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._abort_timer is not None:
            self._abort_timer.cancel()
            self._abort_timer = None
        if self._items:
            self._flush(time.monotonic())
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # Sending pings: record each one (ours and keepalive) in order with the rest.

    async def ping(self, data: Any = None) -> Any:
        user, self.next_ping_is_user = self.next_ping_is_user, False
        if data is None:  # a keepalive ping
            data = _payload(self.pending_pings)
        payload = bytes(data)
        if self.protocol.state is OPEN and payload not in self.pending_pings:
            # The frame is written before anything else can run: record it now, so
            # that its pong can never come first.
            self._items.append(Control("ping", "out", payload, keepalive=not user))
            self._flush(time.monotonic())
        return await super().ping(payload)


def _payload(taken: dict[bytes, Any]) -> bytes:
    """Four random bytes not used by a ping still waiting for its pong."""
    while True:
        payload = os.urandom(4)
        if payload not in taken:
            return payload
