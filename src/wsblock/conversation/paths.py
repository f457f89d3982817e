"""Voiden's value paths and the templates that are filled while a conversation runs.

A capture or a late template names a value with ``{{$res.PATH}}``, ``{{$req.PATH}}`` or
``{{process.NAME}}``. PATH is Voiden's ``getValueByPath``: dot-separated keys,
``key[i]`` for an index, and a string that holds JSON is parsed on the way
(``$res.body.payload.id`` reads into a ``payload`` sent as a JSON string). Header names
are looked up without regard to case.

These templates are *late*: they are left in place when a request is resolved
(:mod:`wsblock.conversation.resolve`) and filled when a message is sent or a message is
judged (:mod:`wsblock.conversation.state`), from the values captured so far.

* :func:`value_at` -- follow a PATH into a value;
* :func:`path_problem` -- why a PATH is not one (``check`` says it, exit 2);
* :func:`render` -- fill a template; :func:`render_value` -- a whole-cell template's
  value as itself (a number stays a number);
* :func:`late_names` / :func:`is_late` -- which ``{{…}}`` are filled late.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from wsblock.conversation.checks import MISSING, stringify

__all__ = [
    "LATE",
    "MISSING",
    "Unfilled",
    "is_late",
    "late_names",
    "path_problem",
    "render",
    "render_value",
    "text_form",
    "value_at",
]

#: A late template: ``{{$res.…}}``, ``{{$req.…}}`` or ``{{process.NAME}}``.
LATE = re.compile(r"\{\{\s*(\$res|\$req|process)(?:\.([^}]*?))?\s*\}\}")

_SEGMENT = re.compile(r"([^.\[\]\s]+)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")


class Unfilled(ValueError):
    """A late template names a value that is not there (not captured, not found)."""


def _segments(path: str) -> list[str | int] | None:
    """``a.b[0].c`` -> ``["a", "b", 0, "c"]``; None when it is not a path."""
    if not path or path != path.strip():
        return None
    out: list[str | int] = []
    for part in path.split("."):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            return None
        out.append(m.group(1))
        out.extend(int(i) for i in _INDEX.findall(m.group(2)))
    return out


def path_problem(path: str) -> str | None:
    """Why ``path`` is not a PATH (empty, ``a..b``, ``a[x]``...), or None."""
    if _segments(path) is None:
        return f"{path!r} is not a path (dot-separated keys, key[i] for an index)"
    return None


def _parsed(value: Any) -> Any:
    if isinstance(value, str):
        s = value.lstrip()
        if s[:1] in ("{", "["):
            try:
                return json.loads(value)
            except (ValueError, RecursionError):
                return value
    return value


def value_at(root: Any, path: str) -> Any:
    """The value at ``path`` in ``root`` (Voiden's getValueByPath), :data:`MISSING` if none.

    A string met on the way that holds a JSON object or array is parsed; mapping keys
    that are not found exactly are looked up without regard to case (header names).
    """
    parts = _segments(path)
    if parts is None:
        return MISSING
    value = root
    for key in parts:
        value = _parsed(value)
        if isinstance(key, int) or (isinstance(value, list) and key.isdigit()):
            i = int(key)
            if not isinstance(value, list) or i >= len(value):
                return MISSING
            value = value[i]
        elif isinstance(value, Mapping):
            if key in value:
                value = value[key]
            else:
                low = key.lower()
                hit = next((k for k in value if isinstance(k, str) and k.lower() == low), None)
                if hit is None:
                    return MISSING
                value = value[hit]
        else:
            return MISSING
    return value


def text_form(value: Any) -> str:
    """A value written into text: a string as it is, anything else as compact JSON."""
    return value if isinstance(value, str) else stringify(value)


def is_late(expr: str) -> bool:
    """True for the inside of a ``{{…}}`` that is filled late (``$res.x``, ``process.X``)."""
    e = expr.strip()
    return e.startswith(("$res.", "$req.", "process.")) or e in ("$res", "$req")


def late_names(text: str) -> set[str]:
    """The NAMEs of the ``{{process.NAME}}`` in ``text``."""
    return {m.group(2).strip() for m in LATE.finditer(text) if m.group(1) == "process"}


Lookup = Callable[[str, str], Any]
"""``lookup(root, path)``: ``root`` is ``$res``, ``$req`` or ``process``."""


def _value(m: re.Match[str], lookup: Lookup) -> Any:
    root, path = m.group(1), (m.group(2) or "").strip()
    value = lookup(root, path)
    if value is MISSING:
        what = f"{{{{{root}.{path}}}}}" if path else f"{{{{{root}}}}}"
        if root == "process":
            raise Unfilled(f"{what} is not captured (yet)")
        raise Unfilled(f"{what} is not found")
    return value


def render_value(template: str, lookup: Lookup) -> Any:
    """A template's value: itself when the template is one ``{{…}}`` alone (a number
    stays a number), else the text with every ``{{…}}`` filled. Raises :class:`Unfilled`."""
    m = LATE.fullmatch(template.strip())
    if m is not None:
        return _value(m, lookup)
    return render(template, lookup)


def render(
    template: str, lookup: Lookup, *, json_text: bool = False, keep_missing: bool = False
) -> str:
    """``template`` with every late ``{{…}}`` filled. Raises :class:`Unfilled`.

    With ``json_text`` (a ``json`` message), a template inside a JSON string is filled
    with the value escaped for that string; one that stands as a value is filled with
    the value as JSON: ``"d": {{process.SEQ}}`` gives ``"d": 17``, a string gives a
    quoted string. Elsewhere a value is written as its text (:func:`text_form`).
    With ``keep_missing``, a template whose value is not there is left as it is (for
    another resolver to fill or to name), instead of raising.
    """
    if "{{" not in template:
        return template
    if keep_missing:
        kept = lookup

        def lookup(root: str, path: str) -> Any:
            value = kept(root, path)
            return _Kept if value is MISSING else value

    if not json_text:
        return LATE.sub(
            lambda m: m.group(0) if (v := _value(m, lookup)) is _Kept else text_form(v),
            template,
        )
    out: list[str] = []
    pos = 0
    for m in LATE.finditer(template):
        out.append(template[pos : m.start()])
        value = _value(m, lookup)
        if value is _Kept:
            out.append(m.group(0))
            pos = m.end()
            continue
        if _in_string(template, m.start()):
            out.append(json.dumps(text_form(value), ensure_ascii=False)[1:-1])
        else:
            out.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        pos = m.end()
    out.append(template[pos:])
    return "".join(out)


_Kept = object()  # render(keep_missing=True): a template left as it is


def _in_string(text: str, at: int) -> bool:
    """Whether position ``at`` of a JSON text (with templates) is inside a string."""
    inside = False
    i = 0
    while i < at:
        c = text[i]
        if inside and c == "\\":
            i += 2
            continue
        if c == '"':
            inside = not inside
        elif not inside and c == "{" and text.startswith("{{", i):
            end = text.find("}}", i)
            if end != -1 and end < at:
                i = end + 2
                continue
        i += 1
    return inside


def placeholder(text: str) -> str:
    """``text`` with every late template as ``0``: what ``check`` validates a JSON or XML
    message with before the values exist."""
    return LATE.sub("0", text)


def roots_in(texts: Iterable[str]) -> set[str]:
    """Which roots (``$res``, ``$req``, ``process``) the templates of ``texts`` use."""
    return {m.group(1) for t in texts for m in LATE.finditer(t)}
