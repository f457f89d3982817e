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

Usage: ``python bench/load_bench.py [--users 50] [--pairs 20] [--seconds 8]
[--connections 500,1000,2000]``. Numbers depend on the machine: the echo server
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


def block(node: str) -> str:
    return f"```void\n---\n{textwrap.dedent(node).strip()}\n---\n```\n"


def void_file(path: Path, url: str, pairs: int) -> Path:
    head = block(f"""
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--connections", default="500,1000,2000")
    a = ap.parse_args()
    server, port = start_server()
    url = f"ws://127.0.0.1:{port}/echo"
    try:
        with tempfile.TemporaryDirectory() as tmp:
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
