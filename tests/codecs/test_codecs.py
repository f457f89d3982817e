"""The codecs package on hand-built bytes (the inputs are not made by the code under test)."""

from __future__ import annotations

import base64
import gzip
import struct
import zlib
from pathlib import Path

import pytest

from wsblock.codecs import CodecError, decoded_fields, parse_codec

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

# Tick{symbol: "BTC", price: 1.5, qty: 5, side: SELL}, written by hand:
# field 1 (len) 0x0a, field 2 (64-bit) 0x11, field 3 (varint) 0x18, field 4 (varint) 0x20
TICK_BYTES = b"\x0a\x03BTC" + b"\x11" + struct.pack("<d", 1.5) + b"\x18\x05" + b"\x20\x01"
# {"symbol": "BTC", "qty": 5}
MSGPACK_BYTES = b"\x82\xa6symbol\xa3BTC\xa3qty\x05"
CBOR_BYTES = b"\xa2\x66symbol\x63BTC\x63qty\x05"


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    (tmp_path / "protos").mkdir()
    (tmp_path / "protos" / "tick.proto").write_text(TICK_PROTO)
    (tmp_path / "protos" / "side.proto").write_text(SIDE_PROTO)
    return tmp_path


def test_protobuf_decodes_with_imports_from_the_schema_folder(schema: Path) -> None:
    c = parse_codec("protobuf protos/tick.proto#feed.Tick", schema)
    assert c.marker == "pb" and c.name == "protobuf"
    assert c.decode(TICK_BYTES) == {"symbol": "BTC", "price": 1.5, "qty": 5, "side": "SELL"}


def test_protobuf_encode_round_trips_and_rejects_unknown_fields_with_their_line(
    schema: Path,
) -> None:
    c = parse_codec("protobuf protos/tick.proto#feed.Tick", schema)
    assert c.encode({"symbol": "BTC", "price": 1.5, "qty": 5, "side": "SELL"}) == TICK_BYTES
    with pytest.raises(
        CodecError, match=r"feed.Tick has no field 'colour' \(line 3 of the message\)"
    ):
        c.encode({"symbol": "x", "colour": 1}, '{\n  "symbol": "x",\n  "colour": 1\n}')


def test_protobuf_garbage_and_foreign_fields_are_errors_in_words(schema: Path) -> None:
    c = parse_codec("protobuf protos/tick.proto#feed.Tick", schema)
    assert "not a feed.Tick" in decoded_fields(c, b"\x0a\x09BT")["decode_error"]
    assert "field numbers 7 are not in feed.Tick" in decoded_fields(c, b"\x38\x01")["decode_error"]


def test_broken_schema_names_the_proto_line(tmp_path: Path) -> None:
    (tmp_path / "bad.proto").write_text('syntax = "proto3";\nmessage X {\n  strng a = 1;\n}\n')
    with pytest.raises(CodecError, match=r"bad.proto line 3, column \d+: "):
        parse_codec("protobuf bad.proto#X", tmp_path)


def test_missing_schema_and_unknown_type(schema: Path) -> None:
    with pytest.raises(CodecError, match="no such .proto file"):
        parse_codec("protobuf nope.proto#feed.Tick", schema)
    with pytest.raises(CodecError, match=r"no message type 'feed.Tock' \(it has: feed.Tick\)"):
        parse_codec("protobuf protos/tick.proto#feed.Tock", schema)
    with pytest.raises(CodecError, match="expected 'protobuf PATH#package.Message'"):
        parse_codec("protobuf protos/tick.proto", schema)


def test_unknown_declaration() -> None:
    with pytest.raises(CodecError, match="unknown codec 'avro'"):
        parse_codec("avro")


def test_msgpack_and_cbor_literals() -> None:
    assert parse_codec("msgpack").decode(MSGPACK_BYTES) == {"symbol": "BTC", "qty": 5}
    assert parse_codec("cbor").decode(CBOR_BYTES) == {"symbol": "BTC", "qty": 5}
    assert parse_codec("MsgPack").encode({"symbol": "BTC", "qty": 5}) == MSGPACK_BYTES
    assert parse_codec("cbor").encode({"symbol": "BTC", "qty": 5}) == CBOR_BYTES


def test_non_json_values_become_json() -> None:
    # msgpack {1: bin(b"\x00\x01")}; cbor tag 1 (epoch) and a byte string
    assert parse_codec("msgpack").decode(b"\x81\x01\xc4\x02\x00\x01") == {"1": "AAE="}
    assert parse_codec("cbor").decode(b"\x82\xc1\x1a\x00\x00\x00\x00\x42\x00\x01")[1] == "AAE="


def test_compressed_json() -> None:
    doc = b'{"symbol":"BTC"}'
    assert parse_codec("gzip+json").decode(gzip.compress(doc)) == {"symbol": "BTC"}
    assert parse_codec("deflate+json").decode(zlib.compress(doc)) == {"symbol": "BTC"}
    raw = zlib.compressobj(wbits=-15)
    assert parse_codec("deflate+json").decode(raw.compress(doc) + raw.flush()) == {"symbol": "BTC"}
    assert gzip.decompress(parse_codec("gzip+json").encode({"a": 1})) == b'{"a":1}'
    assert "not gzip data" in decoded_fields(parse_codec("gzip+json"), b"nope")["decode_error"]


def test_base64_wrapping_and_text_frames() -> None:
    c = parse_codec("base64+msgpack")
    assert c.marker == "b64mp" and c.name == "base64+msgpack"
    assert c.decode(base64.b64encode(MSGPACK_BYTES).decode()) == {"symbol": "BTC", "qty": 5}
    assert c.encode({"symbol": "BTC", "qty": 5}) == base64.b64encode(MSGPACK_BYTES)
    assert parse_codec("json").decode('{"a": [1]}') == {"a": [1]}
    assert "a text message" in decoded_fields(parse_codec("cbor"), "hello")["decode_error"]
    assert "not base64" in decoded_fields(c, "%%%")["decode_error"]


def test_no_codec_adds_nothing() -> None:
    assert decoded_fields(None, b"\x00") == {}
