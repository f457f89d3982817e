"""Fixtures for the Python API's and the pytest plugin's tests.

* ``pytester`` -- pytest's own fixture, to run pytest on a folder of ``.void`` files;
* ``echo_process`` -- ``wsblock echo-server --port 0`` in a subprocess for the whole
  session (the runs under test, in their own process or not, connect to it);
* ``echo_server`` -- the embedded echo server in the test's own loop (async tests).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex  # noqa: F401
import yaml  # noqa: F401

# Imported here, once: pytester's in-process runs drop the modules they import when they
# end, and a C extension (yaml's parser) imported again would raise the old run's
# exception classes, which the new ones do not catch.
import wsblock.testing.connection  # noqa: F401
import wsblock.testing.files  # noqa: F401
from peers.fixtures import Peer, echo_server, free_port, stop_process  # noqa: F401

pytest_plugins = ["pytester"]

WSBLOCK = str(Path(sys.executable).parent / "wsblock")


@pytest.fixture(scope="session")
def echo_process() -> Iterator[Peer]:
    """``wsblock echo-server --port 0``, as users start it."""
    proc = subprocess.Popen(
        [WSBLOCK, "echo-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()  # blocks until the server says where it listens
        if line.startswith("listening "):
            yield Peer("127.0.0.1", int(line.split()[1]))
            stop_process(proc)
            return
        if not line and proc.poll() is not None:
            break
    stop_process(proc)
    pytest.fail(f"wsblock echo-server did not start: {proc.stderr.read() if proc.stderr else ''}")
