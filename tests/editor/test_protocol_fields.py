"""The message editor's protocol fields (Pilot): Ack for a ``socket.io`` message, operation
and variables for a ``graphql`` one. They edit the very attributes the document views read
(``attrs.ack``, ``attrs.operation``, ``attrs.variables``), and only those."""

from __future__ import annotations

import shutil

from editor_host import SAMPLES, EditorHost, settled, until

from wsblock.app.editor.model import EditSession
from wsblock.document import Document

SIZE = (110, 60)


def copy(tmp_path, name: str):  # noqa: ANN201
    path = tmp_path / name
    shutil.copyfile(SAMPLES / "wss" / name, path)
    return path


def messages_block(app: EditorHost) -> int:
    return next(i for i, b in enumerate(app.session.blocks) if b.type == "socket-messages")


def field(app: EditorHost, kind: str, m: int, n: int):  # noqa: ANN201
    widget = app.editor.find_key((kind, m, n))
    assert widget is not None, f"no field {kind} of item {n}"
    return widget


async def test_socketio_ack_checkbox_edits_attrs_ack(tmp_path):
    path = copy(tmp_path, "socketio.void")
    before = path.read_text()
    app = EditorHost(path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot, app)
        m = messages_block(app)
        items = app.session.items(m)
        add = next(n for n, it in enumerate(items) if it.name == "add")
        echo = next(n for n, it in enumerate(items) if it.name == "echo")
        ack = field(app, "item-ack", m, add)
        assert ack.value is True and ack.display  # shown: the message is socket.io
        assert field(app, "item-ack", m, echo).value is False
        assert not field(app, "item-operation", m, add).display  # graphql's fields are not
        assert not field(app, "item-variables", m, add).display
        assert app.session.text == before  # shown, not written

        assert app.editor.focus_field(("item-ack", m, add))
        await pilot.press("space")  # untick
        await settled(pilot, app)
        assert app.session.items(m)[add].ack is False
        assert "ack" not in app.session.items(m)[add].attrs  # no `ack: false` left behind

        assert app.editor.focus_field(("item-ack", m, echo))
        await pilot.press("space")  # tick
        await settled(pilot, app)
        assert app.session.items(m)[echo].attrs["ack"] is True
        Document.parse(app.session.text)  # still a document

        # a format that is not socket.io hides the box (the attribute stays, unread)
        field(app, "item-format", m, echo).value = "json"
        await until(pilot, lambda: not field(app, "item-ack", m, echo).display)
        assert not field(app, "item-ack", m, echo).display

        # undo: back to the file as it was
        for _ in range(3):
            app.session.undo()
        assert app.session.text == before


async def test_graphql_operation_and_variables_edit_their_attrs(tmp_path):
    path = copy(tmp_path, "graphql.void")
    before = path.read_text()
    app = EditorHost(path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot, app)
        m = messages_block(app)
        items = app.session.items(m)
        hello = next(n for n, it in enumerate(items) if it.name == "hello")
        countdown = next(n for n, it in enumerate(items) if it.name == "countdown")
        operation = field(app, "item-operation", m, hello)
        variables = field(app, "item-variables", m, hello)
        assert operation.value == "Hello" and operation.display
        assert variables.text == '{"name": "ada"}' and variables.display
        assert not field(app, "item-ack", m, hello).display
        assert app.session.text == before

        assert app.editor.focus_field(("item-variables", m, hello))
        await pilot.press("end", "left", *', "n": {{N}}')
        await settled(pilot, app)
        assert app.session.items(m)[hello].variables == '{"name": "ada", "n": {{N}}}'
        label = variables.parent.query_one(".validation")
        assert "✖" not in str(label.render())  # {{N}} stands for a value

        assert app.editor.focus_field(("item-operation", m, hello))
        await pilot.press("end", *"2")
        await settled(pilot, app)
        assert app.session.items(m)[hello].operation == "Hello2"

        # the other message had neither: typing adds them, clearing takes them out again
        assert app.editor.focus_field(("item-operation", m, countdown))
        await pilot.press(*"Count")
        await settled(pilot, app)
        assert app.session.items(m)[countdown].attrs["operation"] == "Count"
        await pilot.press(*["backspace"] * 5)
        await settled(pilot, app)
        assert "operation" not in app.session.items(m)[countdown].attrs

        assert app.editor.focus_field(("item-variables", m, countdown))
        await pilot.press(*"[1]")
        await settled(pilot, app)
        label = field(app, "item-variables", m, countdown).parent.query_one(".validation")
        assert "variables: expected a JSON object" in str(label.render())

        app.session.save()
    text = path.read_text()
    assert 'variables: \'{"name": "ada", "n": {{N}}}\'' in text
    assert "operation: Hello2" in text
    saved = [it for it in EditSession.open(path).items(m) if it.type == "socket-message"]
    assert [(it.operation, it.variables) for it in saved] == [
        ("Hello2", '{"name": "ada", "n": {{N}}}'),
        ("", "[1]"),
    ]
