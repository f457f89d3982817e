"""Fixtures for `wsblock load`: the command in a subprocess, the echo server, the ws peer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from peers.fixtures import (  # noqa: F401
    Peer,
    connect_proxy,
    gateway_peer,
    stop_process,
    tls_files,
    ws_peer,
)

WSBLOCK = str(Path(sys.executable).parent / "wsblock")


@dataclass
class Result:
    code: int
    out: str
    err: str


def env(state_dir: Path) -> dict[str, str]:
    return dict(os.environ, XDG_STATE_HOME=str(state_dir), NO_COLOR="1")


@pytest.fixture
def wsblock(tmp_path: Path):
    def run(*args: str, timeout: float = 60) -> Result:
        p = subprocess.run(
            [WSBLOCK, *args],
            input="",
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env(tmp_path / "state"),
        )
        return Result(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def spawn(tmp_path: Path):
    """Start ``wsblock ARGS`` in the background; every process is ended after the test."""
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        p = subprocess.Popen(
            [WSBLOCK, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(tmp_path / "state"),
        )
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


@pytest.fixture(scope="session")
def echo_server() -> Iterator[Peer]:
    """``wsblock echo-server --port 0`` in a process of its own (a load test's server must
    not share the test's event loop)."""
    proc = subprocess.Popen(
        [WSBLOCK, "echo-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith("listening "):
            break
    else:
        pytest.fail(f"wsblock echo-server did not start: {proc.stderr.read()}")
    yield Peer("127.0.0.1", int(line.split()[1]))
    stop_process(proc)
