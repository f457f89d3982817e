"""Micro-benchmark of the journal's hot path: record() + flush of received text events.

    .venv/bin/python bench/journal_bench.py                 # 500k events of 64 bytes
    .venv/bin/python bench/journal_bench.py -n 100000 --secrets 3
    .venv/bin/python bench/journal_bench.py --flood 'ws://127.0.0.1:9911/flood?n=500000&size=64'

The default run builds the events first (their construction is timed apart: it is
the engine's cost), then records them all into a journal in a temporary directory
and closes it. It reports ``record()`` alone (no flush due) and record + serialise +
write (flushes fall due in ``record()``, ``close()`` writes the rest), in events/s.

``--flood URL`` (start ``bench/flood_server.py PORT`` first) also times three
websockets read loops over the same flood: raw; creating an Event per message like
the engine; and creating it and journaling it. The ratios to the raw loop are what
the 1.5x budget is about.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from wsblock.engine.events import Event
from wsblock.journal import Journal, list_sessions

try:
    from wsblock.engine.fastevent import new_event
except ImportError:  # before the engine had its fast constructor
    new_event = Event


def make_events(n: int, size: int) -> list[Event]:
    """``n`` received text events of ``size`` ASCII bytes, 2 µs apart."""
    start = datetime.now(UTC)
    payload = "x" * size
    step = timedelta(microseconds=2)
    return [
        new_event("received", start + step * i, i * 2e-6, "in", "text", None, payload, size)
        for i in range(n)
    ]


def bench_journal(events: list[Event], secret_count: int) -> None:
    """Record ``events`` into fresh journals; report record() alone and record + flush."""
    n = len(events)
    values = [secrets.token_urlsafe(16) for _ in range(secret_count)]
    with tempfile.TemporaryDirectory() as tmp:
        # record() alone: no flush falls due during the loop.
        journal = Journal.create(tmp, name="record-only", secrets=values, flush_interval=3600)
        record = journal.record
        gc.collect()
        t0 = time.perf_counter()
        for event in events:
            record(event)
        alone = time.perf_counter() - t0
        journal.close()

        # record + flush as in a session: flushes fall due in record() every 25 ms; close()
        # writes the rest.
        journal = Journal.create(tmp, name="bench", secrets=values)
        record = journal.record
        gc.collect()
        t0 = time.perf_counter()
        for event in events:
            record(event)
        journal.close()
        total = time.perf_counter() - t0
        info = next(i for i in list_sessions(tmp) if i.name == "bench")
        assert info.events == n, (info.events, n)
        print(
            f"journal ({secret_count} secrets): record() alone {alone / n * 1e9:.0f} ns/event;"
            f" record + flush {total:.3f} s = {n / total:,.0f} events/s"
            f" ({total / n * 1e9:.0f} ns/event); file {info.size / 1e6:.1f} MB"
        )


async def read_loop(
    url: str, on_message: Callable[[str | bytes], object] | None
) -> tuple[int, float]:
    """Read the whole flood at ``url``; returns (messages, seconds)."""
    from websockets.asyncio.client import connect

    count = 0
    t0 = time.perf_counter()
    async with connect(url, compression=None, max_queue=None, max_size=None) as ws:
        if on_message is None:
            async for _ in ws:
                count += 1
        else:
            async for message in ws:
                on_message(message)
                count += 1
    return count, time.perf_counter() - t0


def _journaling(
    make: Callable[[str | bytes], Event], record: Callable[[Event], None]
) -> Callable[[str | bytes], None]:
    def handler(message: str | bytes) -> None:
        record(make(message))

    return handler


def bench_flood(url: str, rounds: int) -> None:
    """Raw loop vs loop + Event vs loop + Event + journal, best of ``rounds``."""
    mono0 = time.monotonic()

    def make(message: str | bytes) -> Event:
        if isinstance(message, str):
            return new_event(
                "received", datetime.now(UTC), time.monotonic() - mono0, "in", "text",
                None, message, len(message.encode()),
            )  # fmt: skip
        return new_event(
            "received", datetime.now(UTC), time.monotonic() - mono0, "in", "binary",
            None, message, len(message),
        )  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, float] = {}
        for _ in range(rounds):
            for label in ("raw", "event", "event+journal"):
                journal = Journal.create(tmp, name="flood") if label == "event+journal" else None
                handler: Callable[[str | bytes], object] | None = None
                if journal is not None:
                    handler = _journaling(make, journal.record)
                elif label == "event":
                    handler = make
                gc.collect()
                count, seconds = asyncio.run(read_loop(url, handler))
                if journal is not None:
                    t0 = time.perf_counter()
                    journal.close()
                    seconds += time.perf_counter() - t0  # what was still pending
                results[label] = min(results.get(label, float("inf")), seconds)
                print(f"  {label:14s} {count:,} messages in {seconds:.3f} s", file=sys.stderr)
        raw = results["raw"]
        for label, seconds in results.items():
            print(f"flood {label:14s} {seconds:.3f} s  {seconds / raw:.2f}x raw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=500_000, help="events (default 500000)")
    parser.add_argument("--size", type=int, default=64, help="payload bytes (default 64)")
    parser.add_argument("--secrets", type=int, default=0, help="secret values to mask")
    parser.add_argument("--flood", metavar="URL", help="also time read loops over this flood")
    parser.add_argument("--rounds", type=int, default=2, help="flood rounds, best kept")
    args = parser.parse_args()

    t0 = time.perf_counter()
    events = make_events(args.n, args.size)
    t1 = time.perf_counter()
    print(
        f"Event construction ({new_event.__name__}): {(t1 - t0) / args.n * 1e9:.0f} ns/event"
        " (the engine's cost)"
    )
    bench_journal(events, args.secrets)
    del events
    if args.flood:
        bench_flood(args.flood, args.rounds)


if __name__ == "__main__":
    main()
