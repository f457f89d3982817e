"""Text snapshots of the editor (the SVG screenshot's text), as tests/app/snapshots.py does.

``UPDATE_SNAPSHOTS=1`` (or a missing golden file) writes ``snapshots/NAME.txt``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
CELL_W = 12.2
_TEXT = re.compile(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def svg_text(svg: str) -> str:
    rows: dict[float, list[tuple[float, str]]] = {}
    body = svg.split("<g class=", 1)[-1] if "<g class=" in svg else svg
    for x, y, text in _TEXT.findall(body):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            col = round(x / CELL_W)
            if len(line) < col:
                line += " " * (col - len(line))
            line = line[:col] + text
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


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
