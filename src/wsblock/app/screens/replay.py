"""Replay a recorded session from the app: the comparison ``wsblock replay`` makes
(:mod:`wsblock.replay`, :mod:`wsblock.conversation.compare`), shown side by side.

The session's handshake and messages are sent again through the engine (secrets from
the current environment's variables, never from the journal); the replay is journaled
as a session of its own. The ignore paths re-compare what was received without
connecting again; ``Replay`` (or Enter in the URL) connects again.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static

from wsblock.app.project import Project
from wsblock.app.widgets.replay import ReplayComparison
from wsblock.conversation.compare import IgnoreRules, Msg, compare

SPEEDS = [("paced as recorded", 1.0), ("at once", 0.0)]


class ReplayScreen(Screen[None]):
    """One recorded session replayed and compared; Escape goes back."""

    DEFAULT_CSS = """
    #replay-box { height: 1fr; padding: 0 1; }
    #replay-controls { height: auto; }
    #replay-url { width: 1fr; }
    #replay-speed { width: 24; }
    #replay-status { height: auto; }
    """
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Path, project: Project, *, timeout: float = 5.0) -> None:
        super().__init__()
        self.session = Path(session)
        self.project = project
        self.timeout = timeout
        self.recorded: list[list[Msg]] = []  # each connection's, as recorded
        self.received: list[list[Msg]] | None = None  # and as the replay got them
        """What the server sent in the last replay (None: not replayed yet)."""
        self.journal_path: Path | None = None
        self.running = False
        self.note = ""
        """Said beside the verdict: only the first connection of a session that
        reconnected is replayed."""

    def compose(self) -> ComposeResult:
        with Vertical(id="replay-box"):
            yield Static(f"Replay of {self.session.stem}", id="replay-title", classes="env-title")
            with Horizontal(id="replay-controls"):
                yield Input(placeholder="URL (empty: as recorded)", id="replay-url", compact=True)
                yield Select(SPEEDS, value=1.0, allow_blank=False, id="replay-speed", compact=True)
                yield Button("Replay", id="replay-run", variant="primary", compact=True)
            yield Input(
                placeholder="ignore paths: body.ts body.items[*].id (Enter applies)",
                id="replay-ignore",
                compact=True,
            )
            yield Static("", id="replay-status")
            yield ReplayComparison(id="replay-comparison")
        yield Footer()

    def on_mount(self) -> None:
        self.replay()

    # -- the replay ---------------------------------------------------------------------
    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#replay-status", Static)
        status.update(f"✖ {text}" if error else text)
        status.set_class(error, "run-error")

    def _rules(self) -> IgnoreRules | None:
        try:
            return IgnoreRules.parse(self.query_one("#replay-ignore", Input).value.split())
        except ValueError as e:
            self._status(str(e), error=True)
            return None

    @work(exclusive=True, group="replay")
    async def replay(self) -> None:
        """Connect as the recording did, send its messages, compare what comes back."""
        from wsblock.journal.recording import read_recording
        from wsblock.journal.store import JournalError
        from wsblock.replay import journal_for, play_all, replay_request
        from wsblock.userinput import BadInput, EnvChoice

        rules = self._rules()
        if rules is None:
            return
        url = self.query_one("#replay-url", Input).value.strip() or None
        speed = self.query_one("#replay-speed", Select).value
        project = self.project
        env = EnvChoice(
            project.environment, project.profile, project.env_file, dict(project.env_vars)
        )
        try:
            recording = read_recording(self.session)
            plan = replay_request(recording, env, url)
        except (JournalError, BadInput, OSError) as e:
            self._status(f"cannot replay: {e}", error=True)
            return
        self.recorded = [recording.received, *(c.received for c, _ in plan.later)]
        count = plan.connections
        self.note = f" · {count} connections, replayed one after the other" if count > 1 else ""
        if recording.cut is not None:
            self.notify(recording.cut.words(), title="Journal cut short", severity="warning")
        self.running = True
        journal = None
        try:
            journal = journal_for(plan)
            shown = journal.masker.mask(plan.request.url)
            self._status(f"replaying against {shown}…{self.note}")
            played = await play_all(
                plan,
                speed=float(speed) if isinstance(speed, (int, float)) else 1.0,
                timeout=self.timeout,
                journal=journal,
            )
        except OSError as e:
            self._status(f"cannot replay: {e.strerror or e}", error=True)
            return
        finally:
            if journal is not None:
                journal.close()
                self.journal_path = journal.path
            self.running = False
        if not played[-1].connected:
            where = f"connection {len(played)}: " if count > 1 else ""
            why = played[-1].error or "the connection failed"
            self._status(f"{where}could not connect: {why}", True)
            return
        self.received = [p.received for p in played]
        self._compare(rules)

    def _compare(self, rules: IgnoreRules) -> None:
        if self.received is None:
            return
        parts = [
            (recorded, new, compare(recorded, new, rules))
            for recorded, new in zip(self.recorded, self.received, strict=True)
        ]
        self.query_one(ReplayComparison).show_connections(parts)
        differences = [d for *_, found in parts for d in found]
        where = f" · journal: {self.journal_path.name}" if self.journal_path else ""
        verdict = (
            f"different: {len(differences)} difference(s)" if differences else "same as recorded"
        )
        self._status(f"{verdict}{where}{self.note}", error=bool(differences))

    # -- controls -----------------------------------------------------------------------
    @on(Button.Pressed, "#replay-run")
    @on(Input.Submitted, "#replay-url")
    def _again(self, event) -> None:
        event.stop()
        if self.running:
            self.notify("A replay is running: wait for its comparison", timeout=3)
            return
        self.replay()

    @on(Input.Submitted, "#replay-ignore")
    def _ignore(self, event: Input.Submitted) -> None:
        event.stop()
        rules = self._rules()
        if rules is not None:
            if self.received is None:
                if not self.running:
                    self.replay()
            else:
                self._compare(rules)

    def action_back(self) -> None:
        self.dismiss(None)
