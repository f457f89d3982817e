"""A fake :class:`~wsblock.engine.transport.Transport`: the engine's own interface.

The app's tests run the real :class:`~wsblock.engine.Session` on it, so what the
widgets see is exactly what a live connection gives them; only the socket is fake.
It echoes what is sent; ``refuse=True`` fails to connect like a closed port.
"""

from __future__ import annotations

import asyncio
import time

from wsblock.engine.errors import ConnectFailed, Problem
from wsblock.engine.transport import Batch, Control, Ending, Handshake, TransportClosed


class FakeTransport:
    """One fake connection; the test pushes what the server "sends"."""

    def __init__(self, refuse: bool = False, echo: bool = True) -> None:
        self.refuse = refuse
        self.echo = echo
        self.sent: list[str | bytes] = []
        self.pings: list[bytes] = []
        self.closed_with: tuple[int, str] | None = None
        self._pending: list[Batch] = []
        self._ready = asyncio.Event()
        self._ending: Ending | None = None

    async def connect(self, params) -> Handshake:
        await asyncio.sleep(0)
        if self.refuse:
            raise ConnectFailed(
                Problem(
                    "refused", "connection refused by 127.0.0.1:9: nothing listens on that port"
                )
            )
        return Handshake(101, (), "chat", ("permessage-deflate",))

    def _push(self, *items) -> None:
        self._pending.append(Batch(time.monotonic(), list(items)))
        self._ready.set()

    async def send(self, data: str | bytes) -> None:
        if self._ending is not None:
            raise TransportClosed(self._ending)
        self.sent.append(data)
        if self.echo:
            self._push(data)

    async def recv(self) -> list[Batch]:
        while not self._pending:
            if self._ending is not None:
                raise TransportClosed(self._ending)
            self._ready.clear()
            await self._ready.wait()
        out, self._pending = self._pending, []
        return out

    async def ping(self, data: bytes) -> None:
        if self._ending is not None:
            raise TransportClosed(self._ending)
        self.pings.append(data)
        self._push(Control("ping", "out", data), Control("pong", "in", data, rtt_ms=1.5))

    async def close(self, code: int, reason: str, timeout: float | None = None) -> None:
        self.closed_with = (code, reason)
        self.end(Ending(code, reason, "client"))

    def abort(self) -> None:
        self.end(Ending(1006, "", "error"))

    # -- the server's side, for tests --------------------------------------------------
    def receive(self, *items) -> None:
        """The server sends ``items`` (str, bytes or Control) in one socket read."""
        self._push(*items)

    def keepalive(self) -> None:
        """The library's keep-alive ping and its pong."""
        self._push(
            Control("ping", "out", b"ka", keepalive=True),
            Control("pong", "in", b"ka", rtt_ms=0.5, keepalive=True),
        )

    def server_close(self, code: int = 1001, reason: str = "going away") -> None:
        self.end(Ending(code, reason, "server"))

    def end(self, ending: Ending) -> None:
        if self._ending is None:
            self._ending = ending
        self._ready.set()
