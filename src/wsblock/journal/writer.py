"""The journal writer: a buffer flushed every 25 ms, a flusher thread, durability."""

from __future__ import annotations

import asyncio
import atexit
import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun, flatten
from wsblock.variables.masking import Masker

from .records import _encode, _format_ts, _lines, _run_pieces, _session_record, dumps_event
from .store import SUFFIX, JournalError, _slug, default_log_dir

FLUSH_INTERVAL = 0.025
"""The longest time, in seconds, between two flushes while events are pending. A
quarter of the 100 ms loss budget: the rest is for serialising what a flood brought
meanwhile (about 2 µs an event) and for the fallbacks (see Durability above)."""


_CHUNK = 1024
"""Events serialised and written at a time, at most..."""


_CHUNK_BYTES = 64 << 10
"""... and payload bytes (a chunk of one bigger message excepted)."""


_IOV_MAX = 512
"""Pieces written with one ``os.writev`` at most (POSIX guarantees 16, Linux takes 1024)."""


_writev = getattr(os, "writev", None)


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


def _units(parts: list[Part]) -> list[list[Event] | ReceivedRun]:
    """``parts`` as the units a flush serialises and writes one at a time: runs of
    events cut by :func:`_chunks`, and runs of messages cut alike."""
    units: list[list[Event] | ReceivedRun] = []
    events: list[Event] = []
    for part in parts:
        if type(part) is ReceivedRun:
            if events:
                units.extend(events[a:b] for a, b in _chunks(events))
                events = []
            units.extend(part.split(_CHUNK, _CHUNK_BYTES))
        else:
            events.append(part)  # type: ignore[arg-type]
    if events:
        units.extend(events[a:b] for a, b in _chunks(events))
    return units


def _as_parts(unit: list[Event] | ReceivedRun) -> list[Part]:
    if isinstance(unit, ReceivedRun):
        return [unit]
    return list(unit)


_NO_LOOP = object()  # Journal._timer: no asyncio loop in the recording thread


class _LateWriter:
    """Replaces a closed journal's pending list: an event recorded after ``close()``
    is appended to the file at once instead of being lost."""

    __slots__ = ("_journal",)

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def append(self, event: Event) -> None:
        self._journal._write_late([event])

    def extend(self, events: Iterable[Part]) -> None:
        self._journal._write_late(flatten(list(events)))

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
        codecs: Mapping[str, str] | None = None,
        handshake: Mapping[str, Any] | None = None,
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
        self._pending: list[Part] | _LateWriter = []  # events, and runs of messages
        self._unwritten = b""
        self._unwritten_events = 0
        self._written = 0
        self._size = 0  # bytes written to the file
        self._lock = threading.Lock()
        self._closed = False
        self._due = time.monotonic() + flush_interval  # when the next flush is due
        self._timer: asyncio.TimerHandle | object | None = None  # see _arm()
        self._armed_at = 0.0
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        self._fd = os.open(self.path, flags, 0o600)
        try:
            record = _session_record(self.masker, name, url, file, codecs, handshake)
            self._write(_encode(record + "\n"))
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
        codecs: Mapping[str, str] | None = None,
        handshake: Mapping[str, Any] | None = None,
    ) -> Journal:
        """Open a new journal ``<log_dir>/<UTC now>-<slug of name>.ndjson``.

        ``log_dir`` defaults to :func:`default_log_dir`. ``secrets`` is a
        :class:`~wsblock.masking.Masker` or the secret values; they are masked in
        everything written, the name and URL included. ``url`` and ``file`` (the
        ``.void`` file) go into the first record, and ``codecs``: the request's
        ``decode`` / ``encode`` declarations, which ``export`` reads the session with,
        and ``handshake`` (:func:`~wsblock.journal.records.handshake_of`), which
        ``replay`` connects with. Secrets are masked in all of them.
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
                    codecs=codecs,
                    handshake=handshake,
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
        self._appended()

    def record_many(self, events: Iterable[Event]) -> None:
        """Journal several events, in order: :meth:`record` for a batch, cheaper."""
        self.record_parts(events)

    def record_parts(self, parts: Iterable[Part]) -> None:
        """Journal events and runs of received messages (:class:`~wsblock.engine.runs.
        ReceivedRun`), in order: the cheapest way, for
        :meth:`~wsblock.engine.Session.add_parts_listener`. A run is written from its
        columns, byte for byte as its events would be, without building them."""
        self._pending.extend(parts)
        self._appended()

    def _appended(self) -> None:
        """After an append: arm the flush timer, or flush here when one is due."""
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
    def size(self) -> int:
        """Bytes written to the file so far (the session record included): front ends say
        when it passes :data:`~wsblock.journal.LARGE_JOURNAL`."""
        return self._size

    @property
    def pending(self) -> int:
        """How many recorded events wait for the next flush."""
        pending = self._pending
        if isinstance(pending, list):
            return sum(len(p) if type(p) is ReceivedRun else 1 for p in pending)
        return 0

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
        parts = pending[:count]
        del pending[:count]
        # In chunks, so that memory stays small and hot.
        units = _units(parts)
        for i, unit in enumerate(units):
            try:
                if type(unit) is ReceivedRun:
                    pieces = _run_pieces(unit, self.masker)
                    if pieces is None:
                        self._write(_encode(self._serialise(unit.events())))
                    else:
                        self._write_pieces(pieces)
                else:
                    self._write(_encode(self._serialise(unit)))  # type: ignore[arg-type]
            except OSError:
                # The rest of this unit waits in _unwritten, the next units go back to
                # the front of the queue: the next flush writes them, in order.
                self._unwritten_events = len(unit)
                pending[0:0] = [p for u in units[i + 1 :] for p in _as_parts(u)]
                raise
            self._written += len(unit)

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

    def _write(self, data: bytes | memoryview, fd: int | None = None) -> None:
        """Write all of ``data``; on error keep the rest for the next attempt."""
        view = memoryview(data)
        try:
            while view:
                n = os.write(self._fd if fd is None else fd, view)
                self._size += n
                view = view[n:]
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

    def _write_pieces(self, pieces: list[bytes | memoryview]) -> None:
        """Write ``pieces`` one after the other, with as few ``os.writev`` as can be (no
        copy to join them); on error keep the rest for the next attempt, as _write."""
        if len(pieces) <= 1 or _writev is None:  # (no os.writev on Windows)
            if pieces:
                self._write(pieces[0] if len(pieces) == 1 else b"".join(pieces))
            return
        for i in range(0, len(pieces), _IOV_MAX):
            group = pieces[i : i + _IOV_MAX]
            try:
                n = _writev(self._fd, group)
            except OSError:
                n = 0  # _write tries the rest once more, keeps it and reports the error
            self._size += n
            if n < sum(map(len, group)):  # short: the rest through _write (which loops)
                rest = b"".join(group)[n:] + b"".join(pieces[i + _IOV_MAX :])
                self._write(rest)
                return
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
        self._write_late(flatten(stragglers) if isinstance(stragglers, list) else [])
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
