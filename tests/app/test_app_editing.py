"""The real app (``make_app`` + Pilot) with the editor on the left: write, run, save, quit."""

from __future__ import annotations

import re

from snapshots import assert_snapshot, settle
from test_main_screen import SIZE, until, views, write_void
from textual.css.query import NoMatches

from wsblock.app import DEMO_FILE, make_app
from wsblock.app.editor import dialogs
from wsblock.app.editor.blocks import RequestEditor, RowEditor
from wsblock.app.editor.files import FilesPanel
from wsblock.app.editor.prose import ProseEditor


def connected(app, n: int = 1) -> bool:
    if len(views(app)) < n:
        return False
    try:
        return views(app)[n - 1].status.state == "connected"
    except NoMatches:  # the tab is mounted, its status bar not composed yet
        return False


def key_of(app):
    return getattr(app.focused, "edit_key", None)


def burst(app, *keys: str) -> None:
    """Keys as a terminal gives them in one read (tmux send-keys, a fast typist): all
    queued at once (``pilot.press`` waits for the app to be idle after each key)."""
    import unicodedata

    from textual import events
    from textual.keys import KEY_NAME_REPLACEMENTS

    for key in keys:
        char = key if len(key) == 1 else None
        if char is not None and not char.isalnum():
            name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
            key = KEY_NAME_REPLACEMENTS.get(name, name)
        app.post_message(events.Key(key, char))


async def test_new_file_wss_url_run_and_save(demo, echo_server, tmp_path):
    """Open the demo, a new file, /wss + Enter, the echo server's URL, Ctrl+J, Ctrl+S."""
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        area = app.main.area
        assert area.current.session.path == demo
        await pilot.press("ctrl+n")
        assert await until(pilot, lambda: len(area.editors) == 2)
        assert area.current.session.path is None
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        assert "untitled" in str(app.main.query_one("#file-title").render())
        await pilot.press(*"/wss")
        await pilot.pause()
        assert area.current.slash_menu.display
        await pilot.press("enter")
        assert await until(pilot, lambda: key_of(app) == ("url", 0))
        assert app.focused.value == "wss://"
        url = echo_server.url("/echo")
        await pilot.press(*["backspace"] * len("wss://"), *url)
        await pilot.pause()
        assert area.current.session.url(0) == url
        assert area.current.query_one(RequestEditor).query(".req-run")  # its own ▶
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app))
        status = views(app)[0].status
        assert "● Connected" in status.text and url in status.text
        assert views(app)[0].request.url == url
        await settle(pilot)
        assert_snapshot(
            app, "main-new-file", ("● Connected", "WebSocket request 1", "▶ Run"), compare=False
        )
        # the composer works as ever: a message goes out and comes back
        views(app)[0].send("text", "typed in a new file")
        assert await until(pilot, lambda: views(app)[0].model.count_in == 1)
        # Ctrl+S asks for a name (an untitled file), in the folder of the open file
        await pilot.press("ctrl+s")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.SaveAs))
        app.screen.query_one("#save-name").value = "mine"
        await pilot.press("enter")
        saved = tmp_path / "mine.void"
        assert await until(pilot, lambda: saved.exists() and not area.current.session.dirty)
        assert url in saved.read_text(encoding="utf-8")
        # the toolbar and the project follow the renamed tab
        assert str(app.main.query_one("#file-title").render()) == "wsblock · mine.void"
        assert app.project.path == saved
        assert demo.read_text(encoding="utf-8") == DEMO_FILE.read_text(encoding="utf-8")


async def test_a_request_typed_in_one_burst_runs(tmp_path, echo_server):
    """/wss, Enter, the URL and Ctrl+J typed at once (the block is inserted meanwhile):
    no key is lost, the request runs with the URL typed."""
    app = make_app(tmp_path / "new.void")
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        url = echo_server.url("/echo?burst=1")
        burst(app, *"/wss", "enter", *["backspace"] * len("wss://"), *url, "ctrl+j")
        assert await until(pilot, lambda: connected(app))
        editor = app.main.editor
        assert [b.type for b in editor.session.blocks] == ["socket-request"]
        assert editor.session.url(0) == url
        assert views(app)[0].request.url == url
        # connected: the focus is in the composer; F6 goes back to the URL
        assert await until(pilot, lambda: app.focused is views(app)[0].composer.editor)
        await pilot.press("f6")
        assert key_of(app) == ("url", 0)


async def test_ctrl_f4_closes_the_file_tab_asking_about_changes(demo):
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        area = app.main.area
        await pilot.press("ctrl+n")
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        assert len(area.editors) == 2
        await pilot.press(*"draft")
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#discard")
        assert await until(pilot, lambda: len(area.editors) == 1)
        assert area.current.session.path == demo
        assert await until(
            pilot, lambda: str(app.main.query_one("#file-title").render()) == "wsblock · demo.void"
        )
        assert app.project.path == demo
        assert await until(
            pilot, lambda: app.focused is not None and area.current in app.focused.ancestors
        )
        # the last one: a new untitled file takes its place
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: area.current.session.path is None)
        assert len(area.editors) == 1
    assert demo.read_text(encoding="utf-8") == DEMO_FILE.read_text(encoding="utf-8")


async def test_ctrl_f4_works_with_the_focus_outside_the_editor(demo):
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        area = app.main.area
        await pilot.press("ctrl+n")
        assert await until(pilot, lambda: len(area.editors) == 2)
        app.main.query_one("#help").focus()
        await pilot.press("ctrl+f4")  # an untouched new file closes without a question
        assert await until(pilot, lambda: len(area.editors) == 1)
        assert area.current.session.path == demo


async def test_quit_with_unsaved_changes_asks(demo):
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        editor = app.main.editor
        assert editor.focus_field(("url", 0))
        await pilot.press("end", *"/more")
        await pilot.pause()
        assert editor.session.dirty
        assert "●" in str(app.main.area.tabs.get_tab(app.main.area.tabs.active).label)
        await pilot.press("ctrl+q")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#cancel")
        await pilot.pause(0.2)
        assert app.return_code is None and editor.session.dirty  # still running
        await pilot.press("ctrl+q")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#discard")
        assert await until(pilot, lambda: app.return_code is not None)
    assert demo.read_text(encoding="utf-8") == DEMO_FILE.read_text(encoding="utf-8")


async def test_quit_can_save_first_and_closes_the_connections(demo, echo_server):
    app = make_app(demo, env_vars={"ECHO_URL": echo_server.base})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        assert await until(pilot, lambda: connected(app))
        view = views(app)[0]
        app.main.editor.session.set_url(0, "{{ECHO_URL}}/echo?saved=1")
        await pilot.press("ctrl+q")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#save")
        assert await until(pilot, lambda: app.return_code is not None)
        assert view.status.state == "disconnected"
    assert "{{ECHO_URL}}/echo?saved=1" in demo.read_text(encoding="utf-8")


async def test_clean_quit_asks_nothing(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+q")
        assert await until(pilot, lambda: app.return_code is not None)


async def test_each_request_runs_from_its_own_button(tmp_path, echo_server):
    """Two requests in one file: the second one's ▶ runs the second one."""
    first = write_void(tmp_path / "one.void", echo_server.url("/echo?n=1")).read_text()
    head = re.search(r"```void\n---\ntype: socket-request\n.*?\n---\n```\n", first, re.S)
    second = head.group(0).replace("/echo?n=1", "/echo?n=2")
    second = re.sub(r"uid: [0-9a-f]{8}", "uid: 99999999", second)
    path = tmp_path / "two.void"
    path.write_text(first + "\n## The second one\n\n" + second, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        buttons = list(app.main.query(".req-run"))
        assert len(buttons) == 2
        buttons[1].scroll_visible(animate=False)
        await pilot.pause(0.2)
        await pilot.click(buttons[1])
        assert await until(pilot, lambda: connected(app))
        assert views(app)[0].request.url.endswith("/echo?n=2")
        # Ctrl+J from the response side runs the request the editor was last in
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app, 2))
        assert views(app)[1].request.url.endswith("/echo?n=2")


async def test_runs_follow_edits_and_undo(demo, echo_server):
    app = make_app(demo, env_vars={"ECHO_URL": echo_server.base})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        editor = app.main.editor
        assert editor.focus_field(("url", 0))
        await pilot.press("end", *"?v=2")
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app))
        assert views(app)[0].request.url == echo_server.url("/echo?v=2")
        assert editor.focus_field(("url", 0))
        await pilot.press("ctrl+z")  # undo replaces the document: the next run follows it
        assert await until(pilot, lambda: editor.session.url(0) == "{{ECHO_URL}}/echo")
        await pilot.pause(0.2)
        await pilot.press("f5")
        assert await until(pilot, lambda: connected(app, 2))
        assert views(app)[1].request.url == echo_server.url("/echo")


async def test_ctrl_d_in_a_table_row_deletes_the_row_not_the_connection(demo, echo_server):
    app = make_app(demo, env_vars={"ECHO_URL": echo_server.base})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app))
        editor = app.main.editor
        headers = next(i for i, b in enumerate(editor.session.blocks) if b.type == "headers-table")
        assert len(editor.session.rows(headers)) == 2
        assert editor.focus_field(("cell", headers, None, 1, 0))
        await pilot.pause()
        assert isinstance(app.focused.parent, RowEditor)
        await pilot.press("ctrl+d")
        assert await until(pilot, lambda: len(editor.session.rows(headers)) == 1)
        assert views(app)[0].status.state == "connected"
        views(app)[0].log_view.focus()
        await pilot.press("ctrl+d")  # elsewhere: disconnect (asks for the code; Enter: 1000)
        await pilot.pause(0.1)
        await pilot.press("enter")
        assert await until(pilot, lambda: views(app)[0].status.state == "disconnected")


async def test_variable_completion_uses_the_app_variables(tmp_path):
    app = make_app(tmp_path / "new.void", env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        await pilot.press(*"/wss", "enter")
        assert await until(pilot, lambda: key_of(app) == ("url", 0))
        await pilot.press(*["backspace"] * 6, *"{{EC")
        await pilot.pause(0.2)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.value == "{{ECHO_URL}}"


async def test_http_request_is_not_run_and_says_so(tmp_path):
    text = DEMO_FILE.read_text(encoding="utf-8")
    text = text.replace("type: socket-request", "type: request", 1)
    text = text.replace("type: smethod", "type: method").replace("type: surl", "type: url")
    text = text.replace("method: WSS", "method: GET").replace("content: WSS", "content: GET")
    path = tmp_path / "http.void"
    path.write_text(text, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        app.main.editor.run_request_at(
            next(i for i, b in enumerate(app.main.editor.session.blocks) if b.type == "request")
        )
        await pilot.pause(0.2)
        assert views(app) == []
        assert "is HTTP: not run here" in str(app.main.query_one("#idle-error").render())


async def test_open_a_folder_lists_its_files(tmp_path, echo_server):
    write_void(tmp_path / "a.void", echo_server.url("/echo?file=a"))
    write_void(tmp_path / "b.void", echo_server.url("/echo?file=b"))
    (tmp_path / "notes.txt").write_text("not a request file\n")
    app = make_app(tmp_path)
    assert app.project.folder == tmp_path and app.project.path is None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        area = app.main.area
        panel = area.query_one(FilesPanel)
        assert not panel.has_class("-hidden") and area.has_class("-files")
        assert area.current.session.path is None  # a new untitled file beside the list
        assert {p.name for p in panel.filter_paths(tmp_path.iterdir())} == {"a.void", "b.void"}
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        assert panel.has_focus
        await pilot.press("down", "down", "enter")  # the folder, a.void, b.void
        assert await until(pilot, lambda: area.current.session.path == tmp_path / "b.void")
        assert len(area.editors) == 1  # the untouched untitled tab made way
        assert str(app.main.query_one("#file-title").render()) == "wsblock · b.void"
        await settle(pilot)
        assert_snapshot(
            app, "main-folder", ("a.void", "b.void", "WebSocket request 1"), compare=False
        )
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app))
        assert views(app)[0].request.url.endswith("?file=b")
        # Ctrl+O again hides the list
        await pilot.press("ctrl+o")  # focus it (it was not focused)
        await pilot.press("ctrl+o")  # then hide it
        await pilot.pause()
        assert panel.has_class("-hidden") and not area.has_class("-files")


async def test_f6_goes_from_the_editor_to_the_composer_and_back(demo, echo_server):
    from wsblock.app.widgets.response.composer import ComposerEditor

    app = make_app(demo, env_vars={"ECHO_URL": echo_server.base})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("f6")  # nothing to go to yet
        await pilot.pause()
        assert app.main.area in app.focused.ancestors
        editor = app.main.editor
        assert editor.focus_field(("url", 0))
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: connected(app))
        # connected: the focus went to the composer by itself; F6 back and forth
        assert await until(pilot, lambda: isinstance(app.focused, ComposerEditor))
        await pilot.press("f6")
        await pilot.pause()
        assert key_of(app) == ("url", 0)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.focused, ComposerEditor)
        await pilot.press(*"hi", "ctrl+j")  # Ctrl+J in the composer sends
        assert await until(pilot, lambda: views(app)[0].model.count_in == 1)
        await pilot.press("f6")
        await pilot.pause()
        assert key_of(app) == ("url", 0)  # back where it was


def test_run_app_and_python_m_take_a_folder_or_a_missing_file(tmp_path, monkeypatch):
    """``wsblock open DIR`` passes the folder through ``run_app`` (as ``python -m`` does)."""
    from wsblock.app import run_app
    from wsblock.app.__main__ import main
    from wsblock.app.application import WsblockApp
    from wsblock.conversation.workspace import EnvChoice

    started: list[WsblockApp] = []
    monkeypatch.setattr(WsblockApp, "run", lambda self: started.append(self))
    assert run_app(tmp_path, EnvChoice(env_vars={"K": "v"})) == 0
    project = started[-1].project
    assert project.folder == tmp_path and project.path is None
    assert project.env_vars == {"K": "v"} and project.root == tmp_path
    assert main([str(tmp_path / "new.void")]) == 0
    project = started[-1].project
    assert project.path == tmp_path / "new.void" and project.folder is None
    assert not (tmp_path / "new.void").exists()


async def test_variable_completion_offers_the_files_and_environments_first(tmp_path, monkeypatch):
    """Issue 11.11: `{{` offers the file's and the environment's variables before the
    process environment's (ECHO_AAA sorts first but comes from the process)."""
    monkeypatch.setenv("ECHO_AAA", "from the process")
    (tmp_path / ".env").write_text("ECHO_TOKEN=t\n", encoding="utf-8")
    app = make_app(tmp_path / "new.void", env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        names = app.main._variable_names()
        assert names.index("ECHO_URL") < names.index("ECHO_AAA")
        assert names.index("ECHO_TOKEN") < names.index("ECHO_AAA")
        assert await until(pilot, lambda: isinstance(app.focused, ProseEditor))
        await pilot.press(*"/wss", "enter")
        assert await until(pilot, lambda: key_of(app) == ("url", 0))
        await pilot.press(*["backspace"] * 6, *"{{EC")
        await pilot.pause(0.2)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.value in ("{{ECHO_TOKEN}}", "{{ECHO_URL}}")
