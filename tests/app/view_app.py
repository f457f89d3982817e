"""A test app around one connection view, on the real Session over a fake Transport
(imported by name, not from ``conftest``: another test folder's conftest may hold that name)."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeTransport
from textual.app import App

from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.conversation.request import Request
from wsblock.engine import Session

CSS = str(Path(__file__).resolve().parents[2] / "src" / "wsblock" / "app" / "wsblock.tcss")


class ViewApp(App):
    """One ConnectionView; each connection attempt gets a new :class:`FakeTransport`."""

    CSS_PATH = CSS

    def __init__(
        self, request: Request | None = None, refuse: bool = False, substitute=None, tmp=None
    ):
        super().__init__()
        self.request = request or Request(name="echo", url="ws://127.0.0.1:9/echo")
        self.refuse = refuse
        self.sessions: list[Session] = []
        self.transports: list[FakeTransport] = []
        self.events: list = []  # every event of every session, in order
        self.substitute = substitute
        self.tmp = tmp

    def transport(self) -> FakeTransport:
        t = FakeTransport(refuse=self.refuse)
        self.transports.append(t)
        return t

    def session_factory(self, request: Request) -> Session:
        s = Session(request, transport=self.transport)
        s.add_listener(self.events.append)
        self.sessions.append(s)
        return s

    def compose(self):
        yield ConnectionView(
            self.request,
            session_factory=self.session_factory,
            journal_factory=lambda r: None,
            substitute=self.substitute,
            export_dir=self.tmp,
        )

    @property
    def view(self) -> ConnectionView:
        return self.query_one(ConnectionView)

    @property
    def server(self) -> FakeTransport:
        """The transport of the latest connection."""
        return self.transports[-1]

    def sent(self) -> list:
        """The ``sent`` events, in order."""
        return [e for e in self.events if e.kind == "sent"]
