"""The editing model: an :class:`EditSession` over a :class:`wsblock.document.Document`.

No Textual here. Every edit is a method that records an undo step (the whole
document's text before the edit: simple and reliable; undo re-parses it, which is
lossless because unedited blocks keep their exact text). Consecutive edits of the
same field (typing in one prose run, one cell, the URL...) share one step.

The editor shows the document as *gaps* and *blocks*: gap ``k`` (``0 <= k <=
len(blocks)``) is the prose between block ``k - 1`` and block ``k`` (the front matter
is never shown). :meth:`EditSession.prose` gives a gap's text as shown (without its
final line ending); :meth:`EditSession.set_prose` writes it back.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wsblock.document import Block, Document
from wsblock.document.model import FrontMatter

from . import templates

HEADS = ("socket-request", "request")
SEPARATOR = "request-separator"
TABLE_TYPES = ("headers-table", "query-table", "auth", "socket-options", "assertions-table")
FORMATS = ("text", "json", "xml", "binary")
#: Front matter of a file first saved here (as Voiden writes it: version, who, when).
VOIDEN_VERSION = "0.20.1"


class EditError(Exception):
    """An edit that cannot be done (bad index, wrong block type)."""


class NeedsName(EditError):
    """The document has no file yet: ask for a name (save-as)."""


class ChangedOnDisk(EditError):
    """The file changed on disk since it was loaded or saved here."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} was changed on disk by someone else")
        self.path = path


@dataclass(frozen=True)
class DiskState:
    """What the file on disk was when loaded or saved (None fields: it did not exist)."""

    mtime_ns: int | None
    size: int | None
    digest: str | None

    @classmethod
    def of(cls, path: Path | None) -> DiskState:
        if path is None:
            return cls(None, None, None)
        try:
            st = path.stat()
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(None, None, None)
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())

    def same_as(self, path: Path | None) -> bool:
        """True if the file at ``path`` still has this content (cheap when untouched)."""
        if path is None:
            return True
        try:
            st = path.stat()
        except FileNotFoundError:
            return self.digest is None
        if self.mtime_ns == st.st_mtime_ns and self.size == st.st_size:
            return True
        return DiskState.of(path).digest == self.digest


# -- node helpers (work on plain dicts) ------------------------------------------------
def table_of(node: dict, create: bool = False) -> dict | None:
    """The ``{type: table, rows}`` inside ``node["content"]``."""
    content = node.get("content")
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and item.get("type") == "table":
                if not isinstance(item.get("rows"), list):
                    if not create:
                        return {"type": "table", "rows": []}
                    item["rows"] = []
                return item
    if not create:
        return None
    tbl = {"type": "table", "rows": []}
    if not isinstance(content, list):
        node["content"] = [tbl]
    else:
        content.append(tbl)
    return tbl


def rows_of(node: dict) -> list[tuple[list[str], bool]]:
    """``(cells, disabled)`` of each row of a table node."""
    tbl = table_of(node)
    out = []
    for r in (tbl or {}).get("rows") or []:
        if not isinstance(r, dict):
            continue
        cells = r.get("row")
        cells = cells if isinstance(cells, list) else []
        attrs = r.get("attrs")
        attrs = attrs if isinstance(attrs, dict) else {}
        out.append(([_cell(c) for c in cells], bool(attrs.get("disabled", False))))
    return out


def _cell(value) -> str:
    """A cell (or a node's text content) as text, as the document layer reads it."""
    from wsblock.document.views import cell_text

    return cell_text(value)


def part_of(node: dict, part_type: str) -> dict | None:
    content = node.get("content")
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and item.get("type") == part_type:
                return item
    return None


def url_of(node: dict) -> str:
    part = part_of(node, "surl")
    return _cell(part.get("content")) if part else ""


def method_of(node: dict) -> str:
    part = part_of(node, "smethod")
    if not part:
        return "WSS"
    attrs = part.get("attrs")
    attrs = attrs if isinstance(attrs, dict) else {}
    return _cell(attrs.get("method") or part.get("content") or "WSS")


def items_of(node: dict) -> list[dict]:
    """The ``socket-message`` / ``socket-expect`` items of a ``socket-messages`` node."""
    content = node.get("content")
    return [i for i in content if isinstance(i, dict)] if isinstance(content, list) else []


def _split_display(text: str) -> tuple[str, str]:
    """Prose as shown, and the line ending it drops at the end."""
    if text.endswith("\r\n"):
        return text[:-2], "\r\n"
    if text.endswith("\n"):
        return text[:-1], "\n"
    return text, ""


# -- the session ------------------------------------------------------------------------
class EditSession:
    """One open document, its edits, their undo history, and its file."""

    MAX_UNDO = 500
    #: Typing in one field is one undo step until a pause this long (seconds), as in
    #: every editor: one Ctrl+Z never takes back minutes of edits.
    UNDO_PAUSE = 1.0

    def __init__(self, doc: Document, path: Path | None = None, *, new: bool = False) -> None:
        self.doc = doc
        self.path = Path(path) if path is not None else doc.path
        if self.path is not None:
            self.doc.path = self.path
        #: The file did not exist when opened (or is untitled): gets front matter on save.
        self.new = new
        self._saved_text = doc.dump()
        self._disk = DiskState.of(self.path)
        self._undo: list[str] = []
        self._redo: list[str] = []
        self._last_key: object = None
        self._last_at = 0.0
        self.clock: Callable[[], float] = time.monotonic  # for the undo pause (tests set it)
        self.version = 0
        self.listeners: list[Callable[[EditSession], None]] = []

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path) -> EditSession:
        """The file at ``path`` (an empty new document if it does not exist yet)."""
        path = Path(path)
        if path.exists():
            return cls(Document.load(path), path)
        return cls(Document.parse("", path=path), path, new=True)

    @classmethod
    def untitled(cls) -> EditSession:
        return cls(Document.parse(""), None, new=True)

    @classmethod
    def from_text(cls, text: str, path: str | Path | None = None) -> EditSession:
        return cls(Document.parse(text, path=path), Path(path) if path is not None else None)

    # -- state --------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.doc.dump()

    @property
    def dirty(self) -> bool:
        """Unsaved changes: the text differs from what was loaded or last saved."""
        return self.doc.dump() != self._saved_text

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled.void"

    @property
    def blocks(self) -> list[Block]:
        return self.doc.blocks

    def block(self, index: int) -> Block:
        blocks = self.doc.blocks
        if not 0 <= index < len(blocks):
            raise EditError(f"no block {index} (the document has {len(blocks)})")
        return blocks[index]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- history ------------------------------------------------------------------------
    def _record(self, key: object = None) -> None:
        """Snapshot before an edit; edits with the same non-None ``key`` in a row coalesce."""
        now = self.clock()
        if (
            key is not None
            and key == self._last_key
            and self._undo
            and now - self._last_at < self.UNDO_PAUSE
        ):
            self._last_at = now
            return
        self._last_at = now
        self._undo.append(self.doc.dump())
        if len(self._undo) > self.MAX_UNDO:
            del self._undo[0]
        self._redo.clear()
        self._last_key = key

    def _changed(self) -> None:
        self.version += 1
        for fn in list(self.listeners):
            fn(self)

    def break_coalescing(self) -> None:
        """The next edit starts a new undo step (focus moved to another field)."""
        self._last_key = None

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.doc.dump())
        self._restore(self._undo.pop())
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.doc.dump())
        self._restore(self._redo.pop())
        return True

    def _restore(self, text: str) -> None:
        self.doc = Document.parse(text, path=self.path)
        self._last_key = None
        self._changed()

    # -- gaps (prose) -------------------------------------------------------------------
    def _gap_segments(self, k: int) -> tuple[int, list[int]]:
        """(insert position, indexes of the prose segments) of gap ``k``."""
        segs = self.doc.segments
        block_pos = [i for i, s in enumerate(segs) if isinstance(s, Block)]
        n = len(block_pos)
        if not 0 <= k <= n:
            raise EditError(f"no gap {k} (the document has {n} blocks)")
        if k > 0:
            start = block_pos[k - 1] + 1
        else:
            start = 1 if segs and isinstance(segs[0], FrontMatter) else 0
        end = block_pos[k] if k < n else len(segs)
        return start, list(range(start, end))

    def gap_count(self) -> int:
        return len(self.doc.blocks) + 1

    def raw_prose(self, k: int) -> str:
        segs = self.doc.segments
        return "".join(str(segs[i]) for i in self._gap_segments(k)[1])

    def prose(self, k: int) -> str:
        """Gap ``k``'s text as the editor shows it (its last line ending dropped)."""
        return _split_display(self.raw_prose(k))[0]

    def _store_prose(self, k: int, display: str) -> None:
        raw = self.raw_prose(k)
        shown, ending = _split_display(raw)
        if display == shown:
            return
        nl = self.doc.newline
        n = len(self.doc.blocks)
        if display:
            stored = display + (ending or nl)
        else:
            stored = nl if 0 < k < n else ""  # a blank line between two blocks, as Voiden
        pos, idx = self._gap_segments(k)
        if idx:
            self.doc.set_text(idx[0], stored)
            for i in reversed(idx[1:]):
                self.doc.remove_text(i)
        elif stored:
            self.doc.insert_text(pos, stored)

    def set_prose(self, k: int, display: str) -> None:
        """Replace gap ``k``'s text with ``display`` (as shown: the line ending is added)."""
        if display == self.prose(k):
            return
        self._record(("prose", k))
        self._store_prose(k, display)
        self._changed()

    # -- blocks -------------------------------------------------------------------------
    def insert_block(self, index: int, node: dict) -> Block:
        """Insert ``node`` as block ``index`` (the prose around it stays)."""
        self._record()
        block = self.doc.insert_block(index, node)
        self._space_gaps(self.doc.index(block))
        self._changed()
        return block

    def _space_gaps(self, index: int) -> None:
        """A blank line between a new block and a block beside it, as Voiden writes."""
        n = len(self.doc.blocks)
        for k in (index, index + 1):
            if 0 < k < n and self.raw_prose(k) == "":
                pos, _ = self._gap_segments(k)
                self.doc.insert_text(pos, self.doc.newline)

    def insert_at_line(self, k: int, line: int, item: str | templates.SlashItem) -> int | None:
        """The slash menu: line ``line`` of gap ``k`` (the ``/...`` line) becomes ``item``.

        A block item splits the gap there: the lines above stay before the new block,
        those below go after it; returns the new block's index. A heading item
        replaces the line with its prefix; returns None.
        """
        if isinstance(item, str):
            item = templates.SLASH_BY_NAME[item]
        lines = self.prose(k).split("\n")
        if not 0 <= line < len(lines):
            raise EditError(f"gap {k} has no line {line}")
        if item.action == "heading":
            lines[line] = item.prefix
            self.set_prose(k, "\n".join(lines))
            self.break_coalescing()
            return None
        node = templates.new_block(item.name)
        self._record()
        before_text = "\n".join(lines[:line])
        after_text = "\n".join(lines[line + 1 :])
        block = self.doc.insert_block(k, node)
        # the old gap's text may now sit before or after the new block: set both
        self._store_prose(k, before_text)
        self._store_prose(k + 1, after_text)
        self._space_gaps(k)
        self._changed()
        return self.doc.index(block)

    def delete_block(self, index: int) -> None:
        block = self.block(index)
        self._record()
        self.doc.remove_block(block)
        self._merge_blank_gap(index)
        self._changed()

    def _merge_blank_gap(self, k: int) -> None:
        """After a removal, two blank runs can meet in one gap: keep one."""
        if 0 <= k < self.gap_count():
            _pos, idx = self._gap_segments(k)
            segs = self.doc.segments
            if len(idx) > 1 and all(not str(segs[i]).strip() for i in idx):
                for i in reversed(idx[1:]):
                    self.doc.remove_text(i)

    def move_block(self, index: int, new_index: int) -> None:
        block = self.block(index)
        n = len(self.doc.blocks)
        if not 0 <= new_index < n or new_index == index:
            return
        self._record()
        self.doc.move_block(block, new_index)
        self._merge_blank_gap(index)
        self._space_gaps(self.doc.index(block))
        self._changed()

    def duplicate_block(self, index: int) -> Block:
        """A copy of block ``index`` (with new uids) right after it."""
        node = templates.fresh_uids(copy.deepcopy(self.block(index).node))
        return self.insert_block(index + 1, node)

    def edit_node(self, index: int, fn: Callable[[dict], None], key: object = None) -> None:
        """Apply ``fn`` to a copy of block ``index``'s node; re-emit it if it changed."""
        block = self.block(index)
        node = copy.deepcopy(block.node)
        fn(node)
        if node == block.node:
            return
        self._record(key)
        block.set_node(node)
        self._changed()

    def _uid(self, index: int) -> object:
        block = self.block(index)
        return block.uid or id(block)

    # -- socket-request -----------------------------------------------------------------
    def url(self, index: int) -> str:
        return url_of(self.block(index).node)

    def set_url(self, index: int, url: str) -> None:
        def fn(node: dict) -> None:
            part = part_of(node, "surl")
            if part is None:
                part = {"type": "surl", "attrs": {"uid": templates.new_uid()}, "content": url}
                node.setdefault("content", []).append(part)
            part["content"] = url

        self.edit_node(index, fn, ("url", self._uid(index)))

    # -- tables -------------------------------------------------------------------------
    def _table_node(self, node: dict, item: int | None) -> dict:
        if item is None:
            return node
        items = items_of(node)
        if not 0 <= item < len(items):
            raise EditError(f"no item {item} in this block")
        return items[item]

    def rows(self, index: int, item: int | None = None) -> list[tuple[list[str], bool]]:
        return rows_of(self._table_node(self.block(index).node, item))

    def _edit_rows(self, index: int, item: int | None, fn, key: object = None) -> None:
        def edit(node: dict) -> None:
            tbl = table_of(self._table_node(node, item), create=True)
            assert tbl is not None  # create=True makes one
            fn(tbl["rows"])

        self.edit_node(index, edit, key)

    def _width(self, index: int, item: int | None) -> int:
        node = self.block(index).node
        if item is not None or node.get("type") == "assertions-table":
            return 4
        return 2

    def set_cell(self, index: int, row: int, col: int, value: str, item: int | None = None) -> None:
        def fn(rows: list) -> None:
            r = rows[row]
            cells = r.setdefault("row", [])
            while len(cells) <= col:
                cells.append("")
            cells[col] = value

        if self.rows(index, item)[row][0][col : col + 1] == [value]:
            return
        self._edit_rows(index, item, fn, ("cell", self._uid(index), item, row, col))

    def add_row(
        self,
        index: int,
        at: int | None = None,
        cells: list[str] | None = None,
        item: int | None = None,
    ) -> int:
        """Insert a row (empty by default) at ``at`` (default: the end); returns its index."""
        width = self._width(index, item)
        new = templates.row(*(cells if cells is not None else [""] * width))
        n = len(self.rows(index, item))
        pos = n if at is None else max(0, min(at, n))
        self._edit_rows(index, item, lambda rows: rows.insert(pos, new))
        return pos

    def delete_row(self, index: int, row: int, item: int | None = None) -> None:
        self._edit_rows(index, item, lambda rows: rows.pop(row))

    def move_row(self, index: int, row: int, new_row: int, item: int | None = None) -> None:
        n = len(self.rows(index, item))
        if not (0 <= row < n and 0 <= new_row < n) or row == new_row:
            return
        self._edit_rows(index, item, lambda rows: rows.insert(new_row, rows.pop(row)))

    def toggle_row(self, index: int, row: int, item: int | None = None) -> bool:
        """Disable an enabled row / enable a disabled one (Ctrl+/); returns the new state."""
        state = not self.rows(index, item)[row][1]

        def fn(rows: list) -> None:
            attrs = rows[row].get("attrs")
            if not isinstance(attrs, dict):
                attrs = rows[row]["attrs"] = {}
            attrs["disabled"] = state

        self._edit_rows(index, item, fn)
        return state

    # -- auth ---------------------------------------------------------------------------
    def auth_type(self, index: int) -> str:
        return _cell(self.block(index).attrs.get("authType") or "none")

    def set_auth_type(self, index: int, auth_type: str) -> None:
        """Change the auth type; rows become that type's, keeping values whose label matches."""
        block = self.block(index)
        try:
            from wsblock.document.views import Auth, view

            auth = view(block)
        except ImportError:  # pragma: no cover
            auth = None
        if auth is not None and isinstance(auth, Auth) and hasattr(auth, "with_auth_type"):
            new = auth.with_auth_type(auth_type)

            def replace(node: dict) -> None:
                node.clear()
                node.update(new)

            self.edit_node(index, replace)
            return
        old = {cells[0]: cells for cells, _d in self.rows(index) if cells}

        def fn(node: dict) -> None:
            node.setdefault("attrs", {})["authType"] = auth_type
            tbl = table_of(node, create=True)
            rows = []
            for label, default in templates.AUTH_ROWS.get(auth_type, []):
                cells = old.get(label)
                value = cells[1] if cells and len(cells) > 1 and cells[1] else default
                rows.append(templates.row(label, value))
            tbl["rows"] = rows  # type: ignore[index]

        self.edit_node(index, fn)

    # -- messages -----------------------------------------------------------------------
    def items(self, index: int) -> list[dict]:
        return copy.deepcopy(items_of(self.block(index).node))

    def set_item_attr(self, index: int, item: int, name: str, value) -> None:
        def fn(node: dict) -> None:
            it = items_of(node)[item]
            it.setdefault("attrs", {})[name] = value
            if name == "format" and value != "binary":
                it["attrs"].pop("encoding", None)

        self.edit_node(index, fn, ("attr", self._uid(index), item, name))

    def set_item_format(self, index: int, item: int, fmt: str, encoding: str = "base64") -> None:
        """A message's format (``binary`` with ``encoding`` hex or base64)."""

        def fn(node: dict) -> None:
            attrs = items_of(node)[item].setdefault("attrs", {})
            attrs["format"] = fmt
            if fmt == "binary" and encoding == "hex":
                attrs["encoding"] = "hex"
            else:
                attrs.pop("encoding", None)

        self.edit_node(index, fn)

    def set_item_content(self, index: int, item: int, content: str) -> None:
        def fn(node: dict) -> None:
            items_of(node)[item]["content"] = content

        self.edit_node(index, fn, ("content", self._uid(index), item))

    def add_item(self, index: int, kind: str = "message", at: int | None = None) -> int:
        """Add a ``socket-message`` (or ``socket-expect``); returns its index."""
        items = items_of(self.block(index).node)
        count = sum(1 for i in items if i.get("type") == f"socket-{kind}") + 1
        new = (
            templates.socket_message(f"message {count}")
            if kind == "message"
            else templates.socket_expect(f"expect {count}")
        )
        pos = len(items) if at is None else max(0, min(at, len(items)))

        def fn(node: dict) -> None:
            content = node.get("content")
            if not isinstance(content, list):
                content = node["content"] = []
            real = [i for i, x in enumerate(content) if isinstance(x, dict)]
            content.insert(real[pos] if pos < len(real) else len(content), new)

        self.edit_node(index, fn)
        return pos

    def delete_item(self, index: int, item: int) -> None:
        def fn(node: dict) -> None:
            node["content"].remove(items_of(node)[item])

        self.edit_node(index, fn)

    def move_item(self, index: int, item: int, new_item: int) -> None:
        n = len(items_of(self.block(index).node))
        if not (0 <= item < n and 0 <= new_item < n) or item == new_item:
            return

        def fn(node: dict) -> None:
            items = items_of(node)
            items.insert(new_item, items.pop(item))
            others = [x for x in node["content"] if not isinstance(x, dict)]
            node["content"] = items + others

        self.edit_node(index, fn)

    def append_message(
        self, number: int, name: str, fmt: str, content: str, encoding: str = "base64"
    ) -> int:
        """Add a saved message to request ``number`` (the composer's "Save to file").

        Appended to the request's last ``socket-messages`` block, or to a new one
        placed after the request's last block. Returns that block's index.
        """
        blocks = self.doc.blocks
        members = [i for i in range(len(blocks)) if self.request_index_at(i) == number]
        if not members:
            raise EditError(f"no request {number} in this document")
        item = templates.socket_message(name, fmt, content)
        if fmt == "binary" and encoding == "hex":
            item["attrs"]["encoding"] = "hex"
        target = next((i for i in reversed(members) if blocks[i].type == "socket-messages"), None)
        if target is not None:

            def fn(node: dict) -> None:
                if not isinstance(node.get("content"), list):
                    node["content"] = []
                node["content"].append(item)

            self.edit_node(target, fn)
            return target
        node = {"type": "socket-messages", "attrs": {"uid": templates.new_uid()}, "content": [item]}
        self.insert_block(members[-1] + 1, node)
        return members[-1] + 1

    # -- requests -----------------------------------------------------------------------
    def _specs(self) -> list | None:
        """The document layer's requests of the document (None if it cannot tell)."""
        try:
            from wsblock.document.requests import group_requests

            return list(group_requests(self.doc))
        except Exception:  # noqa: BLE001 - fall back to the format's rule below
            return None

    def request_index_at(self, block_index: int | None) -> int | None:
        """The 1-based number of the request block ``block_index`` belongs to, if any.

        A request is a head (``socket-request`` / ``request``, or a link to one) and
        the blocks after it up to the next head or ``request-separator``; numbered as
        ``wsblock.document.requests.group_requests`` numbers them.
        """
        if block_index is None:
            return None
        blocks = self.doc.blocks
        if not 0 <= block_index < len(blocks):
            return None
        target = blocks[block_index]
        specs = self._specs()
        if specs is not None:
            for spec in specs:
                if spec.head is target or any(b is target for b in spec.blocks):
                    return spec.index
            return None
        number, current = 0, None
        for i, block in enumerate(blocks):
            if block.type in HEADS:
                number += 1
                current = number
            elif block.type == SEPARATOR:
                current = None
            if i == block_index:
                return current
        return None

    def request_kind(self, number: int) -> str | None:
        """ "wss", "grpc" or "http" for request ``number``."""
        specs = self._specs()
        if specs is not None:
            return next((s.kind for s in specs if s.index == number), None)
        n = 0
        for block in self.doc.blocks:
            if block.type in HEADS:
                n += 1
                if n == number:
                    if block.type == "request":
                        return "http"
                    return "grpc" if method_of(block.node).upper().startswith("GRPC") else "wss"
        return None

    # -- files --------------------------------------------------------------------------
    def disk_changed(self) -> bool:
        """The file changed on disk since it was loaded or saved here."""
        return self.path is not None and not self._disk.same_as(self.path)

    def save(self, path: str | Path | None = None, *, force: bool = False) -> Path:
        """Write the file. ``NeedsName`` for an untitled document without ``path``;
        ``ChangedOnDisk`` if someone else changed it (``force=True`` overwrites)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise NeedsName("the document has no file name yet")
        same = self.path is not None and target.resolve() == self.path.resolve()
        if same and not force and self.disk_changed():
            raise ChangedOnDisk(target)
        if self.new and self.doc.front_matter is None and self.doc.blocks:
            self.doc.set_front_matter(
                {
                    "version": VOIDEN_VERSION,
                    "generatedBy": "wsblock",
                    "generatedAt": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
                    + f"{_dt.datetime.now(_dt.UTC).microsecond // 1000:03d}Z",
                }
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(target)
        self.path = target
        self.new = False
        self._saved_text = self.doc.dump()
        self._disk = DiskState.of(target)
        self._changed()
        return target

    def reload(self) -> None:
        """Read the file again (discarding unsaved edits; undo brings them back)."""
        if self.path is None:
            return
        try:
            text = self.path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            text = ""
        new_doc = Document.parse(text, path=self.path)  # DocumentError before anything changes
        self._record()
        self.doc = new_doc
        self._saved_text = text
        self._disk = DiskState.of(self.path)
        self._last_key = None
        self._changed()

    def keep_mine(self) -> None:
        """After a change on disk: keep these edits; the next save overwrites the file."""
        if self.path is None:
            return
        self._disk = DiskState.of(self.path)
        try:
            self._saved_text = self.path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            self._saved_text = ""
        self._changed()

    def __repr__(self) -> str:
        star = "*" if self.dirty else ""
        return f"<EditSession {self.title}{star} v{self.version}>"


def is_void_file(path: Path) -> bool:
    return path.suffix == ".void" and not path.name.startswith(".")


def void_files(folder: Path) -> list[Path]:
    """The ``.void`` files under ``folder`` (hidden folders skipped), sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        out += [Path(root) / f for f in sorted(files) if is_void_file(Path(f))]
    return out
