"""Issue 11.5: the screen stays readable at 160×45 with the files panel, 100×30 and 80×24."""

from __future__ import annotations

import pytest
from snapshots import snapshot_text

from pilot_wait import until
from wsblock.app import make_app
from wsblock.app.editor.files import EditorArea


def on_screen(app, widget) -> bool:
    region = widget.region
    return (
        widget.display
        and region.width > 0
        and region.height > 0
        and app.screen.region.contains_region(region)
    )


@pytest.mark.parametrize(
    ("size", "files"), [((160, 45), True), ((100, 30), False), ((80, 24), False)]
)
async def test_the_response_side_is_readable(demo, echo_url, size, files):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        if files:
            await pilot.press("ctrl+o")
            await pilot.pause(0.2)
        await pilot.press("ctrl+j")
        assert await until(
            pilot,
            lambda: (
                app.main.connections() and app.main.connections()[0].status.state == "connected"
            ),
        )
        await pilot.pause(0.3)
        view = app.main.connections()[0]
        response = app.main.query_one("#response")
        assert response.region.width >= min(50, size[0])
        # the status reads on one or two lines, not one letter per line
        status_text = view.status.query_one("#status-text")
        assert status_text.region.width >= 30 and status_text.region.height <= 3
        screen = snapshot_text(app, f"layout-{size[0]}x{size[1]}")
        assert "● Connected" in screen
        assert "^q Quit" in screen.splitlines()[-1]  # the footer shows how to quit
        for selector in (
            "#send",
            "#format",
            "#saved",
            "#pretty",
            "#save",
            "#ping",
            "#disconnect",
            "#reconnect",
            "#close-tab",
            "#filter",
            "#pings",
            "#direction",
            "#follow",
            "#clear",
            "#export",
            "#log",
            "#counters",
        ):
            assert on_screen(app, view.query_one(selector)), (selector, size)
        assert view.log_view.region.height >= 3
        area = app.main.query_one(EditorArea)
        if size[0] < 100:
            # a default terminal: the editor folds away while the connection has the focus
            assert not area.display or area.region.width == 0
            await pilot.press("f6")
            await pilot.pause(0.2)
            assert area.region.width == size[0] and not response.display
            await pilot.press("f6")
            await pilot.pause(0.2)
            assert response.region.width == size[0] and on_screen(app, view.query_one("#send"))
        else:
            assert area.region.width >= 30


async def test_nothing_wraps_or_is_cut_at_80x24(demo, echo_url):
    """Issue 22.6: at 80×24 the least useful parts are left out, the rest is whole: the
    status and the counters on one line each, the footer down to ``^q Quit``, the
    toolbar's file name, a new file's placeholder."""
    from snapshots import settle

    from wsblock.app.editor.prose import PLACEHOLDER, ProseEditor

    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await settle(pilot)
        lines = snapshot_text(app, "layout-80x24-file").splitlines()
        assert lines[0].lstrip().startswith("wsblock · demo.void")
        assert lines[-1].rstrip().endswith("^q Quit") and "f1 Keys" in lines[-1]
        await pilot.press("ctrl+j")
        assert await until(
            pilot,
            lambda: (
                app.main.connections() and app.main.connections()[0].status.state == "connected"
            ),
        )
        view = app.main.connections()[0]
        view.send("text", "hello")
        assert await until(pilot, lambda: view.model.count_in == 1)
        await pilot.pause(1.2)  # the uptime and the rate are drawn once a second
        await settle(pilot)
        status = view.status.query_one("#status-text")
        counters = view.query_one("#counters")
        assert status.region.height == 1 and counters.region.height == 1
        screen = snapshot_text(app, "layout-80x24-connected")
        status_line = next(line for line in screen.splitlines() if "● Connected" in line)
        assert "ws://127.0.0.1:PORT/echo" in status_line and "✕ Close" in status_line
        counters_line = next(line for line in screen.splitlines() if "← in 1" in line)
        assert "→ out 1" in counters_line and "Export" in counters_line
        assert "^q Quit" in screen.splitlines()[-1]
        # a new file, beside the files panel: its placeholder wraps, whole
        await pilot.press("f6")
        await pilot.press("ctrl+n")
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        app.main.area.focus_current()
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        await settle(pilot)
        prose = app.focused
        assert prose.region.width < len(PLACEHOLDER) and prose.region.height >= 2
        screen = snapshot_text(app, "layout-80x24-new-file")
        words = " ".join(line.split("▕")[-1].strip() for line in screen.splitlines())
        assert PLACEHOLDER in words
        assert screen.splitlines()[0].lstrip().startswith("untitled.void")
        assert "^q Quit" in screen.splitlines()[-1]
