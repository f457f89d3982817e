"""The conversation of one response tab: a stateful request played as ``wsblock run`` plays it.

A request with captures, ``reply-to``, rules or timers (issue 18) is driven by the
engine's :class:`~wsblock.engine.conductor.Conductor` on the tab's session, the one
``wsblock run`` uses: no logic of its own here. :class:`TabConversation` is its glue to
the tab: it starts a conversation per connection (the values captured and the pauses
the user chose carry over to the next), feeds it each batch the tab's worker drew, says
its actions in the log and the journal with the events ``run`` journals
(:func:`~wsblock.engine.conductor.action_event`), marks a paired reply's log row with
its latency, and keeps what the Variables and Rules views show. A secret captured joins
the tab's :class:`~wsblock.variables.masking.Secrets` (the conductor adds it), which the
log and the journal follow.

Plain Python, no widget: the tab (:mod:`.connection`) draws the views from it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from wsblock.conversation.paths import MISSING, render
from wsblock.conversation.request import Request, Rule, Timer
from wsblock.conversation.state import (
    Action,
    Captured,
    Conversation,
    Failed,
    Fired,
    Held,
    secret_capture,
)
from wsblock.engine import Session
from wsblock.engine.conductor import Conductor, action_event
from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun
from wsblock.journal import Journal
from wsblock.variables.masking import Secrets

from .log_model import LogModel
from .rules import RuleRow

__all__ = ["TabConversation"]


class TabConversation:
    """A tab's conversations, one per connection, and what they captured and counted."""

    def __init__(
        self,
        request: Request,
        model: LogModel,
        secrets: Secrets,
        *,
        journal: Callable[[], Journal | None],
        failed: Callable[[str], None],
    ) -> None:
        self.request = request
        self.model = model
        self.secrets = secrets
        self._journal = journal  # the tab's journal, if any (made on the first connect)
        self._failed = failed  # says a failure to the user (the tab notifies)
        #: ``{{process.NAME}}`` captured in this tab (kept across reconnects), where each
        #: came from, and which are secrets.
        self.values: dict[str, Any] = {}
        self.captured_from: dict[str, str] = {}
        self.secret_names: set[str] = set()
        #: The request's rules and timers, in the file's order: (name, kind).
        self.rules: list[tuple[str, str]] = [
            (step.name, "timer" if isinstance(step, Timer) else "rule")
            for step in request.steps
            if isinstance(step, Rule | Timer)
        ]
        model.senders = frozenset(name for name, _kind in self.rules)
        self.paused: set[str] = set()  # by the user: kept across reconnects
        self.conductor: Conductor | None = None  # the conversation of the current session
        self.session: Session | None = None
        self.dirty = True  # the views have something new to show
        self._in_rows = array("I")  # the log row of each message fed to the conversation
        self._in_base = 0  # messages fed before the log was cleared

    # -- the connection ------------------------------------------------------------------
    def begin(self, session: Session) -> Conductor:
        """A new connection: a new conversation on ``session``, with the values so far."""
        conversation = Conversation(self.request, self.values)
        for name in self.paused:
            conversation.pause(name)
        self.session = session
        self.conductor = Conductor(session, conversation, self.report, self.secrets)
        self._in_rows = array("I")
        self._in_base = 0
        self.dirty = True
        return self.conductor

    async def stop(self) -> None:
        """Stop the current conversation's rules and timers (reconnect, tab closing)."""
        if self.conductor is not None:
            await self.conductor.stop()

    def cancel(self) -> None:
        """Stop its timers now, without waiting (the tab is gone)."""
        if self.conductor is not None and self.conductor.task is not None:
            self.conductor.task.cancel()

    async def feed(self, conductor: Conductor, batch: Sequence[Part], first: int) -> None:
        """A batch the tab drew, from log row ``first`` on: the conversation opens with its
        ``open`` event (the handshake's captures, then the steps) and takes the rest; at
        the close, how often each rule and timer fired goes to the log and the journal."""
        model = self.model
        if conductor is self.conductor:  # which row each message fed is (a reply's mark)
            rows = self._in_rows
            for row in range(first, len(model)):
                if model.kind(row) == "received":
                    rows.append(row)
        if conductor.task is None:
            at = next(
                (
                    i
                    for i, part in enumerate(batch)
                    if type(part) is not ReceivedRun and part.kind == "open"
                ),
                None,
            )
            if at is not None:
                conductor.feed(batch[:at])
                conductor.open()
                batch = batch[at + 1 :]
        was_closed = conductor.closed
        conductor.feed(batch)
        if conductor.closed and not was_closed:
            await conductor.stop()
            for fields in conductor.tally():
                self.emit("rule", **fields)
        self.dirty = True

    def log_cleared(self) -> None:
        """The log was cleared: the rows of the messages fed so far are gone."""
        if self.conductor is not None:
            self._in_base = self.conductor.conversation.seq
            self._in_rows = array("I")

    # -- actions ---------------------------------------------------------------------------
    def report(self, action: Action) -> None:
        """An action of the conversation: its event in the log and the journal (as ``run``
        journals it), the views' data, a paired reply's mark."""
        said = action_event(action)
        if said is not None:
            kind, fields, quiet = said
            self.emit(kind, quiet=quiet, **fields)
        if isinstance(action, Captured):
            if action.found:
                self.captured_from[action.name] = action.by or action.where or "handshake"
                if action.secret:
                    self.secret_names.add(action.name)
            self.dirty = True
        elif isinstance(action, Fired):
            self.dirty = True
        elif isinstance(action, Held) and action.reply_to and action.seq is not None:
            at = action.seq - 1 - self._in_base
            if 0 <= at < len(self._in_rows) and action.latency_ms is not None:
                self.model.mark(
                    self._in_rows[at], f"↪ {action.reply_to} {action.latency_ms:.1f} ms"
                )
        elif isinstance(action, Failed):
            reason = self.secrets.masker.mask(action.reason)
            if not action.name:  # an expectation's failure has its own row
                self.emit("error", reason=f"the conversation failed: {reason}")
            self._failed(reason)

    def emit(self, kind: str, *, quiet: bool = False, **fields: Any) -> None:
        """An event of the conversation (not of the session): journaled, and shown in the
        log unless ``quiet``."""
        now = datetime.now(UTC)
        session = self.session
        mono = (now - session.started_at).total_seconds() if session is not None else 0.0
        event = Event(kind, now, mono, request=self.request.name, **fields)  # type: ignore[arg-type]
        journal = self._journal()
        if journal is not None:
            journal.record(event)
        if not quiet:
            self.model.extend((event,))

    # -- the user's -----------------------------------------------------------------------
    def pause(self, name: str, paused: bool = True) -> str:
        """Pause (or resume) the rule or timer ``name``; what to say about it."""
        (self.paused.add if paused else self.paused.discard)(name)
        if self.conductor is not None:
            self.conductor.conversation.pause(name, paused)
        self.dirty = True
        kind = dict(self.rules).get(name, "rule")
        return f"{kind} {name} {'paused' if paused else 'resumed'}"

    def fill(self, text: str, json_text: bool = False) -> str:
        """``text`` with each ``{{process.NAME}}`` captured in this tab filled (in a JSON
        message, a number as a number, as ``run`` fills it); the others are left for the
        project's variables (``.voiden/.process.env.json``), which name what is unknown."""
        values = self.values
        if not values or "{{" not in text:
            return text

        def lookup(root: str, path: str) -> Any:
            return values.get(path, MISSING) if root == "process" else MISSING

        return render(text, lookup, json_text=json_text, keep_missing=True)

    # -- what the views show ---------------------------------------------------------------
    def rule_rows(self) -> list[RuleRow]:
        """``(name, kind, fired, state)`` of each rule and timer, for the Rules view."""
        conductor = self.conductor
        counts = conductor.conversation.counts if conductor is not None else {}
        ended = conductor is None or conductor.closed
        rows: list[RuleRow] = []
        for name, kind in self.rules:
            if name in self.paused:
                state = "paused"
            elif name not in counts:
                state = "waiting"
            else:
                state = "stopped" if ended else "active"
            rows.append((name, kind, counts.get(name, 0), state))
        return rows

    def is_secret(self, name: str, text: str) -> bool:
        """Whether the value ``text`` of ``name`` is masked in the Variables view."""
        masker = self.secrets.masker
        return (
            name in self.secret_names
            or secret_capture(name, "")
            or (bool(masker) and masker.mask(text) != text)
        )
