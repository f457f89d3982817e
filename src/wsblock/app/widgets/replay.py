"""A replay's comparison, side by side: what the server sent in the recording and what
it sends now, message by message, each message that differs marked, and the
differences listed as ``wsblock replay`` prints them (message N, path, recorded, new).

::

    view = ReplayComparison()
    view.show(recording.received, played.received, compare(recorded, new, rules))
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wsblock.conversation.compare import MISSING, Difference, Msg, describe

CELL = 60
SAME, DIFFERENT = "=", "✖"

#: One connection's comparison: what the server sent then, now, and the differences.
Part = tuple[Sequence[Msg], Sequence[Msg], Sequence[Difference]]


def _cell(msg: Msg | None, width: int = CELL) -> str:
    if msg is None:
        return MISSING
    text = " ".join(msg.text.split()) if msg.type == "text" else msg.text
    return text if len(text) <= width else text[: width - 1] + "…"


class ReplayComparison(Vertical):
    """The two conversations in columns (``#``, recorded, now, a mark) and the list of
    differences below them."""

    DEFAULT_CSS = """
    ReplayComparison { height: 1fr; }
    ReplayComparison > DataTable { height: 1fr; }
    ReplayComparison > #replay-differences { height: auto; max-height: 12; overflow-y: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.differences: list[Difference] = []
        self.rows: list[tuple[str, str, str, str]] = []
        """What is shown: (message, recorded, now, mark), one per message (cut to the width;
        the differences below name the paths in full); ``2·1`` is connection 2's first."""

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(id="replay-table", cursor_type="row", zebra_stripes=True)
        table.add_column("#", key="n")
        table.add_column("recorded", key="recorded")
        table.add_column("now", key="now")
        table.add_column("", key="mark")
        yield table
        yield Static("", id="replay-differences")

    def show(
        self, recorded: Sequence[Msg], new: Sequence[Msg], differences: Sequence[Difference]
    ) -> None:
        """Show the comparison of ``recorded`` and ``new`` (``differences`` between them)."""
        self.show_connections([(recorded, new, differences)])

    def show_connections(self, parts: Sequence[Part]) -> None:
        """Show the comparison of each connection of a session that connected more than
        once, one after the other: its rows numbered ``connection·message``."""
        self.differences = [d for *_, differences in parts for d in differences]
        table = self.query_one("#replay-table", DataTable)
        table.clear()
        self.rows = []
        # both columns in view: what is left of the width beside "#" and the mark, halved
        width = max(16, (self.size.width - 16) // 2) if self.size.width else CELL
        lines: list[str] = []
        for c, (recorded, new, differences) in enumerate(parts, 1):
            differing = {d.index for d in differences}
            for i in range(max(len(recorded), len(new))):
                n = i + 1
                label = str(n) if len(parts) == 1 else f"{c}·{n}"
                old_text = _cell(recorded[i] if i < len(recorded) else None, width)
                new_text = _cell(new[i] if i < len(new) else None, width)
                mark = DIFFERENT if n in differing else SAME
                self.rows.append((label, old_text, new_text, mark))
                style = "bold red" if mark == DIFFERENT else "green"
                table.add_row(
                    label,
                    Text(old_text),
                    Text(new_text, style="red" if mark == DIFFERENT else ""),
                    Text(mark, style=style),
                    key=label,
                )
            said = describe(differences, len(recorded), len(new))
            lines += said if len(parts) == 1 else [f"connection {c}: {said[0]}", *said[1:]]
        text = Text("\n".join(lines), style="red" if self.differences else "green")
        self.query_one("#replay-differences", Static).update(text)
