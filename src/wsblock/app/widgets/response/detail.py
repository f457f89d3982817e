"""The whole of one logged message: pretty-printed and highlighted, or a hex dump."""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from wsblock.conversation.checks import pretty

from .activity_log import human_size
from .decoding import detail_text
from .log_model import ARROW, LogModel


def hex_dump(data: bytes, limit: int = 64 * 1024) -> str:
    """``offset  hex bytes  |ascii|`` lines, 16 bytes each."""
    lines = []
    for off in range(0, min(len(data), limit), 16):
        chunk = data[off : off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:08x}  {hexes:<47}  |{text}|")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit} more bytes")
    return "\n".join(lines)


def sniff(text: str) -> str | None:
    """``json`` or ``xml`` when the text is one, else None."""
    s = text.lstrip()
    if s[:1] in ("{", "["):
        try:
            json.loads(text)
            return "json"
        except ValueError:
            return None
    if s.startswith("<"):
        from wsblock.conversation.checks import validate

        return "xml" if validate("xml", text) is None else None
    return None


def render_message(model: LogModel, row: int) -> tuple[str, str, str | None]:
    """(header, body, language) for a row."""
    kind = model.kind(row)
    payload = model.shown(row)
    # each thing once: the time, the arrow and the kind (which says the direction),
    # the size, and the type of the payload
    arrow = ARROW[model.direction(row)]
    head = f"{model.timestamp(row).isoformat(timespec='milliseconds')}  {arrow} {kind}"
    language = None
    if isinstance(payload, bytes):
        head += f"  {human_size(model.sizes[row])} binary"
        body = hex_dump(payload)
        decoded = detail_text(model, row)
        if decoded is not None:  # binary feeds: the decoded tree, then the hex dump
            head += f", decoded {decoded[0]}"
            body = f"{decoded[1]}\n\n{body}"
    elif kind in ("sent", "received") and (ev := model.event(row)) is not None:
        # a Socket.IO / GraphQL message: its words, its body, and the frame as on the wire
        body, language = _protocol_detail(model, ev, payload or "")
        head += f"  {human_size(model.sizes[row])} {ev.format}"
    elif kind in ("sent", "received"):
        text = payload or ""
        language = sniff(text)
        body = pretty(language, text) if language else text
        head += f"  {human_size(model.sizes[row])} {language.upper() if language else 'text'}"
    else:
        ev = model.event(row)
        body = payload or ""
        if ev is not None:
            fields = {
                k: getattr(ev, k)
                for k in ev.__slots__
                if getattr(ev, k) is not None and k not in ("ts", "mono", "kind", "dir")
            }
            if fields:  # an `open` event's headers: a Set-Cookie, a captured token masked
                text = json.dumps(fields, indent=2, default=str, ensure_ascii=False)
                body += "\n\n" + (model.masker.mask(text) if model.masker else text)
    return head, body, language


def _protocol_detail(model: LogModel, ev: object, words: str) -> tuple[str, str | None]:
    """The detail of a protocol message: words, then the body pretty-printed, then the raw
    frame (secrets masked), and the correlation key when it has one."""
    mask = model.masker.mask if model.masker else (lambda t: t)
    data = str(getattr(ev, "data", "") or "")
    raw = getattr(ev, "raw", None) or data
    key = getattr(ev, "key", None)
    lines = [words, "", mask(pretty("json", data))]
    if key is not None:
        lines += ["", f"key {key}"]
    lines += ["", "frame:", mask(raw)]
    return "\n".join(lines), None


class MessageDetail(Vertical):
    """Shows one row; Copy puts the message on the clipboard."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="detail-bar"):
            yield Static(
                "Select a line of the log (Enter or click) to see it whole.", id="detail-head"
            )
            yield Button("Copy", id="copy", compact=True, disabled=True)
            yield Button("✕", id="close-detail", compact=True)
        yield TextArea(
            "", id="detail-body", read_only=True, soft_wrap=True, show_line_numbers=False
        )

    def show(self, model: LogModel, row: int) -> None:
        head, body, language = render_message(model, row)
        self.query_one("#detail-head", Static).update(head)
        area = self.query_one("#detail-body", TextArea)
        area.language = language
        area.text = body
        self._copy_text = body if not isinstance(model.payloads[row], str) else model.payloads[row]
        if model.kind(row) not in ("sent", "received"):
            self._copy_text = body
        self.query_one("#copy", Button).disabled = False
        self.display = True

    @property
    def body(self) -> str:
        return self.query_one("#detail-body", TextArea).text

    @on(Button.Pressed, "#copy")
    def copy(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.copy_to_clipboard(getattr(self, "_copy_text", self.body))
        self.app.notify("Copied to the clipboard")

    @on(Button.Pressed, "#close-detail")
    def close(self, event: Button.Pressed) -> None:
        event.stop()
        self.display = False
