"""Fixtures for the app's tests: a test app around one connection view, fakes, peers."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/, for the shared `peers`

from fakes import FakeSession  # noqa: E402
from textual.app import App  # noqa: E402

from peers.fixtures import echo_server, free_port, ws_peer  # noqa: E402, F401
from wsblock.app.widgets.response.connection import ConnectionView  # noqa: E402
from wsblock.request import Request  # noqa: E402

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


@pytest.fixture
def demo(tmp_path) -> Path:
    """A writable copy of the bundled demo file (it uses ``{{ECHO_URL}}``)."""
    from wsblock.app import DEMO_FILE

    path = tmp_path / "demo.void"
    shutil.copyfile(DEMO_FILE, path)
    return path


@pytest.fixture
def view_app(tmp_path):
    return ViewApp(tmp=tmp_path)


@pytest.fixture(autouse=True)
def _state_home(tmp_path, monkeypatch):
    """Journals go to the test's own folder, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
