"""A broken block is a DocumentError naming the file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsblock.document import Document, DocumentError

GOOD = "```void\n---\ntype: headers-table\nattrs:\n  uid: u1\n---\n```\n"


def _error(text: str, path: str = "req.void") -> DocumentError:
    with pytest.raises(DocumentError) as e:
        Document.parse(text, path)
    err = e.value
    assert str(err).startswith(f"{path}:{err.line}: ")
    assert err.path == Path(path)
    assert (
        "Traceback" not in str(err)
        and "yaml." not in str(err)
        and "<unicode string>" not in str(err)
    )
    return err


def test_bad_yaml_names_the_line_in_the_file_and_the_column() -> None:
    text = "# Title\n\nprose\n\n```void\n---\ntype: headers-table\nattrs:\n  uid: a: b\n---\n```\n"
    err = _error(text)
    assert err.line == 9  # "  uid: a: b"
    assert "invalid YAML in the ```void block at line 5" in err.reason
    assert "column" in err.reason


def test_a_tab_indented_or_unclosed_flow_is_reported_too() -> None:
    err = _error(GOOD + "\n```void\n---\ntype: x\ncontent: [a, b\n---\n```\n")
    assert err.line is not None and 10 <= err.line <= 13


def test_unterminated_fence_at_the_end_of_the_file() -> None:
    err = _error("prose\n\n```void\n---\ntype: x\nattrs:\n  uid: u\n---\n\nmore prose\n")
    assert err.line == 10
    assert "expected the closing fence of the ```void block opened at line 3" in err.reason


def test_unterminated_fence_without_any_closing_line() -> None:
    err = _error("prose\n```void\n---\ntype: x\n")
    assert err.line == 2 and "unterminated" in err.reason
    err = _error("prose\n```void")
    assert err.line == 2 and "unterminated" in err.reason


def test_yaml_not_closed_before_the_fence() -> None:
    err = _error("```void\n---\ntype: x\n```\n\nprose\n")
    assert err.line == 4
    assert "no closing '---' line before the fence" in err.reason


def test_block_without_the_opening_dashes() -> None:
    err = _error("intro\n\n```void\ntype: x\n```\n")
    assert err.line == 4 and "must start with a '---' line" in err.reason


def test_missing_type() -> None:
    err = _error("```void\n---\nattrs:\n  uid: u\n---\n```\n")
    assert err.line == 3 and "has no 'type'" in err.reason


def test_type_must_be_a_string() -> None:
    err = _error("```void\n---\ntype: [a]\n---\n```\n")
    assert "'type'" in err.reason and "string" in err.reason


def test_not_a_mapping_and_empty() -> None:
    assert "must hold a mapping" in _error("```void\n---\n- a\n- b\n---\n```\n").reason
    assert "is empty" in _error("```void\n---\n---\n```\n").reason


def test_duplicate_keys_are_an_error() -> None:
    err = _error("```void\n---\ntype: x\ntype: y\n---\n```\n")
    assert err.line == 4 and "duplicate key 'type'" in err.reason


def test_the_error_names_the_second_broken_block_in_a_long_file() -> None:
    text = GOOD * 50 + "```void\n---\ntype: x\n bad: indentation\n---\n```\n" + GOOD * 10
    err = _error(text)
    assert err.line == 50 * 7 + 4


def test_unsaved_text_is_named_unsaved() -> None:
    with pytest.raises(DocumentError) as e:
        Document.parse("```void\n---\nattrs: {}\n---\n```\n")
    assert str(e.value).startswith("<unsaved>:3: ")


def test_load_of_a_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.void"
    path.write_bytes(b"line one\nline two \xff\xfe\n")
    with pytest.raises(DocumentError) as e:
        Document.load(path)
    assert e.value.line == 2 and "not UTF-8" in e.value.reason and str(path) in str(e.value)


def test_load_of_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Document.load(tmp_path / "missing.void")


def test_what_is_not_a_block_is_prose() -> None:
    text = (
        "```void \n---\ntype: x\n---\n```\n"  # trailing blank after void: still a block
        "    ```void\n    not a block (indented code)\n    ```\n"
        "```voids\nnot void\n```\n"
        '```json\n{"type": 1}\n```\n'
        "````\n```void\nnot a block either\n```\n````\n"
        "---\n\n> ```void\n> quoted\n"
    )
    doc = Document.parse(text)
    assert [b.type for b in doc.blocks] == ["x"]
    assert doc.dump() == text


def test_an_unclosed_prose_fence_makes_the_rest_prose() -> None:
    text = "```python\nprint('no end')\n\n```void\n---\ntype: x\n---\n```\n"
    doc = Document.parse(text)
    # CommonMark: the ```void line only closes nothing (it has an info string); the
    # plain ``` closes the python fence; the void block is inside the code, so prose.
    assert doc.blocks == []
    assert doc.dump() == text


def test_front_matter_that_is_not_yaml_is_kept_with_a_warning() -> None:
    text = "---\nkey: [unclosed\n---\n\n" + GOOD
    doc = Document.parse(text, "x.void")
    assert doc.front_matter is None
    assert doc.warnings and "front matter is not valid YAML" in doc.warnings[0]
    assert doc.warnings[0].startswith(("x.void:2:", "x.void:3:"))
    assert doc.dump() == text
    assert len(doc.blocks) == 1


def test_unclosed_front_matter_is_prose() -> None:
    text = "---\nnot closed\n\nprose\n"
    doc = Document.parse(text)
    assert doc.front_matter is None and doc.segments == [text]
