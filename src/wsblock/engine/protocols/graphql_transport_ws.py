"""GraphQL over WebSocket, the ``graphql-transport-ws`` protocol (npm ``graphql-ws``), sans-I/O.

* The subprotocol ``graphql-transport-ws`` is offered by itself.
* Once the WebSocket is open: ``{"type": "connection_init", "payload": <connect-payload>}``;
  ``connection_ack`` makes the protocol ready. A server that refuses closes with
  ``4403 Forbidden`` (or another ``44xx``): :meth:`closed` gives its words.
* ``ping`` is answered ``pong`` (both hidden like keep-alive pings).
* Each ``graphql`` message is one operation: ``{"id": "1", "type": "subscribe",
  "payload": {"query", "variables", "operationName"}}``; ids are chosen per operation,
  from 1, per connection. ``next``, ``error`` and ``complete`` are delivered as
  themselves, with ``key`` the operation's id; one for an id that was never started
  is a :class:`~.base.Violation` (and still delivered).

The older ``graphql-ws`` protocol (subscriptions-transport-ws) differs only in names:
:mod:`.graphql_ws` subclasses this one.
"""

from __future__ import annotations

import json
from typing import Any

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

__all__ = ["GraphqlTransportWs"]


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class GraphqlTransportWs(Protocol):
    """``graphql-transport-ws`` client state for one connection."""

    name = "graphql-transport-ws"
    subprotocols = ("graphql-transport-ws",)
    formats = ("graphql",)

    #: Message types, by role (the legacy protocol renames some).
    SUBSCRIBE = "subscribe"
    RESULT = "next"
    STOP = "complete"
    KEEPALIVE: tuple[str, ...] = ()  # server pings needing no answer (legacy `ka`)
    ENDS = ("error", "complete")  # the types that end an operation

    def __init__(self, payload: str | None = None) -> None:
        super().__init__()
        self.payload = json.loads(payload) if payload else None
        self._next_id = 1
        self.active: set[str] = set()
        self.started: set[str] = set()

    def start(self) -> list[Output]:
        init: dict[str, Any] = {"type": "connection_init"}
        if self.payload is not None:
            init["payload"] = self.payload
        return [Send(_compact(init), "connection_init")]

    def feed(self, frame: str | bytes) -> list[Output]:
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            return [Violation("a GraphQL message that is not JSON", frame)]
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return [Violation("a GraphQL message without a type", frame)]
        kind = message["type"]
        if kind == "connection_ack":
            payload = message.get("payload")
            words = "connection_ack" + (f" {_compact(payload)}" if payload else "")
            return [Seen(frame, "connection_ack"), self._ready(words)]
        if kind == "connection_error":  # the legacy protocol's refusal
            return [Seen(frame, "connection_error"), Refused(_words(message.get("payload")))]
        if kind == "ping":
            pong: dict[str, Any] = {"type": "pong"}
            return [Seen(frame, "ping", "ping"), Send(_compact(pong), "pong", "pong")]
        if kind == "pong":
            return [Seen(frame, "pong", "pong")]
        if kind in self.KEEPALIVE:
            return [Seen(frame, kind, "ping")]
        op = message.get("id")
        key = str(op) if op is not None else None
        label = f"{kind} #{key}" if key is not None else kind
        out: list[Output] = []
        if key is None or key not in self.started:
            out.append(Violation(f"the server sent {kind} for operation {key}, never started"))
        elif key not in self.active:
            out.append(Violation(f"the server sent {kind} for operation {key}, already ended"))
        if key is not None and kind in self.ENDS:
            self.active.discard(key)
        out.append(Delivered(message, key, text, label))
        return out

    def encode(self, message: Message) -> Encoded:
        document = message.data if isinstance(message.data, str) else message.data.decode()
        payload: dict[str, Any] = {"query": document}
        if message.variables:
            try:
                payload["variables"] = json.loads(message.variables)
            except json.JSONDecodeError as e:
                raise ProtocolError(f"variables: not JSON: {e.msg}") from None
        if message.operation:
            payload["operationName"] = message.operation
        key = str(self._next_id)
        self._next_id += 1
        self.started.add(key)
        self.active.add(key)
        text = _compact({"id": key, "type": self.SUBSCRIBE, "payload": payload})
        return Encoded((text,), key, text, f"{self.SUBSCRIBE} #{key}")

    def closed(self, code: int | None, reason: str) -> str | None:
        if code is not None and 4400 <= code <= 4999:
            return f"the server closed with {code}" + (f" {reason}" if reason else "")
        return None


def _words(payload: object) -> str:
    if isinstance(payload, dict) and isinstance(message := payload.get("message"), str):
        return message
    if isinstance(payload, str) and payload:
        return payload
    return _compact(payload) if payload is not None else "connection_error"
