"""Autobahn|Testsuite client cases against each wsblock transport (``make conformance``).

Start the fuzzing server first (it needs Python 2.7; see conformance/README.md):

    docker run --rm -v "$PWD/conformance:/config" -v "$PWD/conformance/reports:/reports" \\
        -p 9001:9001 crossbario/autobahn-testsuite \\
        wstest -m fuzzingserver -s /config/fuzzingserver.json

then ``python conformance/client.py [--url ws://127.0.0.1:9001]``. Each case is run
through a :class:`wsblock.engine.Session` forced onto one transport, echoing every
message back (what the cases expect). Then the server's report is read: the run
fails if a transport fails a case (``FAILED``) that websockets passes, or does not
close cleanly where websockets does. 12.* and 13.* (compression) are excluded:
picows has no permessage-deflate, and such requests stay on websockets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from wsblock.engine import Session
from wsblock.request import Options, Request

HERE = Path(__file__).resolve().parent
TRANSPORTS = ("websockets", "picows")
GOOD = {"OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED"}


def _request(url: str) -> Request:
    return Request(name="autobahn", url=url, options=Options(
        compression=False, proxy=None, max_message_size=None, ping_interval=None))


async def _text(url: str) -> str:
    session = Session(_request(url))
    stream = session.subscribe()
    await session.connect()
    while True:
        for event in await stream.batch():
            if event.kind == "received":
                return event.data
            if event.kind == "close":
                raise SystemExit(f"conformance: no answer from {url}")


async def run_case(base: str, case: int, agent: str) -> None:
    session = Session(_request(f"{base}/runCase?case={case}&agent={agent}"))
    stream = session.subscribe()
    if not await session.connect():
        return
    while True:
        events = await stream.batch()
        for event in events:
            if event.kind == "received":
                if isinstance(event.data, bytes):
                    await session.send_bytes(event.data)
                else:
                    await session.send_text(event.data, "text")
            elif event.kind == "close":
                return
        if not events:
            return


async def main_async(base: str, transports: tuple[str, ...]) -> None:
    count = int(await _text(f"{base}/getCaseCount"))
    for name in transports:
        os.environ["WSBLOCK_TRANSPORT"] = name
        agent = f"wsblock-{name}"
        for case in range(1, count + 1):
            try:
                await asyncio.wait_for(run_case(base, case, agent), 60)
            except TimeoutError:
                print(f"{agent}: case {case} timed out", file=sys.stderr)
        session = Session(_request(f"{base}/updateReports?agent={agent}"))
        await session.connect()
        await session.wait_closed()
    os.environ.pop("WSBLOCK_TRANSPORT", None)


def compare(index: Path) -> int:
    """Exit status: 1 when a transport fails a case that websockets passes."""
    report = json.loads(index.read_text())
    ref = report.get("wsblock-websockets", {})
    bad = 0
    for name in TRANSPORTS:
        cases = report.get(f"wsblock-{name}", {})
        failed = [c for c, r in cases.items() if r["behavior"] not in GOOD]
        regress = [c for c in failed if ref.get(c, {}).get("behavior") in GOOD]
        print(f"{name}: {len(cases)} cases, {len(failed)} not passed"
              + (f", {len(regress)} that websockets passes: {', '.join(sorted(regress))}" if regress else ""))
        bad += len(regress)
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:9001")
    parser.add_argument("--transport", choices=TRANSPORTS, action="append")
    parser.add_argument("--report", default=str(HERE / "reports" / "clients" / "index.json"))
    args = parser.parse_args()
    asyncio.run(main_async(args.url, tuple(args.transport or TRANSPORTS)))
    sys.exit(compare(Path(args.report)))


if __name__ == "__main__":
    main()
