"""``python -m wsblock.app [FILE|DIR] [--environment E] [--env FILE] [--env-var K=V]``.

What textual-serve runs for each browser session (see :func:`wsblock.app.serve`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import run_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wsblock.app")
    parser.add_argument(
        "file", nargs="?", type=Path, help="a .void file (new if missing) or a folder"
    )
    parser.add_argument("--environment")
    parser.add_argument("--profile")
    parser.add_argument("--project", type=Path)
    parser.add_argument("--env", dest="env_file", type=Path)
    parser.add_argument("--env-var", action="append", default=[])
    args = parser.parse_args(argv)
    env_vars = {}
    for pair in args.env_var:
        key, _, value = pair.partition("=")
        env_vars[key] = value
    if args.project is not None:  # --project DIR: carried as an EnvChoice
        from wsblock.conversation.workspace import EnvChoice

        choice = EnvChoice(args.environment, args.profile, args.env_file, env_vars, args.project)
        return run_app(args.file, choice)
    return run_app(args.file, args.environment, args.env_file, env_vars, args.profile)


if __name__ == "__main__":
    sys.exit(main())
