"""No input hangs ``check`` or ``run``, and ``--timeout`` bounds the whole run (issue 24).

The margins are generous (the machine is loaded): what they catch is minutes, not
fractions of a second.
"""

from __future__ import annotations

import time
from pathlib import Path

from void_files import message, messages, request, write

BRACES = 50_000


def brace_file(tmp_path: Path, url: str) -> Path:
    """A message holding ``<ping seq="1"/>`` and 50,000 unclosed ``{{`` (a 100 KB file)."""
    body = '<ping seq="1"/>' + "{{" * BRACES
    return write(tmp_path / "braces.void", request(url), messages(message("m", "text", body)))


def test_check_of_unclosed_braces_answers_at_once(wsblock, tmp_path: Path) -> None:
    path = brace_file(tmp_path, "ws://127.0.0.1:9/echo")
    started = time.monotonic()
    r = wsblock("check", str(path), timeout=60)
    took = time.monotonic() - started
    assert r.code == 0, r.err
    assert "100015 bytes" in r.out
    assert took < 3 + 7, f"check took {took:.1f} s"


def test_run_of_unclosed_braces_ends_within_its_timeout(wsblock, echo_cli, tmp_path: Path) -> None:
    path = brace_file(tmp_path, echo_cli.url("/echo"))
    started = time.monotonic()
    r = wsblock("run", str(path), "--timeout", "3", "--linger", "0", timeout=60)
    took = time.monotonic() - started
    assert r.code == 0, r.out + r.err
    assert "1 passed" in r.out
    assert took < 5 + 7, f"run took {took:.1f} s"
