"""Issue 18: stateful conversations with `wsblock run` against the gateway and JSON-RPC peers.

The peers (tests/peers/gateway_server.py, jsonrpc_server.py) close or fail when the
client does not hold its part: heartbeats with the last sequence number, pongs within
300 ms, the token from the handshake, the session id from READY, ids paired.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from cli_paths import WSBLOCK

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "stateful"
MASK = "••••••"

#: The gateway's session tokens and cookies (tests/peers/gateway_server.py): secrets by
#: their headers' names, never to be seen in any output.
SECRET = re.compile(r"gw[tc]-[0-9a-f]{32}")
#: Its resume tickets: a secret only when a file captures one into a secret.
TICKET = re.compile(r"gwr-[0-9a-f]{32}")


def run(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [WSBLOCK, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_gateway_conversation_passes(gateway_peer, tmp_path: Path) -> None:
    r = run(
        "run",
        str(FILES / "gateway.void"),
        "--env-var",
        f"GATEWAY={gateway_peer.base}",
        "--log-dir",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "captured SESSION_TOKEN = ••••••" in out  # a token: masked
    assert "captured HB = 250" in out and "captured SID = " in out
    assert "expect status answered (reply in" in out
    assert "timer heartbeat fired" in out and "rule answer pings fired" in out
    assert out.count("rule track sequence fired") == 1  # a count, not a line per message
    # the token went out in `identify` but the journal shows it masked
    journal = next(tmp_path.glob("*.ndjson")).read_text()
    identify = next(line for line in journal.splitlines() if '"identify"' in line)
    assert "••••••" in identify
    assert not SECRET.search(journal) and not SECRET.search(out)
    records = [json.loads(line) for line in journal.splitlines()]
    assert {"capture", "rule"} <= {r["event"] for r in records}
    beats = [r for r in records if r["event"] == "sent" and r.get("name") == "heartbeat"]
    assert beats and all(json.loads(b["data"])["op"] == "heartbeat" for b in beats)


def _open_headers(records: list[dict]) -> dict[str, str]:
    """The handshake answer's headers, as the ``open`` record carries them."""
    opened = next(r for r in records if r["event"] == "open")
    return {k.lower(): v for k, v in opened["headers"]}


def test_a_captured_secret_is_masked_on_the_console_from_then_on(
    gateway_peer, tmp_path: Path
) -> None:
    """The console follows the session's secrets as the journal does: the token captured
    into SESSION_TOKEN goes out in `identify`, masked on screen as on disk."""
    gateway = f"GATEWAY={gateway_peer.base}"
    r = run("run", str(FILES / "gateway.void"), "--env-var", gateway, "--log-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    identify = next(line for line in r.stdout.splitlines() if '"identify"' in line)
    assert '"token": "••••••"' in identify, identify
    assert not SECRET.search(r.stdout)
    # --json too
    logs = tmp_path / "json"
    r = run(
        "run",
        str(FILES / "gateway.void"),
        "--env-var",
        gateway,
        "--log-dir",
        str(logs),
        "--json",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    captured = next(i for i, e in enumerate(events) if e["event"] == "capture")
    assert events[captured]["name"] == "SESSION_TOKEN" and events[captured]["data"] == "••••••"
    after = json.dumps(events[captured:], ensure_ascii=False)
    assert not SECRET.search(r.stdout) and '\\"token\\": \\"••••••\\"' in after


def test_a_value_read_from_a_secret_header_is_a_secret_whatever_its_name(
    gateway_peer, tmp_path: Path
) -> None:
    """Captured into SESS (not a secret-like name) from `x-session-token`: still a secret."""
    copy = tmp_path / "sess.void"
    copy.write_text((FILES / "gateway.void").read_text().replace("SESSION_TOKEN", "SESS"))
    logs = tmp_path / "logs"
    r = run("run", str(copy), "--env-var", f"GATEWAY={gateway_peer.base}", "--log-dir", str(logs))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "captured SESS = ••••••" in r.stdout
    assert not SECRET.search(r.stdout)
    journal = next(logs.glob("*.ndjson")).read_text()
    identify = next(line for line in journal.splitlines() if '"identify"' in line)
    assert not SECRET.search(journal) and "••••••" in identify


def test_the_handshake_answer_is_masked_in_its_open_event(gateway_peer, tmp_path: Path) -> None:
    """The `open` event carries the answer's headers, and comes before the conversation
    captures from them: a header captured into a secret (the resume ticket into
    RESUME_KEY) is masked in it all the same, in --json and in the journal, as are the
    headers whose names are secret-like (the token, the cookie)."""
    text = (FILES / "gateway.void").read_text()
    row = '          - "{{$res.headers.x-session-token}}"\n'
    assert row in text
    copy = tmp_path / "resume.void"
    copy.write_text(
        text.replace(
            row,
            row + "      - attrs:\n          disabled: false\n        row:\n"
            '          - RESUME_KEY\n          - "{{$res.headers.x-resume-ticket}}"\n',
        )
    )
    logs = tmp_path / "logs"
    gateway = f"GATEWAY={gateway_peer.base}"
    r = run("run", str(copy), "--env-var", gateway, "--log-dir", str(logs), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert {"name": "RESUME_KEY", "data": MASK} == {
        k: v
        for k, v in next(e for e in events if e.get("name") == "RESUME_KEY").items()
        if k in ("name", "data")
    }
    headers = _open_headers(events)
    assert headers["x-session-token"] == MASK
    assert headers["set-cookie"] == MASK
    assert headers["x-resume-ticket"] == MASK
    journal = next(logs.glob("*.ndjson")).read_text()
    assert _open_headers([json.loads(line) for line in journal.splitlines()]) == headers
    for shown in (r.stdout, r.stderr, journal):
        assert not SECRET.search(shown) and not TICKET.search(shown)
    # the console says the same run without them
    r = run("run", str(copy), "--env-var", gateway, "--log-dir", str(logs))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "captured RESUME_KEY = ••••••" in r.stdout
    assert not SECRET.search(r.stdout + r.stderr) and not TICKET.search(r.stdout + r.stderr)


PLAIN = """```void
---
type: socket-request
attrs:
  uid: r1
content:
  - type: smethod
    content: WSS
  - type: surl
    content: "{{GATEWAY}}/gateway"
---
```

```yaml
type: socket-messages
attrs:
  uid: m1
content:
  - type: socket-expect
    attrs: { uid: e1, name: hello, timeout: 10 }
    content:
      - type: table
        rows:
          - { attrs: { disabled: false }, row: [hello, body.op, equals, hello] }
```
"""


def test_secret_like_headers_of_the_answer_are_masked_without_a_conversation(
    gateway_peer, tmp_path: Path
) -> None:
    """A request that captures nothing: the token and the cookie are masked in `open` by
    their headers' names; the ticket, whose name says nothing, is shown."""
    plain = tmp_path / "plain.void"
    plain.write_text(PLAIN)
    logs = tmp_path / "logs"
    r = run(
        "run",
        str(plain),
        "--env-var",
        f"GATEWAY={gateway_peer.base}",
        "--log-dir",
        str(logs),
        "--json",
        "--linger",
        "0",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    headers = _open_headers([json.loads(line) for line in r.stdout.splitlines()])
    assert headers["x-session-token"] == MASK and headers["set-cookie"] == MASK
    assert TICKET.fullmatch(headers["x-resume-ticket"])
    journal = next(logs.glob("*.ndjson")).read_text()
    assert not SECRET.search(r.stdout) and not SECRET.search(journal)
    assert _open_headers([json.loads(line) for line in journal.splitlines()]) == headers


def test_gateway_without_heartbeats_fails_with_the_close_code(gateway_peer, tmp_path: Path) -> None:
    text = (FILES / "gateway.void").read_text()
    at = text.index("name: heartbeat\n")
    cut = text.index("disabled: false", at)
    copy = tmp_path / "nobeat.void"
    copy.write_text(text[:cut] + "disabled: true" + text[cut + len("disabled: false") :])
    r = run(
        "run", str(copy), "--env-var", f"GATEWAY={gateway_peer.base}", "--log-dir", str(tmp_path)
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert '4009 "heartbeat timeout"' in r.stdout
    assert "✘ failed" in r.stdout


def test_jsonrpc_replies_paired_out_of_order(jsonrpc_peer, tmp_path: Path) -> None:
    r = run(
        "run",
        str(FILES / "jsonrpc.void"),
        "--env-var",
        f"RPC={jsonrpc_peer.base}",
        "--log-dir",
        str(tmp_path),
        "--json",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    held = [e for e in events if e["event"] == "expect"]
    assert [e["name"] for e in held] == [
        "slow answered",
        "fast answered",
        "subscribed",
        "a tick",
        "unsubscribed",
    ]
    assert all(e["ok"] for e in held)
    latency = {e["name"]: e.get("rtt_ms") for e in held}
    assert latency["slow answered"] >= 500  # measured from the send of `slow`
    assert latency["fast answered"] < latency["slow answered"]
    captures = [e for e in events if e["event"] == "capture"]
    assert [c["name"] for c in captures] == ["SUB"]
    sub = captures[0]["data"]
    unsubscribe = next(e for e in events if e["event"] == "sent" and "unsubscribe" in e["data"])
    assert json.loads(unsubscribe["data"])["params"] == [sub]


def _file(tmp_path: Path, items: str) -> Path:
    f = tmp_path / "bad.void"
    f.write_text(
        "```void\n---\ntype: socket-request\nattrs:\n  uid: r1\ncontent:\n"
        "  - type: smethod\n    content: WSS\n  - type: surl\n    content: ws://127.0.0.1:9/x\n"
        "---\n```\n\n```yaml\ntype: socket-messages\nattrs:\n  uid: m1\ncontent:\n"
        + items
        + "```\n"
    )
    return f


MSG = (
    "  - type: socket-message\n    attrs: { uid: a, name: ask, format: json }\n"
    "    content: '{\"id\": 1}'\n"
)


def test_check_names_an_unknown_reply_to(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        MSG + "  - type: socket-expect\n    attrs: { uid: b, name: answer, reply-to: nope }\n"
        "    content:\n      - type: table\n        rows:\n"
        "          - { attrs: { disabled: false }, row: [id, body.id, equals, '1'] }\n",
    )
    r = run("check", str(f))
    assert r.returncode == 2 and "bad.void:" in r.stdout and "reply-to 'nope'" in r.stdout


def test_check_names_an_interval_that_can_never_resolve(tmp_path: Path) -> None:
    for interval, words in (("soon", "can never be a time"), ("{{process.NOPE}}ms", "NOPE")):
        f = _file(
            tmp_path,
            MSG
            + f"  - type: socket-every\n    attrs: {{ uid: c, name: beat, interval: '{interval}' }}\n"
            "    content:\n      - type: socket-message\n"
            "        attrs: { uid: d, name: b, format: text }\n        content: x\n",
        )
        r = run("check", str(f))
        assert r.returncode == 2 and "bad.void:" in r.stdout and words in r.stdout, r.stdout


def test_check_names_a_capture_path_that_is_not_a_path(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        MSG + "  - type: socket-expect\n    attrs: { uid: b, name: answer }\n"
        "    content:\n      - type: table\n        rows:\n"
        "          - { attrs: { disabled: false }, row: [id, body.id, exists, null] }\n"
        "  - type: runtime-variables\n    attrs: { uid: e }\n    content:\n"
        "      - type: table\n        rows:\n"
        "          - { attrs: { disabled: false }, row: [ID, '{{$res.body..id}}'] }\n",
    )
    r = run("check", str(f))
    assert r.returncode == 2 and "bad.void:" in r.stdout and "is not a path" in r.stdout


RULE_FIRST = """```void
---
type: socket-request
attrs:
  uid: r1
content:
  - type: smethod
    content: WSS
  - type: surl
    content: "{{GATEWAY}}/gateway?hb=5000"
---
```

```yaml
type: socket-messages
attrs:
  uid: m1
content:
  - type: socket-on
    attrs: { uid: on1, name: on hello }
    content:
      - type: table
        rows:
          - attrs: { disabled: false }
            row: ["hello", "body.op", "equals", "hello"]
      - type: runtime-variables
        attrs: { uid: on1c }
        content:
          - type: table
            rows:
              - attrs: { disabled: false }
                row: ["HB", "{{$res.body.d.heartbeat_interval}}"]
  - type: socket-expect
    attrs: { uid: e1, name: hello seen, timeout: 5 }
    content:
      - type: table
        rows:
          - attrs: { disabled: false }
            row: ["hello", "body.op", "equals", "hello"]
  - type: socket-message
    attrs: { uid: s1, name: beat, format: json }
    content: '{"op": "heartbeat", "d": {{process.HB}}}'
```
"""


def test_a_rule_listed_first_sees_the_servers_first_message(gateway_peer, tmp_path: Path) -> None:
    # `hello` comes in the read that ends the handshake, before the steps start: the rule
    # active from the top of the list must see it (it was missed, and HB never captured)
    f = tmp_path / "first.void"
    f.write_text(RULE_FIRST)
    r = run(
        "run", str(f), "--env-var", f"GATEWAY={gateway_peer.base}", "--log-dir", str(tmp_path),
        "--linger", "0.2", "--json",
    )  # fmt: skip
    events = [json.loads(line) for line in r.stdout.splitlines()]
    rules = {e["name"]: e.get("count") for e in events if e["event"] == "rule"}
    assert rules == {"on hello": 1}, r.stdout + r.stderr
    beat = next(e for e in events if e["event"] == "sent")
    assert json.loads(beat["data"]) == {"op": "heartbeat", "d": 5000}
    assert r.returncode == 0, r.stdout + r.stderr
