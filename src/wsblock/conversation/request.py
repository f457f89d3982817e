"""One resolved request: everything the engine needs, with no ``{{variables}}`` left.

Built from a document's request (:mod:`wsblock.document`) and the variables
(:mod:`wsblock.variables.sources`) by :func:`wsblock.resolve.resolve_request`. The engine
and the front ends only see these plain data classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # not imported at run time: `wsblock connect` starts without the codecs
    from wsblock.codecs import Codec

Format = Literal["text", "json", "xml", "binary", "socket.io", "graphql"]

#: The ``protocol`` row: raw WebSocket, or a protocol on top of it (``engine/protocols``).
ProtocolName = Literal["websocket", "socket.io", "graphql-transport-ws", "graphql-ws"]


@dataclass(frozen=True)
class Options:
    """The ``socket-options`` block, parsed, with the spec's defaults."""

    subprotocols: tuple[str, ...] = ()
    origin: str | None = None
    compression: bool = True  # permessage-deflate
    connect_timeout: float = 10.0
    ping_interval: float | None = 20.0  # None: keepalive off
    ping_timeout: float | None = 20.0
    max_message_size: int | None = 16 * 1024 * 1024  # None: no limit
    reconnect: bool = False
    tls_verify: bool = True
    ca_file: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    proxy: str | None = "auto"  # "auto" | None (no proxy) | a proxy URL
    decode: Codec | None = None  # how inbound messages are read (wsblock.codecs)
    encode: Codec | None = None  # how a message written as JSON is sent
    protocol: ProtocolName = "websocket"  # the protocol spoken on the WebSocket
    namespace: str = "/"  # Socket.IO namespace
    socketio_path: str = "/socket.io/"  # where the Socket.IO server listens
    connect_payload: str | None = None  # JSON: Socket.IO `auth`, GraphQL connection_init payload


@dataclass(frozen=True)
class Check:
    """One row of an ``assertions-table`` or a ``socket-expect``: ``field operator expected``."""

    description: str
    field: str
    operator: str  # canonical name, see wsblock.checks.OPERATORS
    expected: str
    where: str = ""  # "file.void:42 row 2", for messages


@dataclass(frozen=True)
class Message:
    """A ``socket-message`` to send. ``data`` is ``bytes`` for binary, else ``str``.

    ``late``: ``data`` still holds ``{{process.NAME}}`` / ``{{$res.…}}`` templates, filled
    when it is sent (:mod:`wsblock.conversation.state`); the ``encode`` row applies then.
    """

    name: str
    format: Format
    data: str | bytes
    uid: str = ""
    where: str = ""
    written: str | None = None  # the JSON as written, when ``encode`` made ``data`` bytes
    ack: bool = False  # socket.io: ask the server for an acknowledgement
    variables: str | None = None  # graphql: the variables, compact JSON
    operation: str | None = None  # graphql: the operation's name
    late: bool = False
    #: socket.io, a rule's answer: sent as the acknowledgement the matched event asked for
    #: (``data``: the JSON array of its arguments); ``ack_id`` is that event's id, set when
    #: the rule fires (:mod:`wsblock.conversation.state`).
    ack_reply: bool = False
    ack_id: int | None = None


@dataclass(frozen=True)
class Capture:
    """One ``runtime-variables`` row: ``{{process.NAME}}`` takes the template's value."""

    name: str
    template: str  # {{$res.PATH}} / {{$req.PATH}}, alone or in text
    where: str = ""


@dataclass(frozen=True)
class Expect:
    """A ``socket-expect``: wait for an inbound message for which every check holds."""

    name: str
    timeout: float
    checks: tuple[Check, ...]
    uid: str = ""
    where: str = ""
    reply_to: str | None = None  # the name of the sent message this is the reply to
    captures: tuple[Capture, ...] = ()  # the runtime-variables item right after it
    late: bool = False  # an expected cell holds {{process.…}} / {{$req.…}}


@dataclass(frozen=True)
class Rule:
    """A ``socket-on``: for each inbound message for which every check holds, capture
    and answer. Active from its place among the steps until the connection ends."""

    name: str
    checks: tuple[Check, ...]
    captures: tuple[Capture, ...] = ()
    answer: Message | None = None
    uid: str = ""
    where: str = ""
    late: bool = False  # an expected cell holds a late template


@dataclass(frozen=True)
class Timer:
    """A ``socket-every``: send ``message`` every ``interval`` (``15``, ``500ms``,
    ``{{process.HB}}ms``: filled, and parsed, each time), from its place on."""

    name: str
    interval: str
    message: Message
    uid: str = ""
    where: str = ""


Step = Message | Expect | Rule | Timer


@dataclass(frozen=True)
class Request:
    """A WebSocket request ready to run."""

    name: str
    url: str  # query rows merged in
    headers: tuple[tuple[str, str], ...] = ()  # auth applied, disabled rows dropped
    options: Options = field(default_factory=Options)
    steps: tuple[Step, ...] = ()
    assertions: tuple[Check, ...] = ()
    secrets: frozenset[str] = frozenset()  # values to mask wherever shown or written
    file: Path | None = None
    index: int = 0  # 1-based position among the file's requests
    captures: tuple[Capture, ...] = ()  # the section's runtime-variables: from the handshake
    process: tuple[tuple[str, str], ...] = ()  # .voiden/.process.env.json values of late names

    @property
    def stateful(self) -> bool:
        """True when the conversation needs :mod:`wsblock.conversation.state`: captures,
        replies paired by name, rules, timers or late templates."""
        if self.captures:
            return True
        for s in self.steps:
            if isinstance(s, (Rule, Timer)):
                return True
            if isinstance(s, Expect) and (s.reply_to or s.captures or s.late):
                return True
            if isinstance(s, Message) and s.late:
                return True
        return False

    @property
    def codecs(self) -> dict[str, str]:
        """The ``decode`` / ``encode`` declarations, as a journal records them."""
        return {
            name: codec.declaration
            for name, codec in (("decode", self.options.decode), ("encode", self.options.encode))
            if codec is not None
        }

    @property
    def messages(self) -> tuple[Message, ...]:
        """The saved messages, in order (the composer's picker lists these)."""
        return tuple(s for s in self.steps if isinstance(s, Message))
