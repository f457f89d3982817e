"""Shared pytest fixtures: real servers on 127.0.0.1 for tests that need a peer.

Import them into a ``conftest.py`` (``tests/`` must be importable)::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/
    from peers.fixtures import *  # noqa: F403

Fixtures:

* ``free_port`` -- a TCP port free on 127.0.0.1 right now (for servers that need a
  number before they start; servers started here bind port 0 instead).
* ``echo_server`` -- the embedded echo server (:mod:`wsblock.servers.echo`), a
  :class:`Peer`: ``echo_server.url("/flood?n=10")``.
* ``ws_peer`` -- the independent Node.js server ``tests/peers/ws_peer.js`` on the npm
  ``ws`` package (started once per test session). Fails, never skips, when Node or
  ``ws`` is missing: run ``npm install --prefix tests/peers``.
* ``socketio_peer`` -- ``tests/peers/socketio_peer.js``, a Socket.IO 4.8 server (npm
  ``socket.io``): ``welcome``, ``echo``, acknowledged ``add``, ``tick`` stream, ``/admin``.
* ``graphql_peer`` -- ``tests/peers/graphql_peer.js``: ``/graphql`` speaks
  graphql-transport-ws (npm ``graphql-ws`` 5.16), ``/legacy`` subscriptions-transport-ws.
* ``tls_files`` -- a CA, a server certificate for 127.0.0.1/localhost and a client
  certificate, made with the ``openssl`` command.
* ``tls_echo_server`` / ``mtls_echo_server`` -- the echo server over TLS; the second
  one requires a client certificate signed by the CA of ``tls_files``.
* ``connect_proxy`` -- an HTTP CONNECT proxy that records where it connected.
* ``gateway_peer`` / ``jsonrpc_peer`` -- ``gateway_server.py`` and ``jsonrpc_server.py``,
  the stateful servers of issue 18 (Python, on ``websockets``).
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wsblock.servers.echo import bound_port, serve

HERE = Path(__file__).resolve().parent
WS_PEER = HERE / "ws_peer.js"
INSTALL_HINT = "run `npm install --prefix tests/peers` (needs Node.js and npm)"

__all__ = [
    "ConnectProxy",
    "Peer",
    "TlsFiles",
    "connect_proxy",
    "echo_server",
    "free_port",
    "gateway_peer",
    "jsonrpc_peer",
    "graphql_peer",
    "hostile_peer",
    "mtls_echo_server",
    "pick_free_port",
    "socketio_peer",
    "tls_echo_server",
    "tls_files",
    "ws_peer",
]


@dataclass(frozen=True)
class Peer:
    """A server under test: where it listens and how to name its paths."""

    host: str
    port: int
    scheme: str = "ws"

    @property
    def base(self) -> str:
        """``ws://127.0.0.1:PORT``."""
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/echo") -> str:
        """The URL of ``path`` (with its query) on this server."""
        return self.base + path


def pick_free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def free_port() -> int:
    """A TCP port free on 127.0.0.1 (nothing listens there)."""
    return pick_free_port()


# The embedded echo server.


@pytest.fixture
async def echo_server() -> AsyncIterator[Peer]:
    """The embedded echo server on a free port, for one test."""
    server = await serve("127.0.0.1", 0)
    try:
        yield Peer("127.0.0.1", bound_port(server))
    finally:
        server.close()
        await server.wait_closed()


# The Node.js peer.


@pytest.fixture(scope="session")
def ws_peer() -> Iterator[Peer]:
    """``tests/peers/ws_peer.js`` (npm ``ws``) on a free port, for the whole test session."""
    yield from node_peer(WS_PEER, "ws")


@pytest.fixture(scope="session")
def socketio_peer() -> Iterator[Peer]:
    """``tests/peers/socketio_peer.js`` (npm ``socket.io`` 4.8), for the whole test session."""
    yield from node_peer(HERE / "socketio_peer.js", "socket.io")


@pytest.fixture(scope="session")
def graphql_peer() -> Iterator[Peer]:
    """``tests/peers/graphql_peer.js`` (npm ``graphql-ws`` 5.16), for the whole test session."""
    yield from node_peer(HERE / "graphql_peer.js", "graphql-ws")


def node_peer(script: Path, package: str) -> Iterator[Peer]:
    """Run a Node.js peer on a free port until the generator is closed.

    Fails, never skips, when Node or the npm ``package`` is missing.
    """
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            f"the {package} peer needs Node.js, which is not installed; then {INSTALL_HINT}"
        )
    if not (HERE / "node_modules" / package).is_dir():
        pytest.fail(f"the npm package {package} is not installed for the test peer: {INSTALL_HINT}")
    proc = subprocess.Popen(
        [node, str(script), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _wait_listening(proc, timeout=20.0)
        yield Peer("127.0.0.1", port)
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def hostile_peer() -> Iterator[Peer]:
    """``tests/peers/hostile_server.py``: a server that breaks the protocol on purpose."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "hostile_server.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield Peer("127.0.0.1", _wait_listening(proc, timeout=20.0))
    finally:
        stop_process(proc)


def _python_peer(script: str) -> Iterator[Peer]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield Peer("127.0.0.1", _wait_listening(proc, timeout=20.0))
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def gateway_peer() -> Iterator[Peer]:
    """``tests/peers/gateway_server.py``: a chat-platform gateway (token, heartbeats, pings)."""
    yield from _python_peer("gateway_server.py")


@pytest.fixture(scope="session")
def jsonrpc_peer() -> Iterator[Peer]:
    """``tests/peers/jsonrpc_server.py``: JSON-RPC, a slow answer after a fast one, subscriptions."""
    yield from _python_peer("jsonrpc_server.py")


def stop_mock(proc: subprocess.Popen) -> str:
    """Stop a server started with its stderr piped (a ``wsblock mock``); what it logged."""
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a peer's process (kill it after 5 s) and close its pipes."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _wait_listening(proc: subprocess.Popen[str], timeout: float) -> int:
    """Read the peer's stdout until its ``listening PORT`` line."""
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            line = proc.stdout.readline()
            if line.startswith("listening "):
                return int(line.split()[1])
            if line:
                continue
        if proc.poll() is not None:
            err = proc.stderr.read().strip()
            pytest.fail(
                f"the ws peer exited with {proc.returncode}: {err or 'no message'}; {INSTALL_HINT}"
            )
    pytest.fail(f"the ws peer did not print 'listening PORT' within {timeout:g} s")


# TLS.


@dataclass(frozen=True)
class TlsFiles:
    """PEM files of a test PKI, in one temporary folder."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_cert: Path  # a server certificate for another host name (other.invalid)
    other_key: Path

    def server_context(
        self, require_client_cert: bool = False, other_host: bool = False
    ) -> ssl.SSLContext:
        """A server-side context with the server certificate (or the other host's)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if other_host:
            context.load_cert_chain(self.other_cert, self.other_key)
        else:
            context.load_cert_chain(self.server_cert, self.server_key)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.ca)
        return context


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A CA, server certificates (127.0.0.1 and localhost; other.invalid) and a client one."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def make_tls_files(folder: Path) -> TlsFiles:
    """Make a test PKI in ``folder`` with the ``openssl`` command (EC P-256 keys)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("TLS tests need the openssl command (apt-get install openssl)")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=wsblock test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    for name, usage, san in (
        ("server", "serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ("client", "clientAuth", "subjectAltName=DNS:wsblock-client"),
        ("other", "serverAuth", "subjectAltName=DNS:other.invalid"),
    ):
        (folder / f"{name}.ext").write_text(
            f"basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage={usage}\n{san}\n"
        )
        run("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN=wsblock test {name}")  # fmt: skip
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2",
            "-extfile", f"{name}.ext")  # fmt: skip
    return TlsFiles(
        ca=folder / "ca.pem",
        server_cert=folder / "server.pem",
        server_key=folder / "server.key",
        client_cert=folder / "client.pem",
        client_key=folder / "client.key",
        other_cert=folder / "other.pem",
        other_key=folder / "other.key",
    )


@pytest.fixture
async def tls_echo_server(tls_files: TlsFiles) -> AsyncIterator[Peer]:
    """The echo server over TLS (``wss://``), certificate signed by the test CA."""
    server = await serve("127.0.0.1", 0, ssl=tls_files.server_context())
    try:
        yield Peer("127.0.0.1", bound_port(server), scheme="wss")
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def mtls_echo_server(tls_files: TlsFiles) -> AsyncIterator[Peer]:
    """The echo server over TLS, requiring a client certificate from the test CA."""
    context = tls_files.server_context(require_client_cert=True)
    server = await serve("127.0.0.1", 0, ssl=context)
    try:
        yield Peer("127.0.0.1", bound_port(server), scheme="wss")
    finally:
        server.close()
        await server.wait_closed()


# An HTTP CONNECT proxy.


@dataclass
class ConnectProxy:
    """A minimal HTTP proxy for ``CONNECT host:port`` tunnels.

    ``targets`` lists the ``host:port`` of every tunnel asked for, in order;
    ``refuse`` makes it answer ``403 Forbidden`` instead of connecting.
    """

    host: str = "127.0.0.1"
    port: int = 0
    targets: list[str] = field(default_factory=list)
    refuse: bool = False

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one client: read its CONNECT, open the tunnel, copy both ways."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.targets.append(target)
            if self.refuse:
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = target.rpartition(":")
            try:
                up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
            except OSError:
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            writer.close()


@pytest.fixture
async def connect_proxy() -> AsyncIterator[ConnectProxy]:
    """An HTTP CONNECT proxy on a free port, for one test."""
    proxy = ConnectProxy()
    server = await asyncio.start_server(proxy.handle, proxy.host, 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 5)
