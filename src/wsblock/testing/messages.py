"""A message of a connection or of a run, as a Python test reads it.

:class:`Message` wraps one ``sent`` or ``received`` engine event: ``.text`` and
``.data`` (the payload as text and as bytes), ``.type`` (``text`` | ``binary``),
``.dir`` (``out`` | ``in``), ``.ts`` (UTC) and ``.json()``, parsed once (or decoded by
the request's ``decode`` row when it has one).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from wsblock.engine.events import Event

if TYPE_CHECKING:
    from wsblock.codecs import Codec

__all__ = ["Message"]

_UNPARSED: Any = object()


class Message:
    """One WebSocket message, sent (``dir == "out"``) or received (``dir == "in"``).

    Attributes:
        type: ``"text"`` or ``"binary"``.
        dir: ``"out"`` (sent) or ``"in"`` (received).
        ts: When it was sent or received (UTC, tz-aware).
        size: Its size in bytes.
        name: The saved message's name, for a message sent from a file (else None).
        format: ``text``, ``json`` or ``xml`` for a text message sent; None otherwise.
    """

    __slots__ = (
        "type",
        "dir",
        "ts",
        "size",
        "name",
        "format",
        "mono",
        "_payload",
        "_codec",
        "_json",
    )

    def __init__(
        self,
        payload: str | bytes,
        *,
        type: Literal["text", "binary"],
        dir: Literal["in", "out"],
        ts: datetime,
        size: int | None = None,
        name: str | None = None,
        format: str | None = None,
        mono: float = 0.0,
        codec: Codec | None = None,
    ) -> None:
        self._payload = payload
        self.type = type
        self.dir = dir
        self.ts = ts
        self.size = size if size is not None else len(self.data)
        self.name = name
        self.format = format
        self.mono = mono  # seconds since the session began (latency rows)
        self._codec = codec
        self._json: Any = _UNPARSED

    @classmethod
    def from_event(cls, event: Event, codec: Codec | None = None) -> Message:
        """The message of a ``sent`` or ``received`` event."""
        payload = event.data if event.data is not None else ""
        return cls(
            bytes(payload) if isinstance(payload, (bytearray, memoryview)) else payload,
            type=event.type or ("binary" if isinstance(payload, bytes) else "text"),
            dir="out" if event.kind == "sent" else "in",
            ts=event.ts,
            size=event.size,
            name=event.name,
            format=event.format,
            mono=event.mono,
            codec=codec,
        )

    @property
    def text(self) -> str:
        """The payload as text: a text message as it is; a binary one decoded as UTF-8,
        each byte that is not UTF-8 shown as U+FFFD (``.data`` holds the exact bytes)."""
        p = self._payload
        return p if isinstance(p, str) else p.decode("utf-8", errors="replace")

    @property
    def data(self) -> bytes:
        """The payload as bytes (a text message encoded as UTF-8)."""
        p = self._payload
        return p.encode("utf-8") if isinstance(p, str) else p

    @property
    def payload(self) -> str | bytes:
        """The payload as it went over the wire: ``str`` for text, ``bytes`` for binary."""
        return self._payload

    def json(self) -> Any:
        """The payload parsed as JSON, once; with a ``decode`` option (protobuf, msgpack,
        ...) the decoded value. ``ValueError`` when it is neither."""
        if self._json is _UNPARSED:
            if self._codec is not None:
                self._json = self._codec.decode(self._payload)
            else:
                try:
                    self._json = json.loads(self._payload)
                except ValueError as e:
                    raise ValueError(f"the {self.type} message is not JSON: {e}") from None
        return self._json

    def __repr__(self) -> str:
        shown = self.text if self.type == "text" else f"<{self.size} bytes>"
        if len(shown) > 80:
            shown = shown[:80] + "…"
        arrow = "→" if self.dir == "out" else "←"
        return f"<Message {arrow} {self.type} {shown!r}>"
