"""One live connection, in its own response tab.

It owns an engine :class:`~wsblock.engine.Session` and a journal; a worker consumes
``await stream.parts()`` into the :class:`LogModel`, and a frame timer redraws the log
at most 30 times a second. The app never touches a socket: the engine does.

A stateful request (captures, ``reply-to``, rules, timers: issue 18) is played by the
same :class:`~wsblock.engine.conductor.Conductor` as ``wsblock run``, fed by the same
worker (:class:`~.conversation.TabConversation`): its steps are sent and awaited, its
rules answer, its timers beat. The tab shows what it captured (:class:`VariablesView`),
its rules and timers with how often each fired, paused at will (:class:`RulesView`),
and the log marks the messages a rule or timer sent and the latency of a paired reply.
The two views stand side by side under the log when the tab is tall enough
(:data:`STACKED_HEIGHT`); the log bar's view picker (``Log`` / ``Variables`` /
``Rules``, F8 cycles) shows either one in the log's place, whole, at any size: a tab of
80×24 has no room for both under the log.
A value captured into a secret is masked from then on in the log and the journal alike
(one :class:`~wsblock.variables.masking.Secrets` per tab, which both follow), and
``{{process.NAME}}`` in the composer is filled from the values captured.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message as TMessage
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Select, Static

from wsblock.conversation.request import Message, Request
from wsblock.engine import Session
from wsblock.engine.conductor import Conductor
from wsblock.engine.handshake_secrets import guard_handshake
from wsblock.engine.stream import EventStream
from wsblock.journal import Journal
from wsblock.variables.masking import Masker, Secrets

from .activity_log import ActivityLog, human_size
from .composer import Composer
from .conversation import TabConversation
from .decoding import configure as configure_decoding
from .decoding import encode_json
from .detail import MessageDetail
from .log_model import Filter, LogModel
from .rules import RulesView
from .status import StatusBar
from .variables import VariablesView

FRAME = 1 / 30
STACKED_HEIGHT = 26
"""Rows a stateful tab needs to show its Variables and Rules under the log; a shorter
one shows them in the log's place, on demand (the view picker, F8)."""
VIEWS = [("Log", "log"), ("Variables", "variables"), ("Rules", "rules")]
DIRECTIONS = [("All", "all"), ("← In", "in"), ("→ Out", "out"), ("● System", "sys")]
EXPORTS = [("JSON", "json"), ("CSV", "csv"), ("NDJSON", "ndjson")]


def default_session_factory(request: Request) -> Session:
    return Session(request)


def default_journal_factory(request: Request):
    from wsblock.journal import Journal, handshake_of

    return Journal.create(
        name=request.name or "session",
        secrets=set(request.secrets),
        url=request.url,
        file=request.file,
        codecs=request.codecs,
        handshake=handshake_of(request),
    )


class ConnectionView(Vertical):
    """Status, composer, activity log and message detail of one connection; the
    conversation's variables, rules and timers when the request has them."""

    DEFAULT_CSS = """
    ConnectionView .conversation {
        height: 25%; min-height: 4; max-height: 8; border-top: solid $primary-darken-2;
    }
    ConnectionView.-short .conversation { display: none; }
    ConnectionView.-variables #log, ConnectionView.-rules #log { display: none; }
    ConnectionView.-variables .conversation, ConnectionView.-rules .conversation {
        display: block; height: 1fr; max-height: 100%;
    }
    ConnectionView.-variables RulesView, ConnectionView.-rules VariablesView { display: none; }
    """

    class CloseRequested(TMessage):
        def __init__(self, view: ConnectionView) -> None:
            super().__init__()
            self.view = view

    class ReplayRequested(TMessage):
        """Replay the tab's finished session (its journal at ``path``), as F7's Replay."""

        def __init__(self, view: ConnectionView, path: Path) -> None:
            super().__init__()
            self.view = view
            self.path = path

    class StateChanged(TMessage):
        """The connection's state changed (for the tab strip): ``glyph`` and ``style``."""

        def __init__(self, view: ConnectionView, glyph: str, style: str) -> None:
            super().__init__()
            self.view = view
            self.glyph = glyph
            self.style = style

    def __init__(
        self,
        request: Request,
        *,
        substitute: Callable[[str, str], str] | None = None,
        saved: list[tuple[str, str, str, str]] | None = None,
        on_save: Callable[[str, str, str, str], object] | None = None,
        session_factory: Callable[[Request], Session] | None = None,
        journal_factory: Callable[[Request], Journal | None] | None = None,
        export_dir: Path | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.request = request
        self.substitute = substitute or (lambda text, where: text)
        self.saved = saved or []
        self.on_save = on_save
        self.session_factory = session_factory or default_session_factory
        self.journal_factory = journal_factory or default_journal_factory
        self.export_dir = export_dir
        self.model = LogModel()
        self.journal: Journal | None = None
        #: The tab's secrets: the request's, and those its conversation captures; the
        #: log and the journal follow them (a captured secret masked from then on).
        self.secrets = Secrets(request.secrets)
        self.secrets.follow(self._use_masker)
        configure_decoding(self.model, request.options)
        #: The conversation of a stateful request (captures, rules, timers), else None.
        self.conversation: TabConversation | None = None
        if request.stateful:
            self.conversation = TabConversation(
                request,
                self.model,
                self.secrets,
                journal=lambda: self.journal,
                failed=self._conversation_failed,
            )
        self._journal_trouble: str | None = None  # set from the journal's thread
        self._journal_trouble_shown = False
        self.session: Session | None = None
        self._consumers: list = []
        self._streams: list[EventStream] = []
        self._filter_timer: Timer | None = None
        self._last_rate_at = time.monotonic()
        self._last_rate_count = 0
        self.rate = 0.0
        self._focus_on_open: Callable[[], bool] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="status-row"):
            yield StatusBar(self.request.url, id="status")
            yield Button("✕ Close", id="close-tab", compact=True)
        yield Composer(self.saved, id="composer")
        with Horizontal(classes="log-bar"):
            yield Input(placeholder="filter (text)", id="filter", compact=True)
            yield Checkbox("regex", id="regex", compact=True)
            yield Checkbox(
                "pings", id="pings", compact=True, tooltip="show the keep-alive pings and pongs"
            )
            yield Select(DIRECTIONS, value="all", allow_blank=False, id="direction", compact=True)
            if self.request.stateful:
                yield Select(
                    VIEWS,
                    value="log",
                    allow_blank=False,
                    id="shown",
                    compact=True,
                    tooltip="F8: the captured variables, or the rules and timers, in the "
                    "log's place",
                )
        yield ActivityLog(self.model, id="log")
        with Horizontal(classes="log-foot"):
            yield Static("", id="counters", classes="counters")
            yield Button("Follow", id="follow", compact=True, variant="primary")
            yield Button("Clear", id="clear", compact=True)
            yield Select(EXPORTS, prompt="Export…", id="export", compact=True)
        if self.request.stateful:  # only then: other tabs stay as they were
            with Horizontal(classes="conversation", id="conversation"):
                yield VariablesView(id="variables-view")
                yield RulesView(id="rules-view")
        detail = MessageDetail(id="detail")
        detail.display = False
        yield detail

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def log_view(self) -> ActivityLog:
        return self.query_one(ActivityLog)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def variables_view(self) -> VariablesView:
        return self.query_one(VariablesView)

    @property
    def rules_view(self) -> RulesView:
        return self.query_one(RulesView)

    @property
    def shown_view(self) -> str:
        """What stands in the log's place: ``log``, ``variables`` or ``rules``."""
        for _label, name in VIEWS[1:]:
            if self.has_class(f"-{name}"):
                return name
        return "log"

    def show_view(self, name: str | None = None) -> None:
        """Show ``log``, ``variables`` or ``rules`` in the log's place (None: the next
        one, as F8). Nothing for a request without a conversation."""
        if self.conversation is None:
            return
        names = [n for _label, n in VIEWS]
        if name is None:
            name = names[(names.index(self.shown_view) + 1) % len(names)]
        for other in names[1:]:
            self.set_class(other == name, f"-{other}")
        picker = self.query_one("#shown", Select)
        if picker.value != name:
            picker.value = name

    @on(Select.Changed, "#shown")
    def _shown_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.show_view(event.value)

    def on_mount(self) -> None:
        self.set_interval(FRAME, self._frame)
        self.set_interval(1.0, self._measure_rate)
        self._update_counters()

    # -- the connection -----------------------------------------------------------------
    def connect(self) -> None:
        """Open a new session for the request (the old one, if any, is closed first)."""
        self._connect()

    @work(group="connect", exclusive=True)
    async def _connect(self) -> None:
        old = self.session
        if self.conversation is not None:  # the old conversation's rules and timers stop
            await self.conversation.stop()
        if old is not None:
            try:
                await old.close(1000, "reconnect")
            except Exception:  # noqa: BLE001
                pass
            self._end_streams()
        try:
            if self.journal is None:
                self.journal = self.journal_factory(self.request)
                if self.journal is not None:
                    self.journal.masker = self.secrets.masker  # captured ones too
        except Exception as e:  # noqa: BLE001 - the log still works without a journal
            self.journal = None
            self.model.note(f"journal unavailable: {e}")
        try:
            session = self.session_factory(self.request)
        except Exception as e:  # noqa: BLE001
            self.status.set_failed(str(e))
            self.model.note(f"cannot start: {e}")
            return
        self.session = session
        guard_handshake(session, self.secrets)  # a Set-Cookie masked in `open` too
        stream = session.subscribe()
        self._streams.append(stream)
        if self.journal is not None:
            self.journal.on_error = self._journal_failed
            session.add_parts_listener(self.journal.record_parts)  # runs: written in one go
        # captures, pairing, rules, timers: as `wsblock run`
        conductor = self.conversation.begin(session) if self.conversation is not None else None
        self._consumers.append(self.run_worker(self._consume(stream, conductor), group="consume"))
        try:
            await session.connect()
        except Exception as e:  # noqa: BLE001 - the engine should not raise; never crash
            self.status.set_failed(str(e))
            self.model.note(f"error: {e}")

    async def _consume(self, stream, conductor: Conductor | None = None) -> None:
        model = self.model
        status = self.status
        # parts: runs of received messages come as columns, appended as they are
        while batch := await stream.parts():  # empty: the stream is closed and drained
            journal = self.journal
            if journal is not None:
                journal.write_now()  # on disk before it is drawn: kill -9 loses nothing shown
            if self._journal_trouble is not None and not self._journal_trouble_shown:
                self._journal_trouble_shown = True
                model.note(self._journal_trouble)
                self.notify(self._journal_trouble, severity="error", timeout=10)
            before = (status.state, status.error)
            first = len(model)
            for ev in model.extend(batch):
                status.apply_event(ev)
                if ev.kind == "open" and self._focus_on_open is not None:
                    self._focus_composer()
            if conductor is not None and self.conversation is not None:
                await self.conversation.feed(conductor, batch, first)
            if (status.state, status.error) != before:
                self.post_message(self.StateChanged(self, *status.glyph()))

    def _conversation_failed(self, reason: str) -> None:
        self.notify(reason, title="Conversation failed", severity="error", timeout=10)

    def _use_masker(self, masker: Masker) -> None:
        """The tab's secrets grew (a secret was captured): the log and the journal mask
        it from now on."""
        self.model.masker = masker
        self.model.version += 1  # redrawn
        if self.journal is not None:
            self.journal.masker = masker

    def pause(self, name: str, paused: bool = True) -> None:
        """Pause (or resume) the rule or timer ``name``: it neither fires nor counts."""
        if self.conversation is not None:
            self.model.note(self.conversation.pause(name, paused))
            self._refresh_state()

    @on(RulesView.Toggled)
    def _rule_toggled(self, event: RulesView.Toggled) -> None:
        event.stop()
        self.pause(event.name, event.paused)

    def _refresh_state(self) -> None:
        """Redraw the Variables and Rules views (at most once a frame)."""
        conversation = self.conversation
        if conversation is None:
            return
        conversation.dirty = False
        self.variables_view.show(
            conversation.values, conversation.captured_from, conversation.is_secret
        )
        self.rules_view.show(conversation.rule_rows())

    def _journal_failed(self, exc: OSError) -> None:
        """The journal's ``on_error`` (any thread): shown with the next batch."""
        self._journal_trouble = (
            f"the journal cannot be written ({exc.strerror or exc}); the connection goes on, "
            "but this session is not fully recorded"
        )

    def focus_composer_on_open(self, unmoved: Callable[[], bool]) -> None:
        """When the connection opens, focus the composer if ``unmoved()`` says the user
        has not put the focus somewhere else meanwhile."""
        self._focus_on_open = unmoved

    def _focus_composer(self) -> None:
        unmoved = self._focus_on_open
        self._focus_on_open = None
        if unmoved is not None and unmoved():
            self.composer.editor.focus()

    def disconnect(self, code: int = 1000, reason: str = "bye") -> None:
        """Close with ``code`` and ``reason`` (checked by the dialog, and by the engine)."""
        self._disconnect(code, reason)

    def ask_disconnect(self) -> None:
        """Disconnect…: ask for the close code and reason, then close with them."""
        from wsblock.app.screens.disconnect import DisconnectDialog

        def chosen(answer: tuple[int, str] | None) -> None:
            if answer is not None:
                self.disconnect(*answer)

        self.app.push_screen(DisconnectDialog(self.request.url), chosen)

    @work(group="disconnect")
    async def _disconnect(self, code: int, reason: str) -> None:
        if self.session is not None:
            try:
                await self.session.close(code, reason)
            except ValueError as e:  # a code that may not be sent
                self.model.note(f"not closed: {e}")
                self.notify(str(e), title="Not closed", severity="error")

    def ping(self) -> None:
        """Send a ping; the round trip goes to the log and the status."""
        self._ping()

    @work(group="ping")
    async def _ping(self) -> None:
        if self.session is None or self.status.state != "connected":
            self.model.note("ping not sent: not connected (press Reconnect)")
            self.notify("Not connected", severity="warning")
            return
        rtt = await self.session.ping(timeout=10)
        if rtt is None:
            self.model.note("ping: no pong (the connection closed or 10 s passed)")
            return
        self.status.set_rtt(rtt)  # the log has it already: "pong (N ms)"

    def _end_streams(self) -> None:
        """Unsubscribe from the sessions so far: their consumers drain and stop."""
        for stream in self._streams:
            stream.close()
        self._streams.clear()

    async def shutdown(self) -> None:
        """Close the session and the journal (the tab is closing)."""
        if self.conversation is not None:
            await self.conversation.stop()
        if self.session is not None:
            try:
                await asyncio.wait_for(self.session.close(1000, "closed by the user"), 3)
            except Exception:  # noqa: BLE001
                pass
        self._end_streams()
        # The streams are closed: each consumer draws what is left, then ends by itself.
        for worker in self._consumers:
            try:
                await asyncio.wait_for(worker.wait(), 2)
            except Exception:  # noqa: BLE001 - a consumer that failed or hangs: stop it
                worker.cancel()
        if self.journal is not None:
            try:
                self.journal.close()
            except Exception:  # noqa: BLE001
                pass

    def on_unmount(self) -> None:
        """The tab or the app goes away: the conversation's rules and timers stop, the
        journal is closed whole (close is idempotent)."""
        if self.conversation is not None:
            self.conversation.cancel()
        if self.journal is not None:
            try:
                self.journal.close()
            except Exception:  # noqa: BLE001 - nothing to show it in any more
                pass

    # -- frame timer ----------------------------------------------------------------------
    def _frame(self) -> None:
        if self.conversation is not None and self.conversation.dirty:
            self._refresh_state()
        log = self.log_view
        if log.model.version != log._seen_version:
            log.sync()
            self._update_counters()

    def _measure_rate(self) -> None:
        now = time.monotonic()
        count = self.model.messages
        dt = now - self._last_rate_at
        self.rate = (count - self._last_rate_count) / dt if dt > 0 else 0.0
        self._last_rate_at, self._last_rate_count = now, count
        self._update_counters()

    def _update_counters(self) -> None:
        """The counters, on one line: when it is too narrow, the least useful parts are
        left out first (the rows, the rate, the keep-alive count, the byte sizes)."""
        m = self.model
        rows = f"{len(m):,} {'row' if len(m) == 1 else 'rows'}"
        parts = [  # (text, rank): the highest rank is left out first, 0 never
            (f"← in {m.count_in:,}", 0),
            (f" ({human_size(m.bytes_in)})", 2),
            (f" · → out {m.count_out:,}", 0),
            (f" ({human_size(m.bytes_out)})", 2),
            (f" · {self.rate:,.0f} msg/s", 4),
            (f" · {rows}", 5),
        ]
        if m.index is not None:
            parts.append((f" · {m.visible_count:,} shown", 0))
        if m.hidden_keepalive:
            parts.append((f" · {m.hidden_keepalive:,} keep-alive pings hidden", 1))
        counters = self.query_one("#counters", Static)
        width = counters.content_region.width
        while width and sum(len(t) for t, _r in parts) > width:
            rank = max(r for _t, r in parts)
            if rank == 0:
                break
            parts = [p for p in parts if p[1] != rank]
        counters.update("".join(t for t, _r in parts))

    def on_resize(self) -> None:
        # a short tab does not stack the Variables and Rules views under the log
        self.set_class(self.size.height < STACKED_HEIGHT, "-short")
        self.call_after_refresh(self._update_counters)

    # -- buttons --------------------------------------------------------------------------
    @on(Button.Pressed, "#disconnect")
    def _disconnect_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask_disconnect()

    @on(Button.Pressed, "#ping")
    def _ping_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ping()

    @on(Button.Pressed, "#reconnect")
    def _reconnect_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.connect()

    @on(Button.Pressed, "#replay-tab")
    def _replay_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.replay()

    def replay(self) -> None:
        """Ask for the replay of the tab's session, once it has finished (its journal is
        flushed first: the replay reads it)."""
        journal = self.journal
        if not self.status.finished or journal is None:
            why = "no journal" if journal is None else "the session has not finished"
            self.notify(f"Nothing to replay: {why}", timeout=3)
            return
        journal.flush()
        self.post_message(self.ReplayRequested(self, Path(journal.path)))

    @on(Button.Pressed, "#close-tab")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.CloseRequested(self))

    @on(Button.Pressed, "#clear")
    def _clear_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.model.clear()
        if self.conversation is not None:
            self.conversation.log_cleared()
        self.log_view.reset()
        self._update_counters()

    @on(Button.Pressed, "#follow")
    def _follow_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.log_view.follow = True

    @on(ActivityLog.FollowChanged)
    def _follow_changed(self, event: ActivityLog.FollowChanged) -> None:
        button = self.query_one("#follow", Button)
        button.variant = "primary" if event.follow else "default"
        button.label = "Follow" if event.follow else "Follow (End)"

    # -- filter ---------------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    @on(Checkbox.Changed, "#regex")
    @on(Checkbox.Changed, "#pings")
    @on(Select.Changed, "#direction")
    def _filter_changed(self, event) -> None:
        event.stop()
        # debounced: a keystroke in the filter box over a million rows costs a scan
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.12, self._apply_filter_box)

    def _apply_filter_box(self) -> None:
        self._filter_timer = None
        direction = self.query_one("#direction", Select).value
        flt = Filter(
            text=self.query_one("#filter", Input).value,
            regex=self.query_one("#regex", Checkbox).value,
            direction=direction if isinstance(direction, str) else "all",
            pings=self.query_one("#pings", Checkbox).value,
        )
        self.apply_filter(flt)

    def apply_filter(self, flt: Filter) -> bool:
        import re

        box = self.query_one("#filter", Input)
        try:
            self.model.set_filter(flt)
        except re.error as e:
            box.set_class(True, "-invalid")
            box.tooltip = f"bad regular expression: {e}"
            return False
        box.set_class(False, "-invalid")
        box.tooltip = None
        self.log_view.reset()
        self._update_counters()
        return True

    # -- detail ---------------------------------------------------------------------------
    @on(ActivityLog.Selected)
    def _selected(self, event: ActivityLog.Selected) -> None:
        self.query_one(MessageDetail).show(self.model, event.row)
        # the detail takes room from the log: keep the chosen line in view
        self.call_after_refresh(self.log_view.show_cursor)

    # -- composer -------------------------------------------------------------------------
    @on(Composer.Send)
    def _send(self, event: Composer.Send) -> None:
        event.stop()
        self.send(event.fmt, event.text, event.encoding, event.ack, event.variables)

    def send(
        self,
        fmt: str,
        text: str,
        encoding: str = "base64",
        ack: bool = False,
        variables: str | None = None,
    ) -> None:
        self._send_worker(fmt, text, encoding, ack, variables)

    @work(group="send")
    async def _send_worker(
        self, fmt: str, text: str, encoding: str, ack: bool = False, variables: str | None = None
    ) -> None:
        from wsblock.conversation.checks import decode_binary

        try:
            if self.conversation is not None:  # {{process.NAME}}: the values captured here
                text = self.conversation.fill(text, fmt == "json")
            resolved = self.substitute(text, "the composer")
            data: str | bytes = decode_binary(resolved, encoding) if fmt == "binary" else resolved
            if variables is not None:
                variables = self.substitute(variables, "the composer's variables")
            message = encode_json(
                self.model,
                Message(name="composer", format=fmt, data=data, ack=ack, variables=variables),  # type: ignore[arg-type]
            )
        except Exception as e:  # noqa: BLE001 - unknown variable, bad binary
            self.model.note(f"not sent: {e}")
            self.notify(str(e), title="Not sent", severity="error")
            return
        if self.session is None or self.status.state != "connected":
            self.model.note("not sent: not connected (press Reconnect)")
            self.notify("Not connected", severity="warning")
            return
        try:
            await self.session.send(message)
        except Exception as e:  # noqa: BLE001
            self.model.note(f"not sent: {e}")
            self.notify(str(e), title="Not sent", severity="error")

    @on(Composer.Save)
    def _save(self, event: Composer.Save) -> None:
        event.stop()
        if self.on_save is None:
            self.notify("Nowhere to save this message", severity="warning")
            return
        try:
            done = self.on_save(event.name, event.fmt, event.text, event.encoding)
        except Exception as e:  # noqa: BLE001
            self.notify(str(e), title="Not saved", severity="error")
            return
        self.composer.add_saved(event.name, event.fmt, event.text, event.encoding)
        self.notify(done if isinstance(done, str) else f"Saved message {event.name!r} to the file")

    # -- export ---------------------------------------------------------------------------
    @on(Select.Changed, "#export")
    def _export_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.ask_export(event.value)
            event.select.clear()

    def export_folder(self) -> Path:
        """Where an export goes by default: the request's file's folder, else the
        journal's; never silently the current directory."""
        if self.export_dir is not None:
            return Path(self.export_dir)
        if self.request.file is not None:
            return Path(self.request.file).resolve().parent
        if self.journal is not None:
            return Path(self.journal.path).parent
        return Path.home()

    def default_export_path(self, fmt: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = "".join(
            c if c.isalnum() or c in "-_" else "-" for c in self.request.name or "session"
        )
        return self.export_folder() / f"wsblock-{name}-{stamp}.{fmt}"

    def ask_export(self, fmt: str) -> None:
        """Export…: ask where to write (the default path is offered), then export."""
        from wsblock.app.screens.export import ExportDialog

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.export(fmt, path)

        self.app.push_screen(ExportDialog(fmt, self.default_export_path(fmt)), chosen)

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        """Export the session from the journal as json, csv or ndjson (to ``path``, or
        the default path: see :meth:`export_folder`)."""
        target = path or self.default_export_path(fmt)
        try:
            export_session(self.journal, self.model, fmt, target)
        except Exception as e:  # noqa: BLE001
            self.notify(str(e), title="Export failed", severity="error")
            return None
        self.notify(f"Exported to {target}")
        return target


def export_session(journal: Journal | None, model: LogModel, fmt: str, target: Path) -> Path:
    """Write a tab's session as *fmt* to *target* through the journal's one exporter
    (the same records, columns and time format as ``wsblock export``): from the journal
    on disk, or, when it could not be created, from the log's rows, secrets masked.
    With a ``decode`` / ``encode`` row, messages carry ``decoded`` (or ``decode_error``)."""
    from wsblock.journal import event_to_dict, export, read_session

    target = Path(target)
    records: Iterator[dict]
    if journal is not None:
        journal.flush()  # every line whole: none is cut short
        records = read_session(journal.path)
    else:
        records = (event_to_dict(model.as_event(row), model.masker) for row in range(len(model)))
    if model.decode is not None or model.encode is not None:  # binary feeds: as `export --decode`
        from wsblock.codecs import with_decoded

        records = with_decoded(records, model.decode, model.encode)
    with open(target, "w", encoding="utf-8", newline="") as out:
        export(records, fmt, out)
    return target
