"""``wsblock import har``: the WebSocket entries of a browser's HAR export as a
``.void`` file, its secrets in a ``.env`` beside it (:mod:`wsblock.har`)."""

from __future__ import annotations

from pathlib import Path

import click

from wsblock.cli.common import guarded
from wsblock.userinput import BadInput


@click.group("import")
def import_() -> None:
    """Turn traffic captured elsewhere into .void files.

    \b
    Examples:
      wsblock import har chat.har                  # chat.void and chat.env beside it
      wsblock import har chat.har -o tests/chat.void --entry 2
    """


@import_.command("har")
@click.argument("har_file", metavar="FILE.har", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="OUT.void",
    help="Where to write (default: FILE.void beside the HAR); OUT.env goes beside it.",
)
@click.option(
    "--entry", type=int, metavar="N", help="Only the Nth WebSocket entry (default: every one)."
)
@click.option("--force", is_flag=True, help="Overwrite OUT.void and OUT.env if they exist.")
@guarded
def har(har_file: Path, output: Path | None, entry: int | None, force: bool) -> None:
    """Import the WebSocket entries of a HAR file (Chromium or Firefox DevTools).

    Each entry becomes a request of OUT.void (--entry N: only the Nth): the URL with
    its origin as {{WS_BASE}} ({{WS_BASE_2}}... for entries on other origins), the headers
    worth keeping (Origin, subprotocols, X- headers), the sent messages, and after each
    the received ones as expectations that would hold on a replay. Secrets
    (Authorization, Cookie, tokens in the query) become variables whose values go to
    OUT.env (mode 600), never into the .void file.

    \b
    Example:
      wsblock import har session.har -o chat.void
      wsblock check chat.void -e chat.env
      wsblock mock session.har --port 8765 &
      wsblock run chat.void -e chat.env --env-var WS_BASE=ws://127.0.0.1:8765
    """
    from wsblock.har.read import HarError, read_har
    from wsblock.har.tovoid import env_text, to_void

    try:
        sockets = read_har(har_file)
    except HarError as e:
        raise BadInput(str(e)) from None
    if entry is not None:
        if not 1 <= entry <= len(sockets):
            raise BadInput(f"--entry {entry}: {har_file} holds {len(sockets)} WebSocket entries")
        sockets = [sockets[entry - 1]]
    out = output or har_file.with_suffix(".void")
    env_path = out.with_suffix(".env")
    if not out.parent.is_dir():
        raise BadInput(f"-o {out}: the folder {out.parent} does not exist")
    for path in (out, env_path):
        if path.exists() and not force:
            raise BadInput(f"{path} exists: pass --force to overwrite it")
    imported = to_void(sockets)
    try:
        env = env_text(imported)
    except ValueError as e:
        raise BadInput(f"{har_file}: {e}") from None
    _write(env_path, env, 0o600, force)
    _write(out, imported.text, 0o644, force)
    what = f"{len(sockets)} requests" if len(sockets) > 1 else "1 request"
    click.echo(f"wrote {out} ({what}) and {env_path} ({', '.join(imported.env)})")


def _write(path: Path, text: str, mode: int, force: bool) -> None:
    """Write ``text`` to ``path`` created with ``mode`` (an existing file only with force)."""
    from wsblock.har.write import write_new

    try:
        write_new(path, text, mode, force)
    except FileExistsError:
        raise BadInput(f"{path} exists: pass --force to overwrite it") from None
    except OSError as e:
        raise BadInput(f"{path}: cannot write: {e.strerror or e}") from None
