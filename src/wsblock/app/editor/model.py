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

import datetime as _dt
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from wsblock.document import Block, Document, views
from wsblock.document.model import FrontMatter

from .slash import SLASH_BY_NAME, SlashItem

HEADS = ("socket-request", "request")
SEPARATOR = "request-separator"
TABLE_TYPES = ("headers-table", "query-table", "auth", "socket-options", "assertions-table")
FORMATS = ("text", "json", "xml", "binary")
#: Front matter of a file first saved here (as Voiden writes it: version, who, when).
VOIDEN_VERSION = "0.20.1"

_V = TypeVar("_V", bound=views.BlockView)


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
    def unsaved(cls, text: str) -> EditSession:
        """An untitled document holding ``text`` that was never saved (an import's
        output): unsaved changes until Ctrl+S names it, so closing it asks first."""
        session = cls.untitled()
        session.doc = Document.parse(text)
        return session

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

    def insert_at_line(self, k: int, line: int, item: str | SlashItem) -> int | None:
        """The slash menu: line ``line`` of gap ``k`` (the ``/...`` line) becomes ``item``.

        A block item splits the gap there: the lines above stay before the new block,
        those below go after it; returns the new block's index. A heading item
        replaces the line with its prefix; returns None.
        """
        if isinstance(item, str):
            item = SLASH_BY_NAME[item]
        lines = self.prose(k).split("\n")
        if not 0 <= line < len(lines):
            raise EditError(f"gap {k} has no line {line}")
        if item.action == "heading":
            lines[line] = item.prefix
            self.set_prose(k, "\n".join(lines))
            self.break_coalescing()
            return None
        node = views.new_block(item.name)
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
        node = views.with_fresh_uids(self.block(index).node)
        return self.insert_block(index + 1, node)

    # Every edit of a block goes through the document layer's views: a view reads the
    # block (what the editor shows is what `run` sends) and returns the edited node;
    # `_put` writes it (what is saved is what the views write, Voiden's shapes).
    def _put(self, index: int, node: dict, key: object = None) -> None:
        """Block ``index`` becomes ``node`` (one undo step, shared by edits of one ``key``)."""
        block = self.block(index)
        if node == block.node:
            return
        self._record(key)
        block.set_node(node)
        self._changed()

    def _uid(self, index: int) -> object:
        block = self.block(index)
        return block.uid or id(block)

    def view(self, index: int) -> views.BlockView:
        """The document layer's view of block ``index``."""
        return views.view(self.block(index))

    def _of(self, index: int, cls: type[_V]) -> _V:
        v = self.view(index)
        if not isinstance(v, cls):
            raise EditError(f"block {index} is a {v.type}, not a {cls.TYPE}")
        return v

    # -- socket-request -----------------------------------------------------------------
    def url(self, index: int) -> str:
        return self._of(index, views.SocketRequest).url

    def method(self, index: int) -> str:
        return self._of(index, views.SocketRequest).method

    def set_url(self, index: int, url: str) -> None:
        self._put(
            index, self._of(index, views.SocketRequest).with_url(url), ("url", self._uid(index))
        )

    # -- tables (a table block, or item ``item`` of a socket-messages block) -------------
    def _table(self, index: int, item: int | None) -> views.TableView:
        if item is None:
            v = self.view(index)
            if not isinstance(v, views.TableView):
                raise EditError(f"block {index} ({v.type}) has no table")
            return v
        it = self._item(index, item)
        if not isinstance(it, views.SocketExpect):
            raise EditError(f"item {item} of block {index} has no table")
        return it

    def _put_table(self, index: int, item: int | None, node: dict, key: object = None) -> None:
        if item is not None:
            node = self._messages(index).replace_item(self._item(index, item).index, node)
        self._put(index, node, key)

    def rows(self, index: int, item: int | None = None) -> list[tuple[list[str], bool]]:
        """``(cells, disabled)`` of each row, as the document layer reads them."""
        return [(list(r.cells), r.disabled) for r in self._table(index, item).rows]

    def set_cell(self, index: int, row: int, col: int, value: str, item: int | None = None) -> None:
        table = self._table(index, item)
        if table.rows[row].cell(col) == value:
            return
        key = ("cell", self._uid(index), item, row, col)
        self._put_table(index, item, table.set_cell(row, col, value), key)

    def add_row(
        self,
        index: int,
        at: int | None = None,
        cells: list[str] | None = None,
        item: int | None = None,
    ) -> int:
        """Insert a row (empty by default) at ``at`` (default: the end); returns its index."""
        table = self._table(index, item)
        n = len(table.rows)
        pos = n if at is None else max(0, min(at, n))
        self._put_table(index, item, table.add_row(cells or (), at=pos))
        return pos

    def delete_row(self, index: int, row: int, item: int | None = None) -> None:
        self._put_table(index, item, self._table(index, item).delete_row(row))

    def move_row(self, index: int, row: int, new_row: int, item: int | None = None) -> None:
        table = self._table(index, item)
        n = len(table.rows)
        if not (0 <= row < n and 0 <= new_row < n) or row == new_row:
            return
        self._put_table(index, item, table.move_row(row, new_row))

    def toggle_row(self, index: int, row: int, item: int | None = None) -> bool:
        """Disable an enabled row / enable a disabled one (Ctrl+/); returns the new state."""
        table = self._table(index, item)
        state = not table.rows[row].disabled
        self._put_table(index, item, table.set_disabled(row, state))
        return state

    # -- auth ---------------------------------------------------------------------------
    def auth_type(self, index: int) -> str:
        """``bearer``, ``basic``, ``apiKey``, ``none``, or ``inherit`` (no type written)."""
        return self._of(index, views.Auth).auth_type

    def set_auth_type(self, index: int, auth_type: str) -> None:
        """Change the auth type; rows become that type's, keeping values whose label matches."""
        self._put(index, self._of(index, views.Auth).with_auth_type(auth_type))

    # -- messages -----------------------------------------------------------------------
    def _messages(self, index: int) -> views.SocketMessages:
        return self._of(index, views.SocketMessages)

    def items(self, index: int) -> list[views.Item]:
        """The items of a ``socket-messages`` block, as the document layer reads them."""
        return self._messages(index).items

    def _item(self, index: int, item: int) -> views.Item:
        items = self.items(index)
        if not 0 <= item < len(items):
            raise EditError(f"no item {item} in block {index}")
        return items[item]

    def _put_item(self, index: int, item: int, node: dict, key: object = None) -> None:
        at = self._item(index, item).index
        self._put(index, self._messages(index).replace_item(at, node), key)

    def set_item_attr(self, index: int, item: int, name: str, value: object) -> None:
        it = self._item(index, item)
        node = it.with_attrs(**{name: value})
        if name == "format" and value != "binary":
            node["attrs"].pop("encoding", None)
        self._put_item(index, item, node, ("attr", self._uid(index), item, name))

    def set_item_option(self, index: int, item: int, name: str, value: str | bool) -> None:
        """A message's optional attribute (``ack``, ``variables``, ``operation``): set, or
        taken out when ``value`` is False or empty, so that an unset option leaves no trace.
        Unchanged (as the document views read it): the node is not touched."""
        it = self._item(index, item)
        if not isinstance(it, views.SocketMessage):
            raise EditError(f"item {item} of block {index} is not a message")
        current = {"ack": it.ack, "variables": it.variables, "operation": it.operation}
        if name in current and current[name] == value:
            return
        node = it.with_attrs()
        if value is False or value == "":
            node["attrs"].pop(name, None)
        else:
            node["attrs"][name] = value
        self._put_item(index, item, node, ("attr", self._uid(index), item, name))

    def set_item_format(self, index: int, item: int, fmt: str, encoding: str = "base64") -> None:
        """A message's format (``binary`` with ``encoding`` hex or base64)."""
        node = self._item(index, item).with_attrs(format=fmt)
        if fmt == "binary" and encoding == "hex":
            node["attrs"]["encoding"] = "hex"
        else:
            node["attrs"].pop("encoding", None)
        self._put_item(index, item, node)

    def set_item_content(self, index: int, item: int, content: str) -> None:
        it = self._item(index, item)
        if not isinstance(it, views.SocketMessage):
            raise EditError(f"item {item} of block {index} is not a message")
        if it.content == content:
            return
        self._put_item(index, item, it.with_content(content), ("content", self._uid(index), item))

    def add_item(self, index: int, kind: str = "message", at: int | None = None) -> int:
        """Add a ``socket-message`` (``text``, empty) or a ``socket-expect`` (one empty
        row), as the document layer makes them; returns its item index."""
        messages = self._messages(index)
        items = messages.items
        count = sum(1 for i in items if i.type == f"socket-{kind}") + 1
        pos = len(items) if at is None else max(0, min(at, len(items)))
        where = items[pos].index if pos < len(items) else None
        if kind == "message":
            node = messages.add_message(f"message {count}", at=where)
        else:
            node = messages.add_expect(f"expect {count}", at=where)
        self._put(index, node)
        return pos

    def delete_item(self, index: int, item: int) -> None:
        at = self._item(index, item).index
        self._put(index, self._messages(index).delete_item(at))

    def move_item(self, index: int, item: int, new_item: int) -> None:
        items = self.items(index)
        n = len(items)
        if not (0 <= item < n and 0 <= new_item < n) or item == new_item:
            return
        self._put(index, self._messages(index).move_item(items[item].index, items[new_item].index))

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
        item = views.new_message(
            name, fmt, content, encoding="hex" if fmt == "binary" and encoding == "hex" else None
        )
        target = next((i for i in reversed(members) if blocks[i].type == "socket-messages"), None)
        if target is not None:
            self._put(target, self._messages(target).insert_item(None, item))
            return target
        node = views.new_block("messages")
        node["content"] = [item]
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
                    v = views.view(block)
                    return "grpc" if isinstance(v, views.SocketRequest) and v.is_grpc else "wss"
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
