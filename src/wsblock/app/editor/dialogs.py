"""The editor's questions: unsaved changes on quit, a file changed on disk, a name to save as."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.button import ButtonVariant
from textual.widgets.input import Selection

_BOX_CSS = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{
        width: 64; max-width: 95%; height: auto;
        border: round $warning; background: $surface; padding: 1 2;
    }}
    {name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
    {name} .dialog-text {{ color: $text-muted; margin-bottom: 1; }}
    {name} .dialog-buttons {{ height: auto; align-horizontal: right; }}
    {name} .dialog-buttons Button {{ margin-left: 1; }}
"""


class _Choice(ModalScreen[str]):
    """A question with buttons; dismisses with the pressed button's id (Escape: cancel)."""

    BINDINGS = [Binding("escape", "choose('cancel')", "Cancel", show=False)]
    TITLE_TEXT = ""
    BUTTONS: list[tuple[str, str, ButtonVariant]] = []  # (id, label, variant)
    CANCEL = "cancel"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.TITLE_TEXT, classes="dialog-title")
            yield Static(self.text, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                for bid, label, variant in self.BUTTONS:
                    yield Button(label, id=bid, variant=variant, compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or self.CANCEL)

    def action_choose(self, choice: str) -> None:
        self.dismiss(self.CANCEL if choice == "cancel" else choice)


class ConfirmQuit(_Choice):
    """Unsaved changes: ``"save"``, ``"discard"`` or ``"cancel"``."""

    DEFAULT_CSS = _BOX_CSS.format(name="ConfirmQuit")
    TITLE_TEXT = "Unsaved changes"
    BUTTONS = [
        ("save", "Save", "success"),
        ("discard", "Discard", "error"),
        ("cancel", "Cancel", "default"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(f"{title} has changes that are not saved. Save them before closing?")


class ChangedOnDisk(_Choice):
    """The file changed on disk: ``"reload"``, ``"overwrite"`` or ``"keep"`` (Escape: keep)."""

    DEFAULT_CSS = _BOX_CSS.format(name="ChangedOnDisk")
    TITLE_TEXT = "Changed on disk"
    BUTTONS = [
        ("reload", "Reload theirs", "warning"),
        ("overwrite", "Overwrite with mine", "error"),
        ("keep", "Keep mine", "default"),
    ]
    CANCEL = "keep"

    def __init__(self, path: Path | str, dirty: bool = True) -> None:
        mine = "You have unsaved changes. " if dirty else ""
        super().__init__(
            f"{path} was changed by someone else since it was opened here. {mine}"
            "Reload their version (undo brings yours back), overwrite it with yours, "
            "or keep editing yours (the next save overwrites)."
        )


class SaveAs(ModalScreen[Path | None]):
    """Asks for a file name (``.void`` added when missing); dismisses with the path or None."""

    DEFAULT_CSS = (
        _BOX_CSS.format(name="SaveAs")
        + """
    SaveAs Input { margin-bottom: 1; }
    SaveAs .dialog-error { color: $error; height: auto; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, folder: Path | None = None, name: str = "untitled.void") -> None:
        super().__init__()
        self.folder = Path(folder) if folder else Path.cwd()
        self.default = name
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Save as", classes="dialog-title")
            yield Static(f"File name (in {self.folder}, or a path):", classes="dialog-text")
            yield Input(self.default, id="save-name", compact=True)
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="success", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        field = self.query_one("#save-name", Input)
        field.focus()
        stem = self.default[: -len(".void")] if self.default.endswith(".void") else self.default
        field.selection = Selection(0, len(stem))

    def path(self) -> Path | None:
        name = self.query_one("#save-name", Input).value.strip()
        if not name:
            return None
        if not name.endswith(".void"):
            name += ".void"
        path = Path(name).expanduser()
        return path if path.is_absolute() else self.folder / path

    @on(Input.Submitted, "#save-name")
    @on(Button.Pressed, "#save")
    def _save(self, event) -> None:
        event.stop()
        path = self.path()
        error = self.query_one(".dialog-error", Static)
        if path is None:
            error.update("Give the file a name.")
            return
        if path.is_dir():
            error.update(f"{path} is a folder.")
            return
        if path.exists() and self._confirmed != path:
            self._confirmed = path
            error.update(f"{path.name} exists: Save again to overwrite it.")
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
