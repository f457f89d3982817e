"""Turning what a decoder returns into plain JSON values (dict, list, str, numbers...).

MessagePack and CBOR carry more than JSON: byte strings, non-string map keys, tags,
dates, sets. Each becomes the nearest JSON value, so that expectations, filters and
``--json`` output read every decoded message the same way:

* bytes -> base64 text; map keys -> text; tuples and sets -> lists;
* a CBOR tag -> ``{"tag": N, "value": ...}``; a date -> ISO 8601 text;
* a MessagePack extension -> ``{"ext": N, "data": base64}``; anything else -> its text.
"""

from __future__ import annotations

import base64
import datetime
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = ["jsonable"]


def _key(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, (bytes, bytearray)):
        return base64.b64encode(bytes(k)).decode()
    if isinstance(k, bool) or k is None:
        return {True: "true", False: "false", None: "null"}[k]
    return str(k)


def jsonable(value: Any, depth: int = 0) -> Any:
    """*value* as JSON values; nesting deeper than 500 levels raises ValueError."""
    if depth > 500:
        raise ValueError("nested more than 500 levels deep")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {_key(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    tag = getattr(value, "tag", None)
    if tag is not None and hasattr(value, "value"):  # cbor2.CBORTag
        return {"tag": tag, "value": jsonable(value.value, depth + 1)}
    code = getattr(value, "code", None)
    if code is not None and hasattr(value, "data"):  # msgpack.ExtType
        return {"ext": code, "data": base64.b64encode(bytes(value.data)).decode()}
    if type(value).__name__ == "UndefinedType":  # cbor2.undefined
        return None
    if hasattr(value, "value") and type(value).__name__ == "CBORSimpleValue":
        return {"simple": value.value}
    return str(value)
