"""``wsblock.connect``: one WebSocket connection for a test written in Python.

::

    async with wsblock.connect("ws://127.0.0.1:8765/echo") as conn:
        await conn.send({"op": "hello"})              # a dict or list goes as JSON text
        reply = await conn.expect({"body.op": "hello"})  # or rows, or a predicate
        assert reply.json()["op"] == "hello"
        await conn.close(1000, "done")

It runs on the engine's :class:`~wsblock.engine.Session`, as ``wsblock run`` does: the
session is journaled (one file per connection, secrets masked), and expectations are
the rows of a ``socket-expect`` judged by :mod:`wsblock.conversation.matching`. An
expectation looks at the messages received after the one the previous expectation
matched, skipping those that do not match, as a ``.void`` file's do.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from wsblock.conversation.checks import canonical_operator, stringify
from wsblock.conversation.matching import Inbound, judge
from wsblock.conversation.prechecks import (
    field_problem,
    header_value_problem,
    pattern_problem,
    url_problem,
)
from wsblock.conversation.request import Check, Options, Request
from wsblock.conversation.resolve import _option_parsers
from wsblock.engine import Session
from wsblock.engine.events import Event
from wsblock.engine.runs import ReceivedRun
from wsblock.journal import Journal, JournalError
from wsblock.testing.messages import Message
from wsblock.variables.masking import Masker
from wsblock.variables.secretnames import secret_header_values

if TYPE_CHECKING:
    from wsblock.engine.stream import EventStream

__all__ = [
    "Connection",
    "ConnectionFailed",
    "ExpectationFailed",
    "Rows",
    "connect",
    "expectation_checks",
]

#: What :meth:`Connection.expect` takes: ``{field: expected}`` (each ``equals``), rows
#: ``(field, operator, expected)`` or ``(description, field, operator, expected)`` as in a
#: ``socket-expect``, or a function of a :class:`Message` returning whether it matches.
Rows = Mapping[str, Any] | Sequence[Sequence[Any]] | Callable[[Message], bool]

#: Seconds :meth:`Connection.__aexit__` gives the closing handshake before cutting.
CLOSE_GRACE = 1.0


class ConnectionFailed(Exception):
    """The connection could not be opened, or a message could not be sent (in words)."""


class ExpectationFailed(AssertionError):
    """No message for which every row held arrived in time (a test failure)."""


def connect(
    url: str,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    subprotocols: Sequence[str] | None = None,
    options: Mapping[str, Any] | Options | None = None,
    name: str = "connect",
    log_dir: str | Path | None = None,
) -> Connection:
    """A connection to *url*, opened by ``async with`` (or :meth:`Connection.open`).

    Args:
        url: ``ws://`` or ``wss://``.
        headers: Handshake headers; ``Authorization``, ``Cookie`` and names that look
            secret (``X-Api-Key``, ``...token``) are masked in the journal and reports.
        subprotocols: Offered in ``Sec-WebSocket-Protocol``.
        options: ``socket-options`` rows as in a ``.void`` file
            (``{"compression": "none", "connect-timeout": 5, "decode": "msgpack"}``),
            or an :class:`~wsblock.conversation.request.Options`.
        name: The session's name in the journal.
        log_dir: Where the session is journaled (default ``$XDG_STATE_HOME/wsblock/sessions``).

    Raises:
        ValueError: a URL, header or option that cannot be used (before connecting).
    """
    return Connection(_request(url, headers, subprotocols, options, name), log_dir)


def _request(
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
    subprotocols: Sequence[str] | None,
    options: Mapping[str, Any] | Options | None,
    name: str,
) -> Request:
    if not isinstance(url, str) or not url.lower().startswith(("ws://", "wss://")):
        raise ValueError(f"the URL must start with ws:// or wss://, got {url!r}")
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers or ())
    secrets: set[str] = set()
    for key, value in pairs:
        problem = header_value_problem(value)
        if problem:
            raise ValueError(f"header {key}: {problem}")
        secrets.update(secret_header_values(key, value))
    opts = options if isinstance(options, Options) else _options(options or {})
    if subprotocols:
        opts = Options(**{**vars(opts), "subprotocols": tuple(subprotocols)})
    return Request(
        name=name,
        url=url,
        headers=tuple((str(k), str(v)) for k, v in pairs),
        options=opts,
        secrets=frozenset(s for s in secrets if s),
    )


#: Python values for options whose words are not true/false.
_WORDS = {"compression": ("deflate", "none"), "reconnect": ("on", "off")}


def _options(rows: Mapping[str, Any]) -> Options:
    """``socket-options`` rows, parsed and checked as a ``.void`` file's are."""
    parsers = _option_parsers(Path.cwd(), Path.cwd())
    values: dict[str, object] = {}
    for key, value in rows.items():
        k = str(key).strip().lower()
        if k not in parsers:
            raise ValueError(f"unknown option {key!r}; known: {', '.join(parsers)}")
        if isinstance(value, bool):
            yes, no = _WORDS.get(k, ("true", "false"))
            value = yes if value else no
        attr, parse = parsers[k]
        try:
            values[attr] = parse("none" if value is None else str(value))
        except ValueError as e:
            raise ValueError(f"option {key}: {e}") from None
    return Options(**values)  # type: ignore[arg-type]


def expectation_checks(rows: Mapping[str, Any] | Sequence[Sequence[Any]]) -> tuple[Check, ...]:
    """Rows as :class:`~wsblock.conversation.request.Check`, checked as a file's are
    (known fields and operators, valid ``matches`` patterns): ``ValueError`` if not."""
    if isinstance(rows, Mapping):
        listed: list[Sequence[Any]] = [(k, "equals", v) for k, v in rows.items()]
    elif isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise ValueError(
            f"expect() takes a dict of field: value, rows (field, operator, expected) or a "
            f"function, not {type(rows).__name__}"
        )
    else:
        listed = list(rows)
    if not listed:
        raise ValueError("expect() needs at least one row")
    out = []
    for n, row in enumerate(listed, 1):
        if isinstance(row, (str, bytes)) or len(row) not in (3, 4):
            raise ValueError(
                f"row {n}: expected (field, operator, expected) or "
                f"(description, field, operator, expected), got {row!r}"
            )
        desc, fld, op, expected = row if len(row) == 4 else (None, *row)
        canon = canonical_operator(str(op))
        if canon is None:
            raise ValueError(f"row {n}: unknown operator {op!r}")
        problem = field_problem(str(fld), "expect")
        if problem:
            raise ValueError(f"row {n}: {problem}")
        value = expected if isinstance(expected, str) else stringify(expected)
        problem = pattern_problem(value) if canon == "matches" else None
        if problem:
            raise ValueError(f"row {n}: {problem}")
        out.append(Check(str(desc or f"{fld} {op} {value}"), str(fld), canon, value, f"row {n}"))
    return tuple(out)


class _Received:
    """A received message as :class:`~wsblock.conversation.matching.Inbound` reads it."""

    __slots__ = ("data", "type", "size")

    def __init__(self, message: Message) -> None:
        self.data, self.type, self.size = message.payload, message.type, message.size


class Connection:
    """A live connection of a Python test; see :func:`connect`.

    Attributes:
        request: What it connects to, with which headers and options.
        session: The engine's :class:`~wsblock.engine.Session` (for what this class does not offer).
        journal: The path of the session's journal, once opened.
    """

    def __init__(self, request: Request, log_dir: str | Path | None = None) -> None:
        self.request = request
        self.session = Session(request)
        self.journal: Path | None = None
        self._log_dir = Path(log_dir) if log_dir is not None else None
        self._masker = Masker(request.secrets)
        self._codec = request.options.decode
        self._messages: list[Message] = []
        self._received: list[Message] = []
        self._cursor = 0  # the next received message an expectation looks at
        self._last_sent: float | None = None  # mono of the last send (latency rows)
        self._arrived = asyncio.Event()
        self._closed = asyncio.Event()
        self._close_event: Event | None = None
        self._error_event: Event | None = None
        self._journal: Journal | None = None
        self._journal_error: OSError | None = None
        self._stream: EventStream | None = None
        self._pump: asyncio.Task[None] | None = None
        self._t0 = time.monotonic()

    # Opening and closing.

    async def __aenter__(self) -> Connection:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Connect; :class:`ConnectionFailed` says why it could not (refused, 401...)."""
        from wsblock.cli.common import journal_dir
        from wsblock.userinput import BadInput

        try:
            folder = journal_dir(self._log_dir)
        except BadInput as e:
            raise ConnectionFailed(str(e)) from None
        self._journal = Journal.create(
            log_dir=folder,
            name=self.request.name,
            secrets=self._masker,
            url=self.request.url,
            codecs=self.request.codecs,
        )
        self._journal.on_error = self._journal_failed
        self.journal = self._journal.path
        self.session.add_parts_listener(self._journal.record_parts)
        self._stream = self.session.subscribe()
        self._pump = asyncio.create_task(self._run_pump())
        if not await self.session.connect():
            await self._delivered()
            why = self._why()
            await self.aclose()
            raise ConnectionFailed(
                f"could not connect to {self._masker.mask(self.request.url)}: {why}"
            )
        await self._delivered()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close with *code* and *reason* and wait for the closing handshake to end."""
        if self.session.state.name != "DISCONNECTED":
            await self.session.close(code, reason)
        await self.session.wait_closed()
        await self._delivered()

    async def aclose(self) -> None:
        """Close with 1000 if still open (cut after :data:`CLOSE_GRACE` s), then end the
        journal. Raises :class:`ConnectionFailed` when the journal could not be written."""
        try:
            if self.session.state.name != "DISCONNECTED":
                task = asyncio.ensure_future(self.close())
                done, _ = await asyncio.wait({task}, timeout=CLOSE_GRACE)
                if not done:
                    self.session.abort()
                    await asyncio.wait({task})
        finally:
            if self._stream is not None:
                self._stream.close()
            if self._pump is not None:
                await asyncio.wait({self._pump})
            if self._journal is not None:
                journal, self._journal = self._journal, None
                try:
                    journal.close()
                except JournalError as e:
                    self._journal_error = self._journal_error or OSError(str(e))
        if self._journal_error is not None:
            error, self._journal_error = self._journal_error, None
            raise ConnectionFailed(
                f"the journal {self.journal} could not be written: {error.strerror or error}"
            )

    # Sending and expecting.

    async def send(self, message: str | bytes | bytearray | dict[str, Any] | list[Any]) -> None:
        """Send text, bytes (a binary frame), or a dict or list as JSON text.

        With an ``encode`` option, a dict or list is sent encoded (a binary frame).
        Raises :class:`ConnectionFailed` when the connection is not open.
        """
        s = self.session
        if isinstance(message, (dict, list)):
            codec = self.request.options.encode
            if codec is not None:
                ok = await s.send_bytes(codec.encode(message))
            else:
                ok = await s.send_text(json.dumps(message, ensure_ascii=False), "json")
        elif isinstance(message, str):
            ok = await s.send_text(message)
        elif isinstance(message, (bytes, bytearray, memoryview)):
            ok = await s.send_bytes(message)
        else:
            raise TypeError(f"send() takes str, bytes, dict or list, not {type(message).__name__}")
        await self._delivered()
        if not ok:
            raise ConnectionFailed(f"cannot send: the connection is not open ({self._why()})")

    async def expect(self, rows: Rows, timeout: float = 5.0, *, name: str | None = None) -> Message:
        """The first message received (after the one the last expectation matched) for
        which every row holds, or *predicate* is true; the others are skipped.

        Raises :class:`ExpectationFailed` (an ``AssertionError``) after *timeout* seconds,
        or when the connection closes first, naming the rows that did not hold on the
        last message (secrets masked); ``ValueError`` for rows that cannot be judged.
        """
        test: Callable[[Message], list[str]]
        if callable(rows) and not isinstance(rows, (Mapping, Sequence)):
            predicate = rows
            label: str = name or getattr(predicate, "__name__", None) or "predicate"
            test = lambda m: [] if predicate(m) else [f"{label}: false"]  # noqa: E731
        else:
            checks = expectation_checks(rows)
            label = name or "; ".join(c.description for c in checks)

            def test(m: Message) -> list[str]:
                latency = None if self._last_sent is None else (m.mono - self._last_sent) * 1000
                return judge(checks, Inbound(_Received(m), latency, self._codec).field)

        if not timeout >= 0:
            raise ValueError(f"timeout must be seconds >= 0, got {timeout!r}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last: list[str] | None = None
        while True:
            while self._cursor < len(self._received):
                msg = self._received[self._cursor]
                self._cursor += 1
                failed = test(msg)
                if not failed:
                    self._record_expect(label, True, None)
                    return msg
                last = failed
            if self._closed.is_set():
                why = f"the connection closed ({self._why()})"
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                why = f"no matching message within {timeout:g} s"
                break
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass
        detail = ("; last message: " + "; ".join(last)) if last else "; no message arrived"
        reason = self._masker.mask(f"{why}{detail}")
        self._record_expect(label, False, reason)
        raise ExpectationFailed(f"expect {self._masker.mask(label)!r}: {reason}")

    # What happened.

    @property
    def messages(self) -> Sequence[Message]:
        """Every message sent and received so far, in order."""
        return self._messages

    @property
    def received(self) -> Sequence[Message]:
        """The messages received so far, in order."""
        return self._received

    @property
    def close_code(self) -> int | None:
        return self.session.close_code

    @property
    def close_reason(self) -> str | None:
        return self.session.close_reason

    @property
    def closed_by(self) -> str | None:
        """``client``, ``server`` or ``error`` once closed, else None."""
        return self.session.closed_by

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # The pump: every event of the session, in order.

    async def _run_pump(self) -> None:
        assert self._stream is not None
        stream, journal, codec = self._stream, self._journal, self._codec
        while parts := await stream.parts():
            if journal is not None:
                journal.write_now()  # on disk before a test sees it
            for part in parts:
                if type(part) is ReceivedRun:
                    for one in part.events():
                        msg = Message.from_event(one, codec)
                        self._messages.append(msg)
                        self._received.append(msg)
                    self._arrived.set()
                    continue
                event: Event = part  # type: ignore[assignment]
                if event.kind == "sent":
                    self._messages.append(Message.from_event(event))
                    self._last_sent = event.mono
                elif event.kind == "received":
                    msg = Message.from_event(event, codec)
                    self._messages.append(msg)
                    self._received.append(msg)
                    self._arrived.set()
                elif event.kind == "error" and self._error_event is None:
                    self._error_event = event
                elif event.kind == "close":
                    self._close_event = event
                    self._closed.set()
                    self._arrived.set()

    async def _delivered(self) -> None:
        """Wait until the pump has handled every event emitted so far (or has stopped)."""
        if self._stream is None or self._pump is None or self._pump.done():
            return
        waiter = asyncio.ensure_future(self._stream.delivered())
        await asyncio.wait({waiter, self._pump}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()

    def _record_expect(self, name: str, ok: bool, reason: str | None) -> None:
        if self._journal is None:
            return
        self._journal.record(
            Event(
                "expect",
                datetime.now(UTC),
                time.monotonic() - self._t0,
                ok=ok,
                name=name,
                reason=reason,
                request=self.request.name,
            )
        )

    def _journal_failed(self, exc: OSError) -> None:
        self._journal_error = self._journal_error or exc

    def _why(self) -> str:
        """Why the connection ended or failed, in the engine's words (masked)."""
        err, close = self._error_event, self._close_event
        if err is not None and err.reason:
            text = err.reason + (f" (body: {err.body[:200]})" if err.body else "")
        elif close is not None:
            code = f"closed {close.code}" if close.code is not None else "closed"
            reason = f' "{close.reason}"' if close.reason else ""
            text = f"{code}{reason} by {close.by or 'unknown'}"
        else:
            text = "not connected"
        return self._masker.mask(text)
