"""What the subcommands share: the environment options, clean failure, a stdout that
may go away."""

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
EXIT_STDOUT_CLOSED = 141  # stdout's reader went away, as a shell reports a SIGPIPE


class _StdoutWatch:
    """Whether stdout's reader went away (``wsblock run --json | head -1``), and who to tell.

    A closed stdout ends a command quietly, as ``cat`` and ``grep`` end: the first write
    that fails points stdout at ``/dev/null`` (what is buffered and written later goes
    nowhere, and interpreter exit does not complain), the command is told through the
    callbacks given to :func:`on_stdout_closed` (``run`` and ``connect`` close their
    connections, journaled to the end), and :func:`guarded` exits with
    :data:`EXIT_STDOUT_CLOSED`.
    """

    def __init__(self) -> None:
        self.closed = False
        self.callbacks: list[Callable[[], None]] = []

    def went_away(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # no file descriptor (a test's capture): nothing to do
            pass
        for callback in self.callbacks:
            callback()


_STDOUT = _StdoutWatch()


def on_stdout_closed(callback: Callable[[], None]) -> None:
    """Call *callback* (once, in the thread that wrote) when stdout's reader goes away."""
    _STDOUT.callbacks.append(callback)


def stdout_closed() -> bool:
    """True once a write to stdout found its reader gone."""
    return _STDOUT.closed


class Stdout:
    """``sys.stdout`` for output whose reader may go away: a write or flush that finds the
    pipe closed is not an error (see :class:`_StdoutWatch`); later ones are skipped."""

    def write(self, text: str) -> int:
        if not _STDOUT.closed:
            try:
                sys.stdout.write(text)
            except BrokenPipeError:
                _STDOUT.went_away()
        return len(text)

    def write_bytes(self, data: bytes) -> bool:
        """Write UTF-8 ``data`` under the text layer (flushed first, so the order holds);
        False when stdout is not UTF-8 bytes underneath (write text then)."""
        out = sys.stdout
        buffer = getattr(out, "buffer", None)
        if buffer is None or (getattr(out, "encoding", "") or "").lower() not in ("utf-8", "utf8"):
            return False
        if not _STDOUT.closed:
            try:
                out.flush()
                buffer.write(data)
            except BrokenPipeError:
                _STDOUT.went_away()
        return True

    def flush(self) -> None:
        if not _STDOUT.closed:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _STDOUT.went_away()

    def isatty(self) -> bool:
        return sys.stdout.isatty()


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


def large_journal_note(path: Path | None) -> str:
    """Words for a journal that passed :func:`~wsblock.journal.large_journal` bytes (with
    how to prune old sessions), or "" (no journal, or a smaller one)."""
    if path is None:
        return ""
    from wsblock.journal import large_journal

    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size <= large_journal():
        return ""
    return (
        f"the journal {path} holds {human_size(size)}; `wsblock sessions --prune 7d` "
        "removes the sessions older than 7 days, --no-journal records none"
    )


def human_size(n: int) -> str:
    """``812 B``, ``4.2 KiB``, ``750.3 MiB``, ``1.2 GiB``."""
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


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
            result = fn(*args, **kwargs)
            if _STDOUT.closed:
                sys.exit(EXIT_STDOUT_CLOSED)
            return result
        except BadInput as e:
            fail(str(e), EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("wsblock: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except SystemExit as e:
            if _STDOUT.closed and e.code != EXIT_INTERRUPTED:
                sys.exit(EXIT_STDOUT_CLOSED)  # the command stopped early: not all was shown
            raise
        except (click.exceptions.Exit, click.ClickException):
            raise
        except BrokenPipeError:  # a closed stdout in plain code (sessions, export)
            _STDOUT.went_away()
            sys.exit(EXIT_STDOUT_CLOSED)
        except Exception as e:  # noqa: BLE001 - the last line of defence: no tracebacks
            if os.environ.get("WSBLOCK_DEBUG"):
                raise
            fail(
                f"internal error: {type(e).__name__}: {e} (set WSBLOCK_DEBUG=1 for a traceback, "
                "and please report it)",
                EXIT_FAILED,
            )

    return wrapper
