"""F1: every key of the app and of its editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

KEYS = """\
# Keys

The file is on the left (the editor: prose and blocks, one tab per file); each run
opens a response tab on the right.

| key | what it does |
|---|---|
| **Ctrl+J**, **Ctrl+Enter**, **F5**, **▶ Run** | run the request under the cursor (or the only one): a new response tab; a request's own green **▶** runs that one |
| **Enter** in a request's URL | run that request |
| **Ctrl+J**, **Ctrl+Enter** in the composer | send the message (after the keys typed before it; an empty composer sends nothing: an empty frame comes from a saved message) |
| **F1** | this help |
| **Ctrl+E** | pick the environment (`.voiden/`) |
| **Ctrl+W** | close the current response tab (its connection too), wherever the focus is, text fields included (**Ctrl+Backspace** deletes a word) |
| **Ctrl+D** | disconnect the current tab's connection: asks for the close code (1000) and reason, **Enter** closes; from the composer too (in the file's editor Ctrl+D stays the editor's: a table row is deleted, a text field deletes the character on the right) |
| **Ctrl+G** | ping: the round trip shows in the log and the status |
| **Ctrl+R** | reconnect the current tab |
| **F6** | from the editor to the current tab's composer, and back |
| **F7** | the recorded sessions (the current tab's selected): **R** replays one (recorded and now side by side, differences marked), **M** starts a mock server of it (its URL shown), **S** stops it |
| **Ctrl+L** | focus the activity log |
| **F8** | a stateful tab (captures, rules, timers): its **Variables**, then its **Rules and timers**, in the log's place, then the log again (the log bar's view picker); a tall tab also shows both under the log |
| **Ctrl+F** | focus the log's filter |
| **Tab** / **Shift+Tab** | move to the next / previous field, everywhere: in the composer and in a saved message's editor too (no message format needs indentation: **Format** pretty-prints) |
| **Escape**, then **Tab** | leave an editor whose format needs indentation (there Tab indents; the footer says so) |
| **Ctrl+P** | the command palette |
| **Ctrl+Q** | quit (asks first about unsaved files: Save, Discard or Cancel) |

## Files

| key | what it does |
|---|---|
| **Ctrl+N** | a new untitled file, in a tab of its own (in a table row: add a row) |
| **Ctrl+S** | save the file (a new file asks for a name) |
| **Ctrl+Shift+S** | save as |
| **Ctrl+O** | show or hide the files list (and focus it); **Enter** opens a file in a new tab (a `.har` file: its WebSocket entries imported as a new untitled file, the secrets' values in a `.env` beside the HAR) |
| **Ctrl+F4** (or **Alt+W**) | close the current file's tab, from the editor side (asks first about unsaved changes: Save, Discard or Cancel); closing the last one leaves a new untitled file |
| **Ctrl+Z** / **Ctrl+Y** (or **Ctrl+Shift+Z**) | undo / redo |

A file changed on disk is reloaded when it has no unsaved edits; otherwise you are asked
whether to reload it, overwrite it or keep your version.

## In the editor

| key | what it does |
|---|---|
| **/** on an empty prose line | the block menu (type to filter, **↑** / **↓**, **Enter** or **Tab** inserts, **Escape** closes): `/wss`, `/headers`, `/query`, `/auth-bearer`, `/auth-basic`, `/auth-api-key`, `/socket-options`, `/messages`, `/assertions`, `/separator`, `/h1`…`/h3` |
| **Tab** or **→** in a URL or table cell | accept the `{{variable}}` completion shown |
| **Alt+Shift+↑** / **Alt+Shift+↓** | move the block up / down (also the block's ↑ ↓ buttons) |
| **Alt+Shift+C** | duplicate the block (❐) |
| **Alt+Shift+Delete** | delete the block (✕) |

In a table row (headers, query, auth, options, assertions, expected replies):

| key | what it does |
|---|---|
| **Ctrl+/** | disable / enable the row (a disabled row is kept, not sent) |
| **Ctrl+N** or **Insert** | add a row below (**Enter** in the last cell of the last row too) |
| **Ctrl+D** | delete the row (instead of Disconnect) |
| **Alt+↑** / **Alt+↓** | move the row up / down |

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
**Save to file** adds the composed message to the request in the editor (undoable;
**Ctrl+S** writes the file). `{{variables}}` are resolved when the message is sent.

A printable key is never dropped: typed where nothing takes text (a button, the log, the
status), it goes to the current tab's composer; typed on a block of the file, a notice
says where to type instead.

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
