"""`wsblock connect`, `check` and `run` do not import what they never use (start-up time,
issues 12 and 23): each test lists modules a command must not import, so that none creeps back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from void_files import expect, message, messages, request, table, write

PROBE = """
import sys
import wsblock.cli.main
cli = sys.modules["wsblock.cli.main"].cli
import click
ctx = click.Context(cli)
cli.get_command(ctx, "connect")
heavy = sorted(m for m in ("textual", "wsblock.app", "wsblock.cli.app", "wsblock.runner",
                           "wsblock.cli.run", "wsblock.cli.files", "wsblock.cli.sessions")
               if m in sys.modules)
print(",".join(heavy))
"""


def test_main_imports_no_subcommand_until_used() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, wsblock.cli.main;"
            "print(','.join(m for m in sys.modules if m.startswith(('wsblock.cli.', 'textual', 'yaml'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out.split(",") == ["wsblock.cli.main"]


def test_connect_does_not_import_the_app_or_the_runner() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_still_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from wsblock.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
    ).stdout
    for name in (
        "demo",
        "open",
        "serve",
        "run",
        "connect",
        "echo-server",
        "check",
        "fmt",
        "sessions",
        "export",
    ):
        assert f"  {name} " in out


def test_help_imports_no_subcommand() -> None:
    probe = (
        "import sys\n"
        "from wsblock.cli import main\n"
        "sys.argv = ['wsblock', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(m for m in sys.modules if m.startswith('wsblock.cli.') and m != 'wsblock.cli.main'), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stderr.strip() == ""
    assert "  connect " in out.stdout


def test_the_help_lines_are_each_commands_own() -> None:
    """``--help`` reads COMMANDS' short help; each must say what the command's own does."""
    import click

    from wsblock.cli.main import COMMANDS, cli

    ctx = click.Context(cli)
    for name, (_, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(limit=1000) == short, name


RUN_CONNECT = """
import atexit, sys
heavy = ("textual", "yaml", "ruamel", "wsblock.document", "wsblock.variables.sources", "wsblock.conversation.workspace",
         "wsblock.codecs", "wsblock.conversation.checks", "wsblock.app", "wsblock.runner", "websockets",
         "wsblock.journal.query", "csv",
         # issue 23: a plain WebSocket needs no protocol (Socket.IO, GraphQL) machinery
         "wsblock.engine.protocol_link", "wsblock.engine.protocols")
atexit.register(lambda: print(",".join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr))
from wsblock.cli import main
sys.argv = ["wsblock", "connect", sys.argv[1]]
main()
"""


def test_connect_runs_without_documents_yaml_codecs_or_websockets(echo_cli, tmp_path) -> None:
    # A plain ws:// URL naming no variable: picows, no .env/YAML/.void machinery, no codecs.
    out = subprocess.run(
        [sys.executable, "-c", RUN_CONNECT, echo_cli.url("/flood?n=3&size=4")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, XDG_STATE_HOME=str(tmp_path)),
        timeout=60,
    )
    assert out.stdout.splitlines() == ["xxxx"] * 3, out.stderr
    assert out.stderr.splitlines()[-1] == "", out.stderr


RUN_CHECK = """
import atexit, sys
heavy = ("ssl", "asyncio", "subprocess", "tempfile", "wsblock.engine.params", "wsblock.engine.session",
         "wsblock.journal", "picows", "websockets", "textual", "wsblock.runner",
         # issue 23: reading needs no YAML writer, nor the codecs (no decode/encode row)
         "wsblock.document.yamlstyle", "wsblock.codecs", "decimal", "fractions", "gzip")
atexit.register(lambda: print(",".join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr))
from wsblock.cli import main
sys.argv = ["wsblock", "check", *sys.argv[1:]]
main()
"""


def test_check_reads_without_the_engine_ssl_or_subprocess() -> None:
    """Issue 23: `check` (an editor's save hook) names the transport without ssl, reads the
    file without the codecs' protoc machinery (subprocess, tempfile) or the journal."""
    samples = Path(__file__).parents[1] / "fixtures" / "samples" / "wss"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_CHECK,
            str(samples / "echo.void"),
            "-e",
            str(samples / ".env.example"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "transport: websockets (compression" in out.stdout  # the choice is still said
    assert out.stderr.splitlines()[-1] == "", out.stderr


def test_the_journal_package_reads_sessions_only_when_asked() -> None:
    probe = (
        "import sys, wsblock.journal as j\n"
        "print('wsblock.journal.query' in sys.modules, 'csv' in sys.modules)\n"
        "print(j.CSV_COLUMNS is sys.modules['wsblock.journal.query'].CSV_COLUMNS)\n"
        "from wsblock.journal import export, read_session, search, ExportFormat\n"
        "print(callable(export) and callable(read_session) and callable(search))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True", "True"]


RUN_RUN = """
import atexit, sys
heavy = ("textual", "wsblock.app", "websockets", "wsblock.journal.query", "csv",
         "wsblock.document.yamlstyle", "wsblock.codecs", "decimal", "fractions", "gzip",
         "wsblock.cli.junit", "xml.etree", "wsblock.engine.protocol_link",
         "wsblock.engine.protocols")
atexit.register(lambda: print(",".join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr))
from wsblock.cli import main
sys.argv = ["wsblock", "run", sys.argv[1]]
main()
"""


def test_run_starts_without_the_writer_codecs_junit_or_protocols(echo_cli, tmp_path) -> None:
    """Issue 23: a one-request `run` (no decode row, no --junit, a plain WebSocket)
    imports neither the YAML writer, the codecs, the JUnit writer nor the protocols."""
    path = write(
        tmp_path / "one.void",
        request(echo_cli.url("/echo")),
        table("socket-options", [["compression", "none"]]),  # picows, as `connect`
        messages(
            message("hi", "json", '{"op": "hi"}'),
            expect("echoed", [["op", "body.op", "equals", "hi"]]),
        ),
    )
    out = subprocess.run(
        [sys.executable, "-c", RUN_RUN, str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, XDG_STATE_HOME=str(tmp_path)),
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed, 0 failed" in out.stdout, out.stdout + out.stderr
    assert out.stderr.splitlines()[-1] == "", out.stderr


SOCKETIO_PROBE = """
import sys
from wsblock.engine.protocols.socketio import SocketIO
# python-socketio's clients (and aiohttp and requests with them) stay out: 220 ms
heavy = sorted({m.partition(".")[0] for m in sys.modules} & {"aiohttp", "requests", "socketio",
                                                               "engineio"})
print(",".join(heavy))
import socketio  # the package, whole, for whoever imports it
from wsblock.engine.protocols.packets import sio
print(socketio.Client.__name__, socketio.packet.Packet is not sio.Packet)
"""


def test_socketio_uses_the_packet_codecs_without_their_clients() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SOCKETIO_PROBE], capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines() == ["", "Client True"], out.stdout + out.stderr
