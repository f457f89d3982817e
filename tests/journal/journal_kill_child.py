"""Child process for test_journal_kill.py: journals a stream of events until killed.

    python journal_kill_child.py LOG_DIR MODE

Prints the journal's path, then, after recording each event (or each burst), the
index of the last event recorded, flushed at once: the parent knows that every
index it has read was recorded before it read it. MODE:

- ``steady``: one event, then a 1 ms sleep;
- ``busy``: one event, then 1 ms of pure-Python work (the main thread holds the GIL);
- ``asyncio``: one event per ``await asyncio.sleep(0.001)`` inside a running loop;
- ``flood``: bursts of 1000 events built like the engine builds them, back to back;
- ``tail``: one burst of 500 events, then pure-Python work forever (no more records,
  no system calls: only the background thread can flush);
- ``asyncio-tail``: the same in a running loop, whose callbacks then keep it busy.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime

from wsblock.engine.events import Event
from wsblock.journal import Journal

try:
    from wsblock.engine.fastevent import new_event
except ImportError:  # pragma: no cover - before the engine's fast constructor
    new_event = Event

T0 = time.monotonic()


def event(i: int) -> Event:
    data = f"message {i} " + "x" * 48
    return new_event(
        "received", datetime.now(UTC), time.monotonic() - T0, "in", "text", None, data, len(data)
    )


def say(i: int) -> None:
    sys.stdout.write(f"{i}\n")
    sys.stdout.flush()


def main() -> None:
    log_dir, mode = sys.argv[1], sys.argv[2]
    journal = Journal.create(log_dir, name=f"kill-{mode}")
    print(journal.path, flush=True)
    record = journal.record
    i = 0
    if mode in ("tail", "asyncio-tail"):
        for i in range(500):
            record(event(i))
        say(499)
        if mode == "tail":
            while True:
                sum(range(1000))

        async def spin() -> None:
            while True:
                sum(range(1000))
                await asyncio.sleep(0)

        asyncio.run(spin())
    if mode == "asyncio":

        async def run() -> None:
            nonlocal i
            while True:
                record(event(i))
                say(i)
                i += 1
                await asyncio.sleep(0.001)

        asyncio.run(run())
    while True:
        if mode == "flood":
            for _ in range(1000):
                record(event(i))
                i += 1
            say(i - 1)
            continue
        record(event(i))
        say(i)
        i += 1
        if mode == "steady":
            time.sleep(0.001)
        else:  # busy
            end = time.perf_counter() + 0.001
            while time.perf_counter() < end:
                pass


if __name__ == "__main__":
    main()
