"""`wsblock load` latencies to the microsecond: HDR histograms, merged by the master."""

from __future__ import annotations

import csv
import json

import pytest

from load.test_load import distributed, echo_file, entry, events, summary
from wsblock.load import thresholds as th
from wsblock.load.latency import Latencies

TIMES = ("p50_ms", "p90_ms", "p95_ms", "p99_ms")


def test_loopback_reply_latencies_have_two_decimals_and_a_microsecond_threshold_fails(
    wsblock, echo_server, tmp_path
) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    junit = tmp_path / "junit.xml"
    r = wsblock(
        "load",
        str(f),
        "-u",
        "1",
        "-r",
        "1",
        "-t",
        "2s",
        "--json",
        "--csv",
        str(tmp_path / "rep"),
        "--junit",
        str(junit),
        "--fail-if",
        "p99(echoed hello) > 0.001ms",
        "--fail-if",
        "p50(echoed hello) > 60s",
    )
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    e = entry(s, "echoed hello")
    assert e["count"] > 20 and e["failures"] == 0
    values = [e[k] for k in TIMES]
    assert all(v == round(v, 2) for v in values), e
    # Whole milliseconds (Locust's rounding) would make every one of them an integer.
    assert any(v != int(v) for v in values), e
    assert 0 < e["p50_ms"] <= e["p90_ms"] <= e["p95_ms"] <= e["p99_ms"] <= e["max_ms"], e
    crossed, held = s["thresholds"]
    assert crossed == {
        "expression": "p99(echoed hello) > 0.001ms",
        "failed": True,
        "actual": e["p99_ms"],
        "reason": None,
    }
    assert held["failed"] is False and held["actual"] == e["p50_ms"]
    assert f"actual {e['p99_ms']:g}" in junit.read_text()
    with open(tmp_path / "rep_stats.csv", newline="") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    assert float(rows["echoed hello"]["99%"]) == e["p99_ms"]
    assert float(rows["echoed hello"]["50%"]) == e["p50_ms"]


def test_the_table_shows_two_decimals(wsblock, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "1s")
    assert r.code == 0, r.out + r.err
    line = next(x for x in r.out.splitlines() if x.startswith("echoed hello"))
    cells = line.split()[4:8]  # name is two words: count, fail, then p50 p95 p99 max
    assert all(len(c.split(".")[1]) == 2 for c in cells), line


def test_a_master_merges_the_histograms_of_two_workers(spawn, echo_server, tmp_path) -> None:
    f = echo_file(tmp_path, echo_server.url("/echo"))
    master, workers = distributed(
        spawn,
        f,
        *("-u", "4", "-r", "4", "-t", "3s", "--json"),
        *("--fail-if", "p99(echoed hello) > 0.001ms"),
    )
    out, err = master.communicate(timeout=90)
    assert master.returncode == 1, out + err
    assert "did not reach" not in err, err
    s = summary(out)
    assert s["workers"] == 2
    assert s["thresholds"][0]["failed"] is True
    mine = []
    for w in workers:
        wout, werr = w.communicate(timeout=30)
        last = events(wout)[-1]
        assert last["event"] == "worker-summary", wout + werr
        mine.append(last["latency_ms"])
    for name in ("connect", "echoed hello", "conversation"):
        parts = [m[name] for m in mine]
        merged = entry(s, name)
        assert all(p["count"] > 0 for p in parts), parts
        # The master waits for each worker's last report: every request a worker made is
        # in the merged counts (Locust alone waits 0.5 s and may miss the last report).
        assert all(p["not_reported"] == 0 for p in parts), parts
        assert merged["count"] == sum(p["count"] for p in parts), (name, parts, merged)
        for p in (50, 90, 99):
            assert merged[f"p{p}_ms"] == round(merged[f"p{p}_ms"], 2)
            # A percentile of the union lies between the parts' own (the same buckets).
            low, high = sorted(part[f"p{p}"] for part in parts)
            assert low <= merged[f"p{p}_ms"] <= high, (name, p, parts, merged)
    assert not any(t["expression"] == "every worker's last report" for t in s["thresholds"])


def test_a_worker_whose_last_report_never_comes_fails_the_test_by_name(
    spawn, echo_server, tmp_path
) -> None:
    """Counts short by what a worker did last must not pass for the whole test."""
    f = echo_file(tmp_path, echo_server.url("/echo"))
    master, workers = distributed(
        spawn, f, "-u", "4", "-r", "4", "-t", "5s", "--json", worker_json=False
    )
    start = master.stdout.readline()  # both workers are connected: the test begins
    assert json.loads(start)["event"] == "load-start", start + master.stderr.read()
    workers[0].kill()
    workers[0].wait()
    out, err = master.communicate(timeout=90)
    assert master.returncode == 1, out + err
    s = summary(out)
    lost = next(t for t in s["thresholds"] if t["expression"] == "every worker's last report")
    assert lost["failed"] is True
    assert "none came from 1 of 2 workers" in lost["reason"], lost
    assert entry(s, "conversation")["count"] > 0  # the other worker's are all there


def test_merging_a_take_gives_the_same_percentiles_as_recording_them_all() -> None:
    one, two, master, alone = Latencies(), Latencies(), Latencies(), Latencies()
    for i in range(1, 2001):
        ms = i * 0.0137  # 13.7 µs steps: 0.01 ms to 27.4 ms
        (one if i % 3 else two).on_worker_request("expect", "echoed", ms)
        alone.on_request("expect", "echoed", ms)
    master.merge(one.take())
    master.merge(two.take())
    assert one.take() == [] and two.take() == []  # a take empties what is pending
    assert master.count("expect", "echoed") == 2000
    for p in (50, 90, 99, 99.9, 100):
        assert master.percentile_ms("expect", "echoed", p) == alone.percentile_ms(
            "expect", "echoed", p
        )
    assert alone.percentile_ms("expect", "echoed", 50) == pytest.approx(13.7, abs=0.02)
    assert alone.percentile_ms("expect", "nothing", 50) is None


def test_ten_microseconds_apart_are_told_apart() -> None:
    lat = Latencies()
    for ms in (0.21, 0.22, 30.01, 30.02, 250.01, 250.02):
        lat.record("expect", str(ms), ms)
        assert lat.percentile_ms("expect", str(ms), 50) == ms


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("p99(echoed) > 0.001ms", 0.001),
        ("p99(echoed) > 250us", 0.25),
        ("p99(echoed) > 250µs", 0.25),
        ("p99(echoed) > 250μs", 0.25),
        ("p99(echoed) > 1.5s", 1500.0),
        ("p99(echoed) > 2", 2.0),
    ],
)
def test_threshold_units(text: str, ms: float) -> None:
    t = th.parse(text, {"echoed"})
    assert t.value == pytest.approx(ms)
    summary = {"requests": [{"name": "echoed", "p99_ms": 0.21}]}
    assert t.check(summary) == (0.21 > ms, 0.21)


def test_a_time_unit_on_a_count_is_refused() -> None:
    with pytest.raises(th.ThresholdError, match="takes no unit"):
        th.parse("count(echoed) > 3us", {"echoed"})
