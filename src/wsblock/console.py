"""Human output of events for the terminal front ends (``run``, ``connect``).

``HH:MM:SS.mmm → payload`` for sent messages, ``← payload`` for received ones,
``● ...`` for the connection's life and a clean close, ``✖ ...`` for failures and
closes that are not clean (:func:`wsblock.words.clean_close`); the close of an attempt
that never connected is not shown (its error said why). Secrets are masked; long payloads are cut on screen (never in the journal); colour only on a
terminal and never with ``NO_COLOR``.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Callable
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import Any, TextIO

from wsblock.engine.events import Event
from wsblock.engine.runs import ReceivedRun
from wsblock.variables.masking import Masker
from wsblock.words import clean_close, describe, message_words

__all__ = ["Console", "clock", "use_color"]

_RESET = "\x1b[0m"
_STYLE = {
    "out": "\x1b[36m",
    "in": "\x1b[32m",
    "sys": "\x1b[2m",
    "bad": "\x1b[31m",
    "ok": "\x1b[32m",
}
ARROW = {"out": "→", "in": "←", "sys": "●"}


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, never with ``NO_COLOR``."""
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


def clock(ts: datetime) -> str:
    """``HH:MM:SS.mmm`` in local time."""
    local = ts.astimezone()
    return local.strftime("%H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def payload_text(event: Event, masker: Masker | None = None) -> str:
    """A message's payload as one line of text (binary as base64), secrets masked.

    A binary payload is masked as bytes *before* it is base64-encoded: a secret's
    bytes inside it would not be found in the base64 text.
    """
    data = event.data
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if masker is not None:
            raw = masker.mask_bytes(raw)
        return "base64:" + base64.b64encode(raw).decode()
    text = data or ""
    return masker.mask(text) if masker is not None else text


class Console:
    """Writes events as human lines to a stream."""

    def __init__(
        self,
        stream: TextIO | None = None,
        masker: Masker | None = None,
        color: bool | None = None,
        width: int = 240,
    ):
        self.stream = stream or sys.stdout
        self.masker = masker or Masker(())
        self.color = use_color(self.stream) if color is None else color
        self.width = width
        self.opened = False  # the last attempt connected (a close after it is shown)
        #: How a message is shown decoded (a request's ``decode`` / ``encode`` rows):
        #: ``(marker, text)``, ``(marker + "!", error)`` or None; see :meth:`payload`.
        self.decode: Callable[[Event], tuple[str, str] | None] | None = None

    def paint(self, text: str, style: str) -> str:
        return f"{_STYLE[style]}{text}{_RESET}" if self.color else text

    def cut(self, text: str) -> str:
        text = text.replace("\r", "\\r").replace("\n", "\\n")
        if len(text) > self.width:
            return text[: self.width] + f"… ({len(text)} chars)"
        return text

    def format(self, event: Event) -> str:
        when = clock(event.ts)
        if event.kind in ("sent", "received"):
            words = message_words(event)  # Socket.IO and GraphQL messages in events
            body = self.cut(self.payload(event) if words is None else self.masker.mask(words))
            return f"{when} {self.paint(ARROW[event.dir], event.dir)} {body}"
        words = self.masker.mask(describe(event))
        if event.kind in ("expect", "assert"):
            mark, style = ("✔", "ok") if event.ok else ("✘", "bad")
            return f"{when} {self.paint(mark, style)} {words}"
        if event.kind == "error" or (event.kind == "close" and not clean_close(event)):
            return f"{when} {self.paint('✖', 'bad')} {words}"
        return f"{when} {self.paint('●', 'sys')} {words}"

    def text(self, event: Event) -> str:
        """:meth:`format`'s line with its newline, or "" for an event that says nothing
        new: the close of an attempt that never connected (its error said why)."""
        kind = event.kind
        if kind == "open":
            self.opened = True
        elif kind in ("connecting", "close"):
            opened, self.opened = self.opened, False
            if kind == "close" and not opened and event.by == "error":
                return ""
        return self.format(event) + "\n"

    def payload(self, event: Event) -> str:
        """A message's payload as shown: decoded (``pb {"symbol":"BTC"}``) when
        :attr:`decode` reads it, else as :func:`payload_text` gives it; one that cannot
        be decoded is shown raw with the decoder's error."""
        raw = payload_text(event, self.masker)
        if self.decode is None:
            return raw
        shown = self.decode(event)
        if shown is None:
            return raw
        marker, text = shown
        text = self.masker.mask(text)
        if marker.endswith("!"):
            return f"{raw}  ✖ cannot decode: {text}"
        return f"{marker} {text}"

    def format_run(self, run: ReceivedRun) -> list[str]:
        """The lines of a run of received messages: as :meth:`format` gives for its
        events, built once per run (one timestamp) rather than once per message."""
        lead = f"{clock(run.ts)} {self.paint(ARROW['in'], 'in')} "
        if run.type != "text" or self.decode is not None:
            return [lead + self.cut(self.payload(e)) for e in run.events()]
        data: list[str] = list(run.data)  # type: ignore[arg-type]
        if self.masker:
            data = list(map(self.masker.mask, data))
        whole = "".join(data)
        if "\n" in whole or "\r" in whole or max(map(len, data), default=0) > self.width:
            data = list(map(self.cut, data))
        return list(map(lead.__add__, data))

    def run_text(self, run: ReceivedRun) -> str:
        """:meth:`format_run`'s lines as one text, each line ending with a newline; for
        text with no line break and no secret, made in one join."""
        data: Any = run.data
        if run.type == "text" and data and not self.masker and self.decode is None:
            lead = f"{clock(run.ts)} {self.paint(ARROW['in'], 'in')} "
            width = self.width
            if max(map(len, data)) <= width:  # nothing to cut: check the joined text
                text = lead + ("\n" + lead).join(data) + "\n"
                if text.count("\n") == len(data) and "\r" not in text:
                    return text
            elif not any(map(str.__contains__, data, repeat("\n"))) and not any(
                map(str.__contains__, data, repeat("\r"))
            ):
                cut = [t if len(t) <= width else f"{t[:width]}… ({len(t)} chars)" for t in data]
                return lead + ("\n" + lead).join(cut) + "\n"
        lines = self.format_run(run)
        return "\n".join(lines) + "\n" if lines else ""

    def run_bytes(self, run: ReceivedRun) -> bytes | None:
        """:meth:`run_text` encoded in UTF-8, made without a wide string; None when the
        run needs :meth:`run_text` (not plain text, a line to cut or to escape, a secret,
        a decoder, a character UTF-8 cannot encode).

        The arrow of each line is not Latin-1: ``run_text``'s one string of the run is
        two bytes a character, counted and encoded whole. Here the payloads are joined
        as they are (one byte a character when they are ASCII or Latin-1), encoded once,
        and the line starts put in the bytes. A flood printed by ``wsblock run``: about
        a third less work per message, the same bytes out.
        """
        data: Any = run.data
        if run.type != "text" or not data or self.masker or self.decode is not None:
            return None
        width = self.width
        end = "\n"
        if max(run.sizes) > width:  # UTF-8 sizes >= lengths: maybe lines to cut
            length = len(data[0])
            if length > width and list(map(len, data)).count(length) == len(data):
                # A flood of long messages: each line is cut alike (`cut`), its first
                # `width` characters and `… (N chars)`, sliced in C.
                if any(map(str.__contains__, data, repeat("\n"))) or any(
                    map(str.__contains__, data, repeat("\r"))
                ):
                    return None  # a payload with a line break: escaped by run_text
                data = list(map(itemgetter(slice(width)), data))
                end = f"… ({length} chars)\n"
            elif max(map(len, data)) > width:
                return None  # some lines to cut, not all: run_text
        if end == "\n":
            whole = "".join(data)  # a find on it is cheaper than a count on the lines
            if "\n" in whole or "\r" in whole:
                return None  # a payload with a line break: escaped by run_text
        body = "\n".join(data)
        try:
            encoded = body.encode("utf-8")
        except UnicodeEncodeError:
            return None
        lead = f"{clock(run.ts)} {self.paint(ARROW['in'], 'in')} ".encode()
        tail = end.encode()
        return lead + encoded.replace(b"\n", tail + lead) + tail

    def event(self, event: Event) -> None:
        self.stream.write(self.text(event))

    def line(self, text: str, style: str | None = None) -> None:
        self.stream.write((self.paint(text, style) if style else text) + "\n")

    def flush(self) -> None:
        self.stream.flush()
