"""Issue 22, item 6: an error in a message names the message's own line, not its block's."""

from __future__ import annotations

from pathlib import Path

from void_files import expect, message, messages, request, write


def _line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of *path* holding *text*."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _item_line(path: Path, uid: str) -> int:
    """The line of the ``- type:`` that opens the item whose uid is *uid*."""
    lines = path.read_text().splitlines()
    at = next(n for n, line in enumerate(lines) if f"uid: {uid}" in line)
    return next(n + 1 for n in range(at, -1, -1) if lines[n].lstrip().startswith("- type:"))


def test_a_bad_message_names_its_own_line_in_both_fence_forms(wsblock, tmp_path) -> None:
    f = write(
        tmp_path / "badjson.void",
        request("ws://127.0.0.1:9/echo"),
        messages(
            message("first", "json", '{"ok": 1}'),
            message("second", "text", "fine"),
            message("broken", "json", '{"a": }'),
        ),
    )
    for form in ("void", "yaml"):
        if form == "yaml":
            assert wsblock("fmt", str(f)).code == 0
            assert "```yaml" in f.read_text()
        want = _item_line(f, "msg-broken")
        r = wsblock("check", str(f))
        assert r.code == 2, r.out + r.err
        assert f"badjson.void:{want} socket-messages message 'broken'" in r.out + r.err, (
            form,
            r.out + r.err,
        )
        r = wsblock("run", str(f))
        assert r.code == 2 and f"badjson.void:{want} " in r.err, r.err


def test_a_bad_expectation_row_names_its_expectations_line(wsblock, tmp_path) -> None:
    f = write(
        tmp_path / "badrow.void",
        request("ws://127.0.0.1:9/echo"),
        messages(
            message("first", "text", "hi"),
            expect("fine", [["x", "body", "equals", "hi"]]),
            expect("odd", [["x", "body", "frobnicates", "hi"]]),
        ),
    )
    want = _item_line(f, "exp-odd")
    r = wsblock("check", str(f))
    assert r.code == 2 and f"badrow.void:{want} socket-messages expect 'odd' row 1" in r.out, r.out
