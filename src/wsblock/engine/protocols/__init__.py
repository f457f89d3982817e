"""Protocols spoken on top of the WebSocket: Socket.IO 4 and GraphQL, sans-I/O.

Bytes and text in, records out (:mod:`.base`); no sockets, no asyncio, so that every
transport of the engine and ``load``'s virtual users share the code. One module per
protocol:

* :mod:`.socketio` -- Socket.IO 4 / Engine.IO 4 (``python-engineio`` / ``python-socketio``
  packet codecs);
* :mod:`.graphql_transport_ws` -- ``graphql-transport-ws`` (the ``graphql-ws`` library);
* :mod:`.graphql_ws` -- the older ``graphql-ws`` (subscriptions-transport-ws).

:func:`make_protocol` makes the protocol of a request's options (None for a plain
WebSocket); each protocol module is imported only when a request speaks it.
"""

from __future__ import annotations

from ...conversation.request import Options
from .base import (
    Delivered,
    Encoded,
    Output,
    Protocol,
    ProtocolError,
    Ready,
    Refused,
    Seen,
    Send,
    Violation,
)

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
    "make_protocol",
]


def make_protocol(options: Options) -> Protocol | None:
    """A fresh protocol state for one connection of a request with these options."""
    name = options.protocol
    if name == "socket.io":
        from .socketio import SocketIO

        return SocketIO(options.namespace, options.socketio_path, options.connect_payload)
    if name == "graphql-transport-ws":
        from .graphql_transport_ws import GraphqlTransportWs

        return GraphqlTransportWs(options.connect_payload)
    if name == "graphql-ws":
        from .graphql_ws import GraphqlWs

        return GraphqlWs(options.connect_payload)
    return None
