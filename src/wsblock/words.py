"""Events in plain words: one line for each system event, shared by every front end.

``connected (HTTP 101) subprotocol chat``, ``closed 4001 "bye" by server``,
``refused: connection refused by 127.0.0.1:9: nothing listens on that port``...
The terminal (:mod:`wsblock.console`) and the app's activity log both say it this way.
"""

from __future__ import annotations

import json

from wsblock.engine.events import Event

__all__ = [
    "CLEAN_CLOSE_CODES",
    "PROTOCOL_FORMATS",
    "clean_close",
    "describe",
    "discarded",
    "hidden",
    "message_words",
]

#: Close codes of a normal end: normal closure, going away, and a close frame with no
#: code (1005: RFC 6455 7.1.5, "no status code").
CLEAN_CLOSE_CODES = frozenset({1000, 1001, 1005})


def clean_close(event: Event) -> bool:
    """Tell whether a ``close`` event is a normal end, not to be shown as a failure.

    A close the client asked for is (whatever its code: the user chose it); one by the
    server is when its code is 1000, 1001 or none (1005); one the client had to make
    (``by`` ``error``: refused, dropped, a protocol violation) never is.
    """
    if event.by == "error":
        return False
    return event.by == "client" or event.code in CLEAN_CLOSE_CODES


#: The formats of messages carried by a protocol on the WebSocket (engine/protocols).
PROTOCOL_FORMATS = frozenset({"socket.io", "graphql"})


def discarded(count: int) -> str:
    """``12 messages discarded while closing``: what came after the client's close frame."""
    return f"{count} message{'s' if count != 1 else ''} discarded while closing"


def describe(event: Event) -> str:
    """The words for a system event (messages are shown by their payload instead)."""
    k = event.kind
    if k == "connecting":
        n = f" (attempt {event.attempt})" if event.attempt and event.attempt > 1 else ""
        url = getattr(event, "url", None)
        return f"connecting{n}" + (f" {url}" if url else "")
    if k == "open":
        parts = ["connected"]
        if event.status:
            parts.append(f"(HTTP {event.status})")
        if event.subprotocol:
            parts.append(f"subprotocol {event.subprotocol}")
        if event.extensions:
            parts.append("extensions " + ", ".join(event.extensions))
        if event.name:  # a protocol's handshake is done: "namespace / (sid …)", connection_ack
            parts.append(f"· {event.name}")
        return " ".join(parts)
    if k == "close":
        code = event.code if event.code is not None else "-"
        reason = f' "{event.reason}"' if event.reason else ""
        text = f"closed {code}{reason} by {event.by or 'unknown'}"
        if event.discarded:
            text += f"; {discarded(event.discarded)}"
        return text
    if k == "error":
        text = f"{event.error or 'error'}: {event.reason or ''}".rstrip(": ")
        if event.body:
            body = event.body.strip().replace("\n", " ")
            text += f" — body: {body[:200]}"
        return text
    if k == "reconnect":
        return f"reconnecting in {event.delay or 0:.1f} s (attempt {event.attempt})"
    if k == "ping":
        return "ping sent" if event.dir == "out" else "ping received"
    if k == "pong":
        return f"pong ({event.rtt_ms:.1f} ms)" if event.rtt_ms is not None else "pong"
    if k in ("expect", "assert"):
        text = f"{k} {event.name or ''}".rstrip()
        if not event.ok:
            text += " failed" + (f": {event.reason}" if event.reason else "")
        elif event.rtt_ms is not None:
            text += f" (reply in {event.rtt_ms:.1f} ms)"
        if event.ok and event.reason:  # held, but checking nothing: said
            text += f" ({event.reason})"
        return text
    if k == "capture":
        if not event.ok:
            return f"capture {event.name}: {event.reason or 'not found'}"
        value = str(event.data) if event.data is not None else ""
        return f"captured {event.name} = {value if len(value) <= 40 else value[:40] + '…'}"
    if k == "rule":
        times = event.count or 0
        plural = "s" if times != 1 else ""
        return f"{event.reason or 'rule'} {event.name} fired {times} time{plural}"
    if k == "protocol":
        data = event.data if isinstance(event.data, str) else None
        return f"{event.name or 'protocol'}: {data}" if data else event.name or k
    return str(event.data) if event.data is not None else k


def hidden(event: Event) -> bool:
    """Whether the terminal and the app hide ``event`` by default: keep-alive pings and
    pongs (the library's, and a protocol's: Engine.IO's, GraphQL's ``ka``) and a
    protocol's own frames (its handshake). The journal keeps them all."""
    return event.kind == "protocol" or (
        event.name == "keepalive" and event.kind in ("ping", "pong")
    )


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def message_words(event: Event) -> str | None:
    """A protocol message in words, or None for a plain message.

    ``emit add {"a":2}`` (and `` · ack 0`` when it asks for one), ``tick {"n":3}``
    (`` · asks ack 4`` when the server asks for one), ``ack 0 {"sum":5}``; GraphQL: ``subscribe #1 subscription { … }``, ``next #1 {…}``,
    ``complete #1``.
    """
    if event.format not in PROTOCOL_FORMATS or not isinstance(event.data, str):
        return None
    try:
        body = json.loads(event.data)
    except ValueError:
        return None
    if event.format == "socket.io":
        if isinstance(body, list) and body:  # sent: ["event", args...]
            text = " ".join(["emit", str(body[0]), *map(_compact, body[1:])])
            return text + (f" · ack {event.key}" if event.key is not None else "")
        if isinstance(body, dict) and "event" in body:
            text = " ".join([str(body["event"]), *map(_compact, body.get("args") or [])])
            return text + (f" · asks ack {body['id']}" if "id" in body else "")
        if isinstance(body, dict) and "ack" in body:
            return " ".join([f"ack {body['ack']}", *map(_compact, body.get("args") or [])])
        return None
    if not isinstance(body, dict):
        return None
    kind = str(body.get("type", "?"))
    head = f"{kind} #{body['id']}" if "id" in body else kind
    payload = body.get("payload")
    if isinstance(payload, dict) and isinstance(payload.get("query"), str):
        query = " ".join(payload["query"].split())
        rest = {k: v for k, v in payload.items() if k != "query"}
        return f"{head} {query}" + (f" {_compact(rest)}" if rest else "")
    return head if payload is None else f"{head} {_compact(payload)}"
