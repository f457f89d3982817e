"""Plain-words descriptions of what went wrong, from the exceptions that say it.

Each function returns a :class:`~.problem.Problem`: a kind that programs can test
and a sentence that says what happened, with the values involved (host and port,
limits, codes) and, where one exists, the setting that would change the outcome::

    refused   connection refused by 127.0.0.1:8765: nothing listens on that port
    rejected  the server rejected the WebSocket handshake: HTTP 401 Unauthorized
    too-big   the server sent a message larger than max-message-size (1 KiB) ...

The exceptions come from the operating system (``OSError`` and its kin), from
:mod:`ssl`, and from ``websockets``.
"""

from __future__ import annotations

import errno
import socket
import ssl
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from ..closecodes import describe as describe_code
from ..params import ConnectParams
from .problem import Problem

if TYPE_CHECKING:
    from websockets.exceptions import InvalidStatus, PayloadTooBig

# websockets is imported where an error is told, not here: a connection on picows that
# goes well never imports it (wsblock connect starts faster).

E = TypeVar("E", bound=BaseException)

#: How much of a rejected handshake's body is kept.
BODY_LIMIT = 1024


def connect_error(exc: BaseException, params: ConnectParams) -> Problem:
    """Why a connection attempt to ``params.url`` failed with ``exc``."""
    from websockets.exceptions import (
        InvalidHandshake,
        InvalidMessage,
        InvalidProxy,
        InvalidProxyStatus,
        InvalidStatus,
        InvalidURI,
        NegotiationError,
        ProxyError,
    )

    if isinstance(exc, InvalidStatus):
        return rejected(exc)
    if isinstance(exc, InvalidURI):
        return Problem(
            "url", f"{params.url!r} is not a WebSocket URL ({exc.msg}); use ws:// or wss://"
        )
    if isinstance(exc, InvalidProxy):
        return Problem("proxy", f"the proxy {exc.proxy!r} cannot be used: {exc.msg}")
    if isinstance(exc, InvalidProxyStatus):
        status = exc.response.status_code
        return Problem(
            "proxy", f"the proxy {_proxy(params)} refused the tunnel: HTTP {_status(status)}"
        )
    if isinstance(exc, ProxyError):
        return Problem("proxy", f"the proxy {_proxy(params)} failed: {_cause_text(exc)}")
    if isinstance(exc, TimeoutError):
        return Problem(
            "timeout",
            f"no connection within {params.open_timeout:g} s (connect-timeout): TCP, TLS and "
            "the WebSocket handshake must all finish in that time",
        )
    tls = _find(exc, ssl.SSLError)
    if tls is not None:
        return tls_error(tls, params)
    if isinstance(exc, InvalidMessage) and params.secure and not params.client_cert:
        if isinstance(exc.__cause__, EOFError):
            # TLS 1.3: a server that wants a client certificate says so only after
            # the client's side of the TLS handshake, by closing the connection.
            return wants_client_cert(params)
    if isinstance(exc, InvalidMessage):
        return invalid_http_answer(params, _cause_text(exc))
    if isinstance(exc, NegotiationError):
        return Problem("protocol", f"the handshake failed: {exc}")
    if isinstance(exc, InvalidHandshake):
        return Problem("protocol", f"the server's handshake response is not valid: {exc}")
    if isinstance(exc, OSError):
        return os_error(exc, params)
    return Problem("network", f"connecting to {params.url} failed: {type(exc).__name__}: {exc}")


def rejected(exc: InvalidStatus) -> Problem:
    """The server answered the handshake with an HTTP status other than 101."""
    response = exc.response
    body = bytes(response.body or b"")
    return Problem(
        "rejected",
        f"the server rejected the WebSocket handshake: HTTP {_status(response.status_code)}",
        status=response.status_code,
        headers=tuple(response.headers.raw_items()),
        body=body[:BODY_LIMIT].decode("utf-8", errors="replace"),
    )


def tls_error(exc: ssl.SSLError, params: ConnectParams) -> Problem:
    """A TLS handshake failure, with the setting that would fix the usual causes."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or _tls_reason(exc)
        if "hostname" in detail.lower() or "ip address mismatch" in detail.lower():
            hint = "the certificate is for another host name"
        else:
            hint = "the server's certificate is not trusted"
        return Problem(
            "tls",
            f"TLS: {hint} ({detail}); give its CA in ca-file (connect: --ca-file), or set "
            "tls-verify false (connect: --insecure) to skip the check",
        )
    reason = _tls_reason(exc)
    if "wrong version number" in reason or "record layer failure" in reason:
        return Problem(
            "tls",
            f"TLS handshake failed ({reason}): {_where(params)} does not seem to speak TLS; "
            "try ws:// instead of wss://",
        )
    if "certificate required" in reason or "handshake failure" in reason:
        return Problem(
            "tls",
            f"TLS: the server refused the connection ({reason}); it may want a client "
            "certificate (client-cert and client-key)",
        )
    return Problem("tls", f"TLS handshake with {_where(params)} failed: {reason}")


def os_error(exc: OSError, params: ConnectParams) -> Problem:
    """A failure of the operating system's networking."""
    if isinstance(exc, socket.gaierror):
        host = urlsplit(params.url).hostname or params.url
        return Problem("dns", f"cannot resolve the host name {host!r}: {exc.strerror or exc}")
    if _refused(exc):
        via = _proxy(params)
        if via:
            return Problem("refused", f"connection refused by the proxy {via}: is it running?")
        return Problem(
            "refused", f"connection refused by {_where(params)}: nothing listens on that port"
        )
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError):
        if params.secure:  # while opening TCP + TLS: the TLS handshake
            return Problem(
                "tls",
                f"{_where(params)} closed the connection during the TLS handshake: does it "
                "speak TLS on this port? Try ws:// instead of wss://",
            )
        return Problem("network", f"{_where(params)} reset the connection during the handshake")
    return Problem("network", f"cannot connect to {_where(params)}: {exc.strerror or exc}")


def too_big(exc: PayloadTooBig | None, limit: int | None) -> Problem:
    """A message exceeded max-message-size: the client closed with 1009."""
    size = ""
    if exc is not None and exc.current_size:  # a fragmented message, refused part-way
        size = f" (more than {_bytes(exc.current_size)} so far)"
    elif exc is not None and exc.size is not None:
        size = f" ({_bytes(exc.size)})"
    limit_text = _bytes(limit) if limit is not None else "the limit"
    return Problem(
        "too-big",
        f"the server sent a message{size} larger than max-message-size ({limit_text}); "
        "closed with 1009 (message too big). Raise max-message-size, or 0 for no limit",
    )


def invalid_utf8(exc: UnicodeDecodeError) -> Problem:
    """A text message was not UTF-8: the client closed with 1007."""
    return Problem(
        "invalid-utf8",
        f"the server sent a text message that is not valid UTF-8 ({exc.reason} at byte "
        f"{exc.start}); closed with 1007 (invalid data)",
    )


def protocol_error(detail: BaseException | str) -> Problem:
    """The server broke the framing rules: the client closed with 1002."""
    return Problem(
        "protocol",
        f"the server broke the WebSocket protocol ({detail}); closed with 1002 (protocol error)",
    )


def keepalive_timeout(ping_timeout: float | None) -> Problem:
    """No pong came back for a keepalive ping: the client closed with 1011."""
    within = f" within {ping_timeout:g} s (ping-timeout)" if ping_timeout else ""
    return Problem(
        "timeout",
        f"the server did not answer a keepalive ping{within}; closed with 1011 (internal error)",
    )


def close_timeout(close_timeout: float | None) -> Problem:
    """The server never finished the closing handshake; the TCP connection was cut."""
    within = f" within {close_timeout:g} s" if close_timeout else ""
    return Problem(
        "timeout",
        f"the server did not finish the closing handshake{within}; the connection was cut",
    )


def dropped(exc: BaseException | None) -> Problem:
    """The connection ended without a close frame (1006)."""
    tls = _find(exc, ssl.SSLError) if exc is not None else None
    if tls is not None:
        return Problem(
            "tls", f"the TLS connection failed ({_tls_reason(tls)}); no close frame (1006)"
        )
    if isinstance(exc, ConnectionResetError):
        how = "the connection was reset"
    elif isinstance(exc, OSError):
        how = f"the connection failed ({exc.strerror or exc})"
    else:
        how = "the server closed the TCP connection"
    return Problem(
        "dropped",
        f"the connection dropped: {how} without a WebSocket close frame (1006 abnormal closure)",
    )


def failure(exc: BaseException | None, code: int, reason: str, params: ConnectParams) -> Problem:
    """Why the client failed a connection that was open, from the error behind it.

    ``code`` and ``reason`` are those of the close frame the client sent.
    """
    from websockets.exceptions import PayloadTooBig, ProtocolError

    if isinstance(exc, PayloadTooBig) or code == 1009:
        return too_big(exc if isinstance(exc, PayloadTooBig) else None, params.max_message_size)
    if isinstance(exc, UnicodeDecodeError):
        return invalid_utf8(exc)
    if isinstance(exc, ProtocolError) or code == 1002:
        return protocol_error(exc if exc is not None else reason)
    if code == 1011 and "keepalive" in reason:
        return keepalive_timeout(params.ping_timeout)
    if isinstance(exc, TimeoutError):
        return close_timeout(params.close_timeout)
    if exc is not None and not isinstance(exc, EOFError):
        return dropped(exc)
    return Problem(
        "protocol", f"the client closed the connection with {describe_code(code)}: {reason}"
    )


def not_connected(action: str) -> Problem:
    """``send`` or ``ping`` was called with no open connection."""
    return Problem("not-connected", f"cannot {action}: the session is not connected")


def ping_timeout(timeout: float) -> Problem:
    """A ping of ours got no pong in time."""
    return Problem("timeout", f"no pong within {timeout:g} s")


# Helpers.


def _status(code: int) -> str:
    from http import HTTPStatus  # here: a connection that succeeds never builds the enum

    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def wants_client_cert(params: ConnectParams) -> Problem:
    """A TLS server closed the connection right after the TLS handshake (TLS 1.3: how a
    server that wants a client certificate says so), the same words on every transport."""
    return Problem(
        "tls",
        f"{_where(params)} closed the connection right after the TLS handshake, "
        "without answering the WebSocket handshake: it probably wants a client "
        "certificate (set client-cert and client-key)",
    )


def invalid_http_answer(params: ConnectParams, cause: str) -> Problem:
    """The server answered the handshake with no valid HTTP response (``cause``: what
    came instead, or that the connection closed first): often a TLS server on ws://."""
    return Problem(
        "protocol",
        f"{_where(params)} did not answer with a valid HTTP response to the handshake "
        f"({cause}); is it a WebSocket server"
        + (", and does it speak TLS (wss://)?" if params.secure else ", without TLS (ws://)?"),
    )


def _where(params: ConnectParams) -> str:
    parts = urlsplit(params.url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if params.secure else 80
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}"


def _proxy(params: ConnectParams) -> str | None:
    """The proxy this connection goes through, if any."""
    if params.proxy is None:
        return None
    if params.proxy != "auto":
        return params.proxy
    from websockets.proxy import get_proxy
    from websockets.uri import parse_uri

    try:
        return get_proxy(parse_uri(params.url))
    except Exception:
        return None


def _refused(exc: OSError) -> bool:
    if isinstance(exc, ConnectionRefusedError) or exc.errno == errno.ECONNREFUSED:
        return True
    # With several addresses (localhost: ::1 and 127.0.0.1), asyncio raises one
    # OSError("Multiple exceptions: ...") listing each address's error.
    text = str(exc)
    if exc.errno is None and text.startswith("Multiple exceptions:"):
        errors = text.count("[Errno ")
        return errors > 0 and errors == text.count(f"[Errno {errno.ECONNREFUSED}]")
    return False


def _tls_reason(exc: ssl.SSLError) -> str:
    return str(exc.reason or exc.strerror or exc).replace("_", " ").lower()


def _find(exc: BaseException | None, kind: type[E]) -> E | None:
    """``exc`` or the first exception of type ``kind`` among its causes."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _cause_text(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is not None and str(cause):
        return str(cause)
    return str(exc)


def _bytes(n: int) -> str:
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"
