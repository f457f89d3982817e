"""Fixtures of the engine's tests: the shared peers of ``tests/peers``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `peers`

import pytest  # noqa: E402

from peers.fixtures import *  # noqa: E402, F403

#: Test modules about the session's behaviour, run once per transport (issue 12).
BOTH_TRANSPORTS = {
    "test_session",
    "test_ws_peer",
    "test_errors",
    "test_options",
    "test_protocol_peers",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if module in BOTH_TRANSPORTS and "transport_name" in metafunc.fixturenames:
        # Compression is websockets' alone: a request asking for it never goes on picows.
        names = (
            ["websockets"]
            if "compression" in metafunc.function.__name__
            else ["websockets", "picows"]
        )
        metafunc.parametrize("transport_name", names, indirect=True)


@pytest.fixture(autouse=True)
def transport_name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Forces a transport (``WSBLOCK_TRANSPORT``) in the modules of ``BOTH_TRANSPORTS``."""
    name = getattr(request, "param", None)
    if name is None:
        return "auto"
    monkeypatch.setenv("WSBLOCK_TRANSPORT", name)
    return name
