"""TLS files and client certificates, as the command says them (issue 24, items 4-6).

A TLS file that cannot be used is bad input: exit 2 before anything is sent; a server
that wants a client certificate gets the same words on both transports; ``connect``
takes the TLS files too, and its advice names its own options.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from void_files import request, table, write

from peers.fixtures import Peer, TlsFiles, make_tls_files
from wsblock.servers.echo import bound_port, serve


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A CA, server and client certificates (``tests/peers/fixtures.py``)."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def _tls_server(pki: TlsFiles, require_client_cert: bool) -> Iterator[Peer]:
    """The echo server over TLS in a thread of its own (the command runs in a subprocess
    while the test waits for it)."""
    loop = asyncio.new_event_loop()
    context = pki.server_context(require_client_cert=require_client_cert)
    server = loop.run_until_complete(serve("127.0.0.1", 0, ssl=context))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield Peer("127.0.0.1", bound_port(server), scheme="wss")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


@pytest.fixture
def tls_echo_server(pki: TlsFiles) -> Iterator[Peer]:
    yield from _tls_server(pki, require_client_cert=False)


@pytest.fixture
def mtls_echo_server(pki: TlsFiles) -> Iterator[Peer]:
    yield from _tls_server(pki, require_client_cert=True)


def _bad_files(pki: TlsFiles, tmp_path):
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("not a certificate\n")
    return {
        "key without cert": (
            [["client-key", str(pki.client_key)]],
            "client-key is set but client-cert is not",
        ),
        "cert and key mismatch": (
            [["client-cert", str(pki.client_cert)], ["client-key", str(pki.server_key)]],
            "do not form a certificate and its private key",
        ),
        "ca-file without a certificate": (
            [["ca-file", str(not_pem)]],
            "holds no usable CA certificate",
        ),
    }


@pytest.mark.parametrize(
    "case", ["key without cert", "cert and key mismatch", "ca-file without a certificate"]
)
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_tls_file_that_cannot_be_used_is_bad_input(
    wsblock, pki, tmp_path, case: str, command: str
) -> None:
    rows, words = _bad_files(pki, tmp_path)[case]
    f = write(tmp_path / "t.void", request("wss://127.0.0.1:9/"), table("socket-options", rows))
    r = wsblock(command, str(f), timeout=30)
    assert r.code == 2, r.out + r.err
    said = r.out + r.err  # check reports on stdout, run on stderr
    assert words in said and "t.void:" in said and "socket-options" in said, said
    assert "connecting" not in said and "Traceback" not in said


@pytest.mark.parametrize("transport", ["websockets", "picows"])
def test_a_server_that_wants_a_client_certificate_is_said_the_same_on_both_transports(
    wsblock, mtls_echo_server: Peer, pki, tmp_path, transport: str
) -> None:
    f = write(
        tmp_path / "m.void",
        request(mtls_echo_server.url("/echo")),
        table("socket-options", [["ca-file", str(pki.ca)]]),
    )
    r = wsblock("run", str(f), "--linger", "0", env={"WSBLOCK_TRANSPORT": transport}, timeout=30)
    assert r.code == 1, r.out + r.err
    assert "it probably wants a client certificate (set client-cert and client-key)" in r.out


def test_connect_takes_the_tls_files(wsblock, mtls_echo_server: Peer, pki) -> None:
    r = wsblock(
        "connect",
        mtls_echo_server.url("/echo"),
        "--ca-file",
        str(pki.ca),
        "--client-cert",
        str(pki.client_cert),
        "--client-key",
        str(pki.client_key),
        input="hello over mtls\n",
        timeout=30,
    )
    assert r.code == 0, r.out + r.err
    assert "hello over mtls" in r.out


def test_connect_advice_names_its_own_options(wsblock, tls_echo_server: Peer, pki) -> None:
    r = wsblock("connect", tls_echo_server.url("/echo"), input="", timeout=30)
    assert r.code == 1, r.out + r.err
    said = r.out + r.err
    assert "(connect: --ca-file)" in said and "(connect: --insecure)" in said, said


def test_connect_refuses_a_tls_file_that_cannot_be_used(wsblock, pki, tmp_path) -> None:
    r = wsblock(
        "connect", "wss://127.0.0.1:9/", "--client-key", str(pki.client_key), input="", timeout=30
    )
    assert r.code == 2, r.out + r.err
    assert "--client-key is set but --client-cert is not" in r.err
    assert "connecting" not in r.out + r.err
