"""The main screen: toolbar, the editor on the left, response tabs on the right."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane, TextArea

from wsblock.app.editor.blocks import BlockEditor
from wsblock.app.editor.editor import DocumentEditor
from wsblock.app.editor.files import EditorArea
from wsblock.app.mocks import Mocks
from wsblock.app.project import Project, ProjectError
from wsblock.app.settings import Settings
from wsblock.app.widgets.footer import FittingFooter
from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.app.widgets.response.status import StatusBar

from .environment import NO_ENVIRONMENT, EnvironmentPicker
from .help import HelpScreen

IDLE = "idle"
NOTICE_SECONDS = 8.0  # how long a "not typed" notice stays (unless the focus reaches a field)


def tab_title(n: int, name: str, url: str, doc_title: str | None) -> str:
    """``N. label``: the request's heading, or its URL's path when the heading is only
    the file's title (or a made-up ``request N``); at most 28 characters."""
    from urllib.parse import urlsplit

    label = name
    if not name or name == doc_title or name.startswith("request ") or name == "new request":
        try:
            parts = urlsplit(url)
            label = parts.path or parts.netloc or url
        except ValueError:
            label = url
    label = label or "request"
    if len(label) > 26:
        label = label[:25] + "…"
    return f"{n}. {label}"


def _document_title(doc: object) -> str | None:
    """The file's first level-1 heading (its title, which names no single request)."""
    from wsblock.document import Document

    if not isinstance(doc, Document):
        return None
    for segment in doc.segments:
        if isinstance(segment, str):
            for line in segment.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def _request_number(editor: DocumentEditor, spec) -> int:
    """The number the request of ``spec`` has now (blocks may have moved since the run)."""
    from wsblock.document.requests import group_requests

    uid = getattr(getattr(spec, "head", None), "attrs", {}).get("uid")
    if uid:
        try:
            for now in group_requests(editor.session.doc):
                if getattr(now.head, "attrs", {}).get("uid") == uid:
                    return now.index
        except Exception:  # noqa: BLE001 - fall back to the number it had
            pass
    return spec.index


class MainScreen(Screen):
    BINDINGS = [
        Binding("ctrl+j", "run", "Run"),
        Binding("ctrl+enter", "run", "Run", show=False),
        Binding("f5", "run", "Run", show=False),
        Binding("f1", "help", "Keys"),
        # priority: a text field (the URL has the focus when a file opens) would take
        # Ctrl+E for "end of line" (End does that)
        Binding("ctrl+e", "pick_environment", "Environment", priority=True),
        # priority: Ctrl+W closes the tab from a text field too (not "delete a word";
        # Ctrl+Backspace does that), as F1 says
        Binding("ctrl+w", "close_tab", "Close tab", priority=True),
        # priority: the composer's text area would take Ctrl+D ("delete right"); in the
        # file's editor the action skips, so a table row's Ctrl+D still deletes the row
        Binding("ctrl+d", "disconnect", "Disconnect", show=False, priority=True),
        Binding("ctrl+g", "ping", "Ping", show=False),
        Binding("ctrl+r", "reconnect", "Reconnect", show=False),
        Binding("ctrl+l", "focus_log", "Log", show=False),
        Binding("ctrl+f", "focus_filter", "Filter", show=False),
        # the editor's own keys work inside it; these reach it from the response side too
        Binding("ctrl+s", "save", "Save", show=False),
        Binding("ctrl+shift+s", "save_as", "Save as", show=False),
        Binding("ctrl+o", "files", "Files", show=False),
        Binding("ctrl+n", "new_file", "New file", show=False),
        Binding("ctrl+f4,alt+w", "close_file", "Close file", show=False),
        # priority: a TextArea would take F6 for "select line"
        Binding("f6", "switch_side", "Editor ⇄ composer", show=False, priority=True),
        Binding("f7", "sessions", "Sessions", show=False, priority=True),
        Binding("f8", "next_view", "Log/Variables/Rules", show=False),
    ]

    def __init__(self, project: Project, settings: Settings | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.settings = settings or Settings()
        self._ids = itertools.count(1)
        self._editor_focus: Widget | None = None  # where F6 goes back to in the editor
        self._titles: dict[str, str] = {}  # response tab id -> its title (without the glyph)
        #: The mock servers started from the sessions list (stopped when the app quits).
        self.mocks = Mocks()
        self._title = project.title  # the current file's name, in the toolbar
        self._not_typed: str | None = None  # the key the notice (#key-notice) is about
        self._notice_timer: Timer | None = None

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="toolbar"):
            yield Static(f"wsblock · {self.project.title}", id="file-title")
            yield Button("▶ Run", id="run", variant="success", compact=True)
            yield Select(
                self._env_options(),
                value=self.project.environment or "",
                allow_blank=False,
                id="environment",
                compact=True,
                tooltip="Environment (.voiden/)",
            )
            yield Button("Keys (F1)", id="help", compact=True)
        with Horizontal(id="body"):
            yield EditorArea(
                self.project.path,
                folder=self.project.folder,
                variables=self._variable_names,
                id="document",
            )
            with Vertical(id="response"):
                with TabbedContent(id="tabs"):
                    yield self._idle_pane()
        yield Static("", id="key-notice")
        yield FittingFooter()

    def _env_options(self) -> list[tuple[str, str]]:
        names = self.project.environments()
        if self.project.environment and self.project.environment not in names:
            names.append(self.project.environment)
        return [(NO_ENVIRONMENT, "")] + [(n, n) for n in names]

    def _idle_pane(self) -> TabPane:
        return TabPane(
            "No connection",
            StatusBar("", id="idle-status"),
            Static(
                "Run a request: Ctrl+J, F5 or ▶ Run. Each run opens a tab here.",
                id="idle-hint",
                classes="hint",
            ),
            Static("", id="idle-error", classes="run-error"),
            id=IDLE,
        )

    # -- helpers --------------------------------------------------------------------------
    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#tabs", TabbedContent)

    @property
    def area(self) -> EditorArea:
        return self.query_one(EditorArea)

    @property
    def editor(self) -> DocumentEditor | None:
        """The editor of the current file tab."""
        return self.area.current

    def connections(self) -> list[ConnectionView]:
        return list(self.query(ConnectionView))

    def active_connection(self) -> ConnectionView | None:
        pane = self.tabs.active_pane
        if pane is None:
            return None
        found = pane.query(ConnectionView)
        return found.first() if found else None

    def _show_error(self, message: str) -> None:
        """Errors before a connection (unknown variable, bad link) go in the panel."""
        view = self.active_connection()
        if view is not None:
            view.model.note(f"cannot run: {message}")
        idle = self.query("#idle-error")
        if idle:
            idle.first(Static).update(f"✖ {message}")
            self.query_one("#idle-status", StatusBar).set_failed(message)
            self.tabs.active = IDLE
        self.notify(message, title="Cannot run", severity="error", timeout=8)

    # -- the editor -----------------------------------------------------------------------
    def _variable_names(self) -> list[str]:
        """For ``{{`` completion in the editor (it swallows errors), best first: those the
        file already uses, then the environment's (.voiden/, .env, --env-var) and the
        ``process.NAME`` captured by the running requests, then the process environment's;
        alphabetical within each."""
        import re

        variables = self.project.variables()
        captured = [
            f"process.{name}"
            for view in self.connections()
            if view.conversation is not None
            for name in view.conversation.values
        ]
        editor = self.editor
        text = editor.session.doc.dump() if editor is not None else ""
        used = set(re.findall(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}", text))

        def rank(name: str) -> tuple[int, str]:
            if name in used:
                return 0, name
            return (2 if variables.sources.get(name) == "process environment" else 1), name

        return sorted(dict.fromkeys([*variables.values, *captured]), key=rank)

    def _follow(self, editor: DocumentEditor) -> None:
        """The project follows the current tab (its path, document and root)."""
        root = self.project.root
        self.project.path = editor.session.path
        self.project.doc = editor.session.doc  # undo replaces the Document: refollow per run
        self.project.root = self.project._find_root()
        if self.project.root != root:
            select = self.query_one("#environment", Select)
            with select.prevent(Select.Changed):
                select.set_options(self._env_options())
                select.value = self.project.environment or ""

    def _retitle(self, editor: DocumentEditor) -> None:
        self._title = editor.session.title
        self._fit_title()
        self.app.sub_title = self._title

    def _fit_title(self) -> None:
        """``wsblock · FILE`` in the toolbar, or only ``FILE`` when both do not fit."""
        label = self.query_one("#file-title", Static)
        full = f"wsblock · {self._title}"
        width = label.content_region.width
        label.update(full if not width or len(full) <= width else self._title)

    @on(EditorArea.ActiveChanged)
    def _file_changed(self, event: EditorArea.ActiveChanged) -> None:
        if event.editor is not None:
            self._follow(event.editor)
            self._retitle(event.editor)

    @on(DocumentEditor.Saved)
    def _file_saved(self, event: DocumentEditor.Saved) -> None:
        if event.editor is self.editor:  # Save as gives the tab a new name
            self._follow(event.editor)
            self._retitle(event.editor)
        temporary = self.settings.temporary
        path = event.editor.session.path
        if temporary is not None and path is not None and temporary in path.parents:
            self.notify(
                f"{path} is in the demo's temporary folder, removed when the demo ends: "
                "Ctrl+Shift+S saves it elsewhere",
                title="Saved in a temporary folder",
                severity="warning",
                timeout=10,
            )

    def action_save(self) -> None:
        if self.editor is not None:
            self.editor.action_save()

    def action_save_as(self) -> None:
        self.area.action_save_as()

    def action_files(self) -> None:
        self.area.action_files()

    def action_close_file(self) -> None:
        """Close the current file tab from anywhere (asks about unsaved changes)."""
        self.area.action_close_file()  # a worker of the editor area

    async def action_new_file(self) -> None:
        """A new untitled file in a tab of its own (Ctrl+S asks for its name)."""
        await self.area.open_file(None)

    # -- run ------------------------------------------------------------------------------
    def action_run(self) -> None:
        """Run the request under the editor's cursor (or the last one it was in)."""
        editor = self.editor
        if editor is not None:
            editor.action_run()  # posts DocumentEditor.RunRequested

    @on(Button.Pressed, "#run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    @on(DocumentEditor.RunRequested)
    def _editor_run(self, event: DocumentEditor.RunRequested) -> None:
        event.stop()
        if event.kind != "wss":
            kind = (event.kind or "?").upper()
            self._show_error(f"request {event.request_index} is {kind}: not run here")
            return
        self._follow(event.editor)
        spec = event.editor.request_spec(event.request_index)
        if spec is None:
            self._show_error(f"request {event.request_index} is not in the file any more")
            return
        try:
            request = self.project.resolve(spec)
        except ProjectError as e:
            self._show_error(str(e))
            return
        self._open_tab(SimpleNamespace(spec=spec, editor=event.editor), request)

    @work(group="tabs", exclusive=False)
    async def _open_tab(self, run: SimpleNamespace, request) -> ConnectionView:
        """A response tab connecting ``request``; ``run`` has the ``spec`` and its ``editor``."""
        app = self.settings
        n = next(self._ids)
        saved = self.project.saved_messages(run.spec)
        editor: DocumentEditor | None = run.editor

        def on_save(name: str, fmt: str, text: str, encoding: str) -> str:
            # through the editor: undoable, and the file is written by Ctrl+S only
            if editor is None or not editor.is_attached:
                raise ProjectError("the file of this request is closed")
            number = _request_number(editor, run.spec)
            editor.add_saved_message(number, name, fmt, text, encoding)
            return (
                f"Added message {name!r} to request {number} of "
                f"{editor.session.title} (Ctrl+S saves the file)"
            )

        view = ConnectionView(
            request,
            substitute=self.project.substitute,
            saved=saved,
            on_save=on_save if editor is not None else None,
            session_factory=app.session_factory,
            journal_factory=app.journal_factory,
            export_dir=app.export_dir,
            id=f"conn-{n}",
        )
        title = tab_title(n, request.name, request.url, _document_title(self.project.doc))
        pane_id = f"tab-{n}"
        pane = TabPane(f"○ {title}", view, id=pane_id)
        self._titles[pane_id] = title
        tabs = self.tabs
        await tabs.add_pane(pane)
        if self._has_idle():
            await tabs.remove_pane(IDLE)
        tabs.active = pane_id
        # once connected, the focus goes to the composer (unless the user moved it meanwhile)
        if self._in_editor():
            self._editor_focus = self.focused  # F6 goes back there
        if self.has_class("-narrow"):
            view.composer.editor.focus()  # one side at a time: show the new tab now
        before, from_editor = self.focused, self._in_editor()

        def unmoved() -> bool:
            # still where the run started (the editor may have redrawn its fields since)
            now = self.focused
            return now is None or now is before or (from_editor and self._in_editor())

        view.focus_composer_on_open(unmoved)
        view.connect()
        return view

    def _has_idle(self) -> bool:
        return bool(self.query(f"#{IDLE}"))

    # -- tabs -----------------------------------------------------------------------------
    def action_close_tab(self) -> None:
        view = self.active_connection()
        if view is not None:
            self._close(view)

    @on(ConnectionView.StateChanged)
    def _state_changed(self, event: ConnectionView.StateChanged) -> None:
        """The tab strip shows each connection's state: ● connected, ◌ connecting, ✖ failed."""
        from rich.text import Text

        pane = next((a for a in event.view.ancestors if isinstance(a, TabPane)), None)
        if pane is None or pane.id not in self._titles:
            return
        label = Text(event.glyph, style=event.style)
        label.append(f" {self._titles[pane.id]}")
        try:
            self.tabs.get_tab(pane.id).label = label
        except Exception:  # noqa: BLE001 - the tab is closing
            pass

    @on(ConnectionView.ReplayRequested)
    def _replay_requested(self, event: ConnectionView.ReplayRequested) -> None:
        """A finished tab's Replay: the F7 screen's replay, of that tab's journal."""
        from .replay import ReplayScreen

        self.app.push_screen(ReplayScreen(event.path, self.project))

    @on(ConnectionView.CloseRequested)
    def _close_requested(self, event: ConnectionView.CloseRequested) -> None:
        self._close(event.view)

    @work(group="tabs")
    async def _close(self, view: ConnectionView) -> None:
        pane = next((a for a in view.ancestors if isinstance(a, TabPane)), None)
        await view.shutdown()
        if pane is not None and pane.id:
            await self.tabs.remove_pane(pane.id)
        if not self.connections() and not self._has_idle():
            await self.tabs.add_pane(self._idle_pane())
            self.tabs.active = IDLE

    def _in_editor(self) -> bool:
        focused = self.focused
        area = self.area
        return focused is not None and (focused is area or area in focused.ancestors)

    def action_disconnect(self) -> None:
        if self._in_editor():
            raise SkipAction()  # the editor's Ctrl+D (delete the row)
        view = self.active_connection()
        if view is not None:
            view.ask_disconnect()

    def action_ping(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.ping()

    def action_reconnect(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.connect()

    def action_switch_side(self) -> None:
        """F6: from the editor to the current tab's composer, and back where you were."""
        area = self.area
        focused = self.focused
        if focused is not None and (focused is area or area in focused.ancestors):
            view = self.active_connection()
            if view is None:
                self.notify("No connection yet: run a request first (Ctrl+J)", timeout=3)
                return
            self._editor_focus = focused
            view.composer.editor.focus()
            return
        back = self._editor_focus
        if back is not None and back.is_attached and back.focusable:
            back.focus()
        else:
            area.focus_current()

    # -- narrow terminals: one side at a time ---------------------------------------------
    NARROW = 100  # columns under which the editor and the response side take turns

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self._follow_focus()
        self.call_after_refresh(self._fit_title)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._follow_focus()
        if self._not_typed is not None:
            self._say_not_typed(self._not_typed)  # where the focus is now

    def _follow_focus(self) -> None:
        """Under ``-narrow``, the side that has the focus is the one shown (F6 swaps)."""
        response = self.query("#response")
        focused = self.focused
        on_response = (
            bool(response) and focused is not None and (response.first() in focused.ancestors)
        )
        self.set_class(on_response, "-on-response")
        self.set_class(not on_response, "-on-editor")

    # -- typed keys never vanish ---------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """A printable key nothing took: send it where it can be typed, or say why not.

        Inputs and text areas take printable keys themselves; a key that reaches the
        screen had no target (a block, a button, the log...). On the response side
        it goes to the current tab's composer; elsewhere a notice says where to type.
        """
        if not event.is_printable or not event.character or event.key in self.active_bindings:
            return
        event.stop()
        event.prevent_default()
        view = self.active_connection()
        if not self._in_editor() and view is not None:
            composer = view.composer.editor
            composer.focus()
            composer.insert(event.character)
            return
        self._say_not_typed(event.character, now=True)

    def _say_not_typed(self, character: str, *, now: bool = False) -> None:
        """The notice above the footer: ``character`` was not typed, and why, from where
        the focus is now. It follows the focus (Tab...) and goes once it is on a field.
        ``now``: the key just came (a field that did not take it says so too)."""
        why = self.why_not_typed()
        if why is None and now:
            why = "here: this field does not take it"
        notice = self.query_one("#key-notice", Static)
        if self._notice_timer is not None:
            self._notice_timer.stop()
            self._notice_timer = None
        if why is None:
            self._not_typed = None
            notice.remove_class("-shown")
            return
        self._not_typed = character
        notice.update(f"{character!r} not typed {why}")
        notice.add_class("-shown")
        self._notice_timer = self.set_timer(NOTICE_SECONDS, self._end_notice)

    def _end_notice(self) -> None:
        self._not_typed = self._notice_timer = None
        self.query_one("#key-notice", Static).remove_class("-shown")

    def why_not_typed(self) -> str | None:
        """Why a printable key is not typed where the focus is, and how to reach a field
        (``on block 1's ↑ button: Tab ×4 to a field, F6 to the composer``); None:
        it would be typed."""
        focused = self.focused
        if isinstance(focused, Input | TextArea):
            return None
        if not self._in_editor():
            if self.active_connection() is not None:
                return None  # it goes to the composer
            return "(no connection to type into): run a request first (Ctrl+J)"
        where = "a block"
        node = focused
        while node is not None and not isinstance(node, BlockEditor):
            node = node.parent  # type: ignore[assignment]
        block = f"block {node.index + 1}" if isinstance(node, BlockEditor) else "the file"
        if isinstance(focused, Button):
            where = f"{block}'s {focused.label} button"
        elif isinstance(focused, BlockEditor):
            where = block
        elif focused is not None:
            where = f"{block}'s {type(focused).__name__.lower()}"
        chain = self.focus_chain
        start = chain.index(focused) if focused in chain else 0
        ahead = chain[start + 1 :] + chain[:start]
        fields = [n for n, w in enumerate(ahead, 1) if isinstance(w, Input | TextArea)]
        steps = fields[0] if fields else 0
        tab = f"Tab ×{steps} to a field, " if steps > 1 else "Tab to a field, "
        return f"on {where}: {tab}F6 to the composer"

    def action_focus_log(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.show_view("log")  # in its place again, if Variables or Rules stood there
            view.log_view.focus()

    def action_next_view(self) -> None:
        """F8: a stateful tab's Variables, then its Rules, in the log's place; then the log."""
        view = self.active_connection()
        if view is not None:
            view.show_view()

    def action_focus_filter(self) -> None:
        view = self.active_connection()
        if view is not None:
            view.query_one("#filter").focus()

    # -- recorded sessions ----------------------------------------------------------------
    def action_sessions(self) -> None:
        """F7: the recorded sessions (replay one, mock one), the current tab's selected."""
        from .sessions import SessionsScreen

        view = self.active_connection()
        journal = view.journal if view is not None else None
        self.app.push_screen(
            SessionsScreen(
                self.project, self.mocks, select=journal.path if journal is not None else None
            )
        )

    # -- environment ----------------------------------------------------------------------
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    @on(Button.Pressed, "#help")
    def _help_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_help()

    def action_pick_environment(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None:
                self.query_one("#environment", Select).value = name

        self.app.push_screen(
            EnvironmentPicker(self.project.environments(), self.project.environment), chosen
        )

    @on(Select.Changed, "#environment")
    def _environment_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        self.project.environment = value or None
        self.notify(f"Environment: {value or 'none'}", timeout=2)
