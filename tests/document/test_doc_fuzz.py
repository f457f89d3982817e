"""Issue 8 "Done when": a fuzz test of Document.parse + dump + every view.

Hostile documents (broken fences, YAML tags, anchors and aliases, deep nesting, BOMs,
odd line endings, nodes of every block type with contents of the wrong shape) go
through ``Document.parse``, ``dump``, every property of every view, ``group_requests``
and a ``fmt`` pass (``set_node`` on every block). The only error allowed is the
documented one: :class:`DocumentError` from ``parse``. Everything else must hold:
``dump()`` gives back the text, and an ``fmt`` pass gives a document that reads back
to the same nodes.

Bounded in time for ``make test``: a fixed number of examples, no deadline per example.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsblock.document import Document, DocumentError
from wsblock.document import yamlstyle as ys
from wsblock.document.requests import group_requests
from wsblock.document.views import _VIEWS, BlockView, SocketMessages, view

BLOCK_TYPES = [*sorted(_VIEWS), "socket-message", "socket-expect", "table", "x-custom", ""]
ATTR_KEYS = [
    "uid",
    "url",
    "method",
    "name",
    "format",
    "encoding",
    "timeout",
    "disabled",
    "authType",
    "blockUid",
    "originalFile",
    "label",
    "colorIndex",
    "add_to",
    "in",
    "content",
    "rows",
    "row",
]
SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "WSS",
            "GRPCS",
            "bearer",
            "basic",
            "apiKey",
            "json",
            "xml",
            "binary",
            "hex",
            "ws://h/",
            "{{X}}",
            "on",
            "010",
            "1:30",
            "-1",
            "nan",
            "\ufeff",
            "\x00",
            "\u2028",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(ATTR_KEYS + ["type", "attrs"]), inner, max_size=4)
        | st.fixed_dictionaries(
            {
                "type": st.sampled_from(BLOCK_TYPES),
                "attrs": st.dictionaries(st.sampled_from(ATTR_KEYS), inner, max_size=4),
            },
            optional={"content": inner, "rows": inner},
        )
    ),
    max_leaves=20,
)
NODES = st.fixed_dictionaries(
    {"type": st.sampled_from(BLOCK_TYPES[:-1])},
    optional={
        "attrs": st.one_of(st.dictionaries(st.sampled_from(ATTR_KEYS), VALUES, max_size=5), VALUES),
        "content": VALUES,
    },
)
# Raw YAML bodies: hostile fragments, as a user or an attacker might type them.
YAML_BITS = [
    "type: x\n",
    "type: socket-request\n",
    "attrs:\n",
    "  uid: a\n",
    "content:\n",
    "  - ",
    "- ",
    "a: ",
    "&a ",
    "*a ",
    "&b [1, 2]\n",
    "*b\n",
    "!!binary aGk=\n",
    "!!set {a}\n",
    "!!timestamp 2025-01-01\n",
    "!!python/object:os.system {}\n",
    "!x ",
    "[" * 200,
    "]" * 200,
    "{" * 50,
    "? ",
    ": ",
    "\t",
    "'",
    '"',
    "|\n",
    ">-\n",
    "  ",
    "\n",
    "#c\n",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "<<: *a\n",
    "\ufeff",
    "\r\n",
    "\x00",
    "0123",
    "on",
    "~",
    "\u2028",
]
RAW_BODIES = st.lists(st.sampled_from(YAML_BITS), max_size=12).map("".join)
PROSE = st.one_of(
    st.sampled_from(
        [
            "# Title\n",
            "text\n",
            "\n",
            "```\n",
            "```void\n",
            "~~~\n",
            "---\n",
            "```json\n{}\n```\n",
            "\ufeff",
            "\r\n",
            "    ```void\n",
            "````void\n",
            "```void \n---\n",
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def hostile_documents(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append("\ufeff")
    if draw(st.booleans()):
        parts.append("---\n" + draw(st.one_of(RAW_BODIES, st.just("a: on\n"))) + "---\n")
    for _ in range(draw(st.integers(0, 5))):
        parts.append(draw(PROSE))
        if draw(st.integers(0, 3)) == 0:
            body = draw(RAW_BODIES)
        else:
            body = ys.dump(draw(NODES))
        parts.append(
            draw(st.sampled_from(["```void\n", "````void\n", "```void  \n"]))
            + "---\n"
            + body
            + draw(st.sampled_from(["---\n```\n", "---\n````\n", "---\n", "```\n", "---\n\n```"]))
        )
    text = "".join(parts)
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def _touch(obj: Any) -> None:
    """Read every property of a view (and of the items of a socket-messages view)."""
    for name in dir(type(obj)):
        if isinstance(getattr(type(obj), name, None), property):
            value = getattr(obj, name)
            if isinstance(value, list):
                for item in value:
                    if hasattr(item, "cells"):
                        _ = [item.cell(i) for i in range(len(item.cells) + 1)]
                    elif not isinstance(item, (str, tuple)):
                        _touch(item)


def _exercise(text: str) -> None:
    try:
        doc = Document.parse(text, path="fuzz.void")
    except DocumentError as e:
        assert str(e).startswith("fuzz.void")  # the documented error, with its place
        return
    assert doc.dump() == text
    for block in doc.blocks:
        v = view(block)
        assert isinstance(v, BlockView)
        _touch(v)
        if isinstance(v, SocketMessages):
            for item in v.items:
                _touch(item)
        assert isinstance(block.line, int) and block.line >= 1
    group_requests(doc)
    before = [b.node for b in doc.blocks]
    for block in doc.blocks:  # what `wsblock fmt` does
        block.set_node(block.node)
    again = Document.parse(doc.dump())
    assert len(again.blocks) == len(before)
    assert [b.type for b in again.blocks] == [n["type"] for n in before]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_documents())
def test_hostile_documents_raise_only_document_error(text: str) -> None:
    _exercise(text)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_any_text_raises_only_document_error(text: str) -> None:
    _exercise(text)
