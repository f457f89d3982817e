"""Issue 8 item 5: ``fmt`` (set_node on every block, then dump) is linear in the blocks.

A complexity check, not a speed target (``bench/fmt_bench.py`` measures): the line
numbers are recomputed once after any number of edits, not once per edit.
"""

from __future__ import annotations

import time

from wsblock.document import Document
from wsblock.document.model import Document as ModelDocument

BLOCK = "```void\n---\ntype: x\nattrs:\n  uid: 'u{n}'\n---\n```\n\nprose {n}\n\n"


def _fmt(n: int) -> Document:
    doc = Document.parse("".join(BLOCK.format(n=i) for i in range(n)))
    for block in doc.blocks:
        block.set_node(block.node)
    doc.dump()
    return doc


def test_lines_are_renumbered_once_for_any_number_of_edits(monkeypatch) -> None:
    calls = []
    real = ModelDocument._renumber_now
    monkeypatch.setattr(
        ModelDocument, "_renumber_now", lambda self: (calls.append(1), real(self))[1]
    )
    for n in (500, 2000):
        calls.clear()
        doc = _fmt(n)
        lines = [b.line for b in doc.blocks]  # reading every line after the edits
        assert len(calls) == 1, (n, len(calls))
        assert lines == [1 + 10 * i for i in range(n)] and doc.blocks[-1].body_line == lines[-1] + 2


def test_line_numbers_stay_right_after_edits() -> None:
    doc = Document.parse(BLOCK.format(n=0) + BLOCK.format(n=1))
    doc.blocks[0].set_node({"type": "x", "attrs": {"uid": "u0", "more": "a\nb\nc"}})
    first_len = doc.blocks[0].raw.count("\n")
    assert doc.blocks[1].line == 1 + first_len + 3
    assert Document.parse(doc.dump()).blocks[1].line == doc.blocks[1].line


def test_fmt_time_grows_linearly() -> None:
    """N and 4N blocks: 4N may take at most ~2x of 4 times as long (quadratic would be 16x)."""

    def took(n: int) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            _fmt(n)
            best = min(best, time.process_time() - start)
        return best

    small, large = took(500), took(2000)
    assert large < 8 * small + 0.05, (small, large)
