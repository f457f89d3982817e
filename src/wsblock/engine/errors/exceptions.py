"""Exceptions of the engine.

Network trouble is never raised to the user of a session: it becomes ``error`` and
``close`` events. What is raised is misuse (:class:`StateError`, ``ValueError``
for a bad close code, ``TypeError``), and, between the session and its transport,
:class:`ConnectFailed`.
"""

from __future__ import annotations

from .problem import Problem


class SessionError(Exception):
    """Base class of the engine's own exceptions."""


class StateError(SessionError):
    """A method was called in a state where it makes no sense (``connect()`` twice)."""


class ConnectFailed(SessionError):
    """A connection attempt failed; :attr:`problem` says why, in plain words.

    Raised by transports and by the preparation of a connection (unreadable TLS
    files); the session turns it into an ``error`` event.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.kind}: {problem.reason}")
        self.problem = problem
