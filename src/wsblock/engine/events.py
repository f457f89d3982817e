"""Events a session emits. Plain, immutable records; the journal writes them as NDJSON.

Every event has a UTC wall-clock timestamp (microseconds) and a monotonic offset in
seconds from the session's start, so that ordering and durations never depend on
the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal[
    "connecting",  # a connection attempt starts (attempt number in `attempt`)
    "open",  # handshake done: `subprotocol`, `extensions`, `status`, `headers`
    "sent",  # a message went out: `type`, `format`, `data`, `size`
    "received",  # a message came in: `type`, `data`, `size`
    "ping",  # a ping sent (dir out) or received (dir in)
    "pong",  # a pong received (`rtt_ms` for ours) or sent
    "close",  # the connection is closed: `code`, `reason`, `by` (client|server|error)
    "error",  # an error in plain words: `error` (refused|dns|tls|timeout|rejected|...), `reason`
    "reconnect",  # a reconnect is scheduled: `attempt`, `delay`
    "protocol",  # a protocol's own frame (Socket.IO, GraphQL handshake): `data`, `name` (what)
    "expect",  # runner: an expectation held or failed (`ok`, `name`)
    "assert",  # runner: an assertion held or failed (`ok`, `name`)
    "capture",  # a runtime variable captured: `name`, `data` (masked if secret), `ok` (found)
    "rule",  # a rule or timer of the conversation: `name`, `count` (times it fired)
]
Direction = Literal["out", "in", "sys"]


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in a session; which fields are set depends on ``kind``.

    Fields added after the first version of this contract go at the end, so that
    positional construction keeps working.
    """

    kind: Kind
    ts: datetime  # UTC, tz-aware
    mono: float  # seconds since the session started (time.monotonic based)
    dir: Direction = "sys"
    type: Literal["text", "binary"] | None = None
    format: str | None = None  # text | json | xml (outbound messages)
    data: str | bytes | None = None
    size: int | None = None
    code: int | None = None
    reason: str | None = None
    by: Literal["client", "server", "error"] | None = None
    error: str | None = None  # refused | dns | tls | timeout | rejected | protocol | ...
    status: int | None = None  # HTTP status of the handshake (101, or the rejection's)
    headers: tuple[tuple[str, str], ...] | None = None  # handshake response headers
    body: str | None = None  # first KiB of a rejected handshake's body
    subprotocol: str | None = None
    extensions: tuple[str, ...] | None = None
    rtt_ms: float | None = None
    attempt: int | None = None
    delay: float | None = None
    ok: bool | None = None
    name: str | None = None
    request: str | None = None
    url: str | None = None  # connecting: the URL being connected to
    count: int | None = None  # rule: how many times it fired
    key: str | None = None  # sent/received protocol messages: Socket.IO ack id, GraphQL op id
    raw: str | None = None  # sent/received protocol messages: the frame as on the wire
    discarded: int | None = None  # close: messages dropped after the client's close frame
