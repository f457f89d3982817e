"""Undo and redo rebuild the editor without a frame in which the blocks are missing
(issue 11 item 4: the editor used to flash empty for a frame on every Ctrl+Z).

Every update the app would paint goes through ``App._display``; it paints nothing while
a batch is open. The test records, for each update that would be painted, how many
block editors the editor holds at that moment: a frame with none is the flicker. The
new blocks are mounted a little late (as in a large document, where mounting takes
longer than a frame), so a repaint between the removal and the mount would be seen."""

from __future__ import annotations

import asyncio

from editor_host import ECHO, EditorHost, until

from wsblock.app.editor.blocks import BlockEditor

SIZE = (110, 60)


async def _frames_during(app, pilot, *keys: str) -> list[int]:
    painted: list[int] = []
    display = app._display

    def record(screen, renderable):
        if renderable is not None and not app._batch_count:
            painted.append(len(app.editor.query(BlockEditor)))
        return display(screen, renderable)

    mount_all = app.editor.mount_all

    def slow_mount_all(*args, **kwargs):
        async def later():
            await asyncio.sleep(0.1)  # several frames (60 a second) pass meanwhile
            await mount_all(*args, **kwargs)

        return later()

    app._display = record
    app.editor.mount_all = slow_mount_all
    try:
        await pilot.press(*keys)
        await pilot.pause(0.3)
    finally:
        app._display = display
        app.editor.mount_all = mount_all
    return painted


async def test_undo_and_redo_never_paint_an_editor_without_its_blocks(echo):
    app = EditorHost(echo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        blocks = len(app.session.blocks)
        assert len(app.editor.query(BlockEditor)) == blocks
        assert app.editor.focus_field(("url", 0))
        await pilot.press("end", *"/x")
        assert await until(pilot, lambda: app.session.url(0).endswith("/x"))
        undo = await _frames_during(app, pilot, "ctrl+z")
        assert app.session.text == ECHO.read_text()
        redo = await _frames_during(app, pilot, "ctrl+y")
        assert app.session.url(0).endswith("/x")
        assert undo and redo, "no update was painted: the test saw nothing"
        assert min(undo + redo) == blocks, (undo, redo)
