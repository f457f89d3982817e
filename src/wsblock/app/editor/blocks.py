"""Editors of the blocks: the request's URL, key/value grids, auth, messages, others.

Each editor reads its block from the session when composed and writes every change
through the session (never the document directly). Structural edits (rows, items,
blocks) recompose the block or the whole document; typing does not. Every field
carries an ``edit_key`` so focus comes back to it after a recompose or an undo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from wsblock.app.widgets.response.composer import FORMATS, LANGUAGE, split_format

from . import templates
from .model import method_of, rows_of

if TYPE_CHECKING:
    from .editor import DocumentEditor

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
    for name in sorted(names):
        if name.startswith(prefix):
            return value + name[len(prefix) :] + "}}"
    return None


def keyed(widget: Widget, key: tuple) -> Widget:
    widget.edit_key = key  # type: ignore[attr-defined]
    return widget


class EditInput(Input):
    """An Input of the editor: Tab accepts a ``{{variable}}`` suggestion when one shows."""

    BINDINGS = [Binding("tab", "accept_or_next", "Complete", show=False)]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def action_accept_or_next(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class BlockEditor(Vertical, can_focus=True):
    """A block: a title bar with ↑ ↓ ⧉ ✕, and its fields below."""

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
    BINDINGS = [
        Binding("alt+shift+up,ctrl+shift+up", "move_block(-1)", "Block up", show=False),
        Binding("alt+shift+down,ctrl+shift+down", "move_block(1)", "Block down", show=False),
        Binding("alt+shift+c,ctrl+shift+c", "duplicate_block", "Copy block", show=False),
        Binding("alt+shift+delete,ctrl+shift+delete,alt+shift+x", "delete_block",
                "Delete block", show=False),
    ]

    def __init__(self, editor: DocumentEditor, index: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = editor
        self.index = index
        self.edit_key = ("block", index)

    @property
    def session(self):
        return self.editor.session

    @property
    def block(self):
        return self.session.block(self.index)

    def title(self) -> str:
        return TITLES.get(self.block.type, self.block.type)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="block-bar"):
            yield Static(escape(self.title()), classes="block-title")
            yield Button("↑", classes="blk-up", compact=True, tooltip="Move up (Alt+Shift+↑)")
            yield Button("↓", classes="blk-down", compact=True,
                         tooltip="Move down (Alt+Shift+↓)")
            yield Button("⧉", classes="blk-copy", compact=True, tooltip="Duplicate (Alt+Shift+C)")
            yield Button("✕", classes="blk-delete", compact=True,
                         tooltip="Delete (Alt+Shift+Delete)")
        yield from self.fields()

    def fields(self) -> ComposeResult:
        yield from ()

    def first_field(self) -> tuple | None:
        """The edit key to focus when the block is new."""
        return None

    @on(Button.Pressed, ".blk-up")
    def _up(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_move_block(-1)

    @on(Button.Pressed, ".blk-down")
    def _down(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_move_block(1)

    @on(Button.Pressed, ".blk-copy")
    def _copy(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_duplicate_block()

    @on(Button.Pressed, ".blk-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_delete_block()

    def action_move_block(self, delta: int) -> None:
        self.editor.move_block(self.index, self.index + delta)

    def action_duplicate_block(self) -> None:
        self.editor.duplicate_block(self.index)

    def action_delete_block(self) -> None:
        self.editor.delete_block(self.index)


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
        method = method_of(self.block.node)
        with Horizontal(classes="req-line"):
            yield Static(escape(method), classes="method")
            yield keyed(
                EditInput(self.session.url(self.index), placeholder="wss://host/path",
                          classes="url", compact=True,
                          suggester=VariableSuggester(self.editor.variable_names)),
                ("url", self.index),
            )
            yield Button("▶ Run", classes="req-run", compact=True, tooltip="Run (Ctrl+J, F5)")

    def first_field(self) -> tuple:
        return ("url", self.index)

    @on(Input.Changed, ".url")
    def _url_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.session.set_url(self.index, event.value)

    @on(Input.Submitted, ".url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.editor.run_request_at(self.index)

    @on(Button.Pressed, ".req-run")
    def _run(self, event: Button.Pressed) -> None:
        event.stop()
        self.editor.run_request_at(self.index)


class RowEditor(Horizontal):
    """One row of a grid: a ☑ marker and a cell input per column."""

    DEFAULT_CSS = """
    RowEditor { height: 1; }
    RowEditor .row-mark { width: 2; color: $success; }
    RowEditor.-disabled .row-mark { color: $text-disabled; }
    RowEditor.-disabled Input { text-style: strike; color: $text-disabled; }
    RowEditor Input { width: 1fr; margin-right: 1; }
    """
    BINDINGS = [
        Binding("ctrl+slash,ctrl+underscore,ctrl+_", "toggle_row", "Enable/disable row",
                priority=True),
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
                EditInput(value, placeholder=name, compact=True, classes=f"cell col-{col}",
                          suggester=VariableSuggester(g.editor.variable_names)),
                ("cell", g.index, g.item, self.row, col),
            )

    def _col(self, widget: Widget) -> int:
        key = getattr(widget, "edit_key", None)
        return key[4] if key else 0

    @on(Input.Changed, ".cell")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        g = self.grid
        g.session.set_cell(g.index, self.row, self._col(event.input), event.value, item=g.item)

    @on(Input.Submitted, ".cell")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the last cell of the last row adds a row; elsewhere: the next cell."""
        event.stop()
        col = self._col(event.input)
        if col == len(self.grid.columns) - 1 and self.row == self.grid.row_count - 1:
            self.action_add_row()
        else:
            self.screen.focus_next()

    def _focused_col(self) -> int:
        focused = self.screen.focused
        return self._col(focused) if focused is not None else 0

    def action_toggle_row(self) -> None:
        g = self.grid
        g.session.toggle_row(g.index, self.row, item=g.item)
        g.refresh_grid(("cell", g.index, g.item, self.row, self._focused_col()))

    def action_add_row(self) -> None:
        g = self.grid
        row = g.session.add_row(g.index, at=self.row + 1, item=g.item)
        g.refresh_grid(("cell", g.index, g.item, row, 0))

    def action_delete_row(self) -> None:
        g = self.grid
        g.session.delete_row(g.index, self.row, item=g.item)
        left = g.row_count - 1
        target = ("cell", g.index, g.item, min(self.row, left - 1), self._focused_col())
        g.refresh_grid(target if left > 0 else ("add-row", g.index, g.item))

    def action_move_row(self, delta: int) -> None:
        g = self.grid
        new = self.row + delta
        if 0 <= new < g.row_count:
            g.session.move_row(g.index, self.row, new, item=g.item)
            g.refresh_grid(("cell", g.index, g.item, new, self._focused_col()))


class TableEditor(Vertical):
    """A key/value grid: rows of inputs; Ctrl+/ disables a row, Ctrl+N adds, Ctrl+D deletes,
    Alt+↑/↓ moves."""

    DEFAULT_CSS = """
    TableEditor { height: auto; }
    TableEditor .grid-head { height: 1; color: $text-muted; text-style: italic; }
    TableEditor .grid-head Static { width: 1fr; }
    TableEditor .grid-head .row-mark { width: 2; }
    TableEditor .add-row { margin-left: 2; min-width: 9; }
    """

    def __init__(self, editor: DocumentEditor, index: int, item: int | None,
                 columns: tuple[str, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.editor = editor
        self.index = index
        self.item = item
        self.columns = columns
        self.row_count = 0

    @property
    def session(self):
        return self.editor.session

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
        yield keyed(Button("+ row", classes="add-row", compact=True,
                           tooltip="Add a row (Ctrl+N in a row)"),
                    ("add-row", self.index, self.item))

    @on(Button.Pressed, ".add-row")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        row = self.session.add_row(self.index, item=self.item)
        self.refresh_grid(("cell", self.index, self.item, row, 0))

    def refresh_grid(self, focus: tuple | None) -> None:
        self.editor.refresh_part(self, focus)


class TableBlockEditor(BlockEditor):
    """headers-table, query-table, socket-options, assertions-table."""

    def fields(self) -> ComposeResult:
        columns = COLUMNS.get(self.block.type, ("name", "value"))
        yield TableEditor(self.editor, self.index, None, columns)

    def first_field(self) -> tuple:
        return ("cell", self.index, None, 0, 0)


class AuthEditor(BlockEditor):
    """auth: the type, and its rows."""

    DEFAULT_CSS = """
    AuthEditor .auth-type { width: 24; }
    """

    def fields(self) -> ComposeResult:
        current = self.session.auth_type(self.index)
        types = templates.AUTH_TYPES + ([current] if current not in templates.AUTH_TYPES else [])
        yield keyed(Select([(t, t) for t in types], value=current, allow_blank=False,
                           compact=True, classes="auth-type"), ("auth-type", self.index))
        if current in ("none", "inherit"):
            yield Static("no credentials" if current == "none" else
                         "inherits the auth of the folder or project (as Voiden does)",
                         classes="hint")
        else:
            yield TableEditor(self.editor, self.index, None, COLUMNS["auth"])

    def first_field(self) -> tuple:
        rows = self.session.rows(self.index)
        return ("cell", self.index, None, 0, 1) if rows else ("auth-type", self.index)

    @on(Select.Changed, ".auth-type")
    def _type_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.session.auth_type(self.index):
            self.session.set_auth_type(self.index, event.value)
            self.editor.refresh_part(self, ("auth-type", self.index))


class MessageContent(TextArea):
    """A message's content, highlighted as the composer's editor is."""


class MessageItemEditor(Vertical):
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
    """

    def __init__(self, owner: MessagesEditor, item: int, data: dict) -> None:
        attrs = data.get("attrs") if isinstance(data.get("attrs"), dict) else {}
        super().__init__(classes="-disabled" if attrs.get("disabled") else "")
        self.owner = owner
        self.item = item
        self.data = data
        self.attrs = attrs

    @property
    def session(self):
        return self.owner.session

    @property
    def index(self) -> int:
        return self.owner.index

    def bar(self) -> ComposeResult:
        yield Button("↑", classes="item-up", compact=True, tooltip="Move up")
        yield Button("↓", classes="item-down", compact=True, tooltip="Move down")
        yield Button("✕", classes="item-delete", compact=True, tooltip="Delete")

    def compose(self) -> ComposeResult:
        fmt = str(self.attrs.get("format") or "text")
        encoding = str(self.attrs.get("encoding") or "base64")
        value = f"binary:{encoding}" if fmt == "binary" else fmt
        options = list(FORMATS)
        if value not in [v for _l, v in options]:
            options.append((value, value))
        content = self.data.get("content")
        content = content if isinstance(content, str) else ""
        i, n = self.index, self.item
        with Horizontal(classes="item-bar"):
            yield Static("✉", classes="item-kind")
            yield keyed(EditInput(str(self.attrs.get("name") or ""), placeholder="name",
                                  compact=True, classes="item-name"), ("item-name", i, n))
            yield keyed(Select(options, value=value, allow_blank=False, compact=True,
                               classes="item-format"), ("item-format", i, n))
            yield keyed(Checkbox("send", not self.attrs.get("disabled", False), compact=True,
                                 classes="item-enabled", tooltip="Unticked: kept, not sent"),
                        ("item-enabled", i, n))
            yield from self.bar()
        editor = MessageContent.code_editor(content, language=LANGUAGE.get(fmt), soft_wrap=True,
                                            show_line_numbers=True)
        yield keyed(editor, ("item-content", i, n))
        yield Static("", classes="validation")

    def on_mount(self) -> None:
        self.validate()

    def validate(self) -> None:
        from wsblock.checks import validate

        fmt, encoding = split_format(self.query_one(".item-format", Select).value or "text")
        text = self.query_one(MessageContent).text
        label = self.query_one(".validation", Static)
        err = None
        # {{NAME}} is replaced when sent: check the text with a stand-in value
        probe = VARIABLE.sub("0", text)
        if text.strip() and (fmt in ("json", "xml") or (fmt == "binary" and "{{" not in text)):
            err = validate(fmt, probe, encoding)
        if err is not None:
            where = f"line {err.line}: " if getattr(err, "line", None) else ""
            label.update(escape(f"✖ {where}{err}"))
            label.set_class(True, "-invalid")
        else:
            ok = {"json": "valid JSON", "xml": "well-formed XML", "binary": "valid binary"}
            label.update(f"✔ {ok[fmt]}" if fmt in ok and text.strip() and err is None
                         and (fmt != "binary" or "{{" not in text) else "")
            label.set_class(False, "-invalid")

    @on(Input.Changed, ".item-name")
    def _name(self, event: Input.Changed) -> None:
        event.stop()
        self.session.set_item_attr(self.index, self.item, "name", event.value)

    @on(Select.Changed, ".item-format")
    def _format(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str):
            return
        fmt, encoding = split_format(event.value)
        self.session.set_item_format(self.index, self.item, fmt, encoding)
        self.query_one(MessageContent).language = LANGUAGE.get(fmt)
        self.validate()

    @on(Checkbox.Changed, ".item-enabled")
    def _enabled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.session.set_item_attr(self.index, self.item, "disabled", not event.value)
        self.set_class(not event.value, "-disabled")

    @on(TextArea.Changed, "MessageContent")
    def _content(self, event: TextArea.Changed) -> None:
        event.stop()
        self.session.set_item_content(self.index, self.item, event.text_area.text)
        self.validate()

    @on(Button.Pressed, ".item-up")
    def _up(self, event: Button.Pressed) -> None:
        event.stop()
        self.owner.move_item(self.item, -1)

    @on(Button.Pressed, ".item-down")
    def _down(self, event: Button.Pressed) -> None:
        event.stop()
        self.owner.move_item(self.item, 1)

    @on(Button.Pressed, ".item-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.owner.delete_item(self.item)


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
        timeout = self.attrs.get("timeout")
        with Horizontal(classes="item-bar"):
            yield Static("⏳", classes="item-kind")
            yield keyed(EditInput(str(self.attrs.get("name") or ""), placeholder="name",
                                  compact=True, classes="item-name"), ("item-name", i, n))
            yield Static("within", classes="timeout-label")
            yield keyed(EditInput("" if timeout is None else str(timeout), placeholder="5",
                                  compact=True, classes="item-timeout", restrict=r"[0-9.]*"),
                        ("item-timeout", i, n))
            yield Static("s", classes="timeout-label")
            yield from self.bar()
        yield TableEditor(self.owner.editor, i, n, COLUMNS["socket-expect"])

    def validate(self) -> None:
        pass  # rows, not content

    @on(Input.Changed, ".item-timeout")
    def _timeout(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip()
        try:
            value: int | float | None = float(text) if "." in text else int(text)
        except ValueError:
            value = None
        if value is not None:
            self.session.set_item_attr(self.index, self.item, "timeout", value)


class MessagesEditor(BlockEditor):
    """socket-messages: messages to send and replies to expect, in order."""

    DEFAULT_CSS = """
    MessagesEditor .items-bar { height: 1; }
    MessagesEditor .items-bar Button { margin-right: 1; }
    """

    def fields(self) -> ComposeResult:
        for n, data in enumerate(self.session.items(self.index)):
            if data.get("type") == "socket-expect":
                yield ExpectItemEditor(self, n, data)
            elif data.get("type") == "socket-message":
                yield MessageItemEditor(self, n, data)
            else:
                yield Static(escape(f"[{data.get('type')}] kept as is"), classes="hint")
        with Horizontal(classes="items-bar"):
            yield keyed(Button("+ message", classes="add-message", compact=True),
                        ("add-item", self.index, "message"))
            yield keyed(Button("+ expect", classes="add-expect", compact=True),
                        ("add-item", self.index, "expect"))

    def first_field(self) -> tuple:
        return ("item-content", self.index, 0) if self.session.items(self.index) else (
            "add-item", self.index, "message")

    @on(Button.Pressed, ".add-message, .add-expect")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        kind = "message" if event.button.has_class("add-message") else "expect"
        n = self.session.add_item(self.index, kind)
        focus = ("item-content", self.index, n) if kind == "message" else (
            "cell", self.index, n, 0, 0)
        self.editor.refresh_part(self, focus)

    def move_item(self, item: int, delta: int) -> None:
        new = item + delta
        if 0 <= new < len(self.session.items(self.index)):
            self.session.move_item(self.index, item, new)
            self.editor.refresh_part(self, ("item-name", self.index, new))

    def delete_item(self, item: int) -> None:
        self.session.delete_item(self.index, item)
        left = len(self.session.items(self.index))
        focus = ("item-name", self.index, min(item, left - 1)) if left else (
            "add-item", self.index, "message")
        self.editor.refresh_part(self, focus)


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
        node = self.block.node
        attrs = self.block.attrs
        if node.get("type") == "linkedBlock":
            text = f"↪ block {attrs.get('blockUid')} from {attrs.get('originalFile')}"
        elif node.get("type") == "request":
            from .model import _cell, part_of

            method = part_of(node, "method")
            url = part_of(node, "url")
            text = (f"HTTP {_cell(method.get('content')) if method else ''} "
                    f"{_cell(url.get('content')) if url else ''}\n"
                    "(HTTP requests are listed by check, not run here)")
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


def editor_for(block, editor: DocumentEditor, index: int) -> BlockEditor:
    cls = EDITORS.get(block.type, OtherBlockEditor)
    if cls is TableBlockEditor and not rows_of(block.node) and not isinstance(
        block.node.get("content"), list | type(None)
    ):
        cls = OtherBlockEditor  # a table block whose content is not a list: show, keep
    if block.type == "socket-request" and method_of(block.node).upper().startswith("GRPC"):
        cls = OtherBlockEditor
    return cls(editor, index, classes=f"-{block.type}")
