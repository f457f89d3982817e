"""Issue 22, item 6: the bundled demo is in today's form, and every command's help has an
example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wsblock.cli.main import COMMANDS

DEMO = Path(__file__).resolve().parents[2] / "src" / "wsblock" / "demo" / "demo.void"


def test_the_bundled_demo_is_formatted_our_blocks_as_yaml_fences(wsblock) -> None:
    text = DEMO.read_text()
    assert "```yaml\ntype: socket-options" in text and "```yaml\ntype: socket-messages" in text
    assert not re.search(r"```void\n---\ntype: socket-(options|messages)", text)
    r = wsblock("fmt", "--check", str(DEMO))
    assert r.code == 0, r.out + r.err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_help_has_an_example(wsblock, command: str) -> None:
    r = wsblock(command, "--help")
    assert r.code == 0, r.err
    assert "Example" in r.out and f"wsblock {command}" in r.out, r.out
