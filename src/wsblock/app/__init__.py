"""The Textual app of wsblock: ``run_app`` (terminal) and ``serve`` (web page).

The CLI calls::

    run_app(path, environment=None, env_file=None, env_vars=None)
    serve(path, host="127.0.0.1", port=8000, environment=None, env_file=None, env_vars=None)

``DEMO_FILE`` is the bundled demo file (it uses ``{{ECHO_URL}}``).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "demo.void"

__all__ = ["DEMO_FILE", "make_app", "run_app", "serve", "serve_command"]


def make_app(
    path: Path | None,
    environment: str | None = None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    **kwargs,
):
    """The app object (not running), for tests and embedding."""
    from .application import WsblockApp
    from .project import Project

    project = Project.open(path, environment=environment, env_file=env_file, env_vars=env_vars)
    return WsblockApp(project, **kwargs)


def run_app(
    path: Path | None,
    environment: str | None = None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
) -> int:
    """Run the app in the terminal until the user quits; returns the exit code (0)."""
    app = make_app(path, environment, env_file, env_vars)
    app.run()
    return app.return_code or 0


def serve_command(
    path: Path | None,
    environment: str | None = None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "wsblock.app"]
    if path is not None:
        argv.append(str(Path(path).resolve()))
    if environment:
        argv += ["--environment", environment]
    if env_file:
        argv += ["--env", str(Path(env_file).resolve())]
    for key, value in (env_vars or {}).items():
        argv += ["--env-var", f"{key}={value}"]
    return shlex.join(argv)


def serve(
    path: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    environment: str | None = None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
) -> None:
    """Serve the app as a web page (textual-serve) until interrupted; prints the URL."""
    from textual_serve.server import Server

    command = serve_command(path, environment, env_file, env_vars)
    title = f"wsblock · {Path(path).name}" if path else "wsblock"
    server = Server(command, host=host, port=port, title=title)
    print(f"wsblock: serving the app at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    server.serve()
