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
