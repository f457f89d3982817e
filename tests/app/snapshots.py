"""Screen snapshots without pytest-textual-snapshot: the SVG screenshot's text, compared.

``snapshot_text(app)`` saves the SVG screenshot under ``tests/app/snapshots/`` and returns
its text, line by line (from the SVG's ``<text>`` elements, ordered by position), with
what changes from run to run (clock times, durations, ports, sizes of timing-dependent
counters) normalised. ``assert_snapshot`` compares it with ``NAME.txt`` beside the SVG;
``UPDATE_SNAPSHOTS=1`` (or a missing file) writes it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from screen_text import svg_text

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
_NORMALISE = [
    (re.compile(r"\b\d\d:\d\d:\d\d\.\d\d\d\b"), "HH:MM:SS.mmm"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\bup \d+[smh][\dsm]*"), "up Ns"),
    (re.compile(r"(Connecting\s+\S+\s+)\d+s"), r"\1Ns"),
    (re.compile(r"[\d,.]+ msg/s"), "N msg/s"),
    (re.compile(r"wsblock-demo-\w+"), "wsblock-demo-X"),
]


def normalise(lines: list[str]) -> str:
    text = "\n".join(lines)
    for pattern, repl in _NORMALISE:
        text = pattern.sub(repl, text)
    return text.strip("\n") + "\n"


def snapshot_text(app, name: str) -> str:
    SNAPSHOTS.mkdir(exist_ok=True)
    svg = app.export_screenshot(title=name)
    (SNAPSHOTS / f"{name}.svg").write_text(svg, encoding="utf-8")
    return normalise(svg_text(svg))


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until two renders in a row give the same (normalised) text: the screen is
    laid out, the footer drawn. A screen that keeps changing fails after *timeout*."""
    import time

    last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        now = normalise(svg_text(pilot.app.export_screenshot()))
        if now == last:
            return
        last = now
    raise AssertionError(f"the screen did not settle within {timeout} s:\n{last}")


def assert_snapshot(
    app, name: str, must_contain: tuple[str, ...] = (), compare: bool = True
) -> str:
    """Check the screen holds *must_contain*; with *compare*, that it equals the golden text."""
    text = snapshot_text(app, name)
    for needle in must_contain:
        assert needle in text, f"{name}: {needle!r} not on screen:\n{text}"
    if not compare:
        return text
    golden = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not golden.exists():
        golden.write_text(text, encoding="utf-8")
        return text
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept):\n{text}"
    return text
