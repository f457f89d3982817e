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

# Each command's module is imported when that command runs (or for --help): `connect`
# never pays for the app, the load-test engine or the format tools.
COMMANDS = {
    "demo": "wsblock.cli.app:demo",
    "open": "wsblock.cli.app:open_",
    "serve": "wsblock.cli.app:serve",
    "run": "wsblock.cli.run:run",
    "connect": "wsblock.cli.live:connect",
    "echo-server": "wsblock.cli.live:echo_server",
    "check": "wsblock.cli.files:check",
    "fmt": "wsblock.cli.files:fmt",
    "sessions": "wsblock.cli.sessions:sessions",
    "export": "wsblock.cli.sessions:export",
    "load": "wsblock.cli.load:load",
    "replay": "wsblock.cli.replay:replay",
    "diff": "wsblock.cli.replay:diff",
    "mock": "wsblock.cli.mock:mock",
    "import": "wsblock.cli.importer:import_",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


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
    cli(prog_name="wsblock")
