"""Headless runs: connect, play a request's steps, check its assertions.

For each request: connect; perform the ``socket-messages`` steps in order (a
``socket-message`` is sent; a ``socket-expect`` waits for an inbound message for
which every row holds, logging and skipping the others); wait ``linger`` seconds for
more messages or a close by the server (which ends the wait); close with 1000; then
evaluate the ``assertions-table``. Every event is journaled and reported.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import compress, count, repeat
from pathlib import Path
from typing import Any

from wsblock.conversation.matching import Facts, assertion_value
from wsblock.conversation.matching import Inbound as _Inbound
from wsblock.conversation.matching import judge as _judge
from wsblock.conversation.request import Check, Expect, Message, Request, Step
from wsblock.conversation.state import ANY_MESSAGE, Action, Conversation
from wsblock.engine import Session
from wsblock.engine.conductor import Conductor, action_event
from wsblock.engine.events import Event
from wsblock.engine.handshake_secrets import guard_handshake
from wsblock.engine.runs import Part, ReceivedRun
from wsblock.journal import Journal
from wsblock.variables.masking import Masker, Secrets

__all__ = ["RequestResult", "Stopper", "run_request", "skipped"]

CLOSE_GRACE = 1.0
"""Seconds a run cut short (``--timeout``, Ctrl-C) gives the closing handshake."""

MAX_BACKLOG = 50_000
"""Events a run's report may fall behind the socket: a server faster than the printing is
held back (TCP flow control) instead of piling up in memory (engine Session)."""

CLOSE_AFTER_FAILURE = 1.0
"""Seconds the closing handshake gets after a failed step: a server that floods or never
answers the close frame does not hold the run for the whole close-timeout."""


@dataclass
class RequestResult:
    """How one request went."""

    name: str
    file: Path | None = None
    index: int = 0
    url: str = ""
    status: str = "passed"  # passed | failed | skipped
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    received: int = 0
    duration: float = 0.0  # seconds, from the start of connecting to the end
    journal: Path | None = None
    reason: str = ""  # why it was skipped
    waiting_on: str = ""  # the step under way when the run was cut short (--timeout, Ctrl-C)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def fail(self, text: str, masker: Masker | None = None) -> None:
        """Record a failure (masked: reports and JUnit files must not leak secrets)."""
        self.status = "failed"
        self.failures.append(masker.mask(text) if masker else text)


def skipped(name: str, file: Path | None, index: int, reason: str) -> RequestResult:
    return RequestResult(name, file, index, status="skipped", reason=reason)


Listener = Callable[[Event], None]
PartsListener = Callable[[Sequence[Part]], None]


class _Msg:
    """One message of a run, as an expectation reads it (``data``, ``type``, ``size``)."""

    __slots__ = ("data", "type", "size")

    def __init__(self, data: str | bytes, type: str, size: int) -> None:
        self.data, self.type, self.size = data, type, size


class _Pending:
    """The messages of a run not yet looked at by an expectation: from ``start`` on."""

    __slots__ = ("run", "start", "latency")

    def __init__(self, run: ReceivedRun, start: int, latency: float | None) -> None:
        self.run, self.start, self.latency = run, start, latency

    def inbound(self, i: int, codec: Any) -> _Inbound:
        run = self.run
        return _Inbound(_Msg(run.data[i], run.type, run.sizes[i]), self.latency, codec)


#: Rows on ``body`` whose test on a text message is one ``str`` operation: a run of
#: messages is then scanned in C for the first that holds (see :func:`_first_match`).
_BODY_TESTS: dict[str, Callable[[Sequence[Any], str], Iterator[Any]]] = {
    "equals": lambda data, e: map(e.__eq__, data),
    "notEquals": lambda data, e: map(e.__ne__, data),
    "contains": lambda data, e: map(str.__contains__, data, repeat(e)),
    "notContains": lambda data, e: map(False.__eq__, map(str.__contains__, data, repeat(e))),
    "starts-with": lambda data, e: map(str.startswith, data, repeat(e)),
    "ends-with": lambda data, e: map(str.endswith, data, repeat(e)),
}


class _Unjudged:
    """The last message of a run no message of which matched, and the rows: judged in
    words (:func:`_told`) only when the failure is told. A flood whose expectation waits
    for its last message passes over thousands of runs, and the words of each (the
    message quoted, KiB of it) were made for nothing."""

    __slots__ = ("checks", "message")

    def __init__(self, checks: tuple[Check, ...], message: _Inbound) -> None:
        self.checks, self.message = checks, message


def _told(last: list[str] | _Unjudged) -> list[str]:
    """The rows the last message failed, in words."""
    if type(last) is _Unjudged:
        return _judge(last.checks, last.message.field)
    return last  # type: ignore[return-value]


#: Average message size (bytes) under which a run's text is searched joined first.
_JOINED_SEARCH = 256


#: Rows that hold on a message only when their text is in it.
_TEXT_IN_IT = frozenset(("equals", "contains", "starts-with", "ends-with"))


def _first_match(checks: tuple[Check, ...], run: ReceivedRun, start: int) -> int | None:
    """The index of the first message of ``run`` from ``start`` for which every row
    holds, -1 if none does; None when the rows need the general path (other fields
    or operators, binary messages).

    A row's text missing from the run's messages joined end to end is in none of them:
    the run has no match, found with one search instead of a call per message (a flood
    of small messages whose expectation waits for its last one). Found there, it may be
    in one message or span two: the scan decides. Messages of KiB are scanned at once:
    a copy and a search of all their text cost more than a call each."""
    if (
        not checks
        or run.type != "text"
        or any(c.field != "body" or c.operator not in _BODY_TESTS for c in checks)
    ):
        return None
    data = run.data[start:] if start else run.data
    wanted = [c.expected for c in checks if c.operator in _TEXT_IN_IT]
    if wanted and len(data) > 1 and sum(run.sizes) < _JOINED_SEARCH * len(run.sizes):
        whole = "".join(data)  # type: ignore[arg-type]  # a text run: str payloads
        if any(isinstance(e, str) and e not in whole for e in wanted):
            return -1
    tests = [_BODY_TESTS[c.operator](data, c.expected) for c in checks]
    hits = tests[0] if len(tests) == 1 else map(all, zip(*tests, strict=True))
    return next(compress(count(start), hits), -1)


class Stopper:
    """The sessions of runs under way, so that a caller out of time can cut them all.

    A caller that cancels runs sets :attr:`why` first (``the run timed out after 2 s``);
    each run cut short adds its result, with what really happened until then (counts,
    duration, the step it was waiting on, the journal), to :attr:`cut`.
    """

    def __init__(self) -> None:
        self.sessions: set[Session] = set()
        self.why = "the run was cut short"
        self.cut: list[RequestResult] = []

    def abort(self) -> None:
        """Cut every live connection at once, without a closing handshake."""
        for session in list(self.sessions):
            session.abort()


class _Run:
    def __init__(
        self,
        request: Request,
        listener: Listener,
        journal: Journal | None,
        parts_listener: PartsListener | None = None,
        values: dict[str, Any] | None = None,
        secrets: Secrets | None = None,
    ):
        self.request = request
        #: The session's secrets: the request's, and those captured (the journal follows).
        self.secrets = secrets if secrets is not None else Secrets(request.secrets)
        self.session = Session(request, max_backlog=MAX_BACKLOG)
        guard_handshake(self.session, self.secrets)  # a Set-Cookie masked in `open` too
        self.listener = listener
        self.parts_listener = parts_listener
        self.journal = journal
        self.inbox: deque[_Inbound | _Pending] = deque()
        self.arrived = asyncio.Event()
        self.closed = asyncio.Event()
        self.last_sent_mono: float | None = None
        self.t0 = time.monotonic()
        self.opened_at: float | None = None
        self.closed_at: float | None = None
        self.close_event: Event | None = None
        self.error_event: Event | None = None
        self.protocol_errors: list[str] = []  # a protocol broken after the handshake (words)
        # Inbound messages are kept for matching only while an expectation is still to
        # come; after the last one they are counted (by the session), not kept.
        self.expects_left = sum(not isinstance(step, Message) for step in request.steps)
        self.step = "connecting"  # what the run is doing, in words (see _cut_short)
        self.last_judged: list[str] | _Unjudged | None = None  # the rows the last message failed
        if journal is not None:
            self.session.add_parts_listener(journal.record_parts)

            def journal_masks(masker: Masker) -> None:
                journal.masker = masker

            self.secrets.follow(journal_masks)
        self.stream = self.session.subscribe()
        self.pump_task: asyncio.Task[None] | None = None
        self.conductor: Conductor | None = None  # a stateful conversation's driver
        if request.stateful:
            self.expects_left = 0  # the conversation keeps what it needs
            conversation = Conversation(request, {} if values is None else values)
            self.conductor = Conductor(
                self.session, conversation, lambda a: _report(self, a), self.secrets
            )

    def emit(self, kind: str, *, quiet: bool = False, **fields: Any) -> None:
        """A runner event (expect/assert): journaled and reported like the session's
        (``quiet``: journaled only, as a rule's capture of each message)."""
        event = Event(
            kind,  # type: ignore[arg-type]
            datetime.now(UTC),
            time.monotonic() - self.t0,
            request=self.request.name,
            **fields,
        )
        if self.journal is not None:
            self.journal.record(event)
        if not quiet:
            self.listener(event)

    async def pump(self) -> None:
        """Hand every event to the listener, in order, until the stream is closed and empty.

        Received messages come in runs (engine/runs.py): a parts listener gets them as
        they are, and expectations look at their columns; events are built only for a
        per-event listener.
        """
        stream = self.stream
        journal = self.journal
        listener = self.listener
        parts_listener = self.parts_listener
        codec = self.request.options.decode
        while parts := await stream.parts():
            if journal is not None:
                # What is reported is on disk first: a killed process never loses a
                # message it has shown (a failed write is said by the journal's on_error).
                journal.write_now()
            if parts_listener is not None:
                parts_listener(parts)
            if self.conductor is not None:
                self.conductor.feed(parts)
            for part in parts:
                if type(part) is ReceivedRun:
                    if parts_listener is None:
                        for one in part.events():
                            listener(one)
                    if self.expects_left:
                        latency = (
                            None
                            if self.last_sent_mono is None
                            else (part.mono - self.last_sent_mono) * 1000
                        )
                        self.inbox.append(_Pending(part, 0, latency))
                        self.arrived.set()
                    continue
                event: Event = part  # type: ignore[assignment]
                if parts_listener is None:
                    listener(event)
                if event.kind == "sent":
                    self.last_sent_mono = event.mono
                elif event.kind == "received" and self.expects_left:
                    latency = (
                        None
                        if self.last_sent_mono is None
                        else (event.mono - self.last_sent_mono) * 1000
                    )
                    self.inbox.append(_Inbound(event, latency, codec))
                    self.arrived.set()
                elif event.kind == "open":
                    self.opened_at = time.monotonic()
                elif event.kind == "error":
                    if self.error_event is None:
                        self.error_event = event
                    if event.error == "protocol" and self.opened_at is not None:
                        self.protocol_errors.append(event.reason or "")
                elif event.kind == "close":
                    self.close_event = event
                    self.closed_at = time.monotonic()
                    self.closed.set()
                    self.arrived.set()

    async def expect(self, step: Expect) -> str | None:
        """``None`` when a message matched, else the failure."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + step.timeout
        last: list[str] | _Unjudged | None = None
        while True:
            busy_since = loop.time()
            codec = self.request.options.decode
            while self.inbox:
                item = self.inbox.popleft()
                if type(item) is _Pending:
                    run = item.run
                    found = _first_match(step.checks, run, item.start)
                    if found is not None:  # scanned in C
                        if found < 0:  # judged in words only if the failure is told
                            last = self.last_judged = _Unjudged(
                                step.checks, item.inbound(len(run) - 1, codec)
                            )
                            continue
                        if found + 1 < len(run):
                            self.inbox.appendleft(_Pending(run, found + 1, item.latency))
                        self._matched(step)
                        return None
                    # One by one; what is left goes back to the front of the inbox.
                    if item.start + 1 < len(run):
                        self.inbox.appendleft(_Pending(run, item.start + 1, item.latency))
                    msg = item.inbound(item.start, codec)
                else:
                    msg = item  # type: ignore[assignment]
                failed = _judge(step.checks, msg.field)
                if not failed:
                    self._matched(step)
                    return None
                last = self.last_judged = failed
                if loop.time() - busy_since > 0.05:  # slow rows (a `matches` near its time bound):
                    if loop.time() >= deadline:  # the expect timeout still holds,
                        break
                    await asyncio.sleep(0)  # and --timeout and Ctrl-C get their turn
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():  # a cancel that wait_for lost
                        raise asyncio.CancelledError
                    busy_since = loop.time()
            if self.closed.is_set():
                why = "the connection closed"
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                why = f"no matching message within {step.timeout:g} s"
                break
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except TimeoutError:
                pass
        detail = ("; last message: " + "; ".join(_told(last))) if last else "; no message arrived"
        self.emit("expect", ok=False, name=step.name, reason=f"{why}{detail}")
        return f"expect {step.name!r} ({step.where}): {why}{detail}"

    def _matched(self, step: Expect) -> None:
        self.expects_left -= 1
        if not self.expects_left:
            self.inbox.clear()
        self.emit("expect", ok=True, name=step.name, reason=None if step.checks else ANY_MESSAGE)

    def assertion_value(self, name: str) -> Any:
        s, ev = self.session, self.close_event
        end = self.closed_at or time.monotonic()
        return assertion_value(
            name,
            Facts(
                connected=self.opened_at is not None,
                status=s.status,
                headers=s.response_headers or (),
                subprotocol=s.subprotocol,
                close_code=ev.code if ev else None,
                close_reason=(ev.reason or "") if ev else None,
                sent=s.stats.sent,
                received=s.stats.received,
                duration_ms=None if self.opened_at is None else (end - self.opened_at) * 1000,
                handshake_ms=None if self.opened_at is None else (self.opened_at - self.t0) * 1000,
            ),
        )


async def run_request(
    request: Request,
    listener: Listener,
    *,
    journal: Journal | None = None,
    linger: float = 1.0,
    stopper: Stopper | None = None,
    parts_listener: PartsListener | None = None,
    values: dict[str, Any] | None = None,
    secrets: Secrets | None = None,
) -> RequestResult:
    """Run one request to the end; never raises for network trouble (it fails the result).

    Cancelled (a time limit, Ctrl-C), it closes with 1000 and gives the closing handshake
    :data:`CLOSE_GRACE` seconds before cutting the connection; ``stopper.abort()`` cuts
    it at once. With ``parts_listener``, each batch of events goes to it, received
    messages in runs (:class:`~wsblock.engine.runs.ReceivedRun`), instead of one event
    at a time to ``listener`` (which still gets the runner's own expect/assert events).
    ``values``: the ``{{process.NAME}}`` captured so far, shared by the requests of a run.
    ``secrets``: the session's :class:`~wsblock.variables.masking.Secrets` (default: the
    request's), which values captured into secrets join; the journal follows it, and so
    should the caller's listeners, to mask them from the moment they are captured.
    """
    run = _Run(request, listener, journal, parts_listener, values, secrets)
    url = run.secrets.masker.mask(request.url)
    result = RequestResult(request.name, request.file, request.index, url)
    if journal is not None:
        result.journal = journal.path
    if stopper is not None:
        stopper.sessions.add(run.session)
    pump = run.pump_task = asyncio.create_task(run.pump())
    judged_by_assertions = any(c.field in ("connected", "status") for c in request.assertions)
    try:
        connected = await run.session.connect()
        await _delivered(run)  # the pump has seen the connect events
        if not connected:
            if not judged_by_assertions:
                result.fail(f"could not connect to {request.url}: {_why(run)}", run.secrets.masker)
        else:
            if run.conductor is not None:  # captures, pairing, rules, timers
                failure = await _play_stateful(run.conductor)
                if failure:
                    result.fail(failure, run.secrets.masker)
            for step in request.steps if run.conductor is None else ():
                run.step, run.last_judged = _step_words(step), None
                if isinstance(step, Message):
                    if run.closed.is_set() or not await run.session.send(step):
                        await _delivered(run)
                        result.fail(
                            f"message {step.name!r} ({step.where}) not sent: the connection "
                            f"closed ({_why(run)})",
                            run.secrets.masker,
                        )
                        break
                elif isinstance(step, Expect):
                    failure = await run.expect(step)
                    if failure:
                        result.fail(failure, run.secrets.masker)
                        break
            run.step = f"lingering ({linger:g} s)"
            if not run.closed.is_set() and linger > 0 and result.ok:
                try:
                    await asyncio.wait_for(run.closed.wait(), linger)
                except TimeoutError:
                    pass
            run.step = "closing"
            if not run.closed.is_set():
                await _close_after(run.session, result)
            await run.session.wait_closed()
            await _delivered(run)
            if run.conductor is not None:
                await _end_stateful(run)
            ev = run.close_event
            if (
                ev is not None
                and (ev.by == "error" or ev.code == 1006)
                and not any(c.field.startswith("close") for c in request.assertions)
            ):
                what = "dropped" if ev.code == 1006 else "was failed by the client"
                result.fail(f"the connection {what}: {_why(run)}", run.secrets.masker)
            for words in run.protocol_errors:  # Socket.IO / GraphQL: said, and red
                result.fail(words, run.secrets.masker)
        # The pump has reported everything the session emitted before judging.
        await _delivered(run)
        failed = _judge(request.assertions, run.assertion_value)
        for c in request.assertions:
            ok = not any(f.startswith(f"{c.description}:") for f in failed)
            run.emit(
                "assert",
                ok=ok,
                name=c.description,
                reason=None if ok else next(f for f in failed if f.startswith(f"{c.description}:")),
            )
        for f in failed:
            result.fail(f"assertion {f}", run.secrets.masker)
    except asyncio.CancelledError:
        _cut_short(result, run, stopper, run.secrets.masker)
        await _close_within(run.session, CLOSE_GRACE)
        raise
    finally:
        if run.session.state.name != "DISCONNECTED":
            await _close_within(run.session, CLOSE_GRACE)
        if run.conductor is not None:
            await run.conductor.stop()
        # Every event reported, none lost: the stream ends, the pump empties it and stops.
        run.stream.close()
        await asyncio.wait({pump})
        if stopper is not None:
            stopper.sessions.discard(run.session)
        result.sent = run.session.stats.sent
        result.received = run.session.stats.received
        result.duration = time.monotonic() - run.t0
    crash = None if pump.cancelled() else pump.exception()
    if crash is not None:  # a listener failed: events were not all reported; say so
        raise crash
    return result


async def _play_stateful(conductor: Conductor) -> str | None:
    """Play a conversation with captures, pairing, rules or timers (:mod:`wsblock.
    conversation.state`, driven by :class:`~wsblock.engine.conductor.Conductor`, fed by
    the pump from the start); its rules and timers go on, after the steps, until the
    connection ends. The failure, or None."""
    conductor.open()
    return await conductor.settled()


def _report(run: _Run, action: Action) -> None:
    """A conversation's action as the runner's events (journaled and reported; a secret
    captured has joined the session's secrets already: see the conductor)."""
    said = action_event(action)
    if said is not None:
        kind, fields, quiet = said
        run.emit(kind, quiet=quiet, **fields)


async def _end_stateful(run: _Run) -> None:
    """The conversation's end: its rules and timers stop; how often each fired."""
    conductor = run.conductor
    assert conductor is not None
    await conductor.stop()
    for fields in conductor.tally():
        run.emit("rule", **fields)


def _step_words(step: Step) -> str:
    """What a run does at *step*, as a cut run says it: ``waiting for expect 'x' (f.void:12)``."""
    place = step.where.split(" socket-messages", 1)[0]  # "f.void:12 socket-messages expect 'x'"
    if isinstance(step, Message):
        what = f"sending message {step.name!r}"
    elif isinstance(step, Expect):
        what = f"waiting for expect {step.name!r}"
    else:  # a rule or a timer starts
        what = f"starting {step.name!r}"
    return what + (f" ({place})" if place else "")


def _cut_short(result: RequestResult, run: _Run, stopper: Stopper | None, masker: Masker) -> None:
    """Fail *result* as cut short (``--timeout``, Ctrl-C), naming the step under way and
    what the last message did not hold; hand it to *stopper* (its counts, duration and
    journal are filled in as the run ends), so that the caller reports what happened."""
    why = stopper.why if stopper is not None else "the run was cut short"
    result.waiting_on = run.step
    text = f"{why} while {run.step}"
    if run.step.startswith("waiting for expect"):
        last = run.last_judged
        text += ("; last message: " + "; ".join(_told(last))) if last else "; no message arrived"
    result.fail(text, masker)
    if stopper is not None:
        stopper.cut.append(result)


async def _close_after(session: Session, result: RequestResult) -> None:
    """Close with 1000 once the steps are done; after a failed one, the server gets
    :data:`CLOSE_AFTER_FAILURE` seconds to finish the closing handshake (then the
    connection is cut, and the session's ``error`` event says so)."""
    await session.close(1000, "", timeout=None if result.ok else CLOSE_AFTER_FAILURE)


async def _close_within(session: Session, grace: float) -> None:
    """Close with 1000; cut the connection if the closing handshake takes over ``grace``."""

    async def close() -> None:
        await session.close(1000, "")
        await session.wait_closed()

    task = asyncio.ensure_future(close())
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        session.abort()
        await asyncio.wait({task})
    if not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]


async def _delivered(run: _Run) -> None:
    """Wait until the pump has handed over every event emitted so far (or has stopped)."""
    pump = run.pump_task
    waiter = asyncio.ensure_future(run.stream.delivered())
    if pump is None:
        await waiter
        return
    await asyncio.wait({waiter, pump}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()


def _why(run: _Run) -> str:
    """Why the connection ended or failed, in the engine's plain words."""
    err, close = run.error_event, run.close_event
    if err is not None and err.reason:
        text = err.reason
        if err.body:
            text += f" (body: {err.body[:200]})"
        return text
    if close is not None:
        code = f"closed {close.code}" if close.code is not None else "closed"
        reason = f' "{close.reason}"' if close.reason else ""
        return f"{code}{reason} by {close.by or 'unknown'}"
    return "no reason given"
