"""The TLS files of a ``wss://`` request, read into an :class:`ssl.SSLContext`.

``tls-verify``, ``ca-file``, ``client-cert`` and ``client-key`` of the
``socket-options`` block map to one context:

* verification on (the default): the system's trusted CAs, or only ``ca-file`` when
  given; the certificate must match the host name.
* ``tls-verify false``: any certificate is accepted, for any host name.
* ``client-cert`` (+ ``client-key``, unless the key is in the same PEM file): the
  certificate the client presents to servers that ask for one (mutual TLS).

Here, below the engine, so that a file that cannot be used is bad input, said by
:mod:`.resolve` before anything connects (:func:`tls_files_problem`); the engine
builds the context of each connection with the same code (:mod:`wsblock.engine.tls`).
"""

from __future__ import annotations

import re
import ssl
from pathlib import Path

from .request import Options

__all__ = ["TlsFileError", "ssl_context", "tls_files_problem"]


class TlsFileError(ValueError):
    """A TLS file cannot be read or does not hold what it should (the words say which)."""


def ssl_context(options: Options) -> ssl.SSLContext:
    """Build the TLS context of ``options``.

    Raises:
        TlsFileError: A file cannot be read or does not hold what it should, named in
            the words.
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
            context.load_cert_chain(
                _readable(cert, "client-cert"),  # type: ignore[arg-type]  # cert is set here
                _readable(key, "client-key"),
                password=_no_password,
            )
        except ssl.SSLError as exc:
            if _encrypted(key or cert):
                raise _failed(
                    f"the client-key {key or cert} is encrypted; give an unencrypted key"
                ) from exc
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


def _no_password() -> bytes:
    # Without a callback, OpenSSL would ask for a pass phrase on the terminal.
    return b""


def _encrypted(path: Path) -> bool:
    """Whether the PEM file holds an encrypted private key."""
    try:
        with open(path, "rb") as file:
            return b"ENCRYPTED" in file.read(1 << 16)
    except OSError:
        return False


def _why(exc: ssl.SSLError) -> str:
    """The gist of an SSL error: ``key values mismatch``, ``no certificate or crl found``..."""
    text = exc.reason or (exc.args[1] if len(exc.args) > 1 else str(exc))
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(text))
    return text.replace("_", " ").lower().strip()


def _failed(reason: str) -> TlsFileError:
    return TlsFileError(reason)


def tls_files_problem(options: Options) -> str | None:
    """What is wrong with the TLS files of ``options`` (unreadable, no PEM certificate in
    ``ca-file``, ``client-key`` without ``client-cert``, a certificate and a key that do
    not belong together), in words; None when they make a TLS context."""
    if options.ca_file is None and options.client_cert is None and options.client_key is None:
        return None
    try:
        ssl_context(options)
    except TlsFileError as exc:
        return str(exc)
    return None
