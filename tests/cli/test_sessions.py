"""`wsblock sessions` and `wsblock export`."""

from __future__ import annotations

import csv
import io
import json


def test_sessions_list_and_export_every_format(wsblock, run_echo_sample, tmp_path) -> None:
    assert "no sessions recorded yet" in wsblock("sessions").out
    r = run_echo_sample()
    assert r.code == 0
    listed = wsblock("sessions").out.splitlines()
    assert len(listed) == 1 and "echo-a-first-websocket-conversation" in listed[0]
    session_id = listed[0].split()[0]

    nd = wsblock("export", session_id, "--format", "ndjson").out.splitlines()
    records = [json.loads(line) for line in nd]
    assert [r["data"] for r in records if r.get("event") == "received"][-1] == "just some text"

    js = json.loads(wsblock("export", session_id[:15], "--format", "json").out)
    assert isinstance(js, list) and len(js) == len(records)

    out = tmp_path / "s.csv"
    r = wsblock("export", session_id, "--format", "csv", "-o", str(out))
    assert r.code == 0 and f"wrote {out}" in r.err
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {"ts", "event", "dir", "data"} <= set(rows[0])
    assert any(row["dir"] == "out" and "hello" in row["data"] for row in rows)


def test_export_unknown_session_is_bad_input(wsblock) -> None:
    r = wsblock("export", "nope")
    assert r.code == 2 and "no session" in r.err


def test_export_searches_by_text_regex_and_direction(wsblock, run_echo_sample) -> None:
    r = run_echo_sample()
    assert r.code == 0
    sid = wsblock("sessions").out.split()[0]
    got = [
        json.loads(line)
        for line in wsblock("export", sid, "--search", "JUST SOME").out.splitlines()
    ]
    assert {(g["event"], g["dir"]) for g in got} == {("sent", "out"), ("received", "in")}
    got = [
        json.loads(line)
        for line in wsblock(
            "export", sid, "--regex", r"seq=\"\d\"", "--direction", "in"
        ).out.splitlines()
    ]
    assert [(g["event"], g["data"]) for g in got] == [("received", '<ping seq="1"/>')]
    r = wsblock("export", sid, "--regex", "(")
    assert r.code == 2 and "--regex" in r.err
