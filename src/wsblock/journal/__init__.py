"""Journal: every event of a session, as NDJSON on disk, written as it happens.

Writing::

    journal = Journal.create(name="echo", secrets=variables.secrets, url=request.url)
    session.add_listener(journal.record)      # called for every event; cheap
    ...
    journal.close()                           # or: with Journal.create(...) as journal:

Reading::

    for info in list_sessions():              # oldest first
        print(info.id, info.name, info.events)
    records = read_session("20261125T164000Z-echo")   # or a path, an id prefix, a name
    for record in search(records, text="error", direction="in"):
        ...
    export(read_session(path), "csv", sys.stdout)

The format
==========

One JSON object per line, UTF-8, as ``spec/cli.md`` defines for ``--json`` (the
``--json`` output should use :func:`dumps_event`, so both are byte-identical)::

    {"ts": "2026-11-25T16:40:00.123456Z", "event": "received", "dir": "in",
     "type": "text", "size": 12, "data": "hello world!", "mono": 1.234567}

Keys, in this order, each present only when the event has a value:
``ts`` (UTC, microseconds), ``event`` (the :class:`~wsblock.engine.events.Event`
kind), ``dir``, ``type``, ``format``, ``size`` (bytes on the wire, even when the data
shown was masked), ``data`` (text) or ``data_b64`` (binary, base64), then every other
non-``None`` field of the event in its declaration order (``code``, ``reason``, ``by``,
``error``, ``status``, ``headers`` as a list of ``[name, value]`` pairs, ``body``,
``subprotocol``, ``extensions`` as a list, ``rtt_ms``, ``attempt``, ``delay``, ``ok``,
``name``, ``request``, ``url``; a field added to ``Event`` later appears
automatically), and
last ``mono``: seconds since the session started, 6 decimals.

A journal file starts with one record of event ``session`` (``dir`` ``sys``) holding
``name``, ``version`` and, when given, ``url`` and ``file``; every other line is an
event. Secrets are masked (:class:`~wsblock.masking.Masker`) in every string written:
payloads, reasons, headers, names, the URL.

Durability
==========

:meth:`Journal.record` appends the event to an in-memory list; serialising and
writing happen in a flush, at most :data:`FLUSH_INTERVAL` (25 ms) after the previous
one while events are pending, whole lines at a time (``write(2)`` on a file opened
``O_APPEND``). So an event reaches the kernel within 100 ms of being recorded, a
flood's backlog included, and a process killed with ``SIGKILL`` loses at most its last
100 ms. Three things flush, because none suffices alone:

* ``record()`` itself, when a flush is due: during a flood, in the thread that records
  (the engine's event loop), at the cost of one clock read per event. A background
  thread cannot be relied on there: CPython lets a thread that keeps releasing and
  re-taking the GIL for short system calls (a read loop) starve the others for
  hundreds of milliseconds.
* a timer on the asyncio loop running in the recording thread, if any, armed by the
  first event after a flush: the last events of a burst, when no more ``record()``
  comes.
* a daemon thread, when a flush is overdue by another interval: plain code, a blocked
  loop, a process busy elsewhere.

Nothing is ``fsync``-ed: the journal survives the process, not the machine.
:meth:`Journal.close`, the context manager, and interpreter exit write the rest.
Readers skip a last line cut short by a kill.

Files are ``<log dir>/<UTC start, YYYYMMDDTHHMMSSZ>-<slug of the name>.ndjson``
(``-2``, ``-3``... on a clash), mode ``0600`` in a directory created ``0700``: payloads
are private even when masked. The log directory is ``$XDG_STATE_HOME/wsblock/sessions``
(``~/.local/state/wsblock/sessions`` when unset or not absolute), or ``log_dir``.

The package holds four ideas, one module each: :mod:`.records` (an event as one NDJSON
line, masked), :mod:`.writer` (the :class:`Journal`: buffer, flushes, durability),
:mod:`.store` (session files: names, listing, finding) and :mod:`.query` (reading back,
search, export).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wsblock.variables.masking import MASK, Masker

from .records import SESSION_EVENT, dumps_event, event_to_dict, handshake_of
from .store import (
    LARGE_JOURNAL,
    SUFFIX,
    JournalError,
    SessionInfo,
    SessionNotFoundError,
    default_log_dir,
    find_session,
    large_journal,
    list_sessions,
)
from .writer import FLUSH_INTERVAL, Journal

if TYPE_CHECKING:
    from .query import CSV_COLUMNS, ExportFormat, export, read_session, search

#: Reading and exporting (``csv`` and the rest) are imported on first use: a command
#: that only writes a journal (``connect``, ``run``) starts without them.
_QUERY = frozenset(("CSV_COLUMNS", "ExportFormat", "export", "read_session", "search"))


def __getattr__(name: str) -> object:
    if name in _QUERY:
        from . import query

        return getattr(query, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CSV_COLUMNS",
    "FLUSH_INTERVAL",
    "LARGE_JOURNAL",
    "MASK",
    "SESSION_EVENT",
    "SUFFIX",
    "ExportFormat",
    "Journal",
    "JournalError",
    "Masker",
    "SessionInfo",
    "SessionNotFoundError",
    "default_log_dir",
    "dumps_event",
    "event_to_dict",
    "export",
    "find_session",
    "handshake_of",
    "large_journal",
    "list_sessions",
    "read_session",
    "search",
]
