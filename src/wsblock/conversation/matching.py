"""Matching inbound messages against expectations, and the values assertions check.

One implementation for every front end that plays a conversation: ``wsblock run``
(:mod:`wsblock.runner`, on the asyncio engine) and ``wsblock load``
(:mod:`wsblock.load`, on gevent). Only the transport differs between them:

* :class:`Inbound` -- one received message as an expectation sees it (``body``,
  ``body.a.b[0].c``, ``type``, ``size``, ``latency``, ``decoded``); with a ``decode``
  row (:mod:`wsblock.codecs`), ``body.x`` reads the decoded value and ``decoded`` names
  the decoder (absent when the message could not be decoded);
* :func:`judge` -- the rows of an expectation or assertions table that do not hold;
* :class:`Facts` and :func:`assertion_value` -- what an ``assertions-table`` row can
  name (``connected``, ``status``, ``headers.X``, ``closeCode``...).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from wsblock.conversation.checks import MISSING, evaluate, lookup
from wsblock.conversation.request import Check

__all__ = ["Facts", "Inbound", "Received", "assertion_value", "judge"]


class Received(Protocol):
    """What :class:`Inbound` needs of a message: an engine event, or a load test's frame."""

    @property
    def data(self) -> Any: ...  # str for text, bytes for binary

    @property
    def type(self) -> Any: ...  # "text" | "binary"

    @property
    def size(self) -> Any: ...


@dataclass
class Inbound:
    """A received message with the latency since the last send (ms, ``None``: no send yet)."""

    event: Received
    latency_ms: float | None
    codec: Any = None  # a wsblock.codecs.Codec: body.x reads the decoded value
    _json: Any = None
    _parsed: bool = False

    def parsed(self) -> Any:
        if not self._parsed:
            self._parsed = True
            data = self.event.data
            if self.codec is not None:
                try:
                    self._json = self.codec.decode(data)
                except ValueError:  # CodecError: shown raw elsewhere; here it is absent
                    self._json = MISSING
                return self._json
            try:
                self._json = json.loads(data) if isinstance(data, str) else MISSING
            except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
                self._json = MISSING
        return self._json

    def field(self, name: str) -> Any:
        data = self.event.data
        if name == "body":
            if isinstance(data, (bytes, bytearray)):
                return base64.b64encode(bytes(data)).decode()
            return data
        if name.startswith("body.") or name.startswith("body["):
            doc = self.parsed()
            return MISSING if doc is MISSING else lookup(doc, name[4:].lstrip("."))
        if name == "type":
            return self.event.type
        if name == "decoded":
            return MISSING if self.codec is None or self.parsed() is MISSING else self.codec.name
        if name == "size":
            return self.event.size
        if name == "latency":
            return MISSING if self.latency_ms is None else round(self.latency_ms, 3)
        return MISSING


def judge(checks: tuple[Check, ...], get: Callable[[str], Any]) -> list[str]:
    """The rows that did not hold, each with its actual value."""
    failed = []
    for c in checks:
        out = evaluate(c.operator, get(c.field), c.expected)
        if not out.ok:
            failed.append(
                f"{c.description}: {c.field} {c.operator} {c.expected!r}, actual {out.shown!r}{f' ({out.reason})' if out.reason else ''}"
            )
    return failed


@dataclass
class Facts:
    """What is known of a finished (or failed) connection, for its assertions."""

    connected: bool = False
    status: int | None = None
    headers: Sequence[tuple[str, str]] = ()
    subprotocol: str | None = None
    close_code: int | None = None
    close_reason: str | None = None  # None: no close seen
    sent: int = 0
    received: int = 0
    duration_ms: float | None = None  # from open to close; None: never opened
    handshake_ms: float | None = None  # from the start of connecting to open (responseTime)


def assertion_value(name: str, facts: Facts) -> Any:
    """The value an assertion row names, :data:`MISSING` when there is none."""
    if name == "connected":
        return facts.connected
    if name == "status":
        return facts.status if facts.status is not None else MISSING
    if name.lower().startswith("headers."):
        wanted = name[8:].lower()
        for k, v in facts.headers or ():
            if k.lower() == wanted:
                return v
        return MISSING
    if name == "subprotocol":
        return facts.subprotocol if facts.subprotocol is not None else MISSING
    if name == "closeCode":
        return facts.close_code if facts.close_code is not None else MISSING
    if name == "closeReason":
        return facts.close_reason if facts.close_reason is not None else MISSING
    if name == "sent.count":
        return facts.sent
    if name == "received.count":
        return facts.received
    if name == "duration":
        return MISSING if facts.duration_ms is None else round(facts.duration_ms, 3)
    if name == "responseTime":  # Voiden's name: the handshake's time, in ms
        return MISSING if facts.handshake_ms is None else round(facts.handshake_ms, 3)
    return MISSING
