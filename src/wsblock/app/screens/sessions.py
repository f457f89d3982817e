"""The sessions list: every recorded session (the journal), newest first, and what can
be done with one: replay it (:mod:`.replay`, the comparison side by side), or start a
mock server that plays its server side (:mod:`wsblock.app.mocks`), its URL shown, until
it is stopped (Stop, or the app ends).

Opened with F7; the current response tab's session is selected.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Log, Static

from wsblock.app.mocks import Mocks, RunningMock
from wsblock.app.project import Project

from .replay import ReplayScreen


class SessionsScreen(Screen[None]):
    """The recorded sessions; R replays the selected one, M starts its mock, S stops it."""

    DEFAULT_CSS = """
    #sessions-box { height: 1fr; padding: 0 1; }
    #sessions { height: 1fr; }
    #sessions-buttons { height: auto; }
    #sessions-mocks { height: auto; }
    #sessions-log { height: 8; border-top: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "replay", "Replay"),
        Binding("m", "mock", "Mock"),
        Binding("s", "stop_mock", "Stop mock"),
    ]

    def __init__(
        self,
        project: Project,
        mocks: Mocks,
        *,
        log_dir: Path | None = None,
        select: Path | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.mocks = mocks
        self.log_dir = log_dir
        self.select = select
        self.sessions: dict[str, Path] = {}
        self._shown: dict[RunningMock, int] = {}  # log lines of each mock shown so far

    def compose(self) -> ComposeResult:
        with Vertical(id="sessions-box"):
            yield Static("Recorded sessions", classes="env-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="sessions-buttons", classes="close-row"):
                yield Button("Replay (R)", id="sessions-replay", variant="primary", compact=True)
                yield Button("Mock (M)", id="sessions-mock", compact=True)
                yield Button("Stop mock (S)", id="sessions-stop", compact=True)
            yield Static("", id="sessions-mocks")
            yield Log(id="sessions-log", max_lines=10_000)
        yield Footer()

    def on_mount(self) -> None:
        from wsblock.journal.store import list_sessions

        table = self.query_one("#sessions", DataTable)
        table.add_column("started (UTC)", key="started")
        table.add_column("name", key="name")
        table.add_column("URL", key="url")
        table.add_column("events", key="events")
        infos = list(reversed(list_sessions(self.log_dir)))
        for info in infos:
            started = info.started.strftime("%Y-%m-%d %H:%M:%S") if info.started else "?"
            table.add_row(started, info.name, info.url or "", str(info.events), key=info.id)
            self.sessions[info.id] = info.path
        if not infos:
            self.query_one("#sessions-mocks", Static).update(
                "No recorded session yet: every run (Ctrl+J) is recorded."
            )
        elif self.select is not None and self.select.stem in self.sessions:
            table.move_cursor(row=table.get_row_index(self.select.stem))
        table.focus()
        self.mocks.listeners.append(self._mocks_changed)
        self._mocks_changed()

    def on_unmount(self) -> None:
        if self._mocks_changed in self.mocks.listeners:
            self.mocks.listeners.remove(self._mocks_changed)

    # -- the selection ------------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        """The id of the selected session."""
        table = self.query_one("#sessions", DataTable)
        if not self.sessions or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _need_selection(self) -> str | None:
        selected = self.selected
        if selected is None:
            self.notify("No recorded session to use", severity="warning", timeout=4)
        return selected

    # -- replay -------------------------------------------------------------------------
    @on(Button.Pressed, "#sessions-replay")
    @on(DataTable.RowSelected, "#sessions")
    def _replay_pressed(self, event) -> None:
        event.stop()
        self.action_replay()

    def action_replay(self) -> None:
        selected = self._need_selection()
        if selected is not None:
            self.app.push_screen(ReplayScreen(self.sessions[selected], self.project))

    # -- mocks --------------------------------------------------------------------------
    @on(Button.Pressed, "#sessions-mock")
    def _mock_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_mock()

    def action_mock(self) -> None:
        selected = self._need_selection()
        if selected is not None:
            self._start_mock(selected)

    @work(group="mocks")
    async def _start_mock(self, session_id: str) -> None:
        from wsblock.journal.recording import read_recording
        from wsblock.journal.store import JournalError
        from wsblock.servers.routes import recorded_script

        running = self.mocks.of(session_id)
        if running is not None:
            self.notify(f"The mock of {session_id} runs at {running.url}", timeout=6)
            return
        try:
            recording = read_recording(self.sessions[session_id])
            if recording.cut is not None:
                self.notify(recording.cut.words(), title="Journal cut short", severity="warning")
            script = recorded_script(recording)
            mock = await self.mocks.start(script, session_id)
        except (JournalError, ValueError, OSError) as e:
            self.notify(str(e), title="Cannot start the mock", severity="error", timeout=10)
            return
        self.notify(f"Mock of {session_id} at {mock.url}", title="Mock started", timeout=8)

    @on(Button.Pressed, "#sessions-stop")
    def _stop_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_stop_mock()

    def action_stop_mock(self) -> None:
        """Stop the selected session's mock (or, if it has none, the latest one started)."""
        mock = self.mocks.of(self.selected or "")
        if mock is None:
            mock = self.mocks.running[-1] if self.mocks.running else None
        if mock is None:
            self.notify("No mock server is running", timeout=3)
            return
        self._stop(mock)

    @work(group="mocks")
    async def _stop(self, mock: RunningMock) -> None:
        await self.mocks.stop(mock)
        self.notify(f"Mock of {mock.name} stopped", timeout=4)

    def _mocks_changed(self) -> None:
        """The running mocks (their URLs) and the new lines of their logs."""
        lines = Text()
        for mock in self.mocks.running:
            lines.append("● ", style="green")
            lines.append(f"mock of {mock.name} at ")
            lines.append(mock.url, style="bold")
            lines.append("\n")
        if not self.mocks.running and self.sessions:
            lines.append("No mock server runs: M starts one for the selected session.")
        self.query_one("#sessions-mocks", Static).update(lines)
        log = self.query_one("#sessions-log", Log)
        for mock in self.mocks.started:
            new = mock.log[self._shown.get(mock, 0) :]
            if new:
                log.write_lines([f"{mock.name}: {line}" for line in new])
                self._shown[mock] = len(mock.log)

    def action_back(self) -> None:
        self.dismiss(None)
