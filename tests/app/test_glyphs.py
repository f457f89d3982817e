"""Issue 11.11: every glyph the app draws renders in common terminal fonts and in
Debian chromium's (DejaVu Sans Mono); ⧉ drew as an empty box."""

from __future__ import annotations

import asyncio
from pathlib import Path

from snapshots import snapshot_text

from wsblock.app import make_app

APP = Path(__file__).resolve().parents[2] / "src" / "wsblock" / "app"

#: Non-ASCII characters known to be in DejaVu Sans Mono (checked with
#: ``fc-list ':charset=HEX' family``); box drawing and block elements (U+2500-U+259F)
#: are drawn by terminals and xterm.js themselves.
RENDERS = set("–—…·•←↑→↓↪⇄⏎▶○◌●☐☑✉✔✕✖❐◷▸▾▼▲≡⊕“”‘’é×°±")


def unrenderable(text: str) -> set[str]:
    return {
        ch
        for ch in text
        if ord(ch) > 0x7F
        and ch not in RENDERS
        and not 0x2500 <= ord(ch) <= 0x259F
        and ch not in "\u00a0"
    }


def test_the_sources_use_only_glyphs_that_render():
    bad = {}
    for path in APP.rglob("*.py"):
        found = unrenderable(path.read_text(encoding="utf-8"))
        if found:
            bad[str(path.relative_to(APP))] = "".join(sorted(found))
    assert not bad, bad


async def test_the_screen_draws_only_glyphs_that_render(tmp_path, echo_url):
    from wsblock.app import DEMO_FILE

    (tmp_path / "sub").mkdir()
    demo = tmp_path / "demo.void"
    demo.write_text(DEMO_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(tmp_path, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(0.3)
        await app.main.area.open_file(demo)
        await pilot.pause(0.3)
        await pilot.press("ctrl+j")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while loop.time() < deadline and not (
            app.main.connections() and app.main.connections()[0].status.state == "connected"
        ):
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        text = snapshot_text(app, "glyphs")
        assert "▸" in text or "▾" in text  # the files panel is drawn
        assert not unrenderable(text), unrenderable(text)
