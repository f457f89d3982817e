"""Typed views of the blocks this project uses, and builders of edited nodes.

``view(block)`` reads a :class:`~wsblock.document.Block` (or a bare node dict) as
one of :class:`SocketRequest`, :class:`HeadersTable`, :class:`QueryTable`,
:class:`Auth`, :class:`SocketOptions`, :class:`SocketMessages`,
:class:`AssertionsTable`, :class:`LinkedBlock`, :class:`RequestSeparator`,
:class:`HttpRequest` or :class:`Unknown`. Views never fail on odd content: what is
missing reads as empty.

Views do not change anything. Their editing helpers (``set_cell``, ``add_row``,
``toggle_disabled``, ``with_url``...) return a *new node*, to give to
:meth:`Block.set_node <wsblock.document.Block.set_node>`::

    v = view(block)
    block.set_node(v.set_cell(0, 1, "application/json"))

:func:`new_block` makes the node of a new block (``"wss"``, ``"headers"``,
``"auth-bearer"``...) in the exact shape Voiden gives it, with fresh uuid4 uids.

Tables are ``content: [{type: table, rows: [{attrs: {disabled: bool}, row:
[cells]}]}]``. A cell Voiden leaves empty is ``null`` in the file (ProseMirror has
no empty text nodes), so views read ``None`` as ``""`` and the helpers write an
empty cell as ``None``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .model import Block

__all__ = [
    "AUTH_TYPES",
    "NEW_BLOCK_KINDS",
    "AssertionsTable",
    "Auth",
    "CaptureItem",
    "BlockView",
    "HeadersTable",
    "HttpRequest",
    "Item",
    "LinkedBlock",
    "QueryTable",
    "RequestSeparator",
    "Row",
    "RuntimeVariables",
    "SocketEvery",
    "SocketExpect",
    "SocketMessage",
    "SocketMessages",
    "SocketOn",
    "SocketOptions",
    "SocketRequest",
    "TableView",
    "Unknown",
    "UnknownItem",
    "cell_text",
    "new_block",
    "new_captures",
    "new_every",
    "new_expect",
    "new_message",
    "new_on",
    "new_row",
    "new_uid",
    "text_of",
    "view",
    "with_fresh_uids",
]

#: The ``authType`` values of an ``auth`` block that this project knows.
AUTH_TYPES = ("bearer", "basic", "apiKey", "none", "inherit")

# ---------------------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------------------


def new_uid() -> str:
    """A fresh uid, as Voiden makes them (a uuid4)."""
    import uuid  # here: reading a file (`check`, `run`) starts without uuid (and platform)

    return str(uuid.uuid4())


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def text_of(value: Any) -> str:
    """The text of a node's ``content``.

    Voiden collapses a single text node to a plain string (``content: GET``); other
    writers may leave the list of text nodes (``[{type: text, text: GET}]``).
    Both read as the same text; nothing reads as ``""``.
    """
    if isinstance(value, Mapping):
        text = value.get("text")
        if isinstance(text, str):
            return text
        return text_of(value.get("content"))
    if isinstance(value, list):
        return "".join(text_of(v) for v in value)
    return _scalar_text(value)


def cell_text(value: Any) -> str:
    """A table cell as text: ``None`` is ``""``, a ``fileLink`` node is its path."""
    if isinstance(value, Mapping):
        attrs = value.get("attrs")
        if value.get("type") == "fileLink" and isinstance(attrs, Mapping):
            return _scalar_text(attrs.get("filePath") or attrs.get("filename"))
        return text_of(value)
    if isinstance(value, list):
        return "".join(cell_text(v) for v in value)
    return _scalar_text(value)


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _children(node: Mapping[str, Any]) -> list[Any]:
    content = node.get("content")
    return content if isinstance(content, list) else []


def _child(node: Mapping[str, Any], type_: str) -> Mapping[str, Any] | None:
    for c in _children(node):
        if isinstance(c, Mapping) and c.get("type") == type_:
            return c
    return None


def _attrs(node: Mapping[str, Any]) -> Mapping[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, Mapping) else {}


def _cell_value(value: Any) -> Any:
    """What a cell holds in the file: an empty cell is ``None``, as Voiden writes it."""
    if value is None or value == "":
        return None
    return value


# ---------------------------------------------------------------------------------------
# Rows and tables
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One table row: its cells as text, and whether it is disabled (commented out)."""

    cells: list[str]
    disabled: bool = False
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def cell(self, index: int) -> str:
        """Cell ``index`` as text, ``""`` past the end of the row."""
        return self.cells[index] if 0 <= index < len(self.cells) else ""

    @property
    def is_empty(self) -> bool:
        """True when every cell is blank (Voiden's fresh tables have such a row)."""
        return not any(c.strip() for c in self.cells)


def new_row(cells: Sequence[Any] = (), disabled: bool = False, width: int = 0) -> dict[str, Any]:
    """A row node ``{attrs: {disabled}, row: [...]}``, padded to ``width`` cells."""
    values = [_cell_value(c) for c in cells]
    values += [None] * (width - len(values))
    return {"attrs": {"disabled": bool(disabled)}, "row": values}


def _table_rows_raw(table: Mapping[str, Any]) -> list[Any]:
    """The row nodes of a table, the simple form (``rows``) or ProseMirror's (``tableRow``)."""
    rows = table.get("rows")
    if isinstance(rows, list):
        return rows
    out = []
    for r in _children(table):
        if isinstance(r, Mapping) and r.get("type") == "tableRow":
            cells = [
                text_of(c.get("content")) if isinstance(c, Mapping) else "" for c in _children(r)
            ]
            out.append({"attrs": dict(_attrs(r)) or {"disabled": False}, "row": cells})
    return out


def _read_rows(node: Mapping[str, Any]) -> list[Row]:
    table = _child(node, "table")
    if table is None:
        return []
    out = []
    for r in _table_rows_raw(table):
        if not isinstance(r, Mapping):
            continue
        cells = r.get("row")
        cells = cells if isinstance(cells, list) else ([] if cells is None else [cells])
        out.append(Row([cell_text(c) for c in cells], _truthy(_attrs(r).get("disabled")), r))
    return out


def _edit_rows(node: Mapping[str, Any], edit: Callable[[list[Any]], None]) -> dict[str, Any]:
    """A copy of ``node`` whose first table's rows list went through ``edit``."""
    new = copy.deepcopy(dict(node))
    content = new.get("content")
    if not isinstance(content, list):
        content = new["content"] = []
    n = next(
        (k for k, c in enumerate(content) if isinstance(c, Mapping) and c.get("type") == "table"),
        None,
    )
    if n is None:
        n = len(content)
        content.append({"type": "table"})
    table = dict(content[n])
    rows = [copy.deepcopy(r) for r in _table_rows_raw(table)]
    edit(rows)
    table.pop("content", None)
    table["rows"] = rows
    content[n] = table
    return new


class TableView:
    """Reading and editing the table of a node (its first ``table`` child).

    Every view of a block or item with rows is one: headers, query, options,
    assertions, auth, ``socket-expect``. Editing methods return the new node."""

    node: dict[str, Any]
    #: How many cells a new row has.
    COLUMNS: ClassVar[int] = 2

    @property
    def rows(self) -> list[Row]:
        """The rows of the table, in order (disabled ones included)."""
        return _read_rows(self.node)

    @property
    def enabled_rows(self) -> list[Row]:
        """The rows that apply: not disabled, not blank."""
        return [r for r in self.rows if not r.disabled and not r.is_empty]

    def _width(self) -> int:
        return max([len(r.cells) for r in self.rows] + [self.COLUMNS])

    def set_cell(self, row: int, column: int, value: Any) -> dict[str, Any]:
        """A new node with cell ``(row, column)`` set (the row grows as needed)."""
        if column < 0:
            raise IndexError(f"no column {column}")

        def edit(rows: list[Any]) -> None:
            r = _row_node(rows, row)
            cells = list(r.get("row") or [])
            cells += [None] * (column + 1 - len(cells))
            cells[column] = _cell_value(value)
            r["row"] = cells

        return _edit_rows(self.node, edit)

    def set_row(self, row: int, cells: Sequence[Any]) -> dict[str, Any]:
        """A new node with the cells of row ``row`` replaced."""

        def edit(rows: list[Any]) -> None:
            _row_node(rows, row)["row"] = [_cell_value(c) for c in cells]

        return _edit_rows(self.node, edit)

    def add_row(
        self, cells: Sequence[Any] = (), *, at: int | None = None, disabled: bool = False
    ) -> dict[str, Any]:
        """A new node with a row added at ``at`` (default: at the end), padded to the table's width."""
        new = new_row(cells, disabled, self._width())

        def edit(rows: list[Any]) -> None:
            rows.insert(len(rows) if at is None else at, new)

        return _edit_rows(self.node, edit)

    def delete_row(self, row: int) -> dict[str, Any]:
        """A new node without row ``row``."""

        def edit(rows: list[Any]) -> None:
            _row_node(rows, row)
            del rows[row]

        return _edit_rows(self.node, edit)

    def move_row(self, row: int, new_index: int) -> dict[str, Any]:
        """A new node with row ``row`` moved to position ``new_index``."""

        def edit(rows: list[Any]) -> None:
            _row_node(rows, row)
            rows.insert(new_index, rows.pop(row))

        return _edit_rows(self.node, edit)

    def set_disabled(self, row: int, disabled: bool = True) -> dict[str, Any]:
        """A new node with row ``row`` disabled (commented out) or enabled."""

        def edit(rows: list[Any]) -> None:
            r = _row_node(rows, row)
            attrs = dict(r.get("attrs") or {}) if isinstance(r.get("attrs"), Mapping) else {}
            attrs["disabled"] = bool(disabled)
            r["attrs"] = attrs

        return _edit_rows(self.node, edit)

    def toggle_disabled(self, row: int) -> dict[str, Any]:
        """A new node with row ``row`` switched between enabled and disabled."""
        return self.set_disabled(row, not self.rows[row].disabled)


def _row_node(rows: list[Any], index: int) -> dict[str, Any]:
    if not -len(rows) <= index < len(rows):
        raise IndexError(f"no row {index} (the table has {len(rows)})")
    r = rows[index]
    if not isinstance(r, dict):
        r = rows[index] = {"attrs": {"disabled": False}, "row": []}
    return r


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------


class BlockView:
    """A view of a block node: ``node``, the ``block`` it came from (if any), ``type``, ``uid``."""

    TYPE: ClassVar[str | None] = None

    def __init__(self, node: Mapping[str, Any], block: Block | None = None) -> None:
        self.node: dict[str, Any] = node if isinstance(node, dict) else dict(node)
        self.block = block

    @property
    def type(self) -> str:
        return str(self.node.get("type", ""))

    @property
    def uid(self) -> str | None:
        uid = _attrs(self.node).get("uid")
        return uid if isinstance(uid, str) else None

    @property
    def attrs(self) -> Mapping[str, Any]:
        return _attrs(self.node)

    def with_attrs(self, **attrs: Any) -> dict[str, Any]:
        """A new node with these ``attrs`` set (others kept, in their order)."""
        new = copy.deepcopy(self.node)
        merged = dict(_attrs(new))
        merged.update(attrs)
        new["attrs"] = merged
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} uid={self.uid}>"


class SocketRequest(BlockView):
    """``socket-request``: ``method`` (``WSS``; gRPC files have ``GRPCS``) and ``url``."""

    TYPE = "socket-request"

    @property
    def method(self) -> str:
        m = _child(self.node, "smethod")
        if m is None:
            return ""
        return text_of(m.get("content")).strip() or _scalar_text(_attrs(m).get("method")).strip()

    @property
    def url(self) -> str:
        u = _child(self.node, "surl")
        return text_of(u.get("content")).strip() if u is not None else ""

    @property
    def is_grpc(self) -> bool:
        """gRPC (``GRPCS``/``GRPC`` method, or a ``proto`` child): kept, not run here."""
        return self.method.upper() in ("GRPC", "GRPCS") or _child(self.node, "proto") is not None

    def with_url(self, url: str) -> dict[str, Any]:
        """A new node with the URL set (an ``surl`` child is added if missing)."""
        return self._with_child_text("surl", url, {})

    def with_method(self, method: str) -> dict[str, Any]:
        """A new node with the method set (``smethod``'s text and ``attrs.method``)."""
        return self._with_child_text("smethod", method, {"method": method})

    def _with_child_text(self, type_: str, text: str, attrs: dict[str, Any]) -> dict[str, Any]:
        new = copy.deepcopy(self.node)
        content = new.get("content")
        if not isinstance(content, list):
            content = new["content"] = []
        for child in content:
            if isinstance(child, dict) and child.get("type") == type_:
                break
        else:
            child = {"type": type_, "attrs": {"uid": new_uid()}}
            content.insert(0 if type_ == "smethod" else len(content), child)
        if attrs:
            child["attrs"] = {**_attrs(child), **attrs}
        if text:
            child["content"] = text
        else:
            child.pop("content", None)  # Voiden writes an empty text as no content
        return new


class HttpRequest(BlockView):
    """``request``: an HTTP request (``method`` and ``url`` children). Listed, not run."""

    TYPE = "request"

    @property
    def method(self) -> str:
        m = _child(self.node, "method")
        if m is None:
            return ""
        return text_of(m.get("content")).strip() or _scalar_text(_attrs(m).get("method")).strip()

    @property
    def url(self) -> str:
        u = _child(self.node, "url")
        return text_of(u.get("content")).strip() if u is not None else ""


class HeadersTable(TableView, BlockView):
    """``headers-table``: rows ``[name, value]``."""

    TYPE = "headers-table"

    @property
    def headers(self) -> list[tuple[str, str]]:
        """``(name, value)`` of the enabled rows with a name."""
        return [(r.cell(0).strip(), r.cell(1)) for r in self.enabled_rows if r.cell(0).strip()]


class QueryTable(TableView, BlockView):
    """``query-table``: rows ``[name, value]`` added to the URL's query."""

    TYPE = "query-table"

    @property
    def params(self) -> list[tuple[str, str]]:
        """``(name, value)`` of the enabled rows with a name."""
        return [(r.cell(0).strip(), r.cell(1)) for r in self.enabled_rows if r.cell(0).strip()]


class SocketOptions(TableView, BlockView):
    """``socket-options``: rows ``[key, value]`` (see the format spec for the keys)."""

    TYPE = "socket-options"

    @property
    def options(self) -> dict[str, str]:
        """``key -> value`` of the enabled rows (keys stripped and lower-cased; last wins)."""
        return {
            r.cell(0).strip().lower(): r.cell(1) for r in self.enabled_rows if r.cell(0).strip()
        }


class AssertionsTable(TableView, BlockView):
    """``assertions-table``: rows ``[description, field, operator, expected]``."""

    TYPE = "assertions-table"
    COLUMNS = 4


class RuntimeVariables(TableView, BlockView):
    """``runtime-variables`` (Voiden's capture block): rows ``[NAME, template]``.

    In a request's section it captures from the handshake (``{{$res.headers.x}}``);
    the same node as an item of ``socket-messages`` is a :class:`CaptureItem`.
    """

    TYPE = "runtime-variables"

    @property
    def captures(self) -> list[tuple[int, str, str]]:
        """``(row number from 1, NAME, template)`` of the enabled rows with a name."""
        return _captures(self.rows)


def _captures(rows: list[Row]) -> list[tuple[int, str, str]]:
    return [
        (n, r.cell(0).strip(), r.cell(1).strip())
        for n, r in enumerate(rows, 1)
        if not r.disabled and not r.is_empty
    ]


#: The rows Voiden puts in a new ``auth`` block of each type.
_AUTH_ROWS: dict[str, list[list[Any]]] = {
    "bearer": [["token", None]],
    "basic": [["username", None], ["password", None]],
    "apiKey": [["key", None], ["value", None], ["add_to", "header"]],
    "none": [],
    "inherit": [],
}


class Auth(TableView, BlockView):
    """``auth``: ``auth_type`` (``bearer``, ``basic``, ``apiKey``, ``none``, ``inherit``) and rows.

    bearer: ``[token, ...]``; basic: ``[username, ...]``, ``[password, ...]``;
    apiKey: ``[key, ...]``, ``[value, ...]`` and where it goes, ``[add_to,
    header|query]`` as Voiden writes it (``[in, ...]`` is read too).
    """

    TYPE = "auth"

    @property
    def auth_type(self) -> str:
        return _scalar_text(self.attrs.get("authType")).strip() or "inherit"

    @property
    def fields(self) -> dict[str, str]:
        """``key -> value`` of the enabled rows (keys stripped and lower-cased)."""
        return {
            r.cell(0).strip().lower(): r.cell(1) for r in self.enabled_rows if r.cell(0).strip()
        }

    @property
    def api_key_location(self) -> str:
        """``header`` or ``query``: where an apiKey goes (``add_to`` or ``in`` row)."""
        f = self.fields
        where = (f.get("add_to") or f.get("in") or "header").strip().lower()
        return "query" if where == "query" else "header"

    def with_auth_type(self, auth_type: str) -> dict[str, Any]:
        """A new node of another type, with that type's rows (values of same-named rows kept)."""
        old = {r.cell(0).strip().lower(): r.raw for r in self.rows if r.raw is not None}
        rows = []
        for key, default in _AUTH_ROWS.get(auth_type, []):
            kept = old.get(key.lower())
            rows.append(copy.deepcopy(dict(kept)) if kept is not None else new_row([key, default]))
        new = self.with_attrs(authType=auth_type)
        if rows:
            new["content"] = [{"type": "table", "rows": rows}]
        else:
            new.pop("content", None)
        return new


class LinkedBlock(BlockView):
    """``linkedBlock``: stands for block ``block_uid`` of ``original_file`` (from the project root)."""

    TYPE = "linkedBlock"

    @property
    def block_uid(self) -> str:
        return _scalar_text(self.attrs.get("blockUid")).strip()

    @property
    def original_file(self) -> str:
        return _scalar_text(self.attrs.get("originalFile")).strip()


class RequestSeparator(BlockView):
    """``request-separator``: ends one request and starts the next; may carry a ``label``."""

    TYPE = "request-separator"

    @property
    def label(self) -> str:
        return _scalar_text(self.attrs.get("label")).strip()

    @property
    def color_index(self) -> int:
        value = self.attrs.get("colorIndex")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


class Unknown(BlockView):
    """Any other block: kept exactly as it is."""


# -- socket-messages --------------------------------------------------------------------


class _ItemView:
    """An item of a ``socket-messages`` block: its ``node`` and ``index`` in the block."""

    def __init__(self, node: Mapping[str, Any], index: int) -> None:
        self.node: dict[str, Any] = node if isinstance(node, dict) else dict(node)
        self.index = index

    @property
    def type(self) -> str:
        return str(self.node.get("type", ""))

    @property
    def attrs(self) -> Mapping[str, Any]:
        return _attrs(self.node)

    @property
    def uid(self) -> str | None:
        uid = self.attrs.get("uid")
        return uid if isinstance(uid, str) else None

    @property
    def name(self) -> str:
        return _scalar_text(self.attrs.get("name")).strip()

    @property
    def disabled(self) -> bool:
        return _truthy(self.attrs.get("disabled"))

    def with_attrs(self, **attrs: Any) -> dict[str, Any]:
        """A new item node with these ``attrs`` set."""
        new = copy.deepcopy(self.node)
        new["attrs"] = {**_attrs(new), **attrs}
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.index} {self.name!r}>"


class SocketMessage(_ItemView):
    """``socket-message``: a message to send (``format``: text, json, xml, binary, socket.io
    or graphql; ``ack``, ``ack-reply``, ``variables`` and ``operation`` belong to the last
    two)."""

    @property
    def format(self) -> str:
        return _scalar_text(self.attrs.get("format")).strip().lower() or "text"

    @property
    def encoding(self) -> str:
        """How binary content is written: ``base64`` (the default) or ``hex``."""
        return (
            "hex" if _scalar_text(self.attrs.get("encoding")).strip().lower() == "hex" else "base64"
        )

    @property
    def ack(self) -> bool:
        """``attrs.ack``: a ``socket.io`` message asks the server for an acknowledgement."""
        return _truthy(self.attrs.get("ack"))

    @property
    def ack_reply(self) -> bool:
        """``attrs.ack-reply``: a rule's ``socket.io`` message is sent as the acknowledgement
        the event it matched asked for (its content: the JSON array of the arguments)."""
        return _truthy(self.attrs.get("ack-reply"))

    @property
    def variables(self) -> str:
        """``attrs.variables`` of a ``graphql`` message: JSON text (a mapping reads as JSON)."""
        value = self.attrs.get("variables")
        if isinstance(value, Mapping):
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return _scalar_text(value)

    @property
    def operation(self) -> str:
        """``attrs.operation`` of a ``graphql`` message: the operation's name, or empty."""
        return _scalar_text(self.attrs.get("operation")).strip()

    @property
    def content(self) -> str:
        """The text to send (a mapping or list written as YAML reads as compact JSON)."""
        value = self.node.get("content")
        if isinstance(value, (Mapping, list)) and not _is_text_nodes(value):
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return text_of(value)

    def with_content(self, text: str) -> dict[str, Any]:
        """A new item node with this content."""
        new = copy.deepcopy(self.node)
        new["content"] = text
        return new


def _is_text_nodes(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return all(isinstance(v, Mapping) and v.get("type") == "text" for v in items)


class SocketExpect(TableView, _ItemView):
    """``socket-expect``: wait (``timeout`` seconds) for a message for which every row holds.

    The table helpers (``set_cell``, ``add_row``...) return a new *item* node: give
    it to :meth:`SocketMessages.replace_item`.
    """

    COLUMNS = 4

    @property
    def timeout(self) -> Any:
        """``attrs.timeout`` as written (a number, usually; None when absent)."""
        return self.attrs.get("timeout")

    @property
    def reply_to(self) -> str:
        """``attrs.reply-to``: the name of the message this waits for a reply to (or "")."""
        return _scalar_text(self.attrs.get("reply-to")).strip()


class CaptureItem(TableView, _ItemView):
    """``runtime-variables`` in ``socket-messages``: captures from the message the
    ``socket-expect`` before it matched. Rows ``[NAME, template]``."""

    @property
    def captures(self) -> list[tuple[int, str, str]]:
        """``(row number from 1, NAME, template)`` of the enabled rows with a name."""
        return _captures(self.rows)


class SocketOn(TableView, _ItemView):
    """``socket-on``: a rule. Its table is the condition (rows as in ``socket-expect``);
    an optional ``runtime-variables`` child captures from each message that matches; an
    optional ``socket-message`` child is sent in answer."""

    COLUMNS = 4

    @property
    def captures(self) -> list[tuple[int, str, str]]:
        child = _child(self.node, "runtime-variables")
        return [] if child is None else _captures(_read_rows(child))

    @property
    def message(self) -> SocketMessage | None:
        return _message_child(self.node)


class SocketEvery(_ItemView):
    """``socket-every``: sends its ``socket-message`` child every ``interval``
    (``15`` seconds, ``500ms``, ``2s``, or a template such as ``{{process.HB}}ms``)."""

    @property
    def interval(self) -> str:
        return _scalar_text(self.attrs.get("interval")).strip()

    @property
    def message(self) -> SocketMessage | None:
        return _message_child(self.node)


def _message_child(node: Mapping[str, Any]) -> SocketMessage | None:
    for n, c in enumerate(_children(node)):
        if isinstance(c, Mapping) and c.get("type") == "socket-message":
            return SocketMessage(c, n)
    return None


class UnknownItem(_ItemView):
    """An item of another type in a ``socket-messages`` block: kept as it is."""


_ITEM_LINE = re.compile(r"^( *)- ")


class SocketMessages(BlockView):
    """``socket-messages``: the conversation, in order: :class:`SocketMessage` and :class:`SocketExpect`."""

    TYPE = "socket-messages"

    @property
    def items(self) -> list[Item]:
        """The items in order: messages, expectations, captures, rules, timers (others kept
        as :class:`UnknownItem`)."""
        out: list[Item] = []
        for n, child in enumerate(_children(self.node)):
            if not isinstance(child, Mapping):
                continue
            cls = _ITEMS.get(str(child.get("type")), UnknownItem)
            out.append(cls(child, n))
        return out

    @property
    def messages(self) -> list[SocketMessage]:
        return [i for i in self.items if isinstance(i, SocketMessage)]

    def item_lines(self) -> list[int] | None:
        """The 1-based line in the document of each item of ``content`` (by index, as
        :attr:`_ItemView.index`), so that an error names the item's own line rather than
        the block's; None when the block's text does not show them plainly (no block, a
        flow-style list): then the block's line is the place to name."""
        block = self.block
        if block is None:
            return None
        lines = block.raw.splitlines()
        start = next((i for i, text in enumerate(lines) if text.rstrip() == "content:"), None)
        if start is None:
            return None
        found: list[int] = []
        indent: int | None = None
        for i in range(start + 1, len(lines)):
            text = lines[i]
            if not text.strip():
                continue
            item = _ITEM_LINE.match(text)
            if indent is None:
                if item is None:
                    return None
                indent = len(item.group(1))
            if item is not None and len(item.group(1)) == indent:
                found.append(block.line + i)
            elif len(text) - len(text.lstrip(" ")) <= indent:
                break  # the list ended: the next key, or the block's closing line
        return found if len(found) == len(_children(self.node)) else None

    def _edit(self, edit: Callable[[list[Any]], None]) -> dict[str, Any]:
        new = copy.deepcopy(self.node)
        content = new.get("content")
        if not isinstance(content, list):
            content = new["content"] = []
        edit(content)
        return new

    def replace_item(self, index: int, item: Mapping[str, Any]) -> dict[str, Any]:
        """A new block node with item ``index`` replaced by ``item``."""

        def edit(content: list[Any]) -> None:
            _check_index(content, index)
            content[index] = copy.deepcopy(dict(item))

        return self._edit(edit)

    def insert_item(self, index: int | None, item: Mapping[str, Any]) -> dict[str, Any]:
        """A new block node with ``item`` inserted at ``index`` (None: at the end)."""
        return self._edit(
            lambda c: c.insert(len(c) if index is None else index, copy.deepcopy(dict(item)))
        )

    def add_message(
        self,
        name: str = "",
        format: str = "text",
        content: str = "",
        *,
        encoding: str | None = None,
        disabled: bool = False,
        at: int | None = None,
    ) -> dict[str, Any]:
        """A new block node with a ``socket-message`` added (at the end by default)."""
        return self.insert_item(
            at, new_message(name, format, content, encoding=encoding, disabled=disabled)
        )

    def add_expect(
        self,
        name: str = "",
        timeout: float = 5,
        rows: Sequence[Sequence[Any]] = (),
        *,
        at: int | None = None,
    ) -> dict[str, Any]:
        """A new block node with a ``socket-expect`` added (at the end by default)."""
        return self.insert_item(at, new_expect(name, timeout, rows))

    def delete_item(self, index: int) -> dict[str, Any]:
        """A new block node without item ``index``."""

        def edit(content: list[Any]) -> None:
            _check_index(content, index)
            del content[index]

        return self._edit(edit)

    def move_item(self, index: int, new_index: int) -> dict[str, Any]:
        """A new block node with item ``index`` moved to ``new_index``."""

        def edit(content: list[Any]) -> None:
            _check_index(content, index)
            content.insert(new_index, content.pop(index))

        return self._edit(edit)

    def set_disabled(self, index: int, disabled: bool = True) -> dict[str, Any]:
        """A new block node with item ``index`` disabled or enabled (``attrs.disabled``)."""

        def edit(content: list[Any]) -> None:
            _check_index(content, index)
            item = dict(content[index])
            item["attrs"] = {**_attrs(item), "disabled": bool(disabled)}
            content[index] = item

        return self._edit(edit)

    def toggle_disabled(self, index: int) -> dict[str, Any]:
        """A new block node with item ``index`` switched between enabled and disabled."""
        children = _children(self.node)
        _check_index(children, index)
        current = (
            _truthy(_attrs(children[index]).get("disabled"))
            if isinstance(children[index], Mapping)
            else False
        )
        return self.set_disabled(index, not current)


Item = SocketMessage | SocketExpect | CaptureItem | SocketOn | SocketEvery | UnknownItem

_ITEMS: dict[str, type[Item]] = {
    "socket-message": SocketMessage,
    "socket-expect": SocketExpect,
    "runtime-variables": CaptureItem,
    "socket-on": SocketOn,
    "socket-every": SocketEvery,
}


def _check_index(content: list[Any], index: int) -> None:
    if not -len(content) <= index < len(content):
        raise IndexError(f"no item {index} (the block has {len(content)})")


# ---------------------------------------------------------------------------------------
# view()
# ---------------------------------------------------------------------------------------

_VIEWS: dict[str, type[BlockView]] = {
    cls.TYPE: cls
    for cls in (
        SocketRequest,
        HttpRequest,
        HeadersTable,
        QueryTable,
        SocketOptions,
        AssertionsTable,
        Auth,
        LinkedBlock,
        RequestSeparator,
        SocketMessages,
        RuntimeVariables,
    )
    if cls.TYPE
}


def view(block: Block | Mapping[str, Any]) -> BlockView:
    """The typed view of a block (or of a bare node dict); :class:`Unknown` for other types."""
    node: Mapping[str, Any]
    source: Block | None
    if isinstance(block, Block):
        node, source = block.node, block
    elif isinstance(block, Mapping):
        node, source = block, None
    else:
        raise TypeError(f"view() takes a Block or a node mapping, not {type(block).__name__}")
    cls = _VIEWS.get(str(node.get("type")), Unknown)
    return cls(node, source)


# ---------------------------------------------------------------------------------------
# New blocks
# ---------------------------------------------------------------------------------------


def _table(rows: Sequence[Sequence[Any]], width: int = 2) -> list[dict[str, Any]]:
    return [{"type": "table", "rows": [new_row(r, False, width) for r in rows]}]


def new_message(
    name: str = "",
    format: str = "text",
    content: str = "",
    *,
    encoding: str | None = None,
    disabled: bool = False,
) -> dict[str, Any]:
    """A ``socket-message`` item node (``attrs``: uid, name, format, disabled[, encoding])."""
    attrs: dict[str, Any] = {
        "uid": new_uid(),
        "name": name,
        "format": format,
        "disabled": bool(disabled),
    }
    if encoding and encoding != "base64":
        attrs["encoding"] = encoding
    return {"type": "socket-message", "attrs": attrs, "content": content}


def new_expect(
    name: str = "", timeout: float = 5, rows: Sequence[Sequence[Any]] = ()
) -> dict[str, Any]:
    """A ``socket-expect`` item node with a table of ``[description, field, operator, expected]`` rows."""
    return {
        "type": "socket-expect",
        "attrs": {"uid": new_uid(), "name": name, "timeout": timeout},
        "content": _table(rows or [[]], 4),
    }


def new_captures(rows: Sequence[Sequence[Any]] = ()) -> dict[str, Any]:
    """A ``runtime-variables`` node (block or item) with ``[NAME, template]`` rows."""
    return {
        "type": "runtime-variables",
        "attrs": {"uid": new_uid(), "importedFrom": ""},
        "content": _table(rows or [[]]),
    }


def new_on(
    name: str = "",
    rows: Sequence[Sequence[Any]] = (),
    *,
    captures: Sequence[Sequence[Any]] = (),
    answer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``socket-on`` rule item: condition rows, optional captures, optional answer message."""
    content = _table(rows or [[]], 4)
    if captures:
        content.append(new_captures(captures))
    if answer is not None:
        content.append(dict(answer))
    return {
        "type": "socket-on",
        "attrs": {"uid": new_uid(), "name": name, "disabled": False},
        "content": content,
    }


def new_every(name: str, interval: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """A ``socket-every`` timer item sending ``message`` every ``interval``."""
    return {
        "type": "socket-every",
        "attrs": {"uid": new_uid(), "name": name, "interval": interval, "disabled": False},
        "content": [dict(message)],
    }


def _wss() -> dict[str, Any]:
    return {
        "type": "socket-request",
        "attrs": {"uid": new_uid()},
        "content": [
            {
                "type": "smethod",
                "attrs": {"uid": new_uid(), "method": "WSS", "importedFrom": "", "visible": True},
                "content": "WSS",
            },
            {"type": "surl", "attrs": {"uid": new_uid()}, "content": "wss://"},
        ],
    }


def _auth(auth_type: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "type": "auth",
        "attrs": {"uid": new_uid(), "authType": auth_type, "importedFrom": "", "oauth2Config": ""},
    }
    rows = _AUTH_ROWS[auth_type]
    if rows:
        node["content"] = _table(rows)
    return node


def _kv_table(type_: str) -> dict[str, Any]:
    return {"type": type_, "attrs": {"uid": new_uid(), "importedFrom": ""}, "content": _table([[]])}


_NEW_BLOCKS: dict[str, Callable[[], dict[str, Any]]] = {
    "wss": _wss,
    "headers": lambda: _kv_table("headers-table"),
    "query": lambda: _kv_table("query-table"),
    "auth-bearer": lambda: _auth("bearer"),
    "auth-basic": lambda: _auth("basic"),
    "auth-api-key": lambda: _auth("apiKey"),
    "auth-none": lambda: _auth("none"),
    "auth-inherit": lambda: _auth("inherit"),
    "socket-options": lambda: {
        "type": "socket-options",
        "attrs": {"uid": new_uid()},
        "content": _table([[]]),
    },
    "messages": lambda: {
        "type": "socket-messages",
        "attrs": {"uid": new_uid()},
        "content": [new_message("message 1")],
    },
    "assertions": lambda: {
        "type": "assertions-table",
        "attrs": {"uid": new_uid(), "importedFrom": ""},
        "content": _table([[]], 4),
    },
    "separator": lambda: {
        "type": "request-separator",
        "attrs": {"uid": new_uid(), "colorIndex": 0, "label": "New Request"},
    },
}
_ALIASES = {
    "socket-request": "wss",
    "headers-table": "headers",
    "query-table": "query",
    "options": "socket-options",
    "socket-messages": "messages",
    "assertions-table": "assertions",
    "request-separator": "separator",
    "auth": "auth-bearer",
}

#: The kinds :func:`new_block` makes, in menu order.
NEW_BLOCK_KINDS: tuple[str, ...] = tuple(_NEW_BLOCKS)


def with_fresh_uids(node: Any) -> Any:
    """A copy of ``node`` with every ``attrs.uid`` replaced (a duplicated block)."""
    if isinstance(node, Mapping):
        out = {k: with_fresh_uids(v) for k, v in node.items()}
        attrs = out.get("attrs")
        if isinstance(attrs, dict) and "uid" in attrs:
            attrs["uid"] = new_uid()
        return out
    if isinstance(node, list):
        return [with_fresh_uids(v) for v in node]
    return node


def new_block(kind: str) -> dict[str, Any]:
    """The node of a new block of ``kind`` (see :data:`NEW_BLOCK_KINDS`), with fresh uids.

    ``wss`` is a ``socket-request`` (method ``WSS``, URL ``wss://``); ``headers`` and
    ``query`` have ``attrs.importedFrom: ""`` and one empty row, as Voiden's do;
    ``auth-*`` have the rows Voiden gives each type. Block type names
    (``headers-table``...) are accepted too. ``KeyError`` for an unknown kind.
    """
    key = _ALIASES.get(kind, kind)
    try:
        make = _NEW_BLOCKS[key]
    except KeyError:
        raise KeyError(
            f"unknown block kind {kind!r}; known: {', '.join(NEW_BLOCK_KINDS)}"
        ) from None
    return make()
