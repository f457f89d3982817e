"""The mock server: plays the server's side of a recorded conversation.

Which conversation: the one script on any path, or, for a HAR's several WebSocket
entries, the one recorded on the client's path (:mod:`wsblock.servers.routes`; an
unknown path is refused with 404). Each connection replays from the start: the messages the server sent
first go out on connect; then, each time the client sends a message that matches the
next recorded client message (same text; JSON equal outside the ``--ignore`` paths,
:func:`~wsblock.conversation.compare.same_message`), the server's recorded answers
follow, paced as recorded (divided by ``speed``; 0: at once). A message that matches
nothing is logged and answered by nothing, or closes the connection with 1008 under
``strict``. When the recording ended with the server closing, so does the mock. A
session that spoke Socket.IO or GraphQL is played frame by frame in its protocol: its
keep-alives, and the client's own ids in the recorded answers (:mod:`.wire`).

::

    script = Script(messages, subprotocol="chat", close=(1000, ""))
    server = await serve(script, "127.0.0.1", 0, log=print)
    server = await serve([Route(a, "/socket"), Route(b, "/feed")], "127.0.0.1", 0)
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from collections.abc import Callable, Sequence

from websockets.asyncio.server import Server, ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from wsblock.conversation.compare import NO_RULES, IgnoreRules, Msg, same_message
from wsblock.servers.listen import listen
from wsblock.servers.routes import Route, Routes, Script
from wsblock.servers.wire import Wire, wire_for

MAX_SIZE = 64 * 1024 * 1024


def _preview(msg: Msg | str | bytes, limit: int = 60) -> str:
    if isinstance(msg, Msg):
        text = msg.text
    else:
        text = msg if isinstance(msg, str) else f"<{len(msg)} bytes>"
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Mock:
    """One mock server's scripts, options and log."""

    def __init__(
        self,
        scripts: Script | Sequence[Route],
        *,
        speed: float = 1.0,
        rules: IgnoreRules = NO_RULES,
        strict: bool = False,
        log: Callable[[str], None] = lambda line: None,
    ):
        self.routes = Routes([Route(scripts)] if isinstance(scripts, Script) else scripts)
        self.speed = speed
        self.rules = rules
        self.strict = strict
        self.log = log
        self._clients = itertools.count(1)
        self._chosen: weakref.WeakKeyDictionary[ServerConnection, Route] = (
            weakref.WeakKeyDictionary()
        )

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Pick the connection's script by its path; refuse (404) a path it has none for."""
        route = self.routes.pick(request.path)
        if route is None:
            path = request.path.partition("?")[0]  # no query: it may hold a token
            served = ", ".join(self.routes.paths)
            self.log(f"refused {path}: no WebSocket entry was recorded there (served: {served})")
            return connection.respond(404, f"no recording on {path}; served: {served}\n")
        self._chosen[connection] = route
        return None

    def select_subprotocol(
        self, connection: ServerConnection, offered: Sequence[str]
    ) -> str | None:
        route = self._chosen.get(connection) or self.routes.routes[0]
        if route.script.subprotocol in offered:
            return route.script.subprotocol
        return offered[0] if offered else None

    async def _answer(
        self,
        ws: ServerConnection,
        script: Script,
        start: int,
        since: float,
        wire: Wire,
        ids: dict[str, str],
    ) -> int:
        """Send the server's messages from position ``start`` until the next client
        message, paced from ``since``, with the client's ids; the position of that
        client message."""
        messages = script.messages
        i = start
        while i < len(messages) and messages[i].dir == "in":
            msg = messages[i]
            if self.speed > 0:
                delay = (msg.at - since) / self.speed
                if delay > 0:
                    await asyncio.sleep(delay)  # pacing as recorded: the wait is the point
                since = msg.at
            await ws.send(wire.rewrite(msg, ids))
            i += 1
        return i

    async def handle(self, ws: ServerConnection) -> None:
        n = next(self._clients)
        route = self._chosen.pop(ws, None) or self.routes.routes[0]
        script = route.script
        path = (ws.request.path if ws.request else "/").partition("?")[0]
        plays = f" (plays {route.name})" if self.routes.by_path and route.name else ""
        self.log(f"client {n} connected {path}{plays}")  # no query: it may hold a token
        messages = script.messages
        wire = wire_for(script.protocol)
        ids: dict[str, str] = {}  # a recorded id -> the one this client chose
        sent_by_client = 0
        first = next((m for m in messages if m.dir == "in"), None)
        pings = wire.ping(first)
        pinger = asyncio.ensure_future(_ping(ws, *pings)) if pings else None
        try:
            pos = await self._answer(ws, script, 0, 0.0, wire, ids)
            async for data in ws:
                if (reply := wire.control(data)) is not None:  # the protocol's keep-alive
                    if reply:
                        await ws.send(reply)
                    continue
                got = Msg("binary" if isinstance(data, bytes) else "text", data, dir="out")
                seen = wire.comparable(got)
                want = wire.comparable(messages[pos]) if pos < len(messages) else None
                if (
                    want is not None
                    and want.head == seen.head
                    and same_message(want.msg, seen.msg, self.rules)
                ):
                    if seen.key is not None and want.key is not None:
                        ids[want.key] = seen.key
                    sent_by_client += 1
                    name = script.names.get(sent_by_client)
                    label = f" ({name})" if name else ""
                    self.log(f"client {n} → message {sent_by_client}{label} matched")
                    pos = await self._answer(ws, script, pos + 1, messages[pos].at, wire, ids)
                    if pos >= len(messages) and script.close is not None:
                        code, reason = script.close
                        self.log(f"client {n}: end of the recording, closing {code}")
                        await ws.close(code, reason)
                        break
                    continue
                expected = f"; expected {_preview(messages[pos])}" if pos < len(messages) else ""
                self.log(f"client {n} → unmatched: {_preview(data)}{expected}")
                if self.strict:
                    await ws.close(1008, "unexpected message")
                    break
        except ConnectionClosed:
            pass
        finally:
            if pinger is not None:
                pinger.cancel()
        self.log(f"client {n} closed ({ws.close_code})")


async def _ping(ws: ServerConnection, interval: float, frame: str) -> None:
    """The protocol's pings (Socket.IO's server pings), until the connection closes."""
    try:
        while True:
            await asyncio.sleep(interval)  # the protocol's interval, as recorded
            await ws.send(frame)
    except ConnectionClosed:
        pass


async def serve(
    scripts: Script | Sequence[Route],
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    speed: float = 1.0,
    rules: IgnoreRules = NO_RULES,
    strict: bool = False,
    ssl: object = None,
    log: Callable[[str], None] = lambda line: None,
) -> Server:
    """Start the mock of ``scripts`` (one for every path, or routes by path) on
    ``host``:``port`` (0: a free port) in the running loop;
    :class:`~wsblock.userinput.BadInput` when the address cannot be bound."""
    mock = Mock(scripts, speed=speed, rules=rules, strict=strict, log=log)
    return await listen(
        mock.handle,
        host,
        port,
        ssl=ssl,  # type: ignore[arg-type]
        process_request=mock.process_request,
        select_subprotocol=mock.select_subprotocol,
        max_size=MAX_SIZE,
        ping_interval=None,
    )
