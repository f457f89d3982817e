"""Journal: the file, its place, flushing within 100 ms, closing, errors."""

from __future__ import annotations

import asyncio
import base64
import errno
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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
    MASK,
    Journal,
    JournalError,
    default_log_dir,
    event_to_dict,
    read_session,
)

pytestmark = pytest.mark.usefixtures("no_thread_leak")

SECRET = "s3cr3t-T0ken"
#: The journal's promise is 100 ms (its schedule, tested below; bench/journal_bench.py
#: measures it). A loaded machine may not run the flusher that soon: the tests of the
#: mechanism allow this long for what must happen without another record() or close().
LOADED = 10.0


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def message(i: int) -> Event:
    return Event("received", datetime.now(UTC), float(i), "in", "text", None, f"m{i}", 2)


def test_create_names_the_file_by_utc_time_and_slug(log_dir: Path) -> None:
    with Journal.create(log_dir, name="Écho: chat #1") as j:
        pass
    assert j.path.parent == log_dir
    assert re.fullmatch(r"\d{8}T\d{6}Z-echo-chat-1\.ndjson", j.path.name), j.path.name
    stamp = datetime.strptime(j.path.name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 5


def test_files_and_directory_are_private(log_dir: Path) -> None:
    with Journal.create(log_dir, name="x") as j:
        pass
    assert stat.S_IMODE(j.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


def test_the_first_record_describes_the_session(log_dir: Path) -> None:
    with Journal.create(
        log_dir, name=f"echo {SECRET}", secrets=[SECRET], url=f"wss://h/?t={SECRET}",
        file="demo/echo.void",
    ) as j:  # fmt: skip
        pass
    (first,) = lines_of(j.path)
    assert first["event"] == "session" and first["dir"] == "sys"
    assert first["name"] == f"echo {MASK}"
    assert first["url"] == f"wss://h/?t={MASK}"
    assert first["file"] == "demo/echo.void"
    assert first["version"] == wsblock.__version__
    assert first["ts"].endswith("Z")
    assert SECRET not in j.path.name


def test_a_clash_gets_a_numbered_name(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls(2026, 11, 25, 16, 40, 0, tzinfo=UTC)

    monkeypatch.setattr(journal_module, "datetime", Frozen)
    monkeypatch.setattr(journal_records, "datetime", Frozen)
    with Journal.create(log_dir, "echo") as a, Journal.create(log_dir, "echo") as b:
        with Journal.create(log_dir, "echo") as c:
            pass
    names = [a.path.name, b.path.name, c.path.name]
    assert names == [
        "20261125T164000Z-echo.ndjson",
        "20261125T164000Z-echo-2.ndjson",
        "20261125T164000Z-echo-3.ndjson",
    ]


def test_an_existing_path_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "j.ndjson"
    path.write_text("keep\n")
    with pytest.raises(FileExistsError):
        Journal(path)
    assert path.read_text() == "keep\n"


def test_xdg_state_home_is_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert default_log_dir() == tmp_path / "xdg" / "wsblock" / "sessions"
    with Journal.create(name="echo") as j:
        pass
    assert j.path.parent == tmp_path / "xdg" / "wsblock" / "sessions"


@pytest.mark.parametrize("xdg", [None, "", "relative/dir"])
def test_default_is_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:  # fmt: skip
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_STATE_HOME", xdg)  # empty or relative: ignored (XDG spec)
    assert default_log_dir() == tmp_path / ".local" / "state" / "wsblock" / "sessions"


def test_round_trip_of_every_kind(log_dir: Path) -> None:
    events = every_kind(SECRET)
    with Journal.create(log_dir, "all", secrets=[SECRET]) as j:
        for event in events:
            j.record(event)
    records = list(read_session(j.path))
    assert records[0]["event"] == "session"
    masker = j.masker
    assert records[1:] == [event_to_dict(e, masker) for e in events]
    assert j.written == len(events)
    assert SECRET.encode() not in j.path.read_bytes()


def test_lone_surrogates_round_trip(log_dir: Path) -> None:
    text = "bad \ud800 surrogate \\ \udfff"
    with Journal.create(log_dir, "s") as j:
        j.record(Event("received", T0, 0.0, "in", "text", None, text, 3))
    assert list(read_session(j.path))[1]["data"] == text
    j.path.read_bytes().decode("utf-8")  # the file itself is valid UTF-8


def test_the_schedule_flushes_within_100ms() -> None:
    # record() flushes once FLUSH_INTERVAL is due; the thread (or the loop's timer) steps
    # in when a flush is overdue by another interval: 2 intervals at most, on schedule.
    assert 2 * journal_module.FLUSH_INTERVAL <= 0.1


def test_flushes_without_close_or_another_record(log_dir: Path, wait_until: Callable[..., float]) -> None:  # fmt: skip
    with Journal.create(log_dir, "t") as j:
        for i in range(3):
            j.record(message(i))
            took = wait_until(lambda i=i: f'"m{i}"' in j.path.read_text(), timeout=LOADED)
            assert took < LOADED, f"event {i} reached the file after {took * 1000:.0f} ms"


async def test_flushes_in_asyncio_without_another_record(log_dir: Path) -> None:
    with Journal.create(log_dir, "t") as j:
        j.record(message(1))
        start = time.monotonic()
        while '"m1"' not in j.path.read_text():
            assert time.monotonic() - start < LOADED
            await asyncio.sleep(0.002)


async def test_flushes_while_the_event_loop_is_blocked(log_dir: Path) -> None:
    # The engine's read loop may not yield during a flood: the flusher must not need it.
    with Journal.create(log_dir, "t") as j:
        j.record(message(7))
        start = time.monotonic()
        while '"m7"' not in j.path.read_text():  # no await: the loop is stuck here
            assert time.monotonic() - start < LOADED


def test_a_flood_is_on_disk_without_close(log_dir: Path, wait_until: Callable[..., float]) -> None:  # fmt: skip
    # 250 events a millisecond for 80 ms: about the engine's top speed. Serialising
    # takes time too, yet the last event is on disk within 100 ms.
    events = [message(i) for i in range(20_000)]
    with Journal.create(log_dir, "flood") as j:
        record = j.record
        start = time.monotonic()
        for n in range(0, len(events), 250):
            for event in events[n : n + 250]:
                record(event)
            while time.monotonic() < start + (n + 250) / 250_000:
                pass
        took = wait_until(lambda: j.written == len(events), timeout=LOADED)
    assert took < LOADED, f"{took * 1000:.0f} ms"
    assert len(lines_of(j.path)) == len(events) + 1


def test_flush_writes_now(log_dir: Path) -> None:
    j = Journal.create(log_dir, "t", flush_interval=3600)
    try:
        j.record(message(1))
        assert j.pending == 1
        j.flush()
        assert j.pending == 0 and j.written == 1
        assert lines_of(j.path)[-1]["data"] == "m1"
    finally:
        j.close()


def test_close_is_idempotent_and_writes_the_rest(log_dir: Path) -> None:
    j = Journal.create(log_dir, "t", flush_interval=3600)
    for i in range(5):
        j.record(message(i))
    j.close()
    j.close()
    assert j.closed
    assert [r["data"] for r in lines_of(j.path)[1:]] == [f"m{i}" for i in range(5)]
    assert "closed" in repr(j)


def test_an_event_recorded_after_close_is_written_at_once(log_dir: Path) -> None:
    with Journal.create(log_dir, "t") as j:
        j.record(message(1))
    j.record(message(2))  # e.g. the engine's last "close" event, after the front end closed
    assert [r["data"] for r in lines_of(j.path)[1:]] == ["m1", "m2"]
    assert j.written == 2


def test_records_from_many_threads_are_all_written(log_dir: Path) -> None:
    per_thread, threads = 5_000, 4
    with Journal.create(log_dir, "threads") as j:

        def work(t: int) -> None:
            for i in range(per_thread):
                j.record(message(t * per_thread + i))

        workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    data = [r["data"] for r in lines_of(j.path)[1:]]
    assert sorted(data) == sorted(f"m{i}" for i in range(per_thread * threads))
    for t in range(threads):  # each thread's events stay in its order
        mine = [int(d[1:]) for d in data if t * per_thread <= int(d[1:]) < (t + 1) * per_thread]
        assert mine == sorted(mine)


def test_a_failed_write_is_retried_without_loss_or_duplicates(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = Journal.create(log_dir, "t", flush_interval=3600)
    real_write = os.write
    calls = {"n": 0}

    def flaky_write(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:  # half of it, then the disk is full
            return real_write(fd, bytes(data[: len(data) // 2]))
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    for i in range(3000):  # more than one chunk
        j.record(message(i))
    monkeypatch.setattr(os, "write", flaky_write)
    with pytest.raises(OSError):
        j.flush()
    assert isinstance(j.error, OSError)
    monkeypatch.setattr(os, "write", real_write)
    j.record(message(3000))
    j.close()
    assert j.written == 3001
    assert [r["data"] for r in lines_of(j.path)[1:]] == [f"m{i}" for i in range(3001)]


def test_close_reports_a_lasting_write_failure(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    j = Journal.create(log_dir, "t", flush_interval=3600)
    j.record(message(1))

    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(JournalError, match="No space left"):
        j.close()
    assert j.closed


def test_an_unserialisable_event_becomes_an_error_record(log_dir: Path) -> None:
    with Journal.create(log_dir, "t") as j:
        j.record(message(1))
        j.record(object())  # type: ignore[arg-type]
        j.record(message(2))
    records = lines_of(j.path)[1:]
    assert [r.get("data") for r in records] == ["m1", None, "m2"]
    assert records[1]["event"] == "error" and records[1]["error"] == "journal"
    assert isinstance(j.error, Exception)


def test_unclosed_journal_is_flushed_at_exit(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "from wsblock.engine.events import Event\n"
        "from wsblock.journal import Journal\n"
        "j = Journal.create(sys.argv[1], 'exit', flush_interval=3600)\n"
        "for i in range(100):\n"
        "    j.record(Event('received', datetime.now(UTC), 0.0, 'in', 'text', None, str(i), 1))\n"
        "print(j.path)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    path = Path(done.stdout.strip())
    assert [r["data"] for r in lines_of(path)[1:]] == [str(i) for i in range(100)]


def test_secrets_given_as_one_string_or_a_masker(log_dir: Path) -> None:
    with Journal.create(log_dir, "a", secrets=SECRET) as a:  # not its characters
        a.record(Event("received", T0, 0.0, "in", "text", None, f"x{SECRET}", 5))
    with Journal.create(log_dir, "b", secrets=a.masker) as b:
        b.record(Event("received", T0, 0.0, "in", "text", None, f"x{SECRET}", 5))
    for j in (a, b):
        assert lines_of(j.path)[1]["data"] == f"x{MASK}"


def test_record_flushes_inline_when_a_flush_is_due(log_dir: Path) -> None:
    # While events flow, the recording thread flushes: a starved background thread
    # (see the module's docstring) must not matter.
    with Journal.create(log_dir, "inline", flush_interval=0.2) as j:
        j.record(message(1))
        assert j.written == 0
        while time.monotonic() < j._due:  # due, but the thread waits another interval
            pass
        j.record(message(2))
        assert j.written == 2  # written by record() itself, before it returned
        assert [r["data"] for r in lines_of(j.path)[1:]] == ["m1", "m2"]


async def test_a_running_loop_gets_a_timer_for_the_last_events(log_dir: Path) -> None:
    with Journal.create(log_dir, "timer") as j:
        j.record(message(1))
        assert isinstance(j._timer, asyncio.TimerHandle)
        start = time.monotonic()
        while j.written < 1:
            await asyncio.sleep(0)  # a busy loop that yields: the timer runs
            assert time.monotonic() - start < LOADED


def test_record_many(log_dir: Path) -> None:
    with Journal.create(log_dir, "many") as j:
        j.record_many(message(i) for i in range(3))
    j.record_many([message(3)])  # after close: written at once
    assert [r["data"] for r in lines_of(j.path)[1:]] == ["m0", "m1", "m2", "m3"]


def test_a_write_failure_at_close_is_completed_by_a_later_event(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Half a line reached the disk, then the disk was full: once space is back, the
    # rest of that line is written before anything else, so the file stays valid.
    j = Journal.create(log_dir, "t", flush_interval=3600)
    j.record(message(1))
    real_write = os.write
    full = {"on": True, "calls": 0}

    def flaky(fd: int, data: Any) -> int:
        full["calls"] += 1
        if full["calls"] == 1:
            return real_write(fd, bytes(data[:10]))
        if full["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", flaky)
    with pytest.raises(JournalError):
        j.close()
    full["on"] = False
    j.record(message(2))
    assert j.error is not None
    assert [r["data"] for r in list(read_session(j.path))[1:]] == ["m1", "m2"]


def test_big_messages_round_trip(log_dir: Path) -> None:
    # Flushed a few at a time (a chunk holds at most 4 MiB of payload, or one message).
    big: list[str | bytes] = [os.urandom(3 << 20), "é" * (3 << 20), b"", os.urandom(5 << 20)]
    with Journal.create(log_dir, "big", flush_interval=3600) as j:
        for i, data in enumerate(big):
            if isinstance(data, bytes):
                j.record(Event("received", T0, float(i), "in", "binary", None, data, len(data)))
            else:
                j.record(Event("received", T0, float(i), "in", "text", None, data, len(data) * 2))
            j.record(Event("ping", T0, float(i), "out"))
    records = [r for r in read_session(j.path) if r["event"] == "received"]
    assert [r.get("data", r.get("data_b64")) for r in records] == [
        base64.b64encode(big[0]).decode() if isinstance(big[0], bytes) else "?",
        big[1],
        "",
        base64.b64encode(big[3]).decode() if isinstance(big[3], bytes) else "?",
    ]


def test_record_waits_for_a_flush_that_overruns(log_dir: Path) -> None:
    # A flusher thread holding the lock for long (starved of the GIL by the recording
    # thread's own system calls) must not keep events off the disk: once a flush is
    # due, record() waits for it, which lends it the GIL, then flushes the rest.
    with Journal.create(log_dir, "wait", flush_interval=0.02) as j:
        j._lock.acquire()  # another thread's flush, stuck
        threading.Timer(0.1, j._lock.release).start()
        j.record(message(1))
        while time.monotonic() < j._due:
            pass
        start = time.monotonic()
        j.record(message(2))  # due: waits for the lock, then flushes both
        assert time.monotonic() - start > 0.05
        assert j.written == 2
