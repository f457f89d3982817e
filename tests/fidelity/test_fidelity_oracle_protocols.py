"""Socket.IO and GraphQL files through Voiden's own open+save code: nothing of them is lost.

Skipped with a message, as the other oracle tests, when ../shared is not beside the checkout.
"""

from __future__ import annotations

from pathlib import Path

from fidelity_files import rows, write, wss
from test_fidelity_oracle import _check, pytestmark, voiden_open_save  # noqa: F401

from wsblock.document import Document
from wsblock.document.views import SocketMessages, new_block, new_message, view


def _messages(*items: dict) -> dict:
    node = view(new_block("messages")).delete_item(0)
    for item in items:
        node = view(node).insert_item(None, item)
    return node


def _message(name: str, fmt: str, content: str, **attrs: object) -> dict:
    node = new_message(name, fmt, content)
    node["attrs"].update(attrs)
    return node


def test_protocol_rows_and_messages_survive_voiden(tmp_path: Path) -> None:
    f = write(
        tmp_path / "proto.void",
        "# Protocols\n\n",
        wss("http://127.0.0.1:9"),
        rows(
            "socket-options",
            ["protocol", "socket.io"],
            ["namespace", "/admin"],
            ["connect-payload", '{"token": "t"}'],
        ),
        _messages(_message("add", "socket.io", '["add", {"a": 2, "b": 3}]', ack=True)),
        new_block("separator"),
        wss("ws://127.0.0.1:9/graphql"),
        rows("socket-options", ["protocol", "graphql-transport-ws"]),
        _messages(
            _message(
                "count",
                "graphql",
                "subscription C($n: Int!) {\n  countdown(from: $n)\n}\n",
                variables='{"n": 3}',
                operation="C",
            )
        ),
    )
    saved = tmp_path / "saved.void"
    voiden_open_save(f, saved)
    assert _check(saved) == _check(f)
    items = [
        item
        for block in Document.load(saved).blocks
        if isinstance(v := view(block), SocketMessages)
        for item in v.items
    ]
    assert [(i.format, i.ack, i.variables, i.operation) for i in items] == [  # type: ignore[union-attr]
        ("socket.io", True, "", ""),
        ("graphql", False, '{"n": 3}', "C"),
    ]
    assert Document.load(saved).dump() == saved.read_text()
