"""EditSession: the editing model, without Textual."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from wsblock.app.editor.model import ChangedOnDisk, EditSession, NeedsName, void_files
from wsblock.app.editor.slash import SLASH_ITEMS, filter_items
from wsblock.document import Document, views
from wsblock.document.views import new_block

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
ECHO = SAMPLES / "wss" / "echo.void"


def roundtrips(text: str) -> bool:
    return Document.parse(text).dump() == text


@pytest.fixture
def echo(tmp_path) -> Path:
    path = tmp_path / "echo.void"
    shutil.copyfile(ECHO, path)
    return path


def test_unedited_session_is_clean_and_lossless(echo):
    s = EditSession.open(echo)
    assert not s.dirty
    assert s.text == echo.read_text()
    s.save()
    assert echo.read_text() == ECHO.read_text()


def test_gaps_show_prose_without_front_matter(echo):
    s = EditSession.open(echo)
    assert s.gap_count() == len(s.blocks) + 1
    assert "# Echo: a first WebSocket conversation" in s.prose(0)
    assert "---" not in s.prose(0).splitlines()[:1]
    assert "version:" not in s.prose(0)
    assert s.prose(1) == ""  # the blank line between two blocks


def test_edit_prose_rewrites_only_that_prose(echo):
    s = EditSession.open(echo)
    before = s.text
    s.set_prose(0, s.prose(0).replace("Start a local", "Start your own"))
    assert s.dirty
    assert s.text == before.replace("Start a local", "Start your own")
    s.set_prose(1, "Between the request and its headers.")
    assert "```\nBetween the request and its headers.\n```void" in s.text
    assert roundtrips(s.text)


def test_slash_wss_in_an_empty_document():
    s = EditSession.untitled()
    s.set_prose(0, "/wss")
    index = s.insert_at_line(0, 0, "wss")
    assert index == 0
    block = s.blocks[0]
    assert block.type == "socket-request"
    assert s.url(0) == "wss://"
    content = block.node["content"]
    assert content[0]["type"] == "smethod" and content[0]["content"] == "WSS"
    assert content[0]["attrs"]["method"] == "WSS"
    assert content[1]["type"] == "surl"
    assert "/wss" not in s.text
    assert roundtrips(s.text)


def test_slash_splits_the_prose_around_the_block():
    s = EditSession.untitled()
    s.set_prose(0, "# Title\nabove\n/headers\nbelow")
    s.insert_at_line(0, 2, "headers")
    assert s.prose(0) == "# Title\nabove"
    assert s.blocks[0].type == "headers-table"
    assert s.prose(1) == "below"
    assert roundtrips(s.text)


def test_slash_between_blocks_keeps_blank_lines(echo):
    s = EditSession.open(echo)
    n = len(s.blocks)
    s.set_prose(1, "/query")
    s.insert_at_line(1, 0, "query")
    assert len(s.blocks) == n + 1
    assert s.blocks[1].type == "query-table"
    assert "```\n\n```void\n---\ntype: query-table" in s.text
    assert roundtrips(s.text)


@pytest.mark.parametrize("item", SLASH_ITEMS, ids=lambda i: i.name)
def test_every_slash_item_roundtrips(item, tmp_path):
    s = EditSession.untitled()
    s.set_prose(0, "intro\n/" + item.name)
    s.insert_at_line(0, 1, item)
    path = s.save(tmp_path / "x.void")
    text = path.read_text()
    assert roundtrips(text)
    doc = Document.load(path)
    if item.action == "block":
        assert len(doc.blocks) == 1
        assert doc.blocks[0].node == s.blocks[0].node
        assert doc.blocks[0].uid
        # fmt --check: every block already in Voiden's style
        for b in doc.blocks:
            b.set_node(b.node)
        assert doc.dump() == text
    else:
        assert item.prefix in text


def test_new_blocks_get_new_uids():
    uids = set()
    for name in ("wss", "headers", "messages", "auth-basic"):
        a, b = new_block(name), new_block(name)
        assert a["attrs"]["uid"] != b["attrs"]["uid"]
        uids.add(a["attrs"]["uid"])
    assert len(uids) == 4


def test_filter_slash_items():
    assert filter_items("wss")[0].name == "wss"
    assert filter_items("ws")[0].name == "wss"
    assert filter_items("websocket")[0].name == "wss"
    assert [i.name for i in filter_items("h")][:3] == ["headers", "h1", "h2"] or filter_items("h")
    assert [i.name for i in filter_items("auth")] == ["auth-bearer", "auth-basic", "auth-api-key"]
    assert filter_items("zzz") == []
    assert len(filter_items("")) == len(SLASH_ITEMS)


def test_tables_rows_cells_toggle_move_delete(echo):
    s = EditSession.open(echo)
    h = 1  # headers-table
    assert s.rows(h) == [(["X-Client", "wss-sample"], False), (["X-Debug", "1"], True)]
    r = s.add_row(h)
    s.set_cell(h, r, 0, "X-New")
    s.set_cell(h, r, 1, "yes")
    assert s.rows(h)[2] == (["X-New", "yes"], False)
    assert s.toggle_row(h, 2) is True
    assert s.rows(h)[2][1] is True
    s.move_row(h, 2, 0)
    assert s.rows(h)[0] == (["X-New", "yes"], True)
    s.delete_row(h, 0)
    assert [c[0] for c, _ in s.rows(h)] == ["X-Client", "X-Debug"]
    # only the headers block was rewritten
    other = [b for i, b in enumerate(s.blocks) if i != h]
    assert all(not b.edited for b in other)


def test_undo_redo_and_coalescing(echo):
    s = EditSession.open(echo)
    original = s.text
    for url in ("w", "ws", "ws:", "ws://x"):
        s.set_url(0, url)
    assert s.url(0) == "ws://x"
    s.break_coalescing()
    s.add_row(1)
    assert s.undo()  # the row
    assert s.url(0) == "ws://x" and len(s.rows(1)) == 2
    assert s.undo()  # all the URL typing at once
    assert s.text == original and not s.dirty
    assert not s.undo()
    assert s.redo() and s.url(0) == "ws://x"
    assert s.redo() and len(s.rows(1)) == 3
    assert not s.redo()


def test_undo_steps_are_per_pause_in_typing(echo):
    """Issue 11 item 4: a burst of typing in one field is one step; after a pause of
    UNDO_PAUSE the next keys start another, so one Ctrl+Z never takes back minutes."""
    s = EditSession.open(echo)
    now = [100.0]
    s.clock = lambda: now[0]
    for url in ("ws://a", "ws://ab"):  # one burst
        s.set_url(0, url)
        now[0] += 0.2
    now[0] += s.UNDO_PAUSE  # a pause (the user ran the request, read the log...)
    for url in ("ws://abc", "ws://abcd"):  # a second burst in the same field
        s.set_url(0, url)
        now[0] += 0.2
    assert s.undo() and s.url(0) == "ws://ab"  # the second burst only
    assert s.undo() and s.url(0) != "ws://a"  # then the first


def test_blocks_delete_move_duplicate(echo):
    s = EditSession.open(echo)
    types = [b.type for b in s.blocks]
    s.move_block(1, 2)
    assert [b.type for b in s.blocks][1:3] == [types[2], types[1]]
    s.duplicate_block(0)
    assert s.blocks[1].type == "socket-request"
    assert s.blocks[1].uid != s.blocks[0].uid
    assert s.url(1) == s.url(0)
    s.delete_block(1)
    assert [b.type for b in s.blocks][:1] == ["socket-request"]
    assert roundtrips(s.text)
    s.undo()
    s.undo()
    s.undo()
    assert s.text == ECHO.read_text()


def test_auth_type_change_keeps_matching_values():
    s = EditSession.untitled()
    s.insert_block(0, new_block("auth-api-key"))
    s.set_cell(0, 0, 1, "X-Key")
    s.set_cell(0, 1, 1, "{{TOKEN}}")
    s.set_auth_type(0, "bearer")
    assert s.auth_type(0) == "bearer"
    assert s.rows(0) == [(["token", ""], False)]
    s.set_auth_type(0, "apiKey")
    assert s.rows(0)[0][0][0] == "key"
    assert s.rows(0)[2][0][1] == "header"  # [add_to | in, header]


def test_messages_items(echo):
    s = EditSession.open(echo)
    m = 4  # socket-messages
    items = s.items(m)
    assert [i.type for i in items][:2] == ["socket-message", "socket-expect"]
    s.set_item_content(m, 0, '{"op": "bye"}')
    s.set_item_attr(m, 0, "name", "bye")
    s.set_item_attr(m, 0, "format", "xml")
    assert s.items(m)[0].content == '{"op": "bye"}'
    assert s.items(m)[0].format == "xml" and s.items(m)[0].name == "bye"
    new = s.add_item(m, "message")
    assert s.items(m)[new].type == "socket-message"
    e = s.add_item(m, "expect", at=0)
    assert s.items(m)[e].type == "socket-expect"
    s.set_cell(m, 0, 1, "body.op", item=e)
    assert s.rows(m, e)[0][0] == ["", "body.op", "", ""]
    s.toggle_row(m, 0, item=e)
    assert s.rows(m, e)[0][1] is True
    s.move_item(m, 0, 1)
    assert s.items(m)[1].type == "socket-expect"
    s.delete_item(m, 1)
    assert roundtrips(s.text)


# -- one model of a block: the editor shows, saves and sends what document.views does ----
def _doc(*blocks: str) -> EditSession:
    body = "\n".join(f"```void\n---\n{b}\n---\n```\n" for b in blocks)
    return EditSession.from_text(body)


def test_an_emptied_cell_is_saved_as_null_as_voiden_writes_it():
    s = _doc("type: headers-table\ncontent:\n  - type: table\n    rows:\n      - row: [X-A, one]")
    s.set_cell(0, 0, 1, "")
    assert s.blocks[0].node["content"][0]["rows"][0]["row"] == ["X-A", None]
    assert "row:\n" in s.text and '""' not in s.text


def test_a_new_message_is_text_and_a_new_expectation_row_is_empty():
    s = _doc("type: socket-messages\ncontent: []")
    s.add_item(0, "message")
    s.add_item(0, "expect")
    message, expect = s.blocks[0].node["content"]
    assert message["attrs"]["format"] == "text"
    assert views.view(s.blocks[0]).items[0].format == "text"
    assert expect["content"][0]["rows"][0]["row"] == [None, None, None, None]
    assert "equals" not in s.text


def test_an_auth_block_without_a_type_inherits():
    s = _doc("type: auth\nattrs:\n  uid: a1")
    assert s.auth_type(0) == "inherit" == views.view(s.blocks[0]).auth_type


def test_a_message_written_as_a_yaml_mapping_shows_what_run_sends():
    s = _doc(
        "type: socket-messages\ncontent:\n  - type: socket-message\n    attrs: {name: hi, format: json}"
        "\n    content:\n      op: hello\n      n: 1"
    )
    assert s.items(0)[0].content == '{"op":"hello","n":1}'


def test_slash_blocks_are_the_document_layers_new_blocks():
    s = EditSession.untitled()
    s.set_prose(0, "/auth")
    s.insert_at_line(0, 0, "auth-api-key")
    node = s.blocks[0].node
    expected = views.new_block("auth-api-key")
    assert node["attrs"].keys() == expected["attrs"].keys()
    assert [r["row"] for r in node["content"][0]["rows"]] == [
        r["row"] for r in expected["content"][0]["rows"]
    ]


def test_request_index_at(echo):
    s = EditSession.open(echo)
    assert s.request_index_at(0) == 1 and s.request_index_at(3) == 1
    s.insert_block(len(s.blocks), new_block("separator"))
    s.insert_block(len(s.blocks), new_block("wss"))
    assert s.request_index_at(len(s.blocks) - 2) is None
    assert s.request_index_at(len(s.blocks) - 1) == 2
    assert s.request_kind(2) == "wss"


def test_save_untitled_needs_a_name_and_gets_front_matter(tmp_path):
    s = EditSession.untitled()
    s.set_prose(0, "/wss")
    s.insert_at_line(0, 0, "wss")
    with pytest.raises(NeedsName):
        s.save()
    path = s.save(tmp_path / "new.void")
    doc = Document.load(path)
    assert doc.front_matter and doc.front_matter["version"]
    assert not s.dirty and s.path == path


def test_changed_on_disk_is_detected(echo):
    s = EditSession.open(echo)
    s.set_url(0, "wss://mine")
    assert not s.disk_changed()
    time.sleep(0.01)
    echo.write_text(echo.read_text().replace("# Echo", "# Theirs"))
    os.utime(echo, ns=(time.time_ns(), time.time_ns()))
    assert s.disk_changed()
    with pytest.raises(ChangedOnDisk):
        s.save()
    # keep mine: the next save overwrites
    s.keep_mine()
    assert s.dirty and not s.disk_changed()
    s.save()
    assert "wss://mine" in echo.read_text() and "# Echo" in echo.read_text()


def test_reload_takes_theirs_and_undo_brings_mine_back(echo):
    s = EditSession.open(echo)
    s.set_url(0, "wss://mine")
    echo.write_text(echo.read_text().replace("# Echo", "# Theirs"))
    s.reload()
    assert "# Theirs" in s.text and not s.dirty
    s.undo()
    assert s.url(0) == "wss://mine"


def test_touch_without_change_is_not_a_conflict(echo):
    s = EditSession.open(echo)
    os.utime(echo, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert not s.disk_changed()


def test_void_files(tmp_path):
    (tmp_path / "a.void").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.void").write_text("")
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "c.void").write_text("")
    (tmp_path / "x.txt").write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in void_files(tmp_path)] == [
        "a.void",
        "sub/b.void",
    ]


@pytest.mark.parametrize("sample", sorted(SAMPLES.rglob("*.void")), ids=lambda p: p.name)
def test_samples_open_clean_and_gaps_cover_all_prose(sample):
    s = EditSession.open(sample)
    assert not s.dirty
    prose = "".join(s.raw_prose(k) for k in range(s.gap_count()))
    segs = s.doc.segments
    from wsblock.document.model import FrontMatter

    expected = "".join(x for x in segs if isinstance(x, str) and not isinstance(x, FrontMatter))
    assert prose == expected
    # re-setting each gap to what it shows changes nothing
    for k in range(s.gap_count()):
        s.set_prose(k, s.prose(k))
    assert not s.dirty


def test_append_message_to_a_request(echo):
    s = EditSession.open(echo)
    n = len(s.items(4))
    index = s.append_message(1, "saved", "json", '{"a": 1}')
    assert index == 4 and len(s.items(4)) == n + 1
    assert s.items(4)[-1].name == "saved"
    s2 = EditSession.untitled()
    s2.insert_block(0, new_block("wss"))
    s2.insert_block(1, new_block("separator"))
    assert s2.append_message(1, "m", "binary", "00ff", "hex") == 1
    assert s2.blocks[1].type == "socket-messages"
    assert s2.items(1)[0].encoding == "hex"
    assert roundtrips(s2.text)
