"""The environment picker: the `.voiden/` environments of the project."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

NO_ENVIRONMENT = "(no environment)"


class EnvironmentPicker(ModalScreen[str | None]):
    """Dismisses with the chosen name, "" for none, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: list[str], current: str | None) -> None:
        super().__init__()
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="env-box"):
            yield Label("Environment", classes="env-title")
            options = [Option(NO_ENVIRONMENT, id="")] + [Option(n, id=n) for n in self.names]
            yield OptionList(*options, id="env-list")
            if not self.names:
                yield Label("No environments in .voiden/ of this project.", classes="env-note")

    def on_mount(self) -> None:
        lst = self.query_one(OptionList)
        ids = [""] + self.names
        lst.highlighted = ids.index(self.current) if self.current in ids else 0
        lst.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)
