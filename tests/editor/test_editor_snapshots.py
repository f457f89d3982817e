"""Snapshots of the editor with each block type (text of the screen, compared)."""

from __future__ import annotations

import pytest
from editor_host import ECHO, EditorHost
from editor_snapshots import assert_snapshot

from wsblock.app.editor.model import EditSession
from wsblock.app.editor.prose import ProseEditor

SIZE = (100, 34)

FIXED = {
    "wss": ("socket-request", "wss://echo.example/ws"),
}


def block_text(node_yaml: str) -> str:
    return f"# Snapshot\n\nA block:\n\n```void\n---\n{node_yaml}---\n```\n"


BLOCKS = {
    "socket-request": """type: socket-request
attrs:
  uid: u1
content:
  - type: smethod
    attrs:
      uid: u2
      method: WSS
    content: WSS
  - type: surl
    attrs:
      uid: u3
    content: "{{ECHO_URL}}/echo"
""",
    "headers-table": """type: headers-table
attrs:
  uid: u1
  importedFrom: ""
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - X-Client
          - wss-sample
      - attrs:
          disabled: true
        row:
          - X-Debug
          - "1"
""",
    "query-table": """type: query-table
attrs:
  uid: u1
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - room
          - lobby
""",
    "auth-bearer": """type: auth
attrs:
  uid: u1
  authType: bearer
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - token
          - "{{TOKEN}}"
""",
    "auth-api-key": """type: auth
attrs:
  uid: u1
  authType: apiKey
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - key
          - X-Api-Key
      - attrs:
          disabled: false
        row:
          - value
          - "{{KEY}}"
      - attrs:
          disabled: false
        row:
          - add_to
          - header
""",
    "socket-options": """type: socket-options
attrs:
  uid: u1
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - ping-interval
          - "15"
""",
    "socket-messages": """type: socket-messages
attrs:
  uid: u1
content:
  - type: socket-message
    attrs:
      uid: u2
      name: hello
      format: json
      disabled: false
    content: '{"op": "hello"}'
  - type: socket-expect
    attrs:
      uid: u3
      name: echoed
      timeout: 5
    content:
      - type: table
        rows:
          - attrs:
              disabled: false
            row:
              - op is hello
              - body.op
              - equals
              - hello
  - type: socket-message
    attrs:
      uid: u4
      name: off
      format: xml
      disabled: true
    content: <ping/>
""",
    "assertions-table": """type: assertions-table
attrs:
  uid: u1
content:
  - type: table
    rows:
      - attrs:
          disabled: false
        row:
          - handshake accepted
          - status
          - equals
          - "101"
""",
    "request-separator": """type: request-separator
attrs:
  uid: u1
  label: Next
""",
    "linkedBlock": """type: linkedBlock
attrs:
  uid: u1
  blockUid: b2
  originalFile: /blocks/headers.void
""",
    "http-request": """type: request
attrs:
  uid: u1
content:
  - type: method
    attrs:
      uid: u2
    content: GET
  - type: url
    attrs:
      uid: u3
    content: https://echo.apyhub.com
""",
}


@pytest.mark.parametrize("name", list(BLOCKS))
async def test_snapshot_block(name, tmp_path):
    path = tmp_path / "snap.void"
    path.write_text(block_text(BLOCKS[name]))
    app = EditorHost(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        app.set_focus(None)
        await pilot.pause()
        assert_snapshot(app, f"editor-{name}", ("snap.void", "# Snapshot"))


async def test_snapshot_slash_menu_and_unsaved_marker(tmp_path):
    app = EditorHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query(ProseEditor).first().focus()
        await pilot.press(*"Hello", "enter", "/", "a")
        await pilot.pause(0.3)
        assert_snapshot(app, "editor-slash-menu", ("/auth-bearer", "● untitled.void"))


async def test_snapshot_echo_sample(tmp_path):
    app = EditorHost(ECHO)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause(0.3)
        app.set_focus(None)
        await pilot.pause()
        assert_snapshot(app, "editor-echo", ("WebSocket request 1", "Messages"))


def test_session_for_snapshot_files_parse():
    for text in BLOCKS.values():
        s = EditSession.from_text(block_text(text))
        assert s.text == block_text(text)
