"""A recorded session read back as a conversation: what ``replay``, ``diff`` and ``mock``
work from.

::

    recording = read_recording("last")          # an id, a unique prefix, a name, a path
    recording.sent, recording.received          # Msg lists (wsblock.conversation.compare)
    recording.messages                          # both, in the order they happened
    recording.handshake                         # headers and options, secrets masked

Secrets are masked in a journal (``••••••``): :func:`is_masked` says whether a value
holds a mask, and replay takes those from the current variables, never from here.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wsblock.conversation.compare import Msg
from wsblock.variables.masking import MASK

from .query import Cut, read_session
from .records import SESSION_EVENT
from .store import JournalError, find_session


@dataclass
class Connection:
    """One connection of a session: what it sent and received, and how it ended."""

    opened_at: float | None = None
    """When the handshake completed (``mono``), the origin of every message's ``at``."""
    messages: list[Msg] = field(default_factory=list)
    sent_names: list[str] = field(default_factory=list)
    """The name of each sent message (a saved message's name, else "")."""
    sent_formats: list[str] = field(default_factory=list)
    """The format of each sent message (text, json, xml, binary, socket.io, graphql)."""
    sent_keys: list[str | None] = field(default_factory=list)
    """The protocol's key of each sent message (a Socket.IO ack id, a GraphQL operation
    id), else None."""
    close: dict[str, Any] | None = None
    """The ``close`` record, if the connection ended."""

    @property
    def sent(self) -> list[Msg]:
        return [m for m in self.messages if m.dir == "out"]

    @property
    def received(self) -> list[Msg]:
        return [m for m in self.messages if m.dir == "in"]


@dataclass(kw_only=True)
class Recording(Connection):
    """One session of the journal, as a conversation: its first connection (the
    :class:`Connection` it is), and the ones after it in :attr:`later`."""

    path: Path
    name: str
    url: str | None
    handshake: dict[str, Any] = field(default_factory=dict)
    subprotocol: str | None = None
    """The subprotocol the server chose."""
    reconnected: bool = False
    """The session connected again after its first connection (reconnect, the app's
    Reconnect): the first connection is in ``messages``, the next ones in ``later``."""
    cut: Cut | None = None
    """The journal ended in a line cut short (left out), within what was read."""
    frames: list[Msg] = field(default_factory=list)
    """Every frame of the first connection as it went on the wire, in order: a protocol's
    own (Socket.IO's open and namespace packets, GraphQL's ``connection_init``) and the
    messages as sent (a Socket.IO event's packet, ``raw``). What a mock of a session that
    spoke a protocol plays; ``at`` from the first frame."""
    frame_names: list[str] = field(default_factory=list)
    """The name of each frame (``connect /``, a saved message's), else ""."""
    later: list[Connection] = field(default_factory=list)
    """The connections after the first (a reconnect, the app's Reconnect), in order."""

    @property
    def id(self) -> str:
        return self.path.name.removesuffix(".ndjson")


def read_recording(
    ref: str | os.PathLike[str], log_dir: str | os.PathLike[str] | None = None
) -> Recording:
    """The session ``ref`` names (see :func:`~wsblock.journal.store.find_session`).

    Raises :class:`~wsblock.journal.store.JournalError` (its message in plain words)
    for a session that cannot be found or is not a wsblock journal. Only the first
    connection of a session that reconnected is taken: a replay is one connection
    (:attr:`Recording.reconnected` says there were more).
    """
    path = find_session(ref, log_dir)
    records = read_session(path)
    try:
        first = next(records, None)
    except (JournalError, ValueError) as e:
        raise JournalError(f"{path} is not a wsblock journal: {e}") from None
    if not isinstance(first, dict) or first.get("event") != SESSION_EVENT:
        raise JournalError(f"{path} is not a wsblock journal (no session record first)")
    recording = Recording(
        path=path,
        name=str(first.get("name", "")),
        url=first.get("url"),
        handshake=dict(first.get("handshake") or {}),
    )
    opened = False
    wire: list[tuple[dict[str, Any], float]] = []  # the frames' records, and their times
    again = False  # the session is connecting again (no close recorded before)
    next_open: dict[str, Any] | None = None
    for record in records:
        kind = record.get("event")
        if kind == "connecting" and recording.url is None:
            recording.url = record.get("url")
        if kind == "connecting":
            if opened:
                again = True  # a reconnect: its frames are another connection's
            else:
                wire.clear()  # an attempt that failed: its frames are not the connection's
        if kind in ("protocol", "sent", "received") and (opened or kind == "protocol"):
            if not again:
                wire.append((record, float(record.get("mono", 0.0))))
        if kind == "open":
            if opened:
                next_open = record  # a reconnect with no close recorded before it
                break
            opened = True
            recording.opened_at = float(record.get("mono", 0.0))
            recording.subprotocol = record.get("subprotocol")
        elif kind in ("sent", "received") and opened:
            _add(recording, record, path)
        elif kind == "close" and opened:
            recording.close = record
            break
    recording.later = _later(records, path, next_open)
    recording.reconnected = bool(recording.later)
    recording.cut = records.cut
    if any(r.get("format") == "socket.io" and "raw" not in r for r, _ in wire):
        wire.clear()  # an older journal: its events are not the packets they went as
    if wire:
        origin = wire[0][1]
        for record, _ in wire:
            frame = _msg(record, origin, path)
            if "raw" in record:  # a protocol's message: the packet it went as
                frame = Msg("text", str(record["raw"]), frame.at, frame.dir)
            elif record.get("event") == "protocol":
                out = record.get("dir") == "out"
                frame = Msg("text", frame.data, frame.at, "out" if out else "in")
            recording.frames.append(frame)
            recording.frame_names.append(str(record.get("name") or ""))
    return recording


def _add(connection: Connection, record: dict[str, Any], path: Path) -> None:
    """A ``sent`` or ``received`` record, to the connection it came on."""
    connection.messages.append(_msg(record, connection.opened_at or 0.0, path))
    if record.get("event") == "sent":
        connection.sent_names.append(str(record.get("name") or ""))
        connection.sent_formats.append(
            str(record.get("format") or ("binary" if "data_b64" in record else "text"))
        )
        key = record.get("key")
        connection.sent_keys.append(None if key is None else str(key))


def _later(
    records: Iterator[dict[str, Any]], path: Path, opening: dict[str, Any] | None
) -> list[Connection]:
    """The connections in the rest of ``records``, the first opened by ``opening`` if it
    is not among them."""
    found: list[Connection] = []
    current = None if opening is None else Connection(float(opening.get("mono", 0.0)))
    for record in records:
        kind = record.get("event")
        if kind == "open":
            if current is not None:
                found.append(current)
            current = Connection(float(record.get("mono", 0.0)))
        elif current is None:
            continue
        elif kind in ("sent", "received"):
            _add(current, record, path)
        elif kind == "close":
            current.close = record
            found.append(current)
            current = None
    if current is not None:
        found.append(current)
    return found


def _msg(record: dict[str, Any], origin: float, path: Path) -> Msg:
    at = max(0.0, float(record.get("mono", origin)) - origin)
    direction: Literal["in", "out"] = "out" if record.get("event") == "sent" else "in"
    if "data_b64" in record:
        try:
            data: str | bytes = base64.b64decode(record["data_b64"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise JournalError(f"{path}: a binary message is not valid base64") from None
        return Msg("binary", data, at, direction)
    return Msg("text", str(record.get("data", "")), at, direction)


def is_masked(value: object) -> bool:
    """Whether ``value`` (a string or bytes read back) holds a masked secret."""
    if isinstance(value, bytes):
        return MASK.encode() in value
    return isinstance(value, str) and MASK in value
