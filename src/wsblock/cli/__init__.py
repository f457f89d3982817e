"""The ``wsblock`` command. Each subcommand lives in a module of its own.

Contract: ``shared/spec/cli.md``. Exit codes: 0 all good, 1 a request failed,
2 bad input found before anything was sent. Never a traceback.
"""

from __future__ import annotations

from wsblock.cli.main import main

__all__ = ["main"]
