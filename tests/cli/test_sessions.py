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


def test_sessions_pads_ids_and_shows_the_url_of_connect_sessions(
    wsblock, echo_cli, run_echo_sample
) -> None:
    assert run_echo_sample().code == 0
    url = echo_cli.url("/echo")
    assert wsblock("connect", url, "--linger", "0", input="a\n").code == 0
    lines = wsblock("sessions").out.splitlines()
    assert len(lines) == 2
    connect = next(line for line in lines if " connect " in line)
    assert connect.endswith(f"connect  {url}"), connect
    ids = [line.split()[0] for line in lines]
    assert len(set(ids)) == 2 and len(ids[0]) != len(ids[1])
    # the columns after the id line up, whatever the id's length
    assert lines[0].index(" events") == lines[1].index(" events"), lines


def _old_session(folder, stem: str, ts: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    record = json.dumps({"ts": ts, "event": "session", "dir": "sys", "name": stem})
    (folder / f"{stem}.ndjson").write_text(record + "\n" + '{"event": "open"}\n')


def test_prune_removes_sessions_older_than_an_age(wsblock, run_echo_sample, state_dir) -> None:
    assert run_echo_sample().code == 0
    folder = state_dir / "wsblock" / "sessions"
    _old_session(folder, "20200101T000000Z-ancient", "2020-01-01T00:00:00Z")
    _old_session(folder, "20200201T000000Z-old", "2020-02-01T00:00:00Z")
    r = wsblock("sessions", "--prune", "7d")
    assert r.code == 0, r.err
    assert r.out.startswith("removed 2 sessions (") and "older than 7d" in r.out
    left = [p.name for p in folder.glob("*.ndjson")]
    assert len(left) == 1 and "echo" in left[0], left
    assert wsblock("sessions", "--prune", "12h").out.startswith("removed 0 sessions")
    r = wsblock("sessions", "--prune", "soon")
    assert r.code == 2 and "--prune 'soon'" in r.err


def test_a_journal_cut_short_by_a_kill_is_said_by_export_and_replay(
    wsblock, run_echo_sample, echo_cli, state_dir
) -> None:
    assert run_echo_sample().code == 0
    (path,) = state_dir.rglob("*.ndjson")
    whole = path.read_bytes()
    path.write_bytes(whole[:-15])  # the last record, cut as a SIGKILL mid-write leaves it
    lines = whole.count(b"\n")
    said = f"{path.name}: its last line ({lines}, "
    r = wsblock("export", "last", "--format", "ndjson")
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == lines - 1  # the whole records, exported
    assert said in r.err and f"read up to line {lines - 1}" in r.err
    r = wsblock("replay", "last", "--url", echo_cli.base, "--speed", "0")
    assert r.code == 0, r.out + r.err
    assert said in r.err
