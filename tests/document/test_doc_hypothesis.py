"""Generated documents survive write -> read -> write, nodes intact."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsblock.document import Document
from wsblock.document import yamlread as yr
from wsblock.document import yamlstyle as ys
from wsblock.document.model import node_text

TRICKY = [
    '"',
    "'",
    ":",
    ": ",
    "#",
    " #",
    "-",
    "- ",
    "?",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "\\",
    "\n",
    "\n\n",
    "\t",
    " ",
    "  ",
    "---",
    "...",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "False",
    "null",
    "~",
    "1",
    "010",
    "0o17",
    "0x1F",
    "1.5",
    "-2e3",
    ".inf",
    "1_000",
    "2025-04-01",
    "12:30",
    "<<",
    "=",
    "é",
    "ü",
    "😀",
    "日本",
    "\u00a0",
    "\u2028",
    "\x85",
    "\r",
    "\r\n",
    "\x00",
    "\x1b",
    "\ufeff",
    "{{VAR}}",
    "wss://h/p?q=1#f",
    "```",
    "```void",
]
NUMBERS_AS_TEXT = st.from_regex(
    r"[-+]?(0|[1-9][0-9]{0,5})(\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?", fullmatch=True
)
PIECES = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=10),
    st.sampled_from(["word", "lorem ipsum", "Bearer", "abcdefghijklmnopqrstuvwxyz0123456789"]),
    NUMBERS_AS_TEXT,
)
TEXTS = st.builds(
    lambda parts, repeat: "".join(parts) * repeat,
    st.lists(PIECES, max_size=8),
    st.sampled_from([1, 1, 1, 2, 7]),
)
SCALARS = st.one_of(
    TEXTS,
    NUMBERS_AS_TEXT,
    st.booleans(),
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=True),
)
KEYS = st.one_of(
    st.sampled_from(["type", "attrs", "uid", "name", "content", "row", "rows", "disabled"]),
    TEXTS.filter(lambda s: len(s) < 40),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=16,
)
TYPES = st.one_of(
    st.sampled_from(["socket-request", "headers-table", "socket-messages", "x-custom"]),
    TEXTS.filter(bool),
)
NODES = st.fixed_dictionaries(
    {"type": TYPES, "attrs": st.dictionaries(KEYS, SCALARS, max_size=5)},
    optional={"content": VALUES},
)
# Prose lines that cannot open a fence (an unclosed one would make the rest prose).
PROSE_LINE = st.one_of(
    st.sampled_from(
        [
            "# Heading",
            "## *Emphasis* `code` 🚀",
            "",
            "---",
            "* item",
            "> quote",
            "prose text",
            '```json\n{"type": 1}\n```',
            "~~~\n```void\n~~~",
            "inline ```void here",
            "    ```void (indented code)",
            "Setext\n------",
        ]
    ),
    st.text(
        st.characters(blacklist_characters="\n\r`~", blacklist_categories=("Cs",)), max_size=40
    ),
)


def _normal(value: Any) -> Any:
    """What a value reads back as: JavaScript writes 2.0 as 2 (an int when read)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if value == 0 and math.copysign(1, value) < 0:
            return value  # -0 reads back as -0.0
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
            return int(Decimal(repr(value)))  # its shortest digits, as JavaScript writes them
        return value
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[dict]]:
    parts = ["# Title\n"]
    if draw(st.booleans()):
        fm = draw(st.dictionaries(KEYS, SCALARS, max_size=3))
        parts = ["---\n" + ys.dump(fm) + "---\n" if fm else "---\n---\n", *parts]
    nodes = draw(st.lists(NODES, max_size=5))
    for node in nodes:
        prose = draw(st.lists(PROSE_LINE, max_size=4))
        parts.append("".join(line + "\n" for line in prose))
        parts.append(node_text(node))
    if draw(st.booleans()):
        parts.append("closing prose\n")
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, nodes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_survive_write_read_write(doc: tuple[str, list[dict]]) -> None:
    text, nodes = doc
    parsed = Document.parse(text)
    assert len(parsed.blocks) == len(nodes)
    for block, node in zip(parsed.blocks, nodes, strict=True):
        assert _same(block.node, _normal(node)), (block.raw, node)
    assert parsed.dump() == text
    for block in parsed.blocks:
        block.set_node(block.node)  # write again from what was read
    assert parsed.dump() == text
    again = Document.parse(parsed.dump())
    assert [b.node for b in again.blocks] == [b.node for b in parsed.blocks]


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_any_value_reads_back_through_both_pyyaml_parsers(value: Any) -> None:
    text = ys.dump({"k": value})
    assert _same(ys.load(text), {"k": _normal(value)})
    # the pure-Python parser too (used when libyaml refuses valid YAML); raw DEL, U+2028...
    # are written as Voiden writes them and only ys.load() reads them (issue 10 item 11)
    if not yr._HAZARDS.search(text):
        assert _same(yaml.load(text, Loader=yr._PyLoader), {"k": _normal(value)})  # noqa: S506


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=4))
def test_voiden_mode_output_is_stable_through_a_round_trip(value: dict) -> None:
    """Strict mode writes what Voiden writes; reading it and writing again changes nothing
    (where eemeli/yaml itself reads back what it wrote)."""
    strict = ys.dump(value, yaml11_safe=False)
    try:
        back = ys.load(strict)
    except ys.YamlError:
        return
    if _same(back, _normal(value)):
        assert ys.dump(back, yaml11_safe=False) == strict
