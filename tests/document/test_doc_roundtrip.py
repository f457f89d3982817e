"""Loading then writing a file without edits gives the same bytes; edits stay local."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from doc_samples import FIXTURE_FILES, SAMPLE_FILES, ids

from wsblock.document import Block, Document, FrontMatter
from wsblock.document import yamlstyle as ys
from wsblock.document.views import view

ALL_FILES = SAMPLE_FILES + FIXTURE_FILES

#: Blocks of the fixtures that are deliberately not in Voiden's style (flow style, a comment).
NOT_VOIDEN_STYLE = {("multi.void", "some-future-block")}


def test_the_samples_are_there(samples: Path) -> None:
    assert len(SAMPLE_FILES) >= 10
    assert any(p.name == "echo.void" for p in SAMPLE_FILES)


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_load_dump_gives_the_same_bytes(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    doc = Document.load(path)
    assert doc.dump().encode("utf-8") == data
    assert doc.path == path
    out = doc.save(tmp_path / path.name)
    assert out.read_bytes() == data


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_line_ending_and_final_newline_variants_round_trip(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    lf = text.replace("\r\n", "\n")
    variants = {
        "lf": lf,
        "crlf": lf.replace("\n", "\r\n"),
        "no final newline": lf.rstrip("\n"),
        "extra final newlines": lf + "\n\n",
        "bom": "\ufeff" + lf,
    }
    for name, variant in variants.items():
        doc = Document.parse(variant)
        assert doc.dump() == variant, name
        assert len(doc.blocks) == len(Document.parse(lf).blocks), name


def _yaml_body(block: Block) -> str:
    """The YAML of a block, with ``\\n`` line endings: between its ``---`` lines (the
    ```` ```void ```` form), or between its fences (the ```` ```yaml ```` form)."""
    lines = block.raw.replace("\r\n", "\n").split("\n")
    if lines[1] != "---":  # ```yaml: the node alone, up to the closing fence
        end = max(i for i, line in enumerate(lines) if line.startswith("```"))
        return "\n".join(lines[1:end]) + "\n"
    end = max(i for i, line in enumerate(lines) if line == "---")
    return "\n".join(lines[2:end]) + "\n"


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_every_block_re_emits_to_its_own_text(path: Path) -> None:
    """The strongest check of "Voiden style": the emitter rewrites each block as it was."""
    doc = Document.load(path)
    assert doc.blocks
    for block in doc.blocks:
        if (path.name, block.type) in NOT_VOIDEN_STYLE:
            assert ys.dump(block.node) != _yaml_body(block)
            continue
        body = _yaml_body(block)
        assert ys.dump(block.node, yaml11_safe=False) == body, f"{path.name}:{block.line}"
        assert ys.dump(block.node) == body, f"{path.name}:{block.line}"


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_set_node_with_the_same_node_changes_nothing(path: Path) -> None:
    """What ``wsblock fmt`` does: every block re-emitted; Voiden's files do not change."""
    text = path.read_bytes().decode("utf-8")
    doc = Document.parse(text, path)
    for block in doc.blocks:
        block.set_node(block.node)
    if path.name == "multi.void":
        changed = [b.type for b in Document.parse(text).blocks if b.type == "some-future-block"]
        assert changed and doc.dump() != text
        assert Document.parse(doc.dump()).blocks[-1].node == Document.parse(text).blocks[-1].node
    else:
        assert doc.dump() == _migrated(text)


def _migrated(text: str) -> str:
    """``text`` with our blocks' old ```void form rewritten as YAML code fences (what fmt does)."""
    import re

    return re.sub(
        r"```void(\r?\n)---\r?\n(type: socket-(?:options|messages)\r?\n.*?)---\r?\n```",
        r"```yaml\1\2```",
        text,
        flags=re.S,
    )


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_front_matter_is_parsed_and_kept(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    doc = Document.parse(text)
    if text.lstrip("\ufeff").startswith("---"):
        fm = doc.segments[0]
        assert isinstance(fm, FrontMatter)
        assert text.startswith(fm)
        assert isinstance(doc.front_matter, dict)
        assert doc.front_matter["version"] == "0.20.1"  # a string, not a number
        assert isinstance(doc.front_matter["generatedAt"], str)  # no YAML 1.1 timestamp
        body = fm.replace("\r\n", "\n").split("\n", 1)[1].rsplit("---\n", 1)[0]
        # Voiden writes it with YAML.stringify too: generatedAt unquoted (issue 10 item 9;
        # its regex re-wraps quotes on every save)
        assert ys.dump(doc.front_matter, yaml11_safe=False) == body
        assert ys.dump(doc.front_matter) == body
    else:
        assert doc.front_matter is None
    assert doc.warnings == []


def _changed_lines(before: str, after: str) -> set[int]:
    """1-based lines of ``before`` that differ in ``after``."""
    out: set[int] = set()
    sm = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag != "equal":
            out.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return out


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_editing_one_cell_rewrites_only_that_block(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    doc = Document.parse(text, path)
    tables = [b for b in doc.blocks if hasattr(view(b), "set_cell") and view(b).rows]
    block = tables[0] if tables else doc.blocks[len(doc.blocks) // 2]
    first, last = block.line, block.line + block.raw.count("\n")
    v = view(block)
    if tables:
        block.set_node(v.set_cell(0, 1, "edited value: with a colon"))  # type: ignore[attr-defined]
    else:
        block.set_node(v.with_attrs(note="edited value: with a colon"))
    after = doc.dump()
    assert after != text
    changed = _changed_lines(text, after)
    assert changed and all(first <= n <= last for n in changed), (changed, first, last)
    # everything outside the block is byte-identical
    start = sum(len(s) for s in text.splitlines(keepends=True)[: first - 1])
    old_len = len(Document.parse(text).blocks[doc.index(block)].raw)
    assert after[:start] == text[:start]
    assert after[start + len(block.raw) :] == text[start + old_len :]
    # and the file reads back with the edit
    again = Document.parse(after).blocks[doc.index(block)]
    if tables:
        assert view(again).rows[0].cells[1] == "edited value: with a colon"  # type: ignore[attr-defined]
    else:
        assert again.node["attrs"]["note"] == "edited value: with a colon"


def test_an_edited_block_keeps_crlf_line_endings() -> None:
    text = (Path(__file__).parent / "fixtures" / "crlf.void").read_bytes().decode()
    doc = Document.parse(text)
    block = doc.blocks[0]
    block.set_node(view(block).with_url("wss://changed.example"))
    out = doc.dump()
    assert "\n" not in out.replace("\r\n", "")
    assert "content: wss://changed.example\r\n" in out
    assert out.endswith("```\r\n\r\n```void\r\n---\r\n" + text.split("```void\r\n---\r\n")[2])


def test_an_edited_last_block_keeps_the_missing_final_newline() -> None:
    text = (Path(__file__).parent / "fixtures" / "crlf.void").read_bytes().decode()
    doc = Document.parse(text)
    last = doc.blocks[-1]
    msgs = view(last)
    last.set_node(msgs.replace_item(0, msgs.items[0].with_content("{}")))
    assert doc.dump().endswith('content: "{}"\r\n```')  # socket-messages: a YAML code fence
