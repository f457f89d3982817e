"""From a file's request to a resolved Request: auth, query, options, messages, secrets."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from peers.fixtures import make_tls_files
from wsblock.conversation.request import Expect, Message, Options
from wsblock.conversation.resolve import ResolveError, parse_size, resolve_request
from wsblock.document import Document
from wsblock.document.requests import group_requests
from wsblock.document.views import new_block
from wsblock.variables.sources import Variables


def make(*nodes: dict, url: str = "wss://api.test/ws") -> Document:
    doc = Document.parse("# Title\n")
    head = new_block("wss")
    head["content"][1]["content"] = url
    for i, node in enumerate((head, *nodes)):
        doc.insert_block(i, node)
    return doc


def table(kind: str, rows: list[list[str]], **attrs) -> dict:
    return {
        "type": kind,
        "attrs": {"uid": f"u-{kind}", **attrs},
        "content": [
            {"type": "table", "rows": [{"attrs": {"disabled": False}, "row": r} for r in rows]}
        ],
    }


def resolve(doc: Document, values: dict[str, str] | None = None, secret: set[str] = frozenset()):
    v = Variables()
    v.update(values or {}, "test")
    v.secret_names |= set(secret)
    return resolve_request(group_requests(doc)[0], v, Path("/tmp"))


def test_bearer_basic_and_api_key() -> None:
    req = resolve(make(table("auth", [["token", "t0k3n"]], authType="bearer")))
    assert ("Authorization", "Bearer t0k3n") in req.headers and "t0k3n" in req.secrets
    req = resolve(
        make(table("auth", [["username", "ada"], ["password", "pw1234"]], authType="basic"))
    )
    assert ("Authorization", "Basic " + base64.b64encode(b"ada:pw1234").decode()) in req.headers
    assert "pw1234" in req.secrets
    req = resolve(
        make(
            table(
                "auth",
                [["key", "X-Key"], ["value", "k-v-1"], ["add_to", "query"]],
                authType="apiKey",
            )
        )
    )
    assert req.url.endswith("?X-Key=k-v-1") and "k-v-1" in req.secrets
    req = resolve(
        make(
            table(
                "auth", [["key", "X-Key"], ["value", "k-v-1"], ["in", "header"]], authType="apiKey"
            )
        )
    )
    assert ("X-Key", "k-v-1") in req.headers


def test_query_rows_merge_into_the_url_and_disabled_rows_are_dropped() -> None:
    q = table("query-table", [["a", "1"], ["b", "two words"]])
    q["content"][0]["rows"].append({"attrs": {"disabled": True}, "row": ["c", "3"]})
    req = resolve(make(q, url="ws://h/p?x=0"))
    assert req.url == "ws://h/p?x=0&a=1&b=two+words"


def test_every_option(tmp_path) -> None:
    (tmp_path / "abs").mkdir()
    (tmp_path / "pki").mkdir()
    pki = make_tls_files(tmp_path / "pki")  # the files must hold what they should (checked
    for name, source in (  # before connecting)
        ("ca.pem", pki.ca),
        ("abs/c.pem", pki.client_cert),
        ("k.pem", pki.client_key),
    ):
        (tmp_path / name).write_bytes(source.read_bytes())
    rows = [
        ["subprotocols", "graphql-transport-ws, chat"],
        ["origin", "https://o.test"],
        ["compression", "none"],
        ["connect-timeout", "3"],
        ["ping-interval", "0"],
        ["ping-timeout", "7"],
        ["max-message-size", "1MiB"],
        ["reconnect", "on"],
        ["tls-verify", "false"],
        ["ca-file", "ca.pem"],
        ["client-cert", f"{tmp_path}/abs/c.pem"],
        ["client-key", "k.pem"],
        ["proxy", "none"],
    ]
    v = Variables()
    req = resolve_request(group_requests(make(table("socket-options", rows)))[0], v, tmp_path)
    o = req.options
    assert o.subprotocols == ("graphql-transport-ws", "chat") and o.origin == "https://o.test"
    assert o.compression is False and o.connect_timeout == 3 and o.ping_interval is None
    assert o.ping_timeout == 7 and o.max_message_size == 1 << 20 and o.reconnect is True
    assert o.tls_verify is False and o.ca_file == tmp_path / "ca.pem"
    assert o.client_cert == tmp_path / "abs" / "c.pem" and o.proxy is None
    assert resolve(make()).options == Options()


def test_sec_websocket_protocol_header_sets_subprotocols() -> None:
    req = resolve(
        make(table("headers-table", [["Sec-WebSocket-Protocol", "chat, v2"], ["X-A", "1"]]))
    )
    assert req.options.subprotocols == ("chat", "v2")
    assert [k for k, _ in req.headers] == ["X-A"]


def test_sizes() -> None:
    assert (
        parse_size("16MiB") == 16 << 20
        and parse_size("512 KiB") == 512 << 10
        and parse_size("0") == 0
    )
    with pytest.raises(ValueError):
        parse_size("lots")


def test_messages_and_expects_become_steps_in_order() -> None:
    msgs = {
        "type": "socket-messages",
        "attrs": {"uid": "m"},
        "content": [
            {
                "type": "socket-message",
                "attrs": {"uid": "1", "name": "a", "format": "json"},
                "content": '{"n": "{{N}}"}',
            },
            {
                "type": "socket-expect",
                "attrs": {"uid": "2", "name": "b", "timeout": 2},
                "content": [
                    {
                        "type": "table",
                        "rows": [
                            {"attrs": {"disabled": False}, "row": ["d", "body.n", "eq", "{{N}}"]}
                        ],
                    }
                ],
            },
            {
                "type": "socket-message",
                "attrs": {"uid": "3", "name": "off", "format": "text", "disabled": True},
                "content": "x",
            },
            {
                "type": "socket-message",
                "attrs": {"uid": "4", "name": "bin", "format": "binary", "encoding": "hex"},
                "content": "00ff",
            },
        ],
    }
    req = resolve(make(msgs), {"N": "7"})
    a, b, c = req.steps
    assert isinstance(a, Message) and a.data == '{"n": "7"}'
    assert isinstance(b, Expect) and b.timeout == 2 and b.checks[0].operator == "equals"
    assert b.checks[0].expected == "7"
    assert isinstance(c, Message) and c.data == b"\x00\xff"


def test_secret_variables_are_collected_only_where_used() -> None:
    req = resolve(
        make(table("headers-table", [["X-Plain", "{{A}}"]]), url="ws://h/{{S}}"),
        {"A": "public-value", "S": "hidden-path", "UNUSED": "zzz"},
        secret={"S", "UNUSED"},
    )
    assert req.secrets == {"hidden-path"}


def test_errors_name_the_place() -> None:
    with pytest.raises(ResolveError, match=r"socket-options row 1 \(tls-verify\).*true or false"):
        resolve(make(table("socket-options", [["tls-verify", "maybe"]])))
    with pytest.raises(ResolveError, match="not a valid header name"):
        resolve(make(table("headers-table", [["Bad Header", "1"]])))
    with pytest.raises(ResolveError, match="the URL is empty"):
        resolve(make(url="wss://"))
    with pytest.raises(ResolveError, match="bearer token is empty"):
        resolve(make(table("auth", [["token", ""]], authType="bearer")))
