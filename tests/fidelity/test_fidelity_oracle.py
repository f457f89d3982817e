"""Issue 10 against Voiden's own open+save code (../shared/voiden-oracle, run with node).

Skipped with a message when ../shared is not beside the checkout: run them with the
shared folder beside the repository (as CI has it), e.g. ``ln -s /path/to/shared ../shared``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fidelity_files import messages, rows, write, wsblock, wss

from wsblock.document import Document
from wsblock.document.views import new_block

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ORACLE = SHARED / "voiden-oracle"
pytestmark = pytest.mark.skipif(
    not (ORACLE / "run.js").is_file(),
    reason=f"{ORACLE} is absent: put the shared folder beside the checkout to run the oracle tests",
)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("the oracle tests need Node.js (`node`): install it (apt-get install nodejs)")
    return node


def voiden_open_save(src: Path, out: Path, schema_ok: bool = True) -> dict:
    doc = out.with_suffix(".json")
    p = subprocess.run(
        [_node(), str(ORACLE / "run.js"), str(src), str(out), str(doc)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0 and ("check: ok" in p.stdout or not schema_ok), p.stdout + p.stderr
    return json.loads(doc.read_text())


def _check(path: Path) -> list[str]:
    r = wsblock("check", str(path))
    return [r.returncode, *r.stdout.splitlines()[1:]]  # without the file name line


def _empty_code_blocks(doc: dict) -> list[dict]:
    return [
        n
        for n in doc["content"]
        if n["type"] == "codeBlock" and not (n.get("attrs") or {}).get("body")
    ]


def test_item1_oracle_voiden_shows_our_blocks_and_keeps_their_meaning(tmp_path: Path) -> None:
    f = write(
        tmp_path / "ours.void",
        "# Ours\n\n",
        wss("ws://127.0.0.1:9/x"),
        rows("headers", ["X-A", "1"]),
        rows("socket-options", ["ping-interval", "5"], ["subprotocols", "a, b"]),
        messages(
            ("hello", "json", '{"op": "hello"}'),
            ("multi", "text", "line 1\n\nline 3\n    indented"),
        ),
        rows("assertions", ["ok", "status", "equals", "101"]),
    )
    doc = voiden_open_save(f, tmp_path / "saved.void")
    assert _empty_code_blocks(doc) == []
    shown = [n["attrs"]["body"] for n in doc["content"] if n["type"] == "codeBlock"]
    assert any(b.startswith("type: socket-options") for b in shown)
    assert any(b.startswith("type: socket-messages") and "line 3" in b for b in shown)
    assert _check(tmp_path / "saved.void") == _check(f)


def test_item1_oracle_old_form_is_empty_in_voiden_and_fmt_fixes_it(tmp_path: Path) -> None:
    sample = SHARED / "samples" / "wss" / "echo.void"
    old = tmp_path / "echo.void"
    shutil.copy(sample, old)
    assert _empty_code_blocks(
        voiden_open_save(old, tmp_path / "o.void", schema_ok=False)
    )  # the problem
    assert wsblock("fmt", str(old)).returncode == 0
    assert _empty_code_blocks(voiden_open_save(old, tmp_path / "n.void")) == []


def test_item9_oracle_wss_inserts_what_new_block_makes(tmp_path: Path) -> None:
    out = tmp_path / "wss.void"
    subprocess.run(
        [_node(), str(ORACLE / "wss.js"), str(out)], check=True, capture_output=True, timeout=120
    )
    text = out.read_text()
    smethod = new_block("wss")["content"][0]["attrs"]
    for key in smethod:
        assert f"      {key}:" in text, key


def test_oracle_corpus_keeps_its_meaning(tmp_path: Path) -> None:
    """Every file wsblock writes keeps its `check` output after a Voiden open+save."""
    for n, parts in enumerate(
        [
            (wss("ws://127.0.0.1:9/a"), messages(("m", "text", "x"))),
            (
                rows("headers", ["X-Top", "1"]),
                wss("ws://127.0.0.1:9/b"),
                new_block("separator"),
                wss("ws://127.0.0.1:9/c"),
                rows("socket-options", ["reconnect", "on"]),
            ),
        ]
    ):
        f = write(tmp_path / f"c{n}.void", *parts)
        saved = tmp_path / f"c{n}.saved.void"
        voiden_open_save(f, saved)
        assert _check(saved) == _check(f)
        # what Voiden wrote: read and written back byte for byte, and fmt-clean
        assert Document.load(saved).dump() == saved.read_bytes().decode("utf-8")
        assert wsblock("fmt", "--check", str(saved)).returncode == 0, saved.read_text()
