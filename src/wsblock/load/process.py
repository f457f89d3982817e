"""Locust's side of ``wsblock load``, in a process of its own.

``python -m wsblock.load.process CONFIG_JSON`` (started by :mod:`wsblock.cli.load`,
which checked everything first). gevent patches the standard library before anything
else is imported here, which is why no other command imports this module.
"""

# ruff: noqa: E402
from gevent import monkey

monkey.patch_all()

import itertools
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gevent
import gevent.event
import locust.stats
from locust import User, constant
from locust.env import Environment
from locust.html import get_html_report
from locust.runners import MasterRunner

from wsblock.conversation.workspace import BadInput, EnvChoice
from wsblock.journal import Journal
from wsblock.load import thresholds as th
from wsblock.load.config import LoadConfig
from wsblock.load.conversation import Meter, play
from wsblock.load.plan import Plan, entry_names
from wsblock.load.report import judge_thresholds, print_table, write_junit
from wsblock.variables.masking import Masker

_KIND_ORDER = {"connect": 0, "expect": 1, "conversation": 2}


class _Journals:
    """``--journal``: one journal per virtual user (all its conversations, in order),
    every process bounded by ``--journal-max-mb``; past it, journaling stops, said out loud."""

    def __init__(self, cfg: LoadConfig):
        self.cfg = cfg
        self.left = cfg.journal_max_mb * 1024 * 1024
        self.open: list[Journal] = []
        self.sessions = 0
        self.stopped = False

    def start(self, name: str, requests: list[Any]) -> Any:
        if not self.cfg.journal or self.stopped:
            return None
        secrets = set().union(*(r.secrets for r in requests))
        codecs = requests[0].codecs  # recorded when every request reads the same way
        journal = Journal.create(
            self.cfg.log_dir,
            name=name,
            secrets=secrets,
            url=requests[0].url,
            file=self.cfg.file,
            codecs=codecs if all(r.codecs == codecs for r in requests) else None,
        )
        self.open.append(journal)
        self.sessions += 1

        def tap(event: Any) -> None:
            if journal.closed:
                return
            data = event.data
            self.left -= 160 + (len(data) if data is not None else 0)
            if self.left < 0:
                self.stop()
                return
            journal.record(event)

        return tap

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            sys.stderr.write(
                f"wsblock load: the journal reached --journal-max-mb "
                f"{self.cfg.journal_max_mb:g}: later events are not journaled\n"
            )
        self.close()

    def close(self) -> None:
        for j in self.open:
            j.close()
        self.open.clear()


_said: set[str] = set()


def _say_once(text: str) -> None:
    if text not in _said:
        _said.add(text)
        sys.stderr.write(f"wsblock load: {text}\n")


def _user_class(cfg: LoadConfig, plan: Plan, meter: Meter, journals: _Journals) -> type[User]:
    numbers = itertools.count(1)

    class WsblockUser(User):
        """One virtual user: the file's conversation(s) in a loop."""

        wait_time = constant(0)

        def on_start(self) -> None:
            runner = self.environment.runner
            worker = getattr(runner, "worker_index", 0) or 0
            number = next(numbers)
            self.tap = None
            try:
                self.requests = plan.resolve(number, worker)
            except BadInput as e:  # this user's own values do not resolve: counted, said once
                self.requests, self.prefixes = [], []
                _say_once(f"user {number}: {e}")
                return
            self.prefixes = plan.prefixes(self.requests)
            self.tap = journals.start(
                f"load user {number}" + (f" worker {worker}" if worker else ""), self.requests
            )

        def record(
            self, kind: str, name: str, ms: float, error: str | None = None, length: int = 0
        ) -> None:
            self.environment.events.request.fire(
                request_type=kind,
                name=name,
                response_time=ms,
                response_length=length,
                exception=error,
                context={},
            )

        @locust.task
        def conversation(self) -> None:
            if not self.requests:
                self.record("conversation", "conversation", 0.0, "bad input")
                gevent.sleep(1.0)
                return
            for request, prefix in zip(self.requests, self.prefixes, strict=True):
                try:
                    play(
                        request, self.record, meter, linger=cfg.linger, prefix=prefix, tap=self.tap
                    )
                except Exception as e:  # noqa: BLE001 - counted and said, never a traceback
                    if os.environ.get("WSBLOCK_DEBUG"):
                        raise
                    self.record(
                        "conversation",
                        f"{prefix}conversation",
                        0.0,
                        f"internal error: {type(e).__name__}",
                    )
                    _say_once(
                        f"internal error in a conversation: {type(e).__name__}: {e} "
                        "(set WSBLOCK_DEBUG=1 for a traceback, and please report it)"
                    )

    return WsblockUser


class _Totals:
    """Messages and connections of this process, or (on the master) merged from workers."""

    def __init__(self, meter: Meter):
        self.meter = meter
        self.sent = [0, 0, 0, 0]  # what a worker reported so far: out, in, bytes out, bytes in
        self.merged: Counter[str] = Counter()  # master: sums of the workers' deltas
        self.peaks: dict[str, int] = {}

    def report(self, client_id: str, data: dict[str, Any]) -> None:  # worker side
        m = self.meter
        now = [m.out, m.inb, m.bytes_out, m.bytes_in]
        data["wsblock"] = {
            "delta": [a - b for a, b in zip(now, self.sent, strict=True)],
            "peak": m.peak,
        }
        self.sent = now

    def received(self, client_id: str, data: dict[str, Any]) -> None:  # master side
        mine = data.get("wsblock")
        if not mine:
            return
        for key, d in zip(("out", "in", "bytes_out", "bytes_in"), mine["delta"], strict=True):
            self.merged[key] += d
        self.peaks[client_id] = max(self.peaks.get(client_id, 0), mine["peak"])

    def values(self, distributed: bool) -> dict[str, int]:
        if distributed:
            return {
                "out": self.merged["out"],
                "in": self.merged["in"],
                "bytes_out": self.merged["bytes_out"],
                "bytes_in": self.merged["bytes_in"],
                "peak": sum(self.peaks.values()),
            }
        m = self.meter
        return {
            "out": m.out,
            "in": m.inb,
            "bytes_out": m.bytes_out,
            "bytes_in": m.bytes_in,
            "peak": m.peak,
        }


def _pct(entry: Any, p: float) -> int | None:
    return entry.get_response_time_percentile(p) if entry.num_requests else None


def summarize(
    cfg: LoadConfig, env: Environment, totals: _Totals, duration: float, workers: int
) -> dict[str, Any]:
    assert env.runner is not None
    stats = env.runner.stats
    entries = sorted(stats.entries.values(), key=lambda e: _KIND_ORDER.get(e.method, 1))

    def per_s(n):
        return n / duration if duration > 0 else 0.0

    requests = [
        {
            "name": e.name,
            "kind": e.method,
            "count": e.num_requests,
            "failures": e.num_failures,
            "p50_ms": _pct(e, 0.5),
            "p90_ms": _pct(e, 0.9),
            "p95_ms": _pct(e, 0.95),
            "p99_ms": _pct(e, 0.99),
            "max_ms": round(e.max_response_time, 3) if e.num_requests else None,
            "avg_ms": round(e.avg_response_time, 3) if e.num_requests else None,
            "rps": round(per_s(e.num_requests), 3),
        }
        for e in entries
    ]
    errors: Counter[str] = Counter()
    for err in stats.errors.values():
        if err.method == "conversation":
            errors[str(err.error)] += err.occurrences
    t = totals.values(workers > 0)
    return {
        "event": "load-summary",
        "file": cfg.file,
        "users": cfg.users,
        "duration_s": round(duration, 3),
        "workers": workers,
        "requests": requests,
        "messages": {
            "out": t["out"],
            "in": t["in"],
            "bytes_out": t["bytes_out"],
            "bytes_in": t["bytes_in"],
            "out_per_s": round(per_s(t["out"]), 3),
            "in_per_s": round(per_s(t["in"]), 3),
        },
        "connections": {"peak": t["peak"]},
        "errors": dict(errors),
    }


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _progress(cfg: LoadConfig, env: Environment, meter: Meter, started: float) -> None:
    """The live line on a terminal (stderr), or ``load-progress`` events with --json."""
    runner = env.runner
    assert runner is not None
    last, last_t = 0, time.monotonic()
    while True:
        gevent.sleep(1.0 if cfg.live else 2.0)
        stats = runner.stats
        conv = [e for e in stats.entries.values() if e.method == "conversation"]
        done = sum(e.num_requests for e in conv)
        now = time.monotonic()
        rps = (done - last) / (now - last_t) if now > last_t else 0.0
        last, last_t = done, now
        p99 = max((e.get_response_time_percentile(0.99) or 0 for e in conv), default=0)
        errors = sum(e.num_failures for e in conv)
        users = runner.user_count
        if cfg.as_json:
            _emit(
                {
                    "event": "load-progress",
                    "elapsed_s": round(time.monotonic() - started, 1),
                    "users": users,
                    "rps": round(rps, 1),
                    "p99_ms": p99,
                    "errors": errors,
                    **({} if cfg.role == "master" else {"open": meter.open}),
                }
            )
        elif cfg.live:
            sys.stderr.write(
                f"\r\x1b[K{time.monotonic() - started:5.0f} s  users {users}  "
                f"{rps:.1f} conversations/s  p99 {p99} ms  errors {errors}"
                + ("" if cfg.role == "master" else f"  open {meter.open}")
            )
            sys.stderr.flush()


def _write_csv(env: Environment, prefix: str) -> None:
    """Locust's own CSV files (``PREFIX_stats.csv``, ``_failures``, ``_exceptions``, ``_stats_history``)."""
    folder = Path(prefix).parent
    folder.mkdir(parents=True, exist_ok=True)
    w = locust.stats.StatsCSVFileWriter(env, locust.stats.PERCENTILES_TO_REPORT, prefix)
    w.requests_csv_writer.writerow(w.requests_csv_columns)
    w._requests_data_rows(w.requests_csv_writer)
    w.stats_history_csv_writer.writerow(w.stats_history_csv_columns)
    w._stats_history_data_rows(w.stats_history_csv_writer, time.time())
    w.failures_csv_writer.writerow(w.failures_columns)
    w._failures_data_rows(w.failures_csv_writer)
    w.exceptions_csv_writer.writerow(w.exceptions_columns)
    w._exceptions_data_rows(w.exceptions_csv_writer)
    w.close_files()


def run(cfg: LoadConfig) -> int:
    env_choice = EnvChoice(
        cfg.environment, cfg.profile, Path(cfg.env_file) if cfg.env_file else None, cfg.env_vars
    )
    plan = Plan.open(cfg.file, env_choice, cfg.which)
    first = plan.resolve()
    names = entry_names(first, plan.prefixes(first))
    thresholds = [th.parse(t, names) for t in (cfg.fail_if or ["errors > 0"])]
    meter = Meter()
    totals = _Totals(meter)
    journals = _Journals(cfg)
    env = Environment(
        user_classes=[_user_class(cfg, plan, meter, journals)],
        host=Masker(first[0].secrets).mask(first[0].url),
    )
    if cfg.role == "worker":
        runner: Any = env.create_worker_runner(cfg.master_host, cfg.master_port)
        env.events.report_to_master.add_listener(totals.report)
        counts: Counter[str] = Counter()

        def count(request_type: str, name: str, exception: Any = None, **_: Any) -> None:
            counts[name] += 1

        env.events.request.add_listener(count)
        runner.greenlet.join()
        journals.close()
        if cfg.as_json:
            _emit(
                {
                    "event": "worker-summary",
                    "requests": dict(counts),
                    "messages": {"out": meter.out, "in": meter.inb},
                }
            )
        return 0
    if cfg.role == "master":
        runner = env.create_master_runner(cfg.master_bind, cfg.master_port)
        env.events.worker_report.add_listener(totals.received)
    else:
        runner = env.create_local_runner()
    stop = gevent.event.Event()
    gevent.signal_handler(signal.SIGTERM, stop.set)
    gevent.signal_handler(signal.SIGINT, stop.set)
    if cfg.web:
        env.create_web_ui("127.0.0.1", cfg.web_port)
        sys.stderr.write(
            f"Locust's web UI: http://127.0.0.1:{cfg.web_port} (Ctrl+C ends the test)\n"
        )
    if isinstance(runner, MasterRunner) and not cfg.web:
        said = -1
        while (ready := len(runner.clients.ready)) < cfg.expect_workers and not stop.is_set():
            if ready != said:
                sys.stderr.write(
                    f"waiting for workers: {ready} of {cfg.expect_workers} connected\n"
                )
                said = ready
            stop.wait(0.1)
    started = time.monotonic()
    if cfg.as_json:
        _emit(
            {
                "event": "load-start",
                "file": cfg.file,
                "users": cfg.users,
                "spawn_rate": cfg.spawn_rate,
                "run_time_s": cfg.run_time,
                "role": cfg.role,
            }
        )
    progress = (
        gevent.spawn(_progress, cfg, env, meter, started) if (cfg.live or cfg.as_json) else None
    )
    if not cfg.web and not stop.is_set():
        runner.start(cfg.users, cfg.spawn_rate)
    stop.wait(cfg.run_time)
    duration = time.monotonic() - started
    workers = len(runner.clients) if isinstance(runner, MasterRunner) else 0
    runner.quit()
    journals.close()
    if progress is not None:
        progress.kill()
        if cfg.live and not cfg.as_json:
            sys.stderr.write("\n")
    summary = summarize(cfg, env, totals, duration, workers)
    summary["thresholds"] = judge_thresholds(thresholds, summary)
    if cfg.journal:
        summary["journal"] = {
            "dir": cfg.log_dir,
            "sessions": journals.sessions,
            "stopped": journals.stopped,
        }
    if not any(r["kind"] == "conversation" and r["count"] for r in summary["requests"]):
        # A load test that measured nothing must not pass.
        summary["thresholds"].append(
            {
                "expression": "no conversation finished",
                "failed": True,
                "actual": 0.0,
                "reason": None,
            }
        )
    if cfg.csv:
        _write_csv(env, cfg.csv)
    if cfg.html:
        Path(cfg.html).parent.mkdir(parents=True, exist_ok=True)
        Path(cfg.html).write_text(get_html_report(env, show_download_link=False), encoding="utf-8")
    if cfg.junit:
        write_junit(Path(cfg.junit), summary)
    if cfg.as_json:
        for t in summary["thresholds"]:
            _emit({"event": "threshold", **t})
        _emit(summary)
    else:
        print_table(summary, sys.stdout)
    return 1 if any(t["failed"] for t in summary["thresholds"]) else 0


def main() -> None:
    import logging

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="locust: %(levelname)s %(message)s"
    )
    cfg = LoadConfig.loads(sys.argv[1])
    try:
        code = run(cfg)
    except (BadInput, th.ThresholdError) as e:
        sys.stderr.write(f"wsblock: {e}\n")
        code = 2
    except Exception as e:  # noqa: BLE001 - never a traceback (WSBLOCK_DEBUG=1 shows it)
        if os.environ.get("WSBLOCK_DEBUG"):
            raise
        sys.stderr.write(
            f"wsblock: internal error: {type(e).__name__}: {e} "
            "(set WSBLOCK_DEBUG=1 for a traceback, and please report it)\n"
        )
        code = 1
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
