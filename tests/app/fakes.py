"""A stand-in for the engine's Session, for tests of the widgets alone."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from wsblock.engine.events import Event


class FakeStream:
    def __init__(self) -> None:
        self._items: list[Event] = []
        self._ready = asyncio.Event()

    def push(self, ev: Event) -> None:
        self._items.append(ev)
        self._ready.set()

    async def batch(self) -> list[Event]:
        await self._ready.wait()
        self._ready.clear()
        items, self._items = self._items, []
        return items


class FakeSession:
    """Echoes whatever is sent; ``refuse=True`` fails to connect like a closed port."""

    def __init__(self, request, refuse: bool = False) -> None:
        self.request = request
        self.refuse = refuse
        self.streams: list[FakeStream] = []
        self.listeners = []
        self.t0 = time.monotonic()
        self.state = "idle"
        self.sent = []

    def subscribe(self) -> FakeStream:
        s = FakeStream()
        self.streams.append(s)
        return s

    def add_listener(self, fn) -> None:
        self.listeners.append(fn)

    def emit(self, kind, **kw) -> None:
        ev = Event(kind=kind, ts=datetime.now(UTC), mono=time.monotonic() - self.t0, **kw)
        for fn in self.listeners:
            fn(ev)
        for s in self.streams:
            s.push(ev)

    async def connect(self) -> bool:
        self.emit("connecting", attempt=1, request=self.request.url)
        await asyncio.sleep(0.01)
        if self.refuse:
            self.emit("error", error="refused", reason="connection refused")
            self.emit("close", code=1006, by="error")
            self.state = "closed"
            return False
        self.state = "open"
        self.emit("open", status=101, subprotocol="chat", extensions=("permessage-deflate",))
        return True

    async def send(self, message) -> None:
        data = message.data
        kind = "binary" if isinstance(data, bytes) else "text"
        self.sent.append(message)
        self.emit("sent", dir="out", type=kind, format=message.format, data=data, size=len(data))
        await asyncio.sleep(0)
        self.emit("received", dir="in", type=kind, data=data, size=len(data))

    def receive(self, data) -> None:
        kind = "binary" if isinstance(data, bytes) else "text"
        self.emit("received", dir="in", type=kind, data=data, size=len(data))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.state == "open":
            self.state = "closed"
            self.emit("close", code=code, reason=reason, by="client")

    def server_close(self, code=1001, reason="going away") -> None:
        self.state = "closed"
        self.emit("close", code=code, reason=reason, by="server")

    async def wait_closed(self) -> None:
        return None
