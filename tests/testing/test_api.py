"""The Python API: ``wsblock.connect`` and ``wsblock.run_file`` against the embedded
echo server, and ``import wsblock`` staying cheap."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from void_texts import BAD, OK

import wsblock
from peers.fixtures import Peer
from wsblock.userinput import BadInput


async def test_send_expect_messages_and_close(echo_server: Peer) -> None:
    async with wsblock.connect(echo_server.url("/echo")) as conn:
        await conn.send({"op": "hello", "n": 1})  # a dict: JSON text
        await conn.send("plain")
        await conn.send(b"\x00\xff")
        hello = await conn.expect({"body.op": "hello", "body.n": 1})
        assert hello.type == "text" and hello.json() == {"op": "hello", "n": 1}
        assert hello.json() is hello.json()  # parsed once
        # rows as in a socket-expect, with Voiden's operators and aliases
        plain = await conn.expect([("body", "starts-with", "pla"), ("type", "eq", "text")])
        assert plain.text == "plain" and plain.data == b"plain"
        binary = await conn.expect(lambda m: m.type == "binary")
        assert binary.data == b"\x00\xff" and binary.size == 2
        await conn.close(4000, "done here")
    assert conn.close_code == 4000 and conn.closed_by == "client"
    sent = [(m.type, m.payload) for m in conn.messages if m.dir == "out"]
    received = [(m.type, m.payload) for m in conn.messages if m.dir == "in"]
    assert (
        sent
        == received
        == [("text", '{"op": "hello", "n": 1}'), ("text", "plain"), ("binary", b"\x00\xff")]
    )
    assert list(conn.received) == [m for m in conn.messages if m.dir == "in"]
    # in the order they happened: each echo after its message
    order = [(m.dir, m.payload) for m in conn.messages]
    assert all(order.index(("out", p)) < order.index(("in", p)) for _, p in sent)
    assert conn.messages[0].format == "json" and json.loads(conn.messages[0].text)["n"] == 1
    assert all(m.ts.tzinfo is not None for m in conn.messages)
    assert conn.messages[0].ts <= conn.messages[-1].ts


async def test_expect_skips_what_does_not_match_and_moves_on(echo_server: Peer) -> None:
    async with wsblock.connect(echo_server.url("/echo")) as conn:
        for n in range(3):
            await conn.send({"n": n})
        assert (await conn.expect({"body.n": 1})).json() == {"n": 1}
        # the message before the match is not looked at again
        with pytest.raises(wsblock.ExpectationFailed, match=r"no matching message within 0\.3 s"):
            await conn.expect({"body.n": 0}, timeout=0.3)


async def test_a_failed_expectation_names_the_rows_and_masks_secrets(
    echo_server: Peer, tmp_path: Path
) -> None:
    token = "Bearer s3cr3t-t0ken"
    async with wsblock.connect(
        echo_server.url("/headers"), headers={"Authorization": token}, log_dir=tmp_path
    ) as conn:
        with pytest.raises(wsblock.ExpectationFailed) as caught:
            await conn.expect([("the path", "body.path", "equals", "/elsewhere")], timeout=2)
        text = str(caught.value)
        assert "expect 'the path'" in text and "body.path equals '/elsewhere'" in text
        assert "actual '/headers'" in text
        # the handshake's headers came back in the message: the token is there in
        # the message itself, never in the journal
        assert "s3cr3t-t0ken" in conn.messages[0].text
    assert isinstance(caught.value, AssertionError)
    assert conn.journal is not None and conn.journal.parent == tmp_path
    journal = conn.journal.read_text()
    assert '"event": "received"' in journal and '"event": "expect"' in journal
    assert "s3cr3t-t0ken" not in journal and "••••••" in journal


async def test_expect_fails_at_once_when_the_server_closes(echo_server: Peer) -> None:
    async with wsblock.connect(echo_server.url("/close?code=4001&reason=bye")) as conn:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(wsblock.ExpectationFailed, match=r'closed 4001 "bye" by server'):
            await conn.expect({"body": "x"}, timeout=30)
        assert loop.time() - start < 20
        with pytest.raises(wsblock.ConnectionFailed, match="not open"):
            await conn.send("too late")


async def test_a_refused_connection_is_said(free_port: int) -> None:
    with pytest.raises(wsblock.ConnectionFailed, match="could not connect to .*refused"):
        async with wsblock.connect(f"ws://127.0.0.1:{free_port}/"):
            pass


async def test_subprotocols_and_options(echo_server: Peer) -> None:
    async with wsblock.connect(
        echo_server.url("/subprotocol"),
        subprotocols=["graphql-ws"],
        options={"compression": False, "connect-timeout": 5},
    ) as conn:
        first = await conn.expect({"body.subprotocol": "graphql-ws"})
        assert first.json()["offered"] == ["graphql-ws"]
        assert conn.session.extensions == ()


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([("body", "resembles", "x")], "unknown operator 'resembles'"),
        ({"bdy": "x"}, "unknown field 'bdy'"),
        ([("body", "matches", "(")], "invalid regular expression"),
        ([("body", "equals")], "row 1: expected"),
        ([], "at least one row"),
    ],
)
def test_rows_that_cannot_be_judged_are_refused(rows: object, words: str) -> None:
    from wsblock.testing.connection import expectation_checks

    with pytest.raises(ValueError, match=words):
        expectation_checks(rows)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: wsblock.connect("http://x"), "must start with ws://"),
        (lambda: wsblock.connect("ws://[::1"), "invalid URL"),
        (lambda: wsblock.connect("ws://h/", headers={"X": "a\r\nB: c"}), "carriage return"),
        (lambda: wsblock.connect("ws://h/", options={"nope": 1}), "unknown option 'nope'"),
        (lambda: wsblock.connect("ws://h/", options={"compression": "zip"}), "compression"),
    ],
)
def test_bad_connect_arguments_are_refused_before_connecting(call, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        call()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_run_file_async_steps_messages_and_failures(
    echo_server: Peer, tmp_path: Path
) -> None:
    ok = _write(tmp_path, "ok.void", OK)
    result = await wsblock.run_file_async(ok, variables={"PEER_URL": echo_server.base}, linger=0)
    assert result.passed and [r.name for r in result.requests] == ["greet", "second"]
    assert [(s.kind, s.name, s.ok) for s in result.steps] == [
        ("message", "hello", True),
        ("expect", "echoed hello", True),
        ("message", "plain", True),
        ("expect", "echoed text", True),
    ]
    assert [m.text for m in result.messages] == [
        '{"op": "hello"}',
        '{"op": "hello"}',
        "just text",
        "just text",
    ]
    assert result["second"].messages[-1].dir == "in"
    assert result.captures == {}
    assert all(r.journal is not None and r.journal.exists() for r in result.requests)

    one = await wsblock.run_file_async(
        ok, request="second", variables={"PEER_URL": echo_server.base}, linger=0
    )
    assert [r.name for r in one.requests] == ["second"]

    bad = _write(tmp_path, "bad.void", BAD)
    failed = await wsblock.run_file_async(bad, variables={"PEER_URL": echo_server.base}, linger=0)
    assert not failed.passed
    assert [(s.kind, s.ok) for s in failed.steps] == [("message", True), ("expect", False)]
    assert "body.op equals 'bye', actual 'hello'" in failed.steps[1].reason
    assert failed.failures[0].startswith("bad: expect 'cannot hold'")
    assert "✘ expect 'cannot hold'" in failed.report()


def test_run_file_in_its_own_loop(echo_process: Peer, tmp_path: Path) -> None:
    ok = _write(tmp_path, "ok.void", OK)
    result = wsblock.run_file(ok, variables={"PEER_URL": echo_process.base}, linger=0)
    assert result.passed, result.report()


async def test_run_file_inside_a_loop_says_to_await(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="run_file_async"):
        wsblock.run_file(_write(tmp_path, "ok.void", OK))


def test_run_file_bad_input_names_file_and_line(tmp_path: Path) -> None:
    ok = _write(tmp_path, "ok.void", OK)
    with pytest.raises(BadInput, match=r"PEER_URL.* ok\.void:\d+"):
        wsblock.run_file(ok)  # no PEER_URL
    with pytest.raises(BadInput, match="no such .env file"):
        wsblock.run_file(ok, env_file=tmp_path / "missing.env")


def test_import_wsblock_is_cheap_and_exports_lazily() -> None:
    probe = """
import sys
import wsblock
heavy = [m for m in ("wsblock.testing.connection", "wsblock.testing.files", "wsblock.engine",
                     "wsblock.document", "wsblock.cli", "websockets", "yaml", "pytest")
         if m in sys.modules]
print(",".join(heavy))
connect = wsblock.connect
print(connect.__module__, "wsblock.engine" in sys.modules)
import wsblock.testing.plugin
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["", "wsblock.testing.connection True"]


def test_the_plugin_imports_no_engine_until_a_void_file_is_collected() -> None:
    probe = """
import sys
import wsblock.testing.plugin
print(",".join(m for m in sys.modules if m.startswith("wsblock.") and m not in
               ("wsblock.testing", "wsblock.testing.plugin", "wsblock.version")))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_the_plugin_is_registered_by_installing_wsblock() -> None:
    from importlib.metadata import entry_points

    found = [e.value for e in entry_points(group="pytest11") if e.name == "wsblock"]
    assert found == ["wsblock.testing.plugin"], "reinstall wsblock: pip install -e ."


CARRY = """## first

```void
---
type: socket-request
attrs:
  uid: carry-1
content:
  - type: smethod
    content: WSS
  - type: surl
    content: "{{PEER_URL}}/echo"
---
```

```yaml
type: socket-messages
attrs:
  uid: carry-m1
content:
  - type: socket-message
    attrs: { uid: c1, name: login, format: json }
    content: '{"room": "t-42", "n": 7}'
  - type: socket-expect
    attrs: { uid: c2, name: logged in, timeout: 5 }
    content:
      - type: table
        rows:
          - attrs: { disabled: false }
            row: ["room", "body.room", "exists", ""]
  - type: runtime-variables
    attrs: { uid: c3 }
    content:
      - type: table
        rows:
          - attrs: { disabled: false }
            row: ["SESSION", "{{$res.body.room}}"]
          - attrs: { disabled: false }
            row: ["N", "{{$res.body.n}}"]
```

```void
---
type: request-separator
attrs:
  uid: carry-sep
---
```

## second

```void
---
type: socket-request
attrs:
  uid: carry-2
content:
  - type: smethod
    content: WSS
  - type: surl
    content: "{{PEER_URL}}/echo"
---
```

```yaml
type: socket-messages
attrs:
  uid: carry-m2
content:
  - type: socket-message
    attrs: { uid: d1, name: use, format: json }
    content: '{"session": "{{process.SESSION}}", "n": {{process.N}}}'
  - type: socket-expect
    attrs: { uid: d2, name: carried, timeout: 5 }
    content:
      - type: table
        rows:
          - attrs: { disabled: false }
            row: ["session", "body.session", "equals", "t-42"]
          - attrs: { disabled: false }
            row: ["a number", "body.n", "type-is", "number"]
```
"""


async def test_run_file_carries_captures_to_the_next_request(
    echo_server: Peer, tmp_path: Path
) -> None:
    path = _write(tmp_path, "carry.void", CARRY)
    result = await wsblock.run_file_async(path, variables={"PEER_URL": echo_server.base}, linger=0)
    assert result.passed, result.report()
    # captures are reported as shown (text, masked when secret); sent, a number is a number
    assert result.captures == {"SESSION": "t-42", "N": "7"}
    assert result["second"].messages[0].json() == {"session": "t-42", "n": 7}
