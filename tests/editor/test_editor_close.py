"""Ctrl+F4 (or Alt+W) closes the current file's tab, asking first about unsaved changes."""

from __future__ import annotations

from editor_host import ECHO, AreaHost, until

from wsblock.app.editor import dialogs

SIZE = (110, 60)


def in_editor(app, editor) -> bool:
    return app.focused is not None and editor in app.focused.ancestors


async def two_files(pilot, app, tmp_path):
    other = tmp_path / "other.void"
    other.write_text(ECHO.read_text().replace("{{ECHO_URL}}/echo", "wss://other"))
    await pilot.pause(0.2)
    await app.area.open_file(other)
    assert await until(pilot, lambda: len(app.area.editors) == 2)
    assert await until(pilot, lambda: in_editor(app, app.area.current))
    return other


async def test_ctrl_f4_closes_a_clean_file_at_once(echo, tmp_path):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        other = await two_files(pilot, app, tmp_path)
        assert app.area.current.session.path == other
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: len(app.area.editors) == 1)
        assert not isinstance(app.screen, dialogs.ConfirmQuit)
        assert app.area.current.session.path == echo
        assert await until(pilot, lambda: in_editor(app, app.area.current))
        assert not app.quit_called


async def test_unsaved_file_asks_cancel_discard(echo, tmp_path):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        other = await two_files(pilot, app, tmp_path)
        editor = app.area.current
        assert editor.focus_field(("url", 0), end=True)
        await pilot.press(*"/changed")
        assert editor.session.dirty
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#cancel")
        await pilot.pause(0.2)
        assert len(app.area.editors) == 2 and app.area.current is editor
        assert editor.session.dirty
        await pilot.press("alt+w")  # the same
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#discard")
        assert await until(pilot, lambda: len(app.area.editors) == 1)
        assert app.area.current.session.path == echo
    assert "wss://other/changed" not in other.read_text()


async def test_unsaved_file_save_then_close(echo, tmp_path):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        other = await two_files(pilot, app, tmp_path)
        app.area.current.session.set_url(0, "wss://saved")
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#save")
        assert await until(pilot, lambda: len(app.area.editors) == 1)
        assert app.area.current.session.path == echo
    assert "wss://saved" in other.read_text()


async def test_closing_the_last_file_leaves_an_untitled_one(echo):
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+f4")
        assert await until(
            pilot, lambda: app.area.current is not None and app.area.current.session.path is None
        )
        assert len(app.area.editors) == 1
        assert await until(pilot, lambda: in_editor(app, app.area.current))
        await pilot.press(*"notes")  # a file to type in, at once
        assert await until(pilot, lambda: app.area.current.session.prose(0) == "notes")


async def test_an_untitled_file_asks_for_a_name_when_saved_on_close(echo, tmp_path):
    app = AreaHost(echo, folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        new = await app.area.open_file(None)
        assert await until(pilot, lambda: in_editor(app, new))
        await pilot.press(*"Some notes")
        await pilot.press("ctrl+f4")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#save")
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.SaveAs))
        app.screen.query_one("#save-name").value = "notes"
        await pilot.press("enter")
        assert await until(pilot, lambda: len(app.area.editors) == 1)
        assert app.area.current.session.path == echo
    assert (tmp_path / "notes.void").read_text().startswith("Some notes")


async def test_the_close_mark_of_a_tab(echo, tmp_path):
    """With two files open, each tab has a ✕: a click on it closes that tab (asking
    about unsaved changes first); a single tab has none (Ctrl+F4 still closes it)."""
    app = AreaHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        area = app.area
        first = area.current
        assert not str(area.tabs.get_tab(area.tabs.active).label).endswith("✕")
        other = await two_files(pilot, app, tmp_path)
        second = area.current
        first_tab = area.tabs.get_tab(area._pane_of(first).id)
        labels = [str(area.tabs.get_tab(area._pane_of(e).id).label) for e in (first, second)]
        assert labels == ["echo.void ✕", "other.void ✕"]
        first.session.set_url(0, "wss://unsaved")
        await pilot.pause()
        assert str(first_tab.label) == "echo.void ● ✕"
        await pilot.click(first_tab, offset=(1, 0))  # the name: only shows the tab
        await pilot.pause(0.2)
        assert area.current is first and len(area.editors) == 2
        mark = len(first_tab.label_text)  # after the left padding: the last character
        await pilot.click(first_tab, offset=(mark, 0))
        assert await until(pilot, lambda: isinstance(app.screen, dialogs.ConfirmQuit))
        await pilot.click("#cancel")
        await pilot.pause(0.2)
        assert len(area.editors) == 2
        second_tab = area.tabs.get_tab(area._pane_of(second).id)
        await pilot.click(second_tab, offset=(len(second_tab.label_text), 0))
        assert await until(pilot, lambda: len(area.editors) == 1)
        assert area.current is first
        assert str(area.tabs.get_tab(area.tabs.active).label) == "echo.void ●"
    assert "wss://other" in other.read_text()
