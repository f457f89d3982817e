"""Small ``.void`` files for the plugin's and the API's tests, written as Voiden writes them."""

from __future__ import annotations

FRONT = "---\nversion: 0.20.1\ngeneratedBy: Voiden app\n---\n"
SEPARATOR = "```void\n---\ntype: request-separator\nattrs:\n  uid: sep-{n}\n---\n```\n"


def request(
    title: str,
    path: str,
    steps: list[tuple[str, ...]],
    *,
    url: str = "{{PEER_URL}}",
    headers: list[tuple[str, str]] | None = None,
) -> str:
    """A request to ``url + path``: steps are ``("send", name, format, content)`` or
    ``("expect", name, timeout, field, operator, expected)``."""
    uid = abs(hash((title, path))) % 10**8
    text = f"""## {title}

```void
---
type: socket-request
attrs:
  uid: req-{uid}
content:
  - type: smethod
    attrs:
      uid: m-{uid}
      method: WSS
    content: WSS
  - type: surl
    attrs:
      uid: u-{uid}
    content: "{url}{path}"
---
```
"""
    if headers:
        rows = "".join(f"      - row: ['{k}', '{v}']\n" for k, v in headers)
        text += (
            f"\n```void\n---\ntype: headers-table\nattrs:\n  uid: h-{uid}\n"
            f"content:\n  - type: table\n    rows:\n{rows}---\n```\n"
        )
    items = []
    for n, step in enumerate(steps):
        if step[0] == "send":
            _, name, fmt, content = step
            quoted = "'" + content.replace("'", "''") + "'"
            items.append(
                f"  - type: socket-message\n    attrs:\n      uid: s-{uid}-{n}\n"
                f"      name: {name}\n      format: {fmt}\n    content: {quoted}\n"
            )
        else:
            _, name, timeout, fld, op, expected = step
            items.append(
                f"  - type: socket-expect\n    attrs:\n      uid: e-{uid}-{n}\n"
                f"      name: {name}\n      timeout: {timeout}\n    content:\n"
                f"      - type: table\n        rows:\n"
                f"          - row: ['{name}', '{fld}', '{op}', '{expected}']\n"
            )
    text += (
        f"\n```yaml\ntype: socket-messages\nattrs:\n  uid: msgs-{uid}\ncontent:\n"
        + "".join(items)
        + "```\n"
    )
    return text


def void_file(*requests: str) -> str:
    """A file of several requests, separated as Voiden separates them."""
    parts = [FRONT]
    for n, r in enumerate(requests):
        if n:
            parts.append(SEPARATOR.format(n=n))
        parts.append(r)
    return "\n".join(parts)


#: Two requests that pass against the echo server.
OK = void_file(
    request(
        "greet",
        "/echo",
        [
            ("send", "hello", "json", '{"op": "hello"}'),
            ("expect", "echoed hello", "5", "body.op", "equals", "hello"),
        ],
    ),
    request(
        "second",
        "/echo",
        [
            ("send", "plain", "text", "just text"),
            ("expect", "echoed text", "5", "body", "equals", "just text"),
        ],
    ),
)

#: One expectation that cannot hold (the echo of hello is never bye).
BAD = void_file(
    request(
        "bad",
        "/echo",
        [
            ("send", "hello", "json", '{"op": "hello"}'),
            ("expect", "cannot hold", "1", "body.op", "equals", "bye"),
        ],
    )
)

#: Two tests in Python: one with wsblock.connect, one with wsblock.run_file.
API_TESTS = """
import asyncio
import os
from pathlib import Path

import wsblock

URL = os.environ["PEER_URL"]


def test_connect():
    async def main():
        async with wsblock.connect(URL + "/echo") as conn:
            await conn.send({"op": "hi"})
            reply = await conn.expect({"body.op": "hi"})
            assert reply.json() == {"op": "hi"}
        assert [m.dir for m in conn.messages] == ["out", "in"]

    asyncio.run(main())


def test_run_file():
    result = wsblock.run_file(
        Path(__file__).parent / "test_ok.void", variables={"PEER_URL": URL}, linger=0
    )
    assert result.passed, result.report()
    assert [(s.kind, s.ok) for s in result.steps] == [
        ("message", True), ("expect", True), ("message", True), ("expect", True)
    ]
"""
