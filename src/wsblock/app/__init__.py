"""The Textual app of wsblock: ``run_app`` (terminal) and ``serve`` (web page).

The CLI calls::

    run_app(path, environment=None, env_file=None, env_vars=None, profile=None)
    serve(path, host="127.0.0.1", port=8000, environment=None, env_file=None, env_vars=None)

``path`` is a ``.void`` file (a missing one opens empty and is created on the first
save), a folder (``wsblock open DIR``: its files are listed, a new untitled file is
open), or None (a new untitled file). ``environment`` may also be a
:class:`wsblock.workspace.EnvChoice` (its environment, profile, env_file and env_vars
are then used).

``DEMO_FILE`` is the bundled demo file (it uses ``{{ECHO_URL}}``: ``wsblock demo`` and
``wsblock serve --demo`` start the embedded echo server and set it).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "demo.void"

__all__ = ["DEMO_FILE", "make_app", "run_app", "serve", "serve_command"]


def _choice(environment, env_file, env_vars, profile):
    """Unpack an EnvChoice-like object passed as ``environment``."""
    if environment is not None and not isinstance(environment, str):
        choice = environment
        return (
            getattr(choice, "environment", None),
            getattr(choice, "env_file", None) or env_file,
            {**dict(getattr(choice, "env_vars", None) or {}), **dict(env_vars or {})},
            getattr(choice, "profile", None) or profile,
        )
    return environment, env_file, dict(env_vars or {}), profile


def make_app(
    path: Path | None,
    environment=None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    profile: str | None = None,
    **kwargs,
):
    """The app object (not running), for tests and embedding; ``path`` as for ``run_app``."""
    from .application import WsblockApp
    from .project import Project

    project_root = kwargs.pop("project", None) or getattr(environment, "project", None)
    environment, env_file, env_vars, profile = _choice(environment, env_file, env_vars, profile)
    project = Project.open(
        path, environment=environment, env_file=env_file, env_vars=env_vars, profile=profile
    )
    if project_root is not None:  # --project DIR
        project.project_root = Path(project_root).absolute()
        project.root = project.project_root
    return WsblockApp(project, **kwargs)


def run_app(
    path: Path | None,
    environment=None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    profile: str | None = None,
    **kwargs,
) -> int:
    """Run the app in the terminal until the user quits; returns the exit code (0).

    ``kwargs`` go to the app (``temporary=FOLDER``: saves there warn that it goes away).
    """
    from .allocator import tune

    tune()  # a million log rows without the allocator's leftovers (see allocator.py)
    app = make_app(path, environment, env_file, env_vars, profile, **kwargs)
    app.run()
    return app.return_code or 0


def serve_command(
    path: Path | None,
    environment=None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> str:
    """The shell command textual-serve runs for each browser session."""
    project_root = getattr(environment, "project", None)
    environment, env_file, env_vars, profile = _choice(environment, env_file, env_vars, profile)
    argv = [sys.executable, "-m", "wsblock.app"]
    if path is not None:
        argv.append(str(Path(path).resolve()))
    if environment:
        argv += ["--environment", environment]
    if profile:
        argv += ["--profile", profile]
    if project_root is not None:
        argv += ["--project", str(Path(project_root).resolve())]
    if env_file:
        argv += ["--env", str(Path(env_file).resolve())]
    for key, value in (env_vars or {}).items():
        argv += ["--env-var", f"{key}={value}"]
    return shlex.join(argv)


def serve(
    path: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    environment=None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> None:
    """Serve the app as a web page (textual-serve) until interrupted; prints the URL."""
    from textual_serve.server import Server

    command = serve_command(path, environment, env_file, env_vars, profile)
    title = f"wsblock · {Path(path).name}" if path else "wsblock"
    server = Server(command, host=host, port=port, title=title)
    print(f"wsblock: serving the app at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    server.serve()
