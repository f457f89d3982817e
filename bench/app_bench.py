"""Benchmark of the app's activity log under a flood (prints numbers).

    .venv/bin/python bench/app_bench.py [--messages 1000000] [--size 64] [--no-journal]

1. Ingest: a connection tab of the app (real engine Session, real journal, the screen
   live in a headless Textual driver, redrawn at 30 fps) receives N messages from
   ``bench/flood_server.py`` (``--embedded-server``: the echo server's ``/flood``).
   Prints messages per second ingested, from the first to the last message logged,
   beside the bare engine's rate (a Session and a consumer of its parts) in the same run.
2. Memory: RSS growth per logged message, and the log's own columns per row, beside
   the payload's size (``sys.getsizeof`` of one payload string).
3. Key presses: with every row in the log, the time to handle Up, PageUp, Home, End
   (scrolling with the cursor), and a filter keystroke, each until the screen is idle.

Targets (issue 12): ingest >= 250,000 msg/s with the screen live; key press < 50 ms at
1,000,000 rows; memory per row no more than 45 B beyond the payload. The RSS figure
includes what the allocator keeps of freed transient objects (the frames read), which
varies from run to run; the log's own columns are what each row holds beyond its
payload object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from textual.app import App  # noqa: E402

from wsblock.app.widgets.response.activity_log import ActivityLog  # noqa: E402
from wsblock.app.widgets.response.connection import ConnectionView  # noqa: E402
from wsblock.conversation.request import Options, Request  # noqa: E402
from wsblock.engine.runs import ReceivedRun  # noqa: E402

CSS = ROOT / "src" / "wsblock" / "app" / "wsblock.tcss"


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def flood_server(embedded: bool = False):
    """The raw flood server (``bench/flood_server.py``: pre-encoded frames, as fast as
    the socket takes them), or with ``embedded`` the echo server's ``/flood``.

    Either runs in a process of its own, so that the app, not the server, is measured
    (the embedded server, in Python on websockets, is slower than the app: it measures
    the server).
    """
    port = free_port()
    if embedded:
        argv = [
            sys.executable,
            "-c",
            "import sys; from wsblock.cli import main; sys.exit(main())",
            "echo-server",
            "--port",
            str(port),
        ]
        kind = "embedded echo server (/flood)"
    else:
        argv = [
            sys.executable,
            str(ROOT / "bench" / "flood_server.py"),
            str(port),
        ]
        kind = "bench/flood_server.py"
    proc = subprocess.Popen(
        argv,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"ws://127.0.0.1:{port}", kind
    finally:
        proc.terminate()
        proc.wait(5)


class BenchApp(App):
    CSS_PATH = str(CSS)

    def __init__(self, request: Request, journal: bool, log_dir: str) -> None:
        super().__init__()
        self.request = request
        self.journal = journal
        self.log_dir = log_dir
        self.displays: list[float] = []

    def _display(self, screen, renderable) -> None:
        # when a frame is handed to the (headless) driver: the end of a key press
        if renderable is not None:
            self.displays.append(time.perf_counter())
        super()._display(screen, renderable)

    def compose(self):
        from wsblock.journal import Journal

        def journal_factory(r):
            if not self.journal:
                return None
            return Journal.create(self.log_dir, name="bench")

        yield ConnectionView(self.request, journal_factory=journal_factory)


async def key_time(pilot, app, key: str) -> tuple[float, float]:
    """(ms from the key press to the next frame drawn, ms of Pilot's whole round trip)."""
    await pilot.pause(0.05)
    app.displays.clear()
    t = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    total = (time.perf_counter() - t) * 1000
    frame = (app.displays[0] - t) * 1000 if app.displays else float("nan")
    return frame, total


async def reference_rate(request: Request, n: int) -> float:
    """The reference: the bare engine (a Session and a stream consumer, no screen,
    no journal) reading the same flood, in messages per second."""
    from wsblock.engine import Session

    session = Session(request)
    stream = session.subscribe()
    await session.connect()
    got, first = 0, None
    while got < n:
        parts = await stream.parts()  # runs of messages in columns, as the app takes them
        if not parts:
            break
        for e in parts:
            if e.kind == "received":
                if first is None:
                    first = time.perf_counter()
                got += len(e) if isinstance(e, ReceivedRun) else 1
            elif e.kind == "close":
                n = got
    elapsed = time.perf_counter() - (first or time.perf_counter())
    await session.wait_closed()
    return got / elapsed if elapsed > 0 else float("nan")


async def run(args) -> None:
    with (
        flood_server(args.embedded_server) as (base, kind),
        tempfile.TemporaryDirectory() as log_dir,
    ):
        url = f"{base}/flood?n={args.messages}&size={args.size}"
        request = Request(
            name="flood",
            url=url,
            options=Options(ping_interval=None, compression=False, max_message_size=None),
        )
        reference = await reference_rate(request, args.messages)
        print(f"reference: the bare engine reads the flood at {reference:,.0f} msg/s")
        app = BenchApp(request, journal=not args.no_journal, log_dir=log_dir)
        print(
            f"server: {kind}; {args.messages:,} messages of {args.size} B; journal: {not args.no_journal}"
        )
        async with app.run_test(size=(160, 50)) as pilot:
            view = app.query_one(ConnectionView)
            log = app.query_one(ActivityLog)
            await pilot.pause()
            gc.collect()
            rss0 = rss()
            model = view.model
            view.connect()
            first = None
            t_end = None
            frames = 0
            last_version = -1
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                if first is None and model.count_in:
                    first = time.perf_counter(), model.count_in
                if log._seen_version != last_version:
                    frames += 1
                    last_version = log._seen_version
                if model.count_in >= args.messages:
                    t_end = time.perf_counter()
                    break
                if (
                    view.status.state == "disconnected"
                    and model.count_in
                    and view.session is not None
                ):
                    if (
                        getattr(view.session, "state", None)
                        and "clos" in str(view.session.state).lower()
                    ):
                        await asyncio.sleep(0.5)
                        if model.count_in < args.messages:
                            break
            got = model.count_in
            if first is None or t_end is None:
                print(f"ingest: incomplete, {got:,} of {args.messages:,} messages")
                t_end = time.perf_counter()
                first = first or (t_end, 0)
            elapsed = t_end - first[0]
            rate = (got - first[1]) / elapsed if elapsed > 0 else float("nan")
            print(
                f"ingest: {got:,} messages in {elapsed:.2f} s = {rate:,.0f} msg/s (screen live, {frames} redraws seen)"
                f" = {rate / reference:.2f}x the bare engine"
            )
            await pilot.pause(0.3)
            await view.shutdown()
            gc.collect()
            rss1 = rss()
            rows = len(model)
            payload = model.payloads[len(model) // 2]
            payload_size = sys.getsizeof(payload)
            per_row_rss = (rss1 - rss0) / max(1, rows)
            columns = model.memory_bytes() / max(1, rows)
            print(
                f"memory: RSS +{(rss1 - rss0) / 1e6:.1f} MB for {rows:,} rows = {per_row_rss:.0f} B/row; "
                f"payload object {payload_size} B; beyond the payload {per_row_rss - payload_size:.0f} B/row "
                f"(log columns {columns:.1f} B/row)"
            )
            log.focus()
            await pilot.pause()
            keys = ["up", "up", "pageup", "pageup", "home", "pagedown", "down", "end"]
            for key in keys:
                frame, total = await key_time(pilot, app, key)
                print(
                    f"key {key:<9} {frame:7.1f} ms to the next frame at {rows:,} rows "
                    f"(Pilot round trip {total:.0f} ms, most of it its idle wait)"
                )
            t = time.perf_counter()
            view.query_one("#filter").value = "x"
            await pilot.pause()
            print(
                f"filter (every row matches): {(time.perf_counter() - t) * 1000:.0f} ms over {rows:,} rows"
            )
            t = time.perf_counter()
            view.query_one("#filter").value = "nothing-matches"
            await pilot.pause()
            print(
                f"filter (no row matches):   {(time.perf_counter() - t) * 1000:.0f} ms over {rows:,} rows"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--no-journal", action="store_true")
    parser.add_argument(
        "--embedded-server", action="store_true", help="flood from `wsblock echo-server`"
    )
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="leave glibc's mmap threshold dynamic (the app fixes it: src/wsblock/app/allocator.py)",
    )
    args = parser.parse_args()
    if not args.default_malloc:
        from wsblock.app.allocator import tune

        print(f"allocator: mmap threshold fixed at 1 MiB, as run_app does: {tune()}")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
