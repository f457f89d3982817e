"""Autobahn|Testsuite client cases against each wsblock transport (``make conformance``).

Start the fuzzing server first (``make conformance`` does all of it; see
conformance/README.md), then ``python conformance/client.py [--url ws://127.0.0.1:9001]``.

Three agents run every case the server offers, one after the other, echoing every
message back (what the cases expect):

* ``websockets``: plain ``websockets`` (``websockets.asyncio.client``), the reference,
  with the options our requests use (no size limit, no keepalive, no proxy) and its
  default compression (permessage-deflate offered);
* ``wsblock-websockets``: a :class:`wsblock.engine.Session` forced onto the
  websockets transport (compression on);
* ``wsblock-picows``: a Session forced onto picows (compression off: picows has no
  permessage-deflate; the 12.* and 13.* compression cases are skipped for it).

Then the server writes its report (``conformance/reports/clients``) and this script
prints a table per case group (OK / non-strict / informational / unimplemented /
failed / close not OK, per agent), writes it to ``conformance/reports/summary.md``,
and exits 1 when a wsblock agent fails a case that plain websockets passes, closes
badly where websockets closes well, or has no result for a case websockets ran.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from wsblock.engine import Session
from wsblock.conversation.request import Options, Request

HERE = Path(__file__).resolve().parent
REFERENCE = "websockets"
AGENTS = (REFERENCE, "wsblock-websockets", "wsblock-picows")
GOOD = {"OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED"}
COMPRESSION_GROUPS = ("12", "13")  # permessage-deflate: not for picows
GROUPS = {
    "1": "Framing", "2": "Pings/Pongs", "3": "Reserved Bits", "4": "Opcodes",
    "5": "Fragmentation", "6": "UTF-8 Handling", "7": "Close Handling",
    "9": "Limits/Performance", "10": "Misc", "12": "Compression (payloads)",
    "13": "Compression (parameters)",
}
#: Cases a wsblock transport is known to fail where websockets passes, each with why.
#: They are printed as known gaps (never hidden); one that passes again is reported, so
#: that the entry is removed. Anything else failed is a regression (exit 1).
KNOWN_GAPS: dict[tuple[str, str], str] = {}
CASE_TIMEOUT = 150.0  # the slowest cases (9.*) give up on their own after 100 s


def _request(url: str, compression: bool) -> Request:
    return Request(name="autobahn", url=url, options=Options(
        compression=compression, proxy=None, max_message_size=None, ping_interval=None))


async def _text(url: str) -> str:
    """The first message of a control connection (getCaseCount, getCaseInfo)."""
    from websockets.asyncio.client import connect

    async with connect(url, proxy=None) as ws:
        message = await ws.recv()
    return message if isinstance(message, str) else message.decode()


async def run_wsblock(url: str, compression: bool) -> None:
    """One case through a wsblock Session (the transport forced by WSBLOCK_TRANSPORT)."""
    session = Session(_request(url, compression))
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


async def run_reference(url: str) -> None:
    """One case through plain websockets: echo until the connection closes."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidHandshake

    try:
        async with connect(url, proxy=None, max_size=None, ping_interval=None) as ws:
            async for message in ws:
                await ws.send(message)
    except (ConnectionClosed, InvalidHandshake, OSError):
        pass  # the case's verdict is the server's


async def run_agent(base: str, agent: str, cases: dict[int, str], only: list[str]) -> list[str]:
    """Every case for ``agent`` (those matching ``only``, if given); returns the ids that timed out."""
    timed_out = []
    for number, case_id in cases.items():
        if only and not any(fnmatch.fnmatchcase(case_id, pattern) for pattern in only):
            continue
        group = case_id.split(".")[0]
        if agent == "wsblock-picows" and group in COMPRESSION_GROUPS:
            continue
        url = f"{base}/runCase?case={number}&agent={agent}"
        if agent == REFERENCE:
            run = run_reference(url)
        else:
            run = run_wsblock(url, compression=agent == "wsblock-websockets")
        try:
            await asyncio.wait_for(run, CASE_TIMEOUT)
        except TimeoutError:
            print(f"{agent}: case {case_id} timed out after {CASE_TIMEOUT:.0f} s", file=sys.stderr)
            timed_out.append(case_id)
    return timed_out


async def main_async(base: str, agents: tuple[str, ...], only: list[str]) -> dict[str, float]:
    count = int(await _text(f"{base}/getCaseCount"))
    cases = {}
    for number in range(1, count + 1):
        info = json.loads(await _text(f"{base}/getCaseInfo?case={number}"))
        cases[number] = info["id"]
    print(f"conformance: {count} cases offered by {base}", flush=True)
    durations = {}
    for agent in agents:
        if agent != REFERENCE:
            os.environ["WSBLOCK_TRANSPORT"] = agent.removeprefix("wsblock-")
        start = time.monotonic()
        await run_agent(base, agent, cases, only)
        durations[agent] = time.monotonic() - start
        os.environ.pop("WSBLOCK_TRANSPORT", None)
        print(f"conformance: {agent} done in {durations[agent]:.0f} s", flush=True)
    from websockets.asyncio.client import connect

    async with connect(f"{base}/updateReports?agent={agents[0]}", proxy=None) as ws:
        await ws.wait_closed()  # the server writes every agent's report, then closes
    return durations


def _group(case_id: str) -> str:
    return case_id.split(".")[0]


def _close_ok(result: dict) -> bool:
    return result.get("behaviorClose") in GOOD


def summarize(report: dict, agents: tuple[str, ...], durations: dict[str, float]) -> tuple[str, list[str]]:
    """The per-group table (markdown) and the list of regressions against websockets."""
    groups = sorted({_group(c) for a in agents for c in report.get(a, {})}, key=int)
    lines = ["# Autobahn|Testsuite client cases", ""]
    cols = ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED")
    lines.append("| group | agent | cases | " + " | ".join(c.lower() for c in cols) + " | close not OK |")
    lines.append("|---|---|---:|" + "---:|" * (len(cols) + 1))
    for group in groups:
        for agent in agents:
            results = {c: r for c, r in report.get(agent, {}).items() if _group(c) == group}
            if not results:
                continue
            counts = Counter(r["behavior"] if r["behavior"] in GOOD else "FAILED" for r in results.values())
            bad_close = sum(not _close_ok(r) for r in results.values())
            lines.append(f"| {group} {GROUPS.get(group, '')} | {agent} | {len(results)} | "
                         + " | ".join(str(counts.get(c, 0)) for c in cols) + f" | {bad_close} |")
    lines.append("")
    for agent in agents:
        results = report.get(agent, {})
        failed = sorted((c for c, r in results.items() if r["behavior"] not in GOOD), key=_key)
        took = f", {durations[agent]:.0f} s" if agent in durations else ""
        lines.append(f"- {agent}: {len(results)} cases{took}; not passed: {', '.join(failed) or 'none'}")
    ref = report.get(REFERENCE, {})
    regressions = []
    for agent in agents:
        if agent == REFERENCE:
            continue
        mine = report.get(agent, {})
        for case_id, r in sorted(ref.items(), key=lambda kv: _key(kv[0])):
            if agent == "wsblock-picows" and _group(case_id) in COMPRESSION_GROUPS:
                continue
            m = mine.get(case_id)
            if m is None:
                regressions.append(f"{agent} {case_id}: no result (websockets: {r['behavior']})")
            elif r["behavior"] in GOOD and m["behavior"] not in GOOD:
                regressions.append(f"{agent} {case_id}: {m['behavior']} (websockets: {r['behavior']})")
            elif _close_ok(r) and not _close_ok(m):
                regressions.append(f"{agent} {case_id}: close {m['behaviorClose']} "
                                   f"(websockets: {r['behaviorClose']})")
    known = [r for r in regressions if _agent_case(r) in KNOWN_GAPS]
    regressions = [r for r in regressions if r not in known]
    for (agent, case_id), why in KNOWN_GAPS.items():
        m = report.get(agent, {}).get(case_id)
        if m is not None and m["behavior"] in GOOD and _close_ok(m) and not any(
            r.startswith(f"{agent} {case_id}:") for r in known
        ):
            regressions.append(f"{agent} {case_id}: passes now; remove it from KNOWN_GAPS")
    lines.append("")
    lines.append("## wsblock agents against plain websockets")
    lines.append("")
    if not ref:
        regressions.append("no result for plain websockets: nothing to compare with")
    if regressions:
        lines.extend(f"- {r}" for r in regressions)
    else:
        lines.append("- no other case that websockets passes is failed by a wsblock transport")
    for r in known:
        lines.append(f"- KNOWN GAP {r} -- {KNOWN_GAPS[_agent_case(r)]}")
    return "\n".join(lines) + "\n", regressions


def _agent_case(regression: str) -> tuple[str, str]:
    """("wsblock-picows", "7.1.2") of "wsblock-picows 7.1.2: FAILED (...)"."""
    agent, _, rest = regression.partition(" ")
    return agent, rest.partition(":")[0]


def _key(case_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in case_id.split("."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:9001")
    parser.add_argument("--agent", choices=AGENTS, action="append",
                        help="run only this agent (repeatable); default: all three")
    parser.add_argument("--reports", default=str(HERE / "reports"))
    parser.add_argument("--cases", default="",
                        help="only these case ids, comma-separated patterns (7.1.2,4.2.*); default: all")
    parser.add_argument("--compare-only", action="store_true",
                        help="do not run cases: summarize the server's last report")
    args = parser.parse_args()
    agents = tuple(args.agent or AGENTS)
    durations = {} if args.compare_only else asyncio.run(
        main_async(args.url, agents, [p.strip() for p in args.cases.split(",") if p.strip()]))
    reports = Path(args.reports)
    index = reports / "clients" / "index.json"
    report = json.loads(index.read_text())
    text, regressions = summarize(report, tuple(a for a in AGENTS if a in report or a in agents), durations)
    (reports / "summary.md").write_text(text)
    print(text, end="")
    print(f"conformance: table in {reports / 'summary.md'}, case details in {index.parent}")
    sys.exit(1 if regressions else 0)


if __name__ == "__main__":
    main()
