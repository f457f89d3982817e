"""One virtual user's conversation, on ``websocket-client`` under gevent.

The same steps as :func:`wsblock.runner.run_request`, judged by the same code
(:mod:`wsblock.conversation.matching`): connect; each ``socket-message`` is sent, each
``socket-expect`` waits up to its timeout for a message for which every row holds
(others are skipped); linger; close with 1000; check the ``assertions-table``.
Only the transport differs: a blocking socket that gevent makes cooperative, so one
process holds thousands of users. What happened is told to a :class:`Recorder`:

* ``connect`` -- from the start of TCP to the end of the handshake (TLS included);
* one entry per ``socket-expect`` -- from the send before it to the matching message;
* ``conversation`` -- from the start of connecting to the end of the close;
* with a protocol on the WebSocket (Socket.IO, GraphQL; the engine's sans-I/O
  :mod:`wsblock.engine.protocols`, so each user does its own handshake, included in
  ``connect``): ``ack NAME`` -- from sending an acknowledged event to its
  acknowledgement; ``operation NAME`` -- from a GraphQL operation's ``subscribe`` to its
  ``complete`` (or ``error``);
* failures with their kind: ``refused``, ``dns``, ``tls``, ``handshake 401``,
  ``connect timeout``, ``closed 1011``, ``expectation timeout``, ``assertion failed``.

Secrets are masked as ``run`` masks them: each conversation has its own
:class:`~wsblock.variables.masking.Secrets` (the request's, given by the virtual user,
whose journal follows it), which the secret-like headers of the handshake's answer and
the values captured into secrets join before anything that could show them is said or
recorded (the ``open`` event, a failure's reason).

The ``assertions-table`` is checked only when the conversation got that far: a
conversation that failed first (``refused``, ``expectation timeout``...) fails of that
kind, and its assertions are counted as *not checked* (:attr:`Meter.unchecked`), never as
failed. A connection that failed is judged by the assertions only when the file expects
it: its rows on ``connected`` / ``status`` can be read and hold (``status equals 401``).
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import websocket

from wsblock.conversation.checks import MISSING
from wsblock.conversation.matching import Facts, Inbound, assertion_value, judge
from wsblock.conversation.paths import text_form
from wsblock.conversation.request import Expect, Message, Request
from wsblock.conversation.state import (
    Action,
    Captured,
    Conversation,
    Failed,
    Held,
    captured_secrets,
)
from wsblock.conversation.state import Send as SendAction
from wsblock.engine.events import Event
from wsblock.engine.params import encode_url
from wsblock.engine.protocols import (
    Delivered,
    ProtocolError,
    Refused,
    Send,
    Violation,
    make_protocol,
)
from wsblock.engine.protocols import Protocol as WireProtocol
from wsblock.load import frames
from wsblock.load.buffered import open_socket
from wsblock.variables.masking import Secrets
from wsblock.variables.secretnames import secrets_in_headers

__all__ = ["Frame", "Meter", "Recorder", "play"]

_CLOSE = websocket.ABNF.OPCODE_CLOSE
_TEXT = websocket.ABNF.OPCODE_TEXT
_BINARY = websocket.ABNF.OPCODE_BINARY


class Recorder(Protocol):
    def __call__(
        self, kind: str, name: str, ms: float, error: str | None = None, length: int = 0
    ) -> None: ...


class Meter:
    """Counters of one process: messages and bytes each way, connections open and peak,
    conversations whose assertions were not checked (by the kind of failure that came
    first), and the connections refused since the last one that opened."""

    def __init__(self) -> None:
        self.out = self.inb = self.bytes_out = self.bytes_in = 0
        self.open = self.peak = 0
        self.unchecked: Counter[str] = Counter()
        self.refused_in_a_row = 0

    def opened(self) -> None:
        self.open += 1
        if self.open > self.peak:
            self.peak = self.open

    def closed(self) -> None:
        self.open -= 1


@dataclass
class Frame:
    """A received message as :class:`wsblock.matching.Inbound` reads it."""

    data: str | bytes
    type: str
    size: int
    key: str | None = None  # a protocol message's correlation key (ack id, operation id)


Tap = Callable[[Event], None]


class _Closed(Exception):
    def __init__(self, code: int, reason: str = ""):
        super().__init__(code)
        self.code, self.reason = code, reason


def _connect_error(e: BaseException) -> str:
    if isinstance(e, websocket.WebSocketBadStatusException):
        return f"handshake {e.status_code}"
    if isinstance(e, ConnectionRefusedError):
        return "refused"
    if isinstance(e, (ssl.SSLError, ssl.CertificateError)):
        return "tls"
    if isinstance(e, socket.gaierror):
        return "dns"
    if isinstance(e, (TimeoutError, socket.timeout, websocket.WebSocketTimeoutException)):
        return "connect timeout"
    if isinstance(e, ConnectionResetError):
        return "reset"
    if isinstance(e, websocket.WebSocketException):
        return "handshake error"
    return "connect error"


def _sslopt(request: Request) -> dict[str, Any]:
    o = request.options
    opt: dict[str, Any] = {}
    if not o.tls_verify:
        opt.update(cert_reqs=ssl.CERT_NONE, check_hostname=False)
    if o.ca_file:
        opt["ca_certs"] = str(o.ca_file)
    if o.client_cert:
        opt["certfile"] = str(o.client_cert)
    if o.client_key:
        opt["keyfile"] = str(o.client_key)
    return opt


def _proxy(request: Request) -> dict[str, Any]:
    """``proxy`` option: ``auto`` (the environment's, as websocket-client reads it), none, a URL."""
    from urllib.parse import urlsplit

    proxy = request.options.proxy
    if proxy == "auto":
        return {}
    if proxy is None:
        return {"http_no_proxy": [urlsplit(request.url).hostname or ""]}
    p = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    auth = (p.username, p.password or "") if p.username else None
    return {
        "http_proxy_host": p.hostname,
        "http_proxy_port": p.port or 8080,
        "proxy_type": p.scheme
        if p.scheme in ("socks4", "socks4a", "socks5", "socks5h")
        else "http",
        "http_proxy_auth": auth,
    }


class _Conn:
    """The socket and what the assertions may ask of it."""

    def __init__(self, request: Request, meter: Meter, prefix: str, tap: Tap | None = None):
        self.request, self.meter, self.prefix, self.tap = request, meter, prefix, tap
        self.t0 = time.monotonic()
        self.ws = websocket.WebSocket(
            skip_utf8_validation=True, enable_multithread=False, sslopt=_sslopt(request)
        )
        self.facts = Facts()
        self.opened_at: float | None = None
        self.close_code: int | None = None
        self.last_send: float | None = None
        self.last_key: str | None = None  # the protocol key of the last message sent
        self.closing = False
        self.protocol: WireProtocol | None = make_protocol(request.options)
        self.pending: deque[Frame] = deque()  # protocol messages read, not yet taken
        self.refused: str | None = None  # the server's words for a refused handshake
        self.awaiting: dict[str, tuple[str, str, float]] = {}  # key -> (kind, name, sent at)
        self.record: Recorder | None = None

    def handshake(self, timeout: float) -> bool:
        """The protocol's handshake (Socket.IO namespace, GraphQL connection_init): True
        once ready; False (``refused`` says why) when refused, closed or too slow."""
        protocol = self.protocol
        if protocol is None:
            return True
        self.feed_out(protocol.start())
        deadline = time.perf_counter() + timeout
        while not protocol.ready and self.refused is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                self.refused = f"{protocol.name}: no handshake within {timeout:g} s"
                return False
            try:
                self.recv_frame(left)
            except _Closed as c:
                words = protocol.closed(c.code, c.reason) or f"closed {c.code} during the handshake"
                self.refused = f"{protocol.name}: {words}"
                return False
        return self.refused is None

    def feed_out(self, outputs: list[Any]) -> None:
        """Act on what the protocol said: send its frames, keep its messages."""
        assert self.protocol is not None
        for out in outputs:
            if isinstance(out, Send):
                try:
                    frames.send(
                        self.ws, out.frame, _TEXT if isinstance(out.frame, str) else _BINARY
                    )
                except (websocket.WebSocketException, OSError):
                    self._ended(1006, "")
                    raise _Closed(1006) from None
            elif isinstance(out, Delivered):
                data = json.dumps(out.body, ensure_ascii=False, separators=(",", ":"))
                raw = out.raw if isinstance(out.raw, str) else ""
                self.pending.append(Frame(data, "text", len(raw.encode()) or len(out.raw), out.key))
                self._answered(out.key, out.body)
                if self.tap is not None:
                    fmt = self.protocol.formats[0]
                    self.event("received", dir="in", type="text", format=fmt, data=data,
                               size=len(data.encode()), key=out.key)  # fmt: skip
            elif isinstance(out, Refused):
                self.refused = f"{self.protocol.name}: {out.words}"
            elif isinstance(out, Violation) and self.tap is not None:
                self.event("error", error="protocol", reason=f"{self.protocol.name}: {out.words}")

    def _answered(self, key: str | None, body: Any) -> None:
        """Record the latency of an acknowledgement, or of a GraphQL operation at its end."""
        if key is None or key not in self.awaiting or self.record is None:
            return
        kind, name, sent = self.awaiting[key]
        if kind == "operation" and not (
            isinstance(body, dict) and body.get("type") in ("complete", "error")
        ):
            return
        del self.awaiting[key]
        error = (
            "operation error" if isinstance(body, dict) and body.get("type") == "error" else None
        )
        self.record(kind, name, (time.perf_counter() - sent) * 1000, error)

    def recv(self, timeout: float) -> Frame | None:
        """The next message, ``None`` at the timeout; :class:`_Closed` when the connection ends.

        With a protocol: the next message for the user (its pings answered on the way)."""
        if self.protocol is None:
            return self.recv_frame(timeout)
        deadline = time.perf_counter() + timeout
        while not self.pending:
            left = deadline - time.perf_counter()
            if left <= 0 or self.recv_frame(left) is None:
                if not self.pending:
                    return None
        return self.pending.popleft()

    def recv_frame(self, timeout: float) -> Frame | None:
        """The next frame as received (fed to the protocol, if any, which keeps messages)."""
        if self.close_code is not None:
            raise _Closed(self.close_code)
        self.ws.settimeout(max(timeout, 0.0001))
        try:
            opcode, frame = frames.receive(self.ws, self.closing)
        except (websocket.WebSocketTimeoutException, TimeoutError):
            return None
        except (
            websocket.WebSocketConnectionClosedException,
            OSError,
            websocket.WebSocketException,
        ):
            self._ended(1006, "")
            raise _Closed(1006) from None
        if opcode == _CLOSE:
            data = frame
            code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
            reason = data[2:].decode("utf-8", "replace")
            self._ended(code, reason)
            raise _Closed(code, reason)
        data = frame
        if opcode == _TEXT:
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            out = Frame(text, "text", len(data))
        else:
            out = Frame(bytes(data), "binary", len(data))
        if self.protocol is not None:
            before = len(self.pending)
            self.feed_out(self.protocol.feed(out.data))
            got = len(self.pending) - before
            self.facts.received += got
            self.meter.inb += got
            self.meter.bytes_in += out.size
            return out
        self.facts.received += 1
        if self.tap is not None:
            self.event("received", dir="in", type=out.type, data=out.data, size=out.size)
        self.meter.inb += 1
        self.meter.bytes_in += out.size
        return out

    def event(self, kind: str, **fields: Any) -> None:
        """An event for the journal (only with a tap), as the engine would emit it."""
        if self.tap is not None:
            self.tap(
                Event(
                    kind,  # type: ignore[arg-type]
                    datetime.now(UTC),
                    time.monotonic() - self.t0,
                    request=self.request.name,
                    **fields,
                )
            )

    def _ended(self, code: int, reason: str, by: str = "server") -> None:
        if self.close_code is None:
            self.close_code = code
            if self.tap is not None:
                by = "error" if code == 1006 else "client" if self.closing else by
                self.event(
                    "close",
                    code=1000 if by == "client" else code,
                    reason="" if by == "client" else reason,
                    by=by,
                )
            self.facts.close_code, self.facts.close_reason = code, reason
            self._shut()

    def _shut(self) -> None:
        if self.opened_at is not None and self.facts.duration_ms is None:
            self.facts.duration_ms = (time.perf_counter() - self.opened_at) * 1000
            self.meter.closed()
        try:
            self.ws.shutdown()
        except Exception:  # noqa: BLE001 - the socket is gone either way
            pass

    def send(self, step: Message) -> bool:
        if self.protocol is not None and step.format in self.protocol.formats:
            return self._send_protocol(step, self.protocol)
        data = step.data
        try:
            if isinstance(data, bytes):
                frames.send(self.ws, data, _BINARY)
            else:
                frames.send(self.ws, data, _TEXT)
        except (websocket.WebSocketException, OSError):
            self._ended(1006, "")
            return False
        self.last_send = time.perf_counter()
        self.last_key = None
        self.facts.sent += 1
        if self.tap is not None:
            self.event(
                "sent",
                dir="out",
                type="binary" if isinstance(data, bytes) else "text",
                format=step.format,
                data=data,
                size=len(data) if isinstance(data, bytes) else len(data.encode()),
            )
        self.meter.out += 1
        self.meter.bytes_out += len(data) if isinstance(data, bytes) else len(data.encode())
        return True

    def _send_protocol(self, step: Message, protocol: WireProtocol) -> bool:
        try:
            encoded = protocol.encode(step)
        except ProtocolError as e:
            self.refused = f"{step.name}: {e}"
            return False
        size = 0
        try:
            for frame in encoded.frames:
                frames.send(self.ws, frame, _TEXT if isinstance(frame, str) else _BINARY)
                size += len(frame.encode()) if isinstance(frame, str) else len(frame)
        except (websocket.WebSocketException, OSError):
            self._ended(1006, "")
            return False
        self.last_send = time.perf_counter()
        self.last_key = encoded.key
        if encoded.key is not None:
            kind = "ack" if step.format == "socket.io" else "operation"
            self.awaiting[encoded.key] = (kind, f"{self.prefix}{kind} {step.name}", self.last_send)
        self.facts.sent += 1
        if self.tap is not None:
            self.event("sent", dir="out", type="text", format=step.format, data=encoded.shown,
                       size=size, name=step.name, key=encoded.key)  # fmt: skip
        self.meter.out += 1
        self.meter.bytes_out += size
        return True

    def close(self, timeout: float = 3.0) -> None:
        """Close with 1000 and wait for the server's answer (messages before it are counted)."""
        if self.close_code is not None:
            return
        self.closing = True
        try:
            frames.send_close(self.ws, 1000)
        except (websocket.WebSocketException, OSError):
            self._ended(1006, "")
            return
        deadline = time.perf_counter() + timeout
        while self.close_code is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                self._ended(1006, "")
                return
            try:
                self.recv_frame(left)
            except _Closed:
                break
        # Closed by us: the code the assertions see is ours, as in `wsblock run`.
        if self.facts.close_code not in (1006,):
            self.facts.close_code, self.facts.close_reason = 1000, ""


def play(
    request: Request,
    record: Recorder,
    meter: Meter,
    *,
    linger: float = 0.0,
    prefix: str = "",
    tap: Tap | None = None,
    secrets: Secrets | None = None,
) -> bool:
    """One conversation of *request*; True when everything held. Never raises for the network.

    *secrets*: this conversation's (default: the request's); the secret-like headers of
    the handshake's answer and the values captured into secrets join it, and what is
    recorded is masked with it (the caller's journal should follow it)."""
    if secrets is None:
        secrets = Secrets(request.secrets)

    def mask(text: str) -> str:
        return secrets.masker.mask(text)

    def name(n):
        return f"{prefix}{n}"

    conn = _Conn(request, meter, prefix, tap)
    conn.record = record
    conn.event("connecting", url=request.url)
    o = request.options
    url, subprotocols = request.url, list(o.subprotocols)
    if conn.protocol is not None:  # Socket.IO's path and query, GraphQL's subprotocol
        url = encode_url(conn.protocol.url(url))
        subprotocols += [p for p in conn.protocol.subprotocols if p not in subprotocols]
    t0 = time.perf_counter()
    failure: str | None = None
    opened = False
    try:
        proxy = _proxy(request)
        conn.ws.connect(
            url,
            socket=open_socket(conn.ws, url, o.connect_timeout, **proxy),  # buffered reads
            timeout=o.connect_timeout,
            header=[f"{k}: {v}" for k, v in request.headers],
            subprotocols=subprotocols or None,
            origin=o.origin,
            suppress_origin=o.origin is None,
            **proxy,
        )
    except Exception as e:  # noqa: BLE001 - every failure to connect is an error of a kind
        kind = _connect_error(e)
        meter.refused_in_a_row = meter.refused_in_a_row + 1 if kind == "refused" else 0
        record("connect", name("connect"), (time.perf_counter() - t0) * 1000, kind)
        conn.event(
            "error",
            error=kind,
            reason=mask(str(e))[:500],
            status=getattr(e, "status_code", None),
        )
        conn.event("close", code=1006, reason="", by="error")
        conn.facts.status = getattr(e, "status_code", None)
        headers = getattr(e, "resp_headers", None) or {}
        conn.facts.headers = list(headers.items())
        try:
            conn.ws.shutdown()
        except Exception:  # noqa: BLE001
            pass
        if not _failure_expected(request, conn.facts):
            failure = kind
    else:
        meter.refused_in_a_row = 0
        opened = True
    if opened and not conn.handshake(o.connect_timeout):
        kind = conn.refused or "handshake failed"
        record("connect", name("connect"), (time.perf_counter() - t0) * 1000, mask(kind))
        conn.event("error", error="protocol", reason=mask(kind))
        conn.closing = True
        conn.close(min(o.connect_timeout, 5.0))
        conn.facts.status = conn.ws.getstatus()
        if not _failure_expected(request, conn.facts):
            failure = kind
    elif opened:
        conn.opened_at = time.perf_counter()
        meter.opened()
        record("connect", name("connect"), (conn.opened_at - t0) * 1000)
        conn.facts.connected = True
        conn.facts.handshake_ms = (conn.opened_at - t0) * 1000  # responseTime, as in `run`
        conn.facts.status = conn.ws.getstatus()
        conn.facts.headers = list((conn.ws.getheaders() or {}).items())
        conn.facts.subprotocol = conn.ws.getsubprotocol()
        stateful = request.stateful  # (a property that walks the steps: read once)
        conv = Conversation(request) if stateful else None  # this user's values
        first: list[Action] = []
        if conv is not None:  # captured from the answer before its `open` is recorded
            first = conv.handshake(
                time.perf_counter(), conn.facts.status, conn.facts.headers, request.url,
                request.headers,
            )  # fmt: skip
        for secret in (*secrets_in_headers(conn.facts.headers), *captured_secrets(first)):
            secrets.add(secret)
        conn.event(
            "open",
            status=conn.facts.status,
            subprotocol=conn.facts.subprotocol,
            headers=tuple(conn.facts.headers),
        )
        if conv is not None:  # captures, pairing, rules, timers: linger included
            failure = _stateful(conv, first, conn, record, name, linger, secrets)
        else:
            failure = _steps(request, conn, record, name)
        if failure is None and linger > 0 and conn.close_code is None and not stateful:
            end = time.perf_counter() + linger
            try:
                while (left := end - time.perf_counter()) > 0:
                    conn.recv(left)
            except _Closed:
                pass
        conn.close(min(o.connect_timeout, 5.0))
        if (
            failure is None
            and conn.facts.close_code == 1006
            and not any(c.field.startswith("close") for c in request.assertions)
        ):
            failure = "closed 1006"
    if failure is not None and request.assertions:
        meter.unchecked[mask(failure)] += 1  # not failed: they could not be checked
    if failure is None:
        failed = judge(request.assertions, lambda n: assertion_value(n, conn.facts))
        if failed:
            failure = "assertion failed"
        if tap is not None:
            for c in request.assertions:
                bad = next((f for f in failed if f.startswith(f"{c.description}:")), None)
                conn.event("assert", ok=bad is None, name=c.description, reason=bad)
    ms = (time.perf_counter() - t0) * 1000
    record("conversation", name("conversation"), ms, failure and mask(failure))
    return failure is None


def _stateful(
    conv: Conversation,
    first: list[Action],
    conn: _Conn,
    record: Recorder,
    name: Callable[[str], str],
    linger: float,
    secrets: Secrets,
) -> str | None:
    """Play a conversation with captures, pairing, rules or timers through the same
    machine as ``wsblock run`` (:class:`~wsblock.conversation.state.Conversation`), this
    virtual user's own values, from ``first`` (the handshake's captures); rules and timers
    go on during ``linger``. A value captured into a secret joins ``secrets`` before any
    action is said. The kind of the first failure, or None."""
    now = time.perf_counter
    failure: str | None = None

    def do(actions: list[Action]) -> None:
        nonlocal failure
        for value in captured_secrets(actions):
            secrets.add(value)
        for a in actions:
            if isinstance(a, SendAction):
                message = a.message if a.by is None else replace(a.message, name=a.by)
                if failure is None:
                    if conn.close_code is not None or not conn.send(message):
                        failure = f"closed {conn.close_code}"
                    else:
                        conv.note_sent(a, now(), conn.last_key)
            elif isinstance(a, Held):
                record("expect", name(a.name), a.latency_ms or 0.0)
                conn.event("expect", ok=True, name=a.name, rtt_ms=a.latency_ms)
            elif isinstance(a, Failed):
                kind = {
                    "timeout": "expectation timeout",
                    "closed": f"closed {conn.close_code}",
                }.get(a.kind, "value not captured")
                if a.name:
                    record("expect", name(a.name), 0.0, kind)
                    conn.event(
                        "expect", ok=False, name=a.name, reason=secrets.masker.mask(a.reason)
                    )
                if failure is None:
                    failure = kind
            elif isinstance(a, Captured) and a.by is None:
                shown = "••••••" if a.secret else text_form(a.value)
                conn.event("capture", name=a.name, data=shown if a.found else None, ok=a.found)

    do(first)
    do(conv.start(now()))
    end: float | None = None
    while failure is None:
        if conv.steps_done:
            end = now() + linger if end is None else end
            if now() >= end:
                break
        limits = [x for x in (conv.deadline, end) if x is not None]
        wait = max(0.0, min(limits) - now()) if limits else 1.0
        try:
            frame = conn.recv(wait)
        except _Closed as c:
            do(conv.closed(now(), f"closed {c.code} {c.reason!r}"))
            if failure is None and not conv.steps_done:
                failure = f"closed {c.code}"
            break
        if frame is not None:
            do(conv.received(now(), frame.data, frame.type, frame.size, key=frame.key))
        if conv.deadline is not None and conv.deadline <= now():
            do(conv.tick(now()))
    return failure


def _failure_expected(request: Request, facts: Facts) -> bool:
    """Whether the file expects this connection to fail: it has rows on ``connected`` or
    ``status``, and each can be read and holds (``status equals 401``, ``connected equals
    false``). A row that cannot be read (no status from a refused port) expects nothing."""
    rows = tuple(c for c in request.assertions if c.field in ("connected", "status"))
    if not rows or any(assertion_value(c.field, facts) is MISSING for c in rows):
        return False
    return not judge(rows, lambda n: assertion_value(n, facts))


def _steps(
    request: Request, conn: _Conn, record: Recorder, name: Callable[[str], str]
) -> str | None:
    """Play the steps; the kind of the first failure, or None."""
    for step in request.steps:
        if isinstance(step, Message):
            if conn.close_code is not None or not conn.send(step):
                return f"closed {conn.close_code}"
            continue
        assert isinstance(step, Expect)
        since = (
            conn.last_send if conn.last_send is not None else conn.opened_at or time.perf_counter()
        )
        deadline = time.perf_counter() + step.timeout
        try:
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    record(
                        "expect",
                        name(step.name),
                        (time.perf_counter() - since) * 1000,
                        "expectation timeout",
                    )
                    conn.event("expect", ok=False, name=step.name, reason="expectation timeout")
                    return "expectation timeout"
                frame = conn.recv(left)
                if frame is None:
                    continue
                now = time.perf_counter()
                latency = None if conn.last_send is None else (now - conn.last_send) * 1000
                if not judge(step.checks, Inbound(frame, latency, request.options.decode).field):
                    record("expect", name(step.name), (now - since) * 1000, length=frame.size)
                    conn.event("expect", ok=True, name=step.name)
                    break
        except _Closed as c:
            kind = f"closed {c.code}"
            record("expect", name(step.name), (time.perf_counter() - since) * 1000, kind)
            conn.event("expect", ok=False, name=step.name, reason=kind)
            return kind
    return None
