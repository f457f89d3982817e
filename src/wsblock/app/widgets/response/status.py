"""The connection status indicator, with the Disconnect and Reconnect buttons."""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from wsblock.engine.events import Event

PLAIN_ERRORS = {
    "refused": "connection refused: nothing listens there",
    "dns": "the host name does not resolve",
    "tls": "the TLS handshake failed",
    "timeout": "timed out",
    "rejected": "the server rejected the handshake",
    "protocol": "protocol error",
}


def shorten(url: str, width: int) -> str:
    """``url`` in at most ``width`` columns (at least 12), its middle left out: the
    scheme and host, ``…``, the end of the path."""
    width = max(12, width)
    if len(url) <= width:
        return url
    head = (width - 1) // 2
    return url[:head] + "…" + url[len(url) - (width - 1 - head) :]


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"


def explain_error(ev: Event) -> str:
    """An error event in plain words, each thing once: refused, TLS, 401 with the body...

    The engine's reason is already a sentence for people; the generic words stand in
    only when it has none.
    """
    text = ev.reason or PLAIN_ERRORS.get(ev.error or "", ev.error or "error")
    if ev.status and ev.status != 101 and str(ev.status) not in text:
        text = f"HTTP {ev.status}: {text}"
    if ev.body:
        body = " ".join(ev.body.split())
        if body[:40] not in text:
            text += f" — {body[:160]}"
    return text


class StatusBar(Vertical):
    """Disconnected / Connecting (elapsed) / Connected (URL, subprotocol, uptime) / closed.

    The text has a line of its own, the buttons the line below: a narrow response side
    still reads the whole status.
    """

    DEFAULT_CSS = """
    StatusBar { height: auto; }
    StatusBar .status-buttons { height: 1; }
    """

    def __init__(self, url: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.state = "disconnected"  # disconnected | connecting | connected | closing
        self.since = time.monotonic()
        self.subprotocol: str | None = None
        self.protocol: str | None = None  # a protocol's handshake: namespace, connection_ack
        self.extensions: tuple[str, ...] = ()
        self.detail = ""  # how the last connection ended
        self.error: str | None = None
        self.rtt_ms: float | None = None  # the latest ping's round trip
        self.opened = False  # the latest attempt opened: its close has a code to show
        self.ever_opened = False  # a connection was made: once it ended, it can be replayed

    def compose(self) -> ComposeResult:
        yield Static(self._render_text(), id="status-text", classes="status-text")
        with Horizontal(classes="status-buttons"):
            yield Button("Ping", id="ping", compact=True, disabled=True, tooltip="Ctrl+G")
            yield Button(
                "Disconnect…",
                id="disconnect",
                variant="error",
                compact=True,
                disabled=True,
                tooltip="Ctrl+D: close code and reason",
            )
            yield Button("Reconnect", id="reconnect", variant="primary", compact=True)
            yield Button(
                "Replay",
                id="replay-tab",
                compact=True,
                disabled=True,
                tooltip="Replay this session against the server and compare (as F7's Replay)",
            )

    def on_mount(self) -> None:
        self.set_interval(1.0, self.update_text)
        self._apply_class()

    # -- transitions ----------------------------------------------------------------
    def apply_event(self, ev: Event) -> None:
        kind = ev.kind
        if kind == "connecting":
            self.state = "connecting"
            self.since = time.monotonic()
            self.error = None
            self.detail = ""
            self.opened = False
        elif kind == "open":
            self.opened = self.ever_opened = True
            self.state = "connected"
            self.since = time.monotonic()
            self.subprotocol = ev.subprotocol
            self.protocol = ev.name  # "namespace /admin (sid …)", "connection_ack"
            self.rtt_ms = None
            self.extensions = tuple(ev.extensions or ())
        elif kind == "error":
            self.error = explain_error(ev)
        elif kind == "close":
            self.state = "disconnected"
            self.since = time.monotonic()
            if not self.opened:  # never connected: no close code was exchanged
                self.detail = "" if self.error else "connection attempt cancelled"
            elif ev.by == "error" and self.error:
                self.detail = ""  # a drop: the error says what happened (and its 1006)
            else:
                reason = f' "{ev.reason}"' if ev.reason else ""
                code = f"{ev.code}" if ev.code is not None else "no close code"
                by = f" by {ev.by}" if ev.by else ""
                self.detail = f"closed {code}{reason}{by}"
        elif kind == "reconnect":
            self.state = "connecting"
            self.detail = f"reconnecting in {ev.delay or 0:.1f}s (attempt {ev.attempt})"
        self._apply_class()
        self.update_text()

    @property
    def finished(self) -> bool:
        """A connection was made and has ended (nothing is connecting): it can be replayed."""
        return self.ever_opened and self.state == "disconnected"

    def glyph(self) -> tuple[str, str]:
        """The state as one glyph and its colour, for the tab strip."""
        if self.state == "connected":
            return "●", "green"
        if self.state in ("connecting", "closing"):
            return "◌", "yellow"
        return ("✖", "red") if self.error else ("○", "")

    def set_rtt(self, rtt_ms: float) -> None:
        """Show a ping's round trip."""
        self.rtt_ms = rtt_ms
        self.update_text()

    def set_failed(self, message: str) -> None:
        """The request could not even start (unknown variable, bad link...)."""
        self.state = "disconnected"
        self.error = message
        self.detail = ""
        self._apply_class()
        self.update_text()

    def _apply_class(self) -> None:
        for state in ("disconnected", "connecting", "connected"):
            self.set_class(self.state == state, f"-{state}")
        self.set_class(self.error is not None, "-error")
        try:
            self.query_one("#disconnect", Button).disabled = self.state == "disconnected"
            self.query_one("#ping", Button).disabled = self.state != "connected"
            self.query_one("#replay-tab", Button).disabled = not self.finished
        except Exception:  # noqa: BLE001 - not mounted yet
            pass

    def _parts(self) -> list[tuple[str, str, int]]:
        """The status's parts: (text, style, rank); the part of highest rank is left
        out first when the line is too narrow (0: always shown)."""
        now = time.monotonic()
        url = f"  {self.url}"
        if self.state == "connecting":
            parts = [("◌ Connecting", "bold yellow", 0), (url, "yellow", 0)]
            parts.append((f"  {now - self.since:.0f}s", "yellow", 2))
            if self.detail:
                parts.append((f"  {self.detail}", "yellow", 0))
        elif self.state == "connected":
            parts = [("● Connected", "bold green", 0), (url, "", 0)]
            if self.subprotocol:
                parts.append((f"  subprotocol {self.subprotocol}", "cyan", 1))
            if self.extensions:
                parts.append(("  " + ", ".join(self.extensions), "cyan", 4))
            if self.protocol:  # the Socket.IO namespace or GraphQL's connection_ack
                parts.append((f"  {self.protocol}", "cyan", 1))
            parts.append((f"  up {_duration(now - self.since)}", "grey62", 3))
            if self.rtt_ms is not None:
                parts.append((f"  ping {self.rtt_ms:.1f} ms", "grey62", 2))
        else:
            parts = [("○ Disconnected", "bold red" if self.error else "bold", 0)]
            if self.detail:
                parts.append((f"  {self.detail}", "grey62", 0))
            if self.error:
                parts.append((f"  {self.error}", "red", 0))
        return parts

    def _render_text(self, width: int = 0) -> Text:
        """The status on one line of ``width`` columns when it can be (0: all of it): the
        least useful parts are left out first (the extensions, the uptime, the ping,
        the subprotocol), then the URL loses its middle. An error is never left out:
        it wraps rather."""
        parts = self._parts()
        if width > 0:
            while sum(len(text) for text, _s, _r in parts) > width:
                rank = max(r for _t, _s, r in parts)
                if rank == 0:
                    break
                parts.remove(next(p for p in parts if p[2] == rank))
            over = sum(len(text) for text, _s, _r in parts) - width
            if over > 0 and self.url and len(parts) > 1 and parts[1][0] == f"  {self.url}":
                parts[1] = (f"  {shorten(self.url, len(self.url) - over)}", *parts[1][1:])
        t = Text()
        for text, style, _rank in parts:
            t.append(text, style=style)
        return t

    def _width(self) -> int:
        """The columns of the status's line (0: not laid out yet)."""
        try:
            return self.query_one("#status-text", Static).content_region.width
        except Exception:  # noqa: BLE001 - not mounted yet
            return 0

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.update_text)

    def update_text(self) -> None:
        try:
            self.query_one("#status-text", Static).update(self._render_text(self._width()))
        except Exception:  # noqa: BLE001 - not mounted yet
            pass

    @property
    def text(self) -> str:
        return self._render_text().plain
