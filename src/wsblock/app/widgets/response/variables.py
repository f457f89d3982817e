"""The Variables view: the ``{{process.NAME}}`` values captured by the running request.

A stateful request (:mod:`wsblock.conversation.state`) captures values from the
handshake, from the messages its expectations take and from those its rules match;
this view lists them, one row per name, with where the last value came from: the file
and the line of the item that captured it (``gateway.void:69``) or the rule's name, the
whole place (``gateway.void:69 socket-messages runtime-variables (item 2) row 1``) in
the table's tooltip for the row under the cursor or the mouse. Secrets
(a secret-like name, a value read from a secret-like place, a value the session masks)
show as ``••••••``, as in the log; "reveal" shows them in this view only (the log, the
journal and the exports stay masked).

The owner calls :meth:`VariablesView.show` when the values changed (at most once a
frame); the view never reads the conversation itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Static

from wsblock.conversation.paths import text_form
from wsblock.variables.masking import MASK

__all__ = ["VariablesView"]

WIDTH = 60  # a value longer than this is cut in the table

_FILE_LINE = re.compile(r"(.+?:\d+)(?:\s|$)")


def short_place(where: str) -> str:
    """The file and line a place starts with (``gateway.void:69 socket-messages
    runtime-variables (item 2) row 1`` -> ``gateway.void:69``); a place without a line
    (a rule's name) as it is."""
    m = _FILE_LINE.match(where)
    return m.group(1) if m else where


class VariablesView(Vertical):
    """``NAME  value  from`` rows; secrets masked unless "reveal" is ticked."""

    DEFAULT_CSS = """
    VariablesView { width: 1fr; height: 100%; }
    VariablesView .pane-bar { height: 1; }
    VariablesView .pane-title { width: 1fr; text-style: bold; padding: 0 1; }
    VariablesView DataTable { height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._values: dict[str, Any] = {}
        self._where: dict[str, str] = {}
        self._secret: Callable[[str, str], bool] = lambda name, text: False
        self._shown: dict[str, tuple[str, str]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Static("Variables", classes="pane-title")
            yield Checkbox(
                "reveal",
                id="reveal",
                compact=True,
                tooltip="Show the captured secrets here (the log stays masked)",
            )
        table: DataTable[str] = DataTable(id="variables", cursor_type="row", zebra_stripes=True)
        table.add_column("name", key="name")
        table.add_column("value", key="value")
        table.add_column("from", key="from")
        yield table

    @property
    def revealed(self) -> bool:
        return self.query_one("#reveal", Checkbox).value

    def show(
        self,
        values: Mapping[str, Any],
        where: Mapping[str, str],
        secret: Callable[[str, str], bool],
    ) -> None:
        """List ``values`` (NAME -> value), each with ``where`` it was captured;
        ``secret(name, text)`` says which to mask."""
        self._values = dict(values)
        self._where = dict(where)
        self._secret = secret
        self._draw()

    def rows(self) -> list[tuple[str, str, str]]:
        """``(name, value as shown, from)`` of each row, in order."""
        return [(n, *self._shown[n]) for n in self._values if n in self._shown]

    def place(self, name: str) -> str:
        """Where ``name``'s value came from, whole (the table shows it short)."""
        return self._where.get(name, "")

    def on_mount(self) -> None:
        table = self.query_one("#variables", DataTable)
        self.watch(table, "hover_coordinate", self._hover_moved, init=False)

    @on(Checkbox.Changed, "#reveal")
    def _reveal_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._draw()

    @on(DataTable.RowHighlighted, "#variables")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._place_tip(event.cursor_row)

    def _hover_moved(self, coordinate: Any) -> None:
        self._place_tip(coordinate.row)

    def _place_tip(self, row: int) -> None:
        """The table's tooltip: the whole place of the value in ``row``."""
        table = self.query_one("#variables", DataTable)
        if not 0 <= row < table.row_count:
            return
        name = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        table.tooltip = self.place(name or "") or None

    def _draw(self) -> None:
        table = self.query_one("#variables", DataTable)
        reveal = self.revealed
        for name, value in self._values.items():
            text = text_form(value)
            if not reveal and self._secret(name, text):
                text = MASK
            elif len(text) > WIDTH:
                text = text[: WIDTH - 1] + "…"
            row = (text.replace("\n", "⏎"), short_place(self._where.get(name, "")))
            if self._shown.get(name) == row:
                continue
            if name in self._shown:
                table.update_cell(name, "value", row[0])
                table.update_cell(name, "from", row[1])
            else:
                table.add_row(name, *row, key=name)
            self._shown[name] = row
        if table.row_count:
            self._place_tip(table.cursor_row)
