"""The whole app (Pilot) on real files, against the embedded echo server and other peers."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

from snapshots import assert_snapshot, settle
from textual.binding import Binding

from pilot_wait import until
from wsblock.app import DEMO_FILE, make_app
from wsblock.app.editor.blocks import BlockEditor, RequestEditor, RowEditor
from wsblock.app.editor.editor import DocumentEditor
from wsblock.app.editor.files import EditorArea
from wsblock.app.editor.prose import ProseEditor
from wsblock.app.screens.environment import EnvironmentPicker
from wsblock.app.screens.help import HelpScreen
from wsblock.app.widgets.response.activity_log import ActivityLog
from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.app.widgets.response.detail import MessageDetail

SIZE = (170, 56)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def views(app) -> list[ConnectionView]:
    return app.main.connections()


def write_void(path: Path, url: str, messages: str = "") -> Path:
    """A one-request file (reusing the demo's blocks, with another URL)."""
    text = DEMO_FILE.read_text(encoding="utf-8").replace('"{{ECHO_URL}}/echo"', json.dumps(url))
    path.write_text(text, encoding="utf-8")
    return path


async def test_demo_file_is_shown_and_the_status_is_disconnected(demo, tmp_path):
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        # the editor is the left side: the file, editable, each request with its ▶
        editor = app.main.editor
        assert editor is not None and editor.session.path == demo
        requests = list(app.main.query(RequestEditor))
        assert len(requests) == 1 and requests[0].query(".req-run")
        assert str(app.main.query_one("#file-title").render()) == "wsblock · demo.void"
        await settle(pilot)
        assert_snapshot(
            app,
            "main-idle",
            (
                "Welcome to wsblock",
                "WebSocket request 1",
                " WSS  {{ECHO_URL}}/echo",
                "▶ Run",
                "X-Client",
                "wsblock-demo",
                "ping-interval",
                "hello",
                "echoed hello",
                "○ Disconnected",
            ),
        )


KEY_NAMES = {
    "ctrl": "Ctrl",
    "shift": "Shift",
    "alt": "Alt",
    "up": "↑",
    "down": "↓",
    "enter": "Enter",
    "escape": "Escape",
    "delete": "Delete",
    "insert": "Insert",
    "slash": "/",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
}


def shown(key: str) -> str:
    """A Textual key as the help writes it: ``alt+shift+up`` is ``Alt+Shift+↑``."""
    return "+".join(KEY_NAMES.get(part, part.upper()) for part in key.split("+"))


async def test_f1_lists_every_key(demo):
    from wsblock.app.editor.blocks import EditInput
    from wsblock.app.screens.help import KEYS
    from wsblock.app.widgets.response.activity_log import ActivityLog as Log
    from wsblock.app.widgets.response.composer import Composer

    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        await settle(pilot)
        assert_snapshot(app, "help", ("Ctrl+J", "F5", "Ctrl+Enter", "F1", "Ctrl+E"))
        # every key of the screen, the editor (files, document, blocks, rows, slash menu)
        # and the response side
        owners = [
            type(app),
            type(app.main),
            EditorArea,
            DocumentEditor,
            BlockEditor,
            RowEditor,
            ProseEditor,
            EditInput,
            Composer,
            Log,
        ]
        for owner in owners:
            for binding in owner.BINDINGS:
                key = binding.key if isinstance(binding, Binding) else binding[0]
                first = key.split(",")[0]
                assert f"**{shown(first)}**" in KEYS, f"{owner.__name__}: {first}"
        for key in ("Ctrl+Q", "Ctrl+P", "Ctrl+Y", "Ctrl+Shift+S", "→", "Alt+Shift+C"):
            assert key in KEYS, key
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_run_send_receive_detail_and_two_connections(demo, echo_url, tmp_path):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url, "USER": "ada"}, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        first = views(app)[0]
        assert "Connected" in first.status.text and echo_url in first.status.text
        # load a saved message (JSON) and send it
        composer = first.composer
        assert [s[0] for s in composer.saved] == ["hello", "ping as xml", "plain text"]
        composer.query_one("#saved").value = 0
        await pilot.pause()
        assert composer.fmt == "json" and '"op": "hello"' in composer.text
        composer.editor.focus()
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: first.model.count_in >= 1)
        received = [p for p in first.model.payloads if isinstance(p, str) and '"hello"' in p]
        assert len(received) == 2  # sent and echoed
        # XML, text and binary too
        for fmt, text, enc in [
            ("xml", "<a><b>1</b></a>", "base64"),
            ("text", "hi {{USER}}", "base64"),
            ("binary", "de ad be ef", "hex"),
        ]:
            composer.load(fmt, text, enc)
            await pilot.click("#send")
            await pilot.pause(0.1)
        assert await until(pilot, lambda: first.model.count_in >= 4)
        assert "hi ada" in first.model.payloads  # variables resolved on send
        assert b"\xde\xad\xbe\xef" in first.model.payloads
        # the detail view of the echoed JSON, pretty-printed
        log = first.query_one(ActivityLog)
        log.focus()
        await pilot.pause(0.1)
        row = next(
            i
            for i, p in enumerate(first.model.payloads)
            if isinstance(p, str) and '"hello"' in p and first.model.direction(i) == 1
        )
        log._move(row)
        log.action_select()
        await pilot.pause(0.1)
        body = first.query_one(MessageDetail).body
        assert json.loads(body)["op"] == "hello" and "\n  " in body
        await settle(pilot)
        assert_snapshot(
            app, "main-running", ("● Connected", "→", "←", "✔", "Send", "Export"), compare=False
        )
        # a second connection in its own tab
        await pilot.press("f5")
        assert await until(
            pilot, lambda: len(views(app)) == 2 and views(app)[1].status.state == "connected"
        )
        second = views(app)[1]
        assert second.session is not first.session
        second.send("text", "only in the second")
        assert await until(pilot, lambda: second.model.count_in == 1)
        assert "only in the second" not in first.model.payloads
        assert first.status.state == "connected"
        # export (from the journal)
        path = first.export("ndjson")
        records = [json.loads(line) for line in path.read_text().splitlines()]
        assert any(r.get("event") == "received" and r.get("data") == "hi ada" for r in records)
        # disconnect, reconnect, close the tab
        await pilot.press("ctrl+d")  # asks for the close code (1000) and reason
        await pilot.pause(0.1)
        await pilot.press("enter")
        assert await until(pilot, lambda: second.status.state == "disconnected")
        assert "1000" in second.status.text and "by client" in second.status.text
        await pilot.press("ctrl+r")
        assert await until(pilot, lambda: second.status.state == "connected")
        await pilot.press("ctrl+w")
        assert await until(pilot, lambda: len(views(app)) == 1)
        await pilot.press("ctrl+w")
        assert await until(pilot, lambda: len(views(app)) == 0)
        assert app.main.query_one("#idle-status").text.startswith("○ Disconnected")


async def test_refused_connection_is_shown_in_plain_words(tmp_path):
    path = write_void(tmp_path / "refused.void", f"ws://127.0.0.1:{free_port()}/echo")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.click(".req-run")  # the request's own green ▶
        assert await until(pilot, lambda: views(app) and views(app)[0].status.error is not None)
        text = views(app)[0].status.text
        assert "Disconnected" in text and "refused" in text
        await settle(pilot)
        assert_snapshot(app, "main-refused", ("○ Disconnected", "refused"), compare=False)


async def test_server_close_is_shown_with_code_reason_and_side(tmp_path):
    import websockets

    async def handler(ws):
        await ws.recv()
        await ws.close(4000, "server says bye")

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        path = write_void(tmp_path / "close.void", f"ws://127.0.0.1:{port}/")
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            assert await until(
                pilot, lambda: views(app) and views(app)[0].status.state == "connected"
            )
            view = views(app)[0]
            states = []
            view.send("text", "hello")
            assert await until(pilot, lambda: view.status.state == "disconnected")
            states.append(view.status.text)
            assert '4000 "server says bye" by server' in view.status.text


async def test_unknown_variable_is_an_error_in_the_panel(tmp_path):
    path = write_void(tmp_path / "var.void", "{{NOPE_NOT_DEFINED}}/echo")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await pilot.pause(0.3)
        assert views(app) == []
        error = str(app.main.query_one("#idle-error").render())
        assert "NOPE_NOT_DEFINED" in error


async def test_environment_picker_lists_voiden_environments(tmp_path, echo_url):
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_text(
        "dev:\n  variables:\n    ECHO_URL: ws://127.0.0.1:1\n"
        f"prod:\n  variables:\n    ECHO_URL: {echo_url}\n",
        encoding="utf-8",
    )
    path = tmp_path / "demo.void"
    shutil.copyfile(DEMO_FILE, path)
    app = make_app(path, environment="dev")
    async with app.run_test(size=SIZE) as pilot:
        select = app.main.query_one("#environment")
        assert select.value == "dev"
        await pilot.press("ctrl+e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, EnvironmentPicker)
        assert app.screen.names == ["dev", "prod"]
        await settle(pilot)
        assert_snapshot(app, "environment-picker", ("Environment", "dev", "prod"))
        await pilot.press("down", "enter")  # from dev (preselected) to prod
        await pilot.pause(0.2)
        assert app.project.environment == "prod"
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")


async def test_save_to_file_adds_a_socket_message_through_the_editor(demo, echo_url):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        editor = app.main.editor
        composer = views(app)[0].composer
        composer.load("json", '{"saved": true}')
        composer.query_one("#save-name").value = "my saved one"
        await pilot.click("#save")
        await pilot.pause(0.2)
        assert composer.saved[-1][0] == "my saved one"
        # an edit in the editor (undoable, the tab shows it), not yet on disk
        assert editor.session.dirty and "my saved one" in editor.session.text
        assert "my saved one" not in demo.read_text(encoding="utf-8")
        await pilot.press("ctrl+s")  # from the composer: the screen passes it to the editor
        assert await until(pilot, lambda: not editor.session.dirty)
    from wsblock.app.project import Project
    from wsblock.document import Document
    from wsblock.document.requests import group_requests

    project = Project.open(demo)
    spec = group_requests(Document.load(demo))[0]
    names = [m[0] for m in project.saved_messages(spec)]
    assert names[-1] == "my saved one" and "hello" in names


async def test_untitled_file_opens_empty(tmp_path):
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        editor = app.main.editor
        assert editor.session.path is None and editor.session.blocks == []
        assert "untitled" in str(app.main.query_one("#file-title").render())
        await pilot.press("ctrl+j")
        await pilot.pause(0.2)
        assert views(app) == []
        assert any("Put the cursor in a request" in n.message for n in app._notifications)


async def test_missing_file_opens_empty_and_is_created_on_save(tmp_path):
    path = tmp_path / "new.void"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        editor = app.main.editor
        assert editor.session.path == path and not path.exists()
        assert str(app.main.query_one("#file-title").render()) == "wsblock · new.void"
        assert isinstance(app.focused, ProseEditor)
        await pilot.press(*"/wss", "enter")
        assert await until(pilot, lambda: getattr(app.focused, "edit_key", None) == ("url", 0))
        await pilot.press("ctrl+s")  # it has a name: no question
        assert await until(pilot, lambda: path.exists())
        assert "socket-request" in path.read_text(encoding="utf-8")
        assert views(app) == []
