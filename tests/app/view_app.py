"""A test app around one connection view, on a FakeSession (imported by name, not from
``conftest``: another test folder's conftest may hold that name)."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeSession
from textual.app import App

from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.request import Request

CSS = str(Path(__file__).resolve().parents[2] / "src" / "wsblock" / "app" / "wsblock.tcss")


class ViewApp(App):
    """One ConnectionView on a FakeSession."""

    CSS_PATH = CSS

    def __init__(
        self, request: Request | None = None, refuse: bool = False, substitute=None, tmp=None
    ):
        super().__init__()
        self.request = request or Request(name="echo", url="ws://127.0.0.1:9/echo")
        self.refuse = refuse
        self.sessions: list[FakeSession] = []
        self.substitute = substitute
        self.tmp = tmp

    def compose(self):
        def factory(r):
            s = FakeSession(r, refuse=self.refuse)
            self.sessions.append(s)
            return s

        yield ConnectionView(
            self.request,
            session_factory=factory,
            journal_factory=lambda r: None,
            substitute=self.substitute,
            export_dir=self.tmp,
        )

    @property
    def view(self) -> ConnectionView:
        return self.query_one(ConnectionView)
