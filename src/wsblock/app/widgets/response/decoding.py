"""The app's hooks for binary feeds (``decode`` / ``encode`` rows, :mod:`wsblock.codecs`).

The log keeps the raw bytes; a row is decoded when it is drawn, searched or shown in
the detail (and remembered), so a message that cannot be decoded is still there, raw,
with the decoder's error beside it:

* :func:`log_line` -- ``pb {"symbol":"BTC"}`` for the log's one-line view;
* :func:`detail_text` -- the decoded tree, pretty-printed, for the detail;
* :func:`matches` -- whether the filter's pattern finds the decoded text;
* :func:`encode_json` -- what the composer sends for JSON when ``encode`` is declared.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from wsblock.codecs import Codec, decoded_line, encoded_message
from wsblock.variables.masking import Masker

__all__ = ["configure", "detail_text", "encode_json", "log_line", "matches"]

_CACHE_MAX = 4096


class LogModel(Protocol):
    """What these hooks read of the log's model (``log_model.LogModel``, which calls them)."""

    decode: Codec | None
    encode: Codec | None
    payloads: list[str | bytes | None]
    masker: Masker
    decoded: dict[int, tuple[str, str] | None]  # row -> what _decoded found (cleared with the rows)

    def kind(self, row: int) -> str: ...


def configure(model: LogModel, options: Any) -> None:
    """Read the request's ``decode`` / ``encode`` rows into *model*."""
    model.decode = getattr(options, "decode", None)
    model.encode = getattr(options, "encode", None)


def _codec(model: LogModel, row: int) -> Codec | None:
    kind = model.kind(row)
    if kind == "received":
        return model.decode
    if kind == "sent" and isinstance(model.payloads[row], bytes):
        return model.encode
    return None


def _decoded(model: LogModel, row: int) -> tuple[str, str] | None:
    """(marker, compact JSON) or (marker + "!", error), masked; None: nothing to decode."""
    codec = _codec(model, row)
    if codec is None:
        return None
    cache = model.decoded
    if row in cache:
        return cache[row]
    line = decoded_line(codec, model.payloads[row])
    if line is not None:
        line = (line[0], model.masker.mask(line[1]))
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[row] = line
    return line


def log_line(model: LogModel, row: int, width: int) -> str | None:
    """The decoded one-line JSON with its marker, or None (shown as usual)."""
    line = _decoded(model, row)
    if line is None:
        return None
    marker, text = line
    if marker.endswith("!"):  # shown raw, with the error
        return None
    out = f"{marker} {text}"
    return out if len(out) <= width else out[: max(0, width - 1)] + "…"


def detail_text(model: LogModel, row: int) -> tuple[str, str] | None:
    """(marker, the decoded tree or the decoder's error) for the detail, or None."""
    line = _decoded(model, row)
    if line is None:
        return None
    marker, text = line
    if marker.endswith("!"):
        return marker[:-1], f"✖ cannot decode: {text}"
    return marker, json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def matches(model: LogModel, row: int, search: Any) -> bool:
    """Whether the filter's ``search`` finds the decoded text of *row*."""
    line = _decoded(model, row)
    return line is not None and search(line[1]) is not None


def encode_json(model: LogModel, message: Any) -> Any:
    """The composer's message as ``encode`` sends it (JSON -> binary); CodecError in words."""
    return encoded_message(message, model.encode)
