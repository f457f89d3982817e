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
    said = f"wsblock: cannot listen on 127.0.0.1:{port}: address already in use\n"
    assert (served.code, served.out, served.err) == (2, "", said)
    assert echo.code == 2 and f"cannot listen on 127.0.0.1:{port}:" in echo.err
    assert "address already in use" in echo.err
