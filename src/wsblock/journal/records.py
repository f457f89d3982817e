"""How an event becomes one NDJSON line of a journal: field order, timestamps, masking."""

from __future__ import annotations

import binascii
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from itertools import chain, repeat
from json.encoder import encode_basestring as _quote
from operator import attrgetter
from pathlib import Path
from typing import Any

from orjson import dumps as _orjson_dumps

from wsblock.conversation.request import Request
from wsblock.engine.events import Event
from wsblock.engine.runs import ReceivedRun
from wsblock.variables.masking import Masker
from wsblock.version import __version__

SESSION_EVENT = "session"
"""The ``event`` of a journal's first record, which describes the session."""


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


def _run_text(run: ReceivedRun, masker: Masker | None) -> str | None:
    """The NDJSON lines of a run's events, each ending with a newline: the same text as
    :func:`_lines` gives for ``run.events()``, built in columns (no event, no per-message
    function call of ours: the loops run in C). ``None`` when the run's timestamp is not
    one the hot path formats (not UTC, ``mono`` out of range): use the events then.
    """
    ts, mono = run.ts, run.mono
    if ts.tzinfo is not UTC or not -1e15 < mono < 1e15:
        return None
    start, end, prefix = _window
    if not start <= ts < end:
        start, end, prefix = _new_window(ts)
    data: Iterable[Any] = run.data
    if run.type == "text":
        key = "data"
        if masker:
            data = map(masker.mask, data)
        values: Iterable[str] = map(_quote, data)
    else:
        key = "data_b64"
        if masker:
            data = map(masker.mask_bytes, data)
        values = map(_b64_quoted, data)
    head = f'{prefix}{ts.microsecond:06d}Z", "event": "received", "dir": "in", "type": "{run.type}", "size": '
    mid = f', "{key}": '
    tail = f', "mono": {mono:.6f}}}\n'
    sizes = run.sizes
    if not sizes:
        return ""
    first = sizes[0]
    if sizes.count(first) == len(sizes):  # a flood: one size, the lines differ by data only
        lead = f"{head}{first}{mid}"
        return lead + (tail + lead).join(values) + tail
    return "".join(
        chain.from_iterable(
            zip(repeat(head), map(str, sizes), repeat(mid), values, repeat(tail), strict=False)
        )
    )


def _run_bytes(run: ReceivedRun, masker: Masker | None) -> bytes | None:
    """:func:`_run_text`, encoded (see :func:`_run_pieces`). ``None`` as _run_text."""
    pieces = _run_pieces(run, masker)
    if pieces is None:
        return None
    return pieces[0] if len(pieces) == 1 and type(pieces[0]) is bytes else b"".join(pieces)


def _run_pieces(run: ReceivedRun, masker: Masker | None) -> list[bytes | memoryview] | None:
    """:func:`_run_text`, encoded, in pieces to be written one after the other (with one
    ``os.writev``: the run's text is never copied whole once more to join them); for text
    made by ``orjson``: the payloads are quoted at once (``orjson.dumps`` of the list,
    SIMD escaping, UTF-8 out), or one by one for KiB messages. When nothing was escaped the
    lines are joined around the payloads themselves (:func:`_plain_lines`); else the
    list's ``","`` separators -- which cannot occur inside a quoted string, where every
    ``"`` is escaped -- become the ends and starts of lines. ``None`` as _run_text."""
    if run.type != "text":
        text = _run_text(run, masker)
        return None if text is None else [_encode(text)]
    ts, mono = run.ts, run.mono
    if ts.tzinfo is not UTC or not -1e15 < mono < 1e15:
        return None
    sizes = run.sizes
    if not sizes:
        return []
    data = run.data if not masker else list(map(masker.mask, run.data))  # type: ignore[arg-type]
    big = sum(sizes) >= len(sizes) * 1024  # KiB messages: quoted one by one, no scan
    try:
        body = b"" if big else _orjson_dumps(data)  # b'["a","b"]'
        quoted = list(map(_orjson_dumps, data)) if big else []
    except TypeError:  # a lone surrogate: json's escapes, as the events would have
        text = _run_text(run, masker)
        return None if text is None else [_encode(text)]
    start, end, prefix = _window
    if not start <= ts < end:
        start, end, prefix = _new_window(ts)
    head = (
        f'{prefix}{ts.microsecond:06d}Z", "event": "received", "dir": "in", '
        '"type": "text", "size": '
    ).encode()
    mid = b', "data": "'
    tail = f'", "mono": {mono:.6f}}}\n'.encode()
    first = sizes[0]
    flood = sizes.count(first) == len(sizes)  # one size: the lines differ by data only
    if not big and b"\\" not in body:
        # Nothing escaped (every JSON escape starts with a backslash): each payload is
        # its own JSON string between quotes, so the lines are joined around the payloads
        # themselves: no search for the separators.
        texts: Any = data  # str payloads (a text run)
        return [_plain_lines(texts, sizes, flood, head.decode(), tail.decode()[1:])]
    if big:  # "..." per message: the line's quotes are in it
        if flood:  # lead, "payload", tail + lead, "payload", ..., tail
            pieces: list[bytes | memoryview] = [tail[1:] + head + b"%d" % first + mid[:-1]]
            pieces *= 2 * len(quoted) + 1
            pieces[1::2] = quoted
            pieces[0] = pieces[0][len(tail) - 1 :]
            pieces[-1] = tail[1:]
            return pieces
        return list(
            chain.from_iterable(
                zip(
                    repeat(head),
                    map(b"%d".__mod__, sizes),
                    repeat(mid[:-1]),
                    quoted,
                    repeat(tail[1:]),
                    strict=False,
                )
            )
        )
    if flood:
        lead = head + b"%d" % first + mid
        return [lead, memoryview(body.replace(b'","', tail + lead))[2:-2], tail]
    return list(
        chain.from_iterable(
            zip(
                repeat(head),
                map(b"%d".__mod__, sizes),
                repeat(mid),
                body[2:-2].split(b'","'),
                repeat(tail),
                strict=False,
            )
        )
    )


def _plain_lines(data: Sequence[str], sizes: list[int], flood: bool, head: str, tail: str) -> bytes:
    """The lines ``head + size + ', "data": "' + payload + '"' + tail`` of payloads that
    need no escaping (their JSON strings are themselves between quotes), encoded. When all
    have one size (``flood``) the text is one join: the first line's lead and the last
    one's tail joined to their message, not ``lead + ... + tail`` of the whole text."""
    mid = ', "data": "'
    first = sizes[0]
    if flood:
        lead = f"{head}{first}{mid}"
        items = list(data)
        items[0] = lead + items[0]
        items[-1] += '"' + tail
        return _encode(f'"{tail}{lead}'.join(items))
    close = '"' + tail
    return _encode(
        "".join(
            chain.from_iterable(
                zip(repeat(head), map(str, sizes), repeat(mid), data, repeat(close), strict=False)
            )
        )
    )


def _b64_quoted(data: bytes) -> str:
    return '"' + binascii.b2a_base64(data, newline=False).decode("ascii") + '"'


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
    masker: Masker,
    name: str,
    url: str | None,
    file: str | os.PathLike[str] | None,
    codecs: Mapping[str, str] | None = None,
    handshake: Mapping[str, Any] | None = None,
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
    for key in ("decode", "encode"):  # the declarations export reads the session with
        if codecs and codecs.get(key):
            record[key] = codecs[key]
    if handshake:
        record["handshake"] = masker.mask_any(dict(handshake))
    return json.dumps(record, ensure_ascii=False)


def handshake_of(request: Request) -> dict[str, Any]:
    """What a session record keeps of how ``request`` connected, for ``wsblock replay``:
    the request's file and index, its headers, subprotocols and connection options, and
    for a protocol on the WebSocket (Socket.IO, GraphQL) the protocol, its namespace, path
    and connect payload (secrets are masked when written: replay takes them from the
    variables)."""
    o = request.options
    options: dict[str, Any] = {
        "subprotocols": list(o.subprotocols),
        "origin": o.origin,
        "compression": o.compression,
        "connect_timeout": o.connect_timeout,
        "ping_interval": o.ping_interval,
        "ping_timeout": o.ping_timeout,
        "max_message_size": o.max_message_size,
        "tls_verify": o.tls_verify,
        "ca_file": str(o.ca_file) if o.ca_file else None,
        "client_cert": str(o.client_cert) if o.client_cert else None,
        "client_key": str(o.client_key) if o.client_key else None,
        "proxy": o.proxy,
    }
    if o.protocol != "websocket":
        options["protocol"] = o.protocol
        options["connect_payload"] = o.connect_payload
        if o.protocol == "socket.io":
            options["namespace"] = o.namespace
            options["socketio_path"] = o.socketio_path
    record: dict[str, Any] = {
        "headers": [[k, v] for k, v in request.headers],
        "options": {k: v for k, v in options.items() if v is not None},
    }
    if request.file is not None:
        record["file"] = str(Path(request.file).resolve())
        record["index"] = request.index
    return record


def _encode(text: str) -> bytes:
    # A lone surrogate can only stand inside a JSON string: "backslashreplace" turns it
    # into the \udXXX escape that reads back as the same string.
    return text.encode("utf-8", "backslashreplace")
