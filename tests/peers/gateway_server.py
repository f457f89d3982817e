"""A chat-platform gateway for the tests of stateful conversations (issue 18).

It behaves like the gateways of chat platforms (Discord's, Slack's RTM):

* the handshake answer carries a fresh session token in ``X-Session-Token``
  (``gwt-`` and 32 hex digits: a test can tell that none leaked), a cookie
  ``Set-Cookie: gw_session=gwc-…`` and a resume ticket ``X-Resume-Ticket: gwr-…`` (a
  header whose name is not secret-like: a file makes it a secret by capturing it);
* at once it sends ``{"op": "hello", "s": 1, "d": {"heartbeat_interval": HB}}``
  (HB ms, 250 unless ``?hb=`` says otherwise);
* every message it sends carries the next sequence number ``s``;
* the client must send ``{"op": "heartbeat", "d": S}`` at least every 3 × HB ms, where S
  is a recent sequence number (one of the last 4 sent, in-flight ones allowed; the last
  ``?recent=`` N otherwise); else it
  closes with 4009 "heartbeat timeout" or 4007 "bad sequence N, last sent M";
  each heartbeat is answered ``{"op": "heartbeat_ack", "s": ...}``;
* ``{"op": "identify", "token": T}`` with the handshake's token is answered
  ``{"op": "dispatch", "t": "READY", "s": ..., "d": {"session_id": SID}}``; a wrong token
  closes 4004 "authentication failed";
* after READY, an application-level ``{"op": "ping", "s": ..., "nonce": N}`` every 400 ms:
  ``{"op": "pong", "nonce": N}`` must come back within 300 ms (``?answer=`` ms otherwise:
  the app's tests give a loaded machine's UI more room), else 4008 "ping not answered";
* ``{"op": "status", "session_id": SID}`` is answered ``{"op": "dispatch", "t": "STATUS",
  "d": {"ok": true, "pongs": n}}`` (``ok`` false with a wrong session id);
* after 5 good heartbeats following READY it sends ``{"op": "dispatch", "t":
  "HEARTBEATS_OK"}``.

Run it as ``python gateway_server.py``: it prints ``listening PORT``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

PING_EVERY = 0.4
PING_ANSWER = 0.3


def add_token(connection: Any, request: Any, response: Any) -> Any:
    """The handshake answer carries the session token."""
    token = "gwt-" + secrets.token_hex(16)
    connection.session_token = token
    response.headers["X-Session-Token"] = token
    response.headers["Set-Cookie"] = f"gw_session=gwc-{secrets.token_hex(16)}; Path=/; HttpOnly"
    response.headers["X-Resume-Ticket"] = "gwr-" + secrets.token_hex(16)
    return response


class Gateway:
    def __init__(
        self, ws: ServerConnection, hb_ms: int, answer_ms: int = 300, recent: int = 4
    ) -> None:
        self.ws = ws
        self.hb = hb_ms / 1000
        self.answer = answer_ms / 1000
        self.s = 0
        self.recent: deque[int] = deque(maxlen=recent)
        self.last_beat = time.monotonic()
        self.good_beats = 0
        self.ready = False
        self.session_id = ""
        self.nonces: dict[str, float] = {}
        self.pongs = 0

    async def send(self, message: dict[str, Any]) -> None:
        self.s += 1
        self.recent.append(self.s)
        await self.ws.send(json.dumps({**message, "s": self.s}))

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code, reason)

    async def watch(self) -> None:
        """Close when heartbeats stop or a ping is not answered in time."""
        next_ping = None
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            if now - self.last_beat > 3 * self.hb:
                await self.close(4009, "heartbeat timeout")
                return
            for nonce, sent in list(self.nonces.items()):
                if now - sent > self.answer:
                    await self.close(4008, f"ping {nonce} not answered")
                    return
            if self.ready:
                if next_ping is None:
                    next_ping = now + PING_EVERY
                elif now >= next_ping:
                    nonce = secrets.token_hex(4)
                    self.nonces[nonce] = time.monotonic()
                    await self.send({"op": "ping", "nonce": nonce})
                    next_ping = now + PING_EVERY

    async def handle(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "heartbeat":
            d = message.get("d")
            if d not in self.recent:
                await self.close(4007, f"bad sequence {d}, last sent {self.s}")
                return
            self.last_beat = time.monotonic()
            await self.send({"op": "heartbeat_ack"})
            if self.ready:
                self.good_beats += 1
                if self.good_beats == 5:
                    await self.send({"op": "dispatch", "t": "HEARTBEATS_OK"})
        elif op == "identify":
            if message.get("token") != getattr(self.ws, "session_token", None):
                await self.close(4004, "authentication failed")
                return
            self.session_id = secrets.token_hex(8)
            self.ready = True
            await self.send({"op": "dispatch", "t": "READY", "d": {"session_id": self.session_id}})
        elif op == "pong":
            if self.nonces.pop(str(message.get("nonce")), None) is not None:
                self.pongs += 1
        elif op == "status":
            ok = bool(self.session_id) and message.get("session_id") == self.session_id
            await self.send({"op": "dispatch", "t": "STATUS", "d": {"ok": ok, "pongs": self.pongs}})
        else:
            await self.close(4001, f"unknown op {op!r}")


async def handler(ws: ServerConnection) -> None:
    query = parse_qs(urlsplit(ws.request.path if ws.request else "/").query)
    answer = int(query.get("answer", [str(int(PING_ANSWER * 1000))])[0])
    recent = int(query.get("recent", ["4"])[0])
    gw = Gateway(ws, int(query.get("hb", ["250"])[0]), answer, recent)
    await gw.send({"op": "hello", "d": {"heartbeat_interval": int(gw.hb * 1000)}})
    watcher = asyncio.create_task(gw.watch())
    try:
        async for raw in ws:
            try:
                message = json.loads(raw)
            except ValueError:
                await gw.close(4002, "not JSON")
                break
            await gw.handle(message)
    except ConnectionClosed:
        pass
    finally:
        watcher.cancel()


async def main() -> None:
    async with serve(handler, "127.0.0.1", 0, process_response=add_token) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("listening", port, flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
