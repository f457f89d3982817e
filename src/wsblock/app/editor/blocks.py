"""Editors of the blocks: the request's URL, key/value grids, auth, messages, others.

Each editor reads its block from the session (in its :class:`~.host.EditorContext`) when
composed and writes every change through the session (never the document directly).
Structural edits (rows, items, blocks) and runs are asked for by message
(:meth:`.keys.EditorPart.ask`); the editor makes them, recomposes the block or the whole
document and holds the keys typed meanwhile; typing does not. Every field carries an
``edit_key`` so focus comes back to it after a recompose or an undo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from wsblock.app.widgets.response.composer import FORMATS, LANGUAGE, split_format
from wsblock.document import views

from .keys import DeleteBlock, DuplicateBlock, EditorPart, EditPart, MoveBlock, MoveFocus, RunBlock
from .model import EditError

if TYPE_CHECKING:
    from .host import EditorContext

TITLES = {
    "socket-request": "WebSocket request",
    "headers-table": "Headers",
    "query-table": "Query parameters",
    "auth": "Auth",
    "socket-options": "Socket options",
    "assertions-table": "Assertions",
    "socket-messages": "Messages",
    "request-separator": "Request separator",
    "linkedBlock": "Linked block",
}
VARIABLE = re.compile(r"\{\{[^{}]*\}\}")
COLUMNS = {
    "headers-table": ("name", "value"),
    "query-table": ("name", "value"),
    "auth": ("field", "value"),
    "socket-options": ("option", "value"),
    "assertions-table": ("description", "field", "operator", "expected"),
    "socket-expect": ("description", "field", "operator", "expected"),
}


class VariableSuggester(Suggester):
    """Completes ``{{NAME`` with a variable of the active environment (Right / Tab accepts)."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names

    async def get_suggestion(self, value: str) -> str | None:
        return complete_variable(value, self.names())


def complete_variable(value: str, names: list[str]) -> str | None:
    start = value.rfind("{{")
    if start == -1 or "}}" in value[start:]:
        return None
    prefix = value[start + 2 :].lstrip()
    for name in names:  # in order of preference: the file's, the environment's, the process's
        if name.startswith(prefix):
            return value + name[len(prefix) :] + "}}"
    return None


def keyed(widget: Widget, key: tuple) -> Widget:
    widget.edit_key = key  # type: ignore[attr-defined]
    return widget


def parse_timeout(text: str) -> int | float | None:
    text = text.strip()
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return None


def commit(session, widget: Widget) -> None:
    """Write a field's value to the session now (what its change message would do)."""
    key = getattr(widget, "edit_key", None)
    if not key:
        return
    kind = key[0]
    try:
        if kind == "gap" and isinstance(widget, TextArea):
            if key[1] < session.gap_count():
                session.set_prose(key[1], widget.text)
        elif kind == "url" and isinstance(widget, Input):
            session.set_url(key[1], widget.value)
        elif kind == "cell" and isinstance(widget, Input):
            _, index, item, row, col = key
            session.set_cell(index, row, col, widget.value, item=item)
        elif kind == "item-name" and isinstance(widget, Input):
            session.set_item_attr(key[1], key[2], "name", widget.value)
        elif kind == "item-timeout" and isinstance(widget, Input):
            value = parse_timeout(widget.value)
            if value is not None:
                session.set_item_attr(key[1], key[2], "timeout", value)
        elif kind == "item-content" and isinstance(widget, TextArea):
            session.set_item_content(key[1], key[2], widget.text)
        elif kind == "item-operation" and isinstance(widget, Input):
            session.set_item_option(key[1], key[2], "operation", widget.value.strip())
        elif kind == "item-variables" and isinstance(widget, TextArea):
            session.set_item_option(key[1], key[2], "variables", widget.text.strip())
    except (EditError, IndexError):
        pass  # the field outlived its place (it is being replaced)


class EditInput(EditorPart, Input):
    """An Input of the editor: Tab accepts a ``{{variable}}`` suggestion when one shows.

    ``on_enter()``, when set, handles Enter at once (before the keys after it).
    """

    BINDINGS = [Binding("tab", "accept_or_next", "Complete", show=False)]

    def __init__(self, *args, on_enter: Callable[[], None] | None = None, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        self.on_enter = on_enter

    def completion(self) -> str | None:
        """The value with the ``{{variable}}`` suggestion accepted, when the cursor is at
        the end and the suggester has one (computed here, as the suggester does)."""
        suggester = self.suggester
        if not isinstance(suggester, VariableSuggester) or not self.cursor_at_end:
            return None
        return complete_variable(self.value, suggester.names())

    def key_pressed(self, event: events.Key) -> None:
        if event.key == "enter" and self.on_enter is not None:
            event.prevent_default()
            event.stop()
            self.on_enter()
        elif event.key == "tab" and self.completion() is not None:
            event.prevent_default()
            event.stop()
            self.action_accept_or_next()
        else:
            self.tab_moves(event)

    def action_accept_or_next(self) -> None:
        completed = self.completion()
        if completed is not None:
            self.value = completed
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class EditButton(EditorPart, Button):
    """A button of the editor: ``on_press(by_key)`` runs at once on Enter or Space (before
    the keys typed after them: a button that changes the page holds those; ``by_key``
    True), or on a click (``by_key`` False)."""

    def __init__(self, label: str, on_press: Callable[[bool], None], **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(label, **kwargs)
        self.on_press = on_press

    def key_pressed(self, event: events.Key) -> None:
        if event.key in ("enter", "space"):
            event.prevent_default()
            event.stop()
            self.on_press(True)
        else:
            self.tab_moves(event)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button is self:
            event.stop()
            if self.heard(event):
                self.on_press(False)


class EditSelect(EditorPart, Select):
    """A Select of the editor (Tab goes on in order with the keys around it)."""


class EditCheckbox(EditorPart, Checkbox):
    """A Checkbox of the editor (Tab goes on in order with the keys around it)."""


class BlockEditor(EditorPart, Vertical, can_focus=True):
    """A block: a title bar with ↑ ↓ ❐ ✕, and its fields below."""

    DEFAULT_CSS = """
    BlockEditor {
        height: auto; border: round $primary-darken-2; padding: 0 1; margin: 0 0 0 0;
    }
    BlockEditor:focus-within { border: round $success; }
    BlockEditor:focus { border: double $success; }
    BlockEditor .block-bar { height: 1; }
    BlockEditor .block-title { width: 1fr; text-style: bold; color: $text-muted; }
    BlockEditor .block-bar Button { min-width: 3; margin-left: 1; }
    BlockEditor .hint { color: $text-muted; height: auto; }
    """
    # priority: the edit waits for the field to take the keys typed before, and holds
    # the ones typed after (see keys.EditorPart.ask)
    BINDINGS = [
        Binding(
            "alt+shift+up,ctrl+shift+up", "move_block(-1)", "Block up", show=False, priority=True
        ),
        Binding(
            "alt+shift+down,ctrl+shift+down",
            "move_block(1)",
            "Block down",
            show=False,
            priority=True,
        ),
        Binding(
            "alt+shift+c,ctrl+shift+c", "duplicate_block", "Copy block", show=False, priority=True
        ),
        Binding(
            "alt+shift+delete,ctrl+shift+delete,alt+shift+x",
            "delete_block",
            "Delete block",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self, context: EditorContext, index: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.index = index
        self.edit_key = ("block", index)

    @property
    def session(self):
        return self.context.session

    @property
    def block(self):
        return self.session.block(self.index)

    def title(self) -> str:
        return TITLES.get(self.block.type, self.block.type)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="block-bar"):
            yield Static(escape(self.title()), classes="block-title")
            yield EditButton(
                "↑",
                lambda by_key: self.action_move_block(-1, by_key),
                classes="blk-up",
                tooltip="Move up (Alt+Shift+↑)",
            )
            yield EditButton(
                "↓",
                lambda by_key: self.action_move_block(1, by_key),
                classes="blk-down",
                tooltip="Move down (Alt+Shift+↓)",
            )
            yield EditButton(
                "❐",
                lambda by_key: self.action_duplicate_block(by_key),
                classes="blk-copy",
                tooltip="Duplicate (Alt+Shift+C)",
            )
            yield EditButton(
                "✕",
                lambda by_key: self.action_delete_block(by_key),
                classes="blk-delete",
                tooltip="Delete (Alt+Shift+Delete)",
            )
        yield from self.fields()

    def fields(self) -> ComposeResult:
        yield from ()

    def first_field(self) -> tuple | None:
        """The edit key to focus when the block is new."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_block", "duplicate_block", "delete_block"):
            return self.structural_ok()  # else the key waits its turn with the held ones
        return super().check_action(action, parameters)

    def action_move_block(self, delta: int, by_key: bool = False) -> None:
        self.ask(MoveBlock(self.index, self.index + delta), by_key=by_key)

    def action_duplicate_block(self, by_key: bool = False) -> None:
        self.ask(DuplicateBlock(self.index), by_key=by_key)

    def action_delete_block(self, by_key: bool = False) -> None:
        self.ask(DeleteBlock(self.index), by_key=by_key)


class RequestEditor(BlockEditor):
    """``socket-request``: method badge, URL (with ``{{variable}}`` completion), ▶ Run."""

    DEFAULT_CSS = """
    RequestEditor { border: round $success-darken-2; }
    RequestEditor .req-line { height: 1; }
    RequestEditor .method { width: auto; background: $success; color: $text; text-style: bold;
        padding: 0 1; margin-right: 1; }
    RequestEditor .url { width: 1fr; }
    RequestEditor .req-run { margin-left: 1; min-width: 8; background: $success; }
    """

    def title(self) -> str:
        number = self.session.request_index_at(self.index)
        return f"WebSocket request {number}" if number else "WebSocket request"

    def fields(self) -> ComposeResult:
        method = self.session.method(self.index)
        with Horizontal(classes="req-line"):
            yield Static(escape(method), classes="method")
            yield keyed(
                EditInput(
                    self.session.url(self.index),
                    placeholder="wss://host/path",
                    classes="url",
                    compact=True,
                    suggester=VariableSuggester(self.context.variable_names),
                ),
                ("url", self.index),
            )
            yield EditButton(
                "▶ Run",
                lambda by_key: self.ask(RunBlock(self.index)),
                classes="req-run",
                tooltip="Run (Ctrl+J, F5)",
            )

    def first_field(self) -> tuple:
        return ("url", self.index)

    @on(Input.Changed, ".url")
    def _url_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.input)

    @on(Input.Submitted, ".url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        self.ask(RunBlock(self.index))


class RowEditor(EditorPart, Horizontal):
    """One row of a grid: a ☑ marker and a cell input per column."""

    DEFAULT_CSS = """
    RowEditor { height: 1; }
    RowEditor .row-mark { width: 2; color: $success; }
    RowEditor.-disabled .row-mark { color: $text-disabled; }
    RowEditor.-disabled Input { text-style: strike; color: $text-disabled; }
    RowEditor Input { width: 1fr; margin-right: 1; }
    """
    BINDINGS = [
        Binding(
            "ctrl+slash,ctrl+underscore,ctrl+_", "toggle_row", "Enable/disable row", priority=True
        ),
        Binding("ctrl+n,insert", "add_row", "Add row", priority=True),
        Binding("ctrl+d", "delete_row", "Delete row", priority=True),
        Binding("alt+up", "move_row(-1)", "Row up", priority=True),
        Binding("alt+down", "move_row(1)", "Row down", priority=True),
    ]

    def __init__(self, grid: TableEditor, row: int, cells: list[str], disabled: bool) -> None:
        super().__init__(classes="-disabled" if disabled else "")
        self.grid = grid
        self.row = row
        self.cells = cells
        self.disabled_row = disabled

    def compose(self) -> ComposeResult:
        yield Static("☐" if self.disabled_row else "☑", classes="row-mark")
        g = self.grid
        for col, name in enumerate(g.columns):
            value = self.cells[col] if col < len(self.cells) else ""
            yield keyed(
                EditInput(
                    value,
                    placeholder=name,
                    compact=True,
                    classes=f"cell col-{col}",
                    suggester=VariableSuggester(g.context.variable_names),
                    on_enter=partial(self._enter, col),
                ),
                ("cell", g.index, g.item, self.row, col),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_row", "add_row", "delete_row", "move_row"):
            return self.structural_ok()  # else the key waits its turn with the held ones
        return super().check_action(action, parameters)

    def _col(self, widget: Widget) -> int:
        key = getattr(widget, "edit_key", None)
        return key[4] if key else 0

    @on(Input.Changed, ".cell")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.grid.session, event.input)

    def _enter(self, col: int) -> None:
        """Enter in the last cell of the last row adds a row; elsewhere: the next cell."""
        if col == len(self.grid.columns) - 1 and self.row == self.grid.row_count - 1:
            self.add_row(by_key=True)
        else:
            self.ask(MoveFocus(), by_key=True)

    def _focused_col(self) -> int:
        focused = self.screen.focused
        return self._col(focused) if focused is not None else 0

    def action_toggle_row(self) -> None:
        g, row, col = self.grid, self.row, self._focused_col()

        def change() -> tuple:
            g.session.toggle_row(g.index, row, item=g.item)
            return ("cell", g.index, g.item, row, col)

        g.refresh_grid(change)

    def action_add_row(self) -> None:
        self.add_row()

    def add_row(self, by_key: bool = False) -> None:
        g, row = self.grid, self.row

        def change() -> tuple:
            new = g.session.add_row(g.index, at=row + 1, item=g.item)
            return ("cell", g.index, g.item, new, 0)

        g.refresh_grid(change, by_key=by_key)

    def action_delete_row(self) -> None:
        g, row, col = self.grid, self.row, self._focused_col()

        def change() -> tuple:
            g.session.delete_row(g.index, row, item=g.item)
            left = len(g.session.rows(g.index, g.item))
            if not left:
                return ("add-row", g.index, g.item)
            return ("cell", g.index, g.item, min(row, left - 1), col)

        g.refresh_grid(change)

    def action_move_row(self, delta: int) -> None:
        g, row, col = self.grid, self.row, self._focused_col()
        new = row + delta

        def change() -> tuple | None:
            if not 0 <= new < len(g.session.rows(g.index, g.item)):
                return None
            g.session.move_row(g.index, row, new, item=g.item)
            return ("cell", g.index, g.item, new, col)

        g.refresh_grid(change)


class TableEditor(EditorPart, Vertical):
    """A key/value grid: rows of inputs; Ctrl+/ disables a row, Ctrl+N adds, Ctrl+D deletes,
    Alt+↑/↓ moves."""

    DEFAULT_CSS = """
    TableEditor { height: auto; }
    TableEditor .grid-head { height: 1; color: $text-muted; text-style: italic; }
    TableEditor .grid-head Static { width: 1fr; }
    TableEditor .grid-head .row-mark { width: 2; }
    TableEditor .add-row { margin-left: 2; min-width: 9; }
    """

    def __init__(
        self,
        context: EditorContext,
        index: int,
        item: int | None,
        columns: tuple[str, ...],
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.index = index
        self.item = item
        self.columns = columns
        self.row_count = 0

    @property
    def session(self):
        return self.context.session

    def compose(self) -> ComposeResult:
        rows = self.session.rows(self.index, self.item)
        self.row_count = len(rows)
        if len(self.columns) > 2:
            with Horizontal(classes="grid-head"):
                yield Static("", classes="row-mark")
                for name in self.columns:
                    yield Static(name)
        for n, (cells, disabled) in enumerate(rows):
            yield RowEditor(self, n, cells, disabled)
        yield keyed(
            EditButton(
                "+ row", self._add, classes="add-row", tooltip="Add a row (Ctrl+N in a row)"
            ),
            ("add-row", self.index, self.item),
        )

    def _add(self, by_key: bool) -> None:
        def change() -> tuple:
            row = self.session.add_row(self.index, item=self.item)
            return ("cell", self.index, self.item, row, 0)

        self.refresh_grid(change, by_key=by_key)

    def refresh_grid(self, change: Callable[[], tuple | None], *, by_key: bool = False) -> None:
        self.ask(EditPart(self, change), by_key=by_key)


class TableBlockEditor(BlockEditor):
    """headers-table, query-table, socket-options, assertions-table."""

    def fields(self) -> ComposeResult:
        columns = COLUMNS.get(self.block.type, ("name", "value"))
        yield TableEditor(self.context, self.index, None, columns)

    def first_field(self) -> tuple:
        return ("cell", self.index, None, 0, 0)


class AuthEditor(BlockEditor):
    """auth: the type, and its rows."""

    DEFAULT_CSS = """
    AuthEditor .auth-type { width: 24; }
    """

    def fields(self) -> ComposeResult:
        current = self.session.auth_type(self.index)
        types = list(views.AUTH_TYPES) + ([current] if current not in views.AUTH_TYPES else [])
        yield keyed(
            EditSelect(
                [(t, t) for t in types],
                value=current,
                allow_blank=False,
                compact=True,
                classes="auth-type",
            ),
            ("auth-type", self.index),
        )
        if current in ("none", "inherit"):
            yield Static(
                "no credentials"
                if current == "none"
                else "inherits the auth of the folder or project (as Voiden does)",
                classes="hint",
            )
        else:
            yield TableEditor(self.context, self.index, None, COLUMNS["auth"])

    def first_field(self) -> tuple:
        rows = self.session.rows(self.index)
        return ("cell", self.index, None, 0, 1) if rows else ("auth-type", self.index)

    @on(Select.Changed, ".auth-type")
    def _type_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        value = event.value
        if isinstance(value, str) and value != self.session.auth_type(self.index):

            def change() -> tuple | None:
                if value == self.session.auth_type(self.index):
                    return None
                self.session.set_auth_type(self.index, value)
                return ("auth-type", self.index)

            self.ask(EditPart(self, change))


class MessageContent(EditorPart, TextArea):
    """A message's content, highlighted as the composer's editor is."""


class VariablesContent(EditorPart, TextArea):
    """A ``graphql`` message's ``variables``: JSON text (``{{NAME}}`` allowed)."""


#: The fields of the message formats carried by a protocol: ``socket.io`` asks for an
#: acknowledgement (``ack``); ``graphql`` has ``operation`` and ``variables``.
PROTOCOL_FIELDS = {
    "socket.io": (".item-ack",),
    "graphql": (".item-operation", ".operation-label", ".item-variables"),
}


class MessageItemEditor(EditorPart, Vertical):
    """One ``socket-message``: name, format, enabled, content (highlighted), validation."""

    DEFAULT_CSS = """
    MessageItemEditor { height: auto; border-left: wide $success-darken-2; padding-left: 1;
        margin-bottom: 1; }
    MessageItemEditor.-disabled { border-left: wide $panel-lighten-2; }
    MessageItemEditor .item-bar { height: 1; }
    MessageItemEditor .item-kind { width: 3; color: $success; }
    MessageItemEditor .item-name { width: 1fr; }
    MessageItemEditor .item-format { width: 20; margin-left: 1; }
    MessageItemEditor Checkbox { margin-left: 1; }
    MessageItemEditor .item-bar Button { min-width: 3; margin-left: 1; }
    MessageItemEditor MessageContent { height: auto; min-height: 1; max-height: 16;
        border: none; padding: 0; background: $boost; }
    MessageItemEditor MessageContent:focus { border: none; background: $boost-lighten-1; }
    MessageItemEditor .validation { height: 1; color: $success; }
    MessageItemEditor .validation.-invalid { color: $error; }
    MessageItemEditor .item-protocol { height: auto; }
    MessageItemEditor .item-protocol Checkbox { margin-left: 0; }
    MessageItemEditor .operation-label { width: auto; color: $text-muted; }
    MessageItemEditor .item-operation { width: 1fr; margin-left: 1; }
    MessageItemEditor VariablesContent { height: auto; min-height: 1; max-height: 8;
        border: none; padding: 0; background: $boost; }
    MessageItemEditor VariablesContent:focus { border: none; background: $boost-lighten-1; }
    """

    def __init__(
        self, owner: MessagesEditor, item: int, data: views.SocketMessage | views.SocketExpect
    ) -> None:
        super().__init__(classes="-disabled" if data.disabled else "")
        self.owner = owner
        self.item = item
        self.data = data  # the document layer's view of the item: what `run` reads

    @property
    def session(self):
        return self.owner.session

    @property
    def index(self) -> int:
        return self.owner.index

    def bar(self) -> ComposeResult:
        yield EditButton(
            "↑",
            lambda by_key: self.owner.move_item(self.item, -1, by_key),
            classes="item-up",
            tooltip="Move up",
        )
        yield EditButton(
            "↓",
            lambda by_key: self.owner.move_item(self.item, 1, by_key),
            classes="item-down",
            tooltip="Move down",
        )
        yield EditButton(
            "✕",
            lambda by_key: self.owner.delete_item(self.item, by_key),
            classes="item-delete",
            tooltip="Delete",
        )

    def name_input(self) -> Widget:
        """The item's name field (a message's or an expectation's)."""
        return keyed(
            EditInput(self.data.name, placeholder="name", compact=True, classes="item-name"),
            ("item-name", self.index, self.item),
        )

    def compose(self) -> ComposeResult:
        data = self.data
        assert isinstance(data, views.SocketMessage)
        fmt, encoding, content = data.format, data.encoding, data.content
        value = f"binary:{encoding}" if fmt == "binary" else fmt
        options = list(FORMATS)
        if value not in [v for _l, v in options]:
            options.append((value, value))
        i, n = self.index, self.item
        with Horizontal(classes="item-bar"):
            yield Static("✉", classes="item-kind")
            yield self.name_input()
            yield keyed(
                EditSelect(
                    options, value=value, allow_blank=False, compact=True, classes="item-format"
                ),
                ("item-format", i, n),
            )
            yield keyed(
                EditCheckbox(
                    "send",
                    not self.data.disabled,
                    compact=True,
                    classes="item-enabled",
                    tooltip="Unticked: kept, not sent",
                ),
                ("item-enabled", i, n),
            )
            yield from self.bar()
        yield from self.protocol_fields(data)
        editor = MessageContent.code_editor(
            content,
            language=LANGUAGE.get(fmt),
            soft_wrap=True,
            show_line_numbers=True,
            tab_behavior="focus",  # Tab moves on, as in the composer (F1)
        )
        yield keyed(editor, ("item-content", i, n))
        yield Static("", classes="validation")

    def protocol_fields(self, data: views.SocketMessage) -> ComposeResult:
        """Ack (``socket.io``); operation and variables (``graphql``): the attributes the
        document views read, shown for their format only (:data:`PROTOCOL_FIELDS`)."""
        i, n = self.index, self.item
        with Horizontal(classes="item-bar item-protocol"):
            yield keyed(
                EditCheckbox(
                    "ack",
                    data.ack,
                    compact=True,
                    classes="item-ack",
                    tooltip="Ask the server for an acknowledgement (attrs.ack)",
                ),
                ("item-ack", i, n),
            )
            yield Static("operation", classes="operation-label")
            yield keyed(
                EditInput(
                    data.operation,
                    placeholder="operation name (optional)",
                    compact=True,
                    classes="item-operation",
                ),
                ("item-operation", i, n),
            )
        variables = VariablesContent.code_editor(
            data.variables,
            language="json",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder='variables, JSON: {"name": "ada"}',
            classes="item-variables",
        )
        yield keyed(variables, ("item-variables", i, n))

    def show_protocol_fields(self, fmt: str) -> None:
        """Show the fields of ``fmt``'s protocol, hide the others."""
        shown = PROTOCOL_FIELDS.get(fmt, ())
        for selector in {s for fields in PROTOCOL_FIELDS.values() for s in fields}:
            for widget in self.query(selector):
                widget.display = selector in shown
        self.query_one(".item-protocol").display = fmt == "socket.io" or fmt == "graphql"

    def on_mount(self) -> None:
        if isinstance(self.data, views.SocketMessage):
            self.show_protocol_fields(self.data.format)
        self.validate()

    def validate(self) -> None:
        from wsblock.conversation.draftcheck import check_draft

        fmt, encoding = split_format(str(self.query_one(".item-format", Select).value or "text"))
        text = self.query_one(MessageContent).text
        label = self.query_one(".validation", Static)
        err: Exception | None = check_draft(fmt, text, encoding)
        if err is None and fmt == "graphql":
            err = variables_problem(self.query_one(VariablesContent).text)
        if err is not None:
            line = getattr(err, "line", None)
            where = f"line {line}: " if line else ""
            label.update(escape(f"✖ {where}{err}"))
            label.set_class(True, "-invalid")
        else:
            ok = {"json": "valid JSON", "xml": "well-formed XML", "binary": "valid binary"}
            label.update(
                f"✔ {ok[fmt]}"
                if fmt in ok
                and text.strip()
                and err is None
                and (fmt != "binary" or "{{" not in text)
                else ""
            )
            label.set_class(False, "-invalid")

    @on(Input.Changed, ".item-name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.input)

    @on(Select.Changed, ".item-format")
    def _format(self, event: Select.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        if not isinstance(event.value, str):
            return
        fmt, encoding = split_format(event.value)
        self.session.set_item_format(self.index, self.item, fmt, encoding)
        self.query_one(MessageContent).language = LANGUAGE.get(fmt)
        self.show_protocol_fields(fmt)
        self.validate()

    @on(Checkbox.Changed, ".item-ack")
    def _ack(self, event: Checkbox.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        self.session.set_item_option(self.index, self.item, "ack", event.value)

    @on(Input.Changed, ".item-operation")
    def _operation(self, event: Input.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.input)

    @on(TextArea.Changed, "VariablesContent")
    def _variables(self, event: TextArea.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.text_area)
        self.validate()

    @on(Checkbox.Changed, ".item-enabled")
    def _enabled(self, event: Checkbox.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        self.session.set_item_attr(self.index, self.item, "disabled", not event.value)
        self.set_class(not event.value, "-disabled")

    @on(TextArea.Changed, "MessageContent")
    def _content(self, event: TextArea.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.text_area)
        self.validate()


def variables_problem(text: str) -> ValueError | None:
    """What is wrong with a draft's ``variables`` (``{{NAME}}`` stands for a value), or None."""
    from wsblock.conversation.draftcheck import PLACEHOLDER
    from wsblock.conversation.protocolchecks import parse_variables

    try:
        parse_variables(PLACEHOLDER.sub("0", text))
    except ValueError as e:
        return e
    return None


class ExpectItemEditor(MessageItemEditor):
    """One ``socket-expect``: name, timeout (seconds), and its rows."""

    DEFAULT_CSS = """
    ExpectItemEditor { border-left: wide $warning-darken-2; }
    ExpectItemEditor .item-kind { color: $warning; }
    ExpectItemEditor .item-timeout { width: 8; margin-left: 1; }
    ExpectItemEditor .timeout-label { width: auto; margin-left: 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        i, n = self.index, self.item
        assert isinstance(self.data, views.SocketExpect)
        timeout = self.data.timeout
        with Horizontal(classes="item-bar"):
            yield Static("◷", classes="item-kind")
            yield self.name_input()
            yield Static("within", classes="timeout-label")
            yield keyed(
                EditInput(
                    "" if timeout is None else str(timeout),
                    placeholder="5",
                    compact=True,
                    classes="item-timeout",
                    restrict=r"[0-9.]*",
                ),
                ("item-timeout", i, n),
            )
            yield Static("s", classes="timeout-label")
            yield from self.bar()
        yield TableEditor(self.owner.context, i, n, COLUMNS["socket-expect"])

    def validate(self) -> None:
        pass  # rows, not content

    @on(Input.Changed, ".item-timeout")
    def _timeout(self, event: Input.Changed) -> None:
        event.stop()
        if not self.heard(event):
            return  # from a replaced widget: written already
        commit(self.session, event.input)


class MessagesEditor(BlockEditor):
    """socket-messages: messages to send and replies to expect, in order."""

    DEFAULT_CSS = """
    MessagesEditor .items-bar { height: 1; }
    MessagesEditor .items-bar Button { margin-right: 1; }
    """

    def fields(self) -> ComposeResult:
        for n, data in enumerate(self.session.items(self.index)):
            if isinstance(data, views.SocketExpect):
                yield ExpectItemEditor(self, n, data)
            elif isinstance(data, views.SocketMessage):
                yield MessageItemEditor(self, n, data)
            else:
                yield Static(escape(f"[{data.type}] kept as is"), classes="hint")
        with Horizontal(classes="items-bar"):
            yield keyed(
                EditButton(
                    "+ message",
                    lambda by_key: self.add_item("message", by_key),
                    classes="add-message",
                ),
                ("add-item", self.index, "message"),
            )
            yield keyed(
                EditButton(
                    "+ expect", lambda by_key: self.add_item("expect", by_key), classes="add-expect"
                ),
                ("add-item", self.index, "expect"),
            )

    def first_field(self) -> tuple:
        return (
            ("item-content", self.index, 0)
            if self.session.items(self.index)
            else ("add-item", self.index, "message")
        )

    def add_item(self, kind: str, by_key: bool = False) -> None:
        def change() -> tuple:
            n = self.session.add_item(self.index, kind)
            return (
                ("item-content", self.index, n)
                if kind == "message"
                else ("cell", self.index, n, 0, 0)
            )

        self.ask(EditPart(self, change), by_key=by_key)

    def move_item(self, item: int, delta: int, by_key: bool = False) -> None:
        new = item + delta

        def change() -> tuple | None:
            if not 0 <= new < len(self.session.items(self.index)):
                return None
            self.session.move_item(self.index, item, new)
            return ("item-name", self.index, new)

        self.ask(EditPart(self, change), by_key=by_key)

    def delete_item(self, item: int, by_key: bool = False) -> None:
        def change() -> tuple:
            self.session.delete_item(self.index, item)
            left = len(self.session.items(self.index))
            return (
                ("item-name", self.index, min(item, left - 1))
                if left
                else ("add-item", self.index, "message")
            )

        self.ask(EditPart(self, change), by_key=by_key)


class SeparatorEditor(BlockEditor):
    DEFAULT_CSS = """
    SeparatorEditor { border: none; border-top: heavy $primary-darken-1; }
    SeparatorEditor:focus-within, SeparatorEditor:focus { border: none;
        border-top: heavy $success; }
    """

    def title(self) -> str:
        label = self.block.attrs.get("label")
        label = f"{label}: " if isinstance(label, str) and label else ""
        return f"── request separator · {label}the next request starts below ──"


class OtherBlockEditor(BlockEditor):
    """A block this editor does not edit (HTTP, linked, unknown): shown, kept as is."""

    DEFAULT_CSS = """
    OtherBlockEditor { border: round $panel-lighten-2; }
    OtherBlockEditor .other { color: $text-muted; height: auto; }
    """

    def title(self) -> str:
        return "HTTP request" if self.block.type == "request" else super().title()

    def fields(self) -> ComposeResult:
        v = views.view(self.block)
        if isinstance(v, views.LinkedBlock):
            text = f"↪ block {v.block_uid} from {v.original_file}"
        elif isinstance(v, views.HttpRequest):
            text = f"HTTP {v.method} {v.url}\n(HTTP requests are listed by check, not run here)"
        else:
            body = self.block.raw.split("\n")
            text = "\n".join(line for line in body[2:-2][:12])
            if len(body) > 16:
                text += "\n…"
        yield Static(escape(text), classes="other")
        yield Static("kept as is (edit it in Voiden or a text editor)", classes="hint")


EDITORS: dict[str, type[BlockEditor]] = {
    "socket-request": RequestEditor,
    "headers-table": TableBlockEditor,
    "query-table": TableBlockEditor,
    "socket-options": TableBlockEditor,
    "assertions-table": TableBlockEditor,
    "auth": AuthEditor,
    "socket-messages": MessagesEditor,
    "request-separator": SeparatorEditor,
}


def editor_for(block, context: EditorContext, index: int) -> BlockEditor:
    cls = EDITORS.get(block.type, OtherBlockEditor)
    v = views.view(block)
    if (
        isinstance(v, views.TableView)
        and not v.rows
        and not isinstance(block.node.get("content"), list | type(None))
    ):
        cls = OtherBlockEditor  # a table block whose content is not a list: show, keep
    if isinstance(v, views.SocketRequest) and v.is_grpc:
        cls = OtherBlockEditor
    return cls(context, index, classes=f"-{block.type}")
