"""Binary feeds in the app: the log shows decoded one-line JSON with a marker, the
detail the decoded tree beside the hex dump, the filter matches decoded text, and the
composer sends JSON encoded (issue 13)."""

from __future__ import annotations

import json

from view_app import ViewApp

from wsblock.app.widgets.response.activity_log import ActivityLog
from wsblock.app.widgets.response.detail import MessageDetail
from wsblock.app.widgets.response.log_model import Filter
from wsblock.codecs import parse_codec
from wsblock.conversation.request import Options, Request

SIZE = (140, 50)
MSGPACK = b"\x82\xa6symbol\xa3BTC\xa3qty\x05"  # {"symbol": "BTC", "qty": 5}, by hand


def _request() -> Request:
    codec = parse_codec("msgpack")
    return Request(
        name="feed", url="ws://127.0.0.1:9/feed", options=Options(decode=codec, encode=codec)
    )


async def test_decoded_row_detail_filter_and_composer(tmp_path):
    app = ViewApp(_request(), tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await pilot.pause(0.15)
        app.server.echo = False
        app.server.receive(b"\xc1\xc1")  # not MessagePack: shown raw, never dropped
        app.server.receive(MSGPACK)
        await pilot.pause(0.15)
        log = v.query_one(ActivityLog)
        lines = [log.render_line(y).text for y in range(log.size.height)]
        assert any('mp {"symbol":"BTC","qty":5}' in ln for ln in lines), lines
        assert any("c1 c1" in ln for ln in lines), lines
        log.focus()
        detail = v.query_one(MessageDetail)
        await pilot.press("up", "enter")  # the last row
        await pilot.pause()
        assert '"symbol": "BTC"' in detail.body and "82 a6 73 79" in detail.body, detail.body
        await pilot.press("up", "enter")
        await pilot.pause()
        assert "cannot decode: msgpack" in detail.body and "c1 c1" in detail.body, detail.body
        v.model.set_filter(Filter(text='"symbol":"BTC"'))
        assert v.model.visible_count == 1
        v.model.set_filter(Filter())
        v.composer.load("json", '{"symbol": "ETH"}')
        await pilot.pause()
        v.composer.editor.focus()
        await pilot.press("ctrl+j")
        await pilot.pause(0.15)
        assert app.server.sent[-1] == b"\x81\xa6symbol\xa3ETH"
        lines = [log.render_line(y).text for y in range(log.size.height)]
        assert any("→" in ln and 'mp {"symbol":"ETH"}' in ln for ln in lines), lines
        # Export carries the decoded value beside the raw bytes, as `wsblock export --decode`
        out = v.export("ndjson", tmp_path / "feed.ndjson")
        assert out is not None
        records = [json.loads(line) for line in out.read_text().splitlines()]
        received = [r for r in records if r["event"] == "received"]
        assert received[0]["data_b64"] == "wcE=" and "decode_error" in received[0]
        assert received[1]["decoded"] == {"symbol": "BTC", "qty": 5}
        sent = [r for r in records if r["event"] == "sent"]
        assert sent[-1]["decoded"] == {"symbol": "ETH"}


TICK_PROTO = 'syntax = "proto3";\npackage feed;\nmessage Tick {\n  string symbol = 1;\n}\n'


async def test_composer_json_checked_against_the_schema(tmp_path):
    (tmp_path / "tick.proto").write_text(TICK_PROTO)
    codec = parse_codec("protobuf tick.proto#feed.Tick", tmp_path)
    request = Request(name="feed", url="ws://127.0.0.1:9/feed", options=Options(encode=codec))
    app = ViewApp(request, tmp=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        v = app.view
        v.connect()
        await pilot.pause(0.15)
        v.composer.load("json", '{\n  "symbol": "BTC",\n  "price": 2\n}')
        await pilot.pause()
        v.composer.editor.focus()
        await pilot.press("ctrl+j")
        await pilot.pause(0.15)
        assert app.sent() == []  # nothing sent: the field is not in feed.Tick
        notes = [v.model.payloads[r] for r in range(len(v.model)) if v.model.kind(r) == "note"]
        assert any("price" in str(n) and "line 3" in str(n) for n in notes), notes
        v.composer.load("json", '{"symbol": "BTC"}')
        await pilot.pause()
        v.composer.editor.focus()
        await pilot.press("ctrl+j")
        await pilot.pause(0.15)
        assert app.server.sent[-1] == b"\x0a\x03BTC"  # field 1, length 3, hand-built
