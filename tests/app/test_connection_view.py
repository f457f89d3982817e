"""One connection tab on a stand-in session: status, composer, log, detail, filter, export."""

from __future__ import annotations

import json

from view_app import ViewApp

from wsblock.app.widgets.response.activity_log import ActivityLog
from wsblock.app.widgets.response.detail import MessageDetail
from wsblock.conversation.request import Request

SIZE = (140, 50)


async def settle(pilot, t=0.15):
    await pilot.pause(t)


async def test_status_connect_send_receive_and_server_close(tmp_path):
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        assert v.status.text.startswith("○ Disconnected")
        v.connect()
        await settle(pilot)
        assert "Connected" in v.status.text and "subprotocol chat" in v.status.text
        assert "permessage-deflate" in v.status.text
        v.composer.load("json", '{"op": "hello"}')
        await pilot.click("#send")
        await settle(pilot)
        m = v.model
        assert (m.count_out, m.count_in) == (1, 1)
        assert app.sent()[0].format == "json"
        app.server.server_close(1001, "going away")
        await settle(pilot)
        assert 'Disconnected  closed 1001 "going away" by server' in v.status.text


async def test_refused_connection_is_plain_words(tmp_path):
    app = ViewApp(refuse=True, tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.view.connect()
        await settle(pilot)
        text = app.view.status.text
        assert "Disconnected" in text and "connection refused" in text


async def test_each_format_is_sent(tmp_path):
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        for fmt, text, enc in [
            ("text", "plain words", "base64"),
            ("json", '{"a": [1, 2]}', "base64"),
            ("xml", "<a><b/></a>", "base64"),
            ("binary", "00 01 ff", "hex"),
            ("binary", "AAH/", "base64"),
        ]:
            v.composer.load(fmt, text, enc)
            await pilot.pause()
            v.composer.editor.focus()
            await pilot.press("ctrl+j")
            await settle(pilot, 0.1)
        sent = app.sent()
        assert [s.format or s.type for s in sent] == ["text", "json", "xml", "binary", "binary"]
        assert sent[3].data == b"\x00\x01\xff" and sent[4].data == b"\x00\x01\xff"
        assert v.model.count_out == 5


async def test_bad_json_blocks_send_and_shows_line_and_column(tmp_path):
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        v.composer.load("json", '{\n  "a": 1,\n  "b": }')
        await pilot.pause()
        assert v.query_one("#send").disabled
        assert "line 3" in v.composer.error and "column" in v.composer.error
        v.composer.editor.focus()
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert app.sent() == []
        v.composer.load("xml", "<a><b></a>")
        await pilot.pause()
        assert v.query_one("#send").disabled and "line 1" in v.composer.error
        # Format pretty-prints once the JSON is valid
        v.composer.load("json", '{"a":1,"b":[1,2]}')
        await pilot.click("#pretty")
        await pilot.pause()
        assert v.composer.text == json.dumps({"a": 1, "b": [1, 2]}, indent=2)
        assert not v.query_one("#send").disabled


async def test_variables_resolved_on_send_and_errors_in_the_log(tmp_path):
    def substitute(text, where):
        if "{{NOPE}}" in text:
            raise ValueError(f"unknown variable {{{{NOPE}}}} in {where}")
        return text.replace("{{USER}}", "ada")

    app = ViewApp(substitute=substitute, tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        v.send("text", "hi {{USER}}")
        await settle(pilot)
        assert app.sent()[-1].data == "hi ada"
        v.send("text", "hi {{NOPE}}")
        await settle(pilot)
        assert len(app.sent()) == 1
        assert any("unknown variable {{NOPE}}" in str(p) for p in v.model.payloads)


async def test_detail_pretty_prints_json_xml_and_hex_dumps_binary(tmp_path):
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        s = app.server
        s.receive('{"a":{"b":[1,2]}}')
        s.receive("<r><x>1</x></r>")
        s.receive(b"\x00hello\xff")
        await settle(pilot)
        log = v.query_one(ActivityLog)
        log.focus()
        detail = v.query_one(MessageDetail)
        await pilot.press("up", "enter")  # the last row: binary
        await pilot.pause()
        assert "00 68 65 6c 6c 6f ff" in detail.body and "|.hello.|" in detail.body
        assert not log.follow
        await pilot.press("up", "enter")
        await pilot.pause()
        assert detail.body.splitlines()[0] == "<r>" and "  <x>1</x>" in detail.body
        await pilot.press("up", "enter")
        await pilot.pause()
        assert json.loads(detail.body) == {"a": {"b": [1, 2]}} and "\n" in detail.body
        await pilot.press("end")
        assert log.follow


async def test_filter_follow_clear_and_export(tmp_path):
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        s = app.server
        for i in range(500):
            s.receive(f"tick {i}")
        s.receive("special one")
        await settle(pilot)
        log = v.query_one(ActivityLog)
        assert log.follow and log.scroll_offset.y == log.max_scroll_y > 0
        await pilot.click("#filter")
        await pilot.press(*"special")
        await settle(pilot, 0.4)
        assert v.model.visible_count == 1
        v.query_one("#filter").value = r"tick 4\d\d$"
        v.query_one("#regex").value = True
        await settle(pilot, 0.4)
        assert v.model.visible_count == 100
        v.query_one("#filter").value = ""
        await settle(pilot, 0.4)
        path = v.export("ndjson")
        lines = path.read_text().splitlines()
        assert len(lines) == len(v.model) and json.loads(lines[-1])["data"] == "special one"
        assert v.export("csv").read_text().startswith("ts,event")
        assert json.loads(v.export("json").read_text())[-1]["data"] == "special one"
        await pilot.click("#clear")
        await settle(pilot)
        assert len(v.model) == 0
        assert "in 0" in str(v.query_one("#counters").render())


async def test_times_after_reconnect_are_the_journals(tmp_path):
    """Issue 11.1: a reconnected session's rows showed the first session's clock."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        v.send("text", "first")
        await settle(pilot)
        await pilot.pause(0.2)  # the first connection lasts a while
        v.connect()  # Reconnect: a new session, whose monotonic clock starts at 0
        await settle(pilot)
        v.send("text", "second")
        await settle(pilot)
        assert len(app.sessions) == 2
        m = v.model
        assert len(m) == len(app.events)
        for row, ev in enumerate(app.events):
            assert m.wall_time(row) == ev.ts.timestamp()
            assert m.timestamp(row) == ev.ts
        opens = [r for r in range(len(m)) if m.kind(r) == "open"]
        assert len(opens) == 2 and m.wall_time(opens[1]) - m.wall_time(opens[0]) >= 0.2


async def test_ping_shows_the_round_trip_in_the_log_and_the_status(tmp_path):
    """Issue 11.13: what `connect` can do (/ping), the app can do."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        await pilot.click("#ping")
        await settle(pilot)
        assert len(app.server.pings) == 1
        assert "ping 1.5 ms" in v.status.text
        assert "pong (1.5 ms)" in v.model.payloads  # the round trip, once


async def test_disconnect_with_a_chosen_code_and_reason_validated(tmp_path):
    """Issue 11.13: Disconnect… asks for the code and reason, checked as /close checks."""
    from wsblock.app.screens.disconnect import DisconnectDialog

    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        await pilot.click("#disconnect")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DisconnectDialog)
        code = dialog.query_one("#close-code")
        code.value = "1006"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # refused: 1006 is never sent
        assert "1006 (abnormal closure) is reserved" in str(
            dialog.query_one("#close-error").render()
        )
        code.value = "4001"
        dialog.query_one("#close-reason").value = "done here"
        dialog.query_one("#close-reason").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert app.server.closed_with == (4001, "done here")
        assert 'closed 4001 "done here" by client' in v.status.text
        # Escape cancels: nothing is closed
        v.connect()
        await settle(pilot)
        await pilot.click("#disconnect")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert v.status.state == "connected" and app.server.closed_with is None


async def test_keepalive_pings_hidden_by_default_with_a_toggle(tmp_path):
    """Issue 11.7: keep-alive pings and pongs are hidden (still counted); a toggle shows them."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        app.server.keepalive()
        app.server.receive("after")
        await settle(pilot)
        m = v.model
        shown = [m.payloads[m.row_at(p)] for p in range(m.visible_count)]
        assert "after" in shown and not any("ping" in str(p) or "pong" in str(p) for p in shown)
        assert len(m) == m.visible_count + 2 and m.keepalive == 2
        assert "2 keep-alive pings hidden" in str(v.query_one("#counters").render())
        v.query_one("#pings").value = True
        await settle(pilot, 0.4)
        assert m.visible_count == len(m)
        # a ping the user sends is always shown
        v.query_one("#pings").value = False
        await settle(pilot, 0.4)
        v.ping()
        await settle(pilot)
        shown = [m.payloads[m.row_at(p)] for p in range(m.visible_count)]
        assert "pong (1.5 ms)" in shown


async def test_deliberate_close_is_not_an_error_and_a_refusal_says_it_once(tmp_path):
    """Issue 11.7: a close by the client is not red; no "closed 1006" for a connection
    that never opened; the error text says each thing once."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        v.disconnect()
        await settle(pilot)
        assert 'closed 1000 "bye" by client' in v.status.text
        assert not v.status.has_class("-error") and v.status.error is None
        from wsblock.app.widgets.response.activity_log import _is_failure

        close_row = next(r for r in range(len(v.model)) if v.model.kind(r) == "close")
        assert not _is_failure(v.model, close_row)
    app = ViewApp(refuse=True, tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        text = v.status.text
        assert text == (
            "○ Disconnected  connection refused by 127.0.0.1:9: nothing listens on that port"
        )
        assert "1006" not in text and v.status.has_class("-error")
        assert "closed 1006" not in " ".join(str(p) for p in v.model.payloads)
        assert v.model.payloads[-1] == "not connected"


async def test_detail_keeps_the_line_in_view_and_says_each_thing_once(tmp_path):
    """Issue 11.8."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        for i in range(200):
            app.server.receive(f'{{"n": {i}}}')
        await settle(pilot)
        log = v.query_one(ActivityLog)
        log.focus()
        await pilot.press("up", "enter")  # the last line, at the bottom of the log
        await settle(pilot)
        detail = v.query_one(MessageDetail)
        assert detail.display
        top, height = log.scroll_offset.y, log.size.height
        assert top <= log.cursor < top + height, (top, log.cursor, height)
        head = str(detail.query_one("#detail-head").render())
        assert "← received  10 B JSON" in head
        assert head.count("in") <= 1 and "text" not in head


async def test_saved_messages_picker_fits_its_items_and_is_enabled(tmp_path):
    """Issue 11.8: the picker is wide enough for its items and does not look disabled."""
    from view_app import ViewApp as App_

    class Saved(App_):
        def compose(self):
            for w in super().compose():
                w.saved = [("a rather long message name", "json", "{}", "base64")]
                yield w

    app = Saved(tmp=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select = app.view.composer.query_one("#saved")
        assert not select.disabled
        assert select.size.width >= len("a rather long message name (json)") + 4
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select = app.view.composer.query_one("#saved")
        assert not select.disabled and select.prompt == "No saved messages"


async def test_export_asks_where_to_write(tmp_path, monkeypatch):
    """Issue 11.10: Export… offers a path (never silently the current directory)."""
    from wsblock.app.screens.export import ExportDialog

    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        v.send("text", "to export")
        await settle(pilot)
        v.ask_export("csv")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        box = dialog.query_one("#export-path")
        assert box.value.startswith(str(tmp_path)) and box.value.endswith(".csv")
        box.value = str(tmp_path / "no-such-folder" / "x.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "no folder" in str(
            dialog.query_one("#export-error").render()
        )
        box.value = "mine.csv"  # relative: to the offered folder
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert "to export" in (tmp_path / "mine.csv").read_text()
        assert list(elsewhere.iterdir()) == []
    # without export_dir: the request's file's folder
    from wsblock.conversation.request import Request

    folder = tmp_path / "requests"
    folder.mkdir()
    app = ViewApp(request=Request(name="echo", url="ws://127.0.0.1:9/echo", file=folder / "a.void"))
    async with app.run_test(size=SIZE):
        assert app.view.default_export_path("json").parent == folder


async def test_counters_say_1_row(tmp_path):
    """Issue 11.11: "1 rows"."""
    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.model.note("one line")
        v._update_counters()
        await pilot.pause()
        counters = str(v.query_one("#counters").render())
        assert counters.endswith("· 1 row"), counters
        v.model.note("two lines")
        v._update_counters()
        assert str(v.query_one("#counters").render()).endswith("· 2 rows")


async def test_secrets_are_masked_on_screen_text_and_binary(tmp_path):
    """Issue 8 item 16: a secret in a payload is masked in the log and in the detail,
    in a binary payload too (its hex dump)."""
    secret = "s3cr3t-t0ken"
    req = Request(name="echo", url="ws://127.0.0.1:9/echo", secrets=frozenset({secret}))
    app = ViewApp(req, tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        app.server.receive(f"token={secret}")
        app.server.receive(b"\x00" + secret.encode() + b"\xff")
        await settle(pilot)
        log = v.query_one(ActivityLog)
        lines = [log.render_line(y).text for y in range(log.size.height)]
        shown = "\n".join(lines)
        assert secret not in shown and secret.encode().hex(" ")[:20] not in shown
        log.focus()
        detail = v.query_one(MessageDetail)
        await pilot.press("up", "enter")  # the binary row
        await pilot.pause()
        assert secret.encode().hex(" ")[:20] not in detail.body and "|.s3cr3t" not in detail.body
        await pilot.press("up", "enter")
        await pilot.pause()
        assert secret not in detail.body and "••••••" in detail.body


async def test_what_the_log_draws_is_already_in_the_journal(tmp_path):
    """Issue 8 item 13: each batch goes to the journal file before the log draws it (a
    journal that never flushes by itself shows that write_now() did it)."""
    from wsblock.journal import Journal

    journals: list[Journal] = []

    def journal_factory(request):
        j = Journal.create(log_dir=tmp_path, name="view", flush_interval=3600)
        journals.append(j)
        return j

    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.journal_factory = journal_factory
        v.connect()
        await settle(pilot)
        app.server.receive("first", "second")
        await settle(pilot)
        assert v.model.count_in == 2
        on_disk = journals[0].path.read_text()
        assert '"first"' in on_disk and '"second"' in on_disk


async def test_the_mouse_wheel_up_stops_following_and_scrolls(tmp_path):
    """The wheel up over a following log stops following, and the log scrolls (the hook
    is ActivityLog.on_mouse_scroll_up, public; Textual's own scroll runs after it)."""
    from textual import events

    app = ViewApp(tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await settle(pilot)
        for i in range(300):
            app.server.receive(f"tick {i}")
        await settle(pilot)
        log = v.query_one(ActivityLog)
        assert log.follow and log.scroll_offset.y == log.max_scroll_y > 0
        bottom = log.scroll_offset.y
        log.post_message(events.MouseScrollUp(log, 1, 1, 0, -1, 0, False, False, False))
        await settle(pilot)
        assert not log.follow
        assert log.scroll_offset.y < bottom
