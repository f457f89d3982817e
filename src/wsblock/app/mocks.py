"""The mock servers the app started (from the sessions list): each plays a recorded
session's server side (:mod:`wsblock.servers.mock`) in the app's own process and event
loop, on a free loopback port, until it is stopped or the app ends.

::

    mocks = Mocks()
    mock = await mocks.start(script, "chat (20261206T024526Z-chat)")
    mock.url, mock.log                  # ws://127.0.0.1:PORT, what each client did
    await mocks.stop(mock)              # or mocks.stop_all() when the app quits
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from websockets.asyncio.server import Server

    from wsblock.servers.routes import Script

HOST = "127.0.0.1"


@dataclass(eq=False)
class RunningMock:
    """One mock server: what it plays, where, and its log (every line kept)."""

    name: str
    server: Server
    url: str
    log: list[str] = field(default_factory=list)
    stopped: bool = False


class Mocks:
    """The app's running mock servers; ``on_change()`` is called after each log line,
    start and stop (the sessions screen redraws)."""

    def __init__(self) -> None:
        self.started: list[RunningMock] = []
        """Every mock started, the stopped ones too (their logs stay readable)."""
        self.listeners: list[Callable[[], None]] = []

    @property
    def running(self) -> list[RunningMock]:
        return [m for m in self.started if not m.stopped]

    def of(self, name: str) -> RunningMock | None:
        """The running mock called ``name``."""
        return next((m for m in self.running if m.name == name), None)

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    async def start(self, script: Script, name: str, *, speed: float = 1.0) -> RunningMock:
        """Serve ``script`` on a free port of 127.0.0.1; ``OSError`` if it cannot listen."""
        from wsblock.servers.listen import url_of
        from wsblock.servers.mock import serve

        lines: list[str] = []

        def log(line: str) -> None:
            lines.append(line)
            self._changed()

        server = await serve(script, HOST, 0, speed=speed, log=log)
        mock = RunningMock(name, server, url_of(server, HOST), lines)
        self.started.append(mock)
        self._changed()
        return mock

    async def stop(self, mock: RunningMock) -> None:
        """Stop ``mock``: no new connection; the open ones are closed."""
        if mock.stopped:
            return
        mock.stopped = True
        mock.server.close()
        await mock.server.wait_closed()
        mock.log.append("stopped")
        self._changed()

    async def stop_all(self) -> None:
        for mock in list(self.running):
            await self.stop(mock)
