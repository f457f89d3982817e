"""Where journals live: the session files, their names, listing and finding them."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .records import SESSION_EVENT

SUFFIX = ".ndjson"

LARGE_JOURNAL = 100 * 1024 * 1024
"""Bytes past which a session's journal is large enough for the front ends to say so
(a flood fills gigabytes without a word otherwise), with how to prune old sessions;
``WSBLOCK_JOURNAL_WARN_MB`` sets another figure (see :func:`large_journal`)."""


def large_journal() -> int:
    """The size in bytes past which a journal is said to be large: ``WSBLOCK_JOURNAL_WARN_MB``
    (MiB, may be a fraction) when set to a number, else :data:`LARGE_JOURNAL`."""
    text = os.environ.get("WSBLOCK_JOURNAL_WARN_MB", "")
    try:
        mib = float(text)
    except ValueError:
        return LARGE_JOURNAL
    return int(mib * 1024 * 1024) if mib >= 0 else LARGE_JOURNAL


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


def _slug(name: str) -> str:
    """A file-name-safe form of a session name: ``"Echo: chat #1"`` -> ``echo-chat-1``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].rstrip("-")
    return slug or "session"


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
    2. ``last``: the latest session;
    3. a session id (``20261125T164000Z-echo``, with or without ``.ndjson``);
    4. the unique start of an id (``20261125T1640``);
    5. a session name (``echo``, compared as its slug): the latest such session.

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
    if text == "last":
        return sessions[-1].path
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
