"""Which transport a connection uses (issue 12): engine.choice."""

from __future__ import annotations

import pytest

from wsblock.engine.choice import choose, describe_choice, factory
from wsblock.engine.params import ConnectParams
from wsblock.engine.picows_transport import PicowsTransport, valid_close_code
from wsblock.engine.websockets_transport import WebsocketsTransport


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in (
        "WSBLOCK_TRANSPORT",
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(k, raising=False)


def test_compression_stays_on_websockets() -> None:
    assert choose(ConnectParams(url="ws://h/", compression=True))[0] == "websockets"


def test_no_compression_goes_on_picows() -> None:
    assert choose(ConnectParams(url="ws://h/", compression=False, proxy=None))[0] == "picows"


def test_an_environment_proxy_stays_on_websockets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy:3128")
    assert choose(ConnectParams(url="ws://h/", compression=False))[0] == "websockets"


def test_the_variable_forces_either(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSBLOCK_TRANSPORT", "picows")
    assert choose(ConnectParams(url="ws://h/", compression=True)) == (
        "picows",
        "forced by WSBLOCK_TRANSPORT=picows",
    )
    monkeypatch.setenv("WSBLOCK_TRANSPORT", "bogus")
    assert "use websockets, picows or auto" in describe_choice(True, None)


def test_factory() -> None:
    assert factory("picows") is PicowsTransport and factory("websockets") is WebsocketsTransport


def test_close_codes() -> None:
    assert [
        c
        for c in (999, 1000, 1004, 1005, 1006, 1007, 1015, 1016, 2999, 3000, 4999, 5000)
        if valid_close_code(c)
    ] == [1000, 1007, 3000, 4999]
