"""The document: front matter, prose and blocks, read and written losslessly.

A :class:`Document` is a list of *segments*: text runs (the front matter, then
prose) and :class:`Block` objects, in file order. Writing it back concatenates
them: a block that was not edited is written as the exact text it was read from,
so loading and saving an unedited file gives the same bytes (CRLF line endings, a
missing final newline, a BOM, odd spacing: all kept). An edited block
(:meth:`Block.set_node`) is re-emitted alone, in Voiden's own YAML style
(:mod:`wsblock.document.yamlstyle`), with the line endings it had.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from . import fences
from .errors import DocumentError
from .readfile import read_bytes
from .scanner import RawBlock, scan
from .yamlread import YamlError, read_yaml

__all__ = ["Block", "Document", "FrontMatter", "check_node", "node_text"]


class FrontMatter(str):
    """The front matter segment (``---`` lines included): a ``str``, told apart by type."""


def check_node(node: Any) -> dict[str, Any]:
    """A deep copy of ``node`` if it can be a block node; ``ValueError`` if it cannot.

    (Values YAML cannot hold raise ``TypeError`` when the node is written.)
    """
    if not isinstance(node, Mapping):
        raise ValueError(f"a block node must be a mapping, got {type(node).__name__}")
    if not isinstance(node.get("type"), str) or not node["type"]:
        raise ValueError("a block node needs a non-empty string 'type'")
    return copy.deepcopy(dict(node))


def node_text(
    node: Mapping[str, Any],
    newline: str = "\n",
    opener: str = "```void",
    closer: str = "```",
    end: str | None = None,
) -> str:
    """The fenced text of a block node, as Voiden writes it.

    ``socket-options`` and ``socket-messages`` are written as YAML code fences, which
    Voiden shows and edits (:mod:`wsblock.document.fences`); other blocks as
    ```` ```void ```` blocks (``opener``/``closer`` kept when they are ``void`` fences).
    """
    from . import yamlstyle  # here: reading a file (`check`, `run`) starts without the writer

    if fences.is_fenced_type(node.get("type")):
        body = yamlstyle.dump(node)
        ticks = fences.fence_for(body)
        text = f"{ticks}{fences.LANGUAGE}\n{body}{ticks}"
    else:
        if fences.is_fence_opener(opener):
            opener, closer = "```void", "```"
        body = yamlstyle.dump(node)
        text = f"{opener}\n---\n{body}---\n{closer}"
    if newline != "\n":
        text = text.replace("\n", newline)
    return text + (newline if end is None else end)


class Block:
    """One ```` ```void ```` block: its node and its exact text.

    * ``type``, ``uid``: from the node (``uid`` is ``attrs.uid``, or None).
    * ``node``: the parsed YAML, a dict ``{type, attrs, content}``. Treat it as
      read-only: change a block with :meth:`set_node` (the views in
      :mod:`wsblock.document.views` build new nodes).
    * ``raw``: the block's exact text, fences included, as it will be written (as
      read, until :meth:`set_node` re-emits it).
    * ``line``: 1-based line of the opening fence in the document (kept current
      when the document is edited); ``body_line``: the line of its first YAML line.
    * ``source``: the file the block was read from (None for an unsaved text).
    """

    __slots__ = (
        "_node",
        "raw",
        "_line",
        "_body_line",
        "source",
        "edited",
        "_newline",
        "_opener",
        "_closer",
        "_end",
        "_doc",
    )

    def __init__(
        self,
        node: dict[str, Any],
        raw: str,
        *,
        line: int = 0,
        body_line: int = 0,
        source: Path | None = None,
        newline: str = "\n",
        opener: str = "```void",
        closer: str = "```",
        end: str | None = None,
    ) -> None:
        self._node = node
        self.raw = raw
        self._line = line
        self._body_line = body_line
        self.source = source
        self.edited = False
        self._newline = newline
        self._opener = opener
        self._closer = closer
        self._end = newline if end is None else end
        self._doc: Document | None = None

    @classmethod
    def from_node(
        cls, node: Mapping[str, Any], *, newline: str = "\n", source: Path | None = None
    ) -> Block:
        """A new block for ``node``, written in Voiden's style."""
        node = check_node(node)
        block = cls(
            node,
            node_text(node, newline),
            body_line=_body_offset(node),
            source=source,
            newline=newline,
        )
        block.edited = True
        return block

    @property
    def node(self) -> dict[str, Any]:
        return self._node

    # Line numbers are recomputed lazily, once after any number of edits (``fmt`` sets
    # every block of a file: one pass, not one per block).
    @property
    def line(self) -> int:
        if self._doc is not None and self._doc._stale:
            self._doc._renumber_now()
        return self._line

    @line.setter
    def line(self, value: int) -> None:
        self._line = value

    @property
    def body_line(self) -> int:
        if self._doc is not None and self._doc._stale:
            self._doc._renumber_now()
        return self._body_line

    @body_line.setter
    def body_line(self, value: int) -> None:
        self._body_line = value

    @property
    def type(self) -> str:
        return str(self._node["type"])

    @property
    def uid(self) -> str | None:
        attrs = self._node.get("attrs")
        uid = attrs.get("uid") if isinstance(attrs, Mapping) else None
        return uid if isinstance(uid, str) else None

    @property
    def attrs(self) -> dict[str, Any]:
        """``node["attrs"]``, or an empty dict."""
        attrs = self._node.get("attrs")
        return attrs if isinstance(attrs, dict) else {}

    def set_node(self, node: Mapping[str, Any]) -> None:
        """Replace the node; the block (and only it) is re-emitted in Voiden's style.

        ``node`` is copied. ``ValueError``/``TypeError`` if it is not a block node.
        """
        node = check_node(node)
        self.raw = node_text(node, self._newline, self._opener, self._closer, self._end)
        self._node = node
        # The offset; absolute lines are renumbered lazily.
        self._body_line = self._line + _body_offset(node)
        self.edited = True
        if self._doc is not None:
            self._doc._renumber()

    def __repr__(self) -> str:
        where = f"{self.source.name}:" if self.source else ""
        return f"<Block {self.type} uid={self.uid} at {where}{self.line}>"


class Document:
    """A ``.void`` file: front matter, prose runs and blocks (see the module docstring).

    Build one with :meth:`parse` or :meth:`load`; write it with :meth:`dump` or
    :meth:`save`. Edit blocks with :meth:`Block.set_node`, :meth:`insert_block`,
    :meth:`remove_block`, :meth:`move_block`, prose with :meth:`set_text` and
    :meth:`insert_text`, the front matter with :meth:`set_front_matter`.
    """

    def __init__(
        self,
        segments: list[str | Block],
        *,
        path: str | Path | None = None,
        newline: str = "\n",
        front_matter: dict[str, Any] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        #: The line ending of the file (the first one found), used for new blocks.
        self.newline = newline
        #: Problems that do not stop reading (front matter that is not a mapping...).
        self.warnings: list[str] = warnings or []
        self._segments = list(segments)
        self._front_matter = front_matter
        for seg in self._segments:
            if isinstance(seg, Block):
                seg._doc = self
        self._renumber()

    # -- reading ---------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, path: str | Path | None = None) -> Document:
        """Parse ``text``; ``path`` names the file in errors and becomes :attr:`path`.

        Raises :class:`DocumentError` (naming the file, the line and the problem)
        for a block that is not well formed, whose YAML does not parse, or that has
        no ``type``.
        """
        found = scan(text, path)
        source = Path(path) if path is not None else None
        segments: list[str | Block] = []
        front_matter: dict[str, Any] | None = None
        warnings: list[str] = []
        if found.front_matter is not None:
            fm = found.front_matter
            segments.append(FrontMatter(fm.text))
            try:
                data = read_yaml(fm.body)
            except YamlError as e:
                line = fm.body_line + e.line if e.line is not None else fm.body_line
                warnings.append(
                    f"{_place(path, line)}: front matter is not valid YAML: {e.problem}"
                )
            else:
                if isinstance(data, dict):
                    front_matter = data
                elif data is not None:
                    warnings.append(
                        f"{_place(path, 1)}: front matter is not a mapping; kept as text"
                    )
        for piece in found.pieces:
            if isinstance(piece, str):
                segments.append(piece)
            else:
                segments.append(_make_block(piece, path, source))
        return cls(
            segments, path=path, newline=found.newline, front_matter=front_matter, warnings=warnings
        )

    @classmethod
    def load(cls, path: str | Path) -> Document:
        """Read and parse the file at ``path`` (UTF-8; bytes kept exactly).

        ``OSError`` if it cannot be read (:class:`~.readfile.NotReadable` for anything but a
        regular file, or one over the size limit); :class:`DocumentError` if it is not UTF-8
        or not a well-formed ``.void`` file.
        """
        path = Path(path)
        data = read_bytes(path)  # a regular file only, with a size limit
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise DocumentError(f"not UTF-8 text (byte {e.start})", path, line) from None
        return cls.parse(text, path)

    # -- writing ---------------------------------------------------------------------

    def dump(self) -> str:
        """The whole text; byte-identical to what was read when nothing was edited."""
        out: list[str] = []
        for _seg, text, needs_break in self._texts():
            if needs_break:
                out.append(self.newline)  # a block (or the front matter) starts and ends a line
            out.append(text)
        return "".join(out)

    def _texts(self) -> Iterator[tuple[str | Block, str, bool]]:
        """Each non-empty segment, its text, and whether a line break must go before it."""
        last = ""
        last_whole_lines = False  # a block or the front matter: what follows starts a line
        bom_only = False  # all so far is the file's BOM: no line is open yet
        for seg in self._segments:
            text = seg.raw if isinstance(seg, Block) else seg
            if not text:
                continue
            whole_lines = isinstance(seg, (Block, FrontMatter))
            line_open = bool(last) and not last.endswith("\n") and not bom_only
            yield seg, text, line_open and (whole_lines or last_whole_lines)
            bom_only = not last and text == "\ufeff"
            last, last_whole_lines = text, whole_lines

    def save(self, path: str | Path | None = None) -> Path:
        """Write :meth:`dump` to ``path`` (default: :attr:`path`) atomically; return it."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the document has no path: give one to save()")
        data = self.dump().encode("utf-8")
        real = Path(os.path.realpath(target))  # through a symlink: the link stays a link
        import tempfile  # here: reading a file (`wsblock check`, `run`) starts without it

        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            try:
                os.chmod(tmp, real.stat().st_mode & 0o7777)
            except FileNotFoundError:
                os.chmod(tmp, 0o666 & ~_UMASK)
            os.replace(tmp, real)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        self.path = target
        for seg in self._segments:
            if isinstance(seg, Block) and seg.source is None:
                seg.source = target
        return target

    # -- what it holds -----------------------------------------------------------------

    @property
    def segments(self) -> list[str | Block]:
        """Text runs and blocks, in order (a new list; the items are the live ones).

        The front matter, when there is one, is the first segment, a
        :class:`FrontMatter` (a ``str``).
        """
        return list(self._segments)

    @property
    def blocks(self) -> list[Block]:
        """The blocks, in order."""
        return [s for s in self._segments if isinstance(s, Block)]

    @property
    def front_matter(self) -> dict[str, Any] | None:
        """The parsed front matter (None when there is none, or it is not a mapping)."""
        return self._front_matter

    def find(self, uid: str) -> Block | None:
        """The block whose ``attrs.uid`` is ``uid``, or None."""
        for seg in self._segments:
            if isinstance(seg, Block) and seg.uid == uid:
                return seg
        return None

    def index(self, block: Block) -> int:
        """The position of ``block`` in :attr:`blocks` (``ValueError`` if not there)."""
        for n, b in enumerate(self.blocks):
            if b is block:
                return n
        raise ValueError(f"{block!r} is not in this document")

    # -- editing blocks --------------------------------------------------------------

    def insert_block(self, index: int, node: Mapping[str, Any]) -> Block:
        """Insert a new block for ``node`` so that it becomes ``blocks[index]``.

        It is placed in the text right after the block it follows (``blocks[index -
        1]``), or right before the first block for index 0 (at the end of an empty
        document). Negative indexes count from the end, as for ``list.insert``.
        Returns the new :class:`Block`.
        """
        block = Block.from_node(node, newline=self.newline, source=self.path)
        self._place_block(block, index)
        return block

    def remove_block(self, block: Block) -> None:
        """Remove ``block`` (the prose around it stays)."""
        self._segments.pop(self._segment_index(block))
        block._doc = None
        self._renumber()

    def move_block(self, block: Block, new_index: int) -> None:
        """Move ``block`` so that it becomes ``blocks[new_index]`` (placed as by :meth:`insert_block`).

        Moving a block to the index it has changes nothing.
        """
        n = len(self.blocks)
        target = max(0, n + new_index) if new_index < 0 else min(new_index, n - 1)
        if self.index(block) == target:
            return
        self._segments.pop(self._segment_index(block))
        self._place_block(block, new_index)

    def _place_block(self, block: Block, index: int) -> None:
        blocks = self.blocks
        n = len(blocks)
        if index < 0:
            index = max(0, n + index)
        index = min(index, n)
        if n == 0:
            pos = len(self._segments)
        elif index == 0:
            pos = self._segment_index(blocks[0])
        else:
            pos = self._segment_index(blocks[index - 1]) + 1
        self._segments.insert(pos, block)
        block._doc = self
        self._renumber()

    def _segment_index(self, block: Block) -> int:
        for n, seg in enumerate(self._segments):
            if seg is block:
                return n
        raise ValueError(f"{block!r} is not in this document")

    # -- editing prose ---------------------------------------------------------------

    def insert_text(self, index: int, text: str) -> None:
        """Insert a prose run at ``segments[index]``.

        Prose is kept as given; a block placed after prose that does not end with a
        newline starts on a new line when written. (Prose that holds a ```` ```void
        ```` fence line becomes a block when the file is read again.)
        """
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        if index < 0:
            index = max(0, len(self._segments) + index)
        if index == 0 and self._segments and isinstance(self._segments[0], FrontMatter):
            index = 1  # nothing goes before the front matter
        self._segments.insert(min(index, len(self._segments)), str(text))
        self._renumber()

    def set_text(self, segment_index: int, text: str) -> None:
        """Replace the prose run at ``segments[segment_index]``.

        ``TypeError`` if that segment is a block; ``ValueError`` for the front
        matter (use :meth:`set_front_matter`).
        """
        seg = self._segments[segment_index]
        if isinstance(seg, Block):
            raise TypeError(f"segment {segment_index} is a block, not text")
        if isinstance(seg, FrontMatter):
            raise ValueError("segment 0 is the front matter: use set_front_matter()")
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        self._segments[segment_index] = str(text)
        self._renumber()

    def remove_text(self, segment_index: int) -> None:
        """Remove the prose run at ``segments[segment_index]``."""
        seg = self._segments[segment_index]
        if isinstance(seg, Block) or isinstance(seg, FrontMatter):
            raise TypeError(f"segment {segment_index} is not a prose run")
        del self._segments[segment_index]
        self._renumber()

    def set_front_matter(self, data: Mapping[str, Any] | None) -> None:
        """Replace the front matter with ``data`` written in Voiden's style (None removes it)."""
        has = bool(self._segments) and isinstance(self._segments[0], FrontMatter)
        if data is None:
            if has:
                del self._segments[0]
            self._front_matter = None
        else:
            from . import yamlstyle  # the writer, imported when something is written

            data = copy.deepcopy(dict(data))
            text = "---\n" + yamlstyle.dump(data) + "---\n"
            if self.newline != "\n":
                text = text.replace("\n", self.newline)
            if has:
                self._segments[0] = FrontMatter(text)
            else:
                self._segments.insert(0, FrontMatter(text))
            self._front_matter = data
        self._renumber()

    # -- internals -------------------------------------------------------------------

    def _renumber(self) -> None:
        """Every block's line is to be recomputed (after an edit): lazily, on the next read."""
        self._stale = True

    def _renumber_now(self) -> None:
        """Recompute every block's line (after an edit changed line counts)."""
        self._stale = False
        line = 1
        for seg, text, needs_break in self._texts():
            if needs_break:
                line += 1  # dump() starts a new line here
            if isinstance(seg, Block):
                offset = seg._body_line - seg._line
                seg._line = line
                seg._body_line = line + offset
            line += text.count("\n")

    def __repr__(self) -> str:
        return f"<Document {self.path or '<unsaved>'}: {len(self.blocks)} blocks>"


def _body_offset(node: Mapping[str, Any]) -> int:
    """Lines from a block's opening fence to its first YAML line (1 for a YAML fence, 2 after ``---``)."""
    return 1 if fences.is_fenced_type(node.get("type")) else 2


def _place(path: str | Path | None, line: int) -> str:
    return f"{path if path is not None else '<unsaved>'}:{line}"


def _make_block(raw: RawBlock, path: str | Path | None, source: Path | None) -> Block:
    """A :class:`Block` from a scanned block; :class:`DocumentError` if its YAML is bad."""
    where = f"the ```void block at line {raw.line}"
    try:
        node = read_yaml(raw.body)
    except YamlError as e:
        line = raw.body_line + e.line if e.line is not None else raw.line
        column = f" (column {e.column + 1})" if e.column is not None else ""
        raise DocumentError(f"invalid YAML in {where}: {e.problem}{column}", path, line) from None
    if node is None:
        raise DocumentError(f"{where} is empty: no YAML between its '---' lines", path, raw.line)
    if not isinstance(node, dict):
        raise DocumentError(
            f"{where} must hold a mapping {{type, attrs, content}}, not a {_kind(node)}",
            path,
            raw.body_line,
        )
    if "type" not in node:
        raise DocumentError(f"{where} has no 'type'", path, raw.body_line)
    if not isinstance(node["type"], str) or not node["type"]:
        raise DocumentError(
            f"the 'type' of {where} must be a non-empty string", path, raw.body_line
        )
    return Block(
        node,
        raw.text,
        line=raw.line,
        body_line=raw.body_line,
        source=source,
        newline=raw.newline,
        opener=raw.opener,
        closer=raw.closer,
        end=raw.end,
    )


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # once, at import: os.umask() cannot be read without setting it
