"""Control frames (ping, pong) as events: the one conversion the session and the protocols share.

A module of its own so that a plain WebSocket session (:mod:`.session`) starts without the
protocols (:mod:`.protocol_link`, :mod:`.protocols`), which use it too.
"""

from __future__ import annotations

from datetime import datetime

from .events import Event
from .fastevent import new_event
from .transport import Control

__all__ = ["control_event"]


def control_event(control: Control, now: tuple[datetime, float]) -> Event:
    """A control frame (ping, pong) as an event; a keep-alive one is named so."""
    ts, mono = now
    return new_event(
        control.kind,
        ts,
        mono,
        control.dir,
        data=control.data,
        size=len(control.data),
        rtt_ms=control.rtt_ms,
        name="keepalive" if control.keepalive else None,
    )
