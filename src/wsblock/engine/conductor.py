"""Driving a :class:`~wsblock.conversation.state.Conversation` on an asyncio session.

The conversation's state machine is sans I/O; this is its asyncio glue, shared by
``wsblock run`` (:mod:`wsblock.runner`) and the app: it feeds the machine what the
session received (``feed(parts)``, in the order the front end consumes its stream),
asks it for the time-driven actions when its deadline comes (timers, expectation
timeouts), and performs the sends it returns, in order, one at a time. Every action
also goes to the front end's ``report`` callback (captures, rule firings, held and
failed expectations), with a :class:`~wsblock.conversation.state.Send` after the send
is done (``ok`` False: the connection had closed).

A value captured into a secret is added to the session's
:class:`~wsblock.variables.masking.Secrets` before anything is reported, so that the
journal, the console and the app, which follow it, mask it from that moment on. The
handshake's captures are made as soon as the server answers (the session's handshake
listener), before the ``open`` event that carries the answer's headers is published: a
token captured from ``X-Session-Token`` is masked in that event too. They are reported
by :meth:`Conductor.open`, with the first steps.

How an action is said is shared too: :func:`action_event` gives the event a front end
journals and shows for it (``capture``, ``expect``), :meth:`Conductor.tally` the
``rule`` events of the end (how often each rule and timer fired).

``wsblock load`` drives the same machine from gevent (:mod:`wsblock.load.conversation`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from wsblock.conversation.paths import text_form
from wsblock.conversation.request import Timer
from wsblock.conversation.state import (
    ANY_MESSAGE,
    Action,
    Captured,
    Conversation,
    Failed,
    Held,
    Send,
    captured_secrets,
)
from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun
from wsblock.engine.session import Session
from wsblock.variables.masking import MASK, Secrets

__all__ = ["Conductor", "action_event"]


def action_event(action: Action) -> tuple[str, dict[str, Any], bool] | None:
    """The event that says ``action``: ``(kind, fields, quiet)``; ``quiet``: journaled,
    not shown (a rule's capture from each message it matches: its count is said at the
    end). None: the action is no event of its own (a send is the session's ``sent``; a
    rule or timer that fired is counted, see :meth:`Conductor.tally`)."""
    if isinstance(action, Captured):
        shown = MASK if action.secret else text_form(action.value)
        fields: dict[str, Any] = {
            "name": action.name,
            "data": shown if action.found else None,
            "ok": action.found,
            "reason": None if action.found else f"not found ({action.where})",
        }
        return "capture", fields, action.by is not None
    if isinstance(action, Held):
        rtt = action.latency_ms if action.reply_to else None
        note = ANY_MESSAGE if action.unchecked else None
        return "expect", {"ok": True, "name": action.name, "rtt_ms": rtt, "reason": note}, False
    if isinstance(action, Failed) and action.name:
        return "expect", {"ok": False, "name": action.name, "reason": action.reason}, False
    return None


class Conductor:
    """One conversation on one session: ``open()`` once connected, ``feed(parts)`` with
    every batch consumed, ``await settled()`` for the steps, ``stop()`` at the end."""

    def __init__(
        self,
        session: Session,
        conversation: Conversation,
        report: Callable[[Action], None],
        secrets: Secrets | None = None,
    ) -> None:
        self.session = session
        self.conversation = conversation
        self.report = report
        self.secrets = secrets
        self.loop = asyncio.get_running_loop()
        self.outbox: deque[Send] = deque()
        self.wake = asyncio.Event()
        self.settled_event = asyncio.Event()
        self.failure: str | None = None
        self.task: asyncio.Task[None] | None = None
        self.closed = False
        # what came before open() (a server's first message, in the handshake's read):
        # fed once the steps have started, so that a rule listed first sees it
        self._early: list[Part] = []
        #: The handshake's captures, made when the server answered, reported by open().
        self.handshake: list[Action] | None = None
        session.add_handshake_listener(self._answered)

    def now(self) -> float:
        return self.loop.time()

    def _answered(
        self, status: int | None, headers: tuple[tuple[str, str], ...], accepted: bool
    ) -> None:
        """The server answered the handshake (its ``open`` event is not out yet): capture
        from the answer, and add what is captured into a secret to the secrets now."""
        if not accepted or self.handshake is not None or self.task is not None:
            return  # refused; or a reconnect's answer: the conversation had opened
        req = self.conversation.request
        self.handshake = self.conversation.handshake(
            self.now(), status, headers, req.url, req.headers
        )
        self._keep_secrets(self.handshake)

    def open(self) -> None:
        """The handshake is done: say its captures and start the steps."""
        s, req = self.session, self.conversation.request
        now = self.now()
        actions = self.handshake
        if actions is None:  # the session had connected before this conductor listened
            actions = self.conversation.handshake(
                now, s.status, s.response_headers or (), req.url, req.headers
            )
        actions = actions + self.conversation.start(now)
        self.task = asyncio.create_task(self._main())
        self._do(actions)
        early, self._early = self._early, []
        self.feed(early)

    def feed(self, parts: Sequence[Part]) -> None:
        """A batch of the session's events, as the front end consumed them (before
        ``open()``: kept for it, unless the connection ended)."""
        if self.task is None and not self.closed:
            self._early.extend(parts)
            if not any(type(p) is not ReceivedRun and p.kind == "close" for p in parts):
                return
            parts, self._early = self._early, []  # ended before it opened: said now
        conv = self.conversation
        for part in parts:
            if type(part) is ReceivedRun:
                now = self.now()
                for data, size in zip(part.data, part.sizes, strict=True):
                    self._do(conv.received(now, data, part.type, size))
                continue
            event: Event = part  # type: ignore[assignment]
            if event.kind == "received" and event.data is not None:
                self._do(
                    conv.received(
                        self.now(), event.data, event.type or "text", event.size, key=event.key
                    )
                )
            elif event.kind == "close":
                self.closed = True
                code = f"closed {event.code}" if event.code is not None else "closed"
                reason = f' "{event.reason}"' if event.reason else ""
                self._do(conv.closed(self.now(), f"{code}{reason} by {event.by or 'unknown'}"))
                self.settled_event.set()
                self.wake.set()

    async def settled(self) -> str | None:
        """Wait until the steps are done (None) or the conversation failed (why)."""
        await self.settled_event.wait()
        return self.failure

    def tally(self) -> list[dict[str, Any]]:
        """The fields of a ``rule`` event per rule and timer reached: how often it fired
        (``reason``: ``rule`` or ``timer``), in the order they were reached."""
        kinds = {
            step.name: "timer" if isinstance(step, Timer) else "rule"
            for step in self.conversation.request.steps
        }
        return [
            {"name": name, "count": fired, "ok": True, "reason": kinds.get(name, "rule")}
            for name, fired in self.conversation.counts.items()
        ]

    async def stop(self) -> None:
        """Stop the timers and the sender (the connection is ending)."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.wait({self.task})

    def _keep_secrets(self, actions: list[Action]) -> None:
        """Add each value ``actions`` capture into a secret to the session's secrets."""
        if self.secrets is not None:
            for value in captured_secrets(actions):
                self.secrets.add(value)

    def _do(self, actions: list[Action]) -> None:
        self._keep_secrets(actions)
        for action in actions:
            if isinstance(action, Send):
                self.outbox.append(action)
                continue
            if isinstance(action, Failed) and self.failure is None:
                self.failure = action.reason
                self.settled_event.set()
            self.report(action)
        if self.conversation.steps_done:
            self.settled_event.set()
        self.wake.set()

    async def _main(self) -> None:
        conv = self.conversation
        while True:
            while self.outbox:
                send = self.outbox.popleft()
                message = send.message
                if send.by is not None:  # logged with the rule's or timer's name
                    message = dataclasses.replace(message, name=send.by)
                if self.closed:
                    continue
                ok = await self.session.send(message)
                if ok:
                    conv.note_sent(send, self.now(), self.session.last_sent_key)
                self.report(send)
            if self.closed:
                return
            deadline = conv.deadline
            self.wake.clear()
            if self.outbox:
                continue
            timeout: Any = None if deadline is None else max(0.0, deadline - self.now())
            try:
                await asyncio.wait_for(self.wake.wait(), timeout)
            except TimeoutError:
                pass
            if conv.deadline is not None and conv.deadline <= self.now():
                self._do(conv.tick(self.now()))
