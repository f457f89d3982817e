"""Editing a document: blocks in and out, prose, front matter; lines stay right."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from doc_samples import FIXTURES

from wsblock.document import Block, Document, FrontMatter
from wsblock.document.views import new_block, view

TEXT = (
    "---\nversion: 0.20.1\n---\n\n# Title\n\n"
    "```void\n---\ntype: a\nattrs:\n  uid: A\n---\n```\n"
    "between\n\n"
    "```void\n---\ntype: b\nattrs:\n  uid: B\n---\n```\n"
    "the end\n"
)


def _check_lines(doc: Document) -> None:
    """Every block's ``line`` is where its fence is in ``dump()``."""
    lines = doc.dump().split("\n")
    for b in doc.blocks:
        assert lines[b.line - 1].startswith("```void"), (b, lines[b.line - 1])
        assert lines[b.body_line - 1] == b.raw.split("\n")[2]


def test_segments_and_blocks() -> None:
    doc = Document.parse(TEXT)
    segs = doc.segments
    assert isinstance(segs[0], FrontMatter) and segs[0] == "---\nversion: 0.20.1\n---\n"
    assert segs[1] == "\n# Title\n\n"
    assert [b.type for b in doc.blocks] == ["a", "b"]
    assert [b.uid for b in doc.blocks] == ["A", "B"]
    assert [b.line for b in doc.blocks] == [7, 16]
    assert doc.blocks[0].body_line == 9
    assert doc.find("B") is doc.blocks[1] and doc.find("nope") is None
    assert doc.index(doc.blocks[1]) == 1
    segs.append("not in the document")  # segments is a copy
    assert doc.dump() == TEXT


def test_insert_block_goes_right_after_the_block_before_it() -> None:
    doc = Document.parse(TEXT)
    new = doc.insert_block(1, {"type": "c", "attrs": {"uid": "C"}})
    assert isinstance(new, Block) and new.edited
    assert [b.uid for b in doc.blocks] == ["A", "C", "B"]
    out = doc.dump()
    assert "uid: A\n---\n```\n```void\n---\ntype: c\nattrs:\n  uid: C\n---\n```\nbetween" in out
    _check_lines(doc)
    again = Document.parse(out)
    assert [b.node for b in again.blocks] == [b.node for b in doc.blocks]


def test_insert_block_at_the_start_and_the_end() -> None:
    doc = Document.parse(TEXT)
    doc.insert_block(0, {"type": "first"})
    doc.insert_block(len(doc.blocks), {"type": "last"})
    doc.insert_block(-1, {"type": "before-last"})
    assert [b.type for b in doc.blocks] == ["first", "a", "b", "before-last", "last"]
    assert doc.dump().startswith(
        "---\nversion: 0.20.1\n---\n\n# Title\n\n```void\n---\ntype: first\n"
    )
    _check_lines(doc)


def test_insert_block_into_an_empty_document_and_after_text_without_newline() -> None:
    doc = Document.parse("just text, no newline")
    doc.insert_block(0, new_block("wss"))
    out = doc.dump()
    assert out.startswith("just text, no newline\n```void\n---\ntype: socket-request\n")
    assert out.endswith("---\n```\n")
    assert view(Document.parse(out).blocks[0]).url == "wss://"  # type: ignore[attr-defined]
    empty = Document.parse("")
    empty.insert_block(0, {"type": "x"})
    assert empty.dump() == "```void\n---\ntype: x\n---\n```\n"


def test_text_after_a_last_block_without_final_newline_starts_a_new_line() -> None:
    doc = Document.parse("```void\n---\ntype: x\n---\n```")
    assert doc.dump() == "```void\n---\ntype: x\n---\n```"
    doc.insert_text(1, "after\n")
    assert doc.dump() == "```void\n---\ntype: x\n---\n```\nafter\n"
    _check_lines(doc)


def test_remove_and_move_blocks() -> None:
    doc = Document.parse(TEXT)
    a, b = doc.blocks
    doc.move_block(b, 0)
    assert [x.uid for x in doc.blocks] == ["B", "A"]
    assert doc.dump().index("uid: B") < doc.dump().index("uid: A")
    _check_lines(doc)
    doc.remove_block(b)
    assert [x.uid for x in doc.blocks] == ["A"]
    assert "uid: B" not in doc.dump()
    _check_lines(doc)
    with pytest.raises(ValueError):
        doc.remove_block(b)


def test_moving_a_block_to_its_own_place_changes_nothing() -> None:
    doc = Document.parse(TEXT)
    doc.move_block(doc.blocks[1], 1)
    assert doc.dump() == TEXT


def test_set_node_re_emits_one_block_and_keeps_lines_current() -> None:
    doc = Document.parse(TEXT)
    a, b = doc.blocks
    a.set_node({"type": "a", "attrs": {"uid": "A"}, "content": ["one", "two", "three"]})
    assert (
        a.raw
        == "```void\n---\ntype: a\nattrs:\n  uid: A\ncontent:\n  - one\n  - two\n  - three\n---\n```\n"
    )
    assert b.line == 16 + 4
    _check_lines(doc)
    assert doc.dump().endswith(
        "between\n\n```void\n---\ntype: b\nattrs:\n  uid: B\n---\n```\nthe end\n"
    )


def test_set_node_copies_and_validates() -> None:
    doc = Document.parse(TEXT)
    a = doc.blocks[0]
    node = {"type": "a", "attrs": {"uid": "A", "x": ["1"]}}
    a.set_node(node)
    node["attrs"]["x"].append("2")
    assert a.node["attrs"]["x"] == ["1"]
    before = a.raw
    with pytest.raises(ValueError):
        a.set_node({"attrs": {}})
    with pytest.raises(ValueError):
        a.set_node(["not", "a", "mapping"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        a.set_node({"type": "a", "attrs": {"x": object()}})
    assert a.raw == before and a.node["type"] == "a"


def test_prose_editing() -> None:
    doc = Document.parse(TEXT)
    assert doc.segments[3] == "between\n\n"
    doc.set_text(3, "changed\nover two lines\n\n")
    assert "```\nchanged\nover two lines\n\n```void" in doc.dump()
    assert doc.blocks[1].line == 17
    _check_lines(doc)
    with pytest.raises(TypeError):
        doc.set_text(2, "a block is not text")
    with pytest.raises(ValueError):
        doc.set_text(0, "the front matter is not prose")
    doc.insert_text(0, "goes after the front matter\n")
    assert doc.dump().startswith("---\nversion: 0.20.1\n---\ngoes after the front matter\n")
    doc.remove_text(1)
    assert "goes after" not in doc.dump()
    _check_lines(doc)


def test_front_matter_editing() -> None:
    doc = Document.parse(TEXT)
    doc.set_front_matter({"version": "0.21.0", "generatedAt": "2026-11-25T12:00:00.000Z"})
    assert doc.dump().startswith(
        "---\nversion: 0.21.0\ngeneratedAt: 2026-11-25T12:00:00.000Z\n---\n\n# Title"
    )
    assert doc.front_matter == {"version": "0.21.0", "generatedAt": "2026-11-25T12:00:00.000Z"}
    assert Document.parse(doc.dump()).front_matter == doc.front_matter
    _check_lines(doc)
    doc.set_front_matter(None)
    assert doc.dump().startswith("\n# Title") and doc.front_matter is None
    doc.set_front_matter({"a": "b"})
    assert doc.dump().startswith("---\na: b\n---\n\n# Title")


def test_new_blocks_in_a_crlf_document_use_crlf() -> None:
    doc = Document.load(FIXTURES / "crlf.void")
    doc.insert_block(1, new_block("headers"))
    out = doc.dump()
    assert "\n" not in out.replace("\r\n", "")
    assert [b.type for b in Document.parse(out).blocks] == [
        "socket-request",
        "headers-table",
        "socket-messages",
    ]


def test_save_is_atomic_and_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "f.void"
    path.write_text(TEXT)
    os.chmod(path, 0o640)
    doc = Document.load(path)
    doc.blocks[0].set_node({"type": "a", "attrs": {"uid": "A2"}})
    assert doc.save() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert Document.load(path).blocks[0].uid == "A2"
    assert [p.name for p in tmp_path.iterdir()] == ["f.void"]  # no temporary file left


def test_save_a_new_document(tmp_path: Path) -> None:
    doc = Document.parse("")
    with pytest.raises(ValueError):
        doc.save()
    doc.insert_block(0, new_block("wss"))
    out = doc.save(tmp_path / "new.void")
    assert doc.path == out and doc.blocks[0].source == out
    assert Document.load(out).blocks[0].type == "socket-request"
    assert stat.S_IMODE(out.stat().st_mode) & 0o600 == 0o600


def test_blocks_know_their_source_file() -> None:
    doc = Document.load(FIXTURES / "multi.void")
    assert all(b.source == FIXTURES / "multi.void" for b in doc.blocks)
    assert Document.parse(TEXT).blocks[0].source is None
    assert "multi.void:" in repr(doc.blocks[0])


def test_content_after_front_matter_without_final_newline_starts_a_line() -> None:
    doc = Document.parse("---\na: b\n---")
    assert doc.front_matter == {"a": "b"} and doc.dump() == "---\na: b\n---"
    doc.insert_text(1, "prose\n")
    assert doc.dump() == "---\na: b\n---\nprose\n"
    doc.insert_block(0, {"type": "x"})
    assert doc.dump() == "---\na: b\n---\nprose\n```void\n---\ntype: x\n---\n```\n"
    _check_lines(doc)
    assert Document.parse(doc.dump()).front_matter == {"a": "b"}


def test_save_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.void"
    real.write_text(TEXT)
    link = tmp_path / "link.void"
    link.symlink_to(real)
    doc = Document.load(link)
    doc.set_text(3, "edited\n")
    doc.save()
    assert link.is_symlink() and "edited" in real.read_text()
