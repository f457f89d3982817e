"""Reading journals back: listing, finding, reading (killed files too), search, export."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from journal_events import T0, every_kind

import wsblock
import wsblock.journal.records as journal_records  # the session record reads the clock
import wsblock.journal.writer as journal_module  # Journal.create reads the clock there
from wsblock.engine.events import Event
from wsblock.journal import (
    CSV_COLUMNS,
    MASK,
    Journal,
    JournalError,
    Masker,
    SessionNotFoundError,
    event_to_dict,
    export,
    find_session,
    list_sessions,
    read_session,
    search,
)

pytestmark = pytest.mark.usefixtures("no_thread_leak")


def journal_at(
    log_dir: Path, name: str, stamp: str, events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A journal named as if started at ``stamp`` (YYYYMMDDTHHMMSS)."""
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls.fromtimestamp(when.timestamp(), UTC)

    with monkeypatch.context() as m:
        m.setattr(journal_module, "datetime", Frozen)
        m.setattr(journal_records, "datetime", Frozen)
        with Journal.create(log_dir, name, url=f"wss://{name}.test/") as j:
            for event in events:
                j.record(event)
    return j.path


@pytest.fixture
def sessions(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Three sessions: two named echo, one chat (the newest echo has every kind)."""
    hello = Event("received", T0, 0.1, "in", "text", None, "hello", 5)
    return {
        "echo1": journal_at(log_dir, "echo", "20261125T100000", [hello], monkeypatch),
        "chat": journal_at(log_dir, "chat", "20261125T110000", [hello, hello], monkeypatch),
        "echo2": journal_at(log_dir, "echo", "20261125T120000", every_kind(), monkeypatch),
    }


# -- list_sessions ------------------------------------------------------------------------


def test_list_sessions_oldest_first_with_counts(log_dir: Path, sessions: dict[str, Path]) -> None:  # fmt: skip
    (log_dir / "notes.txt").write_text("not a journal")
    infos = list_sessions(log_dir)
    assert [i.path for i in infos] == [sessions["echo1"], sessions["chat"], sessions["echo2"]]
    assert [i.id for i in infos] == [
        "20261125T100000Z-echo",
        "20261125T110000Z-chat",
        "20261125T120000Z-echo",
    ]
    assert [i.name for i in infos] == ["echo", "chat", "echo"]
    assert [i.events for i in infos] == [1, 2, len(every_kind())]
    assert infos[1].url == "wss://chat.test/"
    assert infos[0].started == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert all(i.size == i.path.stat().st_size for i in infos)


def test_list_sessions_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert list_sessions(tmp_path / "nothing") == []


def test_list_sessions_uses_the_default_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    with Journal.create(name="here"):
        pass
    assert [i.name for i in list_sessions()] == ["here"]


def test_a_foreign_ndjson_file_is_listed_from_its_name(log_dir: Path) -> None:
    log_dir.mkdir(parents=True)
    path = log_dir / "20260101T000000Z-imported.ndjson"
    path.write_text('{"event": "received", "data": "a"}\n{"event": "received", "data": "b"}\n')
    (info,) = list_sessions(log_dir)
    assert (info.name, info.events, info.url) == ("imported", 2, None)
    assert info.started == datetime(2026, 1, 1, tzinfo=UTC)


def test_counts_skip_a_cut_last_line(log_dir: Path, sessions: dict[str, Path]) -> None:
    with sessions["chat"].open("ab") as f:
        f.write(b'{"ts": "2026-11-25T11:00:00.5Z", "event": "rece')
    info = next(i for i in list_sessions(log_dir) if i.name == "chat")
    assert info.events == 2


# -- find_session / read_session ---------------------------------------------------------


def test_find_by_path_id_prefix_and_name(log_dir: Path, sessions: dict[str, Path]) -> None:
    assert find_session(sessions["chat"], log_dir) == sessions["chat"]
    assert find_session(str(sessions["chat"])) == sessions["chat"]
    assert find_session("20261125T110000Z-chat", log_dir) == sessions["chat"]
    assert find_session("20261125T110000Z-chat.ndjson", log_dir) == sessions["chat"]
    assert find_session("20261125T11", log_dir) == sessions["chat"]
    assert find_session("echo", log_dir) == sessions["echo2"]  # a name: the latest
    assert find_session("Chat", log_dir) == sessions["chat"]  # compared as slugs


def test_find_reports_ambiguity_and_absence(log_dir: Path, sessions: dict[str, Path]) -> None:
    with pytest.raises(SessionNotFoundError, match="ambiguous"):
        find_session("20261125T1", log_dir)
    with pytest.raises(SessionNotFoundError, match="no session 'nope'") as info:
        find_session("nope", log_dir)
    assert isinstance(info.value, LookupError) and isinstance(info.value, JournalError)
    with pytest.raises(SessionNotFoundError, match="no sessions recorded"):
        find_session("echo", log_dir / "empty")


def test_read_session_raises_at_once_and_reads_lazily(log_dir: Path, sessions: dict[str, Path]) -> None:  # fmt: skip
    with pytest.raises(SessionNotFoundError):
        read_session("nope", log_dir)  # not at the first next()
    records = read_session("echo", log_dir)
    assert next(records)["event"] == "session"
    assert [r["event"] for r in records] == [e.kind for e in every_kind()]


def test_read_session_round_trips_every_kind(log_dir: Path, sessions: dict[str, Path]) -> None:
    records = list(read_session(sessions["echo2"]))
    assert records[1:] == [event_to_dict(e) for e in every_kind()]


def test_a_line_cut_by_a_kill_is_skipped(log_dir: Path, sessions: dict[str, Path]) -> None:
    path = sessions["echo2"]
    whole = path.read_bytes()
    complete = list(read_session(path))
    last_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    line = whole.count(b"\n")  # the last line's number
    for cut in (last_start + 1, last_start + 20, len(whole) - 2):
        path.write_bytes(whole[:cut])
        records = read_session(path)
        assert list(records) == complete[:-1], cut
        # left out, and said: which line, how much of it is on disk
        assert records.cut is not None
        assert (records.cut.line, records.cut.size) == (line, cut - last_start)
        assert f"its last line ({line}, {cut - last_start:,} bytes) was cut short" in (
            records.cut.words()
        )
    path.write_bytes(whole[: len(whole) - 1])  # only the newline is missing: still whole
    records = read_session(path)
    assert list(records) == complete
    assert records.cut is None


def test_a_cut_inside_a_multibyte_character_is_skipped(log_dir: Path) -> None:
    with Journal.create(log_dir, "utf8") as j:
        j.record(Event("received", T0, 0.0, "in", "text", None, "é" * 50, 100))
    whole = j.path.read_bytes()
    cut = whole.rindex("é".encode()) + 1  # between the two bytes of an é
    j.path.write_bytes(whole[:cut])
    assert [r["event"] for r in read_session(j.path)] == ["session"]


def test_a_bad_line_in_the_middle_is_an_error(log_dir: Path, sessions: dict[str, Path]) -> None:
    path = sessions["chat"]
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b"garbage\n\n" + b"".join(lines[1:]))
    with pytest.raises(JournalError, match=re.escape(f"{path}:2: not a JSON record")):
        list(read_session(path))
    path.write_bytes(lines[0] + b"[1, 2]\n")
    with pytest.raises(JournalError, match="not a JSON object"):
        list(read_session(path))


def test_blank_lines_are_ignored(log_dir: Path, sessions: dict[str, Path]) -> None:
    path = sessions["chat"]
    before = list(read_session(path))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\n"))
    assert list(read_session(path)) == before


def test_an_unreadable_file_is_a_journal_error(log_dir: Path, sessions: dict[str, Path]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    sessions["chat"].chmod(0)
    with pytest.raises(JournalError, match="cannot read"):
        read_session(sessions["chat"])


# -- search ------------------------------------------------------------------------------


def records_of(*events: Event) -> list[dict[str, Any]]:
    return [event_to_dict(e) for e in events]


RECORDS = records_of(
    Event("sent", T0, 0.0, "out", "text", "json", '{"op": "Subscribe"}', 17),
    Event("received", T0, 0.1, "in", "text", None, '{"status": "ok", "id": 42}', 25),
    Event("received", T0, 0.2, "in", "binary", None, b"\x00binary PAYLOAD\xff", 16),
    Event("error", T0, 0.3, error="timeout", reason="no reply within 5 s"),
    Event("close", T0, 0.4, code=1011, reason="server error", by="server"),
    Event("open", T0, 0.05, status=101, headers=(("X-Trace", "abc123"),)),
)


def datas(records: Any) -> list[Any]:
    return [r["event"] for r in records]


def test_search_text_is_case_insensitive_everywhere() -> None:
    assert datas(search(RECORDS, text="subscribe")) == ["sent"]
    assert datas(search(RECORDS, text="payload")) == ["received"]  # binary, decoded
    assert datas(search(RECORDS, text="ERROR")) == ["close"]  # reason
    assert datas(search(RECORDS, text="timeout")) == ["error"]  # error
    assert datas(search(RECORDS, text="abc123")) == ["open"]  # header value
    assert datas(search(RECORDS, text="x-trace")) == ["open"]  # header name


def test_search_regex() -> None:
    assert datas(search(RECORDS, regex=r'"id": \d+')) == ["received"]
    assert datas(search(RECORDS, regex=re.compile(r"^server", re.I))) == ["close"]
    assert datas(search(RECORDS, regex="Payload")) == []  # case-sensitive
    with pytest.raises(re.error):
        search(RECORDS, regex="(")


def test_search_by_direction_and_event() -> None:
    assert datas(search(RECORDS, direction="in")) == ["received", "received"]
    assert datas(search(RECORDS, direction=["out", "sys"])) == ["sent", "error", "close", "open"]
    assert datas(search(RECORDS, event="close")) == ["close"]
    assert datas(search(RECORDS, event={"sent", "error"})) == ["sent", "error"]


def test_search_criteria_combine() -> None:
    assert datas(search(RECORDS, text="ok", direction="in")) == ["received"]
    assert datas(search(RECORDS, text="ok", direction="out")) == []
    assert datas(search(RECORDS)) == datas(RECORDS)


def test_search_a_journal(log_dir: Path, sessions: dict[str, Path]) -> None:
    found = list(search(read_session("echo", log_dir), text="héllo", direction="in"))
    assert [r["data"] for r in found] == ['héllo ✓ \n"q"']


# -- export ------------------------------------------------------------------------------


def exported(records: list[dict[str, Any]], fmt: str, **kw: Any) -> str:
    out = io.StringIO(newline="")
    assert export(records, fmt, out, **kw) == len(records)
    return out.getvalue()


def test_export_ndjson_and_json_parse_back(log_dir: Path, sessions: dict[str, Path]) -> None:
    records = list(read_session(sessions["echo2"]))
    ndjson = exported(records, "ndjson")
    assert [json.loads(line) for line in ndjson.splitlines()] == records
    assert json.loads(exported(records, "json")) == records
    assert json.loads(exported([], "json")) == []
    assert exported([], "ndjson") == ""


def test_export_csv_parses_back(log_dir: Path, sessions: dict[str, Path]) -> None:
    records = list(read_session(sessions["echo2"]))
    text = exported(records, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[:7] == ("ts", "event", "dir", "type", "format", "size", "data")
    assert len(rows) == len(records)
    by_event: dict[str, dict[str, str]] = {}
    for row in rows:
        by_event.setdefault(row["event"], row)
    session = by_event["session"]
    assert (session["name"], session["url"]) == ("echo", "wss://echo.test/")
    assert json.loads(session["extra"]) == {"version": wsblock.__version__}
    sent = by_event["sent"]
    assert (sent["dir"], sent["type"], sent["format"], sent["size"]) == (
        "out",
        "text",
        "json",
        "20",
    )
    assert json.loads(sent["data"]) == {"token": ""}
    received = [r for r in rows if r["event"] == "received"]
    assert received[0]["data"] == 'héllo ✓ \n"q"'  # newline and quotes survive
    assert received[1]["data_b64"] == "//4="
    assert by_event["close"]["code"] == "1000" and by_event["close"]["by"] == "server"
    assert by_event["expect"]["ok"] == "true"
    assert json.loads(by_event["open"]["headers"]) == [["Server", "demo"], ["Set-Cookie", "sid="]]
    assert by_event["pong"]["rtt_ms"] == "1.25"
    assert all(row["mono"] for row in rows if row["event"] != "session")


def test_export_masks_again(log_dir: Path, sessions: dict[str, Path]) -> None:
    records = list(read_session(sessions["chat"]))
    masker = Masker({"hello"})
    for fmt in ("json", "csv", "ndjson"):
        text = exported(records, fmt, masker=masker)
        assert "hello" not in text and MASK in text


def test_export_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        export([], "xml", io.StringIO())


def test_export_streams(log_dir: Path) -> None:
    def endless() -> Any:
        yield {"event": "received", "data": "a"}
        raise RuntimeError("read one too many")

    out = io.StringIO()
    with pytest.raises(RuntimeError):
        export(endless(), "ndjson", out)
    assert out.getvalue() == '{"event": "received", "data": "a"}\n'
