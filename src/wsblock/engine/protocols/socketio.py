"""Socket.IO 4 on Engine.IO 4, over one WebSocket (no HTTP long-polling), sans-I/O.

The packets are encoded and decoded by ``python-engineio`` and ``python-socketio``
(their ``packet`` modules only, imported without the packages' clients:
:mod:`.packets`). The conversation:

* the server opens with Engine.IO ``0{"sid", "pingInterval", "pingTimeout", ...}``;
* we join the namespace: ``40`` (``40/admin,``) with the ``connect-payload`` as ``auth``;
* the server answers ``40{"sid"}`` (ready) or ``44{"message"}`` (``connect_error``:
  refused, in the server's words);
* Engine.IO pings ``2`` are answered ``3`` (hidden, like keep-alive pings);
* events ``42["tick", {...}]`` are delivered as ``{"event": "tick", "args": [...]}``,
  acknowledgements ``43<id>[...]`` as ``{"ack": id, "args": [...]}`` with ``key`` the id;
* binary events and acks (``45`` / ``46``) wait for their attachments (binary frames);
  a binary argument is shown as ``{"$binary": "<base64>"}``, and written so to be sent.

A message ``["add", {"a": 2}]`` with ``ack: true`` goes out as ``420["add",{"a":2}]``;
ids are chosen per message, from 0, per connection.

An event the server sends with an id (``421["ask",{...}]``: ``socket.emit('ask', data,
callback)``) asks us for an acknowledgement: it is delivered with ``"id": 1`` in its body,
and a rule's message with ``ack-reply`` (``ack_id`` set to that id, content the JSON array
of the arguments) goes out as the acknowledgement ``431[...]``. :meth:`SocketIO.unanswered`
says the ones nothing answered, when the connection ends.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...conversation.request import Message
from .base import (
    Delivered,
    Encoded,
    Output,
    Protocol,
    ProtocolError,
    Refused,
    Seen,
    Send,
    Violation,
)

if TYPE_CHECKING:
    from engineio import packet as eio
    from socketio import packet as sio
else:  # python-engineio's and python-socketio's, without their clients
    from .packets import eio, sio

__all__ = ["SocketIO", "from_json", "to_json"]

BINARY_KEY = "$binary"


def to_json(value: Any) -> Any:
    """``value`` with every ``bytes`` as ``{"$binary": "<base64>"}`` (JSON-ready)."""
    if isinstance(value, bytes | bytearray):
        return {BINARY_KEY: base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def from_json(value: Any) -> Any:
    """The reverse of :func:`to_json`: ``{"$binary": "..."}`` becomes ``bytes``."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get(BINARY_KEY), str):
            try:
                return base64.b64decode(value[BINARY_KEY], validate=True)
            except (binascii.Error, ValueError):
                raise ProtocolError(f"{BINARY_KEY}: not base64: {value[BINARY_KEY]!r}") from None
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SocketIO(Protocol):
    """Socket.IO 4 client state for one connection, on one namespace."""

    name = "socket.io"
    formats = ("socket.io",)

    def __init__(
        self, namespace: str = "/", path: str = "/socket.io/", auth: str | None = None
    ) -> None:
        super().__init__()
        self.namespace = namespace or "/"
        self.path = path
        self.auth = json.loads(auth) if auth else None
        self.sid: str | None = None
        self.ping_interval: float | None = None
        self.ping_timeout: float | None = None
        self._next_ack = 0
        self._waiting: sio.Packet | None = None  # a binary packet waiting for attachments
        self._waiting_raw = ""
        self._asked: dict[int, str] = {}  # acknowledgements the server asked for: id -> event

    def url(self, url: str) -> str:
        """``http://host:3000`` -> ``ws://host:3000/socket.io/?EIO=4&transport=websocket``."""
        parts = urlsplit(url)
        scheme = {"http": "ws", "https": "wss"}.get(parts.scheme.lower(), parts.scheme.lower())
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in ("EIO", "transport")
        ]
        query += [("EIO", "4"), ("transport", "websocket")]
        path = parts.path if parts.path not in ("", "/") else self.path
        return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))

    def start(self) -> list[Output]:
        return []  # the server speaks first (the Engine.IO open packet)

    # Receiving.

    def feed(self, frame: str | bytes) -> list[Output]:
        if isinstance(frame, bytes | bytearray):
            return self._attachment(bytes(frame))
        if not frame:
            return [Violation("an empty Engine.IO packet", frame)]
        kind = frame[0]
        if kind == "4":
            return self._packet(frame)
        if kind == "2":
            return [Seen(frame, "ping", "ping"), Send("3" + frame[1:], "pong", "pong")]
        if kind == "3":
            return [Seen(frame, "pong", "pong")]
        if kind == "0":
            return self._open(frame)
        if kind == "1":
            return [Seen(frame, "the server closes the Engine.IO session", "other")]
        if kind == "6":
            return [Seen(frame, "noop", "other")]
        if kind == "b":  # a base64 binary message (polling); not sent over WebSocket
            try:
                return self._attachment(base64.b64decode(frame[1:]))
            except (binascii.Error, ValueError):
                return [Violation("a base64 Engine.IO message that does not decode", frame)]
        return [Violation(f"an unknown Engine.IO packet type {kind!r}", frame)]

    def _open(self, frame: str) -> list[Output]:
        try:
            info = eio.Packet(encoded_packet=frame).data
        except (ValueError, IndexError):
            info = None
        if not isinstance(info, dict) or "sid" not in info:
            return [Violation("an Engine.IO open packet without a session id", frame)]
        self.ping_interval = _ms(info.get("pingInterval"))
        self.ping_timeout = _ms(info.get("pingTimeout"))
        join = sio.Packet(sio.CONNECT, data=self.auth, namespace=self.namespace)
        connect = "4" + str(join.encode())
        return [Seen(frame, "open"), Send(connect, f"connect {self.namespace}")]

    def _packet(self, frame: str) -> list[Output]:
        try:
            packet = sio.Packet(encoded_packet=frame[1:])
        except (ValueError, IndexError, TypeError) as e:
            return [Violation(f"a Socket.IO packet that does not parse ({e})", frame)]
        namespace = packet.namespace or "/"
        if namespace != self.namespace:
            return [Seen(frame, f"a packet for namespace {namespace}", "other")]
        if packet.attachment_count:
            self._waiting, self._waiting_raw = packet, frame
            return []
        return self._deliver(packet, frame)

    def _attachment(self, data: bytes) -> list[Output]:
        packet = self._waiting
        if packet is None:
            return [Violation("a binary frame that no Socket.IO packet announced", data)]
        try:
            done = packet.add_attachment(data)
        except ValueError as e:
            return [Violation(str(e), data)]
        if not done:
            return []
        self._waiting = None
        return self._deliver(packet, self._waiting_raw)

    def _deliver(self, packet: sio.Packet, frame: str) -> list[Output]:
        kind = packet.packet_type
        if kind == sio.CONNECT:
            data = packet.data if isinstance(packet.data, dict) else {}
            self.sid = str(data.get("sid", "")) or None
            sid = f" (sid {self.sid})" if self.sid else ""
            return [Seen(frame, "connected"), self._ready(f"namespace {self.namespace}{sid}")]
        if kind == sio.CONNECT_ERROR:
            data = packet.data
            words = data.get("message") if isinstance(data, dict) else data
            if isinstance(data, dict) and data.get("data") is not None:
                words = f"{words} {_compact(data['data'])}"
            return [Seen(frame, "connect_error"), Refused(str(words or "connect_error"))]
        if kind == sio.DISCONNECT:
            return [Seen(frame, f"the server left namespace {self.namespace}", "other")]
        args = packet.data if isinstance(packet.data, list) else [packet.data]
        if kind in (sio.EVENT, sio.BINARY_EVENT):
            if not args or not isinstance(args[0], str):
                return [Violation("a Socket.IO event without a name", frame)]
            body: dict[str, Any] = {"event": args[0], "args": to_json(args[1:])}
            if packet.id is not None:
                body["id"] = packet.id  # the server asks us for an acknowledgement
                self._asked[packet.id] = args[0]
            return [Delivered(body, None, frame, args[0])]
        if kind in (sio.ACK, sio.BINARY_ACK):
            key = str(packet.id)
            return [Delivered({"ack": packet.id, "args": to_json(args)}, key, frame, f"ack {key}")]
        return [Violation(f"an unknown Socket.IO packet type {kind!r}", frame)]

    # Sending.

    def encode(self, message: Message) -> Encoded:
        text = message.data if isinstance(message.data, str) else message.data.decode()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise ProtocolError(f"not JSON: {e.msg}") from None
        if message.ack_reply:
            return self._ack(message, value)
        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            raise ProtocolError('a socket.io message is a JSON array: ["event", args...]')
        key = None
        if message.ack:
            key = str(self._next_ack)
            self._next_ack += 1
        packet = sio.Packet(
            sio.EVENT,
            data=from_json(value),
            namespace=self.namespace,
            id=int(key) if key is not None else None,
        )
        encoded = packet.encode()
        frames: list[str | bytes] = (
            ["4" + encoded[0], *encoded[1:]] if isinstance(encoded, list) else ["4" + encoded]
        )
        return Encoded(tuple(frames), key, _compact(value), value[0])

    def _ack(self, message: Message, value: Any) -> Encoded:
        """The acknowledgement ``431[args...]`` of the event that asked for it."""
        asked = message.ack_id
        if asked is None:
            raise ProtocolError(
                "an acknowledgement (ack-reply) needs the id of the event it answers"
            )
        if not isinstance(value, list):
            raise ProtocolError("an acknowledgement (ack-reply) is the JSON array of its arguments")
        packet = sio.Packet(sio.ACK, data=from_json(value), namespace=self.namespace, id=asked)
        encoded = packet.encode()
        frames: list[str | bytes] = (
            ["4" + encoded[0], *encoded[1:]] if isinstance(encoded, list) else ["4" + encoded]
        )
        self._asked.pop(asked, None)
        shown = _compact({"ack": asked, "args": value})
        return Encoded(tuple(frames), None, shown, f"ack {asked}")

    def unanswered(self) -> list[str]:
        """The acknowledgements the server asked for that nothing sent, in words."""
        return [
            f"the server asked for an acknowledgement of {event!r} (id {asked}) that nothing "
            "answered (a socket-on rule whose socket.io message has ack-reply: true answers it)"
            for asked, event in self._asked.items()
        ]


def _ms(value: object) -> float | None:
    return value / 1000 if isinstance(value, int | float) and value > 0 else None
