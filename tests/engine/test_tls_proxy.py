"""TLS options (verify, CA file, client certificate) and proxies, on real sockets."""

from __future__ import annotations

import subprocess

from engine_helpers import kinds, one, request, run_to_end, until

from wsblock.engine import Session
from wsblock.servers.echo import bound_port, serve


async def echo_once(session: Session) -> None:
    stream = session.subscribe()
    assert await session.connect(), session.error
    await session.send_text("over tls?")
    assert (await until(stream, "received"))[-1].data == "over tls?"
    await session.close()


async def failure(session: Session):
    stream = session.subscribe()
    assert await session.connect() is False
    events = await run_to_end(session, stream)
    assert kinds(events) == ["connecting", "error", "close"]
    return events[1]


async def test_verification_fails_for_an_unknown_ca(tls_echo_server):
    error = await failure(Session(request(tls_echo_server.url())))
    assert error.error == "tls"
    assert "the server's certificate is not trusted" in error.reason
    assert "set tls-verify false" in error.reason


async def test_tls_verify_false_connects(tls_echo_server):
    await echo_once(Session(request(tls_echo_server.url(), tls_verify=False)))


async def test_ca_file_makes_the_certificate_trusted(tls_echo_server, tls_files):
    await echo_once(Session(request(tls_echo_server.url(), ca_file=tls_files.ca)))


async def test_host_name_is_checked(tls_files):
    # A certificate from the trusted CA, but for other.invalid, not 127.0.0.1.
    server = await serve("127.0.0.1", 0, ssl=tls_files.server_context(other_host=True))
    try:
        url = f"wss://127.0.0.1:{bound_port(server)}/echo"
        error = await failure(Session(request(url, ca_file=tls_files.ca)))
        assert error.error == "tls" and "another host name" in error.reason
        await echo_once(Session(request(url, tls_verify=False)))  # no check at all
    finally:
        server.close()
        await server.wait_closed()


async def test_unreadable_ca_file(tls_echo_server, tmp_path):
    error = await failure(Session(request(tls_echo_server.url(), ca_file=tmp_path / "nope.pem")))
    assert error.error == "tls"
    assert error.reason.startswith(f"cannot read ca-file {tmp_path / 'nope.pem'}")


async def test_ca_file_that_is_not_a_certificate(tls_echo_server, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    error = await failure(Session(request(tls_echo_server.url(), ca_file=bad)))
    assert error.error == "tls" and "holds no usable CA certificate" in error.reason


async def test_client_certificate_required_and_missing(mtls_echo_server, tls_files):
    session = Session(request(mtls_echo_server.url(), ca_file=tls_files.ca))
    stream = session.subscribe()
    # With TLS 1.3 the server checks the client's certificate after the client's
    # handshake is done: the refusal shows up during the WebSocket handshake.
    assert await session.connect() is False
    events = await run_to_end(session, stream)
    error = one(events, "error")
    assert error.error == "tls", error.reason
    assert "client certificate" in error.reason


async def test_client_certificate_and_key(mtls_echo_server, tls_files):
    session = Session(
        request(
            mtls_echo_server.url(),
            ca_file=tls_files.ca,
            client_cert=tls_files.client_cert,
            client_key=tls_files.client_key,
        )
    )
    await echo_once(session)


async def test_client_key_without_certificate(mtls_echo_server, tls_files):
    session = Session(request(mtls_echo_server.url(), client_key=tls_files.client_key))
    error = await failure(session)
    assert error.error == "tls" and "client-key is set but client-cert is not" in error.reason


async def test_client_key_that_does_not_match(mtls_echo_server, tls_files):
    session = Session(
        request(
            mtls_echo_server.url(),
            client_cert=tls_files.client_cert,
            client_key=tls_files.server_key,
        )
    )
    error = await failure(session)
    assert error.error == "tls" and "do not form a certificate and its private key" in error.reason


async def test_encrypted_client_key_is_refused_without_prompting(
    mtls_echo_server, tls_files, tmp_path
):
    encrypted = tmp_path / "encrypted.key"
    subprocess.run(
        ["openssl", "pkey", "-in", str(tls_files.client_key), "-aes256", "-passout", "pass:secret",
         "-out", str(encrypted)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    session = Session(
        request(mtls_echo_server.url(), client_cert=tls_files.client_cert, client_key=encrypted)
    )
    error = await failure(session)
    assert error.error == "tls" and "is encrypted; give an unencrypted key" in error.reason


async def test_tls_files_are_ignored_for_plain_ws(echo_server, tmp_path):
    session = Session(request(echo_server.url(), ca_file=tmp_path / "missing.pem"))
    await echo_once(session)


# Proxies.


async def test_proxy_url(echo_server, connect_proxy):
    session = Session(request(echo_server.url(), proxy=connect_proxy.url))
    await echo_once(session)
    assert connect_proxy.targets == [f"127.0.0.1:{echo_server.port}"]


async def test_proxy_auto_uses_the_environment(echo_server, connect_proxy, monkeypatch):
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ws_proxy", connect_proxy.url)
    await echo_once(Session(request(echo_server.url(), proxy="auto")))
    assert connect_proxy.targets == [f"127.0.0.1:{echo_server.port}"]


async def test_proxy_none_ignores_the_environment(echo_server, connect_proxy, monkeypatch):
    monkeypatch.setenv("ws_proxy", connect_proxy.url)
    monkeypatch.setenv("https_proxy", connect_proxy.url)
    await echo_once(Session(request(echo_server.url(), proxy=None)))
    assert connect_proxy.targets == []


async def test_proxy_through_tls(tls_echo_server, connect_proxy, tls_files):
    session = Session(request(tls_echo_server.url(), proxy=connect_proxy.url, ca_file=tls_files.ca))
    await echo_once(session)
    assert connect_proxy.targets == [f"127.0.0.1:{tls_echo_server.port}"]


async def test_proxy_that_refuses(echo_server, connect_proxy):
    connect_proxy.refuse = True
    error = await failure(Session(request(echo_server.url(), proxy=connect_proxy.url)))
    assert error.error == "proxy" and "refused the tunnel: HTTP 403 Forbidden" in error.reason


async def test_proxy_that_is_not_running(echo_server, free_port):
    proxy = f"http://127.0.0.1:{free_port}"
    error = await failure(Session(request(echo_server.url(), proxy=proxy)))
    assert error.error == "refused"
    assert error.reason == f"connection refused by the proxy {proxy}: is it running?"


async def test_proxy_url_that_is_not_valid(echo_server):
    error = await failure(Session(request(echo_server.url(), proxy="ftp://127.0.0.1:1")))
    assert error.error == "proxy" and "cannot be used" in error.reason
