"""Keys typed at once after a structural edit (a burst: tmux send-keys, a paste of
keystrokes, a fast typist) are never lost: they go, in order, to the field that has the
focus after the edit, and the ones typed before it stay where they were typed."""

from __future__ import annotations

from editor_host import ECHO, EditorHost, burst, paste, settled

from wsblock.app.editor.blocks import MessageContent
from wsblock.app.editor.prose import ProseEditor

SIZE = (110, 60)


def key_of(app):
    return getattr(app.focused, "edit_key", None)


async def test_typing_right_after_wss_enter(tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        await pilot.press(*"/wss")
        burst(app, "enter", *"127.0.0.1:9/echo")
        await settled(pilot, app)
        assert app.session.url(0) == "wss://127.0.0.1:9/echo"
        assert key_of(app) == ("url", 0)
        assert app.focused.value == "wss://127.0.0.1:9/echo"
        assert app.session.prose(0) == "" and app.session.prose(1) == ""


async def test_slash_command_and_url_in_one_burst(tmp_path):
    """tmux send-keys '/wss' Enter '127.0.0.1:9/echo' Tab: the slash menu has not been
    drawn when Enter comes; Enter still inserts the block."""
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        burst(app, *"Intro", "enter", *"/wss", "enter", *"127.0.0.1:9/echo")
        await settled(pilot, app)
        assert [b.type for b in app.session.blocks] == ["socket-request"]
        assert app.session.url(0) == "wss://127.0.0.1:9/echo"
        assert app.session.prose(0) == "Intro"
        assert "/wss" not in app.session.text


async def test_two_blocks_and_their_fields_in_one_burst(tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        # Tab: the URL's ▶ Run, then the text below the block
        burst(
            app,
            *"/wss",
            "enter",
            *"h/ws",
            "tab",
            "tab",
            *"/headers",
            "enter",
            *"X-Token",
            "tab",
            *"abc",
        )
        await settled(pilot, app)
        assert [b.type for b in app.session.blocks] == ["socket-request", "headers-table"]
        assert app.session.url(0) == "wss://h/ws"
        assert app.session.rows(1) == [(["X-Token", "abc"], False)]


async def test_escape_closes_the_menu_in_a_burst_too(tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        burst(app, *"/wss", "escape", "enter", *"x")
        await settled(pilot, app)
        assert app.session.blocks == []
        assert app.session.prose(0) == "/wss\nx"


async def test_typing_right_after_moving_a_block(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.editor.focus_field(("cell", 2, None, 0, 1))  # query-table: room=lobby
        await pilot.pause()
        burst(app, "end", "alt+shift+up", *"-1")
        await settled(pilot, app)
        types = [b.type for b in app.session.blocks]
        assert types[1:3] == ["query-table", "headers-table"]
        # the cursor stayed in its field, which moved with its block
        assert key_of(app) == ("cell", 1, None, 0, 1)
        assert app.session.rows(1) == [(["room", "lobby-1"], False)]
        # two moves and a copy in a burst, typing between them
        burst(app, "alt+shift+down", *"2", "alt+shift+down", *"3", "alt+shift+c", *"4")
        await settled(pilot, app)
        types = [b.type for b in app.session.blocks]
        assert types[:5] == [
            "socket-request",
            "headers-table",
            "socket-options",
            "query-table",
            "query-table",
        ]
        assert app.session.rows(3) == [(["room", "lobby-123"], False)]
        assert app.session.rows(4) == [(["room", "lobby-1234"], False)]
        assert key_of(app) == ("cell", 4, None, 0, 1)


async def test_typing_right_after_deleting_a_block_and_undo(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.editor.focus_field(("cell", 2, None, 0, 0))
        await pilot.pause()
        burst(app, "alt+shift+delete", "ctrl+z", *"x")
        await settled(pilot, app)
        # deleted, then back (undo puts the cursor where it was then: block 2, the block)
        assert [b.type for b in app.session.blocks][2] == "query-table"
        assert app.session.text == ECHO.read_text()
        # the block has the focus: a letter is no field's, and nothing else changed
        assert key_of(app) in (("block", 2), ("cell", 2, None, 0, 0))


async def test_typing_right_after_ctrl_n_adds_a_row(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        h = 1
        assert app.editor.focus_field(("cell", h, None, 0, 1))
        await pilot.pause()
        burst(app, "ctrl+n", *"X-Added", "tab", *"v")
        await settled(pilot, app)
        assert [r[0] for r in app.session.rows(h)] == [
            ["X-Client", "wss-sample"],
            ["X-Added", "v"],
            ["X-Debug", "1"],
        ]
        assert key_of(app) == ("cell", h, None, 1, 1)


async def test_keys_before_and_after_a_row_edit_stay_in_order(echo):
    """Typed before Ctrl+N: in the row it was typed in; after: in the new row; a second
    Ctrl+N and Alt+↑ in the same burst act in their turn."""
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        h = 1
        assert app.editor.focus_field(("cell", h, None, 0, 0))
        await pilot.pause()
        burst(app, "end", *"-A", "ctrl+n", *"B", "ctrl+n", *"C", "alt+up", *"D")
        await settled(pilot, app)
        names = [r[0][0] for r in app.session.rows(h)]
        assert names == ["X-Client-A", "CD", "B", "X-Debug"]
        assert key_of(app) == ("cell", h, None, 1, 0)


async def test_enter_in_the_last_cell_then_typing(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        q = 2
        assert app.editor.focus_field(("cell", q, None, 0, 1), end=True)
        await pilot.pause()
        burst(app, *"!", "enter", *"page", "tab", *"2")
        await settled(pilot, app)
        assert app.session.rows(q) == [(["room", "lobby!"], False), (["page", "2"], False)]


async def test_a_button_pressed_by_key_then_typing(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        q = 2
        assert app.editor.focus_field(("add-row", q, None))
        await pilot.pause()
        burst(app, "enter", *"page")
        await settled(pilot, app)
        assert app.session.rows(q)[-1] == (["page", ""], False)
        m = 4
        assert app.editor.focus_field(("add-item", m, "message"))
        await pilot.pause()
        n = len(app.session.items(m))
        burst(app, "space", *"hi")
        await settled(pilot, app)
        assert isinstance(app.focused, MessageContent)
        assert app.session.items(m)[n].content == "hi"


async def test_a_paste_right_after_a_structural_edit(tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        await pilot.press(*"/wss")
        burst(app, "enter")
        paste(app, "echo.example/ws")
        burst(app, *"?a=1")
        await settled(pilot, app)
        assert app.session.url(0) == "wss://echo.example/ws?a=1"


async def test_nothing_is_held_after_an_edit_that_changes_nothing(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.editor.focus_field(("url", 0), end=True)
        await pilot.pause()
        burst(app, "alt+shift+up", *"/x")  # the first block: it cannot go up
        await settled(pilot, app)
        assert app.session.url(0) == "{{ECHO_URL}}/echo/x"
        assert key_of(app) == ("url", 0)
        # the editor's own keys come back too
        await pilot.press(*"y")
        assert app.session.url(0) == "{{ECHO_URL}}/echo/xy"


async def test_held_keys_that_are_bindings_act_in_their_place(tmp_path):
    """Backspace and ← are bindings of the Input: sent again too fast, the characters
    after them would overtake them. Held keys are sent one after the other."""
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.pause()
        await pilot.press(*"/wss")
        burst(app, "enter", *["backspace"] * 6, *"ws://h/xy", "left", "backspace", "end", *"z")
        await settled(pilot, app)
        assert app.session.url(0) == "ws://h/yz"
        assert app.focused.cursor_position == len("ws://h/yz")
