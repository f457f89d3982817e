"""Issue 11.5: the screen stays readable at 160×45 with the files panel, 100×30 and 80×24."""

from __future__ import annotations

import pytest
from snapshots import snapshot_text

from peers.fixtures import gateway_peer  # noqa: F401 - the fixture, for this module
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


async def test_a_stateful_tab_shows_its_variables_and_rules_whole_at_80x24(
    tmp_path,
    gateway_peer,  # noqa: F811
):
    """Issue 18 at 80×24: no room for the Variables and Rules views under the log, so the
    log bar's view picker (and F8) puts either one in the log's place, every row whole
    (no column cut, nothing under the footer); the log keeps its rows meanwhile."""
    from snapshots import settle
    from test_stateful_app import gateway_app, started, talk
    from textual.widgets import DataTable

    # A beat every 5 s: this test is about the screen, and the connection must outlive
    # its checks on a loaded machine (with a beat a second, a full run under coverage on a
    # slow machine once lost it to "heartbeat timeout" before the first snapshot)
    app = gateway_app(tmp_path, gateway_peer, hb=5000)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await started(pilot, app)
        assert await until(
            pilot,
            lambda: (
                {"SESSION_TOKEN", "HB", "SEQ", "SID"}
                <= set(name for name, _value, _where in view.variables_view.rows())
            ),
        )
        assert await until(pilot, lambda: len(view.rules_view.rows()) == 3)
        await settle(pilot)
        # the log has the tab to itself: the two views are not stacked under it, cut
        assert view.shown_view == "log" and not view.query_one("#conversation").display
        assert on_screen(app, view.log_view) and view.log_view.region.height >= 5
        assert on_screen(app, view.query_one("#shown"))
        screen = snapshot_text(app, "layout-80x24-stateful-log")
        assert "^q Quit" in screen.splitlines()[-1]
        assert "● Connected" in screen and "Log" in screen

        def whole(table_id: str) -> DataTable:
            table = view.query_one(table_id, DataTable)
            assert on_screen(app, table), table.region
            assert table.virtual_size.width <= table.scrollable_content_region.width
            assert table.virtual_size.height <= table.scrollable_content_region.height
            return table

        # F8: the Variables in the log's place, each row whole, the place short
        await pilot.press("f8")
        assert await until(pilot, lambda: view.shown_view == "variables")
        await settle(pilot)
        assert not view.log_view.display and not view.rules_view.display
        whole("#variables")
        screen = snapshot_text(app, "layout-80x24-stateful-variables")
        lines = screen.splitlines()
        assert "^q Quit" in lines[-1]
        values = talk(view).values
        for name, shown, place in (
            ("SESSION_TOKEN", "••••••", "gateway.void:32"),
            ("HB", "5000", "gateway.void:69"),
            ("SID", str(values["SID"]), "gateway.void:169"),
        ):
            line = next(line for line in lines if line.lstrip().startswith(name + " "))
            assert line.split() == [name, shown, place], line
        assert "track sequence" in next(line for line in lines if line.lstrip().startswith("SEQ "))
        # the whole place of the row under the cursor (or the mouse) in the table's tooltip
        table = view.query_one("#variables", DataTable)
        full = "gateway.void:69 socket-messages runtime-variables (item 2) row 1"
        assert view.variables_view.place("HB") == full
        table.move_cursor(row=[row[0] for row in view.variables_view.rows()].index("HB"))
        assert await until(pilot, lambda: table.tooltip == full)
        # F8 again: the Rules and timers, whole, their Pause button on screen
        await pilot.press("f8")
        assert await until(pilot, lambda: view.shown_view == "rules")
        await settle(pilot)
        assert not view.log_view.display and not view.variables_view.display
        whole("#rules")
        assert on_screen(app, view.query_one("#pause-rule"))
        lines = snapshot_text(app, "layout-80x24-stateful-rules").splitlines()
        for name, kind in (
            ("track sequence", "rule"),
            ("answer pings", "rule"),
            ("heartbeat", "timer"),
        ):
            line = next(line for line in lines if line.lstrip().startswith(name + " "))
            assert line.split()[-3] == kind and line.split()[-1] in ("active", "stopped"), line
        # ... and back to the log (F8 once more; Ctrl+L from any view does it too)
        await pilot.press("f8")
        assert await until(pilot, lambda: view.shown_view == "log" and view.log_view.display)
        view.show_view("variables")
        await pilot.press("ctrl+l")
        assert await until(pilot, lambda: view.shown_view == "log" and app.focused is view.log_view)
        assert view.query_one("#shown").value == "log"
