"""What the project's servers share: binding a port (a busy one said in words), TLS
from a certificate and key, saying where they listen, and serving until Ctrl+C.

::

    context = tls_context(cert, key)                     # BadInput if unusable
    server = await listen(handler, host, port, ssl=context, process_request=...)
    run_forever(start, "mock server")                    # the command's main loop

:func:`run_forever` prints ``<what> listening on ws://host:port (Ctrl+C stops it)`` on
stderr and ``listening PORT`` on stdout (tests and scripts read the port from it).
"""

from __future__ import annotations

import asyncio
import errno
import ssl
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection
from websockets.asyncio.server import serve as ws_serve

from wsblock.userinput import BadInput

Handler = Callable[[ServerConnection], Awaitable[None]]


class CannotListen(BadInput, OSError):
    """The address cannot be bound (a busy port, an unknown host): bad input (exit 2) for
    a command, an ``OSError`` for code that starts a server."""


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) and its key; :class:`BadInput`
    names the file that cannot be used."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for path in (cert, key):
        if not Path(path).is_file():
            raise BadInput(f"--tls: {path}: no such file")
    try:
        context.load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, OSError) as e:
        raise BadInput(f"--tls {cert} {key}: not a usable certificate and key: {e}") from None
    return context


async def listen(
    handler: Handler, host: str, port: int, *, ssl: ssl.SSLContext | None = None, **options: Any
) -> Server:
    """Start a websockets server on ``host``:``port`` (0: a free one); :class:`CannotListen`
    when the address cannot be bound (a busy port, an unknown host)."""
    try:
        return await ws_serve(handler, host, port, ssl=ssl, **options)
    except OSError as e:
        raise cannot_listen(host, port, e) from None


def cannot_listen(host: str, port: int, error: OSError) -> CannotListen:
    """Why ``host``:``port`` cannot be listened on, in the words every server of the
    project says it (``echo-server``, ``mock``, ``serve``)."""
    if error.errno == errno.EADDRINUSE:
        return CannotListen(
            f"cannot listen on {host}:{port}: the port is busy (another server uses it; "
            "pick another with --port, or --port 0 for a free one)"
        )
    return CannotListen(f"cannot listen on {host}:{port}: {error.strerror or error}")


def bound_port(server: Server) -> int:
    """The TCP port ``server`` listens on."""
    port: int = server.sockets[0].getsockname()[1]
    return port


def url_of(server: Server, host: str, tls: bool = False) -> str:
    """``ws://host:port`` (``wss://`` with TLS) of a listening server."""
    shown = f"[{host}]" if ":" in host else host
    return f"{'wss' if tls else 'ws'}://{shown}:{bound_port(server)}"


def run_forever(
    start: Callable[[], Awaitable[Server]], what: str, *, tls: bool = False, host: str
) -> None:
    """Run the server ``start()`` makes until Ctrl+C, saying where it listens."""

    async def main() -> None:
        server = await start()
        async with server:
            sys.stderr.write(f"{what} listening on {url_of(server, host, tls)} (Ctrl+C stops it)\n")
            sys.stderr.flush()
            print(f"listening {bound_port(server)}", flush=True)
            await server.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
