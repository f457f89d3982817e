"""F1: every key of the app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

KEYS = """\
# Keys

| key | what it does |
|---|---|
| **Ctrl+J**, **Ctrl+Enter**, **F5**, **▶ Run** | run the request under the cursor (or the only one): a new response tab |
| **Ctrl+J**, **Ctrl+Enter** in the composer | send the message |
| **F1** | this help |
| **Ctrl+E** | pick the environment (`.voiden/`) |
| **Ctrl+W** | close the current response tab (its connection too) |
| **Ctrl+D** | disconnect the current tab's connection |
| **Ctrl+R** | reconnect the current tab |
| **Ctrl+L** | focus the activity log |
| **Ctrl+F** | focus the log's filter |
| **Tab** / **Shift+Tab** | move between the panels and controls |
| **Ctrl+Q** | quit |

## In the activity log

| key | what it does |
|---|---|
| **↑** / **↓**, **PgUp** / **PgDn**, **Home** | move the cursor (scrolling up stops follow mode) |
| **End** | follow the newest messages again |
| **Enter** or a click | show the whole message (pretty JSON/XML, hex dump for binary) |

## In the composer

The format selector chooses Text, JSON, XML or Binary (hex or base64). JSON and XML
are checked as you type: the error's line and column are shown and Send stays disabled.
**Format** pretty-prints; **Saved messages…** loads a message saved in the file;
**Save to file** stores the composed message in the request. `{{variables}}` are
resolved when the message is sent.

Press **Escape** or **F1** to close this help.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(KEYS, id="help-text")

    def action_dismiss(self, result=None) -> None:  # type: ignore[override]
        self.dismiss(None)
