"""Latencies of a load test to the microsecond: one HDR histogram per entry name.

Locust's own statistics round a response time below 100 ms to the millisecond, so
on a LAN or loopback every reply latency would read ``0`` or ``1``. Each process
keeps its own :class:`Latencies` (fed by Locust's ``request`` event, in whole
microseconds, 4 significant digits: 1 µs steps up to 32 ms, 8 µs up to 262 ms, 0.01 %
above); a worker sends what it recorded since its last report with Locust's report to
the master (:meth:`Latencies.take`), and the master adds them up (:meth:`Latencies.merge`).
The summary, the thresholds and the reports read their percentiles here, in ms with two
decimals; Locust's web UI keeps its own rounding.

This module imports neither gevent nor Locust.
"""

from __future__ import annotations

from typing import Any

from hdrh.histogram import HdrHistogram

__all__ = ["Latencies", "DIGITS", "HIGHEST_US"]

DIGITS = 4  # significant digits kept by each histogram
HIGHEST_US = 3_600_000_000  # an hour: anything longer is counted as an hour


def _histogram() -> HdrHistogram:
    return HdrHistogram(1, HIGHEST_US, DIGITS)


class Latencies:
    """Histograms by ``(kind, name)``: what one process recorded, or (master) merged."""

    def __init__(self) -> None:
        self.all: dict[tuple[str, str], HdrHistogram] = {}
        self._pending: dict[tuple[str, str], HdrHistogram] = {}  # a worker's, since its report
        self.reported: dict[tuple[str, str], HdrHistogram] = {}  # a worker's, sent so far

    def record(self, kind: str, name: str, ms: float, *, pending: bool = False) -> None:
        """One latency of *ms* milliseconds (*pending*: also kept for the next :meth:`take`)."""
        us = min(max(round(ms * 1000), 0), HIGHEST_US)
        self._get(self.all, kind, name).record_value(us)
        if pending:
            self._get(self._pending, kind, name).record_value(us)

    def on_request(self, request_type: str, name: str, response_time: float, **_: Any) -> None:
        """A listener of Locust's ``request`` event (a local run: nothing to send)."""
        self.record(request_type, name, response_time)

    def on_worker_request(
        self, request_type: str, name: str, response_time: float, **_: Any
    ) -> None:
        """A worker's listener of Locust's ``request`` event: kept for the master too."""
        self.record(request_type, name, response_time, pending=True)

    def take(self) -> list[list[Any]]:
        """A worker's report: ``[kind, name, encoded histogram]`` of what was recorded since
        the last one (each histogram is emptied)."""
        out = []
        for (kind, name), h in self._pending.items():
            if h.get_total_count():
                out.append([kind, name, h.encode()])
                self._get(self.reported, kind, name).add(h)
                h.reset()
        return out

    def merge(self, report: list[list[Any]]) -> None:
        """The master: add a worker's :meth:`take`."""
        for kind, name, encoded in report:
            self._get(self.all, kind, name).decode_and_add(encoded)

    def count(self, kind: str, name: str, *, reported: bool = False) -> int:
        """How many latencies of the entry were recorded (or merged; *reported*: sent)."""
        h = (self.reported if reported else self.all).get((kind, name))
        return 0 if h is None else int(h.get_total_count())

    def histogram(self, kind: str, name: str) -> HdrHistogram:
        """The entry's histogram (an empty one when nothing was recorded)."""
        return self.all.get((kind, name)) or _histogram()

    def percentile_ms(
        self, kind: str, name: str, percent: float, *, reported: bool = False
    ) -> float | None:
        """The latency under which *percent* (0..100) of the entry's fall, in ms with two
        decimals; None when nothing was recorded (*reported*: of those sent)."""
        h = (self.reported if reported else self.all).get((kind, name))
        if h is None or not h.get_total_count():
            return None
        return round(h.get_value_at_percentile(percent) / 1000, 2)

    def total(self) -> HdrHistogram:
        """Every entry's latencies in one histogram (Locust's ``Aggregated`` row)."""
        h = _histogram()
        for one in self.all.values():
            h.add(one)
        return h

    @staticmethod
    def _get(table: dict[tuple[str, str], HdrHistogram], kind: str, name: str) -> HdrHistogram:
        h = table.get((kind, name))
        if h is None:
            h = table[(kind, name)] = _histogram()
        return h
