"""The command group: ``wsblock --help`` lists every subcommand."""

from __future__ import annotations

import click

from wsblock import __version__
from wsblock.cli.app import demo, open_, serve
from wsblock.cli.files import check, fmt
from wsblock.cli.live import connect, echo_server
from wsblock.cli.load import load
from wsblock.cli.run import run
from wsblock.cli.sessions import export, sessions


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="wsblock")
def cli() -> None:
    """wsblock: a WebSocket client whose requests live in plain-text .void files.

    \b
    Examples:
      wsblock demo                                  # the app against a local echo server
      wsblock open api.void                         # open a file in the app
      wsblock run tests/ws --junit report.xml       # run files headless, for CI
      wsblock connect ws://127.0.0.1:8765/echo      # a line-mode client
      wsblock check api.void -e .env                # parse, resolve and validate
    """


for command in (demo, open_, serve, run, connect, echo_server, check, fmt, sessions, export, load):
    cli.add_command(command)


def main() -> None:
    """The console script's entry point."""
    cli(prog_name="wsblock")
