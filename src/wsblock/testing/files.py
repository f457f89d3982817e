"""``wsblock.run_file``: a ``.void`` file's requests, run as ``wsblock run`` runs them.

::

    result = wsblock.run_file("chat.void", variables={"URL": "ws://127.0.0.1:8765"})
    assert result.passed, result.report()
    assert result.messages[-1].json()["op"] == "bye"

The requests are planned by :func:`wsblock.cli.run.plan` and each run by
:func:`wsblock.cli.run.run_planned`, the very functions of ``wsblock run`` (bad input
found before anything is sent, one journal per request, the same failures in the same
words, values captured by one request carried to the next); only the output differs:
:class:`Recorder` keeps what happened for Python instead of printing it (the pytest
plugin prints it too, as ``run`` would, into the test's captured output).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wsblock.cli.run import JournalTrouble, Planned, Reporter, plan, run_planned
from wsblock.console import Console
from wsblock.conversation.request import Message as SavedMessage
from wsblock.conversation.request import Request
from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun
from wsblock.runner import RequestResult, Stopper
from wsblock.testing.messages import Message
from wsblock.userinput import BadInput, EnvChoice
from wsblock.variables.masking import Masker

__all__ = [
    "FileRun",
    "Recorder",
    "RequestRun",
    "RunResult",
    "StepOutcome",
    "env_choice",
    "run_file",
    "run_file_async",
]

#: How many of the last lines of a run a failure report shows.
TAIL = 12


@dataclass(frozen=True)
class StepOutcome:
    """How one step of a request went.

    ``kind`` is ``message`` (a ``socket-message`` sent), ``expect`` (a ``socket-expect``)
    or ``assert`` (a row of the ``assertions-table``); ``ok`` is None for a step the run
    never reached (an earlier step failed); ``reason`` says why it failed (masked).
    """

    kind: Literal["message", "expect", "assert"]
    name: str
    ok: bool | None
    reason: str | None = None
    where: str = ""


@dataclass
class RequestRun:
    """How one request of a file went: ``status`` ``passed``, ``failed`` or ``skipped``."""

    name: str
    file: Path | None
    index: int
    url: str
    status: str
    failures: list[str] = field(default_factory=list)
    steps: list[StepOutcome] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    captures: dict[str, Any] = field(default_factory=dict)
    sent: int = 0
    received: int = 0
    duration: float = 0.0
    journal: Path | None = None
    reason: str = ""  # why it was skipped
    tail: list[str] = field(default_factory=list)  # the last lines of the run, as `run` shows them

    @property
    def passed(self) -> bool:
        """True when nothing failed (a skipped request did not fail)."""
        return self.status != "failed"

    def report(self) -> str:
        """The run in ``wsblock run``'s words: the failures, the last lines, the journal."""
        where = f"{self.file.name} › " if self.file else ""
        if self.status == "skipped":
            return f"○ skipped  {where}{self.name}: {self.reason}"
        # The failures first: pytest's summary line shows the first line.
        lines = [f"✘ {f}" for f in self.failures]
        mark = "✔ passed" if self.passed else "✘ failed"
        lines.append(
            f"{mark}  {where}{self.name}  {self.url}  "
            f"{self.sent} out / {self.received} in  {self.duration:.2f} s"
        )
        if self.tail and not self.passed:
            lines.append("  last lines of the run:")
            lines += [f"    {line}" for line in self.tail]
        if self.journal:
            lines.append(f"  journal: {self.journal}")
        return "\n".join(lines)


@dataclass
class RunResult:
    """How the requests of a file went (:func:`run_file`)."""

    requests: list[RequestRun]

    @property
    def passed(self) -> bool:
        """True when no request failed."""
        return all(r.passed for r in self.requests)

    @property
    def failures(self) -> list[str]:
        return [f"{r.name}: {f}" for r in self.requests for f in r.failures]

    @property
    def steps(self) -> list[StepOutcome]:
        return [s for r in self.requests for s in r.steps]

    @property
    def messages(self) -> list[Message]:
        """Every message sent and received, request after request."""
        return [m for r in self.requests for m in r.messages]

    @property
    def captures(self) -> dict[str, Any]:
        """The values captured (``{{process.NAME}}``), the later request's winning."""
        out: dict[str, Any] = {}
        for r in self.requests:
            out.update(r.captures)
        return out

    def __getitem__(self, name: str) -> RequestRun:
        """The request named *name*."""
        for r in self.requests:
            if r.name == name:
                return r
        raise KeyError(f"no request {name!r} (requests: {[r.name for r in self.requests]})")

    def report(self) -> str:
        return "\n".join(r.report() for r in self.requests)


class Recorder(Reporter):
    """A :class:`~wsblock.cli.run.Reporter` that keeps what happened: the messages, the
    outcome of each step, the captures, the last lines; ``echo`` also prints as ``run``."""

    def __init__(self, echo: bool = False, keep_messages: bool = True) -> None:
        super().__init__(as_json=False)
        self.echo = echo
        self.keep_messages = keep_messages
        self.plain = Console(color=False)
        self._reset()

    def _reset(self) -> None:
        """Ready for the next request."""
        self.messages: list[Message] = []
        self.events: list[Event] = []  # the runner's own: expect, assert, capture...
        self.sent_names: list[str | None] = []
        self.captures: dict[str, Any] = {}
        self.tail: deque[str] = deque(maxlen=TAIL)

    def start(self, req: Request) -> None:
        self.request = req
        self.plain.masker = Masker(req.secrets)
        if self.echo:
            super().start(req)
        else:
            self.masker = self.plain.masker

    def use_masker(self, masker: Masker) -> None:
        super().use_masker(masker)
        self.plain.masker = masker  # the tail too: a captured secret from then on

    def event(self, event: Event, flush: bool = True) -> None:
        if self.echo:
            super().event(event, flush)
        self._keep(event)

    def parts(self, parts: Sequence[Part]) -> None:
        if self.echo:
            super().parts(parts)
        codec = self.request.options.decode if self.request is not None else None
        for part in parts:
            if type(part) is ReceivedRun:
                if self.keep_messages:
                    self.messages += [Message.from_event(e, codec) for e in part.events()]
                n = len(part)
                self.tail.extend(self.plain.format_run(part.slice(max(0, n - TAIL), n)))
            else:
                self._keep(part)  # type: ignore[arg-type]

    def _keep(self, event: Event) -> None:
        kind = event.kind
        if kind in ("sent", "received"):
            if self.keep_messages:
                codec = self.request.options.decode if self.request and kind == "received" else None
                self.messages.append(Message.from_event(event, codec))
            if kind == "sent":
                self.sent_names.append(event.name)
        elif kind == "capture":  # issue 18's captures
            self.captures[str(event.name)] = event.data if event.data is not None else event.reason
            self.events.append(event)
        elif kind not in ("ping", "pong"):
            self.events.append(event)
        if kind not in ("ping", "pong"):
            self.tail.append(self.plain.format(event))

    def result(self, r: RequestResult) -> None:
        if self.echo:
            super().result(r)

    def outcome(self, r: RequestResult) -> RequestRun:
        """*r* with what was kept; the recorder is ready for the next request."""
        steps = (
            _steps(self.request, r, self.events, self.sent_names) if r.status != "skipped" else []
        )
        run = RequestRun(
            name=r.name,
            file=r.file,
            index=r.index,
            url=r.url,
            status=r.status,
            failures=list(r.failures),
            steps=steps,
            messages=self.messages,
            captures=self.captures,
            sent=r.sent,
            received=r.received,
            duration=r.duration,
            journal=r.journal,
            reason=r.reason,
            tail=list(self.tail),
        )
        self._reset()
        return run


def _steps(
    request: Request | None,
    result: RequestResult,
    events: list[Event],
    sent_names: list[str | None],
) -> list[StepOutcome]:
    """Each step of *request* with its outcome, in the file's order."""
    if request is None:
        return []
    out: list[StepOutcome] = []
    sent = list(sent_names)
    judged = [e for e in events if e.kind in ("expect", "assert")]

    def take(kind: str, name: str) -> Event | None:
        for i, e in enumerate(judged):
            if e.kind == kind and e.name == name:
                return judged.pop(i)
        return None

    for step in request.steps:
        if isinstance(step, SavedMessage):
            if step.name in sent:
                sent.remove(step.name)
                out.append(StepOutcome("message", step.name, True, None, step.where))
            else:
                why = next(
                    (f for f in result.failures if f.startswith(f"message {step.name!r}")), None
                )
                out.append(
                    StepOutcome("message", step.name, False if why else None, why, step.where)
                )
        else:
            e = take("expect", step.name)
            out.append(
                StepOutcome(
                    "expect",
                    step.name,
                    None if e is None else e.ok,
                    e.reason if e else None,
                    step.where,
                )
            )
    for check in request.assertions:
        e = take("assert", check.description)
        out.append(
            StepOutcome(
                "assert",
                check.description,
                None if e is None else e.ok,
                e.reason if e else None,
                check.where,
            )
        )
    return out


def env_choice(
    environment: str | None = None,
    variables: Mapping[str, str] | None = None,
    env_file: str | Path | None = None,
    project: str | Path | None = None,
    profile: str | None = None,
) -> EnvChoice:
    """Where variables come from, as ``run``'s ``--environment``, ``--env-var``, ``-e``,
    ``--project`` and ``--profile`` say; :class:`BadInput` for an ``.env`` that cannot be read."""
    from wsblock.cli.common import env_file_problem

    if env_file is not None:
        problem = env_file_problem(Path(env_file))
        if problem:
            raise BadInput(problem)
    if project is not None and not Path(project).is_dir():
        raise BadInput(f"{project}: the project folder does not exist")
    return EnvChoice(
        environment,
        profile,
        Path(env_file) if env_file is not None else None,
        {str(k): str(v) for k, v in (variables or {}).items()},
        Path(project) if project is not None else None,
    )


class FileRun:
    """The requests of one file, run one after the other as ``wsblock run`` runs them
    (so values captured by one are there for the next); the pytest plugin runs each as
    an item of its own."""

    def __init__(
        self,
        path: Path,
        env: EnvChoice,
        which: str | None = None,
        *,
        linger: float = 1.0,
        log_dir: Path | None = None,
    ) -> None:
        self.path = path
        #: The requests, planned before anything is sent: BadInput names what and where.
        self.planned: list[Planned] = plan([path], env, which)
        self.linger = linger
        self.log_dir = log_dir
        self.stopper = Stopper()
        #: ``{{process.NAME}}`` captured so far, carried from one request to the next.
        self.values: dict[str, Any] = {}

    async def run(self, item: Planned, recorder: Recorder) -> RequestRun:
        """Run one of :attr:`planned`; a journal that cannot be written fails it."""
        from wsblock.cli.common import journal_dir

        folder = journal_dir(self.log_dir)
        trouble = JournalTrouble()
        result = await run_planned(
            item, recorder, folder, self.linger, self.stopper, trouble, values=self.values
        )
        if trouble.failed:
            result.fail("the journal could not be written (see stderr)")
        return recorder.outcome(result)


def run_file(
    path: str | Path,
    *,
    request: str | int | None = None,
    environment: str | None = None,
    variables: Mapping[str, str] | None = None,
    env_file: str | Path | None = None,
    project: str | Path | None = None,
    linger: float = 1.0,
    log_dir: str | Path | None = None,
) -> RunResult:
    """Run the WebSocket requests of the ``.void`` file *path* (or one: *request*, a
    number or a name), as ``wsblock run`` does, and return how they went.

    Args:
        environment, variables, env_file, project: ``run``'s ``--environment``,
            ``--env-var`` (a dict), ``-e`` and ``--project``.
        linger: ``run``'s ``--linger``: seconds to wait after the last step.
        log_dir: Where sessions are journaled (default ``$XDG_STATE_HOME/wsblock/sessions``).

    Raises:
        wsblock.userinput.BadInput: (a ``ValueError``-like error) the file does not parse,
            a variable is unknown, a message is malformed..., named with file and line,
            before anything is sent.
        RuntimeError: called inside a running event loop: ``await run_file_async(...)``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "run_file() cannot run inside a running event loop (an async test): "
            "use `await wsblock.run_file_async(...)` there"
        )
    return asyncio.run(
        run_file_async(
            path,
            request=request,
            environment=environment,
            variables=variables,
            env_file=env_file,
            project=project,
            linger=linger,
            log_dir=log_dir,
        )
    )


async def run_file_async(
    path: str | Path,
    *,
    request: str | int | None = None,
    environment: str | None = None,
    variables: Mapping[str, str] | None = None,
    env_file: str | Path | None = None,
    project: str | Path | None = None,
    linger: float = 1.0,
    log_dir: str | Path | None = None,
) -> RunResult:
    """:func:`run_file` in a running event loop (an async test)."""
    env = env_choice(environment, variables, env_file, project)
    which = None if request is None else str(request)
    runs = FileRun(
        Path(path), env, which, linger=linger, log_dir=Path(log_dir) if log_dir else None
    )
    if not runs.planned:
        raise BadInput(f"{path}: no requests found")
    recorder = Recorder()
    return RunResult([await runs.run(item, recorder) for item in runs.planned])
