"""Events -> NDJSON records: the spec/cli.md schema, key order, both serialisers agree."""

from __future__ import annotations

import base64
import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from journal_events import T0, at, every_kind

from wsblock.engine.events import Event
from wsblock.journal import MASK, Masker, dumps_event, event_to_dict
from wsblock.journal.records import _general_line, _lines  # the two serialisers compared

SECRET = "s3cr3t-T0ken"


def test_received_text_is_the_spec_record() -> None:
    event = Event("received", T0, 1.5, "in", "text", None, "hello world!", 12)
    assert dumps_event(event) == (
        '{"ts": "2026-11-25T16:40:00.123456Z", "event": "received", "dir": "in", '
        '"type": "text", "size": 12, "data": "hello world!", "mono": 1.500000}'
    )


def test_every_kind_as_dict() -> None:
    records = [event_to_dict(e) for e in every_kind()]
    assert [list(r) for r in records] == [
        ["ts", "event", "dir", "attempt", "request", "url", "mono"],
        ["ts", "event", "dir", "status", "headers", "subprotocol", "extensions", "mono"],
        ["ts", "event", "dir", "type", "format", "size", "data", "mono"],
        ["ts", "event", "dir", "type", "size", "data", "mono"],
        ["ts", "event", "dir", "type", "format", "size", "data_b64", "mono"],
        ["ts", "event", "dir", "type", "size", "data", "mono"],
        ["ts", "event", "dir", "type", "size", "data_b64", "mono"],
        ["ts", "event", "dir", "type", "size", "data", "request", "mono"],
        ["ts", "event", "dir", "type", "size", "data_b64", "mono"],
        ["ts", "event", "dir", "rtt_ms", "mono"],
        ["ts", "event", "dir", "ok", "name", "mono"],
        ["ts", "event", "dir", "reason", "ok", "name", "mono"],
        ["ts", "event", "dir", "reason", "error", "status", "body", "mono"],
        ["ts", "event", "dir", "attempt", "delay", "mono"],
        ["ts", "event", "dir", "code", "reason", "by", "mono"],
    ]
    opened, sent_bin, pong, closed = records[1], records[4], records[9], records[14]
    assert opened["headers"] == [["Server", "demo"], ["Set-Cookie", "sid="]]
    assert opened["extensions"] == ["permessage-deflate"]
    assert base64.b64decode(sent_bin["data_b64"]) == b"\x00\x01"
    assert pong == {
        "ts": "2026-11-25T16:40:00.213456Z",
        "event": "pong",
        "dir": "in",
        "rtt_ms": 1.25,
        "mono": 0.09,
    }
    assert closed["code"] == 1000 and closed["by"] == "server" and closed["reason"] == "bye"


def test_every_event_field_is_written() -> None:
    # A value in every field: each appears under its own name (data as data_b64 here).
    values: dict[str, Any] = {
        f.name: 1
        for f in fields(Event)
        if f.name not in ("kind", "ts", "mono", "dir", "type", "format", "data")
    }
    event = Event("sent", T0, 0.0, "out", "binary", "binary", b"x", **values)
    assert set(event_to_dict(event)) == {"ts", "event", "dir", "type", "format", "data_b64",
                                         "mono", *values}  # fmt: skip


@pytest.mark.parametrize("masked", [False, True])
def test_the_two_serialisers_agree_on_every_kind(masked: bool) -> None:
    masker = Masker({SECRET}) if masked else None
    events = every_kind(SECRET)
    lines = _lines(events, masker)
    for event, line in zip(events, lines, strict=True):
        assert line == _general_line(event, masker), event
        assert line == dumps_event(event, masker)
        assert json.loads(line) == event_to_dict(event, masker)


def test_timestamps_across_seconds_and_out_of_order() -> None:
    # The fast path formats date and time once per second: check at the edges.
    base = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    offsets = [0.999999, 1.0, 0.5, 1.000001, 61.0, 0.0, 3600 * 24 * 40]
    events = [
        Event("received", base + timedelta(seconds=s), s, "in", "text", None, "x", 1)
        for s in offsets
    ]
    got = [json.loads(line)["ts"] for line in _lines(events, None)]
    assert got == [
        "2026-12-31T23:59:59.999999Z",
        "2027-01-01T00:00:00.000000Z",
        "2026-12-31T23:59:59.500000Z",
        "2027-01-01T00:00:00.000001Z",
        "2027-01-01T00:01:00.000000Z",
        "2026-12-31T23:59:59.000000Z",
        "2027-02-09T23:59:59.000000Z",
    ]


def test_timestamps_in_other_zones_and_naive_are_written_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    for ts in (T0.astimezone(paris), T0.replace(tzinfo=None)):
        event = Event("received", ts, 0.0, "in", "text", None, "x", 1)
        assert json.loads(dumps_event(event))["ts"] == "2026-11-25T16:40:00.123456Z"


def test_mono_has_six_decimals() -> None:
    event = Event("received", T0, 12.3456789, "in", "text", None, "x", 1)
    assert dumps_event(event).endswith('"mono": 12.345679}')
    assert event_to_dict(event)["mono"] == 12.345679


def test_masking_everywhere() -> None:
    masker = Masker({SECRET})
    for event in every_kind(SECRET):
        line = dumps_event(event, masker)
        record = json.loads(line)
        assert SECRET not in line, line
        if "data_b64" in record:
            data = base64.b64decode(record["data_b64"])
            assert SECRET.encode() not in data
            assert MASK.encode() in data or data in (b"",)
        elif record["event"] not in ("pong", "reconnect", "close"):
            assert MASK in line
        assert record.get("size") == event.size


def test_size_is_the_wire_size_even_when_masked() -> None:
    event = Event("received", T0, 0.0, "in", "text", None, SECRET, len(SECRET))
    record = event_to_dict(event, Masker({SECRET}))
    assert record["data"] == MASK and record["size"] == len(SECRET)


def test_missing_size_is_computed() -> None:
    assert event_to_dict(Event("sent", T0, 0.0, "out", "text", None, "é", None))["size"] == 2
    assert event_to_dict(Event("sent", T0, 0.0, "out", "binary", None, b"abc"))["size"] == 3


def test_non_finite_floats_become_null() -> None:
    event = Event("pong", T0, 0.0, "in", rtt_ms=float("nan"), delay=float("inf"))
    line = dumps_event(event)
    assert json.loads(line)["rtt_ms"] is None and json.loads(line)["delay"] is None
    assert "NaN" not in line and "Infinity" not in line


def test_odd_but_legal_shapes_take_the_general_path() -> None:
    # Each differs from the common shape in one way; all must still serialise right.
    base = Event("received", T0, 0.5, "in", "text", None, "hi", 2)
    odd = [
        replace(base, data=b"hi"),  # bytes labelled text
        replace(base, type="binary"),  # str labelled binary
        replace(base, format="yaml"),  # an unknown format
        replace(base, size=None),
        replace(base, ts=T0.replace(tzinfo=None)),
        replace(base, mono=float("nan")),
        replace(base, kind="expect"),
        replace(base, code=1000),
        replace(base, data=None),
    ]
    for event in odd:
        line = _lines([event], None)[0]
        assert line == _general_line(event, None)
        assert json.loads(line)["event"] == event.kind


def test_control_characters_and_quotes_are_escaped() -> None:
    text = 'a"b\\c\nd\te\x00f\u2028'
    event = Event("received", T0, 0.0, "in", "text", None, text, len(text))
    line = dumps_event(event)
    assert "\n" not in line
    assert json.loads(line)["data"] == text


def test_session_event_kind_is_not_an_event_kind() -> None:
    # The journal's first record uses "session"; the engine must never emit it.
    from typing import get_args

    from wsblock.engine.events import Kind

    assert "session" not in get_args(Kind)


def test_at_helper() -> None:
    assert at(1).second == T0.second + 1
