"""Typed views of blocks, their editing helpers, and templates of new blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from doc_samples import FIXTURES

from wsblock.document import Document
from wsblock.document import yamlstyle as ys
from wsblock.document.views import (
    NEW_BLOCK_KINDS,
    AssertionsTable,
    Auth,
    HeadersTable,
    HttpRequest,
    LinkedBlock,
    QueryTable,
    RequestSeparator,
    Row,
    SocketExpect,
    SocketMessage,
    SocketMessages,
    SocketOptions,
    SocketRequest,
    Unknown,
    UnknownItem,
    cell_text,
    new_block,
    text_of,
    view,
)

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture
def echo(samples: Path) -> Document:
    return Document.load(samples / "wss" / "echo.void")


def test_views_of_echo_void(echo: Document) -> None:
    views = [view(b) for b in echo.blocks]
    assert [type(v) for v in views] == [
        SocketRequest,
        HeadersTable,
        QueryTable,
        SocketOptions,
        SocketMessages,
        AssertionsTable,
    ]
    req, headers, query, options, messages, assertions = views
    assert isinstance(req, SocketRequest)
    assert req.method == "WSS" and req.url == "{{ECHO_URL}}/echo" and not req.is_grpc
    assert req.uid == "3f6c1a52-8d1e-4a8e-9a57-0b1f0e6c2a11" and req.block is echo.blocks[0]
    assert isinstance(headers, HeadersTable)
    assert headers.rows == [Row(["X-Client", "wss-sample"], False), Row(["X-Debug", "1"], True)]
    assert headers.headers == [("X-Client", "wss-sample")]
    assert isinstance(query, QueryTable) and query.params == [("room", "lobby")]
    assert isinstance(options, SocketOptions)
    assert options.options == {"ping-interval": "15", "connect-timeout": "5"}
    assert isinstance(assertions, AssertionsTable)
    assert assertions.rows[0].cells == ["handshake accepted", "status", "equals", "101"]
    assert isinstance(messages, SocketMessages)
    items = messages.items
    assert [type(i) for i in items] == [
        SocketMessage,
        SocketExpect,
        SocketMessage,
        SocketMessage,
        SocketExpect,
    ]
    hello = items[0]
    assert isinstance(hello, SocketMessage)
    assert (hello.uid, hello.name, hello.format, hello.disabled, hello.encoding) == (
        "8eb16fa7-d263-4fd3-8fac-506e5db07f66",
        "hello",
        "json",
        False,
        "base64",
    )
    assert hello.content == '{"op": "hello", "user": "{{USER}}"}'
    expect = items[1]
    assert isinstance(expect, SocketExpect)
    assert (expect.name, expect.timeout, expect.disabled) == ("echoed hello", 5, False)
    assert expect.rows == [Row(["op is hello", "body.op", "equals", "hello"], False)]
    assert [m.name for m in messages.messages] == ["hello", "ping as xml", "plain"]


def test_views_of_voiden_samples(samples: Path) -> None:
    headers = Document.load(samples / "voiden" / "blocks" / "headers.void")
    req, table = view(headers.blocks[0]), view(headers.blocks[1])
    assert isinstance(req, HttpRequest) and (req.method, req.url) == (
        "GET",
        "https://echo.apyhub.com",
    )
    assert isinstance(table, HeadersTable)
    assert table.rows[0].cells[1].startswith("Bearer 4f3a9c8b")  # the folded scalar, unfolded
    assert table.rows[2].disabled
    link = view(Document.load(samples / "voiden" / "imports" / "initiate-protocol..void").blocks[0])
    assert isinstance(link, LinkedBlock)
    assert (link.block_uid, link.original_file) == (
        "05119029-b827-45fe-a2cc-55a5f0ba6609",
        "/start.void",
    )
    files = Document.load(samples / "voiden" / "blocks" / "files.void")
    multipart = view(files.blocks[1])
    assert isinstance(multipart, Unknown) and multipart.type == "multipart-table"


def test_grpc_socket_requests_are_recognised() -> None:
    doc = Document.load(FIXTURES / "multi.void")
    grpc = view(doc.blocks[7])
    assert isinstance(grpc, SocketRequest) and grpc.method == "GRPCS" and grpc.is_grpc
    sep = view(doc.blocks[3])
    assert isinstance(sep, RequestSeparator) and sep.label == "Second one" and sep.color_index == 1
    auth = view(doc.blocks[2])
    assert (
        isinstance(auth, Auth)
        and auth.auth_type == "bearer"
        and auth.fields == {"token": "{{TOKEN}}"}
    )


def test_view_of_a_bare_node_and_odd_content() -> None:
    assert isinstance(view({"type": "whatever"}), Unknown)
    odd = view({"type": "headers-table", "content": "not a list"})
    assert isinstance(odd, HeadersTable) and odd.rows == []
    odd = view(
        {"type": "headers-table", "content": [{"type": "table", "rows": [None, {"row": "x"}, {}]}]}
    )
    assert isinstance(odd, HeadersTable)
    assert odd.rows == [Row(["x"], False), Row([], False)]
    req = view({"type": "socket-request"})
    assert isinstance(req, SocketRequest) and req.method == "" and req.url == ""
    with pytest.raises(TypeError):
        view("socket-request")  # type: ignore[arg-type]


def test_text_content_in_every_spelling() -> None:
    assert text_of("GET") == "GET"
    assert text_of([{"type": "text", "text": "GE"}, {"type": "text", "text": "T"}]) == "GET"
    assert text_of(None) == "" and text_of(5) == "5" and text_of(True) == "true"
    req = view(
        {
            "type": "request",
            "content": [
                {"type": "method", "attrs": {"method": "POST"}},
                {"type": "url", "content": [{"type": "text", "text": "https://x"}]},
            ],
        }
    )
    assert isinstance(req, HttpRequest) and (req.method, req.url) == ("POST", "https://x")


def test_cells_null_numbers_and_file_links_read_as_text() -> None:
    assert cell_text(None) == "" and cell_text(10) == "10" and cell_text(False) == "false"
    assert cell_text(2.0) == "2"
    assert (
        cell_text([{"type": "fileLink", "attrs": {"filePath": "/tests/sample.jpg"}}, " "])
        == "/tests/sample.jpg "
    )
    table = view(
        {
            "type": "query-table",
            "content": [
                {
                    "type": "table",
                    "rows": [
                        {"attrs": {"disabled": "true"}, "row": ["a", None]},
                        {"row": [None, None]},
                    ],
                }
            ],
        }
    )
    assert isinstance(table, QueryTable)
    assert table.rows == [Row(["a", ""], True), Row(["", ""], False)]
    assert table.rows[1].is_empty and table.enabled_rows == []


def test_prosemirror_table_rows_are_read_and_edited_into_the_simple_form() -> None:
    node = {
        "type": "headers-table",
        "content": [
            {
                "type": "table",
                "content": [
                    {
                        "type": "tableRow",
                        "attrs": {"disabled": False},
                        "content": [
                            {
                                "type": "tableCell",
                                "content": [
                                    {
                                        "type": "paragraph",
                                        "content": [{"type": "text", "text": "A"}],
                                    }
                                ],
                            },
                            {
                                "type": "tableCell",
                                "content": [
                                    {
                                        "type": "paragraph",
                                        "content": [{"type": "text", "text": "1"}],
                                    }
                                ],
                            },
                        ],
                    },
                ],
            }
        ],
    }
    v = view(node)
    assert isinstance(v, HeadersTable) and v.rows == [Row(["A", "1"], False)]
    edited = v.set_cell(0, 1, "2")
    assert edited["content"][0] == {
        "type": "table",
        "rows": [{"attrs": {"disabled": False}, "row": ["A", "2"]}],
    }


def test_table_helpers_return_new_nodes(echo: Document) -> None:
    block = echo.blocks[1]
    v = view(block)
    assert isinstance(v, HeadersTable)
    original = ys.dump(block.node)
    n1 = v.set_cell(0, 1, "changed")
    assert view(n1).rows[0].cells == ["X-Client", "changed"]  # type: ignore[attr-defined]
    assert ys.dump(block.node) == original  # the block's node is untouched
    assert view(v.set_cell(1, 3, "far")).rows[1].cells == ["X-Debug", "1", "", "far"]  # type: ignore[attr-defined]
    cleared = v.set_cell(0, 1, "")
    assert cleared["content"][0]["rows"][0]["row"] == ["X-Client", None]  # an empty cell is null
    added = view(v.add_row(["New", "row"]))
    assert [r.cells for r in added.rows][-1] == ["New", "row"]  # type: ignore[attr-defined]
    added = view(v.add_row(at=0, disabled=True))
    assert added.rows[0] == Row(["", ""], True)  # type: ignore[attr-defined]
    assert added.node["content"][0]["rows"][0] == {"attrs": {"disabled": True}, "row": [None, None]}
    assert [r.cells[0] for r in view(v.delete_row(0)).rows] == ["X-Debug"]  # type: ignore[attr-defined]
    assert [r.cells[0] for r in view(v.move_row(1, 0)).rows] == ["X-Debug", "X-Client"]  # type: ignore[attr-defined]
    toggled = view(v.toggle_disabled(1))
    assert [r.disabled for r in toggled.rows] == [False, False]  # type: ignore[attr-defined]
    assert [r.disabled for r in view(v.set_disabled(0)).rows] == [True, True]  # type: ignore[attr-defined]
    with pytest.raises(IndexError):
        v.delete_row(5)
    with pytest.raises(IndexError):
        v.set_cell(9, 0, "x")
    block.set_node(v.set_cell(0, 1, "changed"))
    assert "          - changed\n" in block.raw


def test_a_table_is_created_when_missing() -> None:
    v = view({"type": "assertions-table", "attrs": {"uid": "u"}})
    assert isinstance(v, AssertionsTable)
    node = v.add_row(["status ok", "status", "equals", "101"])
    assert node == {
        "type": "assertions-table",
        "attrs": {"uid": "u"},
        "content": [
            {
                "type": "table",
                "rows": [
                    {"attrs": {"disabled": False}, "row": ["status ok", "status", "equals", "101"]}
                ],
            }
        ],
    }
    assert view(v.add_row()).rows[0].cells == ["", "", "", ""]  # type: ignore[attr-defined]


def test_socket_request_helpers() -> None:
    v = view(new_block("wss"))
    assert isinstance(v, SocketRequest)
    n = v.with_url("ws://127.0.0.1:8765/echo")
    assert view(n).url == "ws://127.0.0.1:8765/echo"  # type: ignore[attr-defined]
    g = view(v.with_method("GRPCS"))
    assert (
        isinstance(g, SocketRequest)
        and g.is_grpc
        and g.node["content"][0]["attrs"]["method"] == "GRPCS"
    )
    empty = v.with_url("")
    assert "content" not in empty["content"][1]  # Voiden writes no empty text
    bare = view({"type": "socket-request", "attrs": {"uid": "u"}})
    assert isinstance(bare, SocketRequest)
    built = view(bare.with_url("wss://x"))
    assert isinstance(built, SocketRequest) and built.url == "wss://x"
    assert [c["type"] for c in built.node["content"]] == ["surl"]


def test_auth_views_and_type_change() -> None:
    bearer = view(new_block("auth-bearer"))
    assert isinstance(bearer, Auth) and bearer.auth_type == "bearer"
    filled = view(bearer.set_cell(0, 1, "{{TOKEN}}"))
    assert isinstance(filled, Auth) and filled.fields == {"token": "{{TOKEN}}"}
    api = view(new_block("auth-api-key"))
    assert isinstance(api, Auth) and api.api_key_location == "header"
    assert view(api.set_cell(2, 1, "query")).api_key_location == "query"  # type: ignore[attr-defined]
    spec_style = view(
        {
            "type": "auth",
            "attrs": {"authType": "apiKey"},
            "content": [
                {
                    "type": "table",
                    "rows": [
                        {"row": ["key", "X-Key"]},
                        {"row": ["value", "v"]},
                        {"row": ["in", "query"]},
                    ],
                }
            ],
        }
    )
    assert isinstance(spec_style, Auth) and spec_style.api_key_location == "query"
    basic = view(filled.with_auth_type("basic"))
    assert isinstance(basic, Auth) and basic.auth_type == "basic"
    assert [r.cells for r in basic.rows] == [["username", ""], ["password", ""]]
    back = view(basic.with_auth_type("bearer"))
    assert [r.cells for r in back.rows] == [["token", ""]]  # type: ignore[attr-defined]
    kept = view(filled.with_auth_type("bearer"))
    assert kept.rows[0].cells == ["token", "{{TOKEN}}"]  # type: ignore[attr-defined]
    none = filled.with_auth_type("none")
    assert "content" not in none and none["attrs"]["authType"] == "none"
    assert view({"type": "auth"}).auth_type == "inherit"  # type: ignore[attr-defined]


def test_socket_messages_helpers(echo: Document) -> None:
    block = echo.blocks[4]
    v = view(block)
    assert isinstance(v, SocketMessages)
    msg = v.items[0]
    assert isinstance(msg, SocketMessage)
    n = v.replace_item(0, msg.with_content('{"op": "bye"}'))
    assert view(n).items[0].content == '{"op": "bye"}'  # type: ignore[attr-defined]
    n = v.replace_item(0, msg.with_attrs(format="text", encoding="hex"))
    assert (view(n).items[0].format, view(n).items[0].encoding) == ("text", "hex")  # type: ignore[attr-defined]
    expect = v.items[1]
    assert isinstance(expect, SocketExpect)
    n = v.replace_item(1, expect.set_cell(0, 3, "bye"))
    assert view(n).items[1].rows[0].cells[3] == "bye"  # type: ignore[attr-defined]
    n = v.add_message("new", "json", "{}")
    last = view(n).items[-1]  # type: ignore[attr-defined]
    assert isinstance(last, SocketMessage) and (last.name, last.format, last.content) == (
        "new",
        "json",
        "{}",
    )
    assert UUID4.fullmatch(last.uid or "")
    n = v.add_expect("wait", 2, [["d", "body", "exists", None]], at=0)
    first = view(n).items[0]  # type: ignore[attr-defined]
    assert (
        isinstance(first, SocketExpect)
        and first.timeout == 2
        and first.rows[0].cells[:3] == ["d", "body", "exists"]
    )
    assert len(view(v.delete_item(0)).items) == 4  # type: ignore[attr-defined]
    assert [i.name for i in view(v.move_item(4, 0)).items][0] == "echoed text"  # type: ignore[attr-defined]
    assert view(v.toggle_disabled(0)).items[0].disabled is True  # type: ignore[attr-defined]
    assert view(v.set_disabled(1)).items[1].disabled is True  # type: ignore[attr-defined]
    with pytest.raises(IndexError):
        v.replace_item(9, {})
    block.set_node(v.replace_item(0, msg.with_content('it\'s "quoted": yes')))
    assert '    content: "it\'s \\"quoted\\": yes"\n' in block.raw
    assert view(Document.parse(echo.dump()).blocks[4]).items[0].content == 'it\'s "quoted": yes'  # type: ignore[attr-defined]


def test_message_content_written_as_yaml_reads_as_json() -> None:
    v = view(
        {
            "type": "socket-messages",
            "content": [
                {
                    "type": "socket-message",
                    "attrs": {"name": "m"},
                    "content": {"op": "x", "n": [1, 2]},
                },
                {"type": "something-else"},
            ],
        }
    )
    assert isinstance(v, SocketMessages)
    assert v.items[0].content == '{"op":"x","n":[1,2]}'  # type: ignore[union-attr]
    assert v.items[0].format == "text"  # type: ignore[union-attr]
    assert isinstance(v.items[1], UnknownItem)


def test_new_block_templates_have_voidens_shapes() -> None:
    wss = new_block("wss")
    assert wss["type"] == "socket-request" and list(wss["attrs"]) == ["uid"]
    smethod, surl = wss["content"]
    # exactly what Voiden's /wss inserts (the oracle's wss.js): importedFrom and visible too
    assert smethod["type"] == "smethod" and list(smethod["attrs"]) == [
        "uid",
        "method",
        "importedFrom",
        "visible",
    ]
    assert smethod["attrs"]["method"] == "WSS" and smethod["content"] == "WSS"
    assert surl["type"] == "surl" and surl["content"] == "wss://"
    headers = new_block("headers")
    assert headers["attrs"]["importedFrom"] == "" and list(headers["attrs"]) == [
        "uid",
        "importedFrom",
    ]
    assert headers["content"] == [
        {"type": "table", "rows": [{"attrs": {"disabled": False}, "row": [None, None]}]}
    ]
    assert new_block("query")["type"] == "query-table"
    assert new_block("auth-bearer")["attrs"]["authType"] == "bearer"
    assert list(new_block("auth-basic")["attrs"]) == [
        "uid",
        "authType",
        "importedFrom",
        "oauth2Config",
    ]
    api_rows = new_block("auth-api-key")["content"][0]["rows"]
    assert [r["row"] for r in api_rows] == [["key", None], ["value", None], ["add_to", "header"]]
    assert new_block("socket-options")["type"] == "socket-options"
    messages = new_block("messages")
    assert messages["content"][0]["type"] == "socket-message"
    assert new_block("assertions")["content"][0]["rows"][0]["row"] == [None] * 4
    sep = new_block("separator")
    assert sep == {
        "type": "request-separator",
        "attrs": {"uid": sep["attrs"]["uid"], "colorIndex": 0, "label": "New Request"},
    }
    assert new_block("headers-table")["type"] == "headers-table"
    with pytest.raises(KeyError):
        new_block("nonsense")


@pytest.mark.parametrize("kind", NEW_BLOCK_KINDS)
def test_every_template_has_fresh_uids_and_survives_a_round_trip(kind: str) -> None:
    a, b = new_block(kind), new_block(kind)

    def uids(node: object) -> list[str]:
        if isinstance(node, dict):
            out = [node["uid"]] if isinstance(node.get("uid"), str) else []
            return out + [u for v in node.values() for u in uids(v)]
        if isinstance(node, list):
            return [u for v in node for u in uids(v)]
        return []

    assert uids(a) and all(UUID4.fullmatch(u) for u in uids(a))
    assert not set(uids(a)) & set(uids(b))
    doc = Document.parse("# New\n")
    doc.insert_block(0, a)
    again = Document.parse(doc.dump())
    assert again.blocks[0].node == a
    assert type(view(again.blocks[0])) is type(view(a))


def test_view_kinds_cover_the_spec() -> None:
    assert isinstance(view(new_block("wss")), SocketRequest)
    assert isinstance(view(new_block("separator")), RequestSeparator)
    assert isinstance(
        view({"type": "linkedBlock", "attrs": {"blockUid": "x", "originalFile": "/a.void"}}),
        LinkedBlock,
    )
    assert isinstance(view({"type": "request"}), HttpRequest)
    assert isinstance(view({"type": "json_body"}), Unknown)
