"""Issue 18: `wsblock load` holds the gateway conversation (same machine as `run`)."""

from __future__ import annotations

import json
import re
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


#: The gateway's session tokens and cookies (tests/peers/gateway_server.py).
SECRET = re.compile(r"gw[tc]-[0-9a-f]{32}")


def test_each_user_masks_what_its_conversation_captures_into_secrets(
    wsblock, gateway_peer, tmp_path: Path
) -> None:
    """A failure's reason names the token captured into SESSION_TOKEN (the expectation
    waits for it): the journal masks it, as it masks the handshake's token and cookie in
    `open`, with the secrets of each user's conversation, not the request's alone."""
    text = FILE.read_text()
    waited = "              - HEARTBEATS_OK\n"
    assert waited in text and "      timeout: 15\n" in text
    copy = tmp_path / "gateway-token.void"
    copy.write_text(
        text.replace(waited, '              - "{{process.SESSION_TOKEN}}"\n').replace(
            "      timeout: 15\n", "      timeout: 1\n"
        )
    )
    logs = tmp_path / "logs"
    r = wsblock(
        "load",
        str(copy),
        "--env-var",
        f"GATEWAY={gateway_peer.base}",
        "-u",
        "2",
        "-r",
        "2",
        "-t",
        "4s",
        "--journal",
        "--log-dir",
        str(logs),
        "--json",
        timeout=120,
    )
    assert r.code != 0, r.out[-3000:] + r.err[-3000:]  # the expectation cannot hold
    records = [
        json.loads(line)
        for journal in logs.glob("*.ndjson")
        for line in journal.read_text().splitlines()
    ]
    failed = [
        rec for rec in records if rec["event"] == "expect" and rec["name"] == "heartbeats held"
    ]
    assert failed and all(not rec["ok"] for rec in failed), failed
    assert all("body.t equals '••••••'" in rec["reason"] for rec in failed), failed[0]
    opened = [
        {k.lower(): v for k, v in rec["headers"]} for rec in records if rec["event"] == "open"
    ]
    assert opened and all(
        h["x-session-token"] == "••••••" and h["set-cookie"] == "••••••" for h in opened
    ), opened[0]
    every = "\n".join(journal.read_text() for journal in logs.glob("*.ndjson"))
    assert not SECRET.search(every) and not SECRET.search(r.out + r.err)
