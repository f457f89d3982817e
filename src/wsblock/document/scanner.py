"""Splitting a ``.void`` text into front matter, prose runs and ``void`` blocks.

The scan is one pass over the lines (linear in the size of the file). It only finds
where things are; :mod:`wsblock.document.model` turns the pieces into objects.

Rules, as Voiden writes files:

* Front matter: the file (after an optional BOM) starts with a ``---`` line and a
  later ``---`` (or ``...``) line closes it. Without a closing line there is no
  front matter: the text is prose.
* A block opens with a line that is exactly ```` ```void ```` (three or more
  backticks at column 0, trailing blanks allowed). The next line is ``---``, then
  the YAML, then a ``---`` line, then (after optional blank lines) the closing fence
  (at least as many backticks, indented at most 3 spaces).
* This project's own blocks are ```` ```yaml ```` fences whose top-level ``type:`` is
  ``socket-options`` or ``socket-messages`` (:mod:`wsblock.document.fences`).
* Prose may hold other fenced code blocks (```` ``` ````, ```` ~~~ ````, any info
  string, CommonMark rules): a ```` ```void ```` line inside one of them is prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DocumentError
from .fences import fenced_block

__all__ = ["RawBlock", "RawFrontMatter", "Scan", "scan"]

_VOID_OPEN = re.compile(r"(`{3,})void[ \t]*")
_FENCE_OPEN = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_DASHES = re.compile(r"---[ \t]*")
_FM_END = re.compile(r"(?:---|\.\.\.)[ \t]*")


@dataclass
class RawFrontMatter:
    """The front matter: ``text`` (with its ``---`` lines), ``body`` (the YAML)."""

    text: str
    body: str
    body_line: int


@dataclass
class RawBlock:
    """One ``void`` block as found: its exact text and where its parts are."""

    text: str
    line: int  # 1-based line of the opening fence
    body: str  # the YAML between the --- lines
    body_line: int  # 1-based line of the first YAML line
    newline: str  # "\n" or "\r\n": the ending of the opening fence line
    opener: str  # the opening fence line, without its ending
    closer: str  # the closing fence line, without its ending
    end: str  # the ending of the closing fence line ("" at the end of the file)


@dataclass
class Scan:
    front_matter: RawFrontMatter | None
    pieces: list[str | RawBlock]  # prose runs and blocks, in order, after the front matter
    newline: str  # the first line ending of the file ("\n" when there is none)


class _Lines:
    """The lines of a text, split at ``\\n`` only, with their offsets."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = find("\n", pos + 1)
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # no empty last line after a final newline
        if not text:
            self.starts = []
        self.count = len(self.starts)

    def end(self, i: int) -> int:
        """Offset just past line ``i`` (past its newline, if it has one)."""
        return self.starts[i + 1] if i + 1 < self.count else len(self.text)

    def content(self, i: int) -> str:
        """Line ``i`` without its ``\\n`` or ``\\r\\n``."""
        s = self.text[self.starts[i] : self.end(i)]
        if s.endswith("\n"):
            s = s[:-1]
            if s.endswith("\r"):
                s = s[:-1]
        return s

    def ending(self, i: int) -> str:
        s = self.text[self.starts[i] : self.end(i)]
        if s.endswith("\r\n"):
            return "\r\n"
        return "\n" if s.endswith("\n") else ""


def scan(text: str, path: str | Path | None = None, *, _bom: bool = True) -> Scan:
    """Find the front matter, the prose runs and the blocks of ``text``.

    Raises :class:`DocumentError` for a block that is not well formed (no ``---``
    after the fence, no closing ``---`` or fence).
    """
    if _bom and text.startswith("\ufeff"):  # a BOM: kept as text, the first line read without it
        inner = scan(text[1:], path, _bom=False)
        if inner.front_matter is not None:
            inner.front_matter.text = "\ufeff" + inner.front_matter.text
        elif inner.pieces and isinstance(inner.pieces[0], str):
            inner.pieces[0] = "\ufeff" + inner.pieces[0]
        else:
            inner.pieces.insert(0, "\ufeff")
        return inner
    lines = _Lines(text)
    newline = "\r\n" if lines.count and lines.ending(0) == "\r\n" else "\n"
    i = 0
    front: RawFrontMatter | None = None
    if lines.count:
        if _DASHES.fullmatch(lines.content(0)):
            for j in range(1, lines.count):
                if _FM_END.fullmatch(lines.content(j)):
                    end = lines.end(j)
                    front = RawFrontMatter(
                        text=text[:end],
                        body=text[lines.end(0) : lines.starts[j]],
                        body_line=2,
                    )
                    i = j + 1
                    break

    pieces: list[str | RawBlock] = []
    prose_start = lines.starts[i] if i < lines.count else len(text)
    fence: tuple[str, int] | None = None  # (char, length) of an open prose fence
    while i < lines.count:
        line = lines.content(i)
        if fence is not None:
            m = _FENCE_CLOSE.fullmatch(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1]:
                fence = None
            i += 1
            continue
        m = _VOID_OPEN.fullmatch(line)
        found: tuple[RawBlock, int] | None = (
            _block(lines, i, len(m.group(1)), path) if m else fenced_block(lines, i, RawBlock)
        )
        if found is not None:
            block, i_next = found
            start = lines.starts[i]
            if start > prose_start:
                pieces.append(text[prose_start:start])
            pieces.append(block)
            i = i_next
            prose_start = lines.starts[i] if i < lines.count else len(text)
            continue
        m = _FENCE_OPEN.fullmatch(line)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            fence = (m.group(2)[0], len(m.group(2)))
        i += 1
    if prose_start < len(text):
        pieces.append(text[prose_start:])
    return Scan(front, pieces, newline)


def _block(lines: _Lines, i: int, ticks: int, path: str | Path | None) -> tuple[RawBlock, int]:
    """The block whose opening fence is line ``i``, and the index of the line after it."""
    opener_line = i + 1
    if i + 1 >= lines.count:
        raise DocumentError(
            "unterminated ```void block: the file ends after the fence", path, opener_line
        )
    if not _DASHES.fullmatch(lines.content(i + 1)):
        raise DocumentError(
            f"a ```void block must start with a '---' line, found {_show(lines.content(i + 1))}",
            path,
            i + 2,
        )
    j = i + 2
    while True:
        if j >= lines.count:
            raise DocumentError(
                f"unterminated ```void block (opened at line {opener_line}): "
                "no closing '---' line and fence",
                path,
                opener_line,
            )
        line = lines.content(j)
        if _DASHES.fullmatch(line):
            break
        m = _FENCE_CLOSE.fullmatch(line)
        if m and line.startswith("`") and len(m.group(1)) >= ticks:
            raise DocumentError(
                f"the YAML of the ```void block opened at line {opener_line} "
                "has no closing '---' line before the fence",
                path,
                j + 1,
            )
        j += 1
    k = j + 1
    while True:
        if k >= lines.count:
            raise DocumentError(
                f"unterminated ```void block (opened at line {opener_line}): "
                f"no closing fence after the '---' at line {j + 1}",
                path,
                j + 1,
            )
        line = lines.content(k)
        m = _FENCE_CLOSE.fullmatch(line)
        if m and m.group(1)[0] == "`" and len(m.group(1)) >= ticks:
            break
        if line.strip():
            raise DocumentError(
                f"expected the closing fence of the ```void block opened at line {opener_line} "
                f"after its '---' at line {j + 1}, found {_show(line)}",
                path,
                k + 1,
            )
        k += 1
    text = lines.text
    block = RawBlock(
        text=text[lines.starts[i] : lines.end(k)],
        line=opener_line,
        body=text[lines.starts[i + 2] : lines.starts[j]],
        body_line=i + 3,
        newline=lines.ending(i) or "\n",
        opener=lines.content(i),
        closer=lines.content(k),
        end=lines.ending(k),
    )
    return block, k + 1


def _show(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 40 else line[:37] + "...") if line else "an empty line"
