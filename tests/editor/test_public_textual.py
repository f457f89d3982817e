"""The app uses Textual's public API only (issue 9): no override of a private hook
(``_on_key``, ``_on_paste``, ``_on_message``...), no read of a private attribute
(``Input._suggestion``, ``App._driver``...), no ``Message.time``. Read from the source with
:mod:`ast`, so a new use fails here, not at the next Textual upgrade."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "src" / "wsblock" / "app"

#: private names of Textual's that an app could be tempted to use
PRIVATE_NAMES = {
    "_suggestion",
    "_driver",
    "_get_dispatch_methods",
    "_forward_event",
    "_on_message",
    "_dispatch_message",
    "_post_message",
    "_press_keys",
    "_character_to_key",
}


def private_uses(text: str, label: str = "<text>") -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(text, label)):
        where = f"{label}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("_on_"):
                found.append(f"{where} defines {node.name} (named as Textual's private hooks)")
        elif isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_NAMES:
                found.append(f"{where} uses .{node.attr}")
            elif node.attr == "time" and not (
                isinstance(node.value, ast.Name) and node.value.id == "time"  # the module
            ):
                found.append(f"{where} uses .time (Message.time is not public)")
        elif isinstance(node, ast.alias) and node.name.rpartition(".")[2] in PRIVATE_NAMES:
            found.append(f"{where} imports {node.name}")
    return found


def test_no_private_textual_name_in_the_app():
    files = sorted(APP.rglob("*.py"))
    assert len(files) > 20
    found = [
        use
        for path in files
        for use in private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(APP)))
    ]
    assert found == []


def test_the_check_finds_what_it_looks_for():
    sample = (
        "from textual.keys import _character_to_key\n"
        "import time\n"
        "class W:\n"
        "    async def _on_key(self, event):\n"
        "        now = time.time()\n"
        "        return self._suggestion, event.time, self.app._driver, now\n"
    )
    found = private_uses(sample)
    assert len(found) == 5, found  # the import, _on_key, _suggestion, event.time, _driver
    assert not any("time.time" in f for f in found)
