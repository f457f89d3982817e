"""Issue 11.2 and 11.3: keys go where the eye is, and do what F1 says."""

from __future__ import annotations

from pilot_wait import until
from wsblock.app import make_app
from wsblock.app.editor.blocks import RequestEditor
from wsblock.app.editor.files import EditorArea
from wsblock.app.screens.help import KEYS
from wsblock.app.widgets.response.activity_log import ActivityLog
from wsblock.app.widgets.response.composer import ComposerEditor
from wsblock.app.widgets.response.connection import ConnectionView

SIZE = (160, 45)


def views(app) -> list[ConnectionView]:
    return app.main.connections()


async def run_and_connect(app, pilot) -> ConnectionView:
    await pilot.pause(0.3)
    await pilot.press("ctrl+j")
    assert await until(pilot, lambda: views(app) and views(app)[-1].status.state == "connected")
    await pilot.pause(0.1)
    return views(app)[-1]


async def test_after_a_run_connects_typed_keys_go_to_the_composer(demo, echo_url):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        view = await run_and_connect(app, pilot)
        assert app.focused is view.composer.editor
        await pilot.press(*"hello")
        assert view.composer.text == "hello"
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: view.model.count_in == 1)


async def test_no_printable_key_is_dropped(demo, echo_url):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        # before any run, on a block of the file: the notice says where to type
        app.main.query_one(RequestEditor).focus()
        await pilot.pause()
        await pilot.press("x")
        notice = str(app.main.query_one("#key-notice").render())
        assert "not typed" in notice and "F6" in notice
        assert app.main.editor.session.doc.dump() == demo.read_text(encoding="utf-8")
        view = await run_and_connect(app, pilot)
        # on the response side where nothing takes text: to the composer
        for target in (view.query_one(ActivityLog), view.query_one("#clear")):
            view.composer.editor.clear()
            target.focus()
            await pilot.pause()
            await pilot.press("z")
            assert view.composer.text == "z", target
            assert app.focused is view.composer.editor


async def test_tab_leaves_the_composer_and_ctrl_w_closes_from_a_text_field(demo, echo_url):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        view = await run_and_connect(app, pilot)
        editor = view.composer.editor
        assert isinstance(editor, ComposerEditor)
        await pilot.press(*"ab")
        await pilot.press("tab")
        assert editor.text == "ab"  # Tab did not insert spaces
        assert app.focused is not editor
        await pilot.press("shift+tab")
        assert app.focused is editor
        # Ctrl+W in a text field closes the tab (F1), it does not delete a word
        await pilot.press("ctrl+w")
        assert await until(pilot, lambda: not views(app))
        # and from the filter box (an Input) too
        view = await run_and_connect(app, pilot)
        view.query_one("#filter").focus()
        await pilot.press(*"word", "ctrl+w")
        assert await until(pilot, lambda: not views(app))
        assert app.main.query(EditorArea)


def test_f1_says_what_tab_ctrl_w_and_printable_keys_do():
    assert "**Tab** / **Shift+Tab** | move to the next / previous field, everywhere" in KEYS
    assert "in the composer" in KEYS and "text fields included" in KEYS
    assert "**Escape**, then **Tab**" in KEYS
    assert "A printable key is never dropped" in KEYS
    assert "**Ctrl+G** | ping" in KEYS


async def test_tabs_are_named_after_the_request_and_show_its_state(demo, echo_url, tmp_path):
    """Issue 11.6: not all "Welcome to wsblock"; the state readable in the tab strip."""
    from wsblock.app.screens.main import tab_title

    assert (
        tab_title(2, "Welcome to wsblock", "ws://h:1/echo?x=1", "Welcome to wsblock") == "2. /echo"
    )
    assert tab_title(1, "Orders feed", "wss://h/v1/orders", "My API") == "1. Orders feed"
    assert tab_title(3, "request 3", "wss://h", None) == "3. h"
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        view = await run_and_connect(app, pilot)
        tabs = app.main.tabs
        pane_id = tabs.active
        assert await until(pilot, lambda: tabs.get_tab(pane_id).label.plain == "● 1. /echo")
        view.disconnect()
        assert await until(pilot, lambda: tabs.get_tab(pane_id).label.plain == "○ 1. /echo")
        await pilot.press("f5")
        assert await until(pilot, lambda: len(views(app)) == 2)
        assert await until(pilot, lambda: tabs.get_tab(tabs.active).label.plain == "● 2. /echo")


async def test_the_focus_is_not_taken_back_from_where_the_user_moved_it(tmp_path, echo_url):
    """While Connecting (the echo server's /hang), the user goes to the log's filter:
    once connected, the focus stays there."""
    import json

    from wsblock.app import DEMO_FILE

    path = tmp_path / "hang.void"
    url = f"{echo_url}/hang?seconds=1"
    path.write_text(
        DEMO_FILE.read_text(encoding="utf-8").replace('"{{ECHO_URL}}/echo"', json.dumps(url)),
        encoding="utf-8",
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connecting")
        view = views(app)[0]
        assert "◌ Connecting" in view.status.text
        view.query_one("#filter").focus()
        assert await until(pilot, lambda: view.status.state == "connected")
        await pilot.pause(0.1)
        assert app.focused is view.query_one("#filter")


async def test_a_file_opens_on_the_url_and_the_notice_follows_the_focus(demo, tmp_path):
    """Issue 22.6: a newly opened file focuses the URL of the block under the cursor
    (not its ↑ ↓ ❐ ✕ buttons); a key that could not be typed says where the focus is,
    and the notice follows Tab until the focus is on a field."""
    from wsblock.app.editor.prose import ProseEditor

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: getattr(app.focused, "edit_key", None) == ("url", 0))
        main = app.main
        notice = main.query_one("#key-notice")

        def said() -> str:
            return str(notice.render()) if notice.has_class("-shown") else ""

        main.query_one(RequestEditor).focus()
        await pilot.pause()
        await pilot.press("x")
        assert said() == "'x' not typed on block 1: Tab ×5 to a field, F6 to the composer"
        await pilot.press("tab")
        assert await until(pilot, lambda: said().startswith("'x' not typed on block 1's ↑ button"))
        assert "Tab ×4 to a field" in said()
        for _ in range(4):
            await pilot.press("tab")
        assert await until(pilot, lambda: getattr(app.focused, "edit_key", None) == ("url", 0))
        assert said() == "" and not notice.display  # on a field: the notice is gone
        assert main.editor.session.doc.dump() == demo.read_text(encoding="utf-8")
        # a new file: its text, the first field it has
        await pilot.press("ctrl+n")
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        # the new file closed, back to the demo: the block the cursor was in, its URL
        await pilot.press("alt+w")
        assert await until(pilot, lambda: getattr(app.focused, "edit_key", None) == ("url", 0))
