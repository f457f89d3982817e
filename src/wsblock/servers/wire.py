"""How the mock speaks a protocol on top of WebSocket: Socket.IO, GraphQL over WebSocket.

A recorded session that spoke a protocol is played frame by frame, as it went on the
wire (:attr:`~wsblock.journal.recording.Recording.frames`). What differs from a raw
WebSocket conversation is said here, per protocol, without sockets:

* **keep-alives** are the protocol's, not the recording's: the mock answers a GraphQL
  ``ping`` with ``pong``, drops a Socket.IO ``3`` (pong), and pings a Socket.IO client
  every ``pingInterval`` of the recorded open packet (:meth:`Wire.ping`);
* **what is compared** of a client's frame with the recorded one: a Socket.IO packet's
  type, namespace and data (its ack id aside; a namespace ``CONNECT``'s auth aside, as it
  was recorded masked), a GraphQL message without its ``id`` (and a ``connection_init``
  without its payload);
* **ids**: the ids a client chooses (a Socket.IO ack id, a GraphQL operation id) are
  learnt as its frames match recorded ones, and the server's recorded answers go out
  with the client's ids (:meth:`Wire.rewrite`).

::

    wire = wire_for("socket.io")
    wire.control("3")                         # "": a pong, dropped
    seen = wire.comparable(frame)             # Seen: head, Msg to compare, its id ("0")
    wire.rewrite(recorded_answer, {"0": "7"}) # '437[{"sum":5}]'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wsblock.conversation.compare import Msg

__all__ = ["PROTOCOLS", "GraphQL", "Seen", "SocketIO", "Wire", "wire_for"]

#: The protocols the mock speaks besides raw WebSocket.
PROTOCOLS = ("socket.io", "graphql-transport-ws", "graphql-ws")


@dataclass(frozen=True)
class Seen:
    """What of a frame is compared: ``head`` equal (a Socket.IO packet's type and
    namespace), ``msg`` the same message (JSON equal outside the ``--ignore`` paths, as
    written for the message: ``body[1].id`` of ``["add", {"id": 1}]``); and ``key``, the
    id the client chose for it, if any."""

    head: str
    msg: Msg
    key: str | None = None


class Wire:
    """Raw WebSocket: every frame as it is, no keep-alive of its own, no ids."""

    def control(self, data: str | bytes) -> str | None:
        """A keep-alive's answer ("" to drop the frame), or None for a frame to match."""
        return None

    def comparable(self, frame: Msg) -> Seen:
        """What of ``frame`` is compared with a recorded frame, and the id it carries."""
        return Seen("", frame)

    def rewrite(self, frame: Msg, ids: dict[str, str]) -> str | bytes:
        """A recorded server frame as it goes out, with the client's ids."""
        return frame.data

    def keepalive(self, data: str | bytes) -> bool:
        """Whether a recorded frame, either way, is one of the protocol's keep-alives: the
        mock sends and answers those itself, so a recording's are left out of its script."""
        return False

    def ping(self, first: Msg | None) -> tuple[float, str] | None:
        """(interval in seconds, frame) of the pings the mock sends, if the protocol's
        server pings (read from the recording's ``first`` server frame)."""
        return None


CONNECT, EVENTS, ACKS = 0, (2, 5), (3, 6)  # Socket.IO packet types (5, 6: binary)


class SocketIO(Wire):
    """Socket.IO 4 on Engine.IO 4 over one WebSocket (the packets of ``python-socketio``)."""

    def control(self, data: str | bytes) -> str | None:
        if data == "3":  # the client's pong to our ping
            return ""
        if data == "2":  # a ping (Engine.IO 3 clients ping): answered
            return "3"
        return None

    def keepalive(self, data: str | bytes) -> bool:
        return data in ("2", "3")  # Engine.IO's ping and pong

    def comparable(self, frame: Msg) -> Seen:
        from wsblock.engine.protocols.packets import message_packet

        p = message_packet(frame.data)
        if p is None:  # Engine.IO's own (open, noop), a binary attachment
            return Seen("", frame)
        data = None if p.packet_type == CONNECT else p.data  # its auth was recorded masked
        seen = Msg("text", json.dumps(data, separators=(",", ":")), frame.at, frame.dir)
        # the id an event asks its acknowledgement by (an ack's id is the server's own)
        key = str(p.id) if p.id is not None and p.packet_type in EVENTS else None
        return Seen(f"{p.packet_type} {p.namespace or '/'}", seen, key)

    def rewrite(self, frame: Msg, ids: dict[str, str]) -> str | bytes:
        from wsblock.engine.protocols.packets import message_packet, sio

        p = message_packet(frame.data)
        if p is None or p.packet_type not in ACKS or str(p.id) not in ids:
            return frame.data  # a server's event keeps its own id

        new = ids[str(p.id)]
        again = sio.Packet(
            packet_type=p.packet_type,
            data=p.data,
            namespace=p.namespace,
            id=int(new) if new.isdigit() else new,
        )
        return "4" + str(again.encode())

    def ping(self, first: Msg | None) -> tuple[float, str] | None:
        if first is None or not isinstance(first.data, str) or not first.data.startswith("0"):
            return None
        try:
            interval = float(json.loads(first.data[1:])["pingInterval"]) / 1000
        except (ValueError, KeyError, TypeError):
            return None
        return (interval, "2") if interval > 0 else None


class GraphQL(Wire):
    """GraphQL over WebSocket, both protocols: ``graphql-transport-ws`` (graphql-ws) and
    ``graphql-ws`` (subscriptions-transport-ws): JSON messages with an ``id`` each."""

    def __init__(self, pings: bool):
        self.pings = pings  # graphql-transport-ws: the client may ping

    @staticmethod
    def _json(data: str | bytes) -> Any:
        try:
            return json.loads(data)
        except ValueError:
            return None

    @classmethod
    def _type(cls, data: str | bytes) -> Any:
        message = cls._json(data)
        return message.get("type") if isinstance(message, dict) else None

    def control(self, data: str | bytes) -> str | None:
        kind = self._type(data) if self.pings else None
        if kind == "ping":
            return '{"type":"pong"}'
        if kind == "pong":
            return ""
        return None

    def keepalive(self, data: str | bytes) -> bool:
        return self._type(data) in ("ping", "pong", "ka")  # ka: graphql-ws's, the server's

    def comparable(self, frame: Msg) -> Seen:
        message = self._json(frame.data)
        if not isinstance(message, dict):
            return Seen("", frame)
        key = message.pop("id", None)
        if message.get("type") == "connection_init":
            message.pop("payload", None)  # recorded masked, as a secret
        seen = Msg("text", json.dumps(message, separators=(",", ":")), frame.at, frame.dir)
        return Seen("", seen, None if key is None else str(key))

    def rewrite(self, frame: Msg, ids: dict[str, str]) -> str | bytes:
        message = self._json(frame.data)
        if not isinstance(message, dict) or str(message.get("id")) not in ids:
            return frame.data
        message["id"] = ids[str(message["id"])]
        return json.dumps(message, separators=(",", ":"))


def wire_for(protocol: str) -> Wire:
    """The :class:`Wire` of ``protocol`` (``websocket``: raw)."""
    if protocol == "socket.io":
        return SocketIO()
    if protocol in ("graphql-transport-ws", "graphql-ws"):
        return GraphQL(pings=protocol == "graphql-transport-ws")
    return Wire()
