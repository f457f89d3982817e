"""Parsing is linear: a 10k-line file is quick, and twice the file takes about twice the time."""

from __future__ import annotations

import time

from doc_samples import FIXTURES

from wsblock.document import Document
from wsblock.document.requests import group_requests


def _big(lines: int) -> str:
    """A file of about ``lines`` lines: many requests with prose between them."""
    unit = (FIXTURES / "multi.void").read_text().split("---\n\n", 1)[1] + "\n\n"
    text = "---\nversion: 0.20.1\n---\n\n"
    count = unit.count("\n")
    return text + unit * (lines // count + 1)


def _best_of(n: int, text: str) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        Document.parse(text)
        best = min(best, time.perf_counter() - t)
    return best


def test_a_10k_line_file_parses_fast() -> None:
    text = _big(10_000)
    assert text.count("\n") >= 10_000
    t = time.perf_counter()
    doc = Document.parse(text)
    parse = time.perf_counter() - t
    t = time.perf_counter()
    out = doc.dump()
    specs = group_requests(doc)
    rest = time.perf_counter() - t
    assert out == text
    assert len(doc.blocks) > 300 and len(specs) > 100
    assert parse < 3.0, f"parsing 10k lines took {parse:.2f}s"
    assert rest < 1.0


def test_parse_time_grows_linearly() -> None:
    small, large = _big(4_000), _big(16_000)
    ratio = _best_of(3, large) / _best_of(3, small)
    assert ratio < 8, f"4x the text took {ratio:.1f}x the time"  # linear is ~4, quadratic ~16


def test_editing_a_block_in_a_big_file_is_quick() -> None:
    doc = Document.parse(_big(10_000))
    block = doc.blocks[len(doc.blocks) // 2]
    t = time.perf_counter()
    for _ in range(50):
        block.set_node(block.node)
        doc.set_text(1, doc.segments[1] + "x")
    assert (time.perf_counter() - t) / 50 < 0.05
