"""The activity log's compact rows, counters and incremental filter."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

import pytest

from wsblock.app.widgets.response.connection import export_session
from wsblock.app.widgets.response.log_model import Filter, LogModel
from wsblock.engine.events import Event

T0 = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def ev(kind, mono=0.0, **kw):
    return Event(kind=kind, ts=T0 + timedelta(seconds=mono), mono=mono, **kw)


def msg(direction, data, mono=1.0):
    kind = "received" if direction == "in" else "sent"
    t = "binary" if isinstance(data, bytes) else "text"
    return ev(kind, mono, dir=direction, type=t, data=data, size=len(data))


def test_rows_counters_and_system_events():
    m = LogModel()
    system = m.extend(
        [
            ev("connecting", 0.0, attempt=1),
            ev("open", 0.1, status=101, subprotocol="chat"),
            msg("out", '{"a": 1}', 0.2),
            msg("in", '{"a": 1}', 0.3),
            msg("in", b"\x00\x01", 0.4),
            ev("close", 0.5, code=1000, reason="bye", by="server"),
        ]
    )
    assert [e.kind for e in system] == ["connecting", "open", "close"]
    assert len(m) == 6
    assert (m.count_in, m.count_out, m.bytes_in, m.bytes_out) == (2, 1, 10, 8)
    assert m.kind(3) == "received" and m.direction(3) == 1 and not m.is_binary(3)
    assert m.is_binary(4) and m.payloads[4] == b"\x00\x01"
    assert m.payloads[5] == 'closed 1000 "bye" by server'
    assert m.event(5).code == 1000
    assert m.wall_time(2) == pytest.approx(T0.timestamp() + 0.2)
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.200", m.clock(2))


def test_filter_text_regex_direction_and_incremental():
    m = LogModel()
    m.extend([msg("out", "hello world"), msg("in", "HELLO there"), msg("in", "bye")])
    m.set_filter(Filter(text="hello"))
    assert list(m.index) == [0, 1]  # case-insensitive
    m.set_filter(Filter(text="hello", direction="in"))
    assert list(m.index) == [1]
    m.extend([msg("in", "hello again"), msg("out", "hello out")])
    assert list(m.index) == [1, 3]  # new rows filtered as they arrive
    m.set_filter(Filter(text=r"^b.e$", regex=True))
    assert [m.row_at(i) for i in range(m.visible_count)] == [2]
    with pytest.raises(re.error):
        m.set_filter(Filter(text="(", regex=True))
    m.set_filter(Filter())
    assert m.index is None and m.visible_count == 5


def test_typing_more_text_narrows_the_previous_matches():
    m = LogModel()
    m.extend([msg("in", "alpha beta"), msg("in", "alphabet"), msg("out", "ALPHA"), msg("in", "x")])
    m.set_filter(Filter(text="alp"))
    assert list(m.index) == [0, 1, 2]
    m.set_filter(Filter(text="alpha b"))
    assert list(m.index) == [0]
    m.set_filter(Filter(text="alpha"))  # shorter: a full scan again
    assert list(m.index) == [0, 1, 2]
    m.set_filter(Filter(text="alpha", direction="in"))
    assert list(m.index) == [0, 1]


def test_clear_keeps_the_filter():
    m = LogModel()
    m.extend([msg("in", "a"), msg("out", "b")])
    m.set_filter(Filter(direction="out"))
    m.clear()
    assert len(m) == 0 and m.visible_count == 0 and m.filter.direction == "out"
    m.extend([msg("in", "a"), msg("out", "b")])
    assert list(m.index) == [1]


def test_memory_per_row_is_small():
    m = LogModel()
    payload = "x" * 64
    batch = [msg("in", payload, i * 1e-6) for i in range(1000)]
    for _ in range(100):
        m.extend(batch)
    per_row = m.memory_bytes() / len(m)
    assert per_row < 40, per_row  # columns only; the payload objects are shared here
    assert sys.getsizeof(payload) < 150


def test_export_without_a_journal_is_the_journals_export(tmp_path):
    """One exporter: the log's rows go through the journal's export (same columns)."""
    from wsblock.journal import CSV_COLUMNS

    m = LogModel()
    m.extend([ev("open", 0.0, status=101), msg("out", "hi"), msg("in", b"\xff")])
    nd = export_session(None, m, "ndjson", tmp_path / "s.ndjson").read_text().splitlines()
    assert len(nd) == 3 and '"data": "hi"' in nd[1] and '"data_b64": "/w=="' in nd[2]
    assert export_session(None, m, "json", tmp_path / "s.json").read_text().lstrip().startswith("[")
    csv_text = export_session(None, m, "csv", tmp_path / "s.csv").read_text()
    assert csv_text.splitlines()[0] == ",".join(CSV_COLUMNS)


def test_runs_of_received_messages_are_rows_like_their_events():
    from wsblock.engine.runs import ReceivedRun

    run = ReceivedRun(T0 + timedelta(seconds=2), 2.0, "text", ["a1", "b2", "a3"], [2, 2, 2])
    binary = ReceivedRun(T0 + timedelta(seconds=3), 3.0, "binary", [b"\x00a"], [2])
    by_runs, by_events = LogModel(), LogModel()
    by_runs.set_filter(Filter(text="a"))
    by_events.set_filter(Filter(text="a"))
    head = [ev("open", 0.1, status=101), msg("out", "a0", 1.0)]
    system = by_runs.extend([*head, run, ev("note", 2.5, data="x"), binary])
    by_events.extend([*head, *run.events(), ev("note", 2.5, data="x"), *binary.events()])
    assert [e.kind for e in system] == ["open", "note"]
    assert len(by_runs) == len(by_events) == 7
    assert list(by_runs.times) == list(by_events.times)
    assert bytes(by_runs.meta) == bytes(by_events.meta)
    assert by_runs.payloads == by_events.payloads and list(by_runs.sizes) == [*by_events.sizes]
    assert (
        (by_runs.count_in, by_runs.bytes_in) == (by_events.count_in, by_events.bytes_in) == (4, 8)
    )
    assert list(by_runs.index or []) == list(by_events.index or []) == [1, 2, 4, 6]


def test_clear_keeps_the_codecs_and_forgets_what_was_decoded():
    from wsblock.app.widgets.response.decoding import log_line
    from wsblock.codecs import parse_codec

    m = LogModel()
    m.decode = parse_codec("msgpack")
    m.extend([msg("in", b"\x81\xa1a\x01")])  # {"a": 1}, by hand
    assert log_line(m, 0, 80) == 'mp {"a":1}'
    m.clear()
    m.extend([msg("in", b"\x81\xa1b\x02")])  # {"b": 2}: row 0 again
    assert log_line(m, 0, 80) == 'mp {"b":2}'
