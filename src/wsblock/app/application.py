"""The Textual app: small on purpose; the screens and widgets do the work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from .project import Project
from .screens.main import MainScreen
from .settings import Settings


class WsblockApp(App):
    """Edit ``.void`` files, run their WebSocket requests, work with the live connections."""

    CSS_PATH = "wsblock.tcss"
    TITLE = "wsblock"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]  # shown in the footer

    def __init__(
        self,
        project: Project,
        *,
        session_factory: Callable | None = None,
        journal_factory: Callable | None = None,
        export_dir: Path | None = None,
        temporary: Path | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        #: A folder removed when the app ends (the demo's copy): saves there say so.
        self.temporary = temporary
        self.session_factory = session_factory
        self.journal_factory = journal_factory
        self.export_dir = export_dir
        self.settings = Settings(session_factory, journal_factory, export_dir, temporary)
        self.sub_title = project.title

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.project, self.settings))

    @property
    def main(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not up")

    async def action_quit(self) -> None:
        """Ask about unsaved files (Save / Discard / Cancel), close the connections, exit."""
        from .editor.files import EditorArea

        async def really_quit() -> None:
            for view in self.main.connections():
                await view.shutdown()
            await self.main.mocks.stop_all()
            self.exit()

        areas = self.main.query(EditorArea)
        if areas:
            areas.first().confirm_quit(really_quit)
        else:
            await really_quit()
