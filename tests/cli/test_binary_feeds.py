"""Binary feeds (issue 13) through `wsblock run`, against a real server on loopback.

The server sends hand-built bytes of each kind (the test does not use the code under
test to make its input) and echoes what it receives. Each .void file declares a
``decode`` (and ``encode``) row and expects decoded fields.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from void_files import expect, message, messages, request, table, write
from websockets.asyncio.server import serve

TICK_PROTO = """syntax = "proto3";
package feed;
import "side.proto";
message Tick {
  string symbol = 1;
  double price = 2;
  int32 qty = 3;
  Side side = 4;
}
"""
SIDE_PROTO = 'syntax = "proto3";\npackage feed;\nenum Side { BUY = 0; SELL = 1; }\n'
TICK_BYTES = b"\x0a\x03BTC" + b"\x11" + struct.pack("<d", 1.5) + b"\x18\x05" + b"\x20\x01"
MSGPACK_BYTES = b"\x82\xa6symbol\xa3BTC\xa3qty\x05"  # {"symbol": "BTC", "qty": 5}
CBOR_BYTES = b"\xa2\x66symbol\x63BTC\x63qty\x05"
JSON_DOC = b'{"symbol":"BTC","qty":5}'
FEEDS: dict[str, list[str | bytes]] = {
    "/pb": [TICK_BYTES],
    "/mp": [MSGPACK_BYTES],
    "/cb": [CBOR_BYTES],
    "/gz": [gzip.compress(JSON_DOC)],
    "/df": [zlib.compress(JSON_DOC)],
    "/b64": [base64.b64encode(MSGPACK_BYTES).decode()],
    "/bad": [b"\xc1\xc1", MSGPACK_BYTES],  # 0xc1 is never used in MessagePack
    "/echo": [],
}


@pytest.fixture(scope="module")
def feed() -> Iterator[str]:
    """ws://127.0.0.1:PORT: each path sends its feed, then echoes what it receives."""
    ready = threading.Event()
    state: dict = {}

    async def handler(ws) -> None:
        for frame in FEEDS.get(ws.request.path, []):
            await ws.send(frame)
        async for msg in ws:
            await ws.send(msg)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            state["port"] = server.sockets[0].getsockname()[1]
            state["stop"] = asyncio.get_running_loop().create_future()
            state["loop"] = asyncio.get_running_loop()
            ready.set()
            await state["stop"]

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "the feed server did not start"
    yield f"ws://127.0.0.1:{state['port']}"
    state["loop"].call_soon_threadsafe(state["stop"].set_result, None)
    thread.join(10)


def _events(out: str, kind: str) -> list[dict]:
    return [e for e in map(json.loads, out.splitlines()) if e.get("event") == kind]


def _void(
    path: Path,
    url: str,
    decode: str,
    checks: list[list[str]],
    *extra: str,
    encode: str | None = None,
) -> Path:
    rows = [["decode", decode]] + ([["encode", encode]] if encode else [])
    return write(
        path, request(url), table("socket-options", rows), messages(*extra, expect("tick", checks))
    )


def _schema(root: Path) -> None:
    (root / ".voiden").mkdir(exist_ok=True)
    (root / "protos").mkdir(exist_ok=True)
    (root / "protos" / "tick.proto").write_text(TICK_PROTO)
    (root / "protos" / "side.proto").write_text(SIDE_PROTO)


@pytest.mark.parametrize(
    ("path", "decode", "name"),
    [
        ("/mp", "msgpack", "msgpack"),
        ("/cb", "cbor", "cbor"),
        ("/gz", "gzip+json", "gzip+json"),
        ("/df", "deflate+json", "deflate+json"),
        ("/b64", "base64+msgpack", "base64+msgpack"),
    ],
)
def test_each_kind_is_decoded_for_expectations(
    feed: str, tmp_path: Path, wsblock, path: str, decode: str, name: str
) -> None:
    f = _void(
        tmp_path / "feed.void",
        feed + path,
        decode,
        [
            ["symbol", "body.symbol", "equals", "BTC"],
            ["qty", "body.qty", "equals", "5"],
            ["decoder", "decoded", "equals", name],
        ],
    )
    r = wsblock("run", str(f), "--json", "--linger", "0")
    assert r.code == 0, r.out + r.err
    received = _events(r.out, "received")
    assert received and received[0]["decoded"] == {"symbol": "BTC", "qty": 5}
    assert ("data_b64" in received[0]) or ("data" in received[0])


def test_protobuf_feed_with_schema_from_the_project_root(
    feed: str, tmp_path: Path, wsblock
) -> None:
    _schema(tmp_path)
    (tmp_path / "requests").mkdir()
    f = _void(
        tmp_path / "requests" / "pb.void",
        feed + "/pb",
        "protobuf protos/tick.proto#feed.Tick",
        [
            ["symbol", "body.symbol", "equals", "BTC"],
            ["side", "body.side", "equals", "SELL"],
            ["type", "type", "equals", "binary"],
            ["decoder", "decoded", "equals", "protobuf"],
        ],
    )
    r = wsblock("run", str(f), "--json", "--linger", "0")
    assert r.code == 0, r.out + r.err
    received = _events(r.out, "received")
    assert received[0]["decoded"] == {"symbol": "BTC", "price": 1.5, "qty": 5, "side": "SELL"}
    assert base64.b64decode(received[0]["data_b64"]) == TICK_BYTES
    check = wsblock("check", str(f))
    assert check.code == 0 and "decode protobuf protos/tick.proto#feed.Tick" in check.out, check.out


def test_a_wrong_expectation_on_a_decoded_field_fails(feed: str, tmp_path: Path, wsblock) -> None:
    f = _void(
        tmp_path / "feed.void", feed + "/mp", "msgpack", [["eth", "body.symbol", "equals", "ETH"]]
    )
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 1, r.out + r.err


def test_undecodable_message_is_shown_raw_with_the_error_and_the_run_goes_on(
    feed: str, tmp_path: Path, wsblock
) -> None:
    f = _void(
        tmp_path / "feed.void",
        feed + "/bad",
        "msgpack",
        [["symbol", "body.symbol", "equals", "BTC"]],
    )
    r = wsblock("run", str(f), "--json", "--linger", "0")
    assert r.code == 0, r.out + r.err
    received = _events(r.out, "received")
    assert len(received) == 2
    assert base64.b64decode(received[0]["data_b64"]) == b"\xc1\xc1"
    assert received[0]["decode_error"].startswith("msgpack: ")
    assert received[1]["decoded"] == {"symbol": "BTC", "qty": 5}


@pytest.mark.parametrize(
    "encode", ["msgpack", "cbor", "gzip+json", "protobuf protos/tick.proto#feed.Tick"]
)
def test_a_json_message_is_sent_encoded_and_the_echo_comes_back_decoded(
    feed: str, tmp_path: Path, wsblock, encode: str
) -> None:
    _schema(tmp_path)
    f = _void(
        tmp_path / "echo.void",
        feed + "/echo",
        encode,
        [["symbol", "body.symbol", "equals", "ETH"], ["type", "type", "equals", "binary"]],
        message("order", "json", '{"symbol": "ETH", "qty": 2}'),
        encode=encode,
    )
    r = wsblock("run", str(f), "--json", "--linger", "0")
    assert r.code == 0, r.out + r.err
    sent = _events(r.out, "sent")
    assert sent[0]["type"] == "binary" and sent[0]["decoded"] == {"symbol": "ETH", "qty": 2}
    check = wsblock("check", str(f))
    assert f"message  order (json sent as {encode}," in check.out, check.out


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([["decode", "avro"]], ["socket-options row 1 (decode)", "unknown codec 'avro'"]),
        (
            [["decode", "protobuf protos/missing.proto#feed.Tick"]],
            ["row 1 (decode)", "no such .proto file"],
        ),
        (
            [["decode", "protobuf protos/tick.proto#feed.Tock"]],
            ["row 1 (decode)", "no message type 'feed.Tock'"],
        ),
        (
            [["decode", "protobuf protos/broken.proto#feed.Tick"]],
            ["row 1 (decode)", "broken.proto line 3, column"],
        ),
    ],
)
def test_a_declaration_that_cannot_work_is_exit_2_before_anything_is_sent(
    tmp_path: Path, wsblock, rows: list[list[str]], words: list[str]
) -> None:
    _schema(tmp_path)
    (tmp_path / "protos" / "broken.proto").write_text(
        'syntax = "proto3";\npackage feed;\nmessage Tick { strng a = 1; }\n'
    )
    f = write(
        tmp_path / "bad.void", request("ws://127.0.0.1:9/never"), table("socket-options", rows)
    )
    r = wsblock("run", str(f))
    assert r.code == 2, r.out + r.err
    for w in words:
        assert w in r.err, r.err
    assert "bad.void:" in r.err
    assert "Traceback" not in r.err


def test_a_field_the_message_type_does_not_have_is_exit_2_with_its_line(
    tmp_path: Path, wsblock
) -> None:
    _schema(tmp_path)
    f = write(
        tmp_path / "bad.void",
        request("ws://127.0.0.1:9/never"),
        table("socket-options", [["encode", "protobuf protos/tick.proto#feed.Tick"]]),
        messages(message("order", "json", '{\n  "symbol": "ETH",\n  "colour": 2\n}')),
    )
    r = wsblock("run", str(f))
    assert r.code == 2, r.out + r.err
    assert (
        "message 'order'" in r.err
        and "feed.Tick has no field 'colour' (line 3 of the message)" in r.err
    ), r.err


def test_connect_prints_the_decoded_json_line_and_raw_with_raw(feed: str, wsblock) -> None:
    r = wsblock("connect", feed + "/mp", "--decode", "msgpack", "--linger", "0.5")
    assert r.code == 0, r.err
    assert json.loads(r.out.strip()) == {"symbol": "BTC", "qty": 5}
    raw = wsblock("connect", feed + "/mp", "--decode", "msgpack", "--raw", "--linger", "0.5")
    assert raw.code == 0 and "symbol" not in raw.out and raw.out.strip(), raw.out


def test_connect_shows_an_undecodable_message_raw_with_the_error(feed: str, wsblock) -> None:
    r = wsblock("connect", feed + "/bad", "--decode", "msgpack", "--linger", "0.5")
    lines = r.out.strip().splitlines()
    assert len(lines) == 2 and json.loads(lines[1]) == {"symbol": "BTC", "qty": 5}, r.out
    assert "msgpack" in r.err and "shown raw" in r.err, r.err


def test_connect_json_carries_decoded_and_encodes_json_lines(
    feed: str, wsblock, tmp_path: Path
) -> None:
    _schema(tmp_path)
    spec = "protobuf protos/tick.proto#feed.Tick"
    r = wsblock(
        "connect",
        feed + "/echo",
        "--format",
        "json",
        "--encode",
        spec,
        "--decode",
        spec,
        "--json",
        "--linger",
        "0.5",
        input='{"symbol": "ETH", "qty": 2}\n',
        cwd=tmp_path,
    )
    assert r.code == 0, r.err
    received = _events(r.out, "received")
    assert received[0]["decoded"] == {"symbol": "ETH", "qty": 2} and received[0]["type"] == "binary"
    assert base64.b64decode(received[0]["data_b64"]) == b"\x0a\x03ETH\x18\x02"
    bad = wsblock(
        "connect",
        feed + "/echo",
        "--format",
        "json",
        "--encode",
        spec,
        "--linger",
        "0.2",
        input='{"colour": 2}\n',
        cwd=tmp_path,
    )
    assert (
        bad.code == 2  # a line that cannot be encoded is bad input
        and "line 1: cannot encode: protobuf: feed.Tick has no field 'colour'" in bad.err
    ), bad.err


def test_connect_with_a_declaration_that_cannot_work_is_exit_2(wsblock, tmp_path: Path) -> None:
    r = wsblock(
        "connect", "ws://127.0.0.1:9/x", "--decode", "protobuf nope.proto#a.B", cwd=tmp_path
    )
    assert r.code == 2 and "--decode" in r.err and "no such .proto file" in r.err, r.err


def test_export_decodes_on_read_and_the_journal_keeps_the_raw_bytes(
    feed: str, tmp_path: Path, wsblock
) -> None:
    f = _void(
        tmp_path / "feed.void",
        feed + "/bad",
        "msgpack",
        [["symbol", "body.symbol", "equals", "BTC"]],
    )
    logs = tmp_path / "logs"
    assert wsblock("run", str(f), "--log-dir", str(logs), "--linger", "0").code == 0
    journal = next(logs.glob("*.ndjson"))
    assert '"decoded"' not in journal.read_text()  # raw bytes on disk; decoding is on read
    r = wsblock("export", str(journal), "--decode", "msgpack", "--direction", "in")
    assert r.code == 0, r.err
    received = _events(r.out, "received")
    assert (
        base64.b64decode(received[0]["data_b64"]) == b"\xc1\xc1" and "decode_error" in received[0]
    )
    assert received[1]["decoded"] == {"symbol": "BTC", "qty": 5}
    # a wrong declaration is fixed by reading the session again
    wrong = wsblock("export", str(journal), "--decode", "cbor", "--direction", "in")
    assert all("decode_error" in e for e in _events(wrong.out, "received"))
    assert wsblock("export", str(journal), "--decode", "avro").code == 2
    # the search reads the decoded text, as the app's filter does
    found = wsblock("export", str(journal), "--decode", "msgpack", "--search", '"symbol":"btc"')
    assert found.code == 0, found.err
    assert [e["decoded"] for e in _events(found.out, "received")] == [{"symbol": "BTC", "qty": 5}]
    pattern = wsblock("export", str(journal), "--decode", "msgpack", "--regex", r'"qty":\d')
    assert len(_events(pattern.out, "received")) == 1
    raw = wsblock("export", str(journal), "--raw", "--search", '"symbol":"btc"')
    assert _events(raw.out, "received") == []  # with --raw there is no such text
    assert wsblock("export", str(journal), "--raw", "--decode", "cbor").code == 2


def test_export_reads_a_session_as_its_request_declared(feed: str, tmp_path: Path, wsblock) -> None:
    """The journal records the decode row (a protobuf PATH made absolute): export decodes
    with it from any folder; a schema moved away since is exit 2, saying what to do."""
    _schema(tmp_path)
    (tmp_path / "requests").mkdir()
    f = _void(
        tmp_path / "requests" / "pb.void",
        feed + "/pb",
        "protobuf protos/tick.proto#feed.Tick",
        [["symbol", "body.symbol", "equals", "BTC"]],
    )
    logs = tmp_path / "logs"
    assert wsblock("run", str(f), "--log-dir", str(logs), "--linger", "0").code == 0
    journal = next(logs.glob("*.ndjson"))
    first = json.loads(journal.read_text().splitlines()[0])
    proto = (tmp_path / "protos" / "tick.proto").resolve()
    assert first["decode"] == f"protobuf {proto}#feed.Tick"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = wsblock("export", str(journal), "--direction", "in", cwd=elsewhere)
    assert r.code == 0, r.err
    assert _events(r.out, "received")[0]["decoded"]["symbol"] == "BTC"
    raw = wsblock("export", str(journal), "--direction", "in", "--raw", cwd=elsewhere)
    assert "decoded" not in _events(raw.out, "received")[0]
    proto.rename(proto.with_suffix(".old"))
    gone = wsblock("export", str(journal), cwd=elsewhere)
    assert gone.code == 2 and "the session was recorded with decode" in gone.err, gone.err
    assert "pass --decode CODEC, or --raw" in gone.err and "Traceback" not in gone.err


def test_run_shows_decoded_messages_as_their_decoded_value(
    feed: str, tmp_path: Path, wsblock
) -> None:
    """The human lines of `run` show what `connect` and `--json` show, not base64."""
    _schema(tmp_path)
    spec = "protobuf protos/tick.proto#feed.Tick"
    f = _void(
        tmp_path / "echo.void",
        feed + "/echo",
        spec,
        [["symbol", "body.symbol", "equals", "ETH"]],
        message("order", "json", '{"symbol": "ETH", "qty": 2}'),
        encode=spec,
    )
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 0, r.out + r.err
    assert '← pb {"symbol":"ETH","qty":2}' in r.out, r.out
    assert '→ pb {"symbol":"ETH","qty":2}' in r.out, r.out
    assert "base64:" not in r.out
    bad = _void(
        tmp_path / "bad.void", feed + "/bad", "msgpack", [["s", "body.symbol", "equals", "BTC"]]
    )
    r = wsblock("run", str(bad), "--linger", "0")
    assert r.code == 0, r.out + r.err
    assert "← base64:wcE=  ✖ cannot decode: msgpack: " in r.out, r.out
    assert '← mp {"symbol":"BTC","qty":5}' in r.out, r.out
