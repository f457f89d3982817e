"""DocumentEditor: a ``.void`` file as an editable page of prose and blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from wsblock.document import DocumentError

from . import dialogs
from .blocks import BlockEditor, editor_for
from .model import ChangedOnDisk, EditSession, NeedsName
from .prose import ProseEditor, SlashMenu
from .templates import SlashItem

VariableNames = Callable[[], Iterable[str]] | Iterable[str] | None


class DocumentEditor(VerticalScroll):
    """Edits one :class:`EditSession`: prose gaps and block editors, top to bottom.

    Messages (they bubble): :class:`Changed` after every edit, :class:`Saved` after
    a save, :class:`RunRequested` for Ctrl+J / F5 / ▶ Run in a request.
    """

    DEFAULT_CSS = """
    DocumentEditor { padding: 0 1; }
    DocumentEditor > .editor-title {
        dock: top; height: 1; background: $panel; color: $text-muted; padding: 0 1;
    }
    DocumentEditor > .editor-title.-dirty { color: $warning; text-style: bold; }
    DocumentEditor > .editor-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+y,ctrl+shift+z", "redo", "Redo", priority=True),
        Binding("ctrl+j,ctrl+enter,f5", "run", "Run"),
    ]

    class Changed(Message):
        """The document was edited (or saved, reloaded...): see ``editor.session.dirty``."""

        def __init__(self, editor: DocumentEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> DocumentEditor:
            return self.editor

    class Saved(Message):
        def __init__(self, editor: DocumentEditor, path: Path) -> None:
            super().__init__()
            self.editor = editor
            self.path = path

        @property
        def control(self) -> DocumentEditor:
            return self.editor

    class RunRequested(Message):
        """Run request ``request_index`` (1-based, in file order, as ``group_requests``)."""

        def __init__(self, editor: DocumentEditor, request_index: int, kind: str | None,
                     block_index: int | None) -> None:
            super().__init__()
            self.editor = editor
            self.request_index = request_index
            self.kind = kind
            self.block_index = block_index

        @property
        def control(self) -> DocumentEditor:
            return self.editor

    def __init__(self, session: EditSession, *, variables: VariableNames = None,
                 folder: Path | None = None, watch_disk: float | None = 2.0,
                 load_error: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self._variables = variables
        self.folder = Path(folder) if folder else (session.path.parent if session.path
                                                   else Path.cwd())
        self.watch_disk = watch_disk
        self.load_error = load_error
        self.slash_menu = SlashMenu(classes="slash-menu")
        self.slash_owner: ProseEditor | None = None
        self._asking_disk = False
        self._current_block: int | None = None
        session.listeners.append(self._session_changed)

    # -- composition --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), classes="editor-title")
        if self.load_error:
            yield Static(self.load_error, classes="editor-error")
        s = self.session
        blocks = s.blocks
        for k in range(s.gap_count()):
            yield ProseEditor(self, k, s.prose(k))
            if k < len(blocks):
                yield editor_for(blocks[k], self, k)

    def on_mount(self) -> None:
        if self.watch_disk:
            self.set_interval(self.watch_disk, self.check_disk)

    def on_unmount(self) -> None:
        if self._session_changed in self.session.listeners:
            self.session.listeners.remove(self._session_changed)

    def variable_names(self) -> list[str]:
        v = self._variables
        try:
            names = v() if callable(v) else (v or [])
            return sorted(set(names))
        except Exception:  # noqa: BLE001 - completion must never break typing
            return []

    def set_variables(self, variables: VariableNames) -> None:
        """Where ``{{`` completion takes names from (a list or a callable)."""
        self._variables = variables

    def title_text(self) -> str:
        s = self.session
        if s.dirty:
            return f"● {s.title} (unsaved: Ctrl+S saves)"
        return f"{s.title}" + ("" if s.path else " (new)")

    def _session_changed(self, session: EditSession) -> None:
        titles = self.query(".editor-title")
        if titles:
            title = titles.first(Static)
            title.update(self.title_text())
            title.set_class(session.dirty, "-dirty")
        self.post_message(self.Changed(self))

    # -- focus --------------------------------------------------------------------------
    def focus_key(self) -> tuple[tuple | None, object]:
        """The focused field's edit key and cursor (to come back to after a recompose)."""
        focused = self.screen.focused if self.is_attached else None
        if focused is None or self not in focused.ancestors:
            return None, None
        key = getattr(focused, "edit_key", None)
        cursor: object = None
        if isinstance(focused, TextArea):
            cursor = focused.cursor_location
        elif isinstance(focused, Input):
            cursor = focused.cursor_position
        return key, cursor

    def find_key(self, key: tuple | None) -> Widget | None:
        if key is None:
            return None
        for widget in self.query("*"):
            if getattr(widget, "edit_key", None) == key:
                return widget
        return None

    def focus_field(self, key: tuple | None, cursor: object = None, *, end: bool = False) -> bool:
        widget = self.find_key(key)
        if widget is None:
            return False
        widget.focus()
        if isinstance(widget, Input):
            pos = len(widget.value) if end or cursor is None else int(cursor)
            widget.cursor_position = min(pos, len(widget.value))
        elif isinstance(widget, TextArea):
            if end:
                widget.move_cursor(widget.document.end)
            elif cursor is not None:
                row, col = cursor  # type: ignore[misc]
                last = widget.document.line_count - 1
                row = min(row, last)
                col = min(col, len(widget.document.get_line(row)))
                widget.move_cursor((row, col))
        widget.scroll_visible()
        return True

    def current_block(self) -> int | None:
        """The block index under the cursor (a gap counts as the block above it)."""
        focused = self.screen.focused if self.is_attached else None
        if focused is not None and (focused is self or self in focused.ancestors):
            node: Widget | None = focused
            while node is not None and node is not self:
                if isinstance(node, BlockEditor):
                    self._current_block = node.index
                    break
                if isinstance(node, ProseEditor):
                    self._current_block = node.k - 1 if node.k > 0 else None
                    break
                node = node.parent  # type: ignore[assignment]
        return self._current_block

    # -- refreshing ---------------------------------------------------------------------
    def rebuild(self, focus: tuple | None = None, cursor: object = None, *,
                end: bool = False) -> None:
        """Recompose everything (after a structural edit or undo); focus ``focus``."""
        if focus is None:
            focus, cursor = self.focus_key()
        self.hide_slash()
        self.call_later(self._rebuild, focus, cursor, end)

    async def _rebuild(self, focus, cursor, end) -> None:
        await self.recompose()
        self.call_after_refresh(self._refocus, focus, cursor, end)

    def _refocus(self, focus, cursor, end) -> None:
        if focus is None:
            return
        if not self.focus_field(focus, cursor, end=end) and focus[0] in ("cell", "item-name",
                                                                            "item-content"):
            self.focus_field(("block", focus[1]))

    def refresh_part(self, part: Widget, focus: tuple | None, *, end: bool = False) -> None:
        """Recompose one block (or grid) after an edit of its rows or items."""

        async def go() -> None:
            if part.is_attached:
                await part.recompose()
            self.call_after_refresh(self._refocus, focus, None, end)

        self.call_later(go)

    # -- edits from the widgets ---------------------------------------------------------
    def prose_changed(self, prose: ProseEditor) -> None:
        if prose.k < self.session.gap_count():
            self.session.set_prose(prose.k, prose.text)

    def move_block(self, index: int, new_index: int) -> None:
        if 0 <= new_index < len(self.session.blocks):
            self.session.move_block(index, new_index)
            self.rebuild(("block", new_index))

    def duplicate_block(self, index: int) -> None:
        self.session.duplicate_block(index)
        self.rebuild(("block", index + 1))

    def delete_block(self, index: int) -> None:
        self.session.delete_block(index)
        n = len(self.session.blocks)
        self.rebuild(("block", min(index, n - 1)) if n else ("gap", 0))

    def insert_block(self, index: int, node: dict) -> None:
        self.session.insert_block(index, node)
        self.rebuild(("block", index))

    # -- the slash menu -----------------------------------------------------------------
    def show_slash(self, prose: ProseEditor, query: str) -> None:
        menu = self.slash_menu
        if self.slash_owner is not prose or not menu.is_attached:
            if menu.is_attached:
                self.move_child(menu, after=prose)
            else:
                self.mount(menu, after=prose)
            self.slash_owner = prose
        menu.set_query(query)
        menu.display = bool(menu.items)

    def hide_slash(self) -> None:
        self.slash_owner = None
        if self.slash_menu.is_attached:
            self.slash_menu.display = False

    def apply_slash(self, prose: ProseEditor, item: SlashItem) -> None:
        """Turn the ``/…`` line of ``prose`` into ``item``."""
        row = prose.cursor_location[0]
        k = prose.k
        self.hide_slash()
        index = self.session.insert_at_line(k, row, item)
        if index is None:
            self.rebuild(("gap", k), (row, len(item.prefix)))
            return
        block = self.session.block(index)
        from .blocks import EDITORS

        probe = EDITORS.get(block.type)
        focus = probe(self, index).first_field() if probe else None
        self.rebuild(focus or ("block", index), end=True)

    def on_option_list_option_selected(self, event: SlashMenu.OptionSelected) -> None:
        if event.option_list is self.slash_menu and self.slash_owner is not None:
            event.stop()
            item = self.slash_menu.chosen
            if item is not None:
                self.apply_slash(self.slash_owner, item)

    # -- actions ------------------------------------------------------------------------
    def action_undo(self) -> None:
        focus, cursor = self.focus_key()
        if self.session.undo():
            self.rebuild(focus, cursor)
        else:
            self.app.bell()

    def action_redo(self) -> None:
        focus, cursor = self.focus_key()
        if self.session.redo():
            self.rebuild(focus, cursor)
        else:
            self.app.bell()

    def action_run(self) -> None:
        block = self.current_block()
        number = self.session.request_index_at(block)
        if number is None:
            heads = [i for i, b in enumerate(self.session.blocks) if b.type == "socket-request"]
            if len(heads) == 1:
                block = heads[0]
                number = self.session.request_index_at(block)
        if number is None:
            self.notify("Put the cursor in a request to run it", severity="warning", timeout=3)
            return
        self.post_message(self.RunRequested(self, number, self.session.request_kind(number),
                                            block))

    def run_request_at(self, block_index: int) -> None:
        self._current_block = block_index
        number = self.session.request_index_at(block_index)
        if number is not None:
            self.post_message(self.RunRequested(self, number,
                                                self.session.request_kind(number), block_index))

    def request_spec(self, number: int):
        """The document layer's ``RequestSpec`` of request ``number`` (for resolving it)."""
        from wsblock.document.requests import group_requests

        return next((s for s in group_requests(self.session.doc) if s.index == number), None)

    def add_saved_message(self, number: int, name: str, fmt: str, content: str,
                          encoding: str = "base64") -> None:
        """The composer's "Save to file": an undoable edit here (then Ctrl+S writes it)."""
        focus, cursor = self.focus_key()
        self.session.append_message(number, name, fmt, content, encoding)
        self.rebuild(focus, cursor)

    @work(exclusive=True, group="editor-save")
    async def action_save(self) -> None:
        await self.save_flow()

    async def save_flow(self, *, save_as: bool = False) -> bool:
        """Save, asking for a name or about a change on disk when needed (in a worker)."""
        s = self.session
        path = None
        force = False
        while True:
            try:
                if save_as and path is None:
                    raise NeedsName("save as")
                saved = s.save(path, force=force)
            except NeedsName:
                path = await self.app.push_screen_wait(dialogs.SaveAs(self.folder, s.title))
                if path is None:
                    return False
                continue
            except ChangedOnDisk:
                choice = await self.app.push_screen_wait(dialogs.ChangedOnDisk(s.path, s.dirty))
                if choice == "overwrite":
                    force = True
                    continue
                if choice == "reload":
                    self.reload()
                else:
                    s.keep_mine()
                return False
            except OSError as e:
                self.notify(f"Cannot save {path or s.path}: {e.strerror or e}",
                            title="Not saved", severity="error", timeout=8)
                return False
            self.folder = saved.parent
            self.notify(f"Saved {saved.name}", timeout=2)
            self.post_message(self.Saved(self, saved))
            return True

    def reload(self) -> None:
        try:
            self.session.reload()
        except (DocumentError, OSError, UnicodeDecodeError) as e:
            self.notify(f"Cannot reload: {e}", severity="error", timeout=8)
            return
        self.rebuild()

    def check_disk(self) -> None:
        """Poll: reload a clean file changed on disk; ask when there are unsaved edits."""
        s = self.session
        if self._asking_disk or not s.disk_changed():
            return
        if not s.dirty:
            self.reload()
            self.notify(f"{s.title} changed on disk: reloaded", timeout=3)
            return
        self._asking_disk = True

        def chosen(choice: str | None) -> None:
            self._asking_disk = False
            if choice == "reload":
                self.reload()
            elif choice == "overwrite":
                self.run_worker(self._overwrite(), group="editor-save", exclusive=True)
            else:
                s.keep_mine()

        self.app.push_screen(dialogs.ChangedOnDisk(s.path, True), chosen)

    async def _overwrite(self) -> None:
        try:
            path = self.session.save(force=True)
        except OSError as e:
            self.notify(f"Cannot save: {e}", severity="error")
            return
        self.post_message(self.Saved(self, path))
