"""Runs of received messages (engine/runs.py) are journaled from their columns, byte for
byte as their events would be, and none is lost on the way."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from wsblock.engine.events import Event
from wsblock.engine.runs import ReceivedRun, count, flatten
from wsblock.journal import Journal
from wsblock.journal.records import _encode, _lines, _run_bytes, _run_pieces, _run_text
from wsblock.variables.masking import Masker

T0 = datetime(2026, 11, 25, 16, 40, 0, 999_999, tzinfo=UTC)


def text_run(data: list[str], ts: datetime = T0, mono: float = 1.5) -> ReceivedRun:
    return ReceivedRun(
        ts, mono, "text", data, [len(d.encode("utf-8", "surrogatepass")) for d in data]
    )


def by_events(run: ReceivedRun, masker: Masker | None = None) -> str:
    return "".join(line + "\n" for line in _lines(run.events(), masker))


@pytest.mark.parametrize(
    "data",
    [
        ["x" * 64] * 5,  # a flood: one size
        ["a", "bb", "", "ccc"],  # sizes differ
        ['héllo ✓ "q"\n\t\\', "\x00\x1f", "plain"],  # escapes, non-ASCII
        ["lone \udc80 surrogate"],
        ["%s %d {} {0}", "50%"],  # no formatting of the payload
        ["k" * 2000, 'big "quoted" \n' * 300],  # KiB messages: quoted one by one
        ["é" * 1500] * 3,
        ["ñ✓ plain", "a,b", "", "{}"],  # nothing to escape, sizes differ, non-ASCII
        ["ñ✓ plain"] * 4,  # nothing to escape, one size
        ['{"n":1}'] * 3,  # JSON messages: their quotes escaped, one size
        ["x" * 1024, "y" * 1100, "z" * 2000],  # KiB messages, sizes differ
    ],
)
def test_a_text_run_is_written_as_its_events(data: list[str]) -> None:
    run = text_run(data)
    assert _run_text(run, None) == by_events(run)
    assert _run_bytes(run, None) == _encode(by_events(run))  # through orjson
    pieces = _run_pieces(run, None)  # what the journal writes, with one os.writev
    assert pieces is not None and b"".join(pieces) == _encode(by_events(run))
    masker = Masker(["plain", "n"])
    assert _run_bytes(run, masker) == _encode(by_events(run, masker))


def test_orjson_quotes_every_character_as_json_does() -> None:
    every = [chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF]
    for data in (every, ["".join(every)], ['","', '\\","', '"', ",", '\\"']):
        run = text_run(data)
        assert _run_bytes(run, None) == _encode(by_events(run))
        flood = text_run([d * 2 for d in data[:1]] * 3)  # one size: the other path
        assert _run_bytes(flood, None) == _encode(by_events(flood))


def test_a_binary_run_is_written_as_its_events() -> None:
    data = [b"\x00\x01", b"", b"\xff" * 300]
    run = ReceivedRun(T0, 0.25, "binary", data, [len(d) for d in data])
    assert _run_text(run, None) == by_events(run)
    assert json.loads(_run_text(run, None).splitlines()[2])["data_b64"] == "/" * 400


def test_secrets_are_masked_in_runs_and_sizes_stay_the_wire_sizes() -> None:
    masker = Masker(["s3cret"])
    run = text_run(["a s3cret here", "none", "s3crets3cret"])
    text = _run_text(run, masker)
    assert text == by_events(run, masker) and "s3cret" not in text
    assert _run_bytes(run, masker) == _encode(text)
    assert [json.loads(line)["size"] for line in text.splitlines()] == [13, 4, 12]
    binary = ReceivedRun(T0, 0.0, "binary", [b"xs3crety"], [8])
    assert _run_text(binary, masker) == by_events(binary, masker)


def test_the_second_of_the_timestamp_changes_between_runs() -> None:
    first = text_run(["a"], T0)
    second = text_run(["b"], T0 + timedelta(microseconds=1))
    assert _run_text(first, None) == by_events(first)
    assert _run_text(second, None) == by_events(second)
    assert '"ts": "2026-11-25T16:40:01.000000Z"' in _run_text(second, None)


def test_odd_timestamps_fall_back_to_the_events() -> None:
    assert _run_text(text_run(["a"], T0.astimezone(timezone(timedelta(hours=2)))), None) is None
    assert _run_text(text_run(["a"], mono=float("inf")), None) is None


def test_events_of_a_run_are_built_once_and_equal_the_plain_ones() -> None:
    run = text_run(["a", "bé"])
    events = run.events()
    assert events is run.events()
    assert events == [
        Event("received", T0, 1.5, "in", "text", None, "a", 1),
        Event("received", T0, 1.5, "in", "text", None, "bé", 3),
    ]
    assert [len(r) for r in run.split(1)] == [1, 1] and run.split(5) == [run]
    sized = ReceivedRun(T0, 0.0, "binary", [b""] * 6, [5, 5, 20, 1, 1, 1])
    assert [r.sizes for r in sized.split(2, 10)] == [[5, 5], [20], [1, 1], [1]]
    assert [r.sizes for r in sized.split(100, 7)] == [[5], [5], [20], [1, 1, 1]]
    assert count([run, events[0]]) == 3 and flatten([events[0], run]) == [events[0], *events]


def test_the_journal_writes_every_message_of_big_runs(tmp_path) -> None:
    n = 10_000
    parts: list = [Event("open", T0, 0.0, status=101)]
    for i in range(0, n, 2500):  # runs bigger than a flush chunk
        parts.append(text_run([f"m{j}" for j in range(i, i + 2500)], mono=i / n))
    parts.append(ReceivedRun(T0, 1.0, "binary", [b"\x01" * 3_000_000] * 3, [3_000_000] * 3))
    with Journal(tmp_path / "j.ndjson", name="runs") as journal:
        journal.record_parts(parts[:3])
        assert journal.pending == 5001
        journal.record_parts(parts[3:])
    records = [json.loads(line) for line in (tmp_path / "j.ndjson").read_text().splitlines()]
    assert journal.written == n + 4
    received = [r for r in records if r["event"] == "received"]
    assert [r["data"] for r in received[:n]] == [f"m{j}" for j in range(n)]
    assert len(received) == n + 3 and received[-1]["size"] == 3_000_000
    expected = "".join(line + "\n" for line in _lines(flatten(parts), None))
    assert (tmp_path / "j.ndjson").read_text().split("\n", 1)[1] == expected


def test_runs_recorded_after_close_are_written(tmp_path) -> None:
    journal = Journal(tmp_path / "j.ndjson", name="late")
    journal.close()
    journal.record_parts([text_run(["late", "later"])])
    lines = (tmp_path / "j.ndjson").read_text().splitlines()
    assert [json.loads(line).get("data") for line in lines[1:]] == ["late", "later"]


@pytest.mark.parametrize("size", [64, 4096])
def test_a_failed_or_short_writev_loses_nothing(tmp_path, monkeypatch, size: int) -> None:
    # A run's pieces go out with os.writev, a few at a time: a short write and then a full
    # disk leave the rest for the next flush, which writes it once, in order.
    from wsblock.journal import writer

    real, real_write = writer._writev, os.write
    assert real is not None
    calls = {"n": 0}

    def flaky(fd: int, pieces: list) -> int:
        calls["n"] += 1
        if calls["n"] == 2:  # a short write, in the middle of a piece
            return real_write(fd, b"".join(pieces)[: len(pieces[0]) + 3])
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, pieces)

    monkeypatch.setattr(writer, "_IOV_MAX", 7)
    monkeypatch.setattr(writer, "_writev", flaky)
    failing = {"on": True}

    def full_once(fd: int, data: Any) -> int:
        if failing["on"]:
            failing["on"] = False
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    n = 200
    data = [f'"{i:0{size - 2}d}"' for i in range(n)]  # quotes: escaped, several pieces
    journal = Journal(tmp_path / "j.ndjson", name="short", flush_interval=3600)
    journal.record_parts([text_run(data[:100]), text_run(data[100:], mono=2.5)])
    monkeypatch.setattr(os, "write", full_once)
    with pytest.raises(OSError):
        journal.flush()
    monkeypatch.setattr(os, "write", real_write)
    journal.close()
    assert calls["n"] >= 2 and journal.written == n
    received = [json.loads(line) for line in (tmp_path / "j.ndjson").read_text().splitlines()[1:]]
    assert [r["data"] for r in received] == data
