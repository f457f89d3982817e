"""The editor's parts ask the editor for structural edits and runs by message (issue 9):
what reaches the editor is an ``Ask`` (or ``RunBlock``), posted to it, with the hold
already started from the field the key was typed in; the parts hold no editor."""

from __future__ import annotations

from pathlib import Path

from editor_host import EditorHost, until

from wsblock.app.editor import blocks, keys, prose
from wsblock.app.editor.blocks import BlockEditor
from wsblock.app.editor.keys import Ask, EditPart, MoveBlock, MoveFocus, RunBlock
from wsblock.app.editor.prose import ProseEditor

SIZE = (110, 60)


def test_the_parts_do_not_reach_for_the_editor():
    for module in (blocks, prose, keys):
        text = Path(module.__file__).read_text(encoding="utf-8")
        assert "self.editor" not in text and ".editor." not in text, module.__name__
        assert "DocumentEditor" not in text, module.__name__


async def test_keys_in_the_parts_become_asks_to_the_editor(echo):
    seen: list = []

    def hook(message) -> None:
        if isinstance(message, Ask | RunBlock):
            seen.append(message)

    app = EditorHost(echo)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.pause()
        editor = app.editor
        assert editor.focus_field(("cell", 2, None, 0, 0))  # query-table
        await pilot.pause()
        cell = app.focused
        await pilot.press("alt+shift+down")  # a binding of the block
        assert await until(pilot, lambda: not editor.busy)
        move = next(m for m in seen if isinstance(m, MoveBlock))
        assert (move.index, move.new_index) == (2, 3)
        assert move.origin is cell and move.started  # the hold began at the field
        assert not any(hasattr(b, "editor") for b in editor.query(BlockEditor))
        seen.clear()
        await pilot.press("ctrl+n")  # a binding of the row: an edit of the grid
        assert await until(pilot, lambda: not editor.busy)
        assert [type(m) for m in seen] == [EditPart]
        seen.clear()
        await pilot.press("tab")  # Tab, in order with the keys around it
        assert await until(pilot, lambda: not editor.busy)
        assert [type(m) for m in seen] == [MoveFocus]
        assert editor.focus_field(("url", 0))
        await pilot.pause()
        seen.clear()
        await pilot.press("enter")  # Enter in the URL runs the request
        await pilot.pause()
        assert [type(m) for m in seen] == [RunBlock] and seen[0].index == 0
        assert [r.request_index for r in app.runs] == [1]
        # the prose holds no editor either
        assert not any(hasattr(p, "editor") for p in editor.query(ProseEditor))
