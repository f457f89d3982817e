"""The Python API for WebSocket tests, and the pytest plugin that runs ``.void`` files.

* :func:`run_file` / :func:`run_file_async` (:mod:`.files`) -- a ``.void`` file's
  requests run as ``wsblock run`` runs them; a :class:`RunResult` with ``passed``, the
  steps and their outcome, the messages, the captures;
* :func:`connect` (:mod:`.connection`) -- ``async with wsblock.connect(url) as conn``:
  ``send``, ``expect`` (rows as in a ``socket-expect``, or a predicate), ``messages``,
  ``close``; journaled and masked as every session;
* :class:`Message` (:mod:`.messages`) -- ``.text``, ``.data``, ``.type``, ``.ts``,
  ``.json()``;
* :mod:`.plugin` -- the pytest plugin (entry point ``pytest11``): ``test_*.void`` files
  as tests, and the ``void_request`` fixture.

Everything is imported on first use, so that loading the pytest plugin (in every pytest
run where wsblock is installed) and ``import wsblock`` cost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsblock.testing.connection import (
        Connection,
        ConnectionFailed,
        ExpectationFailed,
        connect,
    )
    from wsblock.testing.files import RequestRun, RunResult, StepOutcome, run_file, run_file_async
    from wsblock.testing.messages import Message

__all__ = [
    "Connection",
    "ConnectionFailed",
    "ExpectationFailed",
    "Message",
    "RequestRun",
    "RunResult",
    "StepOutcome",
    "connect",
    "run_file",
    "run_file_async",
]

_WHERE = {
    "Connection": "connection",
    "ConnectionFailed": "connection",
    "ExpectationFailed": "connection",
    "connect": "connection",
    "RequestRun": "files",
    "RunResult": "files",
    "StepOutcome": "files",
    "run_file": "files",
    "run_file_async": "files",
    "Message": "messages",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wsblock.testing' has no attribute {name!r}")
    if module == "connection":
        from wsblock.testing import connection as found
    elif module == "files":
        from wsblock.testing import files as found  # type: ignore[no-redef]
    else:
        from wsblock.testing import messages as found  # type: ignore[no-redef]
    value = getattr(found, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
