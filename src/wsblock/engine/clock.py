"""Timestamps for events: one wall-clock reading, then the monotonic clock.

Reading the wall clock for every message costs time on the receive path and lets a
clock adjustment reorder events. Instead, a :class:`Clock` reads the wall clock once,
when the session starts, together with :func:`time.monotonic`; every later
timestamp is that anchor plus the monotonic time elapsed since. Events are therefore
always in order, and their durations are exact, even when NTP moves the wall clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Turns :func:`time.monotonic` readings into ``(utc_datetime, seconds_since_start)``."""

    __slots__ = ("wall0", "mono0")

    def __init__(self) -> None:
        self.mono0: float = time.monotonic()
        """The monotonic reading taken at the start."""
        self.wall0: datetime = datetime.now(UTC)
        """The UTC wall-clock time taken at the start (tz-aware)."""

    def at(self, mono: float) -> tuple[datetime, float]:
        """Timestamp of the moment when :func:`time.monotonic` returned ``mono``.

        Returns the UTC time (microsecond precision) and the seconds elapsed since
        the clock was started.
        """
        offset = mono - self.mono0
        return self.wall0 + timedelta(seconds=offset), offset

    def now(self) -> tuple[datetime, float]:
        """Timestamp of the present moment; see :meth:`at`."""
        return self.at(time.monotonic())
