"""Issue 18: `wsblock load` holds the gateway conversation (same machine as `run`)."""

from __future__ import annotations

import json
from pathlib import Path

FILE = Path(__file__).resolve().parents[1] / "fixtures" / "stateful" / "gateway.void"


def test_five_users_hold_the_gateway_conversation_for_6_s(wsblock, gateway_peer) -> None:
    r = wsblock(
        "load",
        str(FILE),
        "--env-var",
        f"GATEWAY={gateway_peer.base}",
        "-u",
        "5",
        "-r",
        "5",
        "-t",
        "6s",
        "--linger",
        "2",
        "--json",
        timeout=120,
    )
    assert r.code == 0, r.out[-3000:] + r.err[-3000:]
    summary = [json.loads(line) for line in r.out.splitlines() if line.startswith("{")][-1]
    assert summary["event"] == "load-summary", summary
    assert summary["errors"] == {}, summary["errors"]
    rows = {row["name"]: row for row in summary["requests"]}
    for name in ("hello", "ready", "status answered", "heartbeats held", "conversation"):
        assert rows[name]["count"] >= 5 and rows[name]["failures"] == 0, rows[name]
