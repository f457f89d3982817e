"""The decoded value beside the raw message, for every front end (small hooks call these).

* :func:`decoded_for` -- the ``"decoded"`` (or ``"decode_error"``) fields of an event's
  record (``run --json``, ``connect --json``);
* :func:`with_decoded` -- the same for records read back from a journal: decoding
  happens on read, so a wrong declaration can be fixed and the session re-read;
* :func:`decoded_line` -- one line of text for a log: ``pb {"symbol":"BTC"}``, or the
  marker with ``!`` and the error in words when the message cannot be decoded.

Received messages are read with the ``decode`` codec, sent binary messages with the
``encode`` codec (what it made, read back). A message that cannot be decoded keeps its
raw data; the error is added beside it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from wsblock.codecs.codec import Codec, CodecError

__all__ = ["codec_for", "decoded_for", "decoded_line", "encoded_message", "with_decoded"]


def codec_for(options: Any, kind: str | None, data: Any) -> Codec | None:
    """The codec that reads a message: ``decode`` for received, ``encode`` for sent bytes."""
    if options is None or data is None:
        return None
    if kind == "received":
        return getattr(options, "decode", None)
    if kind == "sent" and isinstance(data, bytes | bytearray | memoryview):
        return getattr(options, "encode", None)
    return None


def _fields(codec: Codec | None, data: Any) -> dict[str, Any]:
    if codec is None:
        return {}
    try:
        return {"decoded": codec.decode(data)}
    except CodecError as e:
        return {"decode_error": str(e)}


def decoded_for(options: Any, event: Any, masker: Any = None) -> dict[str, Any]:
    """``{"decoded": ...}`` / ``{"decode_error": ...}`` for an engine event, or ``{}``."""
    data = getattr(event, "data", None)
    out = _fields(codec_for(options, getattr(event, "kind", None), data), data)
    return masker.mask_any(out) if masker and out else out


def with_decoded(
    records: Iterable[Mapping[str, Any]], decode: Codec | None, encode: Codec | None = None
) -> Iterator[dict[str, Any]]:
    """Journal records with ``decoded`` (or ``decode_error``) added to each message."""
    for record in records:
        out = dict(record)
        kind = out.get("event")
        codec = decode if kind == "received" else encode if kind == "sent" else None
        if codec is not None:
            if "data_b64" in out:
                try:
                    data: Any = base64.b64decode(out["data_b64"], validate=True)
                except (binascii.Error, ValueError, TypeError):
                    data = None
            else:
                data = out.get("data") if kind == "received" else None
            if data is not None:
                out.update(_fields(codec, data))
        yield out


def decoded_line(codec: Codec | None, data: Any) -> tuple[str, str] | None:
    """``("pb", '{"symbol":"BTC"}')`` for a log line, ``("pb!", error)``, or None."""
    if codec is None or data is None:
        return None
    try:
        value = codec.decode(data)
    except CodecError as e:
        return codec.marker + "!", str(e)
    return codec.marker, json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encoded_message(message: Any, codec: Codec | None) -> Any:
    """A ``json`` message (a :class:`wsblock.request.Message`) as ``encode`` sends it.

    The result is a binary message of the encoded bytes, keeping the JSON as written in
    ``written``; other messages are returned as they are. Raises :class:`CodecError`
    (invalid JSON, a field the protobuf message type does not have, with its line).
    """
    import dataclasses

    if codec is None or message.format != "json" or not isinstance(message.data, str):
        return message
    try:
        value = json.loads(message.data)
    except ValueError as e:
        raise CodecError(f"not JSON: {e}") from None
    data = codec.encode(value, message.data)
    return dataclasses.replace(message, format="binary", data=data, written=message.data)
