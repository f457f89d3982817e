"""The TLS settings of a ``wss://`` connection, as an :class:`ssl.SSLContext`.

``tls-verify``, ``ca-file``, ``client-cert`` and ``client-key`` of the
``socket-options`` block map to one context:

* verification on (the default): the system's trusted CAs, or only ``ca-file`` when
  given; the certificate must match the host name.
* ``tls-verify false``: any certificate is accepted, for any host name.
* ``client-cert`` (+ ``client-key``, unless the key is in the same PEM file): the
  certificate the client presents to servers that ask for one (mutual TLS).
"""

from __future__ import annotations

import ssl
from pathlib import Path

from ..request import Options
from .errors import ConnectFailed, Problem


def ssl_context(options: Options) -> ssl.SSLContext:
    """Build the TLS context of ``options``.

    Raises:
        ConnectFailed: A file cannot be read or does not hold what it should (kind
            ``tls``), named in the reason.
    """
    ca_file = options.ca_file
    try:
        context = ssl.create_default_context(cafile=_readable(ca_file, "ca-file"))
    except ssl.SSLError as exc:
        raise _failed(f"ca-file {ca_file} holds no usable CA certificate ({_why(exc)})") from exc
    if not options.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    cert, key = options.client_cert, options.client_key
    if key is not None and cert is None:
        raise _failed("client-key is set but client-cert is not; give both")
    if cert is not None:
        try:
            context.load_cert_chain(_readable(cert, "client-cert"), _readable(key, "client-key"))
        except ssl.SSLError as exc:
            raise _failed(
                f"client-cert {cert} and client-key {key or cert} do not form a certificate "
                f"and its private key ({_why(exc)})"
            ) from exc
    return context


def _readable(path: Path | None, option: str) -> str | None:
    if path is None:
        return None
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise _failed(f"cannot read {option} {path}: {exc.strerror or exc}") from exc
    return str(path)


def _why(exc: ssl.SSLError) -> str:
    return str(exc.reason or exc).replace("_", " ").lower()


def _failed(reason: str) -> ConnectFailed:
    return ConnectFailed(Problem("tls", reason))
