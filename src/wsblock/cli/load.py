"""``wsblock load``: a file's conversation as a load test on Locust.

Everything is checked here, before anything is sent (bad input: exit 2); then
Locust runs in a process of its own (:mod:`wsblock.load.process`), because it
monkey-patches the standard library when imported. ``--processes N`` starts N
worker processes beside a master (or N workers with ``--worker``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from wsblock.cli.common import env_options, guarded
from wsblock.conversation.workspace import BadInput, EnvChoice
from wsblock.load.config import LoadConfig, parse_duration
from wsblock.load.plan import Plan, entry_names
from wsblock.load.thresholds import ThresholdError
from wsblock.load.thresholds import parse as parse_threshold


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = parse_duration(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    if seconds <= 0:
        raise click.BadParameter("must be more than 0")
    return seconds


def _command(cfg: LoadConfig) -> list[str]:
    return [sys.executable, "-m", "wsblock.load.process", cfg.dumps()]


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@env_options
@click.option(
    "--request",
    "which",
    metavar="N|NAME",
    help="Load-test one request of the file (default: all, in order).",
)
@click.option(
    "-u", "--users", type=click.IntRange(min=1), default=1, show_default=True, help="Virtual users."
)
@click.option(
    "-r",
    "--spawn-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    metavar="R",
    help="Users started per second.",
)
@click.option(
    "-t",
    "--run-time",
    callback=_duration,
    metavar="30s|5m|1h",
    help="Stop after this long (required headless).",
)
@click.option(
    "--linger",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="S",
    help="After the last step, wait S seconds for more messages or a close by the server.",
)
@click.option(
    "--fail-if",
    "fail_if",
    multiple=True,
    metavar="EXPR",
    help="Exit 1 when EXPR holds, e.g. 'p99(echoed hello) > 200ms', 'errors > 0', 'rps < 100'. "
    "Repeatable. Default: 'errors > 0'.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="NDJSON events on stdout; the last is load-summary."
)
@click.option(
    "--csv", "csv_prefix", metavar="PREFIX", help="Locust's CSV reports: PREFIX_stats.csv ..."
)
@click.option(
    "--html", type=click.Path(path_type=Path), metavar="FILE", help="Locust's HTML report."
)
@click.option(
    "--junit",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="JUnit XML, one test case per threshold.",
)
@click.option(
    "--master", is_flag=True, help="Run Locust's master: workers connect to it and do the work."
)
@click.option("--worker", is_flag=True, help="Run a worker for a master (--master-host).")
@click.option(
    "--master-host",
    default="127.0.0.1",
    show_default=True,
    metavar="HOST",
    help="The master a worker connects to.",
)
@click.option(
    "--master-port", type=click.IntRange(1, 65535), default=5557, show_default=True, metavar="PORT"
)
@click.option(
    "--master-bind-host",
    default="*",
    show_default=True,
    metavar="HOST",
    help="Where the master listens for workers.",
)
@click.option(
    "--expect-workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="K",
    help="The master starts once K workers are connected.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    metavar="N",
    help="N worker processes on this machine (with a master here unless --worker).",
)
@click.option("--web", is_flag=True, help="Locust's web UI on 127.0.0.1 instead of headless.")
@click.option(
    "--web-port", type=click.IntRange(1, 65535), default=8089, show_default=True, metavar="PORT"
)
@click.option("--journal", is_flag=True, help="Journal every user's sessions (off under load).")
@click.option(
    "--journal-max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=100.0,
    show_default=True,
    metavar="MB",
    help="Stop journaling past this size (per process).",
)
@click.option("--log-dir", type=click.Path(path_type=Path), metavar="DIR", help="Journal folder.")
@guarded
def load(
    file: Path,
    env: EnvChoice,
    which: str | None,
    users: int,
    spawn_rate: float,
    run_time: float | None,
    linger: float,
    fail_if: tuple[str, ...],
    as_json: bool,
    csv_prefix: str | None,
    html: Path | None,
    junit: Path | None,
    master: bool,
    worker: bool,
    master_host: str,
    master_port: int,
    master_bind_host: str,
    expect_workers: int,
    processes: int | None,
    web: bool,
    web_port: int,
    journal: bool,
    journal_max_mb: float,
    log_dir: Path | None,
) -> None:
    """Run FILE's WebSocket conversation as a load test on Locust.

    \b
    Each virtual user loops: connect, the socket-messages steps in order (the same
    matching and assertions as `wsblock run`), linger, close, assertions.
    Examples:
      wsblock load echo.void -u 50 -r 10 -t 30s --fail-if 'p99(echoed hello) > 200ms'
      wsblock load echo.void --master --expect-workers 4 -u 1000 -r 100 -t 5m
      wsblock load echo.void --worker --master-host 10.0.0.5
      wsblock load echo.void --processes 4 -u 1000 -r 100 -t 1m

    Exit code 0 when no --fail-if holds, 1 when one does (each named), 2 on bad input.
    """
    if master and worker:
        raise BadInput("--master and --worker exclude each other")
    if not web and not worker and run_time is None:
        raise BadInput("--run-time is required headless (or use --web)")
    plan = Plan.open(file, env, which)
    requests = plan.resolve()
    names = entry_names(requests, plan.prefixes(requests))
    try:
        for expr in fail_if:
            parse_threshold(expr, names)
    except ThresholdError as e:
        raise BadInput(str(e)) from None
    if journal:
        from wsblock.cli.common import journal_dir

        log_dir = journal_dir(log_dir)
    role = "worker" if worker else "master" if (master or processes) else "local"
    cfg = LoadConfig(
        file=str(file),
        which=which,
        environment=env.environment,
        profile=env.profile,
        env_file=str(env.env_file) if env.env_file else None,
        env_vars=dict(env.env_vars),
        users=users,
        spawn_rate=spawn_rate,
        run_time=run_time,
        linger=linger,
        fail_if=list(fail_if),
        as_json=as_json,
        csv=csv_prefix,
        html=str(html) if html else None,
        junit=str(junit) if junit else None,
        role=role,
        master_host=master_host,
        master_port=master_port,
        master_bind=master_bind_host,
        expect_workers=processes if (processes and not master) else expect_workers,
        web=web,
        web_port=web_port,
        journal=journal,
        journal_max_mb=journal_max_mb,
        log_dir=str(log_dir) if log_dir else None,
        live=sys.stderr.isatty() and not as_json,
    )
    if processes is None:
        # Locust's process replaces this one: signals and the exit code are its own.
        sys.stdout.flush()
        sys.stderr.flush()
        command = _command(cfg)
        os.execv(command[0], command)
    # N local workers (their own output off), beside a master here unless --worker.
    wcfg = LoadConfig(
        **{
            **cfg.__dict__,
            "role": "worker",
            "as_json": False,
            "live": False,
            "master_host": "127.0.0.1" if not worker else master_host,
        }
    )
    kids = [subprocess.Popen(_command(wcfg), stdout=subprocess.DEVNULL) for _ in range(processes)]
    head = None if worker else subprocess.Popen(_command(cfg))

    def forward(signum: int, frame: object) -> None:
        for k in [head, *kids] if head is not None else kids:
            if k.poll() is None:
                k.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    try:
        code = 0 if head is None else head.wait()
        for k in kids:
            k.wait()
    finally:
        for k in kids:
            if k.poll() is None:
                k.terminate()
                k.wait()
    raise SystemExit(code)


__all__ = ["load"]
