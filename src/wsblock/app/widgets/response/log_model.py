"""The activity log's rows, stored as compact columns (no object per row).

One row per engine event. A row costs about 21 bytes beyond its payload: its time as
the journal records it (the event's ``ts``, epoch seconds, ``array('d')``, 8 B), a size (``array('I')``, 4 B), one byte packing the
direction, the kind and the binary flag (``bytearray``), and one reference to the
payload (``list``, 8 B). System events (connect, close, error...) are rare: their full
:class:`~wsblock.engine.events.Event` is kept in a side dictionary for the detail view.

A filter keeps an ``array('I')`` of the matching rows, extended incrementally as rows
arrive, so drawing the visible lines never scans the whole log.
"""

from __future__ import annotations

import re
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat

from wsblock.codecs import Codec
from wsblock.engine.events import Event
from wsblock.engine.runs import Part, ReceivedRun
from wsblock.variables.masking import Masker
from wsblock.words import PROTOCOL_FORMATS, clean_close, describe, message_words

KINDS = (
    "connecting",
    "open",
    "sent",
    "received",
    "ping",
    "pong",
    "close",
    "error",
    "reconnect",
    "expect",
    "assert",
    "note",
    "protocol",  # a protocol's own frame (Socket.IO, GraphQL handshake): hidden like keep-alive
    "capture",
    "rule",
)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
OUT, IN, SYS = 0, 1, 2
DIR_CODE = {"out": OUT, "in": IN, "sys": SYS}
DIR_NAME = ("out", "in", "sys")
ARROW = ("→", "←", "●")
BINARY = 0x04
KEEPALIVE = 0x80  # a keep-alive ping or pong of the library (hidden unless asked for)
_MAX_SIZE = 0xFFFFFFFF


@dataclass(frozen=True)
class Filter:
    """Which rows show: a text (or regular expression) and a direction."""

    text: str = ""
    regex: bool = False
    direction: str = "all"  # all | in | out | sys
    pings: bool = False  # show the keep-alive pings and pongs (counted either way)

    @property
    def active(self) -> bool:
        return bool(self.text) or self.direction != "all"

    def compile(self) -> re.Pattern[str] | None:
        """The pattern, or None; ``re.error`` for a bad regular expression."""
        if not self.text:
            return None
        return re.compile(self.text if self.regex else re.escape(self.text), re.IGNORECASE)


class LogModel:
    """Rows of one connection's activity, and the filtered view over them."""

    def __init__(self) -> None:
        self.times = array("d")  # epoch seconds of each row: the event's ts, as journaled
        self.sizes = array("I")
        self.meta = bytearray()
        self.payloads: list[str | bytes | None] = []
        self.masker = Masker(())  # the request's secrets: masked in every rendering
        self.events: dict[int, Event] = {}  # row -> full event: system rows, protocol messages
        self.count_in = 0
        self.count_out = 0
        self.keepalive = 0  # keep-alive ping/pong rows (hidden by default)
        self._opened = False  # the latest attempt opened (its close is a real close)
        self._failed = False  # an error was said in the latest attempt
        self.failures: set[int] = set()  # the rows drawn as failures (see is_failure)
        self.bytes_in = 0
        self.bytes_out = 0
        self.filter = Filter()
        self._pattern: re.Pattern[str] | None = None
        self._pattern_b: re.Pattern[bytes] | None = None
        self._dir_code: int | None = None
        self.index: array | None = None  # matching rows while a filter is active
        self._applied: Filter | None = None
        self.version = 0  # bumped on every change, for the view to notice
        self.decode: Codec | None = (
            None  # wsblock.codecs.Codec of the request's decode row (see .decoding)
        )
        self.encode: Codec | None = None  # ... and of its encode row
        self.decoded: dict[int, tuple[str, str] | None] = {}  # row -> decoded line (.decoding)
        #: The rules and timers of the request: a message sent under one of these names
        #: is marked with it (``→ [heartbeat] …``).
        self.senders: frozenset[str] = frozenset()
        self.marks: dict[
            int, str
        ] = {}  # row -> its mark (the rule that sent it, a reply's latency)

    # -- size -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.meta)

    @property
    def visible_count(self) -> int:
        return len(self.meta) if self.index is None else len(self.index)

    def row_at(self, position: int) -> int:
        """The row shown at *position* in the (filtered) view."""
        return position if self.index is None else self.index[position]

    # -- ingest -----------------------------------------------------------------------
    def extend(self, parts: Iterable[Part]) -> list[Event]:
        """Append events, and runs of received messages (``EventStream.parts``: a run's
        columns are appended as they are, no event built); returns the system events
        among them (for the status bar)."""
        system: list[Event] = []
        events: list[Event] = []
        for part in parts:
            if type(part) is ReceivedRun:
                if events:
                    system += self._extend_events(events)
                    events = []
                self._extend_run(part)
            else:
                events.append(part)  # type: ignore[arg-type]
        if events:
            system += self._extend_events(events)
        return system

    def _extend_run(self, run: ReceivedRun) -> None:
        """A run of received messages: its columns appended at C speed."""
        n = len(run.data)
        if not n:
            return
        first = len(self.meta)
        self.times.extend(repeat(run.ts.timestamp(), n))  # one read shares one ts
        sizes = run.sizes
        total = sum(sizes)
        if max(sizes) > _MAX_SIZE:
            sizes = [min(s, _MAX_SIZE) for s in sizes]
        self.sizes.extend(sizes)
        code = 0x18 | IN | (BINARY if run.type == "binary" else 0)  # received
        self.meta.extend(bytes((code,)) * n)
        self.payloads.extend(run.data)
        self.count_in += n
        self.bytes_in += total
        if self.index is not None:
            if self.filter.active:
                self._filter_rows(range(first, len(self.meta)))
            else:
                self.index.extend(range(first, len(self.meta)))
        self.version += 1

    def _extend_events(self, events: Iterable[Event]) -> list[Event]:
        times = self.times.append
        last_ts = None
        t = 0.0
        sizes = self.sizes.append
        meta = self.meta.append
        payloads = self.payloads.append
        first = len(self.meta)
        system: list[Event] = []
        keepalive: list[int] = []
        cin = cout = bin_ = bout = 0
        for ev in events:
            kind = ev.kind
            words = None
            if ev.format in PROTOCOL_FORMATS and kind in ("sent", "received"):
                # Socket.IO / GraphQL: the log shows the message in words (`← tick {"n":3}`),
                # the detail view its body and raw frame (from the event, kept)
                words = message_words(ev)
                if words is not None:
                    self.events[len(self.meta)] = ev
            if kind == "received":
                data = ev.data if words is None else words
                size = ev.size if ev.size is not None else len(data or "")
                code = 0x18 | IN  # KIND_CODE["received"] << 3
                if ev.type == "binary":
                    code |= BINARY
                cin += 1
                bin_ += size
            elif kind == "sent":
                data = ev.data if words is None else words
                size = ev.size if ev.size is not None else len(data or "")
                code = 0x10 | OUT  # KIND_CODE["sent"] << 3
                if ev.type == "binary":
                    code |= BINARY
                cout += 1
                bout += size
                if ev.name in self.senders:  # sent by a rule or a timer of the conversation
                    self.marks[len(self.meta)] = ev.name
            else:
                system.append(ev)
                self.events[len(self.meta)] = ev
                data = describe(ev)
                if kind == "connecting":
                    self._opened = self._failed = False
                elif kind == "open":
                    self._opened = True
                elif kind == "error":
                    self.failures.add(len(self.meta))
                    self._failed = True
                elif kind == "close":
                    if not self._opened:
                        # no close code was exchanged: the error before says what happened
                        data = (
                            "not connected" if ev.by == "error" else "connection attempt cancelled"
                        )
                    # a close by the server with 1011 (or any code but 1000, 1001, none) is
                    # a failure; one after the error that said why is not a second one
                    if not clean_close(ev) and not (ev.by == "error" and self._failed):
                        self.failures.add(len(self.meta))
                size = 0
                code = (KIND_CODE.get(kind, KIND_CODE["note"]) << 3) | DIR_CODE.get(ev.dir, SYS)
                if (ev.name == "keepalive" and kind in ("ping", "pong")) or kind == "protocol":
                    code |= KEEPALIVE  # and a protocol's handshake frames
                    keepalive.append(len(self.meta))
            # the wall clock of the event itself: a reconnected session's ``mono``
            # restarts from 0, so one anchor for the whole log would be wrong
            ts = ev.ts
            if ts is not last_ts:  # one socket read shares one ts
                last_ts, t = ts, ts.timestamp()
            times(t)
            sizes(size if size <= _MAX_SIZE else _MAX_SIZE)
            meta(code)
            payloads(data)
        self.count_in += cin
        self.count_out += cout
        self.bytes_in += bin_
        self.bytes_out += bout
        if keepalive:
            self.keepalive += len(keepalive)
            if self.index is None and not self.filter.pings:
                self.index = array("I", range(first))  # from now on, some rows are hidden
        if self.index is not None:
            if self.filter.active:
                self._filter_rows(range(first, len(self.meta)))
            else:  # only keep-alive rows are hidden: whole runs of rows at C speed
                extend = self.index.extend
                start = first
                for row in keepalive:
                    extend(range(start, row))
                    start = row + 1
                extend(range(start, len(self.meta)))
        self.version += 1
        return system

    def shown(self, row: int) -> str | bytes | None:
        """Row *row*'s payload as it may be shown: secrets masked (binary as bytes, so
        that the hex dump and the one-line hex hide them too)."""
        payload = self.payloads[row]
        if payload is None or not self.masker:
            return payload
        if isinstance(payload, bytes):
            return self.masker.mask_bytes(payload)
        return self.masker.mask(payload)

    def note(self, text: str) -> None:
        """A line of the app's own (an error resolving a message, ...)."""
        row = len(self.meta)
        self.times.append(time.time())
        self.sizes.append(0)
        self.meta.append((KIND_CODE["note"] << 3) | SYS)
        self.payloads.append(text)
        if self.index is not None:
            self._filter_rows((row,))
        self.version += 1

    def mark(self, row: int, text: str) -> None:
        """Show ``text`` beside row ``row`` (a paired reply's latency)."""
        if 0 <= row < len(self.meta):
            self.marks[row] = text
            self.version += 1

    def clear(self) -> None:
        """Drop every row; the filter, the secrets, the request's codecs and senders stay."""
        keep, masker, codecs = self.filter, self.masker, (self.decode, self.encode)
        senders = self.senders
        LogModel.__init__(self)
        self.masker = masker
        self.decode, self.encode = codecs
        self.senders = senders
        self.set_filter(keep)

    # -- reading a row ------------------------------------------------------------------
    def direction(self, row: int) -> int:
        return self.meta[row] & 0x03

    def kind(self, row: int) -> str:
        return KINDS[(self.meta[row] >> 3) & 0x0F]

    def is_failure(self, row: int) -> bool:
        """Is row *row* a failure (drawn red)? An error, and a close that is not a clean
        end (:func:`wsblock.words.clean_close`: the server's 1011 is one) when no error
        said it before (a refused connect or a drop is one failure, told by its error; a
        close by the client, or by the server with 1000 or 1001, is none)."""
        return row in self.failures

    def is_keepalive(self, row: int) -> bool:
        return bool(self.meta[row] & KEEPALIVE)

    @property
    def hidden_keepalive(self) -> int:
        """Keep-alive rows hidden by the filter."""
        return 0 if self.filter.pings else self.keepalive

    def is_binary(self, row: int) -> bool:
        return bool(self.meta[row] & BINARY)

    def wall_time(self, row: int) -> float:
        return self.times[row]

    def clock(self, row: int) -> str:
        """``HH:MM:SS.mmm``, local time."""
        t = self.wall_time(row)
        lt = time.localtime(t)
        return f"{lt.tm_hour:02d}:{lt.tm_min:02d}:{lt.tm_sec:02d}.{int((t % 1) * 1000):03d}"

    def timestamp(self, row: int) -> datetime:
        return datetime.fromtimestamp(self.wall_time(row)).astimezone()

    def event(self, row: int) -> Event | None:
        return self.events.get(row)

    def as_event(self, row: int) -> Event:
        """Row *row* as an engine event (a system row's own; a message rebuilt from the
        columns), so that the journal's export can write it."""
        kept = self.events.get(row)
        if kept is not None:
            return kept
        payload = self.payloads[row]
        kind = self.kind(row)
        if kind not in ("sent", "received", "ping", "pong"):  # an app note
            return Event("error", self.timestamp(row), 0.0, "sys", reason=str(payload or ""))
        return Event(
            kind,  # type: ignore[arg-type]
            self.timestamp(row),
            0.0,
            DIR_NAME[self.direction(row)],  # type: ignore[arg-type]
            "binary" if self.is_binary(row) else "text",
            None,
            payload,
            self.sizes[row],
        )

    # -- filtering ----------------------------------------------------------------------
    def set_filter(self, flt: Filter) -> None:
        """Apply *flt* (``re.error`` for a bad regular expression, filter unchanged)."""
        pattern = flt.compile()
        self.filter = flt
        self._pattern = pattern
        self._pattern_b = None
        if pattern is not None:
            try:
                self._pattern_b = re.compile(
                    pattern.pattern.encode("utf-8", "surrogateescape"), re.IGNORECASE
                )
            except (re.error, UnicodeEncodeError):
                self._pattern_b = None
        previous, self_index = self._narrowable(flt), self.index
        self._dir_code = None if flt.direction == "all" else DIR_CODE[flt.direction]
        needs_index = flt.active or (not flt.pings and self.keepalive > 0)
        if flt.active and previous and self_index is not None:
            # typing more of the same plain text: only the rows that matched can match
            self.index = array("I")
            self._filter_rows(self_index)
        elif needs_index:
            self.index = array("I")
            self._filter_rows(range(len(self.meta)))
        else:
            self.index = None
        self.filter = flt
        self.version += 1

    def _narrowable(self, flt: Filter) -> bool:
        old = self._applied
        self._applied = flt
        return (
            old is not None
            and old.active
            and not old.regex
            and not flt.regex
            and old.direction == flt.direction
            and old.pings == flt.pings
            and old.text.lower() in flt.text.lower()
        )

    def _filter_rows(self, rows: Iterable[int]) -> None:
        """Append to the index those of *rows* (in order) that the filter keeps."""
        index = self.index
        assert index is not None
        meta = self.meta
        payloads = self.payloads
        dcode = self._dir_code
        hide = 0 if self.filter.pings else KEEPALIVE
        pat = self._pattern
        search = pat.search if pat is not None else None
        search_b = self._pattern_b.search if self._pattern_b is not None else None
        for row in rows:
            if dcode is not None and (meta[row] & 0x03) != dcode:
                continue
            if meta[row] & hide:
                continue
            if search is not None:
                p = payloads[row]
                if isinstance(p, str):
                    if search(p) is None:
                        continue
                elif isinstance(p, bytes):
                    if (search_b is None or search_b(p) is None) and not (
                        (self.decode or self.encode) and _decoded_matches(self, row, search)
                    ):
                        continue
                else:
                    continue
            index.append(row)

    # -- counters -------------------------------------------------------------------------
    @property
    def messages(self) -> int:
        return self.count_in + self.count_out

    def memory_bytes(self) -> int:
        """Bytes held by the columns (payload objects not counted)."""
        import sys

        return (
            self.times.buffer_info()[1] * self.times.itemsize
            + self.sizes.buffer_info()[1] * self.sizes.itemsize
            + sys.getsizeof(self.meta)
            + sys.getsizeof(self.payloads)
            + (0 if self.index is None else self.index.buffer_info()[1] * 4)
        )


def _decoded_matches(model: LogModel, row: int, search) -> bool:
    from .decoding import matches  # binary feeds: the filter matches the decoded text

    return matches(model, row, search)
