"""The states of a session, and which moves between them are allowed.

::

    disconnected ──connect()──▶ connecting ──handshake done──▶ connected
      ▲   ▲                         │                            │   │
      │   └──── failed, close() ────┘                            │   │ close()
      │                                                          │   ▼
      ├──────── server closed, connection dropped, error ────────┘ closing
      │                                                              │
      └───────────── close handshake done (or timed out) ────────────┘

A session that reconnects goes ``connected → disconnected`` when the connection
drops, waits (``reconnect`` event), then goes ``disconnected → connecting`` again.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a :class:`~wsblock.engine.session.Session` stands.

    The values are plain strings (``State.CONNECTED == "connected"``), so they can be
    shown or written as they are.
    """

    DISCONNECTED = "disconnected"
    """No connection, and no attempt running (a reconnect may be scheduled)."""

    CONNECTING = "connecting"
    """TCP, TLS, proxy and the WebSocket handshake are under way."""

    CONNECTED = "connected"
    """The handshake succeeded: messages flow both ways."""

    CLOSING = "closing"
    """:meth:`Session.close` sent a close frame and waits for the server's answer."""


#: The moves a session may make; anything else is a bug in the engine.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.DISCONNECTED: frozenset({State.CONNECTING}),
    State.CONNECTING: frozenset({State.CONNECTED, State.DISCONNECTED}),
    State.CONNECTED: frozenset({State.CLOSING, State.DISCONNECTED}),
    State.CLOSING: frozenset({State.DISCONNECTED}),
}


def can_move(old: State, new: State) -> bool:
    """Tell whether a session may go from ``old`` to ``new``."""
    return new in TRANSITIONS[old]
