"""DocumentEditor: a ``.void`` file as an editable page of prose and blocks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from wsblock.document import DocumentError

from . import dialogs
from .blocks import BlockEditor, commit, editor_for
from .hold import KeyHolder, replayed
from .host import EditorContext
from .keys import (
    ApplySlash,
    Ask,
    Change,
    DeleteBlock,
    DuplicateBlock,
    EditorPart,
    EditPart,
    KeyHold,
    MoveBlock,
    MoveFocus,
    Refresh,
    RunBlock,
)
from .model import ChangedOnDisk, EditSession, NeedsName
from .prose import ProseEditor, SlashMenu
from .slash import SlashItem

VariableNames = Callable[[], Iterable[str]] | Iterable[str] | None
HOLD_LIMIT = 5.0  # seconds: keys are never held longer, whatever went wrong
TURN_LIMIT = 2.0  # seconds: the longest wait for a widget to take a key sent again


async def _turn(node) -> None:
    """Until ``node`` has handled what it was sent before now."""
    done = asyncio.Event()
    if node.call_later(done.set):
        try:
            await asyncio.wait_for(done.wait(), TURN_LIMIT)
        except TimeoutError:
            pass


class DocumentEditor(VerticalScroll):
    """Edits one :class:`EditSession`: prose gaps and block editors, top to bottom.

    Messages (they bubble): :class:`Changed` after every edit, :class:`Saved` after
    a save, :class:`RunRequested` for Ctrl+J / F5 / ▶ Run in a request.

    Typing edits the session as it goes; a structural edit goes through :meth:`edit`,
    which rebuilds the widgets it changed and holds the keys typed meanwhile (see
    :mod:`.keys`).
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

        def __init__(
            self,
            editor: DocumentEditor,
            request_index: int,
            kind: str | None,
            block_index: int | None,
        ) -> None:
            super().__init__()
            self.editor = editor
            self.request_index = request_index
            self.kind = kind
            self.block_index = block_index

        @property
        def control(self) -> DocumentEditor:
            return self.editor

    def __init__(
        self,
        session: EditSession,
        *,
        variables: VariableNames = None,
        folder: Path | None = None,
        watch_disk: float | None = 2.0,
        load_error: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.session = session
        self._variables = variables
        self.folder = (
            Path(folder) if folder else (session.path.parent if session.path else Path.cwd())
        )
        self.watch_disk = watch_disk
        self.load_error = load_error
        self.slash_menu = SlashMenu(classes="slash-menu")
        self.slash_owner: ProseEditor | None = None
        self._asking_disk = False
        self._current_block: int | None = None
        # structural edits: see edit() and the keys module
        self.context = EditorContext(session, self.variable_names)  # for the block editors
        self.keys = KeyHolder()  # which keys are held, and in what order they go back
        self.key_hold = KeyHold(self.keys)
        self.keys.spot = self.key_hold
        self._target: Refresh | None = None  # where the focus goes after the edits
        self._watchdog: Timer | None = None
        session.listeners.append(self._session_changed)

    # -- composition --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), classes="editor-title")
        if self.load_error:
            yield Static(self.load_error, classes="editor-error")
        yield self.key_hold
        yield from self.segments()

    def segments(self) -> Iterable[Widget]:
        """The page: the prose of each gap, and the block after it."""
        s = self.session
        blocks = s.blocks
        for k in range(s.gap_count()):
            yield ProseEditor(k, s.prose(k))
            if k < len(blocks):
                yield editor_for(blocks[k], self.context, k)

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
            return list(dict.fromkeys(names))  # in the host's order of preference
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
        return self.key_of(focused)

    def find_key(self, key: tuple | None) -> Widget | None:
        if key is None:
            return None
        for widget in self.query("*"):
            if getattr(widget, "edit_key", None) == key:
                return widget
        return None

    def focus_field(self, key: tuple | None, cursor: object = None, *, end: bool = False) -> bool:
        widget = self.find_key(key)
        if widget is None or not widget.focusable:
            return False
        self.screen.set_focus(widget)  # now, not later: held keys are sent to it next
        if isinstance(widget, Input):
            pos = len(widget.value) if end or cursor is None else int(cursor)  # type: ignore[call-overload]
            widget.cursor_position = min(pos, len(widget.value))
        elif isinstance(widget, TextArea):
            if end:
                widget.move_cursor(widget.document.end)
            elif cursor is not None:
                row, col = int(cursor[0]), int(cursor[1])  # type: ignore[index]  # (row, col)
                last = widget.document.line_count - 1
                row = min(row, last)
                col = min(col, len(widget.document.get_line(row)))
                widget.move_cursor((row, col))
        widget.scroll_visible()
        return True

    def focus_block(self, index: int | None = None) -> bool:
        """Focus the first field (the URL, the first cell...) of block ``index`` (None: the
        block under the cursor, else the first), or the block itself when it has none;
        False when there is no such block. Not its ↑ ↓ ❐ ✕ buttons: typing goes in."""
        if index is None:
            index = self.current_block()
        if index is None:
            index = 0
        block = next((b for b in self.query(BlockEditor) if b.index == index and not b.stale), None)
        if block is None:
            return False
        key = block.first_field()
        return (key is not None and self.focus_field(key)) or self.focus_field(("block", index))

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

    # -- structural edits -------------------------------------------------------------
    # A structural edit replaces widgets, a few frames later. From the moment it is asked
    # for, the keys typed are held (see the keys module) and sent again once the new
    # widgets are up, one at a time: each goes all the way (the field, its bindings
    # after it bubbled up) before the next, as when typed by hand. Textual would let the
    # characters of a burst overtake a Backspace or an arrow, which act as bindings.
    def edit(self, change: Change, *, by_key: bool = False, asked: Ask | None = None) -> None:
        """Make a structural edit: ``change(here)`` edits the session and returns what to
        rebuild and where the focus goes (:class:`Refresh`), or None (nothing changed).
        ``here`` is the focused field's edit key and cursor.

        When the focus is in the editor, the keys typed from now on are held; the focused
        field first takes the keys typed before and writes its value; then the edit is
        made, the widgets rebuilt, the new field focused and the held keys sent to it.
        ``by_key``: the focused field asked for the edit while handling a key (Enter,
        Tab...), so the keys it has yet to handle came after it and are held; otherwise
        (a binding, a click) they came before it and the field takes them first.
        ``asked``: the message a part asked with (:meth:`.keys.EditorPart.ask` started
        the hold already, in order with the keys).
        """
        if asked is None:
            focused = self.screen.focused if self.is_attached else None
            inside = focused is not None and (focused is self or self in focused.ancestors)
            was_holding = self.holding
            origin = self.keys.begin(focused if inside else None, by_key=by_key)
            started = self.holding and not was_holding
            if origin is not None and not by_key:
                origin.call_later(self.keys.asked_from, origin, by_key=True)
        else:
            origin, started = asked.origin, asked.started
        if started:
            self._start_hold()
        if origin is not None:
            self.key_hold.can_focus = True
            self.screen.set_focus(self.key_hold, scroll_visible=False)
        self.hide_slash()
        if self.holding:
            # after the keys the focused field has yet to take (and any edit before this)
            queue = self.keys.origin if self.keys.origin is not None else self
            if not queue.call_later(self._apply, change, origin):
                self.call_later(self._apply, change, origin)
        else:
            self._apply(change, None)

    @on(Ask)
    def _asked(self, message: Ask) -> None:
        message.stop()
        if isinstance(message, MoveFocus):
            self.move_focus(backward=message.backward, asked=message)
        elif isinstance(message, MoveBlock):
            self.move_block(message.index, message.new_index, asked=message)
        elif isinstance(message, DuplicateBlock):
            self.duplicate_block(message.index, asked=message)
        elif isinstance(message, DeleteBlock):
            self.delete_block(message.index, asked=message)
        elif isinstance(message, EditPart):
            self.refresh_part(message.part, message.change, asked=message)
        elif isinstance(message, ApplySlash) and isinstance(message.prose, ProseEditor):
            self.apply_slash(message.prose, message.item, message.row, asked=message)
        else:  # an ask this editor does not know: nothing to change, the hold goes on
            self.edit(lambda here: None, asked=message)

    @on(RunBlock)
    def _run_block(self, message: RunBlock) -> None:
        message.stop()
        self.run_request_at(message.index)

    @on(KeyHold.Unused)
    def _key_hold_unused(self, message: KeyHold.Unused) -> None:
        message.stop()
        self.focus_somewhere()

    @property
    def holding(self) -> bool:
        """Keys typed are held (from an edit until they were sent again)."""
        return self.keys.holding

    @property
    def busy(self) -> bool:
        """A structural edit is under way, or the keys held meanwhile are being sent."""
        return self.holding or bool(self.keys.pending)

    def _start_hold(self) -> None:
        """A hold started (the KeyHolder says which keys it keeps): a new target, and a
        watchdog."""
        self._target = None
        if self._watchdog is not None:
            self._watchdog.stop()
        self._watchdog = self.set_timer(HOLD_LIMIT, self._hold_timeout)

    def _end_hold(self) -> None:
        self.keys.end()
        self.key_hold.can_focus = False
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    def _apply(self, change: Change, origin: Widget | None) -> None:
        here: tuple = (None, None)
        if self.holding and self._target is not None:  # an edit before this one's focus
            here = (self._target.focus, self._target.cursor)
        try:
            if origin is not None and origin.is_attached and not getattr(origin, "stale", False):
                here = self.key_of(origin)
                commit(self.session, origin)  # what it has yet to say: say it now
            refresh = change(here)
        except BaseException:
            self._done()
            raise
        if refresh is None:
            if self._target is None:
                self._target = Refresh(*here)
            self._done()
            return
        if refresh.focus is None and refresh.widget is None:
            refresh.focus, refresh.cursor = here
        self._target = refresh
        if not refresh.rebuild:
            self._done()
            return
        part = refresh.part
        replaced = (
            part.walk_children()
            if part is not None
            else [
                w
                for seg in self.children
                if isinstance(seg, ProseEditor | BlockEditor)
                for w in seg.walk_children(with_self=True)
            ]
        )
        for widget in replaced:
            if isinstance(widget, EditorPart):
                widget.stale = True
        self.call_later(self._rebuild, refresh)

    async def _rebuild(self, refresh: Refresh) -> None:
        try:
            # One repaint when the new widgets are in: never a frame with the old ones
            # gone and the new ones not there yet (an undo used to flash an empty editor).
            with self.app.batch_update():
                if refresh.part is None:
                    old = [w for w in self.children if isinstance(w, ProseEditor | BlockEditor)]
                    await self.remove_children(old)
                    await self.mount_all(list(self.segments()))
                elif refresh.part.is_attached:
                    await refresh.part.recompose()
        finally:
            self._done()

    def _done(self) -> None:
        self.keys.done()
        if not self.keys.pending and self.holding and not self.keys.replaying:
            self.call_after_refresh(self._release)  # once the new widgets are laid out

    def _release(self) -> None:
        """The edits are done: focus the new field, send it the held keys."""
        if not self.holding or self.keys.pending or self.keys.replaying:
            return
        if not self.is_attached:
            self._end_hold()
            return
        self.keys.replaying = True
        self.run_worker(self._replay(), group="editor-keys", exit_on_error=False)

    async def _replay(self) -> None:
        keys = self.keys
        try:
            while not self.keys.pending and self.is_attached:
                focused = self.screen.focused
                if focused is None or focused is self.key_hold:
                    self._focus_target()
                    focused = self.screen.focused
                if not keys.has_keys:
                    break
                if not (isinstance(focused, EditorPart) and self in focused.ancestors):
                    # the focus went where keys cannot be held: the rest, as they come
                    for item in keys.rest():
                        self.app.post_message(replayed(item))
                    break
                item = keys.next()
                assert item is not None
                event = keys.in_flight = replayed(item)
                self.app.post_message(event)
                await self._processed()
                keys.in_flight = None
        finally:
            keys.replaying = False
        if self.keys.pending:
            return  # a key sent again made an edit: when it is done, this goes on
        if keys.has_keys:
            self._release()
        else:
            self._end_hold()

    async def _processed(self) -> None:
        """Until the key sent last went all the way: through the app (priority bindings),
        the focused widget and up to the app again (the other bindings)."""
        await _turn(self.app)
        focused = self.screen.focused if self.is_attached else None
        for node in focused.ancestors_with_self if focused is not None else ():
            await _turn(node)

    def _focus_target(self) -> None:
        target, origin = self._target, self.keys.origin
        self.keys.origin = None
        widget = target.widget if target is not None else None
        if widget is not None and widget.is_attached and widget.focusable:
            self.screen.set_focus(widget)
            return
        if target is not None and self._refocus(target.focus, target.cursor, target.end):
            return
        if origin is not None and origin.is_attached and origin.focusable:
            self.screen.set_focus(origin)
        elif not self.focus_field(("gap", 0)):
            self.screen.set_focus(None)

    def move_focus(
        self, *, backward: bool = False, by_key: bool = False, asked: Ask | None = None
    ) -> None:
        """To the next (previous) field, as Tab does, in order with the keys around."""

        def change(here: tuple) -> Refresh | None:
            origin = self.keys.origin
            chain = [w for w in self.screen.focus_chain if w is not self.key_hold]
            if origin is None or origin not in chain:
                return None
            step = -1 if backward else 1
            return Refresh(widget=chain[(chain.index(origin) + step) % len(chain)], rebuild=False)

        self.edit(change, by_key=by_key, asked=asked)

    def _hold_timeout(self) -> None:
        """Never hold keys for long, whatever went wrong."""
        self._watchdog = None
        if self.holding and not self.keys.replaying:
            self.keys.pending = 0
            self._release()

    def focus_somewhere(self) -> None:
        if self.holding:
            return
        target = self._target
        if target is None or not self._refocus(target.focus, None, False):
            self.focus_field(("gap", 0))

    def _refocus(self, focus, cursor, end) -> bool:
        if focus is None:
            return False
        if self.focus_field(focus, cursor, end=end):
            return True
        if focus[0] in (
            "cell",
            "item-name",
            "item-content",
            "url",
            "auth-type",
            "item-format",
            "item-enabled",
            "item-timeout",
            "item-ack",
            "item-operation",
            "item-variables",
            "add-row",
            "add-item",
        ):
            return self.focus_field(("block", focus[1]))
        return False

    def key_of(self, widget: Widget) -> tuple:
        """A field's edit key and cursor."""
        key = getattr(widget, "edit_key", None)
        cursor: object = None
        if isinstance(widget, TextArea):
            cursor = widget.cursor_location
        elif isinstance(widget, Input):
            cursor = widget.cursor_position
        return key, cursor

    # -- edits from the widgets ---------------------------------------------------------
    def prose_changed(self, prose: ProseEditor) -> None:
        if prose.k < self.session.gap_count():
            self.session.set_prose(prose.k, prose.text)

    def move_block(
        self, index: int, new_index: int, *, by_key: bool = False, asked: Ask | None = None
    ) -> None:
        def change(here: tuple) -> Refresh | None:
            if not (0 <= new_index < len(self.session.blocks)):
                return None
            self.session.move_block(index, new_index)
            key, cursor = here
            # the cursor stays in the field it was in, where the block went
            if key is not None and key[0] != "gap" and key[1] == index:
                return Refresh((key[0], new_index, *key[2:]), cursor)
            return Refresh(("block", new_index))

        self.edit(change, by_key=by_key, asked=asked)

    def duplicate_block(
        self, index: int, *, by_key: bool = False, asked: Ask | None = None
    ) -> None:
        def change(here: tuple) -> Refresh:
            self.session.duplicate_block(index)
            key, cursor = here
            if key is not None and key[0] != "gap" and key[1] == index:
                return Refresh((key[0], index + 1, *key[2:]), cursor)  # in the copy
            return Refresh(("block", index + 1))

        self.edit(change, by_key=by_key, asked=asked)

    def delete_block(self, index: int, *, by_key: bool = False, asked: Ask | None = None) -> None:
        def change(here: tuple) -> Refresh:
            self.session.delete_block(index)
            n = len(self.session.blocks)
            return Refresh(("block", min(index, n - 1)) if n else ("gap", 0))

        self.edit(change, by_key=by_key, asked=asked)

    def insert_block(self, index: int, node: dict) -> None:
        def change(here: tuple) -> Refresh:
            self.session.insert_block(index, node)
            return Refresh(("block", index))

        self.edit(change)

    def refresh_part(
        self,
        part: Widget,
        change: Callable[[], tuple | None],
        *,
        by_key: bool = False,
        asked: Ask | None = None,
    ) -> None:
        """A structural edit inside one block (rows, items, the auth type): ``change()``
        edits the session and returns the edit key to focus (None: nothing changed)."""

        def edit(here: tuple) -> Refresh | None:
            focus = change()
            return None if focus is None else Refresh(focus, part=part)

        self.edit(edit, by_key=by_key, asked=asked)

    # -- the slash menu -----------------------------------------------------------------
    # A prose keeps its menu's state (read as keys come); the menu shows it.
    @on(ProseEditor.SlashShown)
    def _slash_shown(self, message: ProseEditor.SlashShown) -> None:
        message.stop()
        prose = message.prose
        state = prose.menu_state  # as of now: the message may be late
        if state is not None and not prose.stale and prose.is_attached:
            self.show_slash(prose, *state)

    @on(ProseEditor.SlashHidden)
    def _slash_hidden(self, message: ProseEditor.SlashHidden) -> None:
        message.stop()
        if self.slash_owner is message.prose and not message.prose.menu_open:
            self.hide_slash()

    @on(TextArea.Changed)
    def _prose_changed(self, event: TextArea.Changed) -> None:
        prose = event.text_area
        if isinstance(prose, ProseEditor):
            event.stop()
            if not prose.stale:  # else written before the edit that replaced it
                self.prose_changed(prose)

    def show_slash(self, prose: ProseEditor, query: str, highlighted: int = 0) -> None:
        menu = self.slash_menu
        if self.slash_owner is not prose or not menu.is_attached:
            if menu.is_attached:
                self.move_child(menu, after=prose)
            else:
                self.mount(menu, after=prose)
            self.slash_owner = prose
        if menu.query_text != query or not menu.items:
            menu.set_query(query)
        if menu.items:
            menu.highlighted = highlighted % len(menu.items)
        menu.display = bool(menu.items)

    def hide_slash(self) -> None:
        owner, self.slash_owner = self.slash_owner, None
        if owner is not None:
            owner.menu_closed()
        if self.slash_menu.is_attached:
            self.slash_menu.display = False

    def apply_slash(
        self,
        prose: ProseEditor,
        item: SlashItem,
        row: int | None = None,
        *,
        by_key: bool = False,
        asked: Ask | None = None,
    ) -> None:
        """Turn line ``row`` (the cursor's) of ``prose``, a ``/…`` line, into ``item``."""
        row = prose.cursor_location[0] if row is None else row
        k = prose.k
        self.hide_slash()

        def change(here: tuple) -> Refresh:
            index = self.session.insert_at_line(k, row, item)
            if index is None:
                return Refresh(("gap", k), (row, len(item.prefix)))
            block = self.session.block(index)
            from .blocks import EDITORS

            probe = EDITORS.get(block.type)
            focus = probe(self.context, index).first_field() if probe else None
            return Refresh(focus or ("block", index), end=True)

        self.edit(change, by_key=by_key, asked=asked)

    def on_option_list_option_selected(self, event: SlashMenu.OptionSelected) -> None:
        if event.option_list is self.slash_menu and self.slash_owner is not None:
            event.stop()
            item = self.slash_menu.chosen
            if item is not None:
                self.apply_slash(self.slash_owner, item)

    # -- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # keys held during a rebuild (see edit) are sent again afterwards, in order
        if self.holding and not self.keys.replaying and action in ("undo", "redo", "run", "save"):
            return False
        return True

    def action_undo(self) -> None:
        self.edit(self._history(self.session.undo))

    def action_redo(self) -> None:
        self.edit(self._history(self.session.redo))

    def _history(self, step: Callable[[], bool]) -> Change:
        def change(here: tuple) -> Refresh | None:
            if step():
                return Refresh()  # the cursor stays where it is
            self.app.bell()
            return None

        return change

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
        self.post_message(self.RunRequested(self, number, self.session.request_kind(number), block))

    def run_request_at(self, block_index: int) -> None:
        self._current_block = block_index
        number = self.session.request_index_at(block_index)
        if number is not None:
            self.post_message(
                self.RunRequested(self, number, self.session.request_kind(number), block_index)
            )

    def request_spec(self, number: int):
        """The document layer's ``RequestSpec`` of request ``number`` (for resolving it)."""
        from wsblock.document.requests import group_requests

        return next((s for s in group_requests(self.session.doc) if s.index == number), None)

    def add_saved_message(
        self, number: int, name: str, fmt: str, content: str, encoding: str = "base64"
    ) -> None:
        """The composer's "Save to file": an undoable edit here (then Ctrl+S writes it)."""

        def change(here: tuple) -> Refresh:
            self.session.append_message(number, name, fmt, content, encoding)
            return Refresh()

        self.edit(change)

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
                choice = await self.app.push_screen_wait(
                    dialogs.ChangedOnDisk(s.path or "", s.dirty)
                )
                if choice == "overwrite":
                    force = True
                    continue
                if choice == "reload":
                    self.reload()
                else:
                    s.keep_mine()
                return False
            except OSError as e:
                self.notify(
                    f"Cannot save {path or s.path}: {e.strerror or e}",
                    title="Not saved",
                    severity="error",
                    timeout=8,
                )
                return False
            self.folder = saved.parent
            self.notify(f"Saved {saved.name} in {saved.parent}", timeout=4)
            self.post_message(self.Saved(self, saved))
            return True

    def reload(self) -> None:
        def change(here: tuple) -> Refresh | None:
            try:
                self.session.reload()
            except (DocumentError, OSError, UnicodeDecodeError) as e:
                self.notify(f"Cannot reload: {e}", severity="error", timeout=8)
                return None
            return Refresh()

        self.edit(change)

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

        self.app.push_screen(dialogs.ChangedOnDisk(s.path or "", True), chosen)

    async def _overwrite(self) -> None:
        try:
            path = self.session.save(force=True)
        except OSError as e:
            self.notify(f"Cannot save: {e}", severity="error")
            return
        self.post_message(self.Saved(self, path))
