"""What the subcommands share: the environment options and clean failure."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wsblock.userinput import BadInput, EnvChoice

if TYPE_CHECKING:
    from wsblock.codecs import Codec

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a SIGINT


def env_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--environment``, ``--profile``, ``-e/--env``, ``--env-var`` -> an ``env`` argument."""

    @click.option(
        "--environment",
        "environment",
        metavar="A/B/C",
        help="A YAML environment of .voiden/ (children as a/b/c).",
    )
    @click.option(
        "--profile", metavar="P", help="Use .voiden/env-P-public.yaml and env-P-private.yaml."
    )
    @click.option(
        "-e",
        "--env",
        "env_file",
        metavar="FILE",
        type=click.Path(path_type=Path),
        help="Load variables from a .env file (KEY=value lines).",
    )
    @click.option(
        "--env-var",
        "env_vars",
        metavar="KEY=VALUE",
        multiple=True,
        help="Set a variable; wins over every other source. Repeatable.",
    )
    @click.option(
        "--project",
        "project",
        metavar="DIR",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="The project root (the folder you open in Voiden): linkedBlock/linkedFile "
        "paths and .voiden/ are taken from it. Default: the nearest folder upwards "
        "holding .voiden/, else .git, else the file's folder.",
    )
    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        environment: str | None,
        profile: str | None,
        env_file: Path | None,
        env_vars: tuple[str, ...],
        project: Path | None = None,
        **kwargs: Any,
    ) -> Any:
        pairs: dict[str, str] = {}
        if env_vars:  # imported only when used: `connect` starts faster without it
            from wsblock.variables.sources import VariableError, parse_env_vars

            try:
                pairs = parse_env_vars(env_vars)
            except VariableError as e:
                fail(str(e), EXIT_BAD_INPUT)  # outside `guarded`: no traceback, exit 2
        if env_file is not None:
            problem = env_file_problem(env_file)
            if problem:
                fail(problem, EXIT_BAD_INPUT)
        env = EnvChoice(environment, profile, env_file, pairs, project)
        return fn(*args, env=env, **kwargs)

    return wrapper


def env_file_problem(path: Path) -> str | None:
    """Why the ``-e`` file *path* cannot be used (missing, not a regular file, not UTF-8...)."""
    from wsblock.document.readfile import read_text

    try:
        read_text(path)
    except FileNotFoundError:
        return f"{path}: no such .env file"
    except OSError as e:
        return f"{path}: cannot read the .env file: {e.strerror or e}"
    return None


def journal_dir(log_dir: Path | None) -> Path:
    """The folder sessions are journaled in, created and writable, or :class:`BadInput`.

    Checked before anything is sent: a session that cannot be journaled does not start.
    """
    from wsblock.journal import default_log_dir

    folder = Path(log_dir) if log_dir is not None else default_log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise BadInput(f"cannot create the journal folder {folder}: {e.strerror or e}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(f"cannot write in the journal folder {folder}")
    return folder


def codec_options(
    decode: str | None, encode: str | None, root: Path
) -> tuple[Codec | None, Codec | None]:
    """``--decode`` / ``--encode`` as two :class:`~wsblock.codecs.Codec` (or None), a
    protobuf PATH relative to *root*; a declaration that cannot work is
    :class:`BadInput` naming the option."""
    if not (decode or encode):
        return None, None  # wsblock.codecs is not imported: connect starts faster
    from wsblock.codecs import CodecError, parse_codec

    codecs: list[Codec | None] = []
    for name, spec in (("decode", decode), ("encode", encode)):
        try:
            codecs.append(parse_codec(spec, root) if spec else None)
        except CodecError as e:
            raise BadInput(f"--{name} {spec!r}: {e}") from None
    return codecs[0], codecs[1]


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print ``wsblock: message`` on stderr and exit with *code*."""
    click.echo(f"wsblock: {message}", err=True)
    sys.exit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad input into exit 2 with a message, and anything unexpected into one line."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BadInput as e:
            fail(str(e), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("wsblock: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except Exception as e:  # noqa: BLE001 - the last line of defence: no tracebacks
            if os.environ.get("WSBLOCK_DEBUG"):
                raise
            fail(
                f"internal error: {type(e).__name__}: {e} (set WSBLOCK_DEBUG=1 for a traceback, "
                "and please report it)",
                EXIT_FAILED,
            )

    return wrapper
