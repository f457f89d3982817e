"""The boundary between a session and a WebSocket library.

A :class:`Transport` opens one connection, moves messages, and reports how the
connection ended; the :class:`~wsblock.engine.session.Session` does everything
else (state, events, reconnects). :mod:`.websockets_transport` implements it on
``websockets``; a faster library (picows, say) would only need another class with
these few methods.

Receiving is batched: :meth:`Transport.recv` returns everything that arrived since
the previous call, grouped by the moment it arrived (one :class:`Batch` per read
from the socket). Reading a burst of small messages thus costs one wake-up of the
session's reader, not one per message, and one timestamp per socket read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .errors import Problem

if TYPE_CHECKING:  # `wsblock check` names the transport without ssl's import
    from .params import ConnectParams

ClosedBy = Literal["client", "server", "error"]


@dataclass(frozen=True, slots=True)
class Handshake:
    """The server's answer to a successful opening handshake."""

    status: int
    headers: tuple[tuple[str, str], ...]
    subprotocol: str | None
    extensions: tuple[str, ...]


class Control:
    """A control frame seen on the connection, in order with the messages around it.

    ``kind`` is ``ping`` or ``pong``; ``dir`` is ``in`` (from the server) or ``out``
    (sent by us: our pings, the library's keepalive pings, the automatic answers to
    the server's pings). ``rtt_ms`` is set on a pong that answers one of our pings;
    ``keepalive`` marks the library's own pings and their pongs.
    """

    __slots__ = ("kind", "dir", "data", "rtt_ms", "keepalive")

    def __init__(
        self,
        kind: Literal["ping", "pong"],
        dir: Literal["in", "out"],
        data: bytes,
        rtt_ms: float | None = None,
        keepalive: bool = False,
    ) -> None:
        self.kind = kind
        self.dir = dir
        self.data = data
        self.rtt_ms = rtt_ms
        self.keepalive = keepalive

    def __repr__(self) -> str:
        return f"Control({self.kind!r}, {self.dir!r}, {self.data!r}, rtt_ms={self.rtt_ms!r})"


#: What :meth:`Transport.recv` yields: a text message (``str``), a binary message
#: (``bytes``) or a control frame.
Incoming = str | bytes | Control


class Batch:
    """What one read from the socket brought: ``items``, at ``at`` (:func:`time.monotonic`)."""

    __slots__ = ("at", "items")

    def __init__(self, at: float, items: list[Incoming]) -> None:
        self.at = at
        self.items = items

    def __repr__(self) -> str:
        return f"Batch(at={self.at!r}, items={self.items!r})"


@dataclass(frozen=True, slots=True)
class Ending:
    """How a connection ended.

    ``by`` is ``client`` when our side closed it on purpose (:meth:`Transport.close`),
    ``server`` when the server sent the first close frame, ``error`` when it ended
    because something went wrong (dropped TCP, a message too big, a protocol error,
    a keepalive timeout); ``problem`` then says what, and may also be set for a
    client close that went badly (the server never answered it). ``discarded``
    counts the messages that came after the client's close frame: they are dropped
    unread (a flood during the close costs neither memory nor output), and said.
    """

    code: int
    reason: str
    by: ClosedBy
    problem: Problem | None = None
    discarded: int = 0


class TransportClosed(Exception):
    """The connection is closed; :attr:`ending` says how."""

    def __init__(self, ending: Ending) -> None:
        super().__init__(f"connection closed: {ending.code} {ending.reason!r} by {ending.by}")
        self.ending = ending


class HandshakeFailed(Exception):
    """The protocol's handshake failed; :attr:`ending` says how the connection ended.

    Raised by :mod:`.protocol_link` (Socket.IO, GraphQL); defined here, beside
    :class:`TransportClosed`, so that a plain WebSocket session starts without the protocols.
    """

    def __init__(self, ending: Ending) -> None:
        super().__init__(ending.problem.reason if ending.problem else "handshake failed")
        self.ending = ending


class Transport(Protocol):
    """One WebSocket connection. Made unconnected; :meth:`connect` is called once."""

    async def connect(self, params: ConnectParams) -> Handshake:
        """Open the connection: TCP, proxy, TLS, then the opening handshake.

        Raises:
            ConnectFailed: With a plain-words :class:`Problem`, for every failure.
        """
        ...

    async def send(self, data: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message.

        Raises:
            TransportClosed: The connection is closed (or closed while sending).
        """
        ...

    async def recv(self) -> list[Batch]:
        """Wait until something arrived, then return all that arrived since the last call.

        Raises:
            TransportClosed: The connection is closed and everything was returned.
        """
        ...

    async def ping(self, data: bytes) -> None:
        """Send a ping with payload ``data`` (the caller makes it unique).

        The ping shows up in :meth:`recv` as ``Control("ping", "out", data)`` and its
        answer as ``Control("pong", "in", data, rtt_ms=...)``.

        Raises:
            TransportClosed: The connection is closed.
            ValueError: A ping with the same payload still waits for its pong.
        """
        ...

    async def close(self, code: int, reason: str, timeout: float | None = None) -> None:
        """Close on purpose: send a close frame and wait for the connection to end.

        From the close frame on, data frames are discarded (counted in
        :attr:`Ending.discarded`). ``timeout``: seconds the server gets to finish the
        closing handshake, instead of the connection's ``close_timeout``; then the
        connection is cut, and the ending's problem says so.
        """
        ...

    def abort(self) -> None:
        """Cut the connection at once, without a closing handshake."""
        ...

    def pause_reading(self) -> None:
        """Stop reading from the socket (TCP holds the server back) until
        :meth:`resume_reading`; nothing is lost."""
        ...

    def resume_reading(self) -> None:
        """Read from the socket again after :meth:`pause_reading`."""
        ...

    def bound_reads(self, size: int) -> None:
        """Let the kernel hold about ``size`` bytes of what the server sent (``SO_RCVBUF``):
        one read then brings at most that much (the event loop stays responsive under a
        flood, and a paused socket holds back the server sooner)."""
        ...


def bound_socket_reads(transport: Any, size: int) -> None:
    """``SO_RCVBUF`` of an asyncio transport's socket (see ``Transport.bound_reads``)."""
    import socket

    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
        except OSError:
            pass  # a socket that refuses: reads stay as large as the kernel makes them
