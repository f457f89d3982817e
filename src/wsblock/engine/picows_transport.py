"""The :class:`~wsblock.engine.transport.Transport` on ``picows`` (Cython, frame level).

picows parses frames fast and hands each one to a listener; everything above the
frame is ours: reassembling fragments, checking that text is UTF-8 (1007),
checking close codes and control frames (1002), the maximum message size (1009),
answering pings, the closing handshake, subprotocol negotiation. It has no
permessage-deflate: :func:`wsblock.engine.choice.choose` keeps requests that ask
for compression (and proxies from the environment) on ``websockets``.

Batching: picows calls :meth:`_Listener.on_ws_frame` for each frame of a socket read
synchronously; the first item of a read schedules one flush with ``call_soon``, so
the session's reader still wakes once per read, not once per message.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import picows
from picows import (
    WSCloseCode,
    WSHandshakeError,
    WSInvalidStatusError,
    WSListener,
    WSMsgType,
    WSProtocolError,
    WSTransport,
    ws_connect,
)

from .errors import ConnectFailed, Problem
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

_PICOWS = getattr(picows, "__version__", "?")

_TEXT, _BINARY, _CONT = WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION
_PING, _PONG, _CLOSE = WSMsgType.PING, WSMsgType.PONG, WSMsgType.CLOSE

#: Close codes a peer may send (RFC 6455 7.4, IANA registry): 1000-1003, 1007-1014,
#: 3000-4999. 1004-1006 and 1015 must never be on the wire.
_SENDABLE = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014))


def valid_close_code(code: int) -> bool:
    """Whether a close frame may carry ``code``."""
    return code in _SENDABLE or 3000 <= code <= 4999


class PicowsTransport:
    """One client connection made with ``picows.ws_connect``."""

    def __init__(self) -> None:
        self._ws: WSTransport | None = None
        self._listener: _Listener | None = None
        self._params: ConnectParams | None = None

    async def connect(self, params: ConnectParams) -> Handshake:
        """Open the connection; see :meth:`.transport.Transport.connect`."""
        self._params = params
        scheme = urlsplit(params.url).scheme.lower()
        if scheme not in ("ws", "wss"):
            raise ConnectFailed(
                Problem(
                    "url",
                    f"{params.url!r} is not a WebSocket URL (scheme isn't ws or wss); use ws:// or wss://",
                )
            )
        headers: list[tuple[str, str]] = list(params.headers)
        if params.subprotocols:
            headers.append(("Sec-WebSocket-Protocol", ", ".join(params.subprotocols)))
        if params.origin:
            headers.append(("Origin", params.origin))
        if params.user_agent:
            headers.append(("User-Agent", user_agent(params.user_agent, "picows", _PICOWS)))
        kwargs: dict[str, Any] = {
            "extra_headers": headers or None,
            "websocket_handshake_timeout": params.open_timeout,
            "enable_auto_pong": False,  # we answer pings, so that they are logged in order
            "enable_auto_ping": False,
            # A frame whose header announces more than max-message-size is refused by
            # picows' parser before its payload is read (see _ParserErrors: our words);
            # a fragmented message is checked here as its fragments come.
            "max_frame_size": params.max_message_size or 1 << 62,
            "max_redirects": 0,
            "logger_name": _PICOWS_LOG,
        }
        if params.proxy not in (None, "auto"):
            kwargs["proxy"] = params.proxy
        if params.ssl is not None:
            kwargs["ssl_context"] = params.ssl
        params_ = params
        try:
            coro = ws_connect(lambda: _Listener(params_), params.url, **kwargs)
            if params.open_timeout:
                ws, listener = await asyncio.wait_for(coro, params.open_timeout)
            else:
                ws, listener = await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise ConnectFailed(_connect_error(exc, params)) from exc
        if not isinstance(listener, _Listener):
            # picows ends the handshake without a listener when the connection closed
            # before a whole HTTP response came (a TLS server's alert on ws://, say)
            ws.disconnect(graceful=False)
            if params.secure and not params.client_cert:
                # TLS 1.3: how a server that wants a client certificate says so
                raise ConnectFailed(describe.wants_client_cert(params))
            raise ConnectFailed(
                describe.invalid_http_answer(
                    params, "the connection closed before a whole HTTP response came"
                )
            )
        self._ws, self._listener = ws, listener
        response = ws.response
        raw = tuple((str(k), str(v)) for k, v in response.headers.items())
        chosen = response.headers.get("Sec-WebSocket-Protocol")
        if chosen is not None and chosen not in params.subprotocols:
            ws.disconnect(graceful=False)
            raise ConnectFailed(
                Problem(
                    "protocol",
                    f"the handshake failed: the server chose subprotocol {chosen!r}, which was not offered",
                )
            )
        extensions = response.headers.get("Sec-WebSocket-Extensions")
        if extensions:
            ws.disconnect(graceful=False)
            raise ConnectFailed(
                Problem(
                    "protocol",
                    f"the handshake failed: the server insists on extensions ({extensions}) "
                    "that the picows transport does not support; use `wsblock --transport websockets`",
                )
            )
        listener.start_keepalive()
        return Handshake(
            status=int(response.status), headers=raw, subprotocol=chosen, extensions=()
        )

    async def send(self, data: str | bytes) -> None:
        """Send one message; see :meth:`.transport.Transport.send`."""
        ws, listener = self._connection()
        if listener.disconnected or listener.close_sent is not None:
            raise TransportClosed(listener.ending())
        if isinstance(data, str):
            ws.send(_TEXT, data.encode())
        else:
            ws.send(_BINARY, data)

    async def recv(self) -> list[Batch]:
        """Everything received since the last call; see :meth:`.transport.Transport.recv`."""
        ws, listener = self._connection()
        while not listener.inbox:
            if listener.disconnected:
                await _ended(ws, listener)
                raise TransportClosed(listener.ending())
            waiter = asyncio.get_running_loop().create_future()
            listener.waiter = waiter
            try:
                await waiter
            finally:
                listener.waiter = None
        batches = listener.inbox
        listener.inbox = []
        return batches

    async def ping(self, data: bytes) -> None:
        """Send a ping with payload ``data``; see :meth:`.transport.Transport.ping`."""
        ws, listener = self._connection()
        if listener.disconnected or listener.close_sent is not None:
            raise TransportClosed(listener.ending())
        if data in listener.pending_pings:
            raise ValueError(f"a ping with payload {data!r} is still waiting for its pong")
        listener.send_ping(data, keepalive=False)

    async def close(self, code: int, reason: str, timeout: float | None = None) -> None:
        """Close on purpose and wait until the connection ended (at most ``timeout`` s,
        else the close-timeout); see :meth:`.transport.Transport.close`."""
        if self._ws is None or self._listener is None:
            return
        listener = self._listener
        listener.closing = True
        if not listener.disconnected:
            if listener.close_sent is None:
                listener.send_close(code, reason)
            if timeout is None:
                timeout = self._params.close_timeout if self._params else None
            try:
                await asyncio.wait_for(_ended(self._ws, listener), timeout)
            except TimeoutError:
                listener.close_timed_out = timeout
                self._ws.disconnect(graceful=False)
                await _ended(self._ws, listener)

    def abort(self) -> None:
        """Cut the TCP connection now."""
        if self._ws is not None:
            self._ws.disconnect(graceful=False)

    def pause_reading(self) -> None:
        """Stop reading from the socket; see :meth:`.transport.Transport.pause_reading`."""
        if self._ws is not None:
            self._ws.underlying_transport.pause_reading()

    def bound_reads(self, size: int) -> None:
        """See :meth:`.transport.Transport.bound_reads`."""
        if self._ws is not None:
            bound_socket_reads(self._ws.underlying_transport, size)

    def resume_reading(self) -> None:
        """Read again, unless reading stopped for good (a frame over the limit)."""
        if self._ws is not None and self._listener is not None and not self._listener.refused:
            self._ws.underlying_transport.resume_reading()

    def _connection(self) -> tuple[WSTransport, _Listener]:
        if self._ws is None or self._listener is None:
            raise RuntimeError("the transport is not connected")
        return self._ws, self._listener


#: What picows logs (a parser error and its disconnect...) the session reports in its own
#: words, as an ``error`` event: kept off stderr, where it would say it a second time.
_PICOWS_LOG = logging.getLogger("wsblock.engine.picows")
_PICOWS_LOG.propagate = False
_PICOWS_LOG.setLevel(logging.ERROR)  # its parser errors are records, whatever the root says

#: The listener of each open connection, by its socket's file descriptor: picows names
#: the logger of a connection ``wsblock.engine.picows.<fd>``.
_BY_FD: dict[int, _Listener] = {}
_SECOND_CLOSE = "Received CLOSE for the second time"


class _ParserErrors(logging.Handler):
    """Mends one picows parser error before picows acts on it.

    picows 2.3.1 parses one frame ahead (``WSProtocol._process_new_data``): a close frame
    followed, in the same read, by a second one fails the connection with 1002 before the
    first is handed over. RFC 6455 5.5.1 says the first is answered and what follows is
    ignored (Autobahn 7.1.2). picows logs the error, then sends its close frame, which it
    skips when one was sent already: so the answer to the first close frame is sent here,
    from the close picows has already parsed, and the listener is told to take the
    disconnect that follows as the server's close.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if not record.msg.startswith("WS parser error") or not record.args:
            return
        args = record.args[0] if isinstance(record.args, tuple) else None
        if not isinstance(args, tuple) or len(args) < 2:
            return
        too_big = args[0] == WSCloseCode.MESSAGE_TOO_BIG
        if not too_big and not str(args[1]).startswith(_SECOND_CLOSE):
            return
        try:
            fd = int(record.name.rsplit(".", 1)[1])
        except ValueError:
            return
        listener = _BY_FD.get(fd)
        if listener is None:
            return
        if too_big:
            listener.frame_too_big()
        else:
            listener.second_close()


_PICOWS_LOG.addHandler(_ParserErrors())


async def _ended(ws: WSTransport, listener: _Listener) -> None:
    """Wait until picows has disconnected, and take the error it failed the connection
    with, if any: its parser answers some protocol errors itself (it sends the close
    frame, 1002 or 1007, and disconnects), and the error is only in
    ``wait_disconnected()`` (asyncio warns when nobody retrieves it)."""
    try:
        await ws.wait_disconnected()
    except WSProtocolError as exc:
        if listener.ignored_second_close:
            return  # the connection ended with the server's close, answered
        code = int(exc.args[0]) if exc.args else 1002
        detail = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
        if listener.problem is None:
            if code == 1009:
                from websockets.exceptions import PayloadTooBig

                limit = listener.params.max_message_size
                so_far = listener.fragmented_size()  # a fragment of a message under way
                listener.problem = describe.too_big(
                    PayloadTooBig(_announced(detail), limit or 0, so_far), limit
                )
            elif code == 1007:
                listener.problem = Problem(
                    "protocol", f"the server sent invalid UTF-8 ({detail}); closed with 1007"
                )
            else:
                listener.problem = describe.protocol_error(detail)
            if listener.close_sent is None:
                listener.close_sent = (code, _short(detail))
    except Exception as exc:  # noqa: BLE001 - any other end is described, never raised
        if listener.problem is None:
            listener.problem = describe.dropped(exc)


class _Listener(WSListener):
    """Turns picows' frames into batches of messages and control frames."""

    def __init__(self, params: ConnectParams) -> None:
        super().__init__()
        self.params = params
        self.ws: WSTransport | None = None
        self.loop = asyncio.get_event_loop()
        self.inbox: list[Batch] = []
        self.waiter: asyncio.Future[None] | None = None
        self.disconnected = False
        self.closing = False  # close() was called: the end is the client's
        self.close_timed_out: float | None = None  # the closing handshake was cut after this
        self.discarded = 0  # messages that came after our close frame (counted, dropped)
        self.refused = False  # a frame over max-message-size: reading stopped for good
        self.close_rcvd: tuple[int, str] | None = None
        self.close_sent: tuple[int, str] | None = None
        self.rcvd_first = False
        self.problem: Problem | None = None
        self.pending_pings: dict[bytes, tuple[float, bool]] = {}
        self._items: list[Incoming] = []
        self._at = 0.0
        self._scheduled = False
        self._fragments: list[bytes] | None = None
        self._plain = True  # no failure, no close received, no fragments: the fast path
        self._fragmented_text = False
        self._size = 0
        self._limit = params.max_message_size
        self._keepalive: asyncio.Task[None] | None = None
        self._abort_timer: asyncio.TimerHandle | None = None
        self.ignored_second_close = False
        self._fd: int | None = None

    # picows callbacks

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.ws = transport
        sock = transport.underlying_transport.get_extra_info("socket")
        if sock is not None:
            self._fd = sock.fileno()
            _BY_FD[self._fd] = self

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        # The fast path: a whole text message while nothing special goes on (no failure,
        # no close received, no fragmented message under way). Everything inlined: under
        # a flood this runs for every message.
        if (
            self._plain
            and frame.msg_type is _TEXT
            and frame.fin
            and not (frame.rsv1 or frame.rsv2 or frame.rsv3)
            and (self._limit is None or frame.payload_size <= self._limit)
        ):
            try:
                text = frame.get_payload_as_utf8_text()
            except UnicodeDecodeError:
                pass  # the general path fails the connection with 1007
            else:
                if not self._scheduled:
                    self._scheduled = True
                    self._at = time.monotonic()
                    self.loop.call_soon(self._flush)
                self._items.append(text)
                return
        self._frame(transport, frame)

    def _frame(self, transport: WSTransport, frame: Any) -> None:
        if self.problem is not None or self.close_rcvd is not None:
            return  # failed or closing: ignore the rest (RFC 6455 7.1.7)
        opcode = frame.msg_type
        if (
            self.closing
            and self.close_sent is not None
            and not self.rcvd_first
            and (opcode is _TEXT or opcode is _BINARY or opcode is _CONT)
        ):
            # close() sent our close frame first: what still comes is dropped, and counted.
            self._fragments = None
            if frame.fin:
                self.discarded += 1
            return
        if frame.rsv1 or frame.rsv2 or frame.rsv3:
            self.fail(describe.protocol_error("reserved bits must be 0"), 1002)
            return
        if opcode is _TEXT or opcode is _BINARY:
            if self._fragments is not None:
                self.fail(
                    describe.protocol_error("a new message began inside a fragmented one"), 1002
                )
                return
            if self._limit is not None and frame.payload_size > self._limit:
                from websockets.exceptions import PayloadTooBig

                too_big = PayloadTooBig(frame.payload_size, self._limit)
                self.fail(describe.too_big(too_big, self._limit), 1009)
                return
            data = frame.get_payload_as_bytes()
            if frame.fin:
                if opcode is _TEXT:
                    self._text(data)
                else:
                    self._add(data)
            else:
                self._fragments, self._fragmented_text, self._size = (
                    [data],
                    opcode is _TEXT,
                    len(data),
                )
                self._plain = False
                if opcode is _TEXT:
                    self._check_partial_utf8(data, final=False)
        elif opcode is _CONT:
            fragments = self._fragments
            if fragments is None:
                self.fail(
                    describe.protocol_error("a continuation frame without a message to continue"),
                    1002,
                )
                return
            if self._limit is not None and self._size + frame.payload_size > self._limit:
                from websockets.exceptions import PayloadTooBig

                too_big = PayloadTooBig(frame.payload_size, self._limit, self._size)
                self.fail(describe.too_big(too_big, self._limit), 1009)
                return
            data = frame.get_payload_as_bytes()
            self._size += len(data)
            fragments.append(data)
            if frame.fin:
                self._fragments = None
                self._plain = (
                    self.problem is None and self.close_rcvd is None and self.close_sent is None
                )
                whole = b"".join(fragments)
                if self._fragmented_text:
                    self._text(whole)
                else:
                    self._add(whole)
            elif self._fragmented_text:
                self._check_partial_utf8(b"".join(fragments), final=False)
        elif opcode is _PING or opcode is _PONG or opcode is _CLOSE:
            if not frame.fin:
                self.fail(describe.protocol_error("a fragmented control frame"), 1002)
                return
            data = frame.get_payload_as_bytes()
            if len(data) > 125:
                self.fail(describe.protocol_error("a control frame longer than 125 bytes"), 1002)
                return
            if opcode is _PING:
                self._add(Control("ping", "in", data))
                transport.send_pong(data)
                self._add(Control("pong", "out", data))
            elif opcode is _PONG:
                pending = self.pending_pings.pop(data, None)
                rtt = (time.monotonic() - pending[0]) * 1000.0 if pending is not None else None
                self._add(Control("pong", "in", data, rtt, pending[1] if pending else False))
            else:
                self._close_frame(data)
        else:
            self.fail(
                describe.protocol_error(
                    f"an unknown opcode {int(opcode.value) if hasattr(opcode, 'value') else opcode}"
                ),
                1002,
            )

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.disconnected = True
        if self._fd is not None and _BY_FD.get(self._fd) is self:
            del _BY_FD[self._fd]
        if self._keepalive is not None:
            self._keepalive.cancel()
        if self._abort_timer is not None:
            self._abort_timer.cancel()
        self._flush()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def second_close(self) -> None:
        """picows' parser met a second close frame behind the first, which it has parsed
        and not handed over yet (see :class:`_ParserErrors`): answer the first now (picows
        then sends nothing), and ignore the second."""
        handshake = self.ws.close_handshake if self.ws is not None else None
        received = handshake.recv if handshake is not None else None
        if received is None or self.problem is not None:
            return  # picows fails the connection, as it says
        raw: Any = received.code  # a WSCloseCode, or an int outside the enum (3000-4999)
        code, reason = int(getattr(raw, "value", raw)), str(received.reason or "")
        if code == 0:  # picows' NO_INFO: an empty close frame (a code 0 on the wire fails
            code = 1005  # when the frame is handed over: _close_frame checks it)
        if code != 1005 and not valid_close_code(code):
            return  # the first is invalid already: that failure is the one to report
        self._answer_close(code, reason)
        self.ignored_second_close = True

    def fragmented_size(self) -> int | None:
        """The bytes of the fragmented message under way, None when there is none."""
        return self._size if self._fragments is not None else None

    def frame_too_big(self) -> None:
        """picows' parser met a frame header announcing more than max-message-size, and
        fails the connection without reading its payload: our short close reason goes out
        first (picows then sends none); :func:`_ended` says what happened, in our words.
        Reading stops here: picows would otherwise go on buffering the payload until it
        disconnects, a few milliseconds later (tens of MB on loopback)."""
        if self.ws is None:
            return
        if self.close_sent is None:
            self.send_close(1009, TOO_BIG_REASON)
        self.refused = True
        self.ws.underlying_transport.pause_reading()

    # frames

    def _close_frame(self, data: bytes) -> None:
        if len(data) == 1:
            self.fail(describe.protocol_error("a close frame with a 1-byte payload"), 1002)
            return
        code, reason = 1005, ""
        if len(data) >= 2:
            code = int.from_bytes(data[:2], "big")
            if not valid_close_code(code):
                self.fail(describe.protocol_error(f"close code {code} may not be sent"), 1002)
                return
            try:
                reason = data[2:].decode()
            except UnicodeDecodeError as exc:
                self.fail(describe.invalid_utf8(exc), 1007)
                return
        self.close_rcvd = (code, reason)
        self._plain = False
        self._answer_close(code, reason)
        # The server closes TCP first (RFC 6455 7.1.1); cut it if it does not.
        assert self.ws is not None
        timeout = self.params.close_timeout or 10.0
        self._abort_timer = self.loop.call_later(timeout, self.ws.disconnect, False)

    def _answer_close(self, code: int, reason: str) -> None:
        """Echo a close frame received first (RFC 6455 5.5.1): its code and reason, 1000
        for one without a code (1005)."""
        if self.close_sent is None:
            self.rcvd_first = True
            self.send_close(1000 if code == 1005 else code, "" if code == 1005 else reason)

    def _text(self, data: bytes) -> None:
        try:
            self._add(data.decode())
        except UnicodeDecodeError as exc:
            self.fail(describe.invalid_utf8(exc), 1007)

    def _check_partial_utf8(self, data: bytes, final: bool) -> None:
        """Fail fast on a fragment that can never be completed to UTF-8 (Autobahn 6.4)."""
        try:
            codecs.getincrementaldecoder("utf-8")().decode(data, final)
        except UnicodeDecodeError as exc:
            self.fail(describe.invalid_utf8(exc), 1007)

    def _add(self, item: Incoming) -> None:
        if not self._scheduled:
            self._scheduled = True
            self._at = time.monotonic()
            self.loop.call_soon(self._flush)
        self._items.append(item)

    def _flush(self) -> None:
        self._scheduled = False
        if not self._items:
            return
        self.inbox.append(Batch(self._at, self._items))
        self._items = []
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # sending

    def send_close(self, code: int, reason: str) -> None:
        assert self.ws is not None
        self.close_sent = (code, reason)
        self._plain = False  # from now on messages are discarded (_frame)
        try:
            close_code: Any = WSCloseCode(code)
        except ValueError:
            close_code = code
        try:
            self.ws.send_close(close_code, reason.encode())
        except TypeError:
            self.ws.send_close(WSCloseCode.OK, reason.encode())

    def send_ping(self, data: bytes, keepalive: bool) -> None:
        assert self.ws is not None
        self.pending_pings[data] = (time.monotonic(), keepalive)
        self._add(Control("ping", "out", data, keepalive=keepalive))
        self._flush()
        self.ws.send_ping(data)

    def fail(self, problem: Problem, code: int) -> None:
        """Fail the connection: send a close frame with ``code``, then cut TCP after a while."""
        self.problem = problem
        self._fragments = None
        self._plain = False
        if self.close_sent is None and self.ws is not None:
            self.send_close(code, TOO_BIG_REASON if code == 1009 else _short(problem.reason))
        if self.ws is not None:
            timeout = self.params.close_timeout or 10.0
            self._abort_timer = self.loop.call_later(timeout, self.ws.disconnect, False)

    def start_keepalive(self) -> None:
        if self.params.ping_interval:
            self._keepalive = self.loop.create_task(self._keepalive_loop())

    async def _keepalive_loop(self) -> None:
        import os

        interval, timeout = self.params.ping_interval, self.params.ping_timeout
        assert interval
        while not self.disconnected:
            await asyncio.sleep(interval)
            if self.disconnected or self.close_sent is not None:
                return
            payload = os.urandom(4)
            self.send_ping(payload, keepalive=True)
            if timeout:
                await asyncio.sleep(timeout)
                if payload in self.pending_pings and not self.disconnected:
                    self.fail(describe.keepalive_timeout(timeout), 1011)
                    return

    def ending(self) -> Ending:
        if self.problem is not None:
            code, reason = self.close_sent or (1006, "")
            return Ending(code, reason, "error", self.problem, self.discarded)
        if self.close_rcvd is not None and (self.close_sent is None or self.rcvd_first):
            return Ending(self.close_rcvd[0], self.close_rcvd[1], "server", None, self.discarded)
        if self.close_sent is not None:
            problem = (
                describe.close_timeout(self.close_timed_out)
                if self.close_timed_out is not None
                else None
            )
            return Ending(
                self.close_sent[0],
                self.close_sent[1],
                "client" if self.closing else "error",
                problem,
                self.discarded,
            )
        return Ending(1006, "", "error", describe.dropped(None))


#: The reason of the close frame that refuses a message over max-message-size (the
#: whole story is in the ``error`` event; a close frame has room for 123 bytes).
TOO_BIG_REASON = "message too big"


def _short(reason: str) -> str:
    """A close reason that fits a control frame (123 bytes of UTF-8), cut between words."""
    data = reason.encode()
    if len(data) <= 123:
        return reason
    cut = data[:120].decode("utf-8", errors="ignore")
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head.rstrip(" ,;:(") + "…"


def _announced(detail: str) -> int | None:
    """The payload size in picows' words for a frame over ``max_frame_size``
    ("… exceeding max allowed size, 200000000 > 1048576")."""
    head = detail.rpartition(">")[0].rstrip()
    number = head.rpartition(" ")[2]
    return int(number) if number.isdigit() else None


def _connect_error(exc: BaseException, params: ConnectParams) -> Problem:
    """Why ``ws_connect`` failed, in the same words as the websockets transport."""
    if isinstance(exc, WSInvalidStatusError) and exc.response is not None:
        response = exc.response
        status = int(response.status)
        body = bytes(exc.raw_body or b"")
        return Problem(
            "rejected",
            f"the server rejected the WebSocket handshake: HTTP {describe._status(status)}",
            status=status,
            headers=tuple((str(k), str(v)) for k, v in response.headers.items()),
            body=body[: describe.BODY_LIMIT].decode("utf-8", errors="replace"),
        )
    if isinstance(exc, WSHandshakeError):
        return Problem("protocol", f"the server's handshake response is not valid: {exc}")
    if isinstance(exc, ValueError | AssertionError) and "url" in str(exc).lower():
        return Problem("url", f"{params.url!r} is not a WebSocket URL ({exc}); use ws:// or wss://")
    return describe.connect_error(exc, params)
