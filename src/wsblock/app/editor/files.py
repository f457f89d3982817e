"""The file side: a list of the project's ``.void`` files (and ``.har`` files, opened as
a new untitled import), and one editor tab per open file."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DirectoryTree, TabbedContent, TabPane
from textual.widgets.tabbed_content import ContentTab

from wsblock.document import DocumentError

from . import dialogs
from .editor import DocumentEditor, VariableNames
from .har import is_har_file
from .model import EditSession, is_void_file

CLOSE_MARK = "✕"


class FilesPanel(DirectoryTree):
    """The folder's ``.void`` and ``.har`` files (and the folders holding them); Enter
    opens one (a ``.har`` as a new untitled ``.void`` file: :mod:`.har`)."""

    # glyphs every terminal font and Debian chromium's fonts draw (no emoji)
    ICON_NODE_EXPANDED = "▾ "
    ICON_NODE = "▸ "
    ICON_FILE = "· "

    DEFAULT_CSS = """
    FilesPanel { width: 28; min-width: 16; border-right: vkey $primary-darken-2;
        background: $surface; }
    FilesPanel.-hidden { display: none; }
    """

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        out = []
        for path in paths:
            if path.name.startswith(".") or path.name in ("node_modules", "__pycache__"):
                continue
            try:
                if path.is_dir() or is_void_file(path) or is_har_file(path):
                    out.append(path)
            except OSError:
                continue
        return out


class EditorArea(Horizontal):
    """Files on the left (Ctrl+O), the open files as tabs of :class:`DocumentEditor`.

    ``EditorArea(path, folder=None, variables=...)``: ``path`` is the file to open
    (None: a new untitled file), ``folder`` the project folder listed on the left
    (default: the file's folder; the list starts hidden unless ``folder`` is given).
    The area has the class ``-files`` while the list shows.
    """

    DEFAULT_CSS = """
    EditorArea { height: 1fr; }
    EditorArea > TabbedContent { width: 1fr; height: 1fr; }
    EditorArea TabPane { padding: 0; height: 1fr; }
    EditorArea DocumentEditor { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+o", "files", "Files"),
        Binding("ctrl+shift+s", "save_as", "Save as", show=False),
        # Alt+W where the terminal keeps Ctrl+F4 for itself (Ctrl+W closes a response tab)
        Binding("ctrl+f4,alt+w", "close_file", "Close file", show=False),
    ]

    class ActiveChanged(Message):
        """Another file's tab became the current one (or a file was opened)."""

        def __init__(self, area: EditorArea, editor: DocumentEditor | None) -> None:
            super().__init__()
            self.area = area
            self.editor = editor

    def __init__(
        self,
        path: Path | None = None,
        *,
        folder: Path | None = None,
        variables: VariableNames = None,
        watch_disk: float | None = 2.0,
        session: EditSession | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.initial_path = Path(path) if path else None
        self.initial_session = session
        self.show_files = folder is not None
        self.folder = (
            Path(folder)
            if folder
            else (self.initial_path.parent if self.initial_path else Path.cwd())
        )
        self.variables = variables
        self.watch_disk = watch_disk
        self._ids = itertools.count(1)
        self.set_class(self.show_files, "-files")  # a host may give it more room then

    def compose(self) -> ComposeResult:
        yield FilesPanel(self.folder, classes="" if self.show_files else "-hidden")
        with TabbedContent():
            editor = self._make_editor(self.initial_path, self.initial_session)
            yield TabPane(self._label(editor), editor, id=f"file-{next(self._ids)}")

    def on_mount(self) -> None:
        if self.current is not None:
            self.call_after_refresh(self._focus_editor, self.current)

    def _make_editor(self, path: Path | None, session: EditSession | None = None) -> DocumentEditor:
        error = None
        if session is None:
            try:
                session = EditSession.open(path) if path else EditSession.untitled()
            except (DocumentError, OSError) as e:
                error = f"Cannot open {path}: {e}"
                session = EditSession.untitled()
        return DocumentEditor(
            session,
            variables=self.variables,
            folder=self.folder,
            watch_disk=self.watch_disk,
            load_error=error,
        )

    def _label(self, editor: DocumentEditor, closable: bool = False) -> str:
        """The tab's name (● unsaved); ✕ (a click closes it) when there are more."""
        s = editor.session
        label = f"{s.title} ●" if s.dirty else s.title
        return f"{label} {CLOSE_MARK}" if closable else label

    def _relabel(self) -> None:
        editors = self.editors
        for editor in editors:
            pane = self._pane_of(editor)
            if pane is not None and pane.id:
                try:
                    self.tabs.get_tab(pane.id).label = self._label(editor, len(editors) > 1)
                except Exception:  # noqa: BLE001 - the tab may be closing
                    pass

    # -- the open files -----------------------------------------------------------------
    @property
    def tabs(self) -> TabbedContent:
        return self.query_one(TabbedContent)

    @property
    def editors(self) -> list[DocumentEditor]:
        return list(self.query(DocumentEditor))

    @property
    def current(self) -> DocumentEditor | None:
        pane = self.tabs.active_pane
        if pane is None:
            return None
        found = pane.query(DocumentEditor)
        return found.first() if found else None

    def editor_for(self, path: Path) -> DocumentEditor | None:
        path = Path(path).resolve()
        for editor in self.editors:
            if editor.session.path is not None and editor.session.path.resolve() == path:
                return editor
        return None

    async def open_file(
        self, path: Path | None, session: EditSession | None = None
    ) -> DocumentEditor:
        """Open ``path`` in a new tab (or show its tab); None: a new untitled file (or
        ``session``, an untitled document made elsewhere: an import)."""
        if path is not None:
            existing = self.editor_for(path)
            if existing is not None:
                self._activate(existing)
                return existing
        if path is not None or session is not None:
            current = self.current
            # an untouched untitled tab is replaced, as editors do
            if current is not None and current.session.path is None and not current.session.dirty:
                pane = self._pane_of(current)
                if pane is not None and pane.id:
                    await self.tabs.remove_pane(pane.id)
        editor = self._make_editor(Path(path) if path else None, session)
        pane = TabPane(self._label(editor), editor, id=f"file-{next(self._ids)}")
        await self.tabs.add_pane(pane)
        self._relabel()
        # let go of the focus first: hiding the old tab would otherwise move it somewhere
        # (after the new editor took it)
        self.screen.set_focus(None)
        self.tabs.active = pane.id or ""
        self.call_after_refresh(self._focus_editor, editor)
        self.post_message(self.ActiveChanged(self, editor))
        return editor

    def focus_current(self) -> None:
        """Focus the current file's block under the cursor: its URL, or its first field
        (or the file's text, when it has no block)."""
        if self.current is not None:
            self._focus_editor(self.current)

    def _focus_editor(self, editor: DocumentEditor) -> None:
        if editor.is_attached:
            if not editor.focus_block():
                editor.focus_field(("gap", 0))

    def _pane_of(self, editor: DocumentEditor) -> TabPane | None:
        return next((a for a in editor.ancestors if isinstance(a, TabPane)), None)

    def _activate(self, editor: DocumentEditor) -> None:
        pane = self._pane_of(editor)
        if pane is not None and pane.id:
            self.tabs.active = pane.id
            if self.screen.focused is not None and editor not in self.screen.focused.ancestors:
                self.screen.set_focus(None)
            self.call_after_refresh(self._focus_editor, editor)
            self.post_message(self.ActiveChanged(self, editor))

    async def close_editor(self, editor: DocumentEditor) -> None:
        """Close a tab (no question asked: see :meth:`close_file`); the last one closed
        leaves a new untitled file."""
        pane = self._pane_of(editor)
        if pane is not None and pane.id:
            await self.tabs.remove_pane(pane.id)
        if not self.editors:
            await self.open_file(None)
            return
        self._relabel()
        current = self.current
        if current is not None:
            self.screen.set_focus(None)  # not left on the tab bar
            self.call_after_refresh(self._focus_editor, current)
            self.post_message(self.ActiveChanged(self, current))

    async def close_file(self, editor: DocumentEditor | None = None) -> bool:
        """Close ``editor``'s tab (default: the current one), asking first about unsaved
        changes: Save, Discard or Cancel. Run in a worker. True when it was closed."""
        editor = editor if editor is not None else self.current
        if editor is None or not await self.ask_to_close([editor]):
            return False
        await self.close_editor(editor)
        return True

    @work(exclusive=True, group="editor-close")
    async def action_close_file(self) -> None:
        """Ctrl+F4: close the current file's tab."""
        await self.close_file()

    # -- events -------------------------------------------------------------------------
    @on(DocumentEditor.Changed)
    @on(DocumentEditor.Saved)
    def _retitle(self, event) -> None:
        pane = self._pane_of(event.editor)
        if pane is not None and pane.id:
            try:
                self.tabs.get_tab(pane.id).label = self._label(event.editor, len(self.editors) > 1)
            except Exception:  # noqa: BLE001 - the tab may be closing
                pass

    @on(events.Click)
    def _tab_clicked(self, event: events.Click) -> None:
        """A click on a file tab's ✕ closes it (asking first about unsaved changes)."""
        tab = event.widget
        if not isinstance(tab, ContentTab) or not tab.label_text.endswith(CLOSE_MARK):
            return
        at = event.get_content_offset(tab)
        if at is None or at.x < len(tab.label_text) - 2:
            return
        pane_id = ContentTab.sans_prefix(tab.id or "")
        editor = next(
            (e for e in self.editors if (p := self._pane_of(e)) is not None and p.id == pane_id),
            None,
        )
        if editor is not None:
            event.stop()
            self._close_clicked(editor)

    @work(exclusive=True, group="editor-close")
    async def _close_clicked(self, editor: DocumentEditor) -> None:
        await self.close_file(editor)

    @on(DocumentEditor.Saved)
    def _saved(self, event: DocumentEditor.Saved) -> None:
        panel = self.query_one(FilesPanel)
        try:
            if event.path.resolve().is_relative_to(Path(panel.path).resolve()):
                panel.reload()
        except (OSError, ValueError):
            pass

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.post_message(self.ActiveChanged(self, self.current))

    @on(DirectoryTree.FileSelected)
    async def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        if is_void_file(event.path):
            await self.open_file(event.path)
        elif is_har_file(event.path):
            self.open_har(event.path)

    @work(exclusive=True, group="open-har")
    async def open_har(self, path: Path) -> DocumentEditor | None:
        """Import the WebSocket entries of the HAR ``path`` into a new untitled file;
        say where its variables went (or that they must be set), or why it cannot."""
        import asyncio

        from wsblock.har.read import HarError

        from .har import import_har

        try:
            opened = await asyncio.to_thread(import_har, Path(path))
        except HarError as e:
            self.notify(str(e), title="Cannot import the HAR file", severity="error", timeout=10)
            return None
        editor = await self.open_file(None, EditSession.unsaved(opened.text))
        requests = "1 request" if opened.requests == 1 else f"{opened.requests} requests"
        self.notify(
            f"{Path(path).name}: {requests} in a new untitled file (Ctrl+S saves it). "
            + opened.note,
            title="HAR imported",
            severity="information" if opened.env_path is not None else "warning",
            timeout=20,
        )
        return editor

    def action_files(self) -> None:
        panel = self.query_one(FilesPanel)
        if panel.has_class("-hidden") or not panel.has_focus:
            panel.remove_class("-hidden")
            panel.focus()
        else:
            panel.add_class("-hidden")
            if self.current is not None:
                self._focus_editor(self.current)
        self.set_class(not panel.has_class("-hidden"), "-files")

    def set_folder(self, folder: Path) -> None:
        """List another folder (``wsblock open DIR``)."""
        self.folder = Path(folder)
        panel = self.query_one(FilesPanel)
        panel.path = self.folder
        panel.remove_class("-hidden")
        self.add_class("-files")

    def set_variables(self, variables: VariableNames) -> None:
        self.variables = variables
        for editor in self.editors:
            editor.set_variables(variables)

    @work(exclusive=True, group="editor-save")
    async def action_save_as(self) -> None:
        if self.current is not None:
            await self.current.save_flow(save_as=True)

    # -- closing ------------------------------------------------------------------------
    def dirty_editors(self) -> list[DocumentEditor]:
        return [e for e in self.editors if e.session.dirty]

    async def ask_to_close(self, editors: list[DocumentEditor] | None = None) -> bool:
        """For each editor with unsaved changes: Save / Discard / Cancel. Run in a worker.

        True when every one was saved or discarded (closing may go on).
        """
        for editor in editors if editors is not None else self.dirty_editors():
            if not editor.session.dirty:
                continue
            self._activate(editor)
            choice = await self.app.push_screen_wait(dialogs.ConfirmQuit(editor.session.title))
            if choice == "cancel":
                return False
            if choice == "save" and not await editor.save_flow():
                return False
        return True

    def confirm_quit(self, then: Callable[[], Awaitable[None] | None]) -> None:
        """Ask about unsaved changes, then call ``then`` (e.g. the app's real quit)."""
        self._confirm(then)

    @work(exclusive=True, group="editor-quit")
    async def _confirm(self, then) -> None:
        if await self.ask_to_close():
            result = then()
            if isinstance(result, Awaitable):
                await result
