"""Fixtures for the app's tests: a test app around one connection view, fakes, peers."""

from __future__ import annotations

import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/, for the shared `peers`

from view_app import ViewApp  # noqa: E402

from peers.fixtures import echo_server, free_port, ws_peer  # noqa: E402, F401
from pilot_wait import editors_busy, until  # noqa: E402


@pytest.fixture
def demo(tmp_path) -> Path:
    """A writable copy of the bundled demo file (it uses ``{{ECHO_URL}}``)."""
    from wsblock.app import DEMO_FILE

    path = tmp_path / "demo.void"
    shutil.copyfile(DEMO_FILE, path)
    return path


@pytest.fixture
async def echo_url():
    """The embedded echo server on a free loopback port, in the test's loop."""
    from wsblock.servers.echo import serve

    server = await serve("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def view_app(tmp_path):
    return ViewApp(tmp=tmp_path)


@pytest.fixture(autouse=True)
def _state_home(tmp_path, monkeypatch):
    """Journals go to the test's own folder, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def _editors_done_before_shutdown(monkeypatch):
    """Before a test's app shuts down, its editors are done with their edits (see
    :func:`pilot_wait.editors_busy`; seen once on a loaded CI machine)."""
    from wsblock.app.application import WsblockApp

    original = WsblockApp.run_test

    @asynccontextmanager
    async def run_test(self, *args, **kwargs):
        async with original(self, *args, **kwargs) as pilot:
            yield pilot
            await until(pilot, lambda: not editors_busy(self), step=0.02)

    monkeypatch.setattr(WsblockApp, "run_test", run_test)
