"""The message composer: format, a highlighted editor, live validation, Format, Send.

The "Socket.IO" mode sends an event: its name, its arguments (JSON values in the editor)
and an Ack checkbox; the "GraphQL" mode sends an operation: the document in the editor,
its variables (a JSON object) beside. Both need the request's ``protocol`` row.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from wsblock.conversation.checks import decode_binary, pretty
from wsblock.conversation.draftcheck import check_draft

#: (label, value) of the format selector; a value is "format" or "binary:encoding".
FORMATS = [
    ("Text", "text"),
    ("JSON", "json"),
    ("XML", "xml"),
    ("Binary (hex)", "binary:hex"),
    ("Binary (base64)", "binary:base64"),
    ("Socket.IO", "socket.io"),
    ("GraphQL", "graphql"),
]
LANGUAGE = {"json": "json", "xml": "xml", "socket.io": "json"}


def socketio_message(event: str, args_text: str) -> str:
    """``["add",{"a":2}]``: the event's name and the JSON values of *args_text*, as the
    ``socket.io`` format writes a message. ValueError (with the column) when they do not parse."""
    import json

    if not event.strip():
        raise ValueError("the event's name is empty")
    args: list[object] = []
    decoder = json.JSONDecoder()
    rest, offset = args_text, 0
    while rest.strip():
        skipped = len(rest) - len(rest.lstrip())
        try:
            value, end = decoder.raw_decode(rest.lstrip())
        except json.JSONDecodeError as e:
            at = offset + skipped + e.pos + 1
            raise ValueError(f"arguments: {e.msg} at character {at}") from None
        args.append(value)
        offset += skipped + end
        rest = rest.lstrip()[end:]
    return json.dumps([event.strip(), *args], ensure_ascii=False, separators=(",", ":"))


def split_format(value: str) -> tuple[str, str]:
    fmt, _, encoding = value.partition(":")
    return fmt, encoding or "base64"


class ComposerEditor(TextArea):
    """The editor; Ctrl+J / Ctrl+Enter send (not a newline).

    Tab and Shift+Tab move the focus, as everywhere in the app: no message format
    needs indentation (Format pretty-prints JSON and XML).

    The send keys are ordinary bindings, never ``priority``: Textual acts on a priority
    binding when the app reads the key, before the focused widget has taken the keys
    typed ahead of it (still in its queue), so a message typed with Ctrl+J in one burst
    went out empty. An ordinary binding acts once the key has come through this widget,
    after every key typed before it.
    """

    BINDINGS = [
        Binding("ctrl+j", "send", "Send"),
        Binding("ctrl+enter", "send", "Send", show=False),
    ]

    def action_send(self) -> None:
        composer = next(a for a in self.ancestors if isinstance(a, Composer))
        composer.action_send()


class Composer(Vertical):
    """Composes one message; posts :class:`Composer.Send` when the user sends it."""

    BINDINGS = [
        Binding("ctrl+j", "send", "Send"),
        Binding("ctrl+enter", "send", "Send", show=False),
    ]

    class Send(Message):
        def __init__(
            self,
            fmt: str,
            text: str,
            encoding: str,
            ack: bool = False,
            variables: str | None = None,
        ) -> None:
            super().__init__()
            self.fmt = fmt
            self.text = text
            self.encoding = encoding
            self.ack = ack  # socket.io: ask for an acknowledgement
            self.variables = variables  # graphql: the variables, JSON

    class Save(Message):
        def __init__(self, name: str, fmt: str, text: str, encoding: str) -> None:
            super().__init__()
            self.name = name
            self.fmt = fmt
            self.text = text
            self.encoding = encoding

    def __init__(self, saved: list[tuple[str, str, str, str]] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.saved = list(saved or [])
        self.error: str | None = None
        self.empty = True  # nothing to send (and not an empty saved message chosen)
        self._chosen: tuple[str, str] | None = None  # (format value, text) of a saved one

    def compose(self) -> ComposeResult:
        with Horizontal(classes="composer-bar"):
            yield Select(FORMATS, value="text", allow_blank=False, id="format", compact=True)
            yield Select(
                self._saved_options(),
                prompt="Saved messages…" if self.saved else "No saved messages",
                id="saved",
                compact=True,
                tooltip="The request's socket-messages (Save to file adds one)",
            )
            yield Button("Send", id="send", variant="success", compact=True, tooltip="Ctrl+J")
        # Socket.IO and GraphQL modes: what a message needs beside the editor's text
        with Horizontal(classes="composer-protocol", id="protocol-bar"):
            yield Input(placeholder="event name", id="sio-event", compact=True)
            yield Checkbox("Ack", id="sio-ack", compact=True)
            yield Input(placeholder='variables {"n": 1}', id="gql-variables", compact=True)
        yield ComposerEditor.code_editor(
            "", id="editor", soft_wrap=True, show_line_numbers=True, tab_behavior="focus"
        )
        # the second bar: what a narrow response side can live without seeing at once
        with Horizontal(classes="composer-foot"):
            yield Static("", id="validation", classes="validation")
            yield Button("Format", id="pretty", compact=True)
            yield Input(placeholder="name to save as", id="save-name", compact=True)
            yield Button(
                "Save to file",
                id="save",
                compact=True,
                tooltip="Save as a socket-message in the file",
            )

    # -- state --------------------------------------------------------------------------
    @property
    def editor(self) -> ComposerEditor:
        return self.query_one("#editor", ComposerEditor)

    @property
    def format_value(self) -> str:
        value = self.query_one("#format", Select).value
        return value if isinstance(value, str) else "text"

    @property
    def fmt(self) -> str:
        return split_format(self.format_value)[0]

    @property
    def encoding(self) -> str:
        return split_format(self.format_value)[1]

    @property
    def text(self) -> str:
        return self.editor.text

    def load(self, fmt: str, text: str, encoding: str = "base64") -> None:
        """Put a message in the editor (a saved one, or from a test)."""
        value = f"binary:{encoding}" if fmt == "binary" else fmt
        self.query_one("#format", Select).value = value
        self._set_language(value)
        self.editor.text = text
        self.validate()

    def _set_language(self, value: str) -> None:
        fmt = split_format(value)[0]
        self.editor.language = LANGUAGE.get(fmt)
        self._show_protocol_bar(fmt)

    def _show_protocol_bar(self, fmt: str) -> None:
        """The event name and Ack for Socket.IO, the variables for GraphQL; else hidden."""
        self.query_one("#protocol-bar").display = fmt in ("socket.io", "graphql")
        for selector in ("#sio-event", "#sio-ack"):
            self.query_one(selector).display = fmt == "socket.io"
        self.query_one("#gql-variables").display = fmt == "graphql"

    def protocol_message(self) -> tuple[str, bool, str | None]:
        """(text to send, ack, variables) of the Socket.IO / GraphQL modes (ValueError)."""
        if self.fmt == "socket.io":
            event = self.query_one("#sio-event", Input).value
            return (
                socketio_message(event, self.text),
                self.query_one("#sio-ack", Checkbox).value,
                None,
            )
        if self.fmt == "graphql":
            variables = self.query_one("#gql-variables", Input).value.strip() or None
            if variables is not None:
                from wsblock.conversation.protocolchecks import parse_variables

                parse_variables(variables)
            return self.text, False, variables
        return self.text, False, None

    def validate(self) -> bool:
        """Check the text in its format; show the error (line, column) and block Send."""
        fmt, encoding = self.fmt, self.encoding
        text = self.text
        if fmt in ("socket.io", "graphql"):
            return self._validate_protocol(fmt)
        err = check_draft(fmt, text, encoding)  # one rule with the editor's
        label = self.query_one("#validation", Static)
        if err is not None:
            where = ""
            if getattr(err, "line", None):
                where = f"line {err.line}"
                if getattr(err, "column", None):
                    where += f", column {err.column}"
                where += ": "
            self.error = f"{where}{err}"
            label.update(f"✖ {self.error}")
            label.set_class(True, "-invalid")
        else:
            self.error = None
            ok = {"json": "valid JSON", "xml": "well-formed XML", "binary": "valid binary"}.get(
                fmt, ""
            )
            if fmt == "binary" and text.strip():
                try:
                    ok = f"{len(decode_binary(text, encoding))} bytes"
                except Exception:  # noqa: BLE001
                    pass
            label.update(f"✔ {ok}" if ok and text.strip() else "")
            label.set_class(False, "-invalid")
        self.empty = not self._has_message(fmt, text)
        can_send = err is None and not self.empty
        send = self.query_one("#send", Button)
        send.disabled = not can_send
        send.tooltip = "Nothing to send: type a message" if self.empty else "Ctrl+J"
        return can_send

    def _validate_protocol(self, fmt: str) -> bool:
        """The Socket.IO and GraphQL modes: the event's name and arguments, or the document
        (graphql-core) and its variables."""
        from wsblock.conversation.draftcheck import PLACEHOLDER

        label = self.query_one("#validation", Static)
        error: str | None = None
        try:
            text, _ack, _variables = self.protocol_message()
            draft = check_draft(fmt, PLACEHOLDER.sub("0", text)) if text.strip() else None
            if fmt == "graphql" and not text.strip():
                error = "the GraphQL document is empty"
            elif draft is not None:
                where = f"line {draft.line}, column {draft.column}: " if draft.line else ""
                error = f"{where}{draft}"
        except ValueError as e:
            error = str(e)
        self.error = error
        if error is not None:
            label.update(f"✖ {error}")
        else:
            label.update("✔ an event" if fmt == "socket.io" else "✔ a valid document")
        label.set_class(error is not None, "-invalid")
        self.query_one("#send", Button).disabled = error is not None
        return error is None

    @on(Input.Changed, "#sio-event")
    @on(Input.Changed, "#gql-variables")
    def _protocol_field_changed(self) -> None:
        self.validate()

    def _has_message(self, fmt: str, text: str) -> bool:
        """Is there a message to send? Text that is not empty (JSON, XML and binary: not
        blank); an empty frame only as a saved message chosen and left as it is."""
        if text.strip() or (fmt == "text" and text):
            return True
        return self._chosen == (self.format_value, text)

    # -- events -------------------------------------------------------------------------
    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        self._set_language(self.format_value)
        self.validate()

    @on(Select.Changed, "#saved")
    def _saved_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and 0 <= event.value < len(self.saved):
            name, fmt, content, encoding = self.saved[event.value]
            self._chosen = (f"binary:{encoding}" if fmt == "binary" else fmt, content)
            self.load(fmt, content, encoding)
            self.query_one("#save-name", Input).value = name

    @on(TextArea.Changed, "#editor")
    def _text_changed(self) -> None:
        self.validate()

    @on(Button.Pressed, "#pretty")
    def action_pretty(self) -> None:
        if self.fmt in ("json", "xml"):
            text = pretty(self.fmt, self.text)
            if text != self.text:
                self.editor.text = text
            self.validate()

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def action_send(self) -> None:
        """Send the message (Ctrl+J, Send); an invalid or empty one is not sent, and a
        notice says why."""
        if not self.validate():
            self._refuse("Not sent", "Nothing to send: the composer is empty")
            return
        if self.fmt in ("socket.io", "graphql"):
            text, ack, variables = self.protocol_message()
            self.post_message(self.Send(self.fmt, text, self.encoding, ack, variables))
            return
        self.post_message(self.Send(self.fmt, self.text, self.encoding))

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not self.validate():
            self._refuse("Not saved", "Nothing to save: the composer is empty")
            return
        name = self.query_one("#save-name", Input).value.strip() or f"message {len(self.saved) + 1}"
        self.post_message(self.Save(name, self.fmt, self.text, self.encoding))

    def _refuse(self, title: str, empty: str) -> None:
        """Say why the message cannot go (its error, or that there is none)."""
        self.app.bell()
        if self.error is not None:
            self.notify(self.error, title=title, severity="error", timeout=5)
        else:
            hint = " (an empty frame is sent from a saved message)" if title == "Not sent" else ""
            self.notify(empty + hint, title=title, severity="warning", timeout=5)

    def _saved_options(self) -> list[tuple[str, int]]:
        return [(f"{n} ({f})", i) for i, (n, f, _c, _e) in enumerate(self.saved)]

    def _fit_saved(self) -> None:
        """The picker is as wide as its longest item (within reason), never crushed."""
        longest = max((len(label) for label, _i in self._saved_options()), default=0)
        self.query_one("#saved", Select).styles.min_width = min(max(18, longest + 6), 48)

    def on_mount(self) -> None:
        self._fit_saved()
        self._show_protocol_bar(self.fmt)

    def add_saved(self, name: str, fmt: str, text: str, encoding: str) -> None:
        self.saved.append((name, fmt, text, encoding))
        select = self.query_one("#saved", Select)
        select.set_options(self._saved_options())
        select.prompt = "Saved messages…"
        self._fit_saved()
