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
from typing import Any, cast

import gevent
import gevent.event
import locust.stats
from locust import User, constant
from locust.env import Environment
from locust.html import get_html_report
from locust.rpc import Message
from locust.runners import STATE_MISSING, MasterRunner

from wsblock.cli.common import EXIT_STDOUT_CLOSED, Stdout, on_stdout_closed, stdout_closed
from wsblock.conversation.workspace import BadInput, EnvChoice
from wsblock.journal import Journal
from wsblock.load import thresholds as th
from wsblock.load.config import LoadConfig
from wsblock.load.conversation import Meter, play
from wsblock.load.latency import Latencies
from wsblock.load.plan import Plan, entry_names
from wsblock.load.report import judge_thresholds, print_table, write_junit
from wsblock.load.resolver import install as install_resolver
from wsblock.variables.masking import Masker, Secrets

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

    def start(self, name: str, requests: list[Any]) -> tuple[Any, Any]:
        """A virtual user's journal: ``(tap, follow)``, the events' tap and
        ``follow(secrets)``, called with each conversation's
        :class:`~wsblock.variables.masking.Secrets` before it plays (the journal masks
        what it captures into secrets from then on); ``(None, None)`` without one."""
        if not self.cfg.journal or self.stopped:
            return None, None
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

        def use(masker: Masker) -> None:
            journal.masker = masker

        def follow(secrets: Secrets) -> None:
            if journal.closed:
                return
            journal.write_now()  # the last conversation's events, masked with its secrets
            secrets.follow(use)

        return tap, follow

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


class _Backoff:
    """While every connection of this process is refused, each user waits before its next
    one: 0.1 s, doubled each time up to :data:`MAX`; said once on stderr (and counted in the
    summary). The first connection that opens ends it."""

    MAX = 2.0

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.waits = 0  # not yet reported to the master
        self.total = 0
        self.said = False

    def after(self, meter: Meter) -> None:
        streak = meter.refused_in_a_row
        if not streak:
            if self.said:
                self.said = False
                _note("connections open again: no more backing off", self.as_json, "resumed")
            return
        delay = min(0.1 * 2 ** min(streak - 1, 10), self.MAX)
        if not self.said:
            self.said = True
            _note(
                f"every connection is refused: backing off (each user waits up to "
                f"{self.MAX:g} s before connecting again)",
                self.as_json,
                "refused",
            )
        self.waits += 1
        self.total += 1
        gevent.sleep(delay)


def _note(text: str, as_json: bool, reason: str) -> None:
    sys.stderr.write(f"wsblock load: {text}\n")
    if as_json:
        _emit({"event": "load-backoff", "reason": reason, "text": text})


def _user_class(
    cfg: LoadConfig, plan: Plan, meter: Meter, journals: _Journals, backoff: _Backoff
) -> type[User]:
    numbers = itertools.count(1)

    class WsblockUser(User):
        """One virtual user: the file's conversation(s) in a loop."""

        wait_time = constant(0)

        def on_start(self) -> None:
            runner = self.environment.runner
            worker = getattr(runner, "worker_index", 0) or 0
            number = next(numbers)
            self.tap = self.follow = None
            self.secrets: set[str] = set()
            try:
                self.requests = plan.resolve(number, worker)
            except BadInput as e:  # this user's own values do not resolve: counted, said once
                self.requests, self.prefixes = [], []
                _say_once(f"user {number}: {e}")
                return
            self.prefixes = plan.prefixes(self.requests)
            self.secrets = set().union(*(r.secrets for r in self.requests))
            self.tap, self.follow = journals.start(
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
                # this conversation's secrets: the user's, and those it captures
                secrets = Secrets(self.secrets)
                if self.follow is not None:
                    self.follow(secrets)
                try:
                    play(
                        request,
                        self.record,
                        meter,
                        linger=cfg.linger,
                        prefix=prefix,
                        tap=self.tap,
                        secrets=secrets,
                    )
                    backoff.after(meter)
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
    """Messages, connections and latencies of this process, or (on the master) merged from
    the workers' reports."""

    def __init__(self, meter: Meter, backoff: _Backoff):
        self.meter, self.backoff = meter, backoff
        self.latencies = Latencies()
        self.sent = [0, 0, 0, 0]  # what a worker reported so far: out, in, bytes out, bytes in
        self.unchecked_sent: Counter[str] = Counter()
        self.merged: Counter[str] = Counter()  # master: sums of the workers' deltas
        self.merged_unchecked: Counter[str] = Counter()
        self.peaks: dict[str, int] = {}
        self.stopped = False  # worker: its users are stopped, its next report is its last
        self.finals: set[str] = set()  # master: the workers whose last report came
        self.final_came = gevent.event.Event()

    def report(self, client_id: str, data: dict[str, Any]) -> None:  # worker side
        m = self.meter
        now = [m.out, m.inb, m.bytes_out, m.bytes_in]
        data["wsblock"] = {
            "delta": [a - b for a, b in zip(now, self.sent, strict=True)],
            "peak": m.peak,
            "latency": self.latencies.take(),
            "unchecked": dict(m.unchecked - self.unchecked_sent),
            "backoffs": self.backoff.waits,
            "final": self.stopped,  # nothing can follow: the users are stopped
        }
        self.sent = now
        self.unchecked_sent = m.unchecked.copy()
        self.backoff.waits = 0

    def received(self, client_id: str, data: dict[str, Any]) -> None:  # master side
        mine = data.get("wsblock")
        if not mine:
            return
        for key, d in zip(("out", "in", "bytes_out", "bytes_in"), mine["delta"], strict=True):
            self.merged[key] += d
        self.peaks[client_id] = max(self.peaks.get(client_id, 0), mine["peak"])
        self.latencies.merge(mine.get("latency", []))
        self.merged_unchecked.update(mine.get("unchecked", {}))
        self.merged["backoffs"] += mine.get("backoffs", 0)
        if mine.get("final"):
            self.finals.add(client_id)
            self.final_came.set()

    def values(self, distributed: bool) -> dict[str, Any]:
        if distributed:
            return {
                "out": self.merged["out"],
                "in": self.merged["in"],
                "bytes_out": self.merged["bytes_out"],
                "bytes_in": self.merged["bytes_in"],
                "peak": sum(self.peaks.values()),
                "unchecked": dict(self.merged_unchecked),
                "backoffs": self.merged["backoffs"],
            }
        m = self.meter
        return {
            "out": m.out,
            "in": m.inb,
            "bytes_out": m.bytes_out,
            "bytes_in": m.bytes_in,
            "peak": m.peak,
            "unchecked": dict(m.unchecked),
            "backoffs": self.backoff.total,
        }


class _PreciseEntry(locust.stats.StatsEntry):
    """A Locust statistics entry whose times are read in wsblock's histograms, to the
    hundredth of a millisecond: what Locust's CSV and HTML reports show once the run is over
    (:func:`_precise_entries`). Locust annotates its percentiles ``int``: here they are not."""

    histogram: Any

    def get_response_time_percentile(self, percent: float) -> float:  # type: ignore[override]
        if not self.histogram.get_total_count():
            return 0
        us = self.histogram.get_value_at_percentile(percent * 100)
        return min(round(us / 1000, 2), round(self.max_response_time, 2))

    @property
    def median_response_time(self) -> float:  # type: ignore[override]
        return self.get_response_time_percentile(0.5)

    def to_dict(self, escape_string_values: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = super().to_dict(escape_string_values)
        d["min_response_time"] = round(self.min_response_time or 0, 2)
        d["max_response_time"] = round(self.max_response_time, 2)
        d["avg_response_time"] = round(self.avg_response_time, 2)
        return d


def _precise_entries(env: Environment, latencies: Latencies) -> list[Any]:
    """Locust's entries (and its ``Aggregated`` row), read in *latencies* from now on."""
    assert env.runner is not None
    stats = env.runner.stats
    entries: list[_PreciseEntry] = []
    for e in [*stats.entries.values(), stats.total]:
        e.__class__ = _PreciseEntry  # the same object, its times read in the histograms
        entries.append(cast(_PreciseEntry, e))
    *named, total = entries
    for e in named:
        e.histogram = latencies.histogram(e.method, e.name)
    total.histogram = latencies.total()
    return [*sorted(named, key=lambda e: (_KIND_ORDER.get(e.method, 1), e.name)), total]


#: How long the master waits for the workers' last reports after asking them to quit.
FINAL_REPORT_WAIT = 15.0


def _quit_master(runner: MasterRunner, totals: _Totals, wait: float) -> list[str]:
    """Locust's ``MasterRunner.quit()``, waiting for every worker's last report.

    Locust asks the workers to quit and then sleeps 0.5 s "for the final stats report":
    a worker slower than that to stop its users (a loaded machine, many users) had its
    last seconds left out of the merged totals, silently. Here the master waits until
    each worker's report marked final has come (a worker's reports arrive in order), up
    to *wait* seconds. Returns the workers whose last report did not come: a worker that
    went missing during the test, or one that did not answer in time.
    """
    runner.stop(send_stop_to_client=False)
    clients = list(runner.clients.all)
    for client in clients:
        runner.server.send_to_client(Message("quit", None, client.id))
    awaited = {c.id for c in clients if c.state != STATE_MISSING}
    deadline = time.monotonic() + wait
    while awaited - totals.finals and (left := deadline - time.monotonic()) > 0:
        totals.final_came.clear()
        totals.final_came.wait(left)
    runner.greenlet.kill(block=True)
    return sorted(c.id for c in clients if c.id not in totals.finals)


def summarize(
    cfg: LoadConfig, env: Environment, totals: _Totals, duration: float, workers: int
) -> dict[str, Any]:
    assert env.runner is not None
    stats = env.runner.stats
    entries = sorted(stats.entries.values(), key=lambda e: _KIND_ORDER.get(e.method, 1))

    def per_s(n):
        return n / duration if duration > 0 else 0.0

    lat = totals.latencies

    def pct(e: Any, p: float) -> float | None:
        v = lat.percentile_ms(e.method, e.name, p)
        return None if v is None else min(v, round(e.max_response_time, 2))

    for e in entries:
        if (missing := e.num_requests - lat.count(e.method, e.name)) > 0:
            sys.stderr.write(
                f"wsblock load: the latencies of {missing} of {e.num_requests} {e.name!r} "
                "did not reach this process: its percentiles are of the others\n"
            )
    requests = [
        {
            "name": e.name,
            "kind": e.method,
            "count": e.num_requests,
            "failures": e.num_failures,
            "p50_ms": pct(e, 50),
            "p90_ms": pct(e, 90),
            "p95_ms": pct(e, 95),
            "p99_ms": pct(e, 99),
            "max_ms": round(e.max_response_time, 2) if e.num_requests else None,
            "avg_ms": round(e.avg_response_time, 2) if e.num_requests else None,
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
        "connections": {"peak": t["peak"], "backoffs": t["backoffs"]},
        "errors": dict(errors),
        "assertions_not_checked": t["unchecked"],
    }


# stdout whose reader may go away (`wsblock load --json | head -1`): the test stops and
# the process exits 141, quietly, as `run` and `connect` do (cli/common.py).
_OUT = Stdout()


def _emit(record: dict[str, Any]) -> None:
    _OUT.write(json.dumps(record, ensure_ascii=False) + "\n")
    _OUT.flush()


def _progress(
    cfg: LoadConfig, env: Environment, meter: Meter, latencies: Latencies, started: float
) -> None:
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
        p99 = max((latencies.percentile_ms(e.method, e.name, 99) or 0.0 for e in conv), default=0.0)
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
                f"{rps:.1f} conversations/s  p99 {p99:.2f} ms  errors {errors}"
                + ("" if cfg.role == "master" else f"  open {meter.open}")
            )
            sys.stderr.flush()


def _write_csv(env: Environment, prefix: str, entries: list[Any]) -> None:
    """Locust's own CSV files (``PREFIX_stats.csv``, ``_failures``, ``_exceptions``,
    ``_stats_history``); the times of ``_stats.csv`` are those of *entries*
    (:func:`_precise_entries`), with two decimals."""
    folder = Path(prefix).parent
    folder.mkdir(parents=True, exist_ok=True)
    percentiles = locust.stats.PERCENTILES_TO_REPORT
    w = locust.stats.StatsCSVFileWriter(env, percentiles, prefix)
    w.requests_csv_writer.writerow(w.requests_csv_columns)
    for e in entries:
        w.requests_csv_writer.writerow(
            [
                e.method,
                e.name,
                e.num_requests,
                e.num_failures,
                e.median_response_time,
                round(e.avg_response_time, 2),
                round(e.min_response_time or 0, 2),
                round(e.max_response_time, 2),
                e.avg_content_length,
                e.total_rps,
                e.total_fail_per_sec,
                *(
                    e.get_response_time_percentile(p) if e.num_requests else "N/A"
                    for p in percentiles
                ),
            ]
        )
    w.stats_history_csv_writer.writerow(w.stats_history_csv_columns)
    w._stats_history_data_rows(w.stats_history_csv_writer, time.time())
    w.failures_csv_writer.writerow(w.failures_columns)
    w._failures_data_rows(w.failures_csv_writer)
    w.exceptions_csv_writer.writerow(w.exceptions_columns)
    w._exceptions_data_rows(w.exceptions_csv_writer)
    w.close_files()


def run(cfg: LoadConfig) -> int:
    install_resolver()  # 127.0.0.1 is read in place, not handed to a thread per connection
    env_choice = EnvChoice(
        cfg.environment, cfg.profile, Path(cfg.env_file) if cfg.env_file else None, cfg.env_vars
    )
    plan = Plan.open(cfg.file, env_choice, cfg.which)
    first = plan.resolve()
    names = entry_names(first, plan.prefixes(first))
    thresholds = [th.parse(t, names) for t in (cfg.fail_if or ["errors > 0"])]
    meter = Meter()
    backoff = _Backoff(cfg.as_json)
    totals = _Totals(meter, backoff)
    journals = _Journals(cfg)
    env = Environment(
        user_classes=[_user_class(cfg, plan, meter, journals, backoff)],
        host=Masker(first[0].secrets).mask(first[0].url),
    )
    if cfg.role == "worker":
        runner: Any = env.create_worker_runner(cfg.master_host, cfg.master_port)
        env.events.report_to_master.add_listener(totals.report)

        def stopped(**_: Any) -> None:  # the users are stopped: the next report is the last
            totals.stopped = True

        env.events.test_stop.add_listener(stopped)
        env.events.request.add_listener(totals.latencies.on_worker_request)
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
                    # What the master received (a request that ends after the last
                    # report is counted here only, as in Locust's own counts).
                    "latency_ms": {
                        name: {
                            "count": totals.latencies.count(kind, name, reported=True),
                            "not_reported": totals.latencies.count(kind, name)
                            - totals.latencies.count(kind, name, reported=True),
                            **{
                                f"p{p}": totals.latencies.percentile_ms(
                                    kind, name, p, reported=True
                                )
                                for p in (50, 90, 99)
                            },
                        }
                        for kind, name in totals.latencies.all
                    },
                    "messages": {"out": meter.out, "in": meter.inb},
                }
            )
        return 0
    if cfg.role == "master":
        runner = env.create_master_runner(cfg.master_bind, cfg.master_port)
        env.events.worker_report.add_listener(totals.received)
    else:
        runner = env.create_local_runner()
        env.events.request.add_listener(totals.latencies.on_request)
    stop = gevent.event.Event()
    on_stdout_closed(stop.set)  # nobody reads the results: the test ends now
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
        gevent.spawn(_progress, cfg, env, meter, totals.latencies, started)
        if (cfg.live or cfg.as_json)
        else None
    )
    if not cfg.web and not stop.is_set():
        runner.start(cfg.users, cfg.spawn_rate)
    stop.wait(cfg.run_time)
    duration = time.monotonic() - started
    workers = len(runner.clients) if isinstance(runner, MasterRunner) else 0
    unreported: list[str] = []
    if isinstance(runner, MasterRunner):
        unreported = _quit_master(runner, totals, FINAL_REPORT_WAIT)
    else:
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
    conversations = [r for r in summary["requests"] if r["kind"] == "conversation"]
    if not any(r["count"] for r in conversations):
        # A load test that measured nothing must not pass.
        summary["thresholds"].append(
            {
                "expression": "no conversation finished",
                "failed": True,
                "actual": 0.0,
                "reason": None,
            }
        )
    elif not any(r["count"] > r["failures"] for r in conversations):
        # Nor one in which nothing worked (whatever thresholds were chosen): named by its errors.
        summary["thresholds"].append(
            {
                "expression": "no conversation succeeded",
                "failed": True,
                "actual": None,
                "reason": "errors: "
                + ", ".join(
                    f"{k} × {v}"
                    for k, v in sorted(summary["errors"].items(), key=lambda kv: -kv[1])
                ),
            }
        )
    if unreported:
        # Counts short by what a worker did last would pass for the whole test: say it.
        summary["thresholds"].append(
            {
                "expression": "every worker's last report",
                "failed": True,
                "actual": None,
                "reason": f"none came from {len(unreported)} of {workers} workers "
                f"({', '.join(unreported)}) within {FINAL_REPORT_WAIT:g} s of the end: "
                "what they did after their previous report is not counted",
            }
        )
    entries = _precise_entries(env, totals.latencies)
    if cfg.csv:
        _write_csv(env, cfg.csv, entries)
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
        print_table(summary, _OUT)  # type: ignore[arg-type]
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
    _OUT.flush()
    sys.exit(EXIT_STDOUT_CLOSED if stdout_closed() else code)


if __name__ == "__main__":
    main()
