"""The state of one conversation: captures, replies paired by name, rules, timers (sans I/O).

One :class:`Conversation` per connection (per virtual user in ``wsblock load``). It
never touches a socket, a loop or a clock: the front end feeds it what happened and
performs what it returns.

* ``handshake(t, ...)`` once the connection is open: the section's captures;
* ``start(t)``: play the steps up to the first expectation that must wait;
* ``received(t, data, ...)``: a message came in: rules fire, captures are made, the
  waiting expectation may hold, and the steps after it go on;
* ``tick(t)``: time passed: timers that are due send, an expectation out of time fails;
* ``deadline``: the next ``t`` at which ``tick`` has something to do (None: none);
* ``closed(t, why)``: the connection ended; steps still to do fail.

Each returns a list of actions, in order: :class:`Send` (a message to send, its
templates filled), :class:`Captured`, :class:`Fired` (a rule or timer), :class:`Held`
(an expectation held, with its latency) and :class:`Failed` (the conversation fails).
After a :class:`Send`, the front end may call :meth:`Conversation.note_sent` with the
moment it really went out and the protocol's correlation ``key`` (a Socket.IO ack id,
a GraphQL operation id): a ``reply-to`` expectation then only takes inbound messages
with the same key.

Times are seconds on any monotonic clock, the same for every call.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from wsblock.conversation.checks import MISSING
from wsblock.conversation.matching import Inbound, judge
from wsblock.conversation.paths import (
    LATE,
    Unfilled,
    render,
    render_value,
    text_form,
    value_at,
)
from wsblock.conversation.request import Capture, Check, Expect, Message, Request, Rule, Timer
from wsblock.conversation.resolve_state import interval_seconds
from wsblock.variables.secretnames import SECRET_NAME, secret_header

__all__ = [
    "Action",
    "Captured",
    "Conversation",
    "Failed",
    "Fired",
    "Held",
    "Send",
    "Sent",
    "captured_secrets",
    "secret_capture",
]


@dataclass
class Sent:
    """A message as sent: when, its protocol key, and what inbound messages came before."""

    message: Message
    t: float
    after: int  # inbound messages numbered up to this one came before it
    key: Any = None
    _body: Any = field(default=MISSING, repr=False)

    def body(self) -> Any:
        if self._body is MISSING:
            data = self.message.written or self.message.data
            self._body = _body_of(data, None)
        return self._body


@dataclass(frozen=True)
class Send:
    """Send ``message`` (filled); ``by`` names the rule or timer that sends it (None: a step)."""

    message: Message
    by: str | None
    record: Sent = field(repr=False, compare=False)


@dataclass(frozen=True)
class Captured:
    """``{{process.NAME}}`` took ``value`` (``found`` False: the path led nowhere, the value
    is unchanged). ``secret``: mask it wherever shown, from now on (NAME is secret-like,
    or the value was read from a secret-like place: ``$res.headers.x-session-token``,
    ``$res.body.auth.token``, ``{{process.API_KEY}}``; see :func:`secret_capture`).
    ``by``: the rule, if a rule captured."""

    name: str
    value: Any
    found: bool
    secret: bool
    where: str
    by: str | None = None


@dataclass(frozen=True)
class Fired:
    """A rule matched a message, or a timer sent: ``count`` times so far."""

    name: str
    kind: Literal["rule", "timer"]
    count: int


#: Said beside an expectation that held with no enabled row: it checked nothing.
ANY_MESSAGE = "no enabled row: any message holds it"


@dataclass(frozen=True)
class Held:
    """An expectation held. ``latency_ms`` counts from the last send, or from the send of
    ``reply_to``. ``seq``: the number of the inbound message that held it (the first
    message received is 1), for a front end that marks it."""

    name: str
    latency_ms: float | None
    reply_to: str | None = None
    seq: int | None = None
    unchecked: bool = False  # no enabled row: any message holds it (said so)


@dataclass(frozen=True)
class Failed:
    """The conversation fails: an expectation out of time, a message that cannot be filled."""

    reason: str
    name: str = ""
    kind: Literal["timeout", "closed", "unfilled"] = "timeout"


Action = Send | Captured | Fired | Held | Failed


def captured_secrets(actions: Iterable[Action]) -> list[str]:
    """The values ``actions`` capture into secrets, as they are shown (``text_form``):
    what a front end adds to its session's :class:`~wsblock.variables.masking.Secrets`
    before it says any of them (the conductor for ``run`` and the app, ``load``)."""
    return [text_form(a.value) for a in actions if isinstance(a, Captured) and a.secret and a.found]


class _Msg:
    __slots__ = ("data", "type", "size")

    def __init__(self, data: str | bytes, type: str, size: int) -> None:
        self.data, self.type, self.size = data, type, size


class _In:
    """An inbound message, numbered, with what was the last send when it came."""

    __slots__ = ("seq", "t", "msg", "key", "last_sent", "_inbound")

    def __init__(self, seq: int, t: float, msg: _Msg, key: Any, last_sent: Sent | None) -> None:
        self.seq, self.t, self.msg, self.key, self.last_sent = seq, t, msg, key, last_sent
        self._inbound: Inbound | None = None

    def inbound(self, codec: Any, since: float | None) -> Inbound:
        latency = None if since is None else (self.t - since) * 1000
        if self._inbound is None:
            self._inbound = Inbound(self.msg, latency, codec)
        else:
            self._inbound.latency_ms = latency
        return self._inbound

    def res(self, codec: Any) -> dict[str, Any]:
        """``$res``: ``body`` (parsed JSON or decoded, else the text), ``type``, ``size``."""
        parsed = self.inbound(codec, None).parsed()
        data = self.msg.data
        body = parsed if parsed is not MISSING else _text(data)
        return {"body": body, "type": self.msg.type, "size": self.msg.size}


def _text(data: Any) -> str:
    if isinstance(data, (bytes, bytearray)):
        return base64.b64encode(bytes(data)).decode()
    return str(data)


def _body_of(data: Any, codec: Any) -> Any:
    if isinstance(data, str):
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return data
    return _text(data)


@dataclass
class _Timer:
    timer: Timer
    next: float | None = None  # None: the interval cannot be filled yet
    count: int = 0
    interval: float | None = None


class Conversation:
    """The steps, captures, rules and timers of one connection. See the module docstring."""

    def __init__(self, request: Request, values: dict[str, Any] | None = None) -> None:
        self.request = request
        self.steps = request.steps
        self.codec = request.options.decode
        self.encode = request.options.encode
        #: The ``{{process.NAME}}`` values: shared by the requests of a run when the caller
        #: passes the same dict; the file's .process.env.json values first.
        self.values: dict[str, Any] = values if values is not None else {}
        for name, value in request.process:
            self.values.setdefault(name, value)
        self.pos = 0
        self.rules: list[Rule] = []
        self.timers: list[_Timer] = []
        self.counts: dict[str, int] = {}
        self.paused: set[str] = set()
        self.registry: dict[str, Sent] = {}
        self.last_step_sent: Sent | None = None
        self.last_sent: Sent | None = None
        self.pending: list[_In] = []
        self.cursor = 0  # the first inbound number a plain expectation has not looked at
        self.seq = 0
        self.waiting: Expect | None = None
        self.expect_deadline: float | None = None
        self.last_failed: list[str] | None = None
        self.failure: str | None = None
        self.latencies: list[tuple[str, float]] = []  # (expectation, ms) of paired replies

    # -- state ---------------------------------------------------------------------------

    @property
    def steps_done(self) -> bool:
        """Every step is done (rules and timers go on until the connection ends)."""
        return self.failure is None and self.waiting is None and self.pos >= len(self.steps)

    @property
    def deadline(self) -> float | None:
        """The next time :meth:`tick` has something to do, or None."""
        times = [t.next for t in self.timers if t.next is not None]
        if self.expect_deadline is not None:
            times.append(self.expect_deadline)
        return min(times) if times else None

    def pause(self, name: str, paused: bool = True) -> None:
        """Pause (or resume) the rule or timer ``name``: it neither fires nor counts."""
        (self.paused.add if paused else self.paused.discard)(name)

    # -- inputs ----------------------------------------------------------------------------

    def handshake(
        self,
        t: float,
        status: int | None,
        headers: Any,
        url: str,
        request_headers: Any = (),
        status_text: str = "",
    ) -> list[Action]:
        """The connection is open: the section's ``runtime-variables`` capture from it."""
        res = {"status": status, "statusText": status_text, "headers": _headers(headers)}
        req = {"url": url, "headers": _headers(request_headers)}
        out: list[Action] = []
        self._capture(self.request.captures, {"$res": res, "$req": req}, None, out, t)
        return out

    def start(self, t: float) -> list[Action]:
        """Play the steps from the first, up to an expectation that must wait."""
        out: list[Action] = []
        self._advance(t, out)
        return out

    def note_sent(self, send: Send, t: float, key: Any = None) -> None:
        """``send`` went out at ``t`` with this protocol ``key`` (default: none)."""
        send.record.t = t
        send.record.key = key

    def received(
        self,
        t: float,
        data: str | bytes,
        type: str = "text",
        size: int | None = None,
        key: Any = None,
    ) -> list[Action]:
        """A message came in at ``t`` (``key``: its protocol correlation key, if any)."""
        if size is None:
            size = len(data.encode()) if isinstance(data, str) else len(data)
        self.seq += 1
        msg = _In(self.seq, t, _Msg(data, type, size), key, self.last_sent)
        out: list[Action] = []
        if self.rules:
            self._rules(t, msg, out)
        if self.failure is None and self._expects_ahead():
            self.pending.append(msg)
            if self.waiting is not None:
                self._try(t, out)
        return out

    def tick(self, t: float) -> list[Action]:
        """Time is ``t``: due timers send; an expectation out of time fails."""
        out: list[Action] = []
        for tm in self.timers:
            if tm.next is not None and tm.next <= t:
                self._fire(tm, t, out)
        if (
            self.waiting is not None
            and self.expect_deadline is not None
            and t >= self.expect_deadline
        ):
            self._fail_waiting(
                f"no matching message within {self.waiting.timeout:g} s", out, "timeout"
            )
        return out

    def closed(self, t: float, why: str) -> list[Action]:
        """The connection ended (``why``: its code and reason in words)."""
        out: list[Action] = []
        for tm in self.timers:
            tm.next = None
        if self.failure is not None:
            return out
        if self.waiting is not None:
            self._fail_waiting(f"the connection closed ({why})", out, "closed")
        elif self.pos < len(self.steps):
            self._failed(
                f"the connection closed ({why}) before the steps were done", out, kind="closed"
            )
        return out

    # -- steps -----------------------------------------------------------------------------

    def _advance(self, t: float, out: list[Action]) -> None:
        steps = self.steps
        while self.failure is None and self.waiting is None and self.pos < len(steps):
            step = steps[self.pos]
            self.pos += 1
            if isinstance(step, Message):
                send = self._send(step, t, None, None, out)
                if send is not None:
                    self.last_step_sent = send.record
            elif isinstance(step, Expect):
                self.waiting = step
                self.expect_deadline = t + step.timeout
                self.last_failed = None
                if self.pending:
                    self._try(t, out)
            elif isinstance(step, Rule):
                self.rules.append(step)
                self.counts.setdefault(step.name, 0)
            elif isinstance(step, Timer):
                tm = _Timer(step)
                self.counts.setdefault(step.name, 0)
                self.timers.append(tm)
                self._schedule(tm, t)
        if self.pos >= len(steps) and self.waiting is None:
            self.pending.clear()

    def _expects_ahead(self) -> bool:
        return self.waiting is not None or any(
            isinstance(s, Expect) for s in self.steps[self.pos :]
        )

    def _try(self, t: float, out: list[Action]) -> None:
        """Look for the waiting expectation's message among those kept."""
        step = self.waiting
        assert step is not None
        if step.reply_to is not None:
            sent = self.registry.get(step.reply_to)
            if sent is None:  # resolve checked it is sent before: not reached
                return
            for n, msg in enumerate(self.pending):
                if msg.seq <= sent.after or (sent.key is not None and msg.key != sent.key):
                    continue
                if self._holds(step, msg, sent, sent.t):
                    del self.pending[n]
                    self._held(step, msg, sent, t, sent.t, out)
                    return
            return
        for n, msg in enumerate(self.pending):
            if msg.seq < self.cursor:
                continue
            self.cursor = msg.seq + 1
            since = msg.last_sent.t if msg.last_sent is not None else None
            if self._holds(step, msg, self.last_step_sent, since):
                del self.pending[n]
                self._held(step, msg, self.last_step_sent, t, since, out)
                return
        self._trim()

    def _trim(self) -> None:
        """Drop the messages no expectation ahead can take."""
        if not any(isinstance(s, Expect) and s.reply_to for s in self.steps[self.pos :]) and not (
            self.waiting is not None and self.waiting.reply_to
        ):
            self.pending = [m for m in self.pending if m.seq >= self.cursor]

    def _holds(self, step: Expect, msg: _In, req: Sent | None, since: float | None) -> bool:
        inbound = msg.inbound(self.codec, since)
        checks = step.checks
        if step.late:
            filled = self._fill_checks(checks, req, None)
            if isinstance(filled, str):
                self.last_failed = [filled]
                return False
            checks = filled
        failed = judge(checks, inbound.field)
        if failed:
            self.last_failed = failed
            return False
        return True

    def _held(
        self,
        step: Expect,
        msg: _In,
        req: Sent | None,
        t: float,
        since: float | None,
        out: list[Action],
    ) -> None:
        latency = None if since is None else round((msg.t - since) * 1000, 3)
        self.waiting = None
        self.expect_deadline = None
        if step.reply_to is not None and latency is not None:
            self.latencies.append((step.name, latency))
        out.append(Held(step.name, latency, step.reply_to, msg.seq, not step.checks))
        if step.captures:
            roots = {"$res": msg.res(self.codec), "$req": _req(req)}
            self._capture(step.captures, roots, None, out, t)
        self._advance(t, out)

    def _fail_waiting(self, why: str, out: list[Action], kind: Any) -> None:
        step = self.waiting
        assert step is not None
        last = self.last_failed
        detail = ("; last message: " + "; ".join(last)) if last else "; no message arrived"
        self._failed(f"expect {step.name!r} ({step.where}): {why}{detail}", out, step.name, kind)

    def _failed(
        self, reason: str, out: list[Action], name: str = "", kind: Any = "unfilled"
    ) -> None:
        self.failure = reason
        self.waiting = None
        self.expect_deadline = None
        self.pending.clear()
        out.append(Failed(reason, name, kind))

    # -- rules, timers, captures -------------------------------------------------------------

    def _rules(self, t: float, msg: _In, out: list[Action]) -> None:
        since = msg.last_sent.t if msg.last_sent is not None else None
        for rule in list(self.rules):
            if rule.name in self.paused:
                continue
            checks = rule.checks
            if rule.late:
                filled = self._fill_checks(rule.checks, None, None)
                if isinstance(filled, str):
                    continue
                checks = filled
            if judge(checks, msg.inbound(self.codec, since).field):
                continue
            self.counts[rule.name] = self.counts.get(rule.name, 0) + 1
            out.append(Fired(rule.name, "rule", self.counts[rule.name]))
            res = msg.res(self.codec)
            if rule.captures:
                self._capture(rule.captures, {"$res": res}, rule.name, out, t)
            answer = rule.answer
            if answer is not None and answer.ack_reply:
                asked = _ack_id(res)
                if asked is None:
                    self._failed(
                        f"{rule.name}: message {answer.name!r} ({answer.where}) is an "
                        "acknowledgement (ack-reply), but the event the rule matched asked for "
                        'none (it has no "id"): add the row body.id exists to the rule',
                        out,
                    )
                    return
                answer = replace(answer, ack_id=asked)
            if answer is not None:
                self._send(answer, t, rule.name, res, out)

    def _schedule(self, tm: _Timer, t: float) -> None:
        interval = self._interval(tm.timer)
        tm.interval = interval
        tm.next = None if interval is None else t + interval

    def _interval(self, timer: Timer) -> float | None:
        try:
            text = render(timer.interval, self._lookup(None, None))
        except Unfilled:
            return None
        return interval_seconds(text)

    def _fire(self, tm: _Timer, t: float, out: list[Action]) -> None:
        name = tm.timer.name
        interval = self._interval(tm.timer)
        if interval is None:  # a value it needs is gone: wait until captured again
            tm.next = None
            return
        due = tm.next if tm.next is not None else t
        tm.next = due + interval if due + interval > t else t + interval
        if name in self.paused:
            return
        tm.count += 1
        self.counts[name] = self.counts.get(name, 0) + 1
        out.append(Fired(name, "timer", self.counts[name]))
        self._send(tm.timer.message, t, name, None, out)

    def _capture(
        self,
        captures: tuple[Capture, ...],
        roots: dict[str, Any],
        by: str | None,
        out: list[Action],
        t: float,
    ) -> None:
        lookup = self._lookup_in(roots)
        changed = False
        for cap in captures:
            try:
                value = render_value(cap.template, lookup)
                found = True
            except Unfilled:
                value, found = None, False
            if found:
                self.values[cap.name] = value
                changed = True
            out.append(
                Captured(
                    cap.name, value, found, secret_capture(cap.name, cap.template), cap.where, by
                )
            )
        if changed:
            for tm in self.timers:
                if tm.next is None:
                    self._schedule(tm, t)

    def _send(
        self, message: Message, t: float, by: str | None, res: Any, out: list[Action]
    ) -> Send | None:
        filled = message
        if message.late:
            try:
                data = render(
                    str(message.data), self._lookup(res, None), json_text=message.format == "json"
                )
            except Unfilled as e:
                who = f"{by}: " if by else ""
                self._failed(f"{who}message {message.name!r} ({message.where}): {e}", out)
                return None
            if message.format == "json":
                try:
                    json.loads(data)
                except ValueError as e:
                    self._failed(
                        f"message {message.name!r} ({message.where}): filled, it is not JSON "
                        f"({e}): {data[:200]}",
                        out,
                    )
                    return None
            filled = replace(message, data=data, late=False)
            if self.encode is not None and message.format == "json":
                from wsblock.codecs import CodecError, encoded_message

                try:
                    filled = encoded_message(filled, self.encode)
                except CodecError as e:
                    self._failed(f"message {message.name!r}: cannot encode: {e}", out)
                    return None
        record = Sent(filled, t, self.seq)
        self.registry[message.name] = record
        self.last_sent = record
        send = Send(filled, by, record)
        out.append(send)
        return send

    # -- values ------------------------------------------------------------------------------

    def _lookup(self, res: Any, req: Sent | None) -> Callable[[str, str], Any]:
        roots: dict[str, Any] = {}
        if res is not None:
            roots["$res"] = res
        if req is not None:
            roots["$req"] = _req(req)
        return self._lookup_in(roots)

    def _lookup_in(self, roots: dict[str, Any]) -> Callable[[str, str], Any]:
        values = self.values

        def lookup(root: str, path: str) -> Any:
            if root == "process":
                return values.get(path, MISSING)
            if root not in roots or roots[root] is None:
                return MISSING
            return value_at(roots[root], path) if path else roots[root]

        return lookup

    def _fill_checks(
        self, checks: tuple[Check, ...], req: Sent | None, res: Any
    ) -> tuple[Check, ...] | str:
        lookup = self._lookup(res, req)
        filled = []
        for c in checks:
            try:
                filled.append(replace(c, expected=render(c.expected, lookup)))
            except Unfilled as e:
                return f"{c.description}: {e}"
        return tuple(filled)


@lru_cache(maxsize=256)
def secret_capture(name: str, template: str) -> bool:
    """Whether a value captured into ``name`` from ``template`` is a secret: the name is
    secret-like (:data:`~wsblock.variables.secretnames.SECRET_NAME`: TOKEN, SECRET, KEY,
    PASSWORD...), or a path the template reads is (a header ``x-session-token``, a field
    ``token``, a secret-named value ``{{process.API_KEY}}``); a handshake's header by the
    rule for headers (:func:`~wsblock.variables.secretnames.secret_header`: ``set-cookie``,
    ``x-session-id``), whose values are secrets from the handshake on."""
    if SECRET_NAME.search(name):
        return True
    for m in LATE.finditer(template):
        path = m.group(2) or ""
        header = path[8:] if m.group(1) == "$res" and path.startswith("headers.") else ""
        if SECRET_NAME.search(path) or (header and secret_header(header)):
            return True
    return False


def _ack_id(res: dict[str, Any]) -> int | None:
    """The acknowledgement id a received Socket.IO event asks for (``body.id``), or None."""
    body = res.get("body")
    asked = body.get("id") if isinstance(body, dict) and "event" in body else None
    return asked if isinstance(asked, int) and not isinstance(asked, bool) else None


def _req(sent: Sent | None) -> dict[str, Any] | None:
    if sent is None:
        return None
    m = sent.message
    return {
        "body": sent.body(),
        "name": m.name,
        "type": "binary" if m.format == "binary" else "text",
    }


def _headers(headers: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    items = headers.items() if hasattr(headers, "items") else headers or ()
    for k, v in items:
        out[str(k).lower()] = (
            str(v) if str(k).lower() not in out else out[str(k).lower()] + ", " + str(v)
        )
    return out
