"""`wsblock load`: what one worker process sustains, and what Locust costs per message.

Against the embedded echo server (``wsblock echo-server``, its own process), on
loopback, one Locust process (what each ``--worker`` is):

1. **Messages per second**: U users, each a conversation of P send/expect pairs
   (every expectation waits for its echo), for T seconds. Prints conversations/s,
   messages in+out per second, the reply-latency percentiles, and the CPU seconds the
   load process used.
2. **Cost per message**: that CPU time divided by the messages, beside the reference
   measured in the same run: the same transport (``websocket-client``) in a bare loop
   without Locust or wsblock (send, receive the echo, P times per connection).
3. **Concurrent connections**: C users that connect and stay (``--linger``), stepped
   up; prints how many were open at once and the connect p99.
4. **Against Artillery 2** (issue 23): the same conversation -- connect, send one JSON
   message, wait for its echo (matched on ``n``), close -- run by Artillery's ``ws``
   engine (``send`` with ``match``) and by ``wsblock load``, each for T and for 2T
   seconds; prints conversations per CPU-second (user + system time of the load process
   and its children) for both: overall, and at the margin (the extra conversations of
   the longer run over its extra CPU, which leaves start-up out). Every run must
   complete every conversation it started with no failed match, or it is reported as a
   failure. Artillery is installed apart, never committed::

       PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix bench/artillery artillery@2

Usage: ``python bench/load_bench.py [--users 50] [--pairs 20] [--seconds 8]
[--connections 500,1000,2000] [--artillery-only | --no-artillery]``. Numbers depend on the machine: the echo server
shares its cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

BIN = Path(sys.executable).parent
WSBLOCK = str(BIN / "wsblock")
HERE = Path(__file__).resolve().parent
ARTILLERY = HERE / "artillery" / "node_modules" / ".bin" / "artillery"
#: The one JSON message of the Artillery comparison, and the field its echo is matched on.
JSON_MESSAGE = '{"n": 1, "text": "one JSON message of the benchmark"}'


def block(node: str) -> str:
    return f"```void\n---\n{textwrap.dedent(node).strip()}\n---\n```\n"


def request_block(url: str) -> str:
    """The ``socket-request`` block of the one request of the benchmark's files."""
    return block(f"""
        type: socket-request
        attrs:
          uid: req-1
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
        """)


def void_file(path: Path, url: str, pairs: int) -> Path:
    head = request_block(url)
    items = []
    for n in range(pairs):
        items.append(f"""  - type: socket-message
    attrs:
      uid: msg-{n}
      name: m{n}
      format: text
      disabled: false
    content: 'message {n:04d} of the benchmark, 48 bytes.....'
  - type: socket-expect
    attrs:
      uid: exp-{n}
      name: {"echo" if n else "first echo"}
      timeout: 10
    content:
      - type: table
        rows:
          - attrs:
              disabled: false
            row:
              - 'echo'
              - 'body'
              - 'starts-with'
              - 'message {n:04d}'""")
    msgs = (
        "```void\n---\ntype: socket-messages\nattrs:\n  uid: msgs\ncontent:\n"
        + "\n".join(items)
        + "\n---\n```\n"
    )
    path.write_text("---\nversion: 0.20.1\n---\n\n## Bench\n\n" + head + "\n" + msgs)
    return path


def start_server() -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [WSBLOCK, "echo-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith("listening "):
            return proc, int(line.split()[1])
    sys.exit("bench: the echo server did not start")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def load(path: Path, *args: str) -> tuple[dict, float]:
    """Run `wsblock load --json`; its summary and the CPU seconds it used."""
    before = children_cpu()
    p = subprocess.run(
        [WSBLOCK, "load", str(path), "--json", "--fail-if", "errors > 0", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    cpu = children_cpu() - before
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    if not lines or lines[-1].get("event") != "load-summary":
        sys.exit(f"bench: wsblock load failed ({p.returncode}): {p.stderr[-2000:]}")
    return lines[-1], cpu


REFERENCE = """
import sys, time, resource, websocket
url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
msgs = 0
end = time.monotonic() + seconds
t0 = resource.getrusage(resource.RUSAGE_SELF)
while time.monotonic() < end:
    ws = websocket.WebSocket(skip_utf8_validation=True)
    ws.connect(url, suppress_origin=True)
    for i in range(n):
        ws.send(f"message {i:04d} of the benchmark, 48 bytes.....")
        ws.recv()
        msgs += 2
    ws.close()
t1 = resource.getrusage(resource.RUSAGE_SELF)
print(msgs, (t1.ru_utime + t1.ru_stime) - (t0.ru_utime + t0.ru_stime))
"""


def json_void_file(path: Path, url: str) -> Path:
    """One request: send :data:`JSON_MESSAGE`, expect its echo (``body.n equals 1``)."""
    head = request_block(url)
    msgs = block(f"""
        type: socket-messages
        attrs:
          uid: msgs
        content:
          - type: socket-message
            attrs:
              uid: msg-1
              name: hello
              format: json
              disabled: false
            content: '{JSON_MESSAGE}'
          - type: socket-expect
            attrs:
              uid: exp-1
              name: echo
              timeout: 10
            content:
              - type: table
                rows:
                  - attrs:
                      disabled: false
                    row:
                      - 'echo'
                      - 'body.n'
                      - 'equals'
                      - '1'
        """)
    path.write_text("---\nversion: 0.20.1\n---\n\n## Bench\n\n" + head + "\n" + msgs)
    return path


def artillery_script(path: Path, url: str, seconds: float, rate: int) -> Path:
    """Artillery's scenario: each arrival connects, sends, waits for the matching echo."""
    payload = JSON_MESSAGE.replace("'", "''")
    path.write_text(
        f"""config:
  target: "{url}"
  ws:
    perMessageDeflate: false  # as wsblock load's connections (websocket-client): no deflate
  phases:
    - duration: {seconds:g}
      arrivalRate: {rate}
scenarios:
  - engine: ws
    flow:
      - send:
          payload: '{payload}'
          match:
            json: "$.n"
            value: 1
"""
    )
    return path


def artillery_once(tmp: Path, url: str, seconds: float, rate: int) -> tuple[int, float, str]:
    """Conversations Artillery completed, the CPU seconds it used, and what went wrong."""
    script = artillery_script(tmp / "artillery.yml", url, seconds, rate)
    report = tmp / "artillery-report.json"
    env = dict(os.environ, ARTILLERY_DISABLE_TELEMETRY="true", DO_NOT_TRACK="1")
    before = children_cpu()
    p = subprocess.run(
        [str(ARTILLERY), "run", "--output", str(report), str(script)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    cpu = children_cpu() - before
    if p.returncode != 0 or not report.is_file():
        return 0, cpu, f"artillery failed ({p.returncode}): {(p.stderr or p.stdout)[-500:]}"
    counters = json.loads(report.read_text())["aggregate"]["counters"]
    created = counters.get("vusers.created", 0)
    done = counters.get("vusers.completed", 0)
    failed = counters.get("vusers.failed", 0)
    got = counters.get("websocket.messages_received", 0)
    problem = ""
    if failed or done != created or got != done:
        errors = {k: v for k, v in counters.items() if k.startswith("errors.")}
        problem = f"{created} started, {done} completed, {failed} failed, {got} echoes; {errors}"
    return done, cpu, problem


def wsblock_once(path: Path, seconds: float, users: int) -> tuple[int, float, str]:
    """Conversations ``wsblock load`` completed, its CPU seconds, and what went wrong."""
    s, cpu = load(path, "-u", str(users), "-r", str(users), "-t", f"{seconds:g}s")
    conv = next(r for r in s["requests"] if r["name"] == "conversation")
    echo = next(r for r in s["requests"] if r["name"] == "echo")
    problem = ""
    # A run that ends between a conversation's echo and its close leaves one echo per user
    # more than conversations at most; a missing echo is a failure.
    extra = echo["count"] - conv["count"]
    if conv["failures"] or echo["failures"] or s["errors"] or not 0 <= extra <= users:
        problem = f"conversation {conv}, echo {echo}, errors {s['errors']}"
    return conv["count"], cpu, problem


def compare_artillery(url: str, tmp: Path, seconds: float, rate: int, users: int) -> None:
    """Conversations per CPU-second, Artillery 2 and ``wsblock load``, T and 2T runs."""
    if not ARTILLERY.exists():
        print(
            "artillery: not installed; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "
            "npm install --prefix bench/artillery artillery@2"
        )
        return
    path = json_void_file(tmp / "json.void", url)
    print(
        f"the same conversation (connect, one JSON message, its echo matched, close), "
        f"{seconds:g} s and {2 * seconds:g} s runs:"
    )
    rows = (
        (f"Artillery 2, ws engine, {rate} arrivals/s", lambda t: artillery_once(tmp, url, t, rate)),
        (f"wsblock load, {users} users, one process", lambda t: wsblock_once(path, t, users)),
    )
    for name, once in rows:
        short_n, short_cpu, p1 = once(seconds)
        long_n, long_cpu, p2 = once(2 * seconds)
        for problem in (p1, p2):
            if problem:
                print(f"  ✖ {name}: {problem}")
        margin = (long_n - short_n) / (long_cpu - short_cpu) if long_cpu > short_cpu else 0.0
        print(
            f"  {name}: {long_n:,} conversations in {long_cpu:.2f} CPU-s = "
            f"{long_n / long_cpu:,.0f}/CPU-s overall; at the margin (start-up left out) "
            f"{margin:,.0f}/CPU-s"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--connections", default="500,1000,2000")
    ap.add_argument("--artillery-rate", type=int, default=1000, help="Artillery arrivals/s")
    ap.add_argument("--artillery-users", type=int, default=10, help="wsblock load users then")
    ap.add_argument("--artillery-seconds", type=float, default=10)
    ap.add_argument("--artillery-only", action="store_true", help="only the Artillery rows")
    ap.add_argument("--no-artillery", action="store_true", help="skip the Artillery rows")
    a = ap.parse_args()
    server, port = start_server()
    url = f"ws://127.0.0.1:{port}/echo"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if not a.no_artillery:
                compare_artillery(
                    url, Path(tmp), a.artillery_seconds, a.artillery_rate, a.artillery_users
                )
                if a.artillery_only:
                    return
            path = void_file(Path(tmp) / "bench.void", url, a.pairs)
            s, cpu = load(path, "-u", str(a.users), "-r", str(a.users), "-t", f"{a.seconds}s")
            m = s["messages"]
            total = m["out"] + m["in"]
            conv = next(r for r in s["requests"] if r["name"] == "conversation")
            echo = next(r for r in s["requests"] if r["name"] == "echo")
            print(
                f"one worker process, {a.users} users x {a.pairs} send/expect pairs, {a.seconds:g} s:"
            )
            print(
                f"  {conv['rps']:.0f} conversations/s, {m['out_per_s'] + m['in_per_s']:,.0f} messages/s "
                f"({m['out_per_s']:,.0f} out + {m['in_per_s']:,.0f} in); reply p50 {echo['p50_ms']} ms, "
                f"p99 {echo['p99_ms']} ms"
            )
            per_msg = cpu / total * 1e6 if total else float("nan")
            print(
                f"  CPU of the load process: {cpu:.2f} s = {per_msg:.1f} µs per message "
                f"({cpu / a.seconds:.0%} of one core)"
            )
            ref = subprocess.run(
                [sys.executable, "-c", REFERENCE, url, str(a.pairs), str(a.seconds)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            rmsgs, rcpu = ref.stdout.split()
            ref_per = float(rcpu) / int(rmsgs) * 1e6
            print(
                f"  reference, websocket-client in a bare loop (1 connection): "
                f"{int(rmsgs) / a.seconds:,.0f} messages/s, {ref_per:.1f} µs CPU per message"
            )
            print(
                f"  => Locust + wsblock cost {per_msg / ref_per:.2f}x the bare transport per message, "
                f"{per_msg - ref_per:.1f} µs more"
            )
            linger = void_file(Path(tmp) / "linger.void", url, 1)
            for c in (int(x) for x in a.connections.split(",")):
                hold = max(5.0, c / 400)
                s, cpu = load(
                    linger,
                    "-u",
                    str(c),
                    "-r",
                    str(min(c, 500)),
                    "-t",
                    f"{hold + 3:g}s",
                    "--linger",
                    f"{hold + 10:g}",
                )
                connect = next(r for r in s["requests"] if r["name"] == "connect")
                print(
                    f"  {c} users lingering: {s['connections']['peak']} connections open at once, "
                    f"connect p50 {connect['p50_ms']} ms / p99 {connect['p99_ms']} ms, "
                    f"errors {sum(s['errors'].values())}"
                )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
