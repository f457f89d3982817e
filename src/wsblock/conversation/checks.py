"""Checks on messages: validating what is sent, and the operators of expectations.

* :func:`validate` -- ``json`` must parse, ``xml`` must be well formed (through
  ``defusedxml``: no entity bombs), ``binary`` must decode; an error names the
  message, the line and the column.
* ``socket.io`` and ``graphql`` messages are checked by :mod:`.protocolchecks`.
* :data:`OPERATORS` and :func:`evaluate` -- Voiden's operators with their aliases
  (``void-format.md`` section 4), and :func:`lookup` for ``body.a.b[0].c`` paths.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wsblock.conversation.protocolchecks import graphql_error, socketio_error

__all__ = [
    "MATCH_TIMEOUT",
    "MISSING",
    "MatchTimeout",
    "MessageError",
    "OPERATORS",
    "Outcome",
    "canonical_operator",
    "decode_binary",
    "evaluate",
    "lookup",
    "pretty",
    "stringify",
    "validate",
]


class MessageError(ValueError):
    """A message does not parse in its format; ``line``/``column`` are 1-based."""

    def __init__(self, text: str, line: int | None = None, column: int | None = None):
        super().__init__(text)
        self.line = line
        self.column = column


def _json_error(content: str) -> MessageError | None:
    try:
        json.loads(content)
    except json.JSONDecodeError as e:
        return MessageError(f"invalid JSON: {e.msg}", e.lineno, e.colno)
    except RecursionError:
        return MessageError("invalid JSON: nested too deeply")
    return None


def _xml_error(content: str) -> MessageError | None:
    """The first error of *content* as XML, as ``defusedxml.ElementTree.fromstring`` says it.

    Read by expat as ElementTree reads it (namespaces on, a ``str`` as UTF-8), with
    defusedxml's rules: a DTD may be there, an entity declared in it or an external
    reference is refused. No tree is built, and neither ElementTree nor defusedxml's
    ElementTree is imported (a fifth of ``check``'s imports for a file with an XML
    message). The tests hold it to ``defusedxml.ElementTree.fromstring`` on the same input.
    """
    import xml.parsers.expat  # here: only a file with an XML message needs the XML parser

    from defusedxml.common import (
        DefusedXmlException,
        EntitiesForbidden,
        ExternalReferenceForbidden,
    )

    parser = xml.parsers.expat.ParserCreate(None, "}")

    def entity_declared(name: str, _param: bool, value: Any, base: Any, *ids: Any) -> None:
        raise EntitiesForbidden(name, value, base, *ids)

    def unparsed_entity(name: str, base: Any, *ids: Any) -> None:
        raise EntitiesForbidden(name, None, base, *ids)

    def external(context: Any, base: Any, sysid: Any, pubid: Any) -> int:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    def skipped(name: str, is_parameter_entity: bool) -> None:
        # With a DTD, expat skips an undeclared entity; ElementTree stops there
        if not is_parameter_entity:
            line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber
            raise _UndefinedEntity(f"malformed XML: undefined entity &{name};", line, column + 1)

    parser.EntityDeclHandler = entity_declared
    parser.UnparsedEntityDeclHandler = unparsed_entity
    parser.ExternalEntityRefHandler = external
    parser.SkippedEntityHandler = skipped
    try:
        parser.Parse(content, True)
    except xml.parsers.expat.ExpatError as e:
        message = xml.parsers.expat.ErrorString(e.code)
        return MessageError(f"malformed XML: {message}", e.lineno, e.offset + 1)
    except DefusedXmlException as e:
        return MessageError(f"XML refused: {e}")
    except _UndefinedEntity as e:
        return e
    return None


class _UndefinedEntity(MessageError):
    """An entity used and never declared, in a document with a DTD (expat skips it)."""


def decode_binary(content: str, encoding: str = "base64") -> bytes:
    """Decode a ``binary`` message's text (base64, or hex where ``encoding: hex``)."""
    text = "".join(content.split())
    if encoding == "hex":
        try:
            return bytes.fromhex(text)
        except ValueError as e:
            raise MessageError(f"invalid hex: {e}") from None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise MessageError(f"invalid base64: {e}") from None


def validate(fmt: str, content: str, encoding: str = "base64") -> MessageError | None:
    """The first error in *content* as *fmt*, or ``None`` if it is fine to send."""
    if fmt == "json":
        return _json_error(content)
    if fmt == "xml":
        return _xml_error(content)
    if fmt == "binary":
        try:
            decode_binary(content, encoding)
        except MessageError as e:
            return e
        return None
    if fmt == "text":
        return None
    if fmt == "socket.io":
        problem = socketio_error(content)
        return None if problem is None else MessageError(*problem)
    if fmt == "graphql":
        problem = graphql_error(content)
        return None if problem is None else MessageError(*problem)
    return MessageError(
        f"unknown format {fmt!r} (expected text, json, xml, binary, socket.io or graphql)"
    )


def pretty(fmt: str, content: str) -> str:
    """Pretty-print JSON (2 spaces) or XML; other formats, or bad input, unchanged."""
    if fmt == "json":
        try:
            return json.dumps(json.loads(content), indent=2, ensure_ascii=False)
        except (ValueError, RecursionError):
            return content
    if fmt == "xml":
        try:
            import xml.dom.minidom

            if _xml_error(content) is not None:  # no entity bombs for minidom
                return content
            out = xml.dom.minidom.parseString(content).toprettyxml(indent="  ")
            lines = [ln for ln in out.splitlines() if ln.strip()]
            if not content.lstrip().startswith("<?xml"):
                lines = lines[1:]
            return "\n".join(lines)
        except Exception:  # noqa: BLE001 - leave anything unparseable as it is
            return content
    return content


# --- expectations and assertions -------------------------------------------------

MISSING: Any = object()


def stringify(value: Any) -> str:
    """A value's string form as Voiden compares it (``true``, ``3``, compact JSON)."""
    if value is MISSING or value is None:
        return "" if value is MISSING else "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is MISSING or value is None:
        return None
    try:
        n = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(n) else n


def _compare(op: Callable[[float, float], bool]) -> Callable[[Any, str], bool]:
    def check(actual: Any, expected: str) -> bool:
        a, e = _number(actual), _number(expected)
        return a is not None and e is not None and op(a, e)

    return check


def _empty(actual: Any) -> bool:
    return actual is MISSING or actual is None or actual in ("", [], {})


def _typeof(actual: Any) -> str:
    if actual is MISSING:
        return "undefined"
    if actual is None:
        return "null"
    if isinstance(actual, bool):
        return "boolean"
    if isinstance(actual, (int, float)):
        return "number"
    if isinstance(actual, list):
        return "array"
    if isinstance(actual, dict):
        return "object"
    return "string"


#: How long one ``matches`` may run (seconds) before the row fails: a backtracking
#: pattern (``^(a+)+$``) must not freeze the run, its timeouts or Ctrl-C.
MATCH_TIMEOUT = 0.5


class MatchTimeout(Exception):
    """A ``matches`` pattern ran out of time; the row fails with this reason."""


def _matches(actual: Any, expected: str) -> bool:
    import regex

    try:
        return regex.search(expected, stringify(actual), timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        raise MatchTimeout(
            f"the pattern took longer than {MATCH_TIMEOUT:g} s (catastrophic backtracking?)"
        ) from None
    except (regex.error, RecursionError, OverflowError, ValueError):
        return False  # checked before connecting (resolve): not reached for a file's rows


_OPS: dict[str, tuple[tuple[str, ...], Callable[[Any, str], bool]]] = {
    "equals": (("eq", "==", "==="), lambda a, e: a is not MISSING and stringify(a) == e),
    "notEquals": (("not-equals", "ne", "!=", "!=="), lambda a, e: stringify(a) != e),
    "contains": (("includes",), lambda a, e: a is not MISSING and e in stringify(a)),
    "notContains": (("not-contains", "not-includes"), lambda a, e: e not in stringify(a)),
    "starts-with": (
        ("startswith", "startsWith"),
        lambda a, e: a is not MISSING and stringify(a).startswith(e),
    ),
    "ends-with": (
        ("endswith", "endsWith"),
        lambda a, e: a is not MISSING and stringify(a).endswith(e),
    ),
    "matches": (("regex",), lambda a, e: a is not MISSING and _matches(a, e)),
    "exists": (("is-defined", "isNotNull"), lambda a, e: a is not MISSING),
    "notExists": (
        ("not-exists", "is-null", "is-undefined", "isNull"),
        lambda a, e: a is MISSING or a is None,
    ),
    "greaterThan": (("greater-than", "gt", ">"), _compare(lambda a, e: a > e)),
    "lessThan": (("less-than", "lt", "<"), _compare(lambda a, e: a < e)),
    "greater-equal": (("gte", ">="), _compare(lambda a, e: a >= e)),
    "less-equal": (("lte", "<="), _compare(lambda a, e: a <= e)),
    "is-empty": (("empty", "isEmpty"), lambda a, e: _empty(a)),
    "not-empty": (("isNotEmpty",), lambda a, e: not _empty(a)),
    "is-truthy": (
        ("truthy",),
        lambda a, e: a is not MISSING and bool(a) and a not in ("false", "0"),
    ),
    "is-falsy": (("falsy",), lambda a, e: a is MISSING or not a or a in ("false", "0")),
    "type-is": (("typeof",), lambda a, e: _typeof(a) == e.strip().lower()),
}

#: Every operator name and alias -> its canonical name.
OPERATORS: dict[str, str] = {}
for _name, (_aliases, _fn) in _OPS.items():
    for _alias in (_name, *_aliases):
        OPERATORS[_alias] = _name
        OPERATORS[_alias.lower()] = _name


#: Voiden's assertion field names (its ``simple-assertions`` plugin) -> ours.
FIELD_ALIASES: dict[str, str] = {"statusCode": "status", "status.code": "status"}


def canonical_field(name: str) -> str:
    """An assertion field as this project names it: Voiden's ``header.X`` is ``headers.X``,
    ``statusCode`` is ``status``; ``responseTime`` (handshake time, ms) is kept."""
    name = name.strip()
    if name.lower().startswith("header."):
        return "headers." + name[7:]
    return FIELD_ALIASES.get(name, name)


def canonical_operator(name: str) -> str | None:
    """The canonical name of an operator or alias, or ``None`` if unknown."""
    key = name.strip()
    return OPERATORS.get(key) or OPERATORS.get(key.lower())


@dataclass(frozen=True)
class Outcome:
    ok: bool
    actual: Any
    #: Why the row could not be judged (a ``matches`` that timed out), or None.
    reason: str | None = None

    @property
    def shown(self) -> str:
        return "(absent)" if self.actual is MISSING else stringify(self.actual)


def evaluate(operator: str, actual: Any, expected: str) -> Outcome:
    """Apply a canonical *operator*; *actual* is :data:`MISSING` when the field is absent."""
    try:
        return Outcome(_OPS[operator][1](actual, expected), actual)
    except MatchTimeout as e:
        return Outcome(False, actual, str(e))


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def lookup(value: Any, path: str) -> Any:
    """Follow ``a.b[0].c`` into parsed JSON; :data:`MISSING` where it leads nowhere."""
    for m in _PATH_PART.finditer(path):
        key, index = m.groups()
        if index is not None or (key is not None and key.isdigit() and isinstance(value, list)):
            i = int(index if index is not None else key)
            if not isinstance(value, list) or i >= len(value):
                return MISSING
            value = value[i]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return MISSING
    return value
