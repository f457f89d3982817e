"""What can go wrong in a session, told in plain words.

* :mod:`.problem` -- :class:`Problem`, one failure as shown to people (a kind and a
  sentence), and the kinds there are.
* :mod:`.exceptions` -- the few exceptions the engine raises or passes between its
  layers.
* :mod:`.describe` -- turns the exceptions of the network stack and of
  ``websockets`` into :class:`Problem` records.
"""

from .exceptions import ConnectFailed, SessionError, StateError
from .problem import Problem, ProblemKind

__all__ = ["ConnectFailed", "Problem", "ProblemKind", "SessionError", "StateError"]
