"""``wsblock run``: the requests of files, headless, for CI."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from wsblock.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Stdout,
    env_options,
    guarded,
    journal_dir,
    large_journal_note,
    on_stdout_closed,
)
from wsblock.console import Console
from wsblock.conversation.request import Request
from wsblock.conversation.workspace import BadInput, EnvChoice, Workspace, expand_paths
from wsblock.engine.allocator import FloodWatch
from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun, flatten
from wsblock.journal import Journal, JournalError, event_to_dict, handshake_of
from wsblock.runner import CLOSE_GRACE, RequestResult, Stopper, run_request, skipped
from wsblock.variables.masking import Masker, Secrets
from wsblock.words import hidden

Planned = Request | RequestResult  # a request to run, or one already judged (skipped)


def plan(paths: list[Path], env: EnvChoice, which: str | None) -> list[Planned]:
    """Every request to run, resolved before anything is sent (bad input -> exit 2)."""
    out: list[Planned] = []
    errors: list[str] = []
    for path in paths:
        try:
            ws = Workspace.open(path, env)
            specs = ws.select(which)
        except BadInput as e:
            errors.append(str(e))
            continue
        for spec in specs:
            if spec.kind == "http":
                out.append(skipped(spec.name, path, spec.index, "HTTP requests run in Voiden"))
            elif spec.kind != "wss":
                out.append(
                    skipped(spec.name, path, spec.index, f"{spec.kind} requests are not supported")
                )
            else:
                try:
                    out.append(ws.resolve(spec))
                except BadInput as e:
                    errors.append(str(e))
    if errors:
        raise BadInput(
            "\n".join(errors)
            if len(errors) == 1
            else f"{len(errors)} problems:\n  " + "\n  ".join(errors)
        )
    return out


def _decoder(req: Request) -> Callable[[Event], tuple[str, str] | None] | None:
    """How the console shows a message of *req* decoded: received ones by its ``decode``
    row, binary ones sent by its ``encode`` row (as ``--json`` carries them)."""
    decode, encode = req.options.decode, req.options.encode
    if decode is None and encode is None:
        return None
    from wsblock.codecs import decoded_line

    def shown(event: Event) -> tuple[str, str] | None:
        if event.kind == "received":
            return decoded_line(decode, event.data)
        if event.kind == "sent" and isinstance(event.data, bytes):
            return decoded_line(encode, event.data)
        return None

    return shown


class _OutOfTime(Exception):
    """``--timeout`` ran out while the files were read and resolved."""


def _plan_within(
    paths: list[Path], env: EnvChoice, which: str | None, timeout: float | None
) -> list[Planned]:
    """:func:`plan`, within ``--timeout``: the time limit covers reading and resolving
    the files too (exit 1 when it runs out there, before anything is sent)."""
    if timeout is None or not hasattr(signal, "setitimer"):
        return plan(paths, env, which)

    planning = True

    def out_of_time(signum: int, frame: object) -> None:
        if planning:  # not once plan() has returned
            raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        planned = plan(paths, env, which)
        planning = False
        return planned
    except _OutOfTime:
        sys.stderr.write(
            f"wsblock: the run timed out after {timeout:g} s while reading and resolving "
            "the files; nothing was sent\n"
        )
        raise SystemExit(EXIT_FAILED) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Reporter:
    """Human lines or NDJSON events on stdout; a summary at the end."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.out = Stdout()  # a reader that goes away ends the run quietly (cli/common.py)
        self.console = Console(self.out)  # type: ignore[arg-type]
        self.masker = Masker(())
        self.request: Request | None = None
        self.flood = FloodWatch()  # the allocator keeps its heap once a flood starts

    def start(self, req: Request) -> None:
        self.request = req
        self.use_masker(Masker(req.secrets))
        self.console.decode = _decoder(req)
        if not self.as_json:
            where = f"{req.file.name} › " if req.file else ""
            self.console.line(f"▶ {where}{req.name}  {self.masker.mask(req.url)}", "sys")

    def follow(self, secrets: Secrets) -> None:
        """Mask with the request's session's secrets, those it captures included, from
        the moment they are captured (as its journal does)."""
        secrets.follow(self.use_masker)

    def use_masker(self, masker: Masker) -> None:
        """Mask everything shown from now on with ``masker``."""
        self.masker = masker
        self.console.masker = masker

    def event(self, event: Event, flush: bool = True) -> None:
        if self.as_json:
            record = event_to_dict(event, self.masker)
            if self.request is not None:
                from wsblock.codecs import decoded_for  # here: `run` starts without the codecs

                record.setdefault("request", self.request.name)
                record.update(decoded_for(self.request.options, event, self.masker))
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif not hidden(event):
            self.console.event(event)
        if flush:
            self.out.flush()

    def parts(self, parts: Sequence[Part]) -> None:
        """A batch of events, received messages in runs: one write, one flush."""
        if self.flood.left > 0:
            self.flood.received(sum(sum(p.sizes) for p in parts if type(p) is ReceivedRun))
        if self.as_json:
            for event in flatten(parts):
                self.event(event, flush=False)
        else:
            write = self.out.write
            for part in parts:
                if type(part) is ReceivedRun:
                    for piece in part.split(4096):  # a flood's batch, in slices
                        data = self.console.run_bytes(piece)
                        if data is None or not self.out.write_bytes(data):
                            write(self.console.run_text(piece))
                elif not hidden(part):  # type: ignore[arg-type]
                    write(self.console.text(part))  # type: ignore[arg-type]
        self.out.flush()

    def result(self, r: RequestResult) -> None:
        if self.as_json:
            record = {
                "event": "result",
                "request": r.name,
                "file": str(r.file) if r.file else None,
                "ok": r.ok,
                "status": r.status,
                "sent": r.sent,
                "received": r.received,
                "duration_ms": round(r.duration * 1000, 1),
                "failures": [self.masker.mask(f) for f in r.failures],
            }
            if r.waiting_on:
                record["waiting_on"] = self.masker.mask(r.waiting_on)
            if r.journal:
                record["journal"] = str(r.journal)
                record["journal_bytes"] = _file_size(r.journal)
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        where = f"{r.file.name} › " if r.file else ""
        if r.status == "skipped":
            self.console.line(f"○ skipped  {where}{r.name}: {r.reason}", "sys")
            return
        for f in r.failures:
            self.console.line(f"  ✘ {self.masker.mask(f)}", "bad")
        mark, style = ("✔ passed", "ok") if r.ok else ("✘ failed", "bad")
        self.console.line(
            f"{mark}  {where}{r.name}  {r.sent} out / {r.received} in  {r.duration:.2f} s", style
        )
        if r.journal:
            self.console.line(f"  journal: {r.journal}", "sys")
            note = large_journal_note(r.journal)
            if note:
                self.console.line(f"  ⚠ {note}", "bad")

    def summary(self, results: list[RequestResult]) -> None:
        passed = sum(r.status == "passed" for r in results)
        failed = sum(r.status == "failed" for r in results)
        skip = sum(r.status == "skipped" for r in results)
        if self.as_json:
            self.out.write(
                json.dumps(
                    {"event": "summary", "passed": passed, "failed": failed, "skipped": skip}
                )
                + "\n"
            )
        else:
            text = f"{passed} passed, {failed} failed" + (f", {skip} skipped" if skip else "")
            self.console.line(text, "bad" if failed else "ok")


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class JournalTrouble:
    """Says at once on stderr when a journal cannot be written (a full disk...); the run
    goes on, and fails at the end (exit 1): a session that is not recorded is a failure."""

    def __init__(self) -> None:
        self.failed = False

    def __call__(self, exc: OSError) -> None:
        self.failed = True
        why = exc.strerror or str(exc)
        sys.stderr.write(
            f"wsblock: the journal cannot be written ({why}); the connection "
            "goes on, the run will fail\n"
        )
        sys.stderr.flush()


def _journal(
    item: Request, log_dir: Path | None, trouble: JournalTrouble, secrets: Secrets
) -> Journal | None:
    """The request's journal in *log_dir* (None: ``--no-journal``), masking with
    *secrets* (the request's, and those it captures: the runner has it follow them)."""
    if log_dir is None:
        return None
    journal = Journal.create(
        log_dir=log_dir,
        name=item.name,
        secrets=secrets.masker,
        url=item.url,
        file=item.file,
        codecs=item.codecs,
        handshake=handshake_of(item),
    )
    journal.on_error = trouble
    return journal


async def _run_all(
    planned: list[Planned],
    reporter: Reporter,
    log_dir: Path | None,
    linger: float,
    bail: bool,
    results: list[RequestResult],
    stopper: Stopper,
    trouble: JournalTrouble,
) -> None:
    """Run *planned* in order, appending to *results* as each ends (a timeout keeps them)."""
    values: dict[str, Any] = {}  # {{process.NAME}} captured, for the later requests too
    for item in planned:
        result = await run_planned(item, reporter, log_dir, linger, stopper, trouble, values=values)
        results.append(result)
        if bail and not result.ok:
            break


async def run_planned(
    item: Planned,
    reporter: Reporter,
    log_dir: Path | None,
    linger: float,
    stopper: Stopper,
    trouble: JournalTrouble,
    values: dict[str, Any] | None = None,
) -> RequestResult:
    """Run one planned request, journaled and reported; one already judged is reported.

    The one way a request is run from a file: ``wsblock run`` calls it for each request
    in turn, the pytest plugin and ``wsblock.run_file`` (:mod:`wsblock.testing`) too.
    *values* holds the ``{{process.NAME}}`` captured so far: pass the same dict to each
    request of a run so that later requests see what earlier ones captured.
    """
    if isinstance(item, RequestResult):
        reporter.result(item)
        return item
    reporter.start(item)
    secrets = Secrets(item.secrets)  # and those captured: the journal and the reporter follow
    reporter.follow(secrets)
    journal = _journal(item, log_dir, trouble, secrets)
    try:
        result = await run_request(
            item,
            reporter.event,
            journal=journal,
            linger=linger,
            stopper=stopper,
            parts_listener=reporter.parts,
            values=values,
            secrets=secrets,
        )
    finally:
        try:
            if journal is not None:
                journal.close()
        except JournalError:
            trouble.failed = True  # said at once by `trouble`
    reporter.result(result)
    return result


def _cut_words(why: str, timeout: float | None) -> str:
    """Why a run was cut short, in words: ``interrupted``, ``the run timed out after 2 s``."""
    if why == "stdout":
        return "stdout was closed"
    return "interrupted" if why == "interrupted" else f"the run timed out after {timeout:g} s"


def _report_cut(
    planned: list[Planned],
    results: list[RequestResult],
    stopper: Stopper,
    reporter: Reporter,
    why: str,
) -> None:
    """After a cut: report each request that had not ended, the one under way with what
    really happened (counts, duration, the step it waited on, its journal), the ones
    not started as failed with *why*."""
    done = {(r.file, r.index) for r in results}
    under_way = {(r.file, r.index): r for r in stopper.cut}
    for item in planned:
        key = (item.file, item.index)
        if key in done:
            continue
        r = under_way.get(key) or RequestResult(
            item.name, item.file, item.index, status="failed", failures=[f"{why} (not started)"]
        )
        reporter.result(r)
        results.append(r)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@env_options
@click.option(
    "--request", "which", metavar="N|NAME", help="Run one request of each file (number or name)."
)
@click.option("--json", "as_json", is_flag=True, help="Events as NDJSON on stdout.")
@click.option(
    "--junit", type=click.Path(path_type=Path), metavar="FILE", help="Write a JUnit XML report."
)
@click.option("--bail", is_flag=True, help="Stop at the first failing request.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Time limit for the whole run.",
)
@click.option(
    "--linger",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="S",
    help="After the last step, wait S seconds for more messages or a close by the server.",
)
@click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Journal sessions here instead of $XDG_STATE_HOME/wsblock/sessions.",
)
@click.option("--no-journal", is_flag=True, help="Record no journal of the sessions.")
@guarded
def run(
    paths: tuple[str, ...],
    env: EnvChoice,
    which: str | None,
    as_json: bool,
    junit: Path | None,
    bail: bool,
    timeout: float | None,
    linger: float,
    log_dir: Path | None,
    no_journal: bool,
) -> None:
    """Run the WebSocket requests of PATHS (files, folders, globs) headless.

    \b
    Each request: connect, send its saved messages, wait for its expectations,
    linger, close with 1000, check its assertions.
    Examples:
      wsblock run echo.void -e .env
      wsblock run 'tests/**/*.void' --junit report.xml --bail

    Exit code 0 when everything held, 1 when a request failed, 2 on bad input.
    """
    started = time.monotonic()
    files = expand_paths(list(paths))
    planned = _plan_within(files, env, which, timeout)
    log_dir = None if no_journal else journal_dir(log_dir)
    if not planned:
        raise BadInput("no requests found in " + ", ".join(paths))
    if all(isinstance(p, RequestResult) for p in planned):  # a run that tests nothing
        reasons = dict.fromkeys(p.reason for p in planned if isinstance(p, RequestResult))
        raise BadInput(
            f"no WebSocket request to run in {', '.join(paths)}: "
            f"{len(planned)} skipped ({'; '.join(r for r in reasons if r)})"
        )
    reporter = Reporter(as_json)
    results: list[RequestResult] = []
    stopper = Stopper()
    trouble = JournalTrouble()

    async def main() -> str | None:
        """Run everything; why it was cut short ("timeout", "interrupted", "stdout") or None.

        ``--timeout`` is a hard bound: the requests under way close with 1000 and get
        CLOSE_GRACE seconds before their connections are cut. So does one Ctrl-C (a
        second one cuts them at once), and a closed stdout.
        """
        task = asyncio.ensure_future(
            _run_all(planned, reporter, log_dir, linger, bail, results, stopper, trouble)
        )
        stop = asyncio.Event()
        why: list[str] = []  # "interrupted", "stdout": why `stop` was set
        loop = asyncio.get_running_loop()

        def on_sigint() -> None:
            if "interrupted" in why:
                stopper.abort()
            why.append("interrupted")
            stop.set()

        def on_stdout_gone() -> None:
            why.append("stdout")
            stop.set()

        loop.add_signal_handler(signal.SIGINT, on_sigint)
        on_stdout_closed(on_stdout_gone)
        waiter = asyncio.ensure_future(stop.wait())
        try:
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
            done, _ = await asyncio.wait(
                {task, waiter}, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            if task in done:
                task.result()
                return None
            cut = why[0] if why else "timeout"
            if cut == "interrupted":
                sys.stderr.write("wsblock: interrupted, closing (Ctrl-C again to cut at once)\n")
                sys.stderr.flush()
            stopper.why = _cut_words(cut, timeout)
            task.cancel()
            finished, _ = await asyncio.wait({task}, timeout=CLOSE_GRACE + 0.5)
            if not finished:
                stopper.abort()
                await asyncio.wait({task})
            return cut
        finally:
            waiter.cancel()
            loop.remove_signal_handler(signal.SIGINT)

    cut = asyncio.run(main())
    if cut is not None:
        _report_cut(planned, results, stopper, reporter, _cut_words(cut, timeout))
    reporter.summary(results)
    if junit is not None:
        from wsblock.cli.junit import write_junit  # here: `run` starts without the XML writer

        write_junit(junit, results)
    if cut == "interrupted":
        raise SystemExit(EXIT_INTERRUPTED)
    if trouble.failed or any(r.status == "failed" for r in results):
        raise SystemExit(EXIT_FAILED)
    raise SystemExit(EXIT_OK)
