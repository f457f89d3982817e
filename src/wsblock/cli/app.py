"""``wsblock open``, ``wsblock serve`` and ``wsblock demo``: the app, in a terminal or a browser."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path

import click

from wsblock.cli.common import EXIT_OK, env_options, guarded
from wsblock.conversation.workspace import BadInput, EnvChoice


def _app():
    from wsblock import app  # imported late: textual is slow to import

    return app


@click.command("open")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@env_options
@guarded
def open_(path: Path | None, env: EnvChoice) -> None:
    """Open PATH in the app: a .void file (created on first save if missing), a folder
    (its files listed, an untitled tab open), or none (a new untitled file).

    \b
    Keys: Ctrl+J / Ctrl+Enter / F5 run the request under the cursor; F1 lists every key.
    Examples:
      wsblock open echo.void --environment dev
      wsblock open requests/
    """
    _app().run_app(path, env)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Serve the bundled demo file against the embedded echo server.",
)
@env_options
@guarded
def serve(path: Path | None, host: str, port: int, with_demo: bool, env: EnvChoice) -> None:
    """The same app as a local web page (through textual-serve).

    \b
    Examples:
      wsblock serve echo.void --port 8000    # then open http://127.0.0.1:8000
      wsblock serve --demo                   # the demo, with its own echo server
    """
    if with_demo and path is not None:
        raise BadInput("--demo serves the bundled demo file: give no PATH with it")
    check_port(host, port)  # before announcing anything
    if not with_demo:
        _app().serve(path, host, port, env)
        return
    url = EchoServerThread().start()
    demo_path = demo_file()
    click.echo(f"● echo server on {url}; the demo file is {demo_path}", err=True)
    try:
        vars_ = {**dict(env.env_vars or {}), "ECHO_URL": url, "USER": "demo"}
        _app().serve(
            demo_path, host, port, EnvChoice(env.environment, env.profile, env.env_file, vars_)
        )
    finally:
        shutil.rmtree(demo_path.parent, ignore_errors=True)


def check_port(host: str, port: int) -> None:
    """Exit 2, as ``echo-server`` does, when ``host:port`` cannot be listened on (a port
    in use, an address not of this machine): said before anything is announced."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            # as the server will: a port left in TIME_WAIT is not busy
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as e:
        from wsblock.servers.listen import cannot_listen

        raise cannot_listen(host, port, e) from None


def demo_file() -> Path:
    """A fresh, writable copy of the bundled demo file."""
    folder = Path(tempfile.mkdtemp(prefix="wsblock-demo-"))
    target = folder / "demo.void"
    with resources.as_file(resources.files("wsblock") / "demo" / "demo.void") as src:
        shutil.copyfile(src, target)
    return target


class EchoServerThread:
    """The embedded echo server on a free loopback port, in a thread of its own."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self.port = host, port
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="wsblock-echo", daemon=True)

    def _run(self) -> None:
        from wsblock.servers.echo import serve as serve_echo

        async def main() -> None:
            server = await serve_echo(self.host, self.port)
            self.port = server.sockets[0].getsockname()[1]
            self.ready.set()
            await server.serve_forever()

        asyncio.run(main())

    def start(self) -> str:
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the embedded echo server did not start")
        return f"ws://{self.host}:{self.port}"


@click.command()
@click.option(
    "--headless", is_flag=True, help="Run the demo file headless instead of opening the app."
)
@guarded
def demo(headless: bool) -> None:
    """Start the embedded echo server and open the bundled demo file against it.

    \b
    No network needed. Without a terminal (or with --headless) the demo runs headless,
    as `wsblock run` would.
    Examples:
      wsblock demo               # the app, with the demo file and its echo server
      wsblock demo --headless    # the same requests run headless, as `wsblock run`
    """
    url = EchoServerThread().start()
    path = demo_file()
    env = EnvChoice(env_vars={"ECHO_URL": url, "USER": "demo"})
    try:
        if headless or not sys.stdout.isatty():
            from wsblock.cli.run import run as run_command

            click.echo(f"● echo server on {url}; running {path}", err=True)
            code = run_command.main(
                [
                    str(path),
                    "--env-var",
                    f"ECHO_URL={url}",
                    "--env-var",
                    "USER=demo",
                    "--linger",
                    "0.2",
                ],
                standalone_mode=False,
            )
            raise SystemExit(code if isinstance(code, int) else EXIT_OK)
        _app().run_app(path, env, temporary=path.parent)
        raise SystemExit(EXIT_OK)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)  # the demo's copy goes with it
