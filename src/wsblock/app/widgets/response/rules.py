"""The rules and timers of the running request: how often each fired; pause, resume.

A stateful request's ``socket-on`` rules answer or capture from the messages they
match, its ``socket-every`` timers send on their interval (:mod:`wsblock.conversation.
state`). This view lists them in the file's order with their kind, how many times each
fired on this connection and whether it is active, paused or not reached yet. "Pause"
(or ``p`` on the table) pauses the chosen one, or resumes it: the view posts
:class:`RulesView.Toggled` and the owner tells the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

__all__ = ["RuleRow", "RulesView"]

RuleRow = tuple[str, str, int, str]
"""``(name, kind, fired, state)``: kind ``rule`` or ``timer``; state ``active``,
``paused`` or ``waiting`` (its place among the steps is not reached yet)."""


class RulesView(Vertical):
    """``name  kind  fired  state`` rows, and a Pause / Resume button for the chosen one."""

    DEFAULT_CSS = """
    RulesView { width: 1fr; height: 100%; }
    RulesView .pane-bar { height: 1; }
    RulesView .pane-title { width: 1fr; text-style: bold; padding: 0 1; }
    RulesView DataTable { height: 1fr; }
    """

    BINDINGS = [Binding("p", "toggle_pause", "Pause/Resume")]

    class Toggled(Message):
        """The user asks to pause (``paused`` True) or resume the rule or timer ``name``."""

        def __init__(self, name: str, paused: bool) -> None:
            super().__init__()
            self.name = name
            self.paused = paused

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, RuleRow] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Static("Rules and timers", classes="pane-title")
            yield Button(
                "Pause", id="pause-rule", compact=True, tooltip="p: pause or resume the chosen one"
            )
        table: DataTable[str] = DataTable(id="rules", cursor_type="row", zebra_stripes=True)
        table.add_column("name", key="name")
        table.add_column("kind", key="kind")
        table.add_column("fired", key="fired")
        table.add_column("state", key="state")
        yield table

    @property
    def table(self) -> DataTable[str]:
        return self.query_one("#rules", DataTable)

    def show(self, rows: Sequence[RuleRow]) -> None:
        """List ``rows``, in order (names are unique: the file says so)."""
        table = self.table
        for row in rows:
            name, kind, fired, state = row
            old = self._rows.get(name)
            if old == row:
                continue
            if old is None:
                table.add_row(name, kind, str(fired), state, key=name)
            else:
                table.update_cell(name, "fired", str(fired))
                table.update_cell(name, "state", state)
            self._rows[name] = row
        self._label()

    def rows(self) -> list[RuleRow]:
        """The rows as shown, in order."""
        return list(self._rows.values())

    def chosen(self) -> str | None:
        """The name of the row under the table's cursor."""
        if not self._rows:
            return None
        index = max(0, min(self.table.cursor_row, len(self._rows) - 1))
        return list(self._rows)[index]

    def choose(self, name: str) -> None:
        """Put the table's cursor on ``name``'s row."""
        names = list(self._rows)
        if name in names:
            self.table.move_cursor(row=names.index(name))
            self._label()

    def action_toggle_pause(self) -> None:
        name = self.chosen()
        if name is not None:
            self.post_message(self.Toggled(name, self._rows[name][3] != "paused"))

    @on(Button.Pressed, "#pause-rule")
    def _pause_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_pause()

    @on(DataTable.RowHighlighted, "#rules")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._label()

    def _label(self) -> None:
        name = self.chosen()
        paused = name is not None and self._rows[name][3] == "paused"
        button = self.query_one("#pause-rule", Button)
        button.label = "Resume" if paused else "Pause"
        button.disabled = name is None
