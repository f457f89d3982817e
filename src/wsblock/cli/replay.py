"""``wsblock replay`` (a recorded session against a server, as a regression test) and
``wsblock diff`` (two recordings compared)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from wsblock.cli.common import EXIT_FAILED, EXIT_OK, env_options, guarded, journal_dir
from wsblock.conversation.compare import Difference, IgnoreRules, compare, describe
from wsblock.journal import JournalError
from wsblock.journal.recording import Recording, read_recording
from wsblock.userinput import BadInput, EnvChoice

LOG_DIR = click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Where sessions are journaled (default $XDG_STATE_HOME/wsblock/sessions).",
)

IGNORE = click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="PATH",
    help="Leave this part of every JSON message out of the comparison: body.ts, "
    "body.items[*].id (* is any key or index). Repeatable.",
)


def rules(ignore: tuple[str, ...]) -> IgnoreRules:
    """The ``--ignore`` paths, or :class:`BadInput` naming a malformed one."""
    try:
        return IgnoreRules.parse(ignore)
    except ValueError as e:
        raise BadInput(str(e)) from None


def recording(ref: str, log_dir: Path | None) -> Recording:
    """The recorded session ``ref`` names, or :class:`BadInput` saying why not."""
    try:
        rec = read_recording(ref, log_dir)
    except JournalError as e:
        raise BadInput(str(e)) from None
    except OSError as e:
        raise BadInput(f"session {ref!r}: cannot read it: {e.strerror or e}") from None
    if rec.cut is not None:
        click.echo(f"wsblock: warning: {rec.cut.words()}", err=True)
    return rec


def first_only(rec: Recording, what: str) -> str | None:
    """The words saying that only the first connection of ``rec`` counts, if it reconnected."""
    if not rec.reconnected:
        return None
    return f"the session reconnected: only its first connection is {what}"


def _report(
    differences: list[Difference], recorded: int, new: int, as_json: bool, extra: dict
) -> None:
    if as_json:
        out = {
            "same": not differences,
            "recorded": recorded,
            "received": new,
            "differences": [d.as_dict() for d in differences],
            **extra,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    for line in describe(differences, recorded, new):
        click.echo(line)


@click.command()
@click.argument("session")
@click.option(
    "--url",
    metavar="URL",
    help="Connect here instead: a URL without a path (ws://host:port) keeps the recorded "
    "path and query.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="X",
    help="1: send paced as recorded; 2: twice as fast; 0: each message as soon as the "
    "server sent what it had sent before it.",
)
@IGNORE
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    metavar="S",
    help="How long to wait for the server's answers after the last message.",
)
@click.option("--json", "as_json", is_flag=True, help="The comparison as one JSON object.")
@env_options
@LOG_DIR
@guarded
def replay(
    session: str,
    url: str | None,
    speed: float,
    ignore: tuple[str, ...],
    timeout: float,
    as_json: bool,
    env: EnvChoice,
    log_dir: Path | None,
) -> None:
    """Replay a recorded SESSION against the server and compare what it sends now.

    SESSION: an id from `wsblock sessions`, its unique start, a name, or `last`.
    The session's handshake (URL, headers, subprotocols, options) and messages are sent
    again; a secret, masked in the journal, is taken from the current variables through
    the session's .void file (-e, --env-var...). The new session is journaled too.

    \b
    Examples:
      wsblock replay last
      wsblock replay 20261125T1640 --url ws://127.0.0.1:9000 --ignore body.ts
      wsblock replay echo --speed 0 --ignore 'body.items[*].id' --json

    Only the first connection of a session that reconnected is replayed (said so).

    Exit code 0 when the server sent the same messages, 1 when it did not (each
    difference: message N, path, recorded value, new value), 2 on bad input.
    """
    the_rules = rules(ignore)
    rec = recording(session, log_dir)
    from wsblock.replay import journal_for, play, replay_request

    plan = replay_request(rec, env, url)
    journal = journal_for(plan, journal_dir(log_dir))
    only = first_only(rec, "replayed and compared")
    if not as_json:
        click.echo(f"▶ replay of {rec.id} against {journal.masker.mask(plan.request.url)}")
        if only:
            click.echo(f"  note: {only}")
    try:
        played = asyncio.run(play(plan, speed=speed, timeout=timeout, journal=journal))
    finally:
        journal.close()
    extra = {
        "session": rec.id,
        "replay": journal.path.name.removesuffix(".ndjson"),
        "first_connection_only": rec.reconnected,
    }
    if not played.connected:
        why = played.error or "the connection failed"
        if as_json:
            _report([], len(rec.received), 0, True, {**extra, "error": why})
        else:
            click.echo(f"✖ could not connect: {why}", err=True)
        raise SystemExit(EXIT_FAILED)
    differences = compare(rec.received, played.received, the_rules)
    _report(differences, len(rec.received), len(played.received), as_json, extra)
    if not as_json:
        click.echo(f"  journal: {journal.path}")
    raise SystemExit(EXIT_FAILED if differences else EXIT_OK)


@click.command()
@click.argument("first")
@click.argument("second")
@IGNORE
@click.option("--json", "as_json", is_flag=True, help="The comparison as one JSON object.")
@LOG_DIR
@guarded
def diff(
    first: str, second: str, ignore: tuple[str, ...], as_json: bool, log_dir: Path | None
) -> None:
    """Compare what the server sent in two recorded sessions.

    FIRST and SECOND as `wsblock replay` takes them (an id, its start, a name, `last`).

    \b
    Example:
      wsblock diff 20261125T1640 last --ignore body.ts

    Exit code 0 when the server sent the same messages, 1 when not, 2 on bad input.
    """
    the_rules = rules(ignore)
    a, b = recording(first, log_dir), recording(second, log_dir)
    differences = compare(a.received, b.received, the_rules)
    if not as_json:
        click.echo(f"{a.id} → {b.id}")
        for rec in (a, b):
            only = first_only(rec, "compared")
            if only:
                click.echo(f"  note: {rec.id}: {only}")
    extra = {
        "first": a.id,
        "second": b.id,
        "first_connection_only": a.reconnected or b.reconnected,
    }
    _report(differences, len(a.received), len(b.received), as_json, extra)
    raise SystemExit(EXIT_FAILED if differences else EXIT_OK)
