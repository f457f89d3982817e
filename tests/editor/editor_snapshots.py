"""Text snapshots of the editor (the SVG screenshot's text), as tests/app/snapshots.py does.

``UPDATE_SNAPSHOTS=1`` (or a missing golden file) writes ``snapshots/NAME.txt``.
"""

from __future__ import annotations

import os
from pathlib import Path

from screen_text import svg_text as lines

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def svg_text(svg: str) -> str:
    return "\n".join(lines(svg)).strip("\n") + "\n"


def assert_snapshot(app, name: str, must_contain: tuple[str, ...] = ()) -> str:
    SNAPSHOTS.mkdir(exist_ok=True)
    svg = app.export_screenshot(title=name)
    text = svg_text(svg)
    for needle in must_contain:
        assert needle in text, f"{name}: {needle!r} not on screen:\n{text}"
    golden = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not golden.exists():
        golden.write_text(text, encoding="utf-8")
        (SNAPSHOTS / f"{name}.svg").write_text(svg, encoding="utf-8")
        return text
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept):\n{text}"
    return text
