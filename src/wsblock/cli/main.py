"""The command group: ``wsblock --help`` lists every subcommand.

Each subcommand's module is imported only when that command runs (or when
``--help`` lists them all), so ``wsblock connect`` does not pay for the app, the
runner or the ``.void`` tooling it never uses.
"""

from __future__ import annotations

import importlib
import os

import click

from wsblock import __version__

# Each command's module is imported when that command runs: `connect` never pays for the
# app, the load-test engine or the format tools. `--help` lists the commands from the short
# help written here, so it imports none of them (tests/cli/test_lazy_imports.py checks that
# each line is the command's own).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "wsblock.cli.app:demo",
        "Start the embedded echo server and open the bundled demo file against it.",
    ),
    "open": (
        "wsblock.cli.app:open_",
        "Open PATH in the app: a .void file (created on first save if missing), a folder "
        "(its files listed, an untitled tab open), or none (a new untitled file).",
    ),
    "serve": ("wsblock.cli.app:serve", "The same app as a local web page (through textual-serve)."),
    "run": (
        "wsblock.cli.run:run",
        "Run the WebSocket requests of PATHS (files, folders, globs) headless.",
    ),
    "connect": (
        "wsblock.cli.live:connect",
        "A line-mode client: each input line is one message; received messages go to stdout.",
    ),
    "echo-server": (
        "wsblock.cli.live:echo_server",
        "The embedded echo server: every message comes back, on any path but these.",
    ),
    "check": (
        "wsblock.cli.files:check",
        "Parse FILES, resolve links and variables, validate messages; print each request.",
    ),
    "fmt": (
        "wsblock.cli.files:fmt",
        "Rewrite FILES with every block in Voiden's own style (prose is never touched).",
    ),
    "sessions": (
        "wsblock.cli.sessions:sessions",
        "List recorded sessions, newest first: id, size, events, name, URL.",
    ),
    "export": (
        "wsblock.cli.sessions:export",
        "Export a recorded SESSION: an ID from `wsblock sessions` (or its start), a name "
        "(the latest session of that name), or a journal file.",
    ),
    "load": (
        "wsblock.cli.load:load",
        "Run FILE's WebSocket conversation as a load test on Locust.",
    ),
    "replay": (
        "wsblock.cli.replay:replay",
        "Replay a recorded SESSION against the server and compare what it sends now.",
    ),
    "diff": ("wsblock.cli.replay:diff", "Compare what the server sent in two recorded sessions."),
    "mock": (
        "wsblock.cli.mock:mock",
        "Serve the server's side of SOURCE, a recorded session or a HAR file.",
    ),
    "import": ("wsblock.cli.importer:import_", "Turn traffic captured elsewhere into .void files."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (never for ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, _, attr = entry[0].partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, as click writes it, without importing a command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = []
        for name, entry in COMMANDS.items():
            # A stand-in command with the same help shortens it as click would.
            rows.append((name, click.Command(name, help=entry[1]).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="wsblock")
@click.option(
    "--transport",
    type=click.Choice(["auto", "websockets", "picows"]),
    envvar="WSBLOCK_TRANSPORT",
    help="The transport of every connection: auto (default: picows, unless compression or "
    "a proxy from the environment needs websockets), or force one. Same as WSBLOCK_TRANSPORT.",
)
def cli(transport: str | None) -> None:
    """wsblock: a WebSocket client whose requests live in plain-text .void files.

    \b
    Examples:
      wsblock demo                                  # the app against a local echo server
      wsblock open api.void                         # open a file in the app
      wsblock run tests/ws --junit report.xml       # run files headless, for CI
      wsblock connect ws://127.0.0.1:8765/echo      # a line-mode client
      wsblock check api.void -e .env                # parse, resolve and validate
      wsblock --transport websockets run api.void   # force a transport
    """
    if transport:  # the engine reads it (engine/choice.py); load's workers inherit it
        os.environ["WSBLOCK_TRANSPORT"] = transport


def main() -> None:
    """The console script's entry point."""
    try:
        cli(prog_name="wsblock")
    except SystemExit as done:
        code = done.code
    else:  # click's standalone mode always exits; kept for a future click
        code = 0
    # Outside the except block: the exception's traceback, and with it the command's
    # frames and what they held (a file object not closed, say), are freed by now.
    _exit_now(code)
    raise SystemExit(code)


def _exit_now(code: object) -> None:
    """End the console script at once once its command is done: no interpreter teardown.

    Tearing down ~300 modules (freeing every object, one by one) takes 20-30 ms of a
    one-message ``connect``, and the user waits for it. When the process is the
    ``wsblock`` script and nothing is left to do -- an exit code, no thread but daemons --
    it ends here: stdout and stderr flushed, the ``atexit`` handlers run (a journal still
    open is closed, coverage saves its data), then ``os._exit``. Anything else (a caller
    that goes on after ``main()``, a thread still running, a flush that fails) takes the
    ordinary way out, as before.
    """
    import atexit
    import sys
    import threading

    script = sys.modules.get("__main__")
    if getattr(script, "main", None) is not main or not getattr(script, "__file__", None):
        return  # main() called by someone who may go on (python -c, a test, an embedder)
    code = 0 if code is None else code
    if not isinstance(code, int):
        return  # a message to print: Python's own way
    current = threading.current_thread()
    if current is not threading.main_thread() or any(
        t is not current and not t.daemon and t.is_alive() for t in threading.enumerate()
    ):
        return  # the interpreter joins them first
    streams = [s for s in (sys.stdout, sys.stderr) if s is not None]
    try:
        for stream in streams:
            stream.flush()
        atexit._run_exitfuncs()
        for stream in streams:
            stream.flush()
    except (OSError, ValueError):
        return  # a closed pipe: Python reports it, as it always did
    os._exit(code & 0xFF)  # as exit(3) hands the status to the parent
