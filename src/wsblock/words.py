"""Events in plain words: one line for each system event, shared by every front end.

``connected (HTTP 101) subprotocol chat``, ``closed 4001 "bye" by server``,
``refused: connection refused by 127.0.0.1:9: nothing listens on that port``...
The terminal (:mod:`wsblock.console`) and the app's activity log both say it this way.
"""

from __future__ import annotations

from wsblock.engine.events import Event

__all__ = ["describe", "discarded"]


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
        return text
    return str(event.data) if event.data is not None else k
