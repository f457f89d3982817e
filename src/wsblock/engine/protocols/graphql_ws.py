"""The older ``graphql-ws`` protocol (Apollo's subscriptions-transport-ws), sans-I/O.

The same conversation as :mod:`.graphql_transport_ws` with other names: operations
are ``start`` / ``stop``, results ``data``, the server's keep-alive is ``ka`` (hidden
like a keep-alive ping, no answer), a refusal is ``connection_error``.
"""

from __future__ import annotations

from .graphql_transport_ws import GraphqlTransportWs

__all__ = ["GraphqlWs"]


class GraphqlWs(GraphqlTransportWs):
    """``graphql-ws`` (subscriptions-transport-ws) client state for one connection."""

    name = "graphql-ws"
    subprotocols = ("graphql-ws",)
    SUBSCRIBE = "start"
    RESULT = "data"
    STOP = "stop"
    KEEPALIVE = ("ka",)
