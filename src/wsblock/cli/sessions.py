"""``wsblock sessions`` and ``wsblock export``: what the journal recorded."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from wsblock.cli.common import EXIT_FAILED, codec_options, guarded, human_size
from wsblock.codecs import Codec, CodecError, parse_codec, with_decoded
from wsblock.conversation.workspace import BadInput
from wsblock.journal import (
    JournalError,
    SessionNotFoundError,
    default_log_dir,
    find_session,
    list_sessions,
    read_session,
    search,
)
from wsblock.journal import export as export_records

_LOG_DIR = click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Where sessions are journaled (default $XDG_STATE_HOME/wsblock/sessions).",
)


@click.command()
@_LOG_DIR
@click.option(
    "-n",
    "--limit",
    type=int,
    default=20,
    show_default=True,
    help="How many, newest first (0: all).",
)
@click.option(
    "--prune",
    "older_than",
    metavar="AGE",
    help="Remove the sessions that started more than AGE ago (30m, 12h, 7d, 2w) instead "
    "of listing.",
)
@guarded
def sessions(log_dir: Path | None, limit: int, older_than: str | None) -> None:
    """List recorded sessions, newest first: id, size, events, name, URL.

    \b
    Journals live in $XDG_STATE_HOME/wsblock/sessions (~/.local/state/wsblock/sessions),
    or --log-dir. Examples:
      wsblock sessions -n 5
      wsblock export <ID> --format csv -o session.csv
      wsblock sessions --prune 7d      # remove the sessions older than 7 days
    """
    if older_than is not None:
        _prune(log_dir, older_than)
        return
    found = list_sessions(log_dir)[::-1]
    if limit:
        found = found[:limit]
    if not found:
        click.echo("no sessions recorded yet")
        return
    width = max(len(s.id) for s in found)
    for s in found:
        url = f"  {s.url}" if s.url else ""
        click.echo(f"{s.id:<{width}}  {human_size(s.size):>9}  {s.events:>8} events  {s.name}{url}")


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> timedelta:
    """``30m``, ``12h``, ``7d``, ``2w`` (``s`` too) as a duration; :class:`BadInput` else."""
    match = _AGE.match(text)
    if match is None:
        raise BadInput(f"--prune {text!r}: an age is a number and a unit: 30m, 12h, 7d, 2w")
    return timedelta(seconds=float(match.group(1)) * _SECONDS[match.group(2)])


def _prune(log_dir: Path | None, older_than: str) -> None:
    """Remove the sessions that started before now minus *older_than*, and say what went."""
    cutoff = datetime.now(UTC) - parse_age(older_than)
    folder = log_dir if log_dir is not None else default_log_dir()
    old = [s for s in list_sessions(folder) if s.started is not None and s.started < cutoff]
    freed, failed = 0, []
    for s in old:
        try:
            s.path.unlink()
            freed += s.size
        except FileNotFoundError:
            pass
        except OSError as e:
            failed.append(f"{s.path}: {e.strerror or e}")
    removed = len(old) - len(failed)
    click.echo(
        f"removed {removed} session{'s' * (removed != 1)} ({human_size(freed)}) older than "
        f"{older_than.strip()} from {folder}"
    )
    if failed:
        for line in failed:
            click.echo(f"wsblock: cannot remove {line}", err=True)
        raise SystemExit(EXIT_FAILED)


@click.command()
@click.argument("session")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "ndjson"]),
    default="ndjson",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write here instead of stdout.",
)
@click.option(
    "--search", "text", metavar="TEXT", help="Only events whose text holds TEXT (any case)."
)
@click.option("--regex", metavar="PATTERN", help="Only events whose text matches PATTERN.")
@click.option(
    "--direction",
    type=click.Choice(["in", "out", "sys"]),
    multiple=True,
    help="Only events of this direction. Repeatable.",
)
@click.option(
    "--decode",
    metavar="CODEC",
    help='Add "decoded" to received messages: read as CODEC '
    "(protobuf PATH#pkg.Msg, msgpack, cbor, gzip+json...). Default: the request's decode "
    "row, which the journal recorded.",
)
@click.option(
    "--encode",
    metavar="CODEC",
    help='Add "decoded" to binary messages sent, read as CODEC. Default: as recorded.',
)
@click.option("--raw", is_flag=True, help='No "decoded", even where the journal recorded a codec.')
@click.option(
    "--project",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="The folder a protobuf PATH is relative to (default: the current folder).",
)
@_LOG_DIR
@guarded
def export(
    session: str,
    fmt: str,
    output: Path | None,
    text: str | None,
    regex: str | None,
    direction: tuple[str, ...],
    log_dir: Path | None,
    decode: str | None = None,
    encode: str | None = None,
    project: Path | None = None,
    raw: bool = False,
) -> None:
    """Export a recorded SESSION: an ID from `wsblock sessions` (or its start), a name
    (the latest session of that name), or a journal file.

    \b
    Example:
      wsblock export 20261125T164000Z-echo --format csv -o echo.csv
      wsblock export echo --direction in --regex '"op": ?"error"'

    The journal keeps the raw bytes. A session of a request with a decode / encode row
    recorded the declaration, and its messages are exported with "decoded" as it says
    (--decode / --encode read them another way; --raw leaves them raw).
    """
    if raw and (decode or encode):
        raise BadInput("--raw exports no decoded value: leave out --decode / --encode")
    try:
        path = find_session(session, log_dir)
    except SessionNotFoundError as e:
        raise BadInput(str(e)) from None
    if output is not None and not output.parent.is_dir():
        raise BadInput(f"-o {output}: the folder {output.parent} does not exist")
    try:
        source = read_session(path)
        first = next(source, None)
    except JournalError as e:
        raise BadInput(f"{path} is not a wsblock journal: {e}") from None
    if first is None or first.get("event") != "session":
        raise BadInput(f"{path} is not a wsblock journal (it does not start with a session record)")
    records: Iterator[dict[str, Any]] = itertools.chain([first], source)
    codecs = [] if raw else _codecs(first, path, decode, encode, project)
    if any(codecs):
        records = with_decoded(records, *codecs)
    if text or regex or direction:
        try:
            records = search(records, text=text, regex=regex, direction=direction or None)
        except re.error as e:
            raise BadInput(f"--regex {regex!r}: {e}") from None
    try:
        if output is None:
            export_records(records, fmt, sys.stdout)
            return
        try:
            out = open(output, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise BadInput(f"-o {output}: {e.strerror or e}") from None
        with out:
            export_records(records, fmt, out)
    except JournalError as e:
        raise BadInput(str(e)) from None
    finally:
        if source.cut is not None:
            click.echo(f"wsblock: warning: {source.cut.words()}", err=True)
    click.echo(f"wrote {output}", err=True)


def _codecs(
    first: dict, path: Path, decode: str | None, encode: str | None, project: Path | None
) -> list[Codec | None]:
    """The decode and encode codecs to export with: the options given, else the ones the
    session record holds (a protobuf PATH recorded absolute). A declaration that cannot
    work now (a schema moved away) is bad input, said with where it came from."""
    if decode is not None or encode is not None:
        return list(codec_options(decode, encode, project or Path.cwd()))
    codecs: list[Codec | None] = []
    for name in ("decode", "encode"):
        spec = first.get(name)
        try:  # the journal keeps the raw bytes: decoding happens here, on read
            codecs.append(parse_codec(str(spec), project or Path.cwd()) if spec else None)
        except CodecError as e:
            raise BadInput(
                f"{path}: the session was recorded with {name} {spec!r}, which cannot be "
                f"read now: {e}; pass --{name} CODEC, or --raw"
            ) from None
    return codecs
