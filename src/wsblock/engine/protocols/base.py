"""The common interface of the protocols spoken on a WebSocket, and what they say back.

A protocol is sans-I/O: it is fed frames (``str`` or ``bytes``) and messages to send,
and answers with plain records the caller acts on. It never touches a socket, a clock
or an event loop, so that the engine's transports and ``load``'s virtual users run the
very same code::

    protocol = make_protocol(request.options)        # engine.protocols
    url = protocol.url(request.url)                   # where to connect
    subprotocols = protocol.subprotocols              # offered by itself
    outputs = protocol.start()                        # when the WebSocket is open
    outputs = protocol.feed(frame)                    # for each frame received
    encoded = protocol.encode(message)                # a user's message -> frames
    words = protocol.closed(code, reason)             # a close, in the server's words
    asked = protocol.unanswered()                     # what the server asked, unanswered

Outputs, in the order they happened:

* :class:`Send` -- a frame the protocol sends by itself (handshake, a pong);
* :class:`Seen` -- an inbound protocol frame that is no message for the user (the
  handshake's, a ping, a keep-alive): recorded, hidden like keep-alive pings;
* :class:`Delivered` -- a message for the user: its ``body`` (a JSON value), its
  correlation ``key`` and the raw frame;
* :class:`Ready` -- the protocol's handshake is done (namespace joined, connection_ack);
* :class:`Refused` -- the server refused the handshake, in its own words;
* :class:`Violation` -- the server broke the protocol: said, never dropped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal

from ...conversation.request import Message

__all__ = [
    "Delivered",
    "Encoded",
    "Output",
    "Protocol",
    "ProtocolError",
    "Ready",
    "Refused",
    "Seen",
    "Send",
    "Violation",
]


class ProtocolError(ValueError):
    """A message cannot be sent in this protocol (its words say why)."""


@dataclass(frozen=True, slots=True)
class Send:
    """A frame the protocol sends by itself; ``what`` names it (``connect``, ``pong``)."""

    frame: str | bytes
    what: str
    kind: Literal["handshake", "ping", "pong", "other"] = "handshake"


@dataclass(frozen=True, slots=True)
class Seen:
    """An inbound protocol frame that is not a message for the user."""

    frame: str | bytes
    what: str
    kind: Literal["handshake", "ping", "pong", "other"] = "handshake"


@dataclass(frozen=True, slots=True)
class Delivered:
    """A message for the user.

    ``body`` is what expectations see (``{"event": "tick", "args": [...]}``, an
    acknowledgement ``{"ack": 0, "args": [...]}``, a GraphQL message as itself);
    ``key`` pairs it with the message it answers (Socket.IO ack id, GraphQL operation
    id), ``raw`` is the frame as received (its first frame, when attachments followed);
    ``label`` is the short form a log shows (``tick``, ``ack 0``, ``next #1``).
    """

    body: Any
    key: str | None
    raw: str | bytes
    label: str


@dataclass(frozen=True, slots=True)
class Ready:
    """The protocol's handshake is done; ``words`` say so (``namespace /admin joined``)."""

    words: str


@dataclass(frozen=True, slots=True)
class Refused:
    """The server refused the protocol's handshake; ``words`` are the server's."""

    words: str


@dataclass(frozen=True, slots=True)
class Violation:
    """The server broke the protocol (a frame that does not parse, an unknown id)."""

    words: str
    frame: str | bytes = ""


Output = Send | Seen | Delivered | Ready | Refused | Violation


@dataclass(frozen=True, slots=True)
class Encoded:
    """A user's message as frames: ``frames`` to send in order, ``key`` its correlation
    key (None when no answer is asked for), ``shown`` what the ``sent`` event records
    (the message as the user wrote it, or the protocol message), ``label`` for a log."""

    frames: tuple[str | bytes, ...]
    key: str | None
    shown: str
    label: str


class Protocol(ABC):
    """One connection's protocol state. Made per connection (a reconnect makes a new one)."""

    #: The ``protocol`` row's value.
    name: str = ""
    #: Subprotocols offered in ``Sec-WebSocket-Protocol`` by the protocol itself.
    subprotocols: tuple[str, ...] = ()
    #: The formats of the messages this protocol encodes (others go out as they are).
    formats: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.ready = False
        self.ready_words = ""

    def url(self, url: str) -> str:
        """The URL to connect to for the request's ``url``."""
        return url

    @abstractmethod
    def start(self) -> list[Output]:
        """What to do once the WebSocket is open (frames to send first)."""

    @abstractmethod
    def feed(self, frame: str | bytes) -> list[Output]:
        """Take one received frame."""

    @abstractmethod
    def encode(self, message: Message) -> Encoded:
        """A user's message (of one of :attr:`formats`) as frames.

        Raises:
            ProtocolError: The message cannot be sent in this protocol.
        """

    def unanswered(self) -> list[str]:
        """What the server asked of us that nothing answered (said when the connection ends:
        a Socket.IO event that asked for an acknowledgement), in words."""
        return []

    def closed(self, code: int | None, reason: str) -> str | None:
        """The server's words for a close that ends the protocol, or None for a plain close."""
        return None

    def _ready(self, words: str) -> Ready:
        self.ready = True
        self.ready_words = words
        return Ready(words)
