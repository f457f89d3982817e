"""The WebSocket engine: a :class:`Session` runs one request and reports events.

::

    from wsblock.engine import Session, State

    session = Session(request)           # request: wsblock.request.Request
    stream = session.subscribe()          # lossless; `await stream.batch()` -> list[Event]
    session.add_listener(journal.record)  # called synchronously for every event
    if await session.connect():           # False (and error + close events) on failure
        await session.send(message)       # or send_text(...) / send_bytes(...)
        rtt_ms = await session.ping()
        await session.close(1000, "bye")
    await session.wait_closed()

Modules, one idea each:

* :mod:`.session` -- :class:`Session`: the state machine, sending, the reader, reconnects.
* :mod:`.state` -- :class:`State` and its transitions.
* :mod:`.events` -- :class:`~.events.Event`, the record of everything that happens.
* :mod:`.stream`, :mod:`.hub` -- delivery of events to streams and listeners.
* :mod:`.runs` -- :class:`~.runs.ReceivedRun`: the messages of one socket read in
  columns, for consumers that take parts (``stream.parts()``,
  ``session.add_parts_listener``); events are built only when asked for.
* :mod:`.clock` -- timestamps from one wall-clock anchor and the monotonic clock.
* :mod:`.fastevent` -- building events cheaply on the receive path.
* :mod:`.params`, :mod:`.tls` -- a request's options as connection settings.
* :mod:`.transport` -- the interface to a WebSocket library;
  :mod:`.websockets_transport` and :mod:`.picows_transport` implement it
  (:mod:`.choice` picks one).
* :mod:`.protocols` -- Socket.IO and GraphQL on the WebSocket, sans-I/O (frames in,
  records out); :mod:`.protocol_link` runs one on a live transport for the session.
* :mod:`.backoff` -- delays between reconnect attempts.
* :mod:`.closecodes` -- which close codes may be sent, and their names.
* :mod:`.errors` -- problems in plain words.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backoff import Backoff
    from .errors import ConnectFailed, Problem, SessionError, StateError
    from .events import Event
    from .session import Session
    from .state import State
    from .stats import Stats
    from .stream import EventStream

# Imported on first use, so that a module of the package (``choice`` for ``check``,
# ``events`` for the journal) does not pay for the session, asyncio and the transports.
_HOMES = {
    "Backoff": ".backoff",
    "ConnectFailed": ".errors",
    "Problem": ".errors",
    "SessionError": ".errors",
    "StateError": ".errors",
    "Event": ".events",
    "Session": ".session",
    "State": ".state",
    "Stats": ".stats",
    "EventStream": ".stream",
}

__all__ = [
    "Backoff",
    "ConnectFailed",
    "Event",
    "EventStream",
    "Problem",
    "Session",
    "SessionError",
    "State",
    "StateError",
    "Stats",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
