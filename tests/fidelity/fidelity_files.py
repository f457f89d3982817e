"""Small .void files for the fidelity tests, written through the document API (the new form)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wsblock.document import Document
from wsblock.document.views import new_block, view

WSBLOCK = str(Path(sys.executable).parent / "wsblock")


def wsblock(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WSBLOCK, *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def wss(url: str) -> dict:
    return view(new_block("wss")).with_url(url)


def rows(kind: str, *cells: list) -> dict:
    node = new_block(kind)
    v = view(node)
    node = v.delete_row(0)
    for r in cells:
        node = view(node).add_row(r)
    return node


def messages(*items: tuple[str, str, str]) -> dict:
    node = new_block("messages")
    node = view(node).delete_item(0)
    for name, fmt, content in items:
        node = view(node).add_message(name, fmt, content)
    return node


def write(path: Path, *parts: str | dict) -> Path:
    """A file of prose (str) and block nodes (dict), in order."""
    doc = Document.parse("---\nversion: 0.20.1\ngeneratedBy: Voiden app\n---\n\n")
    for part in parts:
        if isinstance(part, str):
            doc.insert_text(len(doc.segments), part)
        else:
            doc.insert_block(len(doc.blocks), part)
            doc.insert_text(len(doc.segments), "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
