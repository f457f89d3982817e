"""Everything a transport needs to open one connection, derived from a ``Request``.

:func:`connect_params` applies the rules of the ``socket-options`` block
(``docs``: shared spec ``void-format.md``) that concern the handshake:

* A ``Sec-WebSocket-Protocol`` header sets subprotocols, like the ``subprotocols``
  option: the header is removed and its comma-separated values are offered after
  those of the option (duplicates dropped), so that the library negotiates them and
  checks the server's choice.
* An ``Origin`` header is used as the origin unless the ``origin`` option is set.
* A ``User-Agent`` header replaces the default one instead of being sent twice.
* Characters that may not stand in a URL (spaces, non-ASCII) are percent-encoded,
  as browsers do; ``%XX`` escapes already there are kept.
* A protocol on the WebSocket (``protocol`` row) sets its URL (Socket.IO's path and
  ``EIO=4&transport=websocket``) and offers its subprotocol (GraphQL's).
* ``0`` for a timeout or the ping interval, and ``0`` for the maximum message size,
  mean "off" / "no limit", like ``None``.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

from ..conversation.request import Request
from ..version import __version__
from .tls import ssl_context

#: The ``User-Agent`` sent when the request sets none; the transport adds its library
#: (:func:`user_agent`): ``wsblock/1.0 websockets/17.4`` or ``wsblock/1.0 picows/2.3.1``.
USER_AGENT = f"wsblock/{__version__}"


def user_agent(value: str, library: str, version: str) -> str:
    """The ``User-Agent`` to send: :data:`USER_AGENT` with the transport's library and
    version, or a request's own ``value`` as it is."""
    return f"{value} {library}/{version}" if value == USER_AGENT else value


@dataclass(frozen=True, slots=True)
class ConnectParams:
    """One connection's settings, ready for a transport.

    ``proxy`` is ``"auto"`` (the environment's ``*_proxy`` variables, as
    ``websockets`` reads them), ``None`` (connect directly) or a proxy URL.
    """

    url: str
    headers: tuple[tuple[str, str], ...] = ()
    subprotocols: tuple[str, ...] = ()
    origin: str | None = None
    user_agent: str | None = USER_AGENT
    compression: bool = True
    open_timeout: float | None = 10.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    close_timeout: float | None = 10.0
    max_message_size: int | None = 16 * 1024 * 1024
    ssl: ssl.SSLContext | None = None
    client_cert: bool = False  # whether ``ssl`` presents a client certificate
    proxy: str | None = "auto"

    @property
    def secure(self) -> bool:
        """Whether the URL is ``wss://``."""
        return urlsplit(self.url).scheme.lower() == "wss"


def connect_params(request: Request, *, close_timeout: float | None = 10.0) -> ConnectParams:
    """The settings to connect for ``request``.

    Args:
        request: The resolved request.
        close_timeout: Seconds to wait for the server to finish a closing handshake
            before cutting the TCP connection (not a ``socket-options`` key).

    Raises:
        ConnectFailed: The TLS files of the options cannot be used (kind ``tls``).
    """
    options = request.options
    subprotocols = list(options.subprotocols)
    origin = options.origin
    user_agent: str | None = USER_AGENT
    headers: list[tuple[str, str]] = []
    for name, value in request.headers:
        lower = name.strip().lower()
        if lower == "sec-websocket-protocol":
            subprotocols.extend(p.strip() for p in value.split(","))
        elif lower == "origin":
            origin = origin or value
        elif lower == "user-agent":
            user_agent = value
        else:
            headers.append((name, value))
    url = request.url
    if options.protocol != "websocket":  # Socket.IO's path and query, GraphQL's subprotocol
        from .protocols import make_protocol

        protocol = make_protocol(options)
        assert protocol is not None
        url = protocol.url(url)
        subprotocols.extend(protocol.subprotocols)
    params = ConnectParams(
        url=encode_url(url),
        headers=tuple(headers),
        subprotocols=tuple(dict.fromkeys(p for p in subprotocols if p)),
        origin=origin or None,
        user_agent=user_agent,
        compression=options.compression,
        open_timeout=_off_if_zero(options.connect_timeout),
        ping_interval=_off_if_zero(options.ping_interval),
        ping_timeout=_off_if_zero(options.ping_timeout),
        close_timeout=_off_if_zero(close_timeout),
        max_message_size=options.max_message_size or None,
        proxy=options.proxy,
    )
    if params.secure:
        # Only for wss://: TLS files of the options are ignored for plain ws://.
        return replace(
            params, ssl=ssl_context(options), client_cert=options.client_cert is not None
        )
    return params


def encode_url(url: str) -> str:
    """``url`` with the characters a URL may not contain percent-encoded (UTF-8)."""
    return quote(url, safe=_URL_SAFE)


# RFC 3986 reserved and unreserved characters, and "%" for existing escapes.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def _off_if_zero(value: float | None) -> float | None:
    return value if value else None
