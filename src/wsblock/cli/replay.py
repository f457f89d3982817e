"""``wsblock replay`` (a recorded session against a server, as a regression test) and
``wsblock diff`` (two recordings compared)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from wsblock.cli.common import EXIT_FAILED, EXIT_OK, env_options, guarded, journal_dir
from wsblock.conversation.compare import IgnoreRules, Msg, compare, describe
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


def _report(
    recorded: list[list[Msg]],
    new: list[list[Msg]],
    rules: IgnoreRules,
    as_json: bool,
    extra: dict,
    names: tuple[str, str] = ("the recording", "the replay"),
) -> bool:
    """Compare what the server sent, connection by connection (a session that connected
    again has several); print it; whether all of it was the same."""
    count = max(len(recorded), len(new))
    rows = []
    for n in range(1, count + 1):
        a = recorded[n - 1] if n <= len(recorded) else None
        b = new[n - 1] if n <= len(new) else None
        rows.append((n, a, b, compare(a, b, rules) if a is not None and b is not None else None))
    same = all(d == [] for *_, d in rows)
    if as_json:
        out: dict = {
            "same": same,
            "recorded": sum(len(a) for _, a, _, _ in rows if a is not None),
            "received": sum(len(b) for _, _, b, _ in rows if b is not None),
            "differences": [
                {**d.as_dict(), **({"connection": n} if count > 1 else {})}
                for n, _, _, diffs in rows
                for d in diffs or []
            ],
            **extra,
        }
        if count > 1:
            out["connections"] = [
                {
                    "connection": n,
                    "same": d == [],
                    "recorded": None if a is None else len(a),
                    "received": None if b is None else len(b),
                }
                for n, a, b, d in rows
            ]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return same
    for n, a, b, diffs in rows:
        head = f"connection {n}: " if count > 1 else ""
        if diffs is None:
            click.echo(f"{head}only in {names[0] if b is None else names[1]}")
            continue
        lines = describe(diffs, len(a or []), len(b or []))
        click.echo(head + lines[0])
        for line in lines[1:]:
            click.echo(line)
    return same


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

    A session that connected again (reconnect, the app's Reconnect) is replayed one
    connection after the other, each compared with its recording.

    Exit code 0 when the server sent the same messages, 1 when it did not (each
    difference: message N, path, recorded value, new value), 2 on bad input.
    """
    the_rules = rules(ignore)
    rec = recording(session, log_dir)
    from wsblock.replay import journal_for, play_all, replay_request

    plan = replay_request(rec, env, url)
    journal = journal_for(plan, journal_dir(log_dir))
    count = plan.connections
    if not as_json:
        click.echo(f"▶ replay of {rec.id} against {journal.masker.mask(plan.request.url)}")
        if count > 1:
            click.echo(
                f"  the session connected {count} times: each connection is replayed and "
                "compared, on a connection of its own"
            )
    try:
        played = asyncio.run(play_all(plan, speed=speed, timeout=timeout, journal=journal))
    finally:
        journal.close()
    extra = {"session": rec.id, "replay": journal.path.name.removesuffix(".ndjson")}
    failed = next((n for n, p in enumerate(played, 1) if not p.connected), None)
    if failed is not None:
        why = played[-1].error or "the connection failed"
        where = f"connection {failed}: " if count > 1 else ""
        if as_json:
            out = {
                "same": False,
                "recorded": len(rec.received) + sum(len(c.received) for c, _ in plan.later),
                "received": sum(len(p.received) for p in played),
                "differences": [],
                "error": f"{where}{why}",
                **extra,
            }
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            click.echo(f"✖ {where}could not connect: {why}", err=True)
        raise SystemExit(EXIT_FAILED)
    recorded = [rec.received, *(c.received for c, _ in plan.later)]
    same = _report(recorded, [p.received for p in played], the_rules, as_json, extra)
    if not as_json:
        click.echo(f"  journal: {journal.path}")
    raise SystemExit(EXIT_OK if same else EXIT_FAILED)


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
    if not as_json:
        click.echo(f"{a.id} → {b.id}")
    same = _report(
        [a.received, *(c.received for c in a.later)],
        [b.received, *(c.received for c in b.later)],
        the_rules,
        as_json,
        {"first": a.id, "second": b.id},
        (a.id, b.id),
    )
    raise SystemExit(EXIT_OK if same else EXIT_FAILED)
