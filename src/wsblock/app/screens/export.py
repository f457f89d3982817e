"""Export…: where to write the session (never silently the current directory)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class ExportDialog(ModalScreen[Path | None]):
    """Dismisses with the path to write (its folder exists), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, fmt: str, default: Path) -> None:
        super().__init__()
        self.fmt = fmt
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(f"Export the session as {self.fmt.upper()} to", classes="env-title")
            yield Input(str(self.default), id="export-path", compact=True)
            yield Static("", id="export-error", classes="run-error")
            with Horizontal(classes="close-row"):
                yield Button("Export", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _check(self) -> Path | None:
        text = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Static)
        if not text:
            error.update("✖ a file name is needed")
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.default.parent / path  # relative to the offered folder, not the cwd
        if path.is_dir():
            error.update(f"✖ {path} is a folder: add a file name")
            return None
        if not path.parent.is_dir():
            error.update(f"✖ no folder {path.parent}")
            return None
        error.update("")
        return path

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-ok")
    def _confirm(self, event) -> None:
        event.stop()
        path = self._check()
        if path is not None:
            self.dismiss(path)
        else:
            self.app.bell()

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
