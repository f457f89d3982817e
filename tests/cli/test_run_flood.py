"""`wsblock run` under a flood (issue 12): expectations read runs of messages in columns,
with the same verdicts as one message at a time, and every message is reported."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from void_files import expect, messages, request, table, write

from wsblock import runner
from wsblock.conversation.checks import OPERATORS
from wsblock.conversation.matching import Inbound, judge
from wsblock.conversation.request import Check, Expect, Request
from wsblock.engine.runs import ReceivedRun


def _run(data: list[str]) -> ReceivedRun:
    return ReceivedRun(datetime.now(UTC), 0.0, "text", data, [len(d) for d in data])


def _one_by_one(checks: tuple[Check, ...], data: list[str], start: int) -> int:
    for i in range(start, len(data)):
        if not judge(checks, Inbound(runner._Msg(data[i], "text", len(data[i])), None).field):
            return i
    return -1


@pytest.mark.parametrize("operator", sorted(runner._BODY_TESTS))
def test_the_scan_in_columns_agrees_with_judging_one_by_one(operator: str) -> None:
    assert OPERATORS[operator] == operator  # canonical names
    rng = random.Random(operator)
    data = ["".join(rng.choice("ab") for _ in range(rng.randint(0, 3))) for _ in range(300)]
    for expected in ("", "a", "ab", "ba", "bb", "aab", "abab", "c", "bc"):  # c: in none
        for second in (None, Check("two", "body", "contains", "b")):
            checks = (Check("one", "body", operator, expected),) + ((second,) if second else ())
            for start in (0, 7, 299):
                found = runner._first_match(checks, _run(data), start)
                assert found == _one_by_one(checks, data, start), (operator, expected, start)


def test_rows_the_scan_cannot_do_take_the_general_path() -> None:
    run = _run(["a"])
    assert runner._first_match((Check("x", "size", "equals", "1"),), run, 0) is None
    assert runner._first_match((Check("x", "body", "matches", "a"),), run, 0) is None
    assert runner._first_match((), run, 0) is None
    binary = ReceivedRun(datetime.now(UTC), 0.0, "binary", [b"a"], [1])
    assert runner._first_match((Check("x", "body", "equals", "a"),), binary, 0) is None


async def test_expectations_take_messages_in_order_across_runs(echo_server) -> None:
    n = 50_000
    steps = (
        Expect("first", 30, (Check("first", "body", "ends-with", "00100"),)),
        Expect("next", 30, (Check("next", "size", "equals", "8"),)),  # the one after it
        Expect("then", 30, (Check("then", "body", "equals", "00000102"),)),
        Expect("last", 30, (Check("last", "body", "equals", f"{n - 1:08d}"),)),
    )
    req = Request(name="flood", url=echo_server.url(f"/flood?n={n}&size=8&seq=1"), steps=steps)
    events: list = []
    parts: list = []
    result = await runner.run_request(req, events.append, linger=5, parts_listener=parts.extend)
    assert result.ok and result.received == n, result.failures
    assert [e.name for e in events if e.kind == "expect" and e.ok] == [
        "first",
        "next",
        "then",
        "last",
    ]
    got = [d for p in parts if isinstance(p, ReceivedRun) for d in p.data]
    assert got == [f"{i:08d}" for i in range(n)]


async def test_a_failed_expectation_names_the_last_message(echo_server) -> None:
    steps = (Expect("never", 30, (Check("never", "body", "equals", "nope"),)),)
    req = Request(name="flood", url=echo_server.url("/flood?n=3000&size=8&seq=1"), steps=steps)
    result = await runner.run_request(req, lambda e: None, linger=0)
    assert not result.ok
    assert "the connection closed" in result.failures[0]
    assert "actual '00002999'" in result.failures[0], result.failures


def test_run_prints_and_journals_every_message_of_a_big_flood(
    wsblock, echo_cli, state_dir, tmp_path
):
    n = 200_000
    f = write(
        tmp_path / "flood.void",
        request(echo_cli.url(f"/flood?n={n}&size=8&seq=1")),
        table("socket-options", [["compression", "none"]]),
        messages(expect("last", [["last", "body", "equals", f"{n - 1:08d}"]], timeout=60)),
        table("assertions-table", [["all", "received.count", "equals", str(n)]]),
    )
    r = wsblock("run", str(f), timeout=120)
    assert r.code == 0, r.out[-2000:]
    shown = [line.split(" ← ")[1] for line in r.out.splitlines() if " ← " in line]
    assert shown == [f"{i:08d}" for i in range(n)]
    journal = sorted((state_dir / "wsblock" / "sessions").glob("*.ndjson"))[-1]
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [r["data"] for r in records if r["event"] == "received"] == shown


@pytest.mark.parametrize(
    ("data", "secrets"),
    [
        (["a", "bb", "c" * 64], ()),
        (["line\nbreak", "cr\rhere", "x" * 300], ()),  # cut and escaped
        (["y" * 241, "short", "z" * 240], ()),  # cut, no line break
        (["has s3cret", "none"], ("s3cret",)),
        ([], ()),
        (["é and ü", "ascii", "日本語 ✓", "x" * 240], ()),  # Latin-1, wide, at the width
        (["a\ud800b", "lone surrogate"], ()),  # UTF-8 cannot encode it: the text path
        (["k" * 4096] * 3, ()),  # a flood of long messages: every line cut alike
        (["é" * 300, "ü" * 300], ()),  # long, Latin-1, one length
        (["日" * 250 + "\n", "本" * 251], ()),  # one length, a line break past the width
        (["r" * 250 + "\r", "s" * 251], ()),
        (["x" * 241 + "\ud800", "y" * 242], ()),  # a lone surrogate in the cut part
        (["\ud800" + "x" * 241, "y" * 242], ()),  # ... and in the line shown
        (["x" * 300, "y" * 301], ()),  # long, lengths differ
        (["x" * 300, "y" * 300], ("y" * 5,)),  # a secret
    ],
)
def test_console_lines_of_a_run_are_those_of_its_events(data, secrets) -> None:
    import io

    from wsblock.console import Console
    from wsblock.variables.masking import Masker

    console = Console(io.StringIO(), Masker(secrets), color=True)
    run = _run(data)
    one_by_one = [console.format(e) for e in run.events()]
    assert console.format_run(run) == one_by_one
    assert console.run_text(run) == "".join(line + "\n" for line in one_by_one)
    binary = ReceivedRun(run.ts, 0.0, "binary", [b"\x00s3cret"], [7])
    assert console.run_text(binary) == console.format(binary.events()[0]) + "\n"
    # run's fast path (issue 23): the same bytes, or None where only run_text will do
    for colour in (True, False):
        console.color = colour
        fast = console.run_bytes(run)
        if fast is not None:
            assert fast == console.run_text(run).encode("utf-8")
        elif data and not secrets and "\ud800" not in "".join(d[:240] for d in data):
            assert any("\n" in d or "\r" in d or len(d) > console.width for d in data)
            if len({len(d) for d in data}) == 1 and all(len(d) > console.width for d in data):
                assert any("\n" in d or "\r" in d for d in data)  # else a flood: bytes
    assert console.run_bytes(binary) is None
