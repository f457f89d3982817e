"""The prose between blocks (Markdown, edited in place) and the slash menu."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from .keys import EditorPart
from .templates import SlashItem, filter_items

if TYPE_CHECKING:
    from .host import EditorHost

SLASH_LINE = re.compile(r"/[\w-]*")
PLACEHOLDER = "Type text, or / for a block (/wss: a WebSocket request)"


class SlashMenu(OptionList, can_focus=False):
    """The blocks the ``/…`` line can become; filtered as the user types."""

    DEFAULT_CSS = """
    SlashMenu {
        height: auto; max-height: 12; width: 48; margin-left: 2;
        border: round $accent; background: $surface;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[SlashItem] = []
        self.query_text = ""

    def set_query(self, query: str) -> list[SlashItem]:
        self.query_text = query
        self.items = filter_items(query)
        self.clear_options()
        for item in self.items:
            label = Text.assemble((f"/{item.name:<15}", "bold"), item.label)
            label.no_wrap = True
            label.overflow = "ellipsis"
            self.add_option(Option(label, id=item.name))
        if self.items:
            self.highlighted = 0
        return self.items

    @property
    def chosen(self) -> SlashItem | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.items):
            return None
        return self.items[self.highlighted]


class ProseEditor(EditorPart, TextArea):
    """One gap's prose (Markdown). ``/`` at the start of an empty line opens the slash menu.

    With the menu open (a ``/word`` line, the cursor at its end): Up / Down move in it,
    Enter or Tab inserts the item, Escape closes it. These keys are handled as they come,
    after the keys before them (the line is read then), not by priority bindings, which
    would see the text as it was before a burst of keys was typed.
    """

    SLASH_KEYS = ("up", "down", "enter", "tab", "escape")
    # none of its own (TextArea's still apply): the slash menu's keys are in key_pressed
    BINDINGS: ClassVar[list[BindingType]] = []

    DEFAULT_CSS = """
    ProseEditor {
        height: auto; min-height: 1; border: none; padding: 0 1; background: transparent;
    }
    ProseEditor:focus { border: none; background: $boost; }
    ProseEditor.-empty { color: $text-muted; }
    """

    def __init__(self, editor: EditorHost, k: int, text: str, **kwargs) -> None:
        super().__init__(
            text,
            language="markdown",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            **kwargs,
        )
        self.editor = editor
        self.k = k
        self.edit_key = ("gap", k)
        self.set_class(not text, "-empty")
        self._dismissed: tuple[int, str] | None = None  # the /line Escape closed the menu on

    @property
    def menu_open(self) -> bool:
        return self.editor.slash_owner is self

    def on_focus(self) -> None:
        self.placeholder = PLACEHOLDER

    def on_blur(self) -> None:
        self.placeholder = ""
        if self.menu_open:
            self._dismiss()

    def _line(self) -> tuple[int, str]:
        row = self.cursor_location[0]
        return row, self.document.get_line(row)

    def _dismiss(self) -> None:
        self._dismissed = self._line()
        self.editor.hide_slash()

    def key_pressed(self, event: events.Key) -> None:
        if event.key not in self.SLASH_KEYS:
            return
        query = self.slash_query()
        if query is None or self._line() == self._dismissed:
            self.tab_moves(event)
            return
        editor = self.editor
        menu = editor.slash_menu
        if not self.menu_open or menu.query_text != query:
            editor.show_slash(self, query)  # the menu may lag behind a burst of keys
        if not menu.items:
            editor.hide_slash()
            self.tab_moves(event)
            return
        event.prevent_default()
        event.stop()
        if event.key in ("up", "down"):
            self.action_slash_move(-1 if event.key == "up" else 1)
        elif event.key == "escape":
            self._dismiss()
        else:
            item = menu.chosen
            if item is not None:
                editor.apply_slash(self, item, self.cursor_location[0], by_key=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self:
            return
        event.stop()
        if not self.heard(event):
            return  # replaced: written already
        self.set_class(not self.text, "-empty")
        self.editor.prose_changed(self)
        self.update_slash()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if event.text_area is self:
            event.stop()
            if self.heard(event):
                self.update_slash()

    def slash_query(self) -> str | None:
        """The text after ``/`` if the cursor ends a line that is ``/`` + a word."""
        row, col = self.cursor_location
        line = self.document.get_line(row)
        if SLASH_LINE.fullmatch(line) and col == len(line) and self.selection.is_empty:
            return line[1:]
        return None

    def update_slash(self) -> None:
        query = self.slash_query()
        if query is not None and self._line() == self._dismissed:
            query = None
        if query is None:
            if self.menu_open:
                self.editor.hide_slash()
        else:
            self.editor.show_slash(self, query)

    def action_slash_move(self, delta: int) -> None:
        menu = self.editor.slash_menu
        if menu.option_count:
            menu.highlighted = ((menu.highlighted or 0) + delta) % menu.option_count
