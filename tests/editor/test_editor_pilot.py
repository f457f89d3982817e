"""The editor driven by keys (Pilot): slash menu, URL, rows, messages, undo, saving, prompts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from editor_host import ECHO, AreaHost, EditorHost, settled, until

from wsblock.app.editor import dialogs
from wsblock.app.editor.blocks import MessageContent
from wsblock.app.editor.prose import ProseEditor
from wsblock.app.editor.slash import SLASH_ITEMS
from wsblock.document import Document

SIZE = (110, 60)


def wsblock_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from wsblock.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


async def focus(pilot, app, key) -> None:
    assert app.editor.focus_field(key), f"no field {key}"
    await pilot.pause()


async def slash(pilot, app, gap: int, name: str) -> None:
    await focus(pilot, app, ("gap", gap))
    await pilot.press("end", *("/" + name))
    await pilot.pause()
    assert app.editor.slash_menu.display, "the slash menu did not open"
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_new_file_wss_url_header_message_save(tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press("/", "w", "s")
        await pilot.pause()
        menu = app.editor.slash_menu
        assert menu.display and menu.chosen.name == "wss"
        await pilot.press("s", "enter")
        await pilot.pause(0.2)
        # the cursor is at the end of the URL, as Voiden does
        assert getattr(app.focused, "edit_key", None) == ("url", 0)
        assert app.focused.value == "wss://" and app.focused.cursor_position == 6
        await pilot.press(*"echo.example/ws")
        await pilot.pause()
        assert app.session.url(0) == "wss://echo.example/ws"

        await slash(pilot, app, 1, "headers")
        assert getattr(app.focused, "edit_key", None) == ("cell", 1, None, 0, 0)
        await pilot.press(*"X-Token", "tab", *"abc")
        await pilot.pause()
        assert app.session.rows(1) == [(["X-Token", "abc"], False)]

        await slash(pilot, app, 2, "messages")
        assert isinstance(app.focused, MessageContent)
        await pilot.press(*'{"op": 1}')
        await pilot.pause()
        assert app.session.items(2)[0].content == '{"op": 1}'
        assert "●" in str(app.editor.title_text())

        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, dialogs.SaveAs))
        field = app.screen.query_one("#save-name")
        field.value = "mine"
        await pilot.press("enter")
        await until(pilot, lambda: app.saved)
        assert app.saved == [tmp_path / "mine.void"]
        assert not app.session.dirty
        assert "●" not in app.editor.title_text()

    path = tmp_path / "mine.void"
    text = path.read_text()
    doc = Document.load(path)
    assert doc.dump() == text
    assert [b.type for b in doc.blocks] == ["socket-request", "headers-table", "socket-messages"]
    assert doc.front_matter is not None
    assert doc.blocks[0].node["content"][1]["content"] == "wss://echo.example/ws"
    assert doc.blocks[1].node["content"][0]["rows"][0]["row"] == ["X-Token", "abc"]
    fmt = wsblock_cli("fmt", "--check", str(path))
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


async def test_saved_file_is_the_same_request(tmp_path):
    """Through the document layer's requests (when it is there): the same request."""
    requests = pytest.importorskip("wsblock.document.requests")
    resolve = pytest.importorskip("wsblock.conversation.resolve")
    from wsblock.variables.sources import Variables

    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press(*"/wss", "enter")
        await pilot.pause(0.2)
        await pilot.press(*"echo.example/ws")
        await slash(pilot, app, 1, "headers")
        await pilot.press(*"X-Token", "tab", *"abc")
        await slash(pilot, app, 2, "messages")
        await pilot.press(*'{"op": 1}')
        await pilot.pause()
        app.session.save(tmp_path / "req.void")
    doc = Document.load(tmp_path / "req.void")
    specs = requests.group_requests(doc)
    assert len(specs) == 1
    req = resolve.resolve_request(specs[0], Variables(), tmp_path)
    assert req.url.startswith("wss://echo.example/ws")
    assert ("X-Token", "abc") in [tuple(h) for h in req.headers]
    assert [m.data for m in req.messages] == ['{"op": 1}']
    check = wsblock_cli("check", str(tmp_path / "req.void"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "echo.example" in check.stdout


async def test_url_completes_variables(echo):
    app = EditorHost(echo, variables=["ECHO_URL", "USER", "TOKEN"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await focus(pilot, app, ("url", 0))
        url = app.focused
        url.value = ""
        await pilot.press(*"{{EC")
        await pilot.pause(0.2)
        await pilot.press("tab")
        await pilot.pause()
        assert url.value == "{{ECHO_URL}}"
        await pilot.press(*"/x?u={{U", "right")
        await pilot.pause()
        assert url.value == "{{ECHO_URL}}/x?u={{USER}}"
        assert app.session.url(0) == "{{ECHO_URL}}/x?u={{USER}}"


async def test_disable_a_row_add_move_delete_and_undo(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        h = 1
        await focus(pilot, app, ("cell", h, None, 0, 1))
        await pilot.press("ctrl+slash")
        await pilot.pause(0.2)
        assert app.session.rows(h)[0] == (["X-Client", "wss-sample"], True)
        assert getattr(app.focused, "edit_key", None) == ("cell", h, None, 0, 1)
        await pilot.press("ctrl+underscore")  # what most terminals send for Ctrl+/
        await pilot.pause(0.2)
        assert app.session.rows(h)[0][1] is False
        # add a row below, type, move it up, delete it
        await pilot.press("ctrl+n")
        await pilot.pause(0.2)
        assert getattr(app.focused, "edit_key", None) == ("cell", h, None, 1, 0)
        await pilot.press(*"X-Added")
        await pilot.press("alt+up")
        await pilot.pause(0.2)
        assert app.session.rows(h)[0][0] == ["X-Added", ""]
        assert getattr(app.focused, "edit_key", None)[3] == 0
        await pilot.press("ctrl+d")
        await pilot.pause(0.2)
        assert [r[0][0] for r in app.session.rows(h)] == ["X-Client", "X-Debug"]
        # undo: the delete, the move, the typing, the new row, the two toggles
        for _ in range(6):
            await pilot.press("ctrl+z")
            await pilot.pause(0.2)
        assert app.session.text == ECHO.read_text()
        assert not app.session.dirty
        await pilot.press("ctrl+y")
        await pilot.pause(0.2)
        assert app.session.rows(h)[0][1] is True


async def test_undo_prose_typing_in_one_step(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await focus(pilot, app, ("gap", 1))
        await pilot.press(*"Some words")
        await pilot.pause()
        assert app.session.prose(1) == "Some words"
        await pilot.press("ctrl+z")
        await pilot.pause(0.2)
        assert app.session.text == ECHO.read_text()
        assert app.query(ProseEditor)[1].text == ""


@pytest.mark.parametrize("item", SLASH_ITEMS, ids=lambda i: i.name)
async def test_every_slash_item_inserts_a_block_that_roundtrips(item, tmp_path):
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press(*"Intro", "enter", *("/" + item.name))
        await pilot.pause()
        assert app.editor.slash_menu.chosen.name == item.name
        await pilot.press("enter")
        await pilot.pause(0.2)
        path = app.session.save(tmp_path / "x.void")
    text = path.read_text()
    doc = Document.parse(text)
    assert doc.dump() == text
    if item.action == "block":
        assert len(doc.blocks) == 1 and doc.blocks[0].uid
        assert doc.blocks[0].node == app.session.blocks[0].node
    else:
        assert f"Intro\n{item.prefix}" in text
    assert wsblock_cli("fmt", "--check", str(path)).returncode == 0


async def test_aliases_and_escape(tmp_path):
    app = EditorHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press(*"/websocket")
        await pilot.pause()
        assert app.editor.slash_menu.chosen.name == "wss"
        await pilot.press("escape")
        await pilot.pause()
        assert app.editor.slash_owner is None
        await pilot.press("enter")  # a plain newline now
        await pilot.pause()
        assert app.session.blocks == []
        assert app.session.prose(0) == "/websocket\n"


async def test_block_delete_move_duplicate_buttons_and_keys(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        types = [b.type for b in app.session.blocks]
        await focus(pilot, app, ("cell", 2, None, 0, 0))  # query-table
        await pilot.press("alt+shift+up")
        await pilot.pause(0.3)
        assert [b.type for b in app.session.blocks][1:3] == [types[2], types[1]]
        await pilot.press("alt+shift+c")
        await pilot.pause(0.3)
        assert [b.type for b in app.session.blocks][1:3] == [types[2], types[2]]
        await pilot.press("alt+shift+delete")
        await pilot.pause(0.3)
        assert [b.type for b in app.session.blocks][1:3] == [types[2], types[1]]
        for _ in range(3):
            await pilot.press("ctrl+z")
            await pilot.pause(0.2)
        assert app.session.text == ECHO.read_text()


async def test_message_format_name_content(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        m = 4
        await focus(pilot, app, ("item-name", m, 0))
        await pilot.press("end", *"!")
        await focus(pilot, app, ("item-content", m, 0))
        await pilot.press("end", "x")
        await pilot.pause(0.2)
        item = app.session.items(m)[0]
        assert item.name == "hello!"
        assert item.content.endswith("}x")
        label = app.editor.find_key(("item-content", m, 0)).parent.query_one(".validation")
        assert "✖" in str(label.render())
        fmt = app.editor.find_key(("item-format", m, 0))
        fmt.value = "text"
        await pilot.pause(0.2)
        assert app.session.items(m)[0].format == "text"


async def test_run_requested_from_a_block(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await focus(pilot, app, ("cell", 1, None, 0, 0))
        await pilot.press("ctrl+j")
        await pilot.pause()
        await focus(pilot, app, ("url", 0))
        await pilot.press("f5")
        await pilot.pause()
        assert [(r.request_index, r.kind) for r in app.runs] == [(1, "wss"), (1, "wss")]


async def test_unsaved_changes_prompt_on_quit(echo):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = app.area.current
        editor.session.set_url(0, "wss://changed")
        await pilot.pause()
        tab = app.area.tabs.get_tab(app.area.tabs.active)
        assert "●" in str(tab.label)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#cancel")
        await pilot.pause(0.2)
        assert not app.quit_called and editor.session.dirty
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#save")
        await until(pilot, lambda: app.quit_called)
    assert "wss://changed" in echo.read_text()


async def test_quit_discard_leaves_the_file(echo):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.area.current.session.set_url(0, "wss://changed")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#discard")
        await until(pilot, lambda: app.quit_called)
    assert echo.read_text() == ECHO.read_text()


async def test_clean_quit_asks_nothing(echo):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.quit_called)


async def test_changed_on_disk_prompt_when_saving(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.session.set_url(0, "wss://mine")
        echo.write_text(echo.read_text().replace("# Echo", "# Theirs"))
        await focus(pilot, app, ("url", 0))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, dialogs.ChangedOnDisk))
        await pilot.click("#overwrite")
        await until(pilot, lambda: app.saved)
    text = echo.read_text()
    assert "wss://mine" in text and "# Echo" in text


async def test_changed_on_disk_reload_and_keep(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.session.set_url(0, "wss://mine")
        echo.write_text(echo.read_text().replace("# Echo", "# Theirs"))
        app.editor.check_disk()
        await until(pilot, lambda: isinstance(app.screen, dialogs.ChangedOnDisk))
        await pilot.click("#reload")
        await pilot.pause(0.3)
        assert "# Theirs" in app.session.text and not app.session.dirty
        assert app.query(ProseEditor).first().text.count("# Theirs") == 1
        # theirs again, and this time keep mine: no reload, next save overwrites
        app.session.set_url(0, "wss://mine2")
        echo.write_text(echo.read_text().replace("# Theirs", "# Third"))
        app.editor.check_disk()
        await until(pilot, lambda: isinstance(app.screen, dialogs.ChangedOnDisk))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.session.url(0) == "wss://mine2"
        app.session.save()
    assert "wss://mine2" in echo.read_text()


async def test_clean_file_changed_on_disk_reloads_silently(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        echo.write_text(echo.read_text().replace("# Echo", "# Theirs"))
        app.editor.check_disk()
        await pilot.pause(0.3)
        assert not isinstance(app.screen, dialogs.ChangedOnDisk)
        assert "# Theirs" in app.query(ProseEditor).first().text


async def test_files_panel_opens_a_file_in_a_tab(tmp_path, echo):
    (tmp_path / "sub").mkdir()
    other = tmp_path / "sub" / "other.void"
    other.write_text(ECHO.read_text().replace("{{ECHO_URL}}/echo", "wss://other"))
    (tmp_path / "notes.txt").write_text("x")
    app = AreaHost(echo, folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        from wsblock.app.editor.files import FilesPanel

        panel = app.query_one(FilesPanel)
        assert panel.has_focus
        await app.area.open_file(other)
        await pilot.pause(0.3)
        assert len(app.area.editors) == 2
        assert app.area.current.session.path == other
        assert app.area.current.session.url(0) == "wss://other"
        await app.area.open_file(echo)  # already open: its tab again
        await pilot.pause()
        assert len(app.area.editors) == 2 and app.area.current.session.path == echo
        shown = {p.name for p in panel.filter_paths(tmp_path.iterdir())}
        assert shown == {"echo.void", "sub"}


async def test_save_as_asks_before_overwriting(tmp_path):
    (tmp_path / "taken.void").write_text("keep me\n")
    app = EditorHost(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press(*"/wss", "enter")
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, dialogs.SaveAs))
        app.screen.query_one("#save-name").value = "taken"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, dialogs.SaveAs)
        assert (tmp_path / "taken.void").read_text() == "keep me\n"
        await pilot.press("enter")
        await until(pilot, lambda: app.saved)
    assert "socket-request" in (tmp_path / "taken.void").read_text()


async def test_composer_message_saved_through_the_editor(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.editor.add_saved_message(1, "from composer", "text", "hi")
        await settled(pilot, app)
        assert app.session.items(4)[-1].content == "hi"
        assert app.session.dirty
        assert app.editor.request_spec(1).kind == "wss"


async def test_tab_in_a_saved_message_moves_on_and_edits_nothing(echo):
    """Issue 11 item 3: Tab in a saved message's editor moves to the next field, as F1
    says and as in the composer; it never inserts spaces into the saved message."""
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        m = 4
        before = app.session.items(m)[0].content
        await focus(pilot, app, ("item-content", m, 0))
        content = app.focused
        await pilot.press("tab")
        await pilot.pause(0.2)
        assert app.focused is not content
        assert app.session.items(m)[0].content == before
        assert not app.session.dirty
        await pilot.press("shift+tab")
        await pilot.pause(0.2)
        assert app.focused is content
