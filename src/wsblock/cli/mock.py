"""``wsblock mock``: a WebSocket server that plays the server's side of a recorded
session or of a HAR file (:mod:`wsblock.servers.mock`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from wsblock.cli.common import guarded
from wsblock.cli.replay import IGNORE, LOG_DIR, recording, rules
from wsblock.conversation.compare import Msg
from wsblock.servers.mock import Script
from wsblock.servers.routes import Route, recorded_script
from wsblock.servers.wire import wire_for
from wsblock.userinput import BadInput

if TYPE_CHECKING:
    from wsblock.har.read import HarSocket


def _script(socket: HarSocket) -> Script:
    """A HAR entry's script: its frames, in its protocol (Socket.IO, GraphQL: the mock
    keeps their keep-alives itself, so the recorded ones are left out)."""
    keepalive = wire_for(socket.protocol).keepalive
    messages = [
        Msg(
            "binary" if m.binary else "text",
            m.data,
            m.at,
            "out" if m.sent else "in",
        )
        for m in socket.messages
        if not keepalive(m.data)
    ]
    return Script(messages, subprotocol=socket.subprotocol, protocol=socket.protocol)


def _route(socket: HarSocket) -> Route:
    parts = urlsplit(socket.url)
    return Route(_script(socket), parts.path or "/", parts.query, f"entry {socket.number}")


def _from_har(path: Path, entry: int | None) -> Script | list[Route]:
    """One entry's script (``--entry N``, or the only one), else a route per entry."""
    from wsblock.har.read import HarError, read_har

    try:
        sockets = read_har(path)
    except HarError as e:
        raise BadInput(str(e)) from None
    if entry is not None:
        if not 1 <= entry <= len(sockets):
            raise BadInput(f"--entry {entry}: {path} holds {len(sockets)} WebSocket entries")
        return _script(sockets[entry - 1])
    if len(sockets) == 1:
        return _script(sockets[0])
    return [_route(s) for s in sockets]


def script_of(source: str, entry: int | None, log_dir: Path | None) -> Script | list[Route]:
    """The :class:`Script` of SOURCE: a HAR file (a file that is not a journal; a route
    per WebSocket entry when it holds several), else a recorded session (an id, its
    start, a name, ``last``, a journal file)."""
    path = Path(source)
    if path.is_file() and not source.endswith(".ndjson"):
        return _from_har(path, entry)
    if source.endswith(".har"):
        raise BadInput(f"{source}: no such file")
    try:
        return recorded_script(recording(source, log_dir))
    except ValueError as e:
        raise BadInput(str(e)) from None


def _counts(script: Script) -> str:
    sent = sum(1 for m in script.messages if m.dir == "out")
    if script.protocol != "websocket":  # its frames, the protocol's own among them
        return f"{script.protocol}, {len(script.messages) - sent} server frames, {sent} client ones"
    return f"{len(script.messages) - sent} server messages, {sent} client ones"


def describe(source: str, script: Script | list[Route]) -> list[str]:
    """What the mock of ``source`` plays, as lines for its log."""
    if isinstance(script, Script):
        lines = [f"mock of {source}: {_counts(script)}"]
        if script.connections > 1:
            lines.append(
                f"  the session connected {script.connections} times: every client "
                "connection plays its first"
            )
        return lines
    lines = [f"mock of {source}: {len(script)} WebSocket entries, each on its path"]
    for route in script:
        lines.append(f"  {route.path}: {route.name}, {_counts(route.script)}")
    return lines


@click.command()
@click.argument("source")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--speed",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="X",
    help="1: answers paced as recorded; 2: twice as fast; 0: at once.",
)
@IGNORE
@click.option("--strict", is_flag=True, help="Close with 1008 on a message that matches nothing.")
@click.option(
    "--tls",
    nargs=2,
    type=click.Path(path_type=Path),
    metavar="CERT KEY",
    help="Serve wss:// with this PEM certificate and key.",
)
@click.option(
    "--entry",
    type=int,
    metavar="N",
    help="For a HAR file: only its Nth WebSocket entry, on any path (default: each "
    "entry on the path it was recorded on).",
)
@LOG_DIR
@guarded
def mock(
    source: str,
    host: str,
    port: int,
    speed: float,
    ignore: tuple[str, ...],
    strict: bool,
    tls: tuple[Path, Path] | None,
    entry: int | None,
    log_dir: Path | None,
) -> None:
    """Serve the server's side of SOURCE, a recorded session or a HAR file.

    SOURCE: a session (an id from `wsblock sessions`, its start, a name, `last`) or a
    .har file. A HAR with several WebSocket entries: each is served on the path it was
    recorded on (several on one path: the one whose query the client sends, else each
    in turn; another path is refused with 404); --entry N serves only the Nth, on any
    path. On connect, the messages the server sent first go out; each
    client message that matches the next recorded one (same text; JSON equal outside
    --ignore paths) gets the server's recorded answers, paced as recorded. A message
    that matches nothing is logged (and closes with 1008 under --strict). Each
    connection replays from the start. A Socket.IO or GraphQL session is served in its
    protocol, its answers with the client's own ack and operation ids.

    \b
    Examples:
      wsblock mock last --port 8765
      wsblock mock chat.har --speed 0 --ignore body.id
      wsblock run chat.void --env-var WS_BASE=ws://127.0.0.1:8765

    Exit code 2 on bad input (an unknown session, a HAR without a WebSocket entry, a
    busy port).
    """
    the_rules = rules(ignore)
    script = script_of(source, entry, log_dir)
    from wsblock.servers.listen import run_forever, tls_context
    from wsblock.servers.mock import serve

    context = tls_context(*tls) if tls else None

    def log(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    for line in describe(source, script):
        log(line)
    run_forever(
        lambda: serve(
            script,
            host,
            port,
            speed=speed,
            rules=the_rules,
            strict=strict,
            ssl=context,
            log=log,
        ),
        "mock server",
        tls=tls is not None,
        host=host,
    )
