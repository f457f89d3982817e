"""Binary feeds made readable: the ``decode`` and ``encode`` rows of ``socket-options``.

A pure package (no I/O but reading a ``.proto``): :func:`parse_codec` reads a
declaration, :class:`Codec` decodes received bytes into a JSON value and encodes a
JSON value into bytes; :func:`decoded_fields` is what the front ends write beside
``data_b64`` (``"decoded"``, or ``"decode_error"`` in words when it cannot be read).
"""

from __future__ import annotations

from typing import Any

from wsblock.codecs.codec import KINDS, Codec, CodecError, parse_codec
from wsblock.codecs.proto import SchemaError
from wsblock.codecs.show import (
    codec_for,
    decoded_for,
    decoded_line,
    encoded_message,
    with_decoded,
)
from wsblock.conversation.prechecks import register_fields

# An expectation may name the decoder that read the message (``decoded equals protobuf``).
register_fields("expect", names=("decoded",))

__all__ = [
    "KINDS",
    "Codec",
    "CodecError",
    "SchemaError",
    "codec_for",
    "decoded_fields",
    "decoded_for",
    "decoded_line",
    "encoded_message",
    "parse_codec",
    "with_decoded",
]


def decoded_fields(codec: Codec | None, data: Any) -> dict[str, Any]:
    """``{"decoded": value}``, ``{"decode_error": words}``, or ``{}`` with no codec.

    A message that cannot be decoded is never dropped: its caller keeps the raw data
    and shows this error beside it.
    """
    if codec is None or data is None:
        return {}
    try:
        return {"decoded": codec.decode(data)}
    except CodecError as e:
        return {"decode_error": str(e)}
