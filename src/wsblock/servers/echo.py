"""The embedded echo server, with paths that make client behaviour testable.

Every path echoes each message back (text as text, binary as binary) unless it is
one of these (query parameters in brackets, with their defaults)::

    /echo                          echo (any other path too)
    /flood?n=N&size=S[&seq=0]      N text messages of S bytes, then close 1000;
                                   seq=1: each is its index, zero-padded to S bytes
    /big?size=N[&binary=0&fragments=1]   one message of N bytes first (text: "é"
                                   repeated, in that many fragments), then echo
    /headers                       first message: JSON of the handshake request
                                   {"path", "query", "headers", "subprotocol"}, then echo
    /subprotocol                   first message: JSON {"subprotocol", "offered"}, then echo
    /close?code=1000&reason=[&after=0]   close with code and reason (after echoing
                                   `after` messages)
    /reject?status=401&body=unauthorized[&header=Name:Value ...]
                                   refuse the handshake with that HTTP response
    /drop[?key=K&times=T]          close TCP right after the handshake, without a close
                                   frame; with a key, only the first T connections
                                   with that key (then echo): for reconnect tests
    /invalid-utf8                  a text frame that is not UTF-8, then echo
    /protocol-error                a frame that breaks RFC 6455 (a reserved bit set)
    /ping                          the server pings the client once, then echo
    /mute?seconds=5                stop reading (so no pong, no close answer) for that
                                   long, then close TCP: for timeout tests
    /hang?seconds=5                answer the handshake only after that long

Subprotocols ``chat``, ``graphql-transport-ws`` and ``graphql-ws`` are negotiated on
every path (the first one the client offers wins); a client offering none of them
still connects, without a subprotocol.

:func:`serve` starts it inside a running event loop (tests, the app);
:func:`run_echo_server` runs it until interrupted (the ``wsblock echo-server``
command). Neither prints anything.
"""

from __future__ import annotations

import asyncio
import http
import json
import ssl
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, broadcast
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, ProtocolError
from websockets.http11 import Request, Response

from wsblock.servers.listen import bound_port, listen

#: Subprotocols the server accepts, in its order of preference.
SUBPROTOCOLS = ("chat", "graphql-transport-ws", "graphql-ws")

#: Largest message the server accepts, and the largest it makes on request.
MAX_SIZE = 64 * 1024 * 1024
MAX_FLOOD = 10_000_000

Query = dict[str, list[str]]
Route = Callable[[ServerConnection, Query], Awaitable[None]]


async def serve(
    host: str = "127.0.0.1", port: int = 8765, *, ssl: ssl.SSLContext | None = None
) -> Server:
    """Start the echo server on ``host``:``port`` (0: a free port) and return it.

    The server runs in the current event loop until ``server.close()``; its port is
    ``server.sockets[0].getsockname()[1]`` (see :func:`bound_port`). ``ssl`` makes
    it a ``wss://`` server. An address that cannot be bound is
    :class:`~wsblock.userinput.BadInput` (a busy port said so).
    """
    echo = _EchoServer()
    return await listen(
        echo.handle,
        host,
        port,
        ssl=ssl,
        process_request=echo.process_request,
        select_subprotocol=_select_subprotocol,
        max_size=MAX_SIZE,
        ping_interval=None,  # only /ping pings: clients see predictable frames
    )


async def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8765,
    ready_callback: Callable[[str, int], object] | None = None,
) -> None:
    """Run the echo server until cancelled; ``ready_callback(host, port)`` once listening."""
    server = await serve(host, port)
    async with server:
        if ready_callback is not None:
            ready_callback(host, bound_port(server))
        await server.serve_forever()


def run_echo_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    ready_callback: Callable[[str, int], object] | None = None,
) -> None:
    """Serve forever in a new event loop (blocking); ``ready_callback(host, port)`` once listening.

    ``port`` 0 picks a free port, which ``ready_callback`` receives. Returns when
    interrupted (Ctrl+C); raises ``BadInput`` when the address cannot be bound.
    """
    try:
        asyncio.run(serve_forever(host, port, ready_callback))
    except KeyboardInterrupt:
        pass


# Handshake.


def _select_subprotocol(connection: ServerConnection, offered: Sequence[str]) -> str | None:
    for protocol in offered:
        if protocol in SUBPROTOCOLS:
            return protocol
    return None


class _EchoServer:
    """One server's routes and state (the connection counts of ``/drop``)."""

    def __init__(self) -> None:
        self.drops: Counter[str] = Counter()
        self.routes: dict[str, Route] = {
            "/flood": self.flood,
            "/big": self.big,
            "/headers": self.headers,
            "/subprotocol": self.subprotocol,
            "/close": self.close,
            "/drop": self.drop,
            "/invalid-utf8": self.invalid_utf8,
            "/protocol-error": self.protocol_error,
            "/ping": self.ping,
            "/mute": self.mute,
        }

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        path, query = _parse(request.path)
        if path == "/reject":
            return _rejection(connection, query)
        if path == "/hang":
            await _linger(connection, _number(query, "seconds", 5.0, 0, 3600))
        return None

    async def handle(self, ws: ServerConnection) -> None:
        path, query = _parse(ws.request.path if ws.request else "/")
        try:
            await self.routes.get(path, self.echo)(ws, query)
        except ConnectionClosed:
            pass

    # Routes.

    async def echo(self, ws: ServerConnection, query: Query | None = None) -> None:
        async for message in ws:
            await ws.send(message)

    async def flood(self, ws: ServerConnection, query: Query) -> None:
        n = int(_number(query, "n", 1000, 0, MAX_FLOOD))
        size = int(_number(query, "size", 64, 0, MAX_SIZE))
        if _flag(query, "seq"):
            for i in range(n):
                await ws.send(str(i).zfill(size))
        else:
            payload = b"x" * size
            for i in range(n):
                # broadcast() writes without waiting; every 256 messages, send()
                # waits for the socket to take them (flow control).
                if i % 256 == 255:
                    await ws.send(payload, text=True)
                else:
                    broadcast([ws], payload, text=True)
        await ws.close(1000, "flood done")

    async def big(self, ws: ServerConnection, query: Query) -> None:
        size = int(_number(query, "size", 1024 * 1024, 0, MAX_SIZE))
        fragments = int(_number(query, "fragments", 1, 1, 1000))
        binary = _flag(query, "binary")
        payload = b"x" * size if binary else ("é" * (size // 2) + "x" * (size % 2)).encode()
        if fragments == 1 or size < fragments:
            await ws.send(payload, text=not binary)
        else:  # cut at byte offsets: text fragments may end inside a character
            step = -(-size // fragments)
            await ws.send([payload[i : i + step] for i in range(0, size, step)], text=not binary)
        await self.echo(ws)

    async def headers(self, ws: ServerConnection, query: Query) -> None:
        request = ws.request
        assert request is not None
        report = {
            "path": urlsplit(request.path).path,
            "query": _parse(request.path)[1],
            "headers": [[name, value] for name, value in request.headers.raw_items()],
            "subprotocol": ws.subprotocol,
        }
        await ws.send(json.dumps(report))
        await self.echo(ws)

    async def subprotocol(self, ws: ServerConnection, query: Query) -> None:
        request = ws.request
        assert request is not None
        offered = [
            p.strip()
            for value in request.headers.get_all("Sec-WebSocket-Protocol")
            for p in value.split(",")
            if p.strip()
        ]
        await ws.send(json.dumps({"subprotocol": ws.subprotocol, "offered": offered}))
        await self.echo(ws)

    async def close(self, ws: ServerConnection, query: Query) -> None:
        code = int(_number(query, "code", 1000, 1000, 4999))
        reason = _text(query, "reason", "")
        for _ in range(int(_number(query, "after", 0, 0, 1_000_000))):
            await ws.send(await ws.recv())
        try:
            await ws.close(code, reason)
        except ProtocolError:  # a code that may not be sent, such as 1005
            await ws.close(1008, f"{code} cannot be sent in a close frame")

    async def drop(self, ws: ServerConnection, query: Query) -> None:
        key = _text(query, "key", "")
        if key:
            self.drops[key] += 1
            if self.drops[key] > _number(query, "times", 1, 0, 1_000_000):
                await self.echo(ws)
                return
        # FIN without a close frame (no RST: the client reads the 101 first).
        ws.transport.close()

    async def invalid_utf8(self, ws: ServerConnection, query: Query) -> None:
        # A text frame whose payload is not UTF-8: websockets sends bytes as given.
        await ws.send(b"\xff\xfe not UTF-8", text=True)
        await self.echo(ws)

    async def protocol_error(self, ws: ServerConnection, query: Query) -> None:
        # FIN + RSV2 + text opcode, 2 bytes: no extension defines RSV2, so the
        # client must fail the connection (1002). Written under the library's feet.
        ws.transport.write(b"\xa1\x02hi")
        await self.echo(ws)

    async def ping(self, ws: ServerConnection, query: Query) -> None:
        pong = await ws.ping(b"server ping")
        await pong
        await self.echo(ws)

    async def mute(self, ws: ServerConnection, query: Query) -> None:
        ws.transport.pause_reading()
        await _linger(ws, _number(query, "seconds", 5.0, 0, 3600))
        ws.transport.close()


async def _linger(connection: ServerConnection, seconds: float) -> None:
    """Wait ``seconds``, or less if the connection ends first (the client gave up)."""
    try:
        await asyncio.wait_for(connection.wait_closed(), seconds)
    except TimeoutError:
        pass


def _rejection(connection: ServerConnection, query: Query) -> Response:
    status = int(_number(query, "status", 401, 300, 599))
    try:
        http.HTTPStatus(status)
    except ValueError:
        status = 400
    response = connection.respond(status, _text(query, "body", "unauthorized"))
    extra = Headers()
    for header in query.get("header", []):
        name, _, value = header.partition(":")
        if name.strip():
            extra[name.strip()] = value.strip()
    if status == 401 and "WWW-Authenticate" not in extra:
        extra["WWW-Authenticate"] = 'Bearer realm="wsblock echo server"'
    response.headers.update(extra)
    return response


# Query parameters.


def _parse(target: str) -> tuple[str, Query]:
    parts = urlsplit(target)
    return parts.path or "/", parse_qs(parts.query, keep_blank_values=True)


def _text(query: Query, name: str, default: str) -> str:
    values = query.get(name)
    return values[0] if values else default


def _number(query: Query, name: str, default: float, low: float, high: float) -> float:
    try:
        value = float(_text(query, name, str(default)))
    except ValueError:
        return default
    return min(max(value, low), high)


def _flag(query: Query, name: str) -> bool:
    return _text(query, name, "0").lower() in ("1", "true", "yes", "on")
