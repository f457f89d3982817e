"""One failure of a session, in plain words, with a kind that programs can test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProblemKind = Literal[
    "refused",  # nothing listens on the port (TCP connection refused)
    "dns",  # the host name does not resolve
    "tls",  # TLS handshake or certificate failure; unreadable ca-file/client-cert
    "timeout",  # connect-timeout, ping-timeout, a ping or a close without answer
    "rejected",  # the server answered the handshake with an HTTP error (status, body)
    "protocol",  # the server broke the WebSocket protocol (handshake or frames)
    "too-big",  # a message larger than max-message-size (closed with 1009)
    "invalid-utf8",  # a text message that is not UTF-8 (closed with 1007)
    "dropped",  # the TCP connection ended without a close frame (1006)
    "proxy",  # the proxy refused or failed
    "url",  # the URL is not a ws:// or wss:// URL
    "network",  # any other network failure (unreachable, reset, ...)
    "not-connected",  # send or ping while there is no connection
    "internal",  # a bug in wsblock (logged with its traceback)
]


@dataclass(frozen=True, slots=True)
class Problem:
    """A failure as an ``error`` event reports it.

    ``reason`` is a sentence for people: what happened and, where it helps, what to
    change. ``status``, ``headers`` and ``body`` are set for ``rejected`` only: the
    HTTP status of the refused handshake, its response headers, and the first KiB of
    its body, decoded as UTF-8 (undecodable bytes replaced).
    """

    kind: ProblemKind
    reason: str
    status: int | None = None
    headers: tuple[tuple[str, str], ...] | None = None
    body: str | None = None
