"""The mock server: plays the server's side of a recorded conversation.

Each connection (on any path) replays from the start: the messages the server sent
first go out on connect; then, each time the client sends a message that matches the
next recorded client message (same text; JSON equal outside the ``--ignore`` paths,
:func:`~wsblock.conversation.compare.same_message`), the server's recorded answers
follow, paced as recorded (divided by ``speed``; 0: at once). A message that matches
nothing is logged and answered by nothing, or closes the connection with 1008 under
``strict``. When the recording ended with the server closing, so does the mock.

::

    script = Script(messages, subprotocol="chat", close=(1000, ""))
    server = await serve(script, "127.0.0.1", 0, log=print)
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from websockets.asyncio.server import Server, ServerConnection
from websockets.exceptions import ConnectionClosed

from wsblock.conversation.compare import NO_RULES, IgnoreRules, Msg, same_message
from wsblock.servers.listen import listen

MAX_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Script:
    """A recorded conversation, as the mock plays it: ``messages`` in order (``dir``
    ``in``: the server sent it; ``out``: the client did), ``at`` in seconds."""

    messages: Sequence[Msg]
    subprotocol: str | None = None
    close: tuple[int, str] | None = None
    """How the server closed the recorded connection, if it did."""
    names: dict[int, str] = field(default_factory=dict)
    """Names of the client's messages, by position among them (for the log)."""


def _preview(msg: Msg | str | bytes, limit: int = 60) -> str:
    if isinstance(msg, Msg):
        text = msg.text
    else:
        text = msg if isinstance(msg, str) else f"<{len(msg)} bytes>"
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Mock:
    """One mock server's script, options and log."""

    def __init__(
        self,
        script: Script,
        *,
        speed: float = 1.0,
        rules: IgnoreRules = NO_RULES,
        strict: bool = False,
        log: Callable[[str], None] = lambda line: None,
    ):
        self.script = script
        self.speed = speed
        self.rules = rules
        self.strict = strict
        self.log = log
        self._clients = itertools.count(1)

    def select_subprotocol(
        self, connection: ServerConnection, offered: Sequence[str]
    ) -> str | None:
        if self.script.subprotocol in offered:
            return self.script.subprotocol
        return offered[0] if offered else None

    async def _answer(self, ws: ServerConnection, start: int, since: float) -> int:
        """Send the server's messages from position ``start`` until the next client
        message, paced from ``since``; the position of that client message."""
        messages = self.script.messages
        i = start
        while i < len(messages) and messages[i].dir == "in":
            msg = messages[i]
            if self.speed > 0:
                delay = (msg.at - since) / self.speed
                if delay > 0:
                    await asyncio.sleep(delay)  # pacing as recorded: the wait is the point
                since = msg.at
            await ws.send(msg.data)
            i += 1
        return i

    async def handle(self, ws: ServerConnection) -> None:
        n = next(self._clients)
        path = (ws.request.path if ws.request else "/").partition("?")[0]
        self.log(f"client {n} connected {path}")  # no query: it may hold a token
        messages = self.script.messages
        sent_by_client = 0
        try:
            pos = await self._answer(ws, 0, 0.0)
            async for data in ws:
                got = Msg("binary" if isinstance(data, bytes) else "text", data, dir="out")
                if pos < len(messages) and same_message(messages[pos], got, self.rules):
                    sent_by_client += 1
                    name = self.script.names.get(sent_by_client)
                    label = f" ({name})" if name else ""
                    self.log(f"client {n} → message {sent_by_client}{label} matched")
                    pos = await self._answer(ws, pos + 1, messages[pos].at)
                    if pos >= len(messages) and self.script.close is not None:
                        code, reason = self.script.close
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
        self.log(f"client {n} closed ({ws.close_code})")


async def serve(
    script: Script,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    speed: float = 1.0,
    rules: IgnoreRules = NO_RULES,
    strict: bool = False,
    ssl: object = None,
    log: Callable[[str], None] = lambda line: None,
) -> Server:
    """Start the mock on ``host``:``port`` (0: a free port) in the running loop;
    :class:`~wsblock.userinput.BadInput` when the address cannot be bound."""
    mock = Mock(script, speed=speed, rules=rules, strict=strict, log=log)
    return await listen(
        mock.handle,
        host,
        port,
        ssl=ssl,  # type: ignore[arg-type]
        select_subprotocol=mock.select_subprotocol,
        max_size=MAX_SIZE,
        ping_interval=None,
    )
