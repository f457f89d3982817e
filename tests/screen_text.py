"""The text of a Textual SVG screenshot, line by line: what snapshot tests compare."""

from __future__ import annotations

import html
import re

CELL_W = 12.2  # Rich's SVG: character width in px
_TEXT = re.compile(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def svg_text(svg: str) -> list[str]:
    """The screen's lines, from the SVG's ``<text>`` elements ordered by position."""
    rows: dict[float, list[tuple[float, str]]] = {}
    # the terminal's text is in the clip group; the title bar text comes first
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
    return lines
