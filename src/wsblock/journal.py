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
"""

from __future__ import annotations

import asyncio
import atexit
import binascii
import csv
import json
import math
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring as _quote
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Literal, TextIO, cast

from wsblock import __version__
from wsblock.engine.events import Event
from wsblock.masking import MASK, Masker

__all__ = [
    "CSV_COLUMNS",
    "FLUSH_INTERVAL",
    "MASK",
    "SESSION_EVENT",
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
    "list_sessions",
    "read_session",
    "search",
]

FLUSH_INTERVAL = 0.025
"""The longest time, in seconds, between two flushes while events are pending. A
quarter of the 100 ms loss budget: the rest is for serialising what a flood brought
meanwhile (about 2 µs an event) and for the fallbacks (see Durability above)."""

_CHUNK = 1024
"""Events serialised and written at a time, at most..."""
_CHUNK_BYTES = 4 << 20
"""... and payload bytes (a chunk of one bigger message excepted)."""

SESSION_EVENT = "session"
"""The ``event`` of a journal's first record, which describes the session."""

SUFFIX = ".ndjson"

ExportFormat = Literal["json", "csv", "ndjson"]


class JournalError(Exception):
    """A journal cannot be written, read or found. The message is in plain words."""


class SessionNotFoundError(JournalError, LookupError):
    """No recorded session matches a reference, or more than one does."""


def default_log_dir() -> Path:
    """``$XDG_STATE_HOME/wsblock/sessions``, or ``~/.local/state/wsblock/sessions``.

    A relative ``XDG_STATE_HOME`` is ignored, as the XDG Base Directory spec says.
    """
    state = os.environ.get("XDG_STATE_HOME", "")
    base = Path(state) if state and os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "wsblock" / "sessions"


# --------------------------------------------------------------------------------------
# Events -> records


_HEAD = ("kind", "ts", "mono", "dir", "type", "format", "data", "size")
_REST: tuple[str, ...] = tuple(f.name for f in fields(Event) if f.name not in _HEAD)
"""Event fields written after ``data``, in declaration order (code, reason, ...)."""

_FAST_REST = tuple(f for f in _REST if f != "request")
_head_of = attrgetter(*_HEAD)
_rest_of = attrgetter(*_FAST_REST)
_NONES = (None,) * len(_FAST_REST)
_FAST_KINDS = frozenset({"sent", "received", "ping", "pong"})
_DIRS = frozenset({"in", "out", "sys"})
_FORMAT_PIECES: dict[str | None, str] = {
    None: "",
    **{f: f', "format": "{f}"' for f in ("text", "json", "xml", "binary")},
}
_FAST = (
    '%s%06dZ", "event": "%s", "dir": "%s", "type": "%s"%s, "size": %d, "%s": %s%s, "mono": %.6f}'
)

# The last second seen: (start, end, '{"ts": "YYYY-MM-DDTHH:MM:SS.'). Replaced whole, so
# threads never see a torn value.
_ONE_SECOND = timedelta(seconds=1)
_window: tuple[datetime, datetime, str] = (
    datetime.max.replace(tzinfo=UTC),
    datetime.min.replace(tzinfo=UTC),
    "",
)


def _format_ts(ts: datetime) -> str:
    """``2026-11-25T16:40:00.123456Z``. A naive datetime is taken to be UTC."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    elif ts.tzinfo is not UTC:
        ts = ts.astimezone(UTC)
    return ts.isoformat(timespec="microseconds")[:-6] + "Z"


def _new_window(ts: datetime) -> tuple[datetime, datetime, str]:
    """The second of ``ts`` (a UTC datetime), remembered for the next events."""
    global _window
    start = ts.replace(microsecond=0)
    _window = (start, start + _ONE_SECOND, '{"ts": "' + start.isoformat()[:19] + ".")
    return _window


def _lines(events: Iterable[Event], masker: Masker | None) -> list[str]:
    """The NDJSON lines (no newlines) of ``events``, secrets masked.

    The hot path: a message or ping/pong event whose other fields are all ``None``
    (but ``request``) is formatted by hand, with no dict and the date and time of
    its timestamp formatted once per second; everything else goes through
    :func:`_general_line`. Both give the same text: the tests compare them on every
    shape of event. One loop with everything in locals, because at 500k events/s
    each function call and global lookup shows.
    """
    mask: Callable[[str], str] | None = None
    mask_bytes: Callable[[bytes], bytes] | None = None
    if masker:
        mask, mask_bytes = masker.mask, masker.mask_bytes
    else:
        masker = None
    head_of = _head_of
    rest_of = _rest_of
    nones = _NONES
    kinds = _FAST_KINDS
    dirs = _DIRS
    pieces = _FORMAT_PIECES
    template = _FAST
    quote = _quote
    b64 = binascii.b2a_base64
    utc = UTC
    general = _general_line
    start, end, prefix = _window
    lines: list[str] = []
    append = lines.append
    for event in events:
        kind, ts, mono, direction, typ, fmt, data, size = head_of(event)
        if (
            rest_of(event) != nones
            or kind not in kinds
            or direction not in dirs
            or type(size) is not int
            or ts.tzinfo is not utc
            or not -1e15 < mono < 1e15
            or (piece := pieces.get(fmt)) is None
            or ((request := event.request) is not None and type(request) is not str)
        ):
            append(general(event, masker))
            continue
        if type(data) is str and typ == "text":
            key = "data"
            value = quote(data if mask is None else mask(data))
        elif type(data) is bytes and typ == "binary":
            key = "data_b64"
            raw = data if mask_bytes is None else mask_bytes(data)
            value = '"' + b64(raw, newline=False).decode("ascii") + '"'
        else:
            append(general(event, masker))
            continue
        if request is None:
            tail = ""
        else:
            tail = ', "request": ' + quote(request if mask is None else mask(request))
        if not start <= ts < end:
            start, end, prefix = _new_window(ts)
        append(
            template
            % (prefix, ts.microsecond, kind, direction, typ, piece, size, key, value, tail, mono)
        )
    return lines


def _jsonable(value: object, masker: Masker | None) -> Any:
    """``value`` as JSON-ready data, every string masked."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return masker.mask(value) if masker else value
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return _b64(masker.mask_bytes(raw) if masker else raw)
    if isinstance(value, datetime):
        return _format_ts(value)
    if isinstance(value, Mapping):
        return {str(_jsonable(k, masker)): _jsonable(v, masker) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v, masker) for v in value]
    return _jsonable(str(value), masker)


def _b64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _fields(event: Event, masker: Masker | None) -> dict[str, Any]:
    """Every key of the event's record but ``mono``, in the record's order."""
    masker = masker or None
    record: dict[str, Any] = {
        "ts": _format_ts(event.ts),
        "event": event.kind,
        "dir": event.dir,
    }
    if event.type is not None:
        record["type"] = event.type
    if event.format is not None:
        record["format"] = event.format
    data = event.data
    size = event.size
    if size is None and data is not None:
        size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size is not None:
        record["size"] = size
    if isinstance(data, bytes | bytearray | memoryview):
        record["data_b64"] = _jsonable(data, masker)
    elif data is not None:
        record["data"] = _jsonable(data if isinstance(data, str) else str(data), masker)
    for name in _REST:
        value = getattr(event, name)
        if value is not None:
            record[name] = _jsonable(value, masker)
    return record


def event_to_dict(event: Event, masker: Masker | None = None) -> dict[str, Any]:
    """The event as the ``spec/cli.md`` record (a dict in key order), secrets masked.

    ``json.dumps(event_to_dict(e, m))`` parses to the same data as
    :func:`dumps_event`; use the latter to print, it is faster and byte-identical to
    the journal.
    """
    record = _fields(event, masker)
    mono = event.mono
    record["mono"] = round(mono, 6) if math.isfinite(mono) else None
    return record


def _mono_text(mono: float) -> str:
    return f"{mono:.6f}" if math.isfinite(mono) else "null"


def _general_line(event: Event, masker: Masker | None) -> str:
    text = json.dumps(_fields(event, masker), ensure_ascii=False)
    return text[:-1] + ', "mono": ' + _mono_text(event.mono) + "}"


def dumps_event(event: Event, masker: Masker | None = None) -> str:
    """The event's NDJSON line (no newline), secrets masked: what the journal writes.

    The ``--json`` output of the front ends should print this, so that it is
    byte-identical to the journal.
    """
    return _lines((event,), masker)[0]


def _session_record(
    masker: Masker, name: str, url: str | None, file: str | os.PathLike[str] | None
) -> str:
    record: dict[str, Any] = {
        "ts": _format_ts(datetime.now(UTC)),
        "event": SESSION_EVENT,
        "dir": "sys",
        "name": masker.mask(name),
        "version": __version__,
    }
    if url is not None:
        record["url"] = masker.mask(url)
    if file is not None:
        record["file"] = masker.mask(os.fspath(file))
    return json.dumps(record, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Writing


def _encode(text: str) -> bytes:
    # A lone surrogate can only stand inside a JSON string: "backslashreplace" turns it
    # into the \udXXX escape that reads back as the same string.
    return text.encode("utf-8", "backslashreplace")


_monotonic = time.monotonic
_WAIT_FOR_FLUSH = 1.0  # seconds record() waits for another thread's flush, at most
_size_of = attrgetter("size")


def _chunks(events: list[Event]) -> Iterator[tuple[int, int]]:
    """Split ``events`` into runs (start, end) of at most :data:`_CHUNK` events and,
    unless a single event is bigger, :data:`_CHUNK_BYTES` of payload: a flush of a
    few big messages must not hold several copies of all of them at once."""
    for start in range(0, len(events), _CHUNK):
        end = min(start + _CHUNK, len(events))
        try:
            sizes = list(map(_size_of, events[start:end]))
            total = sum(sizes)
        except (TypeError, AttributeError):  # None (events with no payload), or worse
            sizes = [getattr(e, "size", 0) for e in events[start:end]]
            sizes = [size if type(size) is int else 0 for size in sizes]
            total = sum(sizes)
        if total <= _CHUNK_BYTES:
            yield start, end
            continue
        begin, run = start, 0
        for i, size in enumerate(sizes, start):
            if run and run + size > _CHUNK_BYTES:
                yield begin, i
                begin, run = i, 0
            run += size
        yield begin, end


_NO_LOOP = object()  # Journal._timer: no asyncio loop in the recording thread


class _LateWriter:
    """Replaces a closed journal's pending list: an event recorded after ``close()``
    is appended to the file at once instead of being lost."""

    __slots__ = ("_journal",)

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def append(self, event: Event) -> None:
        self._journal._write_late([event])

    def extend(self, events: Iterable[Event]) -> None:
        self._journal._write_late(list(events))

    def __len__(self) -> int:
        return 0


class Journal:
    """Appends a session's events to an NDJSON file, within 100 ms, secrets masked.

    Use :meth:`create` to open a new file in the log directory; pass :meth:`record`
    to :meth:`wsblock.engine.Session.add_listener`; :meth:`close` at the end (or use
    the journal as a context manager). Thread-safe: ``record`` may be called from
    any thread, ``flush`` and ``close`` too.
    """

    path: Path
    """The journal file."""
    name: str
    """The session's name, as given (unmasked)."""
    masker: Masker
    """Masks the secrets in everything written."""
    flush_interval: float
    """The longest time, in seconds, between two flushes while events are pending."""
    error: BaseException | None
    """The last error of a write or of a serialisation, if any (kept for diagnosis)."""
    on_error: Callable[[OSError], None] | None
    """Called at once (in the thread that wrote) when a write fails -- a full disk, a
    removed folder -- and again after the journal recovered and failed anew. The events
    stay pending and are written by the next flush that succeeds."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        name: str = "session",
        secrets: Masker | Iterable[str | None] = (),
        url: str | None = None,
        file: str | os.PathLike[str] | None = None,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> None:
        """Create the journal file ``path`` (it must not exist) and start flushing.

        The first record, event ``session``, is written at once. Raises
        ``FileExistsError`` if ``path`` exists, ``OSError`` if it cannot be created.
        """
        self.path = Path(path)
        self.name = name
        self.masker = _as_masker(secrets)
        self.flush_interval = flush_interval
        self.error = None
        self.on_error = None
        self._failing = False  # on_error was called and no write succeeded since
        self._pending: list[Event] | _LateWriter = []
        self._unwritten = b""
        self._unwritten_events = 0
        self._written = 0
        self._lock = threading.Lock()
        self._closed = False
        self._due = time.monotonic() + flush_interval  # when the next flush is due
        self._timer: asyncio.TimerHandle | object | None = None  # see _arm()
        self._armed_at = 0.0
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        self._fd = os.open(self.path, flags, 0o600)
        try:
            self._write(_encode(_session_record(self.masker, name, url, file) + "\n"))
        except BaseException:
            os.close(self._fd)
            raise
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"wsblock-journal:{self.path.name}", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    @classmethod
    def create(
        cls,
        log_dir: str | os.PathLike[str] | None = None,
        name: str = "session",
        secrets: Masker | Iterable[str | None] = (),
        *,
        url: str | None = None,
        file: str | os.PathLike[str] | None = None,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> Journal:
        """Open a new journal ``<log_dir>/<UTC now>-<slug of name>.ndjson``.

        ``log_dir`` defaults to :func:`default_log_dir`. ``secrets`` is a
        :class:`~wsblock.masking.Masker` or the secret values; they are masked in
        everything written, the name and URL included. ``url`` and ``file`` (the
        ``.void`` file) go into the first record.
        """
        masker = _as_masker(secrets)
        directory = Path(log_dir) if log_dir is not None else default_log_dir()
        stem = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + _slug(masker.mask(name))
        for n in range(1, 10_000):
            path = directory / f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}"
            try:
                return cls(
                    path,
                    name=name,
                    secrets=masker,
                    url=url,
                    file=file,
                    flush_interval=flush_interval,
                )
            except FileExistsError:
                continue
        raise JournalError(f"cannot create a journal in {directory}: too many named {stem}")

    # -- the hot path ---------------------------------------------------------------

    def record(self, event: Event) -> None:
        """Journal ``event``: append it to the pending list; no I/O, no formatting, except
        when a flush is due (every 25 ms at most), which is then done here.

        Meant as a :meth:`~wsblock.engine.Session.add_listener` listener. The event is
        on disk within 100 ms. After :meth:`close` the event is written at once.
        """
        self._pending.append(event)
        if self._timer is None:
            self._arm()
        if _monotonic() >= self._due:
            self._flush_due()

    def record_many(self, events: Iterable[Event]) -> None:
        """Journal several events, in order: :meth:`record` for a batch, cheaper."""
        self._pending.extend(events)
        if self._timer is None:
            self._arm()
        if _monotonic() >= self._due:
            self._flush_due()

    # -- flushing -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    @property
    def written(self) -> int:
        """How many events were written so far (the session record not counted)."""
        return self._written

    @property
    def pending(self) -> int:
        """How many recorded events wait for the next flush."""
        return len(self._pending)

    def flush(self) -> None:
        """Write every event recorded so far, now. Raises ``OSError`` if the write fails
        (what was not written is kept and retried by the next flush)."""
        with self._lock:
            self._flush_locked()

    def write_now(self) -> None:
        """Write every event recorded so far, now, as :meth:`flush`, but never raise: a
        failed write is reported through :attr:`on_error`. Front ends call it before they
        show a batch, so that what a user saw is on disk even if the process is killed."""
        with self._lock:
            try:
                self._flush_locked()
            except OSError:
                pass  # reported by _write

    def _flush_due(self) -> None:
        """A flush from record() or the event loop timer. Never raises (see ``error``).

        If another thread is flushing, that flush has run for an interval already
        (else this one would not be due): that thread is starved of the GIL by this
        one (see :meth:`_arm`) or has a big backlog. Waiting for it lends it the GIL;
        then what came meanwhile is flushed here.
        """
        timer = self._timer
        if timer is _NO_LOOP or (
            timer is not None and _monotonic() - self._armed_at > 4 * self.flush_interval
        ):
            # Look for a running loop again at the next record() (the loop may have
            # started, or the timer's loop may be gone).
            self._timer = None
        if not self._lock.acquire(timeout=_WAIT_FOR_FLUSH):
            return  # it is still writing: the next due flush tries again
        try:
            self._flush_locked()
        except Exception as exc:  # a listener must not raise into the engine
            self.error = exc
        finally:
            self._lock.release()

    def _arm(self) -> None:
        """When an asyncio loop runs in this thread, have it flush in ``flush_interval``.

        The timer covers the last events of a burst when the engine's thread is too busy
        to let the background thread take the GIL (CPython lets a thread that keeps
        releasing and taking the GIL for short system calls starve the others for
        hundreds of milliseconds). In plain code ``_NO_LOOP`` marks the look-up done.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._timer = _NO_LOOP
            return
        self._armed_at = _monotonic()
        self._timer = loop.call_at(loop.time() + self.flush_interval, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self._fd >= 0:
            self._flush_due()

    def _flush_locked(self) -> None:
        if self._fd < 0:
            return
        self._due = _monotonic() + self.flush_interval
        if self._unwritten:
            self._write(self._unwritten)
            self._written += self._unwritten_events
            self._unwritten_events = 0
        pending = self._pending
        if not isinstance(pending, list):
            return
        # Events appended meanwhile stay for the next flush: record() never sees a
        # swapped list, so none is lost.
        count = len(pending)
        events = pending[:count]
        del pending[:count]
        # In chunks, so that memory stays small and hot.
        for start, end in _chunks(events):
            try:
                self._write(_encode(self._serialise(events[start:end])))
            except OSError:
                # The rest of this chunk waits in _unwritten, the next chunks go back
                # to the front of the queue: the next flush writes them, in order.
                self._unwritten_events = end - start
                pending[0:0] = events[end:]
                raise
            self._written += end - start

    def _serialise(self, events: list[Event]) -> str:
        """The lines of ``events``, each ending with a newline."""
        try:
            lines = _lines(events, self.masker)
        except Exception:
            lines = [self._safe_line(e) for e in events]
        lines.append("")
        return "\n".join(lines)

    def _safe_line(self, event: object) -> str:
        """An event that cannot be serialised becomes an ``error`` record that says so,
        rather than stopping the journal."""
        try:
            return dumps_event(event, self.masker)  # type: ignore[arg-type]
        except Exception as exc:
            self.error = exc
            reason = f"the journal could not write an event: {exc!r}"
            record = {
                "ts": _format_ts(datetime.now(UTC)),
                "event": "error",
                "dir": "sys",
                "error": "journal",
                "reason": self.masker.mask(reason),
            }
            return json.dumps(record, ensure_ascii=False)

    def _write(self, data: bytes, fd: int | None = None) -> None:
        """Write all of ``data``; on error keep the rest for the next attempt."""
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd if fd is None else fd, view) :]
        except OSError as exc:
            self.error = exc
            self._unwritten = bytes(view)
            if not self._failing:
                self._failing = True
                callback = self.on_error
                if callback is not None:
                    try:
                        callback(exc)
                    except Exception:  # a report must not stop the journal
                        pass
            raise
        self._unwritten = b""
        self._failing = False

    def _write_late(self, events: list[Event]) -> None:
        """After close: append ``events`` (and what a failed write left) to the file at
        once. Never raises: a listener must not raise into the engine; see ``error``."""
        with self._lock:
            # What a failed write left (the end of a line already begun) goes first.
            data = self._unwritten + (_encode(self._serialise(events)) if events else b"")
            if not data:
                return
            self._unwritten = data
            self._unwritten_events += len(events)
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
                try:
                    self._write(data, fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                self.error = exc  # what is left stays in _unwritten
                return
            self._written += self._unwritten_events
            self._unwritten_events = 0

    def _run(self) -> None:
        """The background thread: flushes what record() and the event loop left.

        It steps in only when a flush is overdue by another ``flush_interval``: while
        events flow, the recording thread flushes (see :meth:`record`), and a flusher
        thread starved of the GIL must not hold the lock meanwhile.
        """
        interval = self.flush_interval
        while not self._stop.wait(max(0.001, self._due + interval - _monotonic())):
            if _monotonic() < self._due + interval:
                continue  # flushed by record() or the event loop meanwhile
            try:
                self.flush()
            except Exception as exc:  # kept in .error; close() reports a lasting failure
                self.error = exc

    def close(self) -> None:
        """Write what is pending and close the file. Idempotent.

        Raises :class:`JournalError` if events could not be written.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._due = math.inf
            self._timer = _NO_LOOP
        atexit.unregister(self.close)
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        error: OSError | None = None
        try:
            self.flush()
        except OSError as exc:
            error = exc
        with self._lock:
            stragglers = self._pending
            self._pending = _LateWriter(self)
            os.close(self._fd)
            self._fd = -1
        # Recorded by another thread during the last flush, or left by a failed write:
        # one more try, appending to the file.
        self._write_late(list(stragglers) if isinstance(stragglers, list) else [])
        if self._unwritten:
            error = self.error if isinstance(self.error, OSError) else error
            raise JournalError(f"could not write the journal {self.path}: {error}") from error

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Journal {self.path} {state}, {self._written} events written>"


def _as_masker(secrets: Masker | Iterable[str | None] | str) -> Masker:
    if isinstance(secrets, Masker):
        return secrets
    if isinstance(secrets, str):
        return Masker((secrets,))
    return Masker(secrets)


def _slug(name: str) -> str:
    """A file-name-safe form of a session name: ``"Echo: chat #1"`` -> ``echo-chat-1``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].rstrip("-")
    return slug or "session"


# --------------------------------------------------------------------------------------
# Reading

_STEM = re.compile(r"^(\d{8}T\d{6}Z)-(.+?)(?:-(\d+))?$")


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A recorded session, as :func:`list_sessions` finds it."""

    id: str
    """The file name without ``.ndjson``: what :func:`read_session` takes."""
    path: Path
    name: str
    """The name given to the journal (from the session record, else the file name)."""
    started: datetime | None
    """UTC start (from the session record, else the file name)."""
    url: str | None
    size: int
    """Bytes on disk."""
    events: int
    """Complete event records (the session record not counted)."""


def list_sessions(log_dir: str | os.PathLike[str] | None = None) -> list[SessionInfo]:
    """Every journal in ``log_dir`` (default :func:`default_log_dir`), oldest first.

    A missing directory gives an empty list. Reads each file's first line and counts
    its lines (fast: no JSON decoding past the first line).
    """
    directory = Path(log_dir) if log_dir is not None else default_log_dir()
    try:
        paths = [p for p in directory.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
    except FileNotFoundError:
        return []
    infos = [_info(p) for p in paths]
    oldest = datetime.min.replace(tzinfo=UTC)
    infos.sort(key=lambda i: (i.started or oldest, i.id))
    return infos


def _info(path: Path) -> SessionInfo:
    stem = path.name[: -len(SUFFIX)]
    match = _STEM.match(stem)
    name = match.group(2) if match else stem
    started: datetime | None = None
    if match:
        started = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    url = None
    lines = 0
    size = 0
    head = b""
    try:
        with open(path, "rb") as f:
            head = f.readline()
            lines = int(head.endswith(b"\n"))
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
        size = path.stat().st_size
    except OSError:
        pass
    first = _parse(head) if head.endswith(b"\n") else None
    if isinstance(first, dict) and first.get("event") == SESSION_EVENT:
        lines -= 1
        name = str(first.get("name", name))
        url = first.get("url")
        started = _parse_ts(first.get("ts")) or started
    return SessionInfo(
        id=stem, path=path, name=name, started=started, url=url, size=size, events=lines
    )


def _parse(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _parse_ts(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return None
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def find_session(
    ref: str | os.PathLike[str], log_dir: str | os.PathLike[str] | None = None
) -> Path:
    """The journal file that ``ref`` names, tried in this order:

    1. the path of an existing file;
    2. a session id (``20261125T164000Z-echo``, with or without ``.ndjson``);
    3. the unique start of an id (``20261125T1640``);
    4. a session name (``echo``, compared as its slug): the latest such session.

    Raises :class:`SessionNotFoundError` (which says why) otherwise.
    """
    text = os.fspath(ref)
    path = Path(text).expanduser()
    looks_like_path = not isinstance(ref, str) or "/" in text or os.sep in text
    if (looks_like_path or text.endswith(SUFFIX)) and path.is_file():
        return path
    directory = Path(log_dir) if log_dir is not None else default_log_dir()
    sessions = list_sessions(directory)
    if not text or not sessions:
        raise SessionNotFoundError(f"no session {text!r}: no sessions recorded in {directory}")
    stem = text[: -len(SUFFIX)] if text.endswith(SUFFIX) else text
    for info in sessions:
        if info.id == stem:
            return info.path
    prefixed = [i for i in sessions if i.id.startswith(stem)]
    if len(prefixed) == 1:
        return prefixed[0].path
    if len(prefixed) > 1:
        some = ", ".join(i.id for i in prefixed[:5])
        more = f" and {len(prefixed) - 5} more" if len(prefixed) > 5 else ""
        raise SessionNotFoundError(f"{text!r} is ambiguous: it starts {some}{more}")
    slug = _slug(stem)
    named = [i for i in sessions if _slug(i.name) == slug]
    if named:
        return named[-1].path
    raise SessionNotFoundError(
        f"no session {text!r} in {directory} (`wsblock sessions` lists them)"
    )


def read_session(
    ref: str | os.PathLike[str], log_dir: str | os.PathLike[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The records of a journal, in order, as dicts (the ``session`` record first).

    ``ref`` is anything :func:`find_session` takes; it is resolved now (raising
    :class:`SessionNotFoundError`), the file is read lazily. A last line cut short
    (a process killed mid-write) is skipped; a malformed line elsewhere raises
    :class:`JournalError` naming the file and line.
    """
    path = find_session(ref, log_dir)
    try:
        f = open(path, "rb")  # closed by the generator
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return _records(f, path)


def _records(f: IO[bytes], path: Path) -> Iterator[dict[str, Any]]:
    with f:
        number = 0
        for line in f:
            number += 1
            complete = line.endswith(b"\n")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                if not complete:
                    return  # cut short by a kill: the file ends here
                raise JournalError(f"{path}:{number}: not a JSON record") from None
            if not isinstance(record, dict):
                raise JournalError(f"{path}:{number}: not a JSON object")
            yield record


# --------------------------------------------------------------------------------------
# Search and export

_TEXT_KEYS = ("data", "reason", "error", "body", "name", "request", "url", "subprotocol")


def _texts(record: Mapping[str, Any]) -> Iterator[str]:
    """The searchable text of a record: payload (binary decoded as UTF-8), reason,
    error, body, names, URL, subprotocol, header names and values, extensions."""
    for key in _TEXT_KEYS:
        value = record.get(key)
        if isinstance(value, str):
            yield value
    b64 = record.get("data_b64")
    if isinstance(b64, str):
        try:
            yield binascii.a2b_base64(b64).decode("utf-8", "replace")
        except binascii.Error:
            yield b64
    for key in ("headers", "extensions"):
        value = record.get(key)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield item
                elif isinstance(item, list):
                    yield from (str(part) for part in item)


def _one_of(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,) if isinstance(value, str) else value)


def search(
    records: Iterable[dict[str, Any]],
    text: str | None = None,
    regex: str | re.Pattern[str] | None = None,
    direction: str | Iterable[str] | None = None,
    *,
    event: str | Iterable[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The records matching every criterion given, lazily and in order.

    ``text``: a case-insensitive substring of the record's text (payload, binary
    payloads decoded as UTF-8, reason, error, body, name, request, URL, headers...);
    ``regex``: a pattern (``re.search``; case-sensitive unless compiled otherwise)
    found in that text; ``direction``: ``"in"``, ``"out"``, ``"sys"`` or several;
    ``event``: one kind (``"received"``) or several. An invalid ``regex`` raises
    ``re.error`` at once.
    """
    needle = text.casefold() if text else None
    pattern = re.compile(regex) if isinstance(regex, str) else regex
    dirs = _one_of(direction)
    kinds = _one_of(event)

    def matches(record: Mapping[str, Any]) -> bool:
        if dirs is not None and record.get("dir") not in dirs:
            return False
        if kinds is not None and record.get("event") not in kinds:
            return False
        if needle is not None and not any(needle in t.casefold() for t in _texts(record)):
            return False
        return pattern is None or any(pattern.search(t) for t in _texts(record))

    return (r for r in records if matches(r))


_CSV_FIRST = (
    "ts", "event", "dir", "type", "format", "size", "data", "data_b64", "code", "reason",
    "by", "error", "status", "headers", "body", "subprotocol", "extensions", "rtt_ms",
    "attempt", "delay", "ok", "name", "request", "url", "mono", "extra",
)  # fmt: skip
CSV_COLUMNS: tuple[str, ...] = _CSV_FIRST + tuple(f for f in _REST if f not in _CSV_FIRST)
"""The columns of a CSV export; a field added to ``Event`` later becomes a column at the
end, so columns never move. ``extra`` holds any other key (the session record's
``file`` and ``version``...) as a JSON object; lists (headers, extensions) are JSON."""


def export(
    records: Iterable[Mapping[str, Any]],
    fmt: ExportFormat | str,
    out: TextIO,
    *,
    masker: Masker | None = None,
) -> int:
    """Write ``records`` to ``out`` as ``json`` (one array), ``csv`` or ``ndjson``.

    Streams: records are read once and never all held in memory. CSV follows RFC 4180
    (``\\r\\n`` line ends; open files with ``newline=""``), with a header row of
    :data:`CSV_COLUMNS`; booleans are ``true``/``false``, nested values JSON. A text cell
    that a spreadsheet could take for a formula (it starts with ``=``, ``+``, ``-``,
    ``@``, a TAB or a CR) is written with a ``'`` before it (OWASP's rule). ``masker`` masks secrets again (records on disk are already
    masked with the secrets known when they were written). Returns the number of
    records written; raises ``ValueError`` for an unknown format.
    """
    if fmt not in ("json", "csv", "ndjson"):
        raise ValueError(f"unknown export format {fmt!r}: use json, csv or ndjson")
    rows: Iterable[Mapping[str, Any]] = records
    if masker:
        rows = (cast(dict[str, Any], masker.mask_any(dict(r))) for r in records)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        known = frozenset(CSV_COLUMNS)
        for record in rows:
            row = [_cell(record.get(column)) for column in CSV_COLUMNS[:-1]]
            extra = {k: v for k, v in record.items() if k not in known}
            row.append(json.dumps(extra, ensure_ascii=False) if extra else "")
            writer.writerow(row)
            count += 1
    elif fmt == "ndjson":
        for record in rows:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    else:
        out.write("[")
        for record in rows:
            out.write(("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    return count


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A spreadsheet must not run a payload as a formula (CSV injection).
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)
