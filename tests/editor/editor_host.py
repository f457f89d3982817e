"""A tiny host app for the editor widgets (what the main screen does), and test helpers.

The helpers live here, not in ``conftest``: another test folder's conftest may hold that
module name when both folders are run together.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.keys import KEY_NAME_REPLACEMENTS

import pilot_wait
from pilot_wait import editors_busy
from wsblock.app.editor.editor import DocumentEditor
from wsblock.app.editor.model import EditSession

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
ECHO = SAMPLES / "wss" / "echo.void"


def key_event(key: str) -> events.Key:
    """The Key event a terminal gives for ``key`` (a key name, or one character)."""
    char = key if len(key) == 1 else None
    if char is not None and not char.isalnum():
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
        key = KEY_NAME_REPLACEMENTS.get(name, name)
    return events.Key(key, char)


def burst(app: App, *keys: str) -> None:
    """Send keys as a terminal does when they come in one read: all queued at once, no
    waiting between them (``pilot.press`` waits for the app to be idle after each key,
    so the app has rebuilt itself before the next key comes)."""
    for key in keys:
        app.post_message(key_event(key))


def paste(app: App, text: str) -> None:
    app.post_message(events.Paste(text))


async def until(pilot, predicate, timeout=15.0, step=0.05):
    """:func:`pilot_wait.until`, and once it holds, one more pause (the app idle)."""
    if await pilot_wait.until(pilot, predicate, timeout, step):
        await pilot.pause()
        return True
    return False


class EditorHost(App):
    """One DocumentEditor on a file (or untitled); records the editor's messages."""

    def __init__(self, path: Path | None = None, variables=None, folder: Path | None = None):
        super().__init__()
        self.session = EditSession.open(path) if path else EditSession.untitled()
        self.variables = variables or []
        self.folder = folder
        self.runs: list[DocumentEditor.RunRequested] = []
        self.saved: list[Path] = []
        self.changes = 0

    @asynccontextmanager
    async def run_test(self, *args, **kwargs) -> AsyncIterator:  # type: ignore[override]
        """As App's, and before the app shuts down the editor is done with its edits: a
        shutdown prunes widgets that a rebuild is still mounting, and Textual's Select
        fails its Mount when its label is gone (seen on a loaded CI machine)."""
        async with super().run_test(*args, **kwargs) as pilot:
            yield pilot
            assert await until(pilot, lambda: not editors_busy(self)), "editor still busy"

    def compose(self) -> ComposeResult:
        yield DocumentEditor(
            self.session, variables=self.variables, folder=self.folder, watch_disk=None
        )

    @property
    def editor(self) -> DocumentEditor:
        return self.query_one(DocumentEditor)

    def on_document_editor_run_requested(self, event: DocumentEditor.RunRequested) -> None:
        self.runs.append(event)

    def on_document_editor_saved(self, event: DocumentEditor.Saved) -> None:
        self.saved.append(event.path)

    def on_document_editor_changed(self, event: DocumentEditor.Changed) -> None:
        self.changes += 1


class AreaHost(App):
    """EditorArea (files + tabs), quitting as the main app should: ask first."""

    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, path: Path | None = None, folder: Path | None = None, variables=None):
        super().__init__()
        self.path = path
        self.folder = folder
        self.variables = variables or []
        self.quit_called = False
        self.runs: list[DocumentEditor.RunRequested] = []

    def compose(self) -> ComposeResult:
        from wsblock.app.editor.files import EditorArea

        yield EditorArea(self.path, folder=self.folder, variables=self.variables, watch_disk=None)

    @property
    def area(self):
        from wsblock.app.editor.files import EditorArea

        return self.query_one(EditorArea)

    def on_document_editor_run_requested(self, event: DocumentEditor.RunRequested) -> None:
        self.runs.append(event)

    async def action_quit(self) -> None:
        def really() -> None:
            self.quit_called = True
            self.exit()

        self.area.confirm_quit(really)


async def settled(pilot, app) -> None:
    """Until the editor is done with its edits and the keys it held, and the app idle."""
    for _ in range(3):
        assert await until(pilot, lambda: not app.editor.busy)
        await pilot.pause(0.05)
    assert not app.editor.busy
