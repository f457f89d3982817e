"""wsblock: a WebSocket client whose requests live in plain-text ``.void`` files.

Layers, each importing only those below it:

1. :mod:`wsblock.document` -- parse and write ``.void`` files losslessly.
2. :mod:`wsblock.variables` -- environments, ``{{NAME}}`` resolution, secrets, masking.
3. :mod:`wsblock.conversation` -- a resolved request and its steps: matching, operators.
4. :mod:`wsblock.engine` -- a live session: state machine, send/receive, events.
5. :mod:`wsblock.journal` -- every event, timestamped, appended to disk.
6. Front ends: :mod:`wsblock.runner` / :mod:`wsblock.cli`, :mod:`wsblock.load`,
   :mod:`wsblock.app`, :mod:`wsblock.servers` and :mod:`wsblock.testing` (the Python
   API and the pytest plugin).

The Python API for tests is exported here (:mod:`wsblock.testing`)::

    result = wsblock.run_file("chat.void", variables={"URL": "ws://127.0.0.1:8765"})
    async with wsblock.connect("ws://127.0.0.1:8765/echo") as conn:
        await conn.send({"op": "hello"})
        reply = await conn.expect({"body.op": "hello"})

Imported on first use (a module ``__getattr__``), ``__version__`` too: ``import wsblock``
stays cheap, and the command line, which imports ``wsblock.cli``, does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsblock.testing import (
        Connection,
        ConnectionFailed,
        ExpectationFailed,
        Message,
        RequestRun,
        RunResult,
        StepOutcome,
        connect,
        run_file,
        run_file_async,
    )
    from wsblock.version import __version__

__all__ = [
    "Connection",
    "ConnectionFailed",
    "ExpectationFailed",
    "Message",
    "RequestRun",
    "RunResult",
    "StepOutcome",
    "__version__",
    "connect",
    "run_file",
    "run_file_async",
]

_LAZY = frozenset(__all__)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # lazily too: the command line starts with no module more
        from wsblock.version import __version__ as version

        return version
    if name in _LAZY:
        from wsblock import testing

        value = getattr(testing, name)
        globals()[name] = value  # once: the next access does not come here
        return value
    raise AttributeError(f"module 'wsblock' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
