"""The footer: the keys of the moment, on one line, the least useful dropped to fit.

Textual's :class:`~textual.widgets.Footer` shows every binding marked ``show`` and cuts
what does not fit at the right edge: at 80 columns that was ``^e Environmen`` with no
``^q Quit``. :class:`FittingFooter` measures its keys and leaves out, when they do not
fit, the command palette's first, then the keys :data:`DROP_FIRST` lists (least useful
first), then the others from the right; Quit and F1 (which lists every key) stay.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

#: actions whose keys are left out first when the footer is too narrow, least useful first
DROP_FIRST = (
    "command_palette",  # Ctrl+P: F1 lists every key
    "redo",
    "undo",
    "pick_environment",  # the toolbar has the environment picker
    "files",
    "close_tab",
    "save",
)
#: never left out
KEEP = ("quit", "help")


def key_width(widget: Widget) -> int:
    """The columns a footer key takes: `` ^s Save `` (the palette's has a border too)."""
    display = str(getattr(widget, "key_display", ""))
    description = str(getattr(widget, "description", ""))
    width = len(display) + 2 + (len(description) + 1 if description else 0)
    return width + (1 if widget.has_class("-command-palette") else 0)


def fit(keys: list[Widget], width: int) -> list[Widget]:
    """``keys`` without the least useful ones, so that they take at most ``width``."""
    kept = list(keys)
    total = sum(map(key_width, kept))

    def rank(widget: Widget) -> tuple[int, int]:
        action = str(getattr(widget, "action", ""))
        if action in DROP_FIRST:
            return 0, DROP_FIRST.index(action)
        return 1, -kept.index(widget)  # then from the right

    while total > width:
        droppable = [w for w in kept if getattr(w, "action", "") not in KEEP]
        if not droppable:
            break
        drop = min(droppable, key=rank)
        kept.remove(drop)
        total -= key_width(drop)
    return kept


class FittingFooter(Footer):
    """A :class:`Footer` that never cuts a key: see the module's docstring."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        width = self.size.width or self.app.size.width
        kept = fit(keys, width) if width else keys
        yield from (w for w in keys if w in kept)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.recompose)
