"""Issue 22.6: ``wsblock serve`` on a port in use says so as ``echo-server`` does (exit 2),
before announcing anything."""

from __future__ import annotations

import socket

import pytest
from cli_paths import SAMPLES


@pytest.mark.parametrize("args", [[str(SAMPLES / "echo.void")], ["--demo"]])
def test_serve_on_a_busy_port_is_exit_2_before_announcing(wsblock, args) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        served = wsblock("serve", *args, "--port", str(port), timeout=60)
        echo = wsblock("echo-server", "--port", str(port), timeout=60)
    assert (served.code, served.out) == (2, "")
    assert served.err.startswith(f"wsblock: cannot listen on 127.0.0.1:{port}: the port is busy")
    assert (echo.code, echo.err) == (2, served.err)  # the same words
