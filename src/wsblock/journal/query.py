"""Reading a journal back: records, search, and export as JSON, CSV or NDJSON."""

from __future__ import annotations

import binascii
import csv
import json
import os
import re
from collections.abc import Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, TextIO, cast

from wsblock.variables.masking import Masker

from .records import _REST
from .store import JournalError, find_session

ExportFormat = Literal["json", "csv", "ndjson"]


def read_session(
    ref: str | os.PathLike[str], log_dir: str | os.PathLike[str] | None = None
) -> Records:
    """The records of a journal, in order, as dicts (the ``session`` record first).

    ``ref`` is anything :func:`find_session` takes; it is resolved now (raising
    :class:`SessionNotFoundError`), the file is read lazily. A last line cut short
    (a process killed mid-write) is left out, and said by :attr:`Records.cut` for the
    reader to say; a malformed line elsewhere raises
    :class:`JournalError` naming the file and line.
    """
    path = find_session(ref, log_dir)
    try:
        f = open(path, "rb")  # closed by the generator
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return Records(f, path)


class Records(Iterator[dict[str, Any]]):
    """:func:`read_session`'s records. Once read to the end, :attr:`cut` says whether the
    file ended in a line cut short, which was left out: a reader says so (:meth:`Cut.words`)."""

    def __init__(self, f: IO[bytes], path: Path):
        self.path = path
        self.cut: Cut | None = None
        self._records = self._read(f)

    def __next__(self) -> dict[str, Any]:
        return next(self._records)

    def close(self) -> None:
        self._records.close()

    def _read(self, f: IO[bytes]) -> Generator[dict[str, Any], None, None]:
        path = self.path
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
                    if not complete:  # cut short by a kill: the file ends here
                        self.cut = Cut(path, number, len(line))
                        return
                    raise JournalError(f"{path}:{number}: not a JSON record") from None
                if not isinstance(record, dict):
                    raise JournalError(f"{path}:{number}: not a JSON object")
                yield record


class Cut:
    """A journal's last line, cut short: its number and the bytes of it on disk."""

    def __init__(self, path: Path, line: int, size: int):
        self.path, self.line, self.size = path, line, size

    def words(self) -> str:
        return (
            f"{self.path.name}: its last line ({self.line}, {self.size:,} bytes) was cut short "
            "(the process writing it was killed, or is writing it now) and is left out: "
            f"read up to line {self.line - 1}"
        )


_TEXT_KEYS = ("data", "reason", "error", "body", "name", "request", "url", "subprotocol")


def _texts(record: Mapping[str, Any]) -> Iterator[str]:
    """The searchable text of a record: payload (binary decoded as UTF-8), its decoded
    value as compact JSON when a codec added one, reason, error, body, names, URL,
    subprotocol, header names and values, extensions."""
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
    if "decoded" in record:  # added on read by a decode / encode row (binary feeds)
        yield json.dumps(record["decoded"], ensure_ascii=False, separators=(",", ":"))
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


CSV_COLUMNS: tuple[str, ...] = (
    _CSV_FIRST[:-1] + tuple(f for f in _REST if f not in _CSV_FIRST) + ("extra",)
)
"""The columns of a CSV export; a field added to ``Event`` later (``count``) becomes a
column before ``extra``, which stays last. ``extra`` holds any other key (the session record's
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
            extra = {k: v for k, v in record.items() if k not in known}
            extra_cell = json.dumps(extra, ensure_ascii=False) if extra else ""
            # ``extra`` keeps its column; fields added to Event later come after it.
            row = [extra_cell if c == "extra" else _cell(record.get(c)) for c in CSV_COLUMNS]
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
