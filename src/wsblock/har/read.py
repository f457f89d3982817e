"""The WebSocket entries of a HAR file, as Chromium and Firefox DevTools export them.

A WebSocket entry is an ``entries[]`` item with ``_webSocketMessages`` (or
``_resourceType: websocket``, or a ``ws://``/``wss://`` URL): its request (URL,
headers), its response headers, and its messages, each ``{"type": "send" | "receive",
"time": epoch seconds, "opcode": 1 (text) | 2 (binary, base64), "data": ...}``.

::

    sockets = read_har(path)      # HarError (a ValueError) says what is wrong, in words
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from wsblock.document.readfile import NotReadable, read_text


class HarError(ValueError):
    """A HAR file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class HarMessage:
    """One WebSocket message: ``sent`` by the page or received; ``at`` seconds since
    the first message of its socket."""

    sent: bool
    data: str | bytes
    at: float = 0.0

    @property
    def binary(self) -> bool:
        return isinstance(self.data, bytes)


@dataclass(frozen=True)
class HarSocket:
    """One WebSocket entry: its number among them (1-based), where it stands among all
    entries (0-based), the URL, the handshake's headers, and the messages."""

    number: int
    entry: int
    url: str
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    messages: list[HarMessage] = field(default_factory=list)

    @property
    def subprotocol(self) -> str | None:
        for name, value in self.response_headers:
            if name.lower() == "sec-websocket-protocol":
                return value.strip() or None
        return None

    @cached_property
    def protocol(self) -> str:
        """The protocol spoken on the socket, as wsblock names it: ``socket.io`` (an
        Engine.IO 4 WebSocket, its server's open packet first), ``graphql-transport-ws``
        or ``graphql-ws`` (the subprotocol), else ``websocket``."""
        if self.subprotocol in ("graphql-transport-ws", "graphql-ws"):
            return self.subprotocol
        query = dict(parse_qsl(urlsplit(self.url).query))
        first = next((m for m in self.messages if not m.sent), None)
        if (
            query.get("EIO") == "4"
            and query.get("transport") == "websocket"
            and first is not None
            and isinstance(first.data, str)
            and first.data.startswith("0{")
        ):
            return "socket.io"
        return "websocket"


def _pairs(value: Any) -> list[tuple[str, str]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append((item["name"], str(item.get("value", ""))))
    return out


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_socket(entry: dict[str, Any]) -> bool:
    url = str(_object(entry.get("request")).get("url", ""))
    return (
        "_webSocketMessages" in entry
        or entry.get("_resourceType") == "websocket"
        or url.startswith(("ws://", "wss://"))
    )


def _message(path: Path, n: int, raw: Any, first: float | None) -> HarMessage:
    if not isinstance(raw, dict) or raw.get("type") not in ("send", "receive"):
        raise HarError(f"{path}: WebSocket entry {n}: a message without type send/receive")
    data = raw.get("data", "")
    if not isinstance(data, str):
        raise HarError(f"{path}: WebSocket entry {n}: a message whose data is not text")
    payload: str | bytes = data
    if raw.get("opcode") == 2:
        try:
            payload = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise HarError(f"{path}: WebSocket entry {n}: a binary message is not base64") from None
    time = raw.get("time")
    at = float(time) - first if isinstance(time, int | float) and first is not None else 0.0
    return HarMessage(raw["type"] == "send", payload, max(0.0, at))


def read_har(path: Path) -> list[HarSocket]:
    """Every WebSocket entry of the HAR file ``path``, in order; :class:`HarError` when
    the file cannot be read, is not JSON, is not a HAR, or holds no WebSocket entry."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise HarError(f"{path}: no such file") from None
    except (NotReadable, OSError) as e:
        raise HarError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    except UnicodeDecodeError as e:
        raise HarError(f"{path}: not UTF-8 text (byte {e.start})") from None
    try:
        data = json.loads(text)
    except ValueError as e:
        raise HarError(f"{path}: not a HAR file: not JSON ({e})") from None
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file: no log.entries")
    sockets: list[HarSocket] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not _is_socket(entry):
            continue
        n = len(sockets) + 1
        request = _object(entry.get("request"))
        response = _object(entry.get("response"))
        url = str(request.get("url", ""))
        if not url.startswith(("ws://", "wss://")):
            raise HarError(
                f"{path}: WebSocket entry {n} (entry {i + 1}): URL {url!r} is not ws:// or wss://"
            )
        raw_messages = entry.get("_webSocketMessages") or []
        if not isinstance(raw_messages, list):
            raise HarError(f"{path}: WebSocket entry {n}: _webSocketMessages is not a list")
        times = [
            m["time"]
            for m in raw_messages
            if isinstance(m, dict) and isinstance(m.get("time"), int | float)
        ]
        first = min(times) if times else None
        sockets.append(
            HarSocket(
                number=n,
                entry=i,
                url=url,
                request_headers=_pairs(request.get("headers")),
                response_headers=_pairs(response.get("headers")),
                messages=[_message(path, n, m, first) for m in raw_messages],
            )
        )
    if not sockets:
        raise HarError(
            f"{path}: no WebSocket entry among its {len(entries)} entries (export the HAR "
            "from DevTools with the WebSocket connection listed)"
        )
    return sockets
