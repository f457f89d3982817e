"""Counters kept by a session, across reconnects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Stats:
    """Messages and bytes that went through a session.

    Counts add up over every connection of the session (reconnects included);
    ``connected_at`` and ``closed_at`` are those of the latest connection. Sizes are
    payload bytes (text counted as UTF-8), without frame headers or compression.
    """

    sent: int = 0
    received: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    connected_at: datetime | None = None
    closed_at: datetime | None = None
