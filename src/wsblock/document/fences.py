"""How this project's own blocks are written so that Voiden shows them: YAML code fences.

Voiden turns a ```` ```void ```` block of a type it does not know into a code block
whose editor shows an *empty* body (and takes the focus; typing there replaces the
whole block on the next save). A plain Markdown code fence, on the other hand, is
Voiden's ``codeBlock`` node: its editor shows the fence's text (with YAML
highlighting for ```` ```yaml ````), lets the user edit it, and a save writes it back
as ```` ```yaml ```` + the text + ```` ``` ````. So ``socket-options`` and
``socket-messages`` are written as::

    ```yaml
    type: socket-options
    attrs:
      uid: 5b1e...
    content:
      - type: table
        ...
    ```

the same node YAML as a ```` ```void ```` block, without the ``---`` lines. A
```` ```yaml ```` fence is one of our blocks when a top-level line of it is ``type:
socket-options`` or ``type: socket-messages`` (Voiden's writer puts it first); any
other YAML fence is prose.

This is a serialization concern only: the parsed :class:`~wsblock.document.Block`
has the same node (``{type, attrs, content}``) in both forms, so the views and the
editor read and edit it the same way. The old form (```` ```void ```` + ``---``) is
still read; an edited block (and ``wsblock fmt``) is written in the new form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "FENCED_TYPES",
    "LANGUAGE",
    "OPENER",
    "fenced_block",
    "is_fenced_type",
    "is_fence_opener",
]

#: The block types this project adds, written as YAML code fences.
FENCED_TYPES: tuple[str, ...] = ("socket-options", "socket-messages")
#: The fence's language: Voiden's code block offers it (highlighted, "YAML" in its picker).
LANGUAGE = "yaml"
OPENER = "```" + LANGUAGE

_OPEN = re.compile(r"(`{3,})yaml[ \t]*")
_TYPE_LINE = re.compile(r"type:[ \t]+([\"']?)(socket-options|socket-messages)\1[ \t]*(?:#.*)?")
_CLOSE = re.compile(r" {0,3}(`{3,})[ \t]*")


def is_fenced_type(type_: Any) -> bool:
    """True for the block types written as YAML code fences."""
    return type_ in FENCED_TYPES


def is_fence_opener(opener: str) -> bool:
    """True when ``opener`` (a fence line) opens a YAML code fence rather than a ``void`` block."""
    return _OPEN.fullmatch(opener) is not None


def fenced_block(lines: Any, i: int, make: Callable[..., Any]) -> tuple[Any, int] | None:
    """The block whose ```` ```yaml ```` fence opens at line ``i``, and the line after it.

    ``lines`` is the scanner's line index, ``make`` its ``RawBlock`` (passed in, so
    that this module does not import the scanner).

    None when line ``i`` is not such a fence, when no top-level ``type:`` line of it
    names one of :data:`FENCED_TYPES`, or when the fence is never closed (then it is prose, as
    CommonMark reads it: an unclosed fence runs to the end of the file).
    """
    m = _OPEN.fullmatch(lines.content(i))
    if m is None:
        return None
    ticks = len(m.group(1))
    ours = False
    k = i + 1
    while k < lines.count:
        line = lines.content(k)
        c = _CLOSE.fullmatch(line)
        if c is not None and len(c.group(1)) >= ticks:
            break
        ours = ours or (line[:5] == "type:" and _TYPE_LINE.fullmatch(line) is not None)
        k += 1
    else:
        return None
    if not ours:
        return None
    text = lines.text
    block = make(
        text=text[lines.starts[i] : lines.end(k)],
        line=i + 1,
        body=text[lines.starts[i + 1] : lines.starts[k]],
        body_line=i + 2,
        newline=lines.ending(i) or "\n",
        opener=lines.content(i),
        closer=lines.content(k),
        end=lines.ending(k),
    )
    return block, k + 1


def fence_for(body: str) -> str:
    """The backticks of a fence around ``body``: three, or more than any run of them at a line start."""
    longest = 2
    for line in body.split("\n"):
        m = re.match(r" {0,3}(`{3,})", line)
        if m:
            longest = max(longest, len(m.group(1)))
    return "`" * (longest + 1)
