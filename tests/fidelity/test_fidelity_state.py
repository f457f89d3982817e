"""Issue 18: the state items (runtime-variables, socket-on, socket-every, reply-to) are
read and written losslessly in both fence forms, `fmt` writes them in Voiden's style, and
Voiden's own open+save keeps their meaning (the oracle, as test_fidelity_oracle)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fidelity_files import wsblock
from test_fidelity_oracle import ORACLE, _empty_code_blocks, voiden_open_save

from wsblock.document import Document
from wsblock.document.views import (
    CaptureItem,
    RuntimeVariables,
    SocketEvery,
    SocketExpect,
    SocketMessages,
    SocketOn,
    view,
)

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "stateful"
ENV = ("--env-var", "GATEWAY=ws://127.0.0.1:9", "--env-var", "RPC=ws://127.0.0.1:9")


def _views(path: Path) -> tuple[RuntimeVariables, SocketMessages]:
    doc = Document.load(path)
    kinds = {type(view(b)): view(b) for b in doc.blocks}
    return kinds[RuntimeVariables], kinds[SocketMessages]  # type: ignore[return-value]


def test_state_items_read_as_typed_views_and_load_save_is_lossless(tmp_path: Path) -> None:
    text = (FILES / "gateway.void").read_text()
    assert Document.parse(text).dump() == text
    handshake, messages = _views(FILES / "gateway.void")
    assert handshake.captures == [(1, "SESSION_TOKEN", "{{$res.headers.x-session-token}}")]
    items = messages.items
    kinds = [type(i) for i in items]
    assert kinds.count(SocketOn) == 2 and kinds.count(SocketEvery) == 1
    assert kinds.count(CaptureItem) == 2
    every = next(i for i in items if isinstance(i, SocketEvery))
    assert every.interval == "{{process.HB}}ms" and every.message is not None
    assert '"d": {{process.SEQ}}' in every.message.content
    pings = next(i for i in items if isinstance(i, SocketOn) and i.name == "answer pings")
    assert pings.rows[0].cells[1:3] == ["body.op", "equals"] and pings.message is not None
    status = next(i for i in items if isinstance(i, SocketExpect) and i.reply_to)
    assert status.reply_to == "status"


def test_fmt_writes_them_in_voidens_style_and_reads_the_old_form(tmp_path: Path) -> None:
    f = tmp_path / "g.void"
    shutil.copy(FILES / "gateway.void", f)
    before = [b.node for b in Document.load(f).blocks]
    assert wsblock("fmt", str(f)).returncode == 0
    assert [b.node for b in Document.load(f).blocks] == before
    assert wsblock("fmt", "--check", str(f)).returncode == 0
    # the old ```void form of socket-messages holds the same node, and fmt migrates it
    text = f.read_text()
    old = text.replace("```yaml\ntype: socket-messages\n", "```void\n---\ntype: socket-messages\n")
    old = re.sub(r"(type: socket-messages\n.*?\n)```", r"\1---\n```", old, count=1, flags=re.S)
    (tmp_path / "old.void").write_text(old)
    assert [b.node for b in Document.load(tmp_path / "old.void").blocks] == before
    assert wsblock("fmt", str(tmp_path / "old.void")).returncode == 0
    assert (tmp_path / "old.void").read_text() == text


@pytest.mark.skipif(
    not (ORACLE / "run.js").is_file(),
    reason=f"{ORACLE} is absent: put the shared folder beside the checkout (as CI has it)",
)
def test_oracle_voiden_keeps_the_state_items(tmp_path: Path) -> None:
    for name in ("gateway.void", "jsonrpc.void"):
        f = tmp_path / name
        shutil.copy(FILES / name, f)
        assert wsblock("fmt", str(f)).returncode == 0
        saved = tmp_path / f"saved-{name}"
        doc = voiden_open_save(f, saved)
        assert _empty_code_blocks(doc) == []
        if name == "gateway.void":  # Voiden's own block, in Voiden's schema
            assert any(n["type"] == "runtime-variables" for n in doc["content"])
        shown = [n["attrs"]["body"] for n in doc["content"] if n["type"] == "codeBlock"]
        assert any("reply-to:" in b for b in shown)
        # what Voiden wrote checks the same (env given: the URLs hold variables)
        assert _check_env(saved) == _check_env(f)
        assert Document.load(saved).dump() == saved.read_text()


def _check_env(path: Path) -> list:
    r = wsblock("check", str(path), *ENV)
    return [r.returncode, *r.stdout.splitlines()[1:]]
