"""``wsblock mock``: a WebSocket server that plays the server's side of a recorded
session or of a HAR file (:mod:`wsblock.servers.mock`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wsblock.cli.common import guarded
from wsblock.cli.replay import IGNORE, LOG_DIR, recording, rules
from wsblock.conversation.compare import Msg
from wsblock.servers.mock import Script
from wsblock.userinput import BadInput

if TYPE_CHECKING:
    from wsblock.har.read import HarSocket


def _from_har(path: Path, entry: int | None) -> Script:
    from wsblock.har.read import HarError, read_har

    try:
        sockets = read_har(path)
    except HarError as e:
        raise BadInput(str(e)) from None
    socket = _pick(sockets, entry, path)
    messages = [
        Msg(
            "binary" if m.binary else "text",
            m.data,
            m.at,
            "out" if m.sent else "in",
        )
        for m in socket.messages
    ]
    return Script(messages, subprotocol=socket.subprotocol)


def _pick(sockets: list[HarSocket], entry: int | None, path: Path) -> HarSocket:
    """The WebSocket entry ``--entry N`` names (default: the only one)."""
    if entry is None:
        if len(sockets) > 1:
            raise BadInput(
                f"{path} holds {len(sockets)} WebSocket entries: pick one with --entry N "
                f"(1 to {len(sockets)})"
            )
        return sockets[0]
    if not 1 <= entry <= len(sockets):
        raise BadInput(f"--entry {entry}: {path} holds {len(sockets)} WebSocket entries")
    return sockets[entry - 1]


def script_of(source: str, entry: int | None, log_dir: Path | None) -> Script:
    """The :class:`Script` of SOURCE: a HAR file (a file that is not a journal), else a
    recorded session (an id, its start, a name, ``last``, a journal file)."""
    path = Path(source)
    if path.is_file() and not source.endswith(".ndjson"):
        return _from_har(path, entry)
    if source.endswith(".har"):
        raise BadInput(f"{source}: no such file")
    rec = recording(source, log_dir)
    if rec.opened_at is None:
        raise BadInput(f"{rec.id}: the session never connected: there is nothing to play")
    close = None
    if rec.close is not None and rec.close.get("by") == "server":
        close = (int(rec.close.get("code") or 1000), str(rec.close.get("reason") or ""))
    names = {i: name for i, name in enumerate(rec.sent_names, 1) if name}
    return Script(rec.messages, subprotocol=rec.subprotocol, close=close, names=names)


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
@click.option("--entry", type=int, metavar="N", help="For a HAR file: its Nth WebSocket entry.")
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
    .har file. On connect (any path), the messages the server sent first go out; each
    client message that matches the next recorded one (same text; JSON equal outside
    --ignore paths) gets the server's recorded answers, paced as recorded. A message
    that matches nothing is logged (and closes with 1008 under --strict). Each
    connection replays from the start.

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

    sent = sum(1 for m in script.messages if m.dir == "out")
    log(f"mock of {source}: {len(script.messages) - sent} server messages, {sent} client ones")
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
