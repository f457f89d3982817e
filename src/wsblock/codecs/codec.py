"""A declared codec: parse ``decode`` / ``encode`` rows, decode bytes, encode JSON values.

The forms (``socket-options`` rows ``decode`` and ``encode``)::

    protobuf PATH#package.Message    PATH from the project root
    msgpack | cbor | gzip+json | deflate+json | json
    base64+<any of the above>

:func:`parse_codec` turns a declaration into a :class:`Codec` (compiling a schema
now, so that a broken one is bad input before anything is sent);
:meth:`Codec.decode` turns a received message into a JSON value and
:meth:`Codec.encode` a JSON value into the bytes to send. Every failure is a
:class:`CodecError` whose text says what went wrong in words.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsblock.codecs.proto import SchemaError, message_class
from wsblock.codecs.values import jsonable

__all__ = ["KINDS", "Codec", "CodecError", "parse_codec"]

#: The base forms, with the short marker a log shows beside a decoded message.
KINDS = {
    "protobuf": "pb",
    "msgpack": "mp",
    "cbor": "cb",
    "gzip+json": "gz",
    "deflate+json": "df",
    "json": "js",
}

#: Decompressed data larger than this is refused (a small gzip can expand a thousandfold).
MAX_INFLATED = 64 * 1024 * 1024


class CodecError(ValueError):
    """A declaration that cannot work, or a message that cannot be decoded or encoded."""


@dataclass(frozen=True)
class Codec:
    """One declared codec. ``spec`` is the declaration as written (normalised)."""

    spec: str
    kind: str  # a key of KINDS
    base64: bool = False
    proto: Path | None = None
    type_name: str | None = None
    _cls: Any = field(default=None, compare=False, repr=False, hash=False)

    def __str__(self) -> str:
        return self.spec

    @property
    def declaration(self) -> str:
        """The declaration with a protobuf PATH made absolute: what a journal keeps, so
        that ``wsblock export`` reads the session again from any folder."""
        if self.kind == "protobuf" and self.proto is not None:
            prefix = "base64+" if self.base64 else ""
            return f"{prefix}protobuf {self.proto.resolve()}#{self.type_name}"
        return self.spec

    @property
    def marker(self) -> str:
        """``pb``, ``mp``, ``cb``, ``gz``, ``df``, ``js`` (``b64`` prefixed: ``b64pb``)."""
        return ("b64" if self.base64 else "") + KINDS[self.kind]

    @property
    def name(self) -> str:
        """What the ``decoded`` field of an expectation says: ``protobuf``, ``base64+msgpack``..."""
        return ("base64+" if self.base64 else "") + self.kind

    # -- decoding ---------------------------------------------------------------
    def decode(self, data: str | bytes | bytearray | memoryview) -> Any:
        """The JSON value of a received message. Raises :class:`CodecError` in words."""
        raw: bytes
        if isinstance(data, str):
            if not (self.base64 or self.kind == "json"):
                raise CodecError(f"{self.name}: a text message, where a binary one was expected")
            raw = data.encode("utf-8")
        else:
            raw = bytes(data)
        if self.base64:
            try:
                raw = base64.b64decode(raw.strip(), validate=True)
            except (binascii.Error, ValueError) as e:
                raise CodecError(f"{self.name}: not base64 ({e})") from None
        try:
            return self._decode(raw)
        except CodecError as e:
            raise CodecError(f"{self.name}: {e}") from None
        except RecursionError:
            raise CodecError(f"{self.name}: nested too deeply") from None
        except Exception as e:  # each library raises its own kinds; all are "cannot decode"
            raise CodecError(f"{self.name}: {_words(e)}") from None

    def _decode(self, raw: bytes) -> Any:
        kind = self.kind
        if kind == "protobuf":
            return _pb_decode(self._cls, raw)
        if kind == "msgpack":
            import msgpack

            return jsonable(msgpack.unpackb(raw, raw=False, strict_map_key=False))
        if kind == "cbor":
            import cbor2

            return jsonable(cbor2.loads(raw))
        if kind == "gzip+json":
            return _json(_inflate(raw, 16 + zlib.MAX_WBITS, "gzip"))
        if kind == "deflate+json":
            zlib_header = len(raw) >= 2 and raw[0] & 0x0F == 8 and (raw[0] << 8 | raw[1]) % 31 == 0
            return _json(
                _inflate(raw, zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS, "deflate")
            )
        return _json(raw)

    # -- encoding ---------------------------------------------------------------
    def encode(self, value: Any, text: str | None = None) -> bytes:
        """The bytes to send for the JSON value *value*.

        *text* is the JSON as written, to name the line of a field the protobuf message
        type does not have. Raises :class:`CodecError` in words.
        """
        try:
            raw = self._encode(value, text)
        except CodecError as e:
            raise CodecError(f"{self.name}: {e}") from None
        except RecursionError:
            raise CodecError(f"{self.name}: nested too deeply") from None
        except Exception as e:
            raise CodecError(f"{self.name}: {_words(e)}") from None
        return base64.b64encode(raw) if self.base64 else raw

    def _encode(self, value: Any, text: str | None) -> bytes:
        kind = self.kind
        if kind == "protobuf":
            return _pb_encode(self._cls, self.type_name or "", value, text)
        if kind == "msgpack":
            import msgpack

            return msgpack.packb(value, use_bin_type=True)
        if kind == "cbor":
            import cbor2

            return cbor2.dumps(value)
        compact = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        if kind == "gzip+json":
            return gzip.compress(compact, mtime=0)
        if kind == "deflate+json":
            return zlib.compress(compact)
        return compact


def _words(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text[:300]


def _json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CodecError(f"the JSON is not UTF-8 text (byte {e.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise CodecError(f"not JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None


def _inflate(raw: bytes, wbits: int, what: str) -> bytes:
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(raw, MAX_INFLATED)
    except zlib.error as e:
        raise CodecError(f"not {what} data ({e})") from None
    if d.unconsumed_tail:
        raise CodecError(f"the {what} data inflates to more than {MAX_INFLATED // (1 << 20)} MiB")
    if not d.eof:
        raise CodecError(f"the {what} data is cut short")
    return out


def _pb_decode(cls: Any, raw: bytes) -> Any:
    from google.protobuf import json_format

    msg = cls()
    try:
        msg.ParseFromString(raw)
    except Exception as e:
        raise CodecError(f"not a {cls.DESCRIPTOR.full_name} ({_words(e)})") from None
    unknown = _unknown_numbers(msg)
    if unknown:
        raise CodecError(
            f"field numbers {', '.join(map(str, unknown))} are not in {cls.DESCRIPTOR.full_name}"
            " (is it the right message type, or the schema out of date?)"
        )
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def _pb_encode(cls: Any, type_name: str, value: Any, text: str | None) -> bytes:
    from google.protobuf import json_format

    try:
        msg = json_format.ParseDict(value, cls(), ignore_unknown_fields=False)
    except json_format.ParseError as e:
        words = str(e)
        m = re.search(r'has no field named "([^"]+)"', words)
        if m:
            at = _line_of(text, m.group(1))
            raise CodecError(f"{type_name} has no field {m.group(1)!r}{at}") from None
        raise CodecError(words) from None
    return msg.SerializeToString()


def _unknown_numbers(msg: Any) -> list[int]:
    """The numbers of the top-level fields *msg* read that its type does not have."""
    try:
        from google.protobuf import unknown_fields

        return sorted({f.field_number for f in unknown_fields.UnknownFieldSet(msg)})
    except (ImportError, AttributeError, TypeError):
        return []


def _line_of(text: str | None, key: str) -> str:
    if not text:
        return ""
    i = text.find(json.dumps(key))
    return "" if i < 0 else f" (line {text.count(chr(10), 0, i) + 1} of the message)"


_PROTO = re.compile(
    r"^protobuf\s+(?P<path>[^#]+?)\s*#\s*(?P<type>[A-Za-z_][\w.]*)\s*$", re.IGNORECASE
)


def parse_codec(text: str, root: Path | None = None) -> Codec:
    """The :class:`Codec` a ``decode`` or ``encode`` row declares.

    *root* is the folder a protobuf PATH is relative to (the project root). A schema
    is compiled now. Raises :class:`CodecError` naming what cannot work.
    """
    spec = " ".join(text.split())
    rest, b64 = spec, False
    if rest.lower().startswith("base64+"):
        rest, b64 = rest[7:].strip(), True
    low = rest.lower()
    if low in KINDS and low != "protobuf":
        return Codec(("base64+" if b64 else "") + low, low, b64)
    if low.startswith("protobuf"):
        m = _PROTO.match(rest)
        if not m:
            raise CodecError(f"expected 'protobuf PATH#package.Message', got {text.strip()!r}")
        path = Path(m.group("path")).expanduser()
        if not path.is_absolute() and root is not None:
            path = root / path
        try:
            cls = message_class(path, m.group("type"))
        except SchemaError as e:
            raise CodecError(str(e)) from None
        return Codec(
            ("base64+" if b64 else "") + f"protobuf {m.group('path')}#{m.group('type')}",
            "protobuf",
            b64,
            path,
            m.group("type"),
            cls,
        )
    forms = ", ".join(["protobuf PATH#package.Message"] + [k for k in KINDS if k != "protobuf"])
    raise CodecError(f"unknown codec {text.strip()!r}; expected {forms}, or base64+ one of these")
