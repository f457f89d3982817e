"""The main screen: toolbar, the file on the left, response tabs on the right."""

from __future__ import annotations

import itertools

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Select, Static, TabbedContent, TabPane

from wsblock.app.project import Project, ProjectError
from wsblock.app.widgets.document.view import DocumentView, RequestCard
from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.app.widgets.response.status import StatusBar

from .environment import NO_ENVIRONMENT, EnvironmentPicker
from .help import HelpScreen

IDLE = "idle"


class MainScreen(Screen):
    BINDINGS = [
        Binding("ctrl+j", "run", "Run"),
        Binding("ctrl+enter", "run", "Run", show=False),
        Binding("f5", "run", "Run", show=False),
        Binding("f1", "help", "Keys"),
        Binding("ctrl+e", "pick_environment", "Environment"),
        Binding("ctrl+w", "close_tab", "Close tab"),
        Binding("ctrl+d", "disconnect", "Disconnect", show=False),
        Binding("ctrl+r", "reconnect", "Reconnect", show=False),
        Binding("ctrl+l", "focus_log", "Log", show=False),
        Binding("ctrl+f", "focus_filter", "Filter", show=False),
    ]

    def __init__(self, project: Project, **kwargs) -> None:
        super().__init__(**kwargs)
        self.project = project
        self._ids = itertools.count(1)

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="toolbar"):
            yield Static(f"wsblock · {self.project.title}", id="file-title")
            yield Button("▶ Run", id="run", variant="success", compact=True)
            yield Select(
                self._env_options(),
                value=self.project.environment or "",
                allow_blank=False,
                id="environment",
                compact=True,
                tooltip="Environment (.voiden/)",
            )
            yield Button("Keys (F1)", id="help", compact=True)
        with Horizontal(id="body"):
            yield DocumentView(self.project, id="document")
            with Vertical(id="response"):
                with TabbedContent(id="tabs"):
                    yield self._idle_pane()
        yield Footer()

    def _env_options(self) -> list[tuple[str, str]]:
        names = self.project.environments()
        if self.project.environment and self.project.environment not in names:
            names.append(self.project.environment)
        return [(NO_ENVIRONMENT, "")] + [(n, n) for n in names]

    def _idle_pane(self) -> TabPane:
        return TabPane(
            "No connection",
            StatusBar("", id="idle-status"),
            Static(
                "Run a request: Ctrl+J, F5 or ▶ Run. Each run opens a tab here.",
                id="idle-hint",
                classes="hint",
            ),
            Static("", id="idle-error", classes="run-error"),
            id=IDLE,
        )

    # -- helpers --------------------------------------------------------------------------
    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#tabs", TabbedContent)

    @property
    def document(self) -> DocumentView:
        return self.query_one(DocumentView)

    def connections(self) -> list[ConnectionView]:
        return list(self.query(ConnectionView))

    def active_connection(self) -> ConnectionView | None:
        pane = self.tabs.active_pane
        if pane is None:
            return None
        found = pane.query(ConnectionView)
        return found.first() if found else None

    def _show_error(self, message: str) -> None:
        """Errors before a connection (unknown variable, bad link) go in the panel."""
        view = self.active_connection()
        if view is not None:
            view.model.note(f"cannot run: {message}")
        idle = self.query("#idle-error")
        if idle:
            idle.first(Static).update(f"✖ {message}")
            self.query_one("#idle-status", StatusBar).set_failed(message)
            self.tabs.active = IDLE
        self.notify(message, title="Cannot run", severity="error", timeout=8)

    # -- run ------------------------------------------------------------------------------
    def action_run(self) -> None:
        card = self.document.current
        runnable = [c for c in self.document.cards if c.kind == "wss"]
        if card is None or card.kind != "wss":
            card = runnable[0] if len(runnable) == 1 else None
        if card is None:
            self._show_error(
                "no WebSocket request here to run" if not runnable else "choose a request first"
            )
            return
        self.run_card(card)

    @on(RequestCard.Run)
    def _card_run(self, event: RequestCard.Run) -> None:
        self.run_card(event.card)

    @on(Button.Pressed, "#run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    def run_card(self, card: RequestCard) -> None:
        try:
            request = self.project.resolve(card.spec)
        except ProjectError as e:
            self._show_error(str(e))
            return
        self._open_tab(card, request)

    @work(group="tabs", exclusive=False)
    async def _open_tab(self, card: RequestCard, request) -> ConnectionView:
        app = self.app
        n = next(self._ids)
        saved = self.project.saved_messages(card.spec)

        def on_save(name: str, fmt: str, text: str, encoding: str) -> None:
            try:
                self.project.save_message(card.spec, name, fmt, text, encoding)
            except ProjectError:
                raise
            except Exception as e:  # noqa: BLE001
                raise ProjectError(str(e)) from None

        view = ConnectionView(
            request,
            substitute=self.project.substitute,
            saved=saved,
            on_save=on_save if self.project.path else None,
            session_factory=getattr(app, "session_factory", None),
            journal_factory=getattr(app, "journal_factory", None),
            export_dir=getattr(app, "export_dir", None),
            id=f"conn-{n}",
        )
        title = f"{n}. {request.name or 'request'}"
        pane = TabPane(title, view, id=f"tab-{n}")
        tabs = self.tabs
        await tabs.add_pane(pane)
        if self._has_idle():
            await tabs.remove_pane(IDLE)
        tabs.active = pane.id
        view.connect()
        return view

    def _has_idle(self) -> bool:
        return bool(self.query(f"#{IDLE}"))

    # -- tabs -----------------------------------------------------------------------------
    def action_close_tab(self) -> None:
        view = self.active_connection()
        if view is not None:
            self._close(view)

    @on(ConnectionView.CloseRequested)
    def _close_requested(self, event: ConnectionView.CloseRequested) -> None:
        self._close(event.view)

    @work(group="tabs")
    async def _close(self, view: ConnectionView) -> None:
        pane = next((a for a in view.ancestors if isinstance(a, TabPane)), None)
        await view.shutdown()
        if pane is not None and pane.id:
            await self.tabs.remove_pane(pane.id)
        if not self.connections() and not self._has_idle():
            await self.tabs.add_pane(self._idle_pane())
            self.tabs.active = IDLE

    def action_disconnect(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.disconnect()

    def action_reconnect(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.connect()

    def action_focus_log(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.log_view.focus()

    def action_focus_filter(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.query_one("#filter").focus()

    # -- environment ----------------------------------------------------------------------
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    @on(Button.Pressed, "#help")
    def _help_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_help()

    def action_pick_environment(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None:
                self.query_one("#environment", Select).value = name

        self.app.push_screen(
            EnvironmentPicker(self.project.environments(), self.project.environment), chosen
        )

    @on(Select.Changed, "#environment")
    def _environment_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        self.project.environment = value or None
        self.notify(f"Environment: {value or 'none'}", timeout=2)
