"""The prose between blocks (Markdown, edited in place) and the slash menu."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from .keys import ApplySlash, EditorPart
from .slash import SlashItem, filter_items

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

    The menu's items and highlight are kept here (read when a key comes); the editor
    shows them (:class:`SlashShown`, :class:`SlashHidden`) and inserts the item chosen
    (:class:`~.keys.ApplySlash`). Its text goes to the document with ``TextArea.Changed``,
    which bubbles to the editor.
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

    class SlashShown(Message):
        """The slash menu is to show ``query``'s items, ``highlighted`` the chosen one."""

        def __init__(self, prose: ProseEditor, query: str, highlighted: int) -> None:
            super().__init__()
            self.prose = prose
            self.query = query
            self.highlighted = highlighted

        @property
        def control(self) -> ProseEditor:
            return self.prose

    class SlashHidden(Message):
        """The slash menu of ``prose`` is to close."""

        def __init__(self, prose: ProseEditor) -> None:
            super().__init__()
            self.prose = prose

        @property
        def control(self) -> ProseEditor:
            return self.prose

    def __init__(self, k: int, text: str, **kwargs) -> None:
        super().__init__(
            text,
            language="markdown",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            **kwargs,
        )
        self.k = k
        self.edit_key = ("gap", k)
        self.set_class(not text, "-empty")
        self._dismissed: tuple[int, str] | None = None  # the /line Escape closed the menu on
        self._menu: tuple[str, list[SlashItem]] | None = None  # open: its query and items
        self._highlighted = 0

    @property
    def menu_open(self) -> bool:
        return self._menu is not None

    @property
    def menu_state(self) -> tuple[str, int] | None:
        """The open menu's query and highlighted item (None: closed), as of now."""
        return None if self._menu is None else (self._menu[0], self._highlighted)

    def menu_closed(self) -> None:
        """The editor closed the menu (an edit, an item chosen with the mouse)."""
        self._menu = None

    def show_menu(self, query: str) -> list[SlashItem]:
        """Open (or refilter) the menu on ``query``; its items (none: it is closed)."""
        if self._menu is not None and self._menu[0] == query:
            return self._menu[1]
        items = filter_items(query)
        if not items:
            self.hide_menu()
            return items
        self._menu = (query, items)
        self._highlighted = 0
        self.post_message(self.SlashShown(self, query, 0))
        return items

    def hide_menu(self) -> None:
        if self._menu is not None:
            self._menu = None
            self.post_message(self.SlashHidden(self))

    _placeholder_lines = 1  # the lines the placeholder takes (its min-height)

    def on_focus(self) -> None:
        self.placeholder = PLACEHOLDER
        self._fit_placeholder()

    def on_blur(self) -> None:
        self.placeholder = ""
        self._fit_placeholder()
        if self.menu_open:
            self._dismiss()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        """As many lines as the placeholder takes, wrapped: never cut on a narrow page."""
        from textual.content import Content

        lines = 1
        width = self.content_size.width
        if not self.text and self.placeholder and width > 0:
            lines = len(Content.from_text(self.placeholder).wrap(width))
        if lines != self._placeholder_lines:
            self._placeholder_lines = lines
            self.styles.min_height = lines

    def _line(self) -> tuple[int, str]:
        row = self.cursor_location[0]
        return row, self.document.get_line(row)

    def _dismiss(self) -> None:
        self._dismissed = self._line()
        self.hide_menu()

    def key_pressed(self, event: events.Key) -> None:
        if event.key not in self.SLASH_KEYS:
            return
        query = self.slash_query()
        if query is None or self._line() == self._dismissed:
            self.tab_moves(event)
            return
        items = self.show_menu(query)  # the menu may lag behind a burst of keys
        if not items:
            self.tab_moves(event)
            return
        event.prevent_default()
        event.stop()
        if event.key in ("up", "down"):
            self.action_slash_move(-1 if event.key == "up" else 1)
        elif event.key == "escape":
            self._dismiss()
        else:
            item = items[self._highlighted % len(items)]
            self._menu = None  # the editor hides the menu as it makes the edit
            self.ask(ApplySlash(self, item, self.cursor_location[0]), by_key=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self or not self.heard(event):
            return  # (it bubbles on to the editor, which writes it to the document)
        self.set_class(not self.text, "-empty")
        self._fit_placeholder()
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
            self.hide_menu()
        else:
            self.show_menu(query)

    def action_slash_move(self, delta: int) -> None:
        if self._menu is not None and self._menu[1]:
            self._highlighted = (self._highlighted + delta) % len(self._menu[1])
            self.post_message(self.SlashShown(self, self._menu[0], self._highlighted))
