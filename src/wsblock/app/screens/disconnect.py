"""Disconnect…: the close code and reason, checked as ``connect``'s ``/close`` checks them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from wsblock.engine.closecodes import validate_close


def parse_close(code_text: str, reason: str) -> tuple[int, str]:
    """``(code, reason)`` from the dialog's fields; ``ValueError`` in plain words."""
    text = code_text.strip() or "1000"
    try:
        code = int(text)
    except ValueError:
        raise ValueError(f"the close code is a number, got {text!r}") from None
    validate_close(code, reason)
    return code, reason


class DisconnectDialog(ModalScreen[tuple[int, str] | None]):
    """Dismisses with ``(code, reason)``, or None when cancelled (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, url: str = "") -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="close-box"):
            yield Label(f"Disconnect {self.url}", classes="env-title")
            with Horizontal(classes="close-row"):
                yield Label("Close code ", classes="close-label")
                yield Input("1000", id="close-code", compact=True, restrict=r"[0-9]*")
            with Horizontal(classes="close-row"):
                yield Label("Reason     ", classes="close-label")
                yield Input("", id="close-reason", compact=True, placeholder="(none)")
            yield Static(
                "1000 normal · 1001 going away · 1008 policy · 3000–4999 application",
                classes="env-note",
            )
            yield Static("", id="close-error", classes="run-error")
            with Horizontal(classes="close-row"):
                yield Button("Disconnect", id="close-ok", variant="error", compact=True)
                yield Button("Cancel", id="close-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#close-code", Input).focus()

    def _check(self) -> tuple[int, str] | None:
        code = self.query_one("#close-code", Input).value
        reason = self.query_one("#close-reason", Input).value
        error = self.query_one("#close-error", Static)
        try:
            chosen = parse_close(code, reason)
        except ValueError as e:
            error.update(f"✖ {e}")
            return None
        error.update("")
        return chosen

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Input.Submitted)
    @on(Button.Pressed, "#close-ok")
    def _confirm(self, event) -> None:
        event.stop()
        chosen = self._check()
        if chosen is not None:
            self.dismiss(chosen)
        else:
            self.app.bell()

    @on(Button.Pressed, "#close-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
