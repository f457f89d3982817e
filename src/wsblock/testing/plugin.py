"""The pytest plugin: ``.void`` files as tests (registered by the ``pytest11`` entry point).

It does nothing unless a ``.void`` file is collected: ``test_*.void`` files (every
``.void`` file with ``--void-all``, and a file named on the command line) become a
collector whose items are the file's WebSocket requests, ``path/test_chat.void::<name>``.
Each item runs its request with :func:`wsblock.cli.run.run_planned`, as ``wsblock run``
does (journaled; its output in the test's captured stdout); a failing item reports what
``run`` says (the expectation or assertion, the rows that did not hold, the last lines
of the run, masked). A file that does not parse, or names an unknown variable, is a
collection error naming the file and line, as ``run`` refuses it before sending.

A file's requests run in order in one process (values captured by one are there for
the next): under pytest-xdist's default ``--dist load``, the plugin's scheduler keeps
each ``.void`` file on one worker (``loadfile`` and ``loadscope`` do so too).

This module imports only pytest and the standard library; the engine is imported when
a ``.void`` file is collected, so a pytest run without one does not pay for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from wsblock.testing.files import FileRun, RequestRun
    from wsblock.userinput import EnvChoice

__all__ = ["VoidFile", "VoidItem"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wsblock", "wsblock: .void files as tests")
    group.addoption(
        "--void-all",
        action="store_true",
        default=None,
        help="collect every .void file, not only test_*.void (ini: void_all)",
    )
    group.addoption(
        "--void-environment",
        metavar="A/B",
        help="a YAML environment of .voiden/, as run's --environment (ini: void_environment)",
    )
    group.addoption(
        "--void-env-file",
        metavar="FILE",
        help="variables from a .env file, as run's -e (ini: void_env_file)",
    )
    group.addoption(
        "--void-var",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="set a variable, as run's --env-var; repeatable (ini: void_vars, one a line)",
    )
    group.addoption(
        "--void-project",
        metavar="DIR",
        help="the project root, as run's --project (ini: void_project)",
    )
    group.addoption(
        "--void-linger",
        metavar="S",
        type=float,
        default=None,
        help="after a request's last step, wait S seconds, as run's --linger "
        "(default 1; ini: void_linger)",
    )
    group.addoption(
        "--void-log-dir",
        metavar="DIR",
        help="journal sessions here instead of $XDG_STATE_HOME/wsblock/sessions "
        "(ini: void_log_dir)",
    )
    parser.addini("void_all", "collect every .void file, not only test_*.void", type="bool")
    parser.addini("void_environment", "a YAML environment of .voiden/ (A/B)")
    parser.addini("void_env_file", "variables from this .env file")
    parser.addini("void_vars", "variables, KEY=VALUE, one a line", type="linelist")
    parser.addini("void_project", "the project root of the .void files")
    parser.addini("void_linger", "seconds to wait after a request's last step (default 1)")
    parser.addini("void_log_dir", "journal sessions in this folder")


def _setting(config: pytest.Config, name: str) -> Any:
    """An option given on the command line, else its ini value (None when neither)."""
    value, _ = _setting_from(config, name)
    return value


def _setting_from(config: pytest.Config, name: str) -> tuple[Any, Path]:
    """An option's value (None when not set) and the folder a relative path in it is
    relative to: the current folder for the command line, the ini file's for the ini."""
    value = config.getoption(f"void_{name}")
    base = config.invocation_params.dir
    if value is None or value == []:
        value = config.getini("void_vars" if name == "var" else f"void_{name}")
        base = config.inipath.parent if config.inipath is not None else config.rootpath
    return (value if value not in ("", []) else None), base


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> VoidFile | None:
    if file_path.suffix != ".void":
        return None
    config = parent.config
    if (
        file_path.name.startswith("test_")
        or _setting(config, "all")
        or parent.session.isinitpath(file_path)
    ):
        return VoidFile.from_parent(parent, path=file_path)
    return None


class _Settings:
    """The plugin's settings, read once per session: where variables come from, the
    linger, the journal folder; :class:`BadInput` for settings that cannot be used."""

    def __init__(self, config: pytest.Config) -> None:
        from wsblock.testing.files import env_choice
        from wsblock.userinput import BadInput

        pairs: dict[str, str] = {}
        for item in _setting(config, "var") or ():
            key, eq, value = str(item).partition("=")
            if not eq or not key.strip():
                raise BadInput(f"--void-var {item!r}: expected KEY=VALUE")
            pairs[key.strip()] = value
        linger = _setting(config, "linger")
        try:
            self.linger = 1.0 if linger is None else float(linger)
        except ValueError:
            raise BadInput(f"void_linger {linger!r}: expected seconds") from None
        if not self.linger >= 0:
            raise BadInput(f"void_linger {linger!r}: expected seconds >= 0")
        log_dir, log_base = _setting_from(config, "log_dir")
        self.log_dir = log_base / log_dir if log_dir else None
        env_file, env_base = _setting_from(config, "env_file")
        project, project_base = _setting_from(config, "project")
        self.env: EnvChoice = env_choice(
            _setting(config, "environment"),
            pairs,
            env_base / env_file if env_file else None,
            project_base / project if project else None,
        )


_SETTINGS = pytest.StashKey["_Settings | Exception"]()


def _settings(config: pytest.Config) -> _Settings:
    """The session's settings (an error in them is raised for every file, the same)."""
    found = config.stash.get(_SETTINGS, None)
    if found is None:
        try:
            found = _Settings(config)
        except Exception as e:  # BadInput: said as each file's collection error
            found = e
        config.stash[_SETTINGS] = found
    if isinstance(found, Exception):
        raise found
    return found


class VoidFile(pytest.File):
    """A ``.void`` file: one item per request, in the file's order."""

    runs: FileRun | None = None

    def collect(self) -> Iterator[VoidItem]:
        from wsblock.conversation.request import Request
        from wsblock.testing.files import FileRun
        from wsblock.userinput import BadInput

        try:
            settings = _settings(self.config)
            self.runs = FileRun(
                self.path, settings.env, linger=settings.linger, log_dir=settings.log_dir
            )
        except BadInput as e:
            raise self.CollectError(f"wsblock: {e}") from None
        if not self.runs.planned:
            raise self.CollectError(f"wsblock: {self.path}: no requests found")
        seen: set[str] = set()
        for planned in self.runs.planned:
            name = planned.name
            if name in seen:  # two requests of one name: the second by its number too
                name = f"{name} (request {planned.index})"
            seen.add(name)
            kind = "wss" if isinstance(planned, Request) else "skipped"
            yield VoidItem.from_parent(self, name=name, planned=planned, kind=kind)


class VoidFailure(Exception):
    """A request that failed: :meth:`VoidItem.repr_failure` shows its report."""

    def __init__(self, run: RequestRun) -> None:
        super().__init__(run.report())
        self.run = run


class VoidItem(pytest.Item):
    """One WebSocket request of a ``.void`` file."""

    def __init__(self, *, planned: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.planned = planned
        self.kind = kind
        self.result: RequestRun | None = None
        self.add_marker(pytest.mark.void)

    def runtest(self) -> None:
        from wsblock.testing.files import Recorder

        parent = self.parent
        assert isinstance(parent, VoidFile) and parent.runs is not None
        run = asyncio.run(parent.runs.run(self.planned, Recorder(echo=True, keep_messages=False)))
        self.result = run
        if run.status == "skipped":
            pytest.skip(run.reason)
        if not run.passed:
            raise VoidFailure(run)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, VoidFailure):
            return str(excinfo.value)
        if excinfo.errisinstance(Exception) and type(excinfo.value).__name__ == "BadInput":
            return f"wsblock: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "void: a WebSocket request of a .void file (wsblock)")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistScheduling(), "wsblock-xdist")


class _XdistScheduling:
    """Under ``pytest -n`` with the default ``--dist load``: a scheduler that keeps each
    ``.void`` file's items together, in order, on one worker, and spreads the rest as
    ``load`` does (one test at a time)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "load":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class VoidFileScheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return path if path.endswith(".void") else nodeid

        return VoidFileScheduling(config, log)


@pytest.fixture
def void_request(request: pytest.FixtureRequest) -> Callable[..., RequestRun]:
    """Run one request of a ``.void`` file and return how it went (a
    :class:`~wsblock.testing.files.RequestRun`), for a test to add its own checks::

        def test_chat(void_request):
            run = void_request("chat.void", "join")
            assert run.messages[-1].json()["room"] == "lobby"

    *path* is relative to the test's folder; *request* is a number or a name (None: the
    file's only WebSocket request). Variables come from the plugin's settings
    (``--void-var``...). A request that failed fails the test with ``run``'s report,
    unless ``check=False``.
    """
    from wsblock.testing.files import FileRun, Recorder

    settings = _settings(request.config)
    base = request.path.parent

    def run(path: str | Path, which: str | int | None = None, *, check: bool = True) -> RequestRun:
        from wsblock.conversation.request import Request
        from wsblock.userinput import BadInput

        full = base / path
        runs = FileRun(
            full,
            settings.env,
            None if which is None else str(which),
            linger=settings.linger,
            log_dir=settings.log_dir,
        )
        wss = [p for p in runs.planned if isinstance(p, Request)]
        if len(wss) != 1:
            names = ", ".join(f"{p.index} {p.name!r}" for p in runs.planned) or "none"
            raise BadInput(f"{full}: name one request (requests: {names})")
        result = asyncio.run(runs.run(wss[0], Recorder(echo=True)))
        if check and not result.passed:
            pytest.fail(result.report(), pytrace=False)
        return result

    return run
