"""Resolving the state items of a request: captures, rules, timers and late templates.

:mod:`wsblock.conversation.resolve` builds a request; this module is its part for
section 3 "State" of the format: ``runtime-variables`` rows become
:class:`~wsblock.conversation.request.Capture`, ``socket-on`` a
:class:`~wsblock.conversation.request.Rule`, ``socket-every`` a
:class:`~wsblock.conversation.request.Timer`. What can be known before connecting is
checked here (``check`` exits 2 naming the file and line): a capture's name, a path
that is not a path, a ``$res`` where none exists, an interval that can never resolve.

Variables are filled *early* (now) except the late ones, kept for
:mod:`wsblock.conversation.state`: ``{{process.NAME}}`` that the run captures, and
``{{$res.…}}`` / ``{{$req.…}}`` where the place has such a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from wsblock.conversation.errors import ResolveError
from wsblock.conversation.paths import LATE, late_names, path_problem, placeholder
from wsblock.conversation.request import Capture, Rule, Timer
from wsblock.document.views import SocketEvery, SocketOn

__all__ = [
    "LATE",
    "captures",
    "interval_seconds",
    "late_names",
    "placeholder",
    "rule",
    "substitute_early",
    "timer",
]

_NAME = re.compile(r"[A-Za-z_][\w\-]*")
_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*", re.IGNORECASE)

#: The first key of a ``$res`` / ``$req`` path, by where the capture stands.
_FIRST_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "handshake": {"$res": ("status", "statusText", "headers"), "$req": ("url", "headers")},
    "message": {
        "$res": ("body", "type", "size"),
        "$req": ("body", "type", "size", "name"),
    },
    "rule": {"$res": ("body", "type", "size")},
}


def substitute_early(
    text: str,
    sub: Callable[[str], str],
    captured: frozenset[str],
    roots: tuple[str, ...],
    place: str,
    used: set[str],
) -> tuple[str, bool]:
    """``text`` with every variable filled by ``sub`` but the late templates, and
    whether one was kept. ``{{process.NAME}}`` is late when the run captures NAME;
    ``{{$res.…}}`` / ``{{$req.…}}`` when ``roots`` names it, else an error."""
    if "{{" not in text:
        return text, False
    out: list[str] = []
    pos = 0
    late = False
    for m in LATE.finditer(text):
        out.append(sub(text[pos : m.start()]))
        root, path = m.group(1), (m.group(2) or "").strip()
        if root == "process":
            if path in captured:
                late = True
                used.add(path)
                out.append(m.group(0))
            else:
                out.append(sub(m.group(0)))
        elif root in roots:
            problem = path_problem(path)
            if problem:
                raise ResolveError(f"{place}: {m.group(0)}: {problem}")
            late = True
            out.append(m.group(0))
        else:
            raise ResolveError(
                f"{place}: {m.group(0)} has no message to read here"
                + (f" (here: {', '.join(roots)})" if roots else "")
            )
        pos = m.end()
    out.append(sub(text[pos:]))
    return "".join(out), late


def captures(b: Any, rows: Iterable[tuple[int, str, str]], place: str, kind: str) -> list[Capture]:
    """The rows ``(n, NAME, template)`` as captures; ``kind`` is where they stand
    (``handshake``, ``message`` after an expectation, ``rule``)."""
    first_keys = _FIRST_KEYS[kind]
    out = []
    for n, name, template in rows:
        at = f"{place} row {n}"
        if not _NAME.fullmatch(name):
            raise ResolveError(f"{at}: {name!r} is not a variable name (letters, digits, _ and -)")
        if not template:
            raise ResolveError(f"{at}: {name} has no template (e.g. {{{{$res.body.id}}}})")
        for m in LATE.finditer(template):
            root, path = m.group(1), (m.group(2) or "").strip()
            if root == "process":
                continue
            if root not in first_keys:
                raise ResolveError(f"{at}: {m.group(0)}: there is no {root} here")
            problem = path_problem(path) if path else f"{root} needs a path"
            if problem:
                raise ResolveError(f"{at}: {m.group(0)}: {problem}")
            head = re.split(r"[.\[]", path, maxsplit=1)[0]
            if head not in first_keys[root]:
                raise ResolveError(
                    f"{at}: {m.group(0)}: {root} has {', '.join(first_keys[root])}, not {head!r}"
                )
        rest = LATE.sub("", template)
        if "$res" in rest or "$req" in rest:
            raise ResolveError(
                f"{at}: {template!r} is not a capture template: write {{{{$res.PATH}}}} "
                "or {{$req.PATH}} with a path of dot-separated keys and key[i]"
            )
        value, _ = b.sub_late(template, at, tuple(first_keys))
        out.append(Capture(name, value, at))
    return out


def rule(
    b: Any,
    item: SocketOn,
    place: str,
    checks: Callable[..., Any],
    message: Callable[..., Any],
    block: Any,
) -> Rule:
    """A ``socket-on`` item as a :class:`Rule`."""
    name = item.name or f"rule {item.index + 1}"
    rows = checks(b, item, block, f"socket-on {name!r} ", ())
    if not rows:
        raise ResolveError(f"{place}: the rule has no enabled condition row")
    caps = captures(b, item.captures, f"{place} runtime-variables", "rule")
    answer = item.message
    sent = None
    if answer is not None and not answer.disabled:
        sent = message(b, answer, block, item.index + 1, ("$res",), f"{place} answer", answer=True)
    if not caps and sent is None:
        raise ResolveError(f"{place}: the rule neither captures nor answers")
    return Rule(
        name,
        rows,
        tuple(caps),
        sent,
        item.uid or "",
        place,
        late=any(LATE.search(c.expected) for c in rows),
    )


def interval_seconds(text: str) -> float | None:
    """``15`` / ``2s`` -> seconds, ``500ms`` -> 0.5; None when it is not an interval > 0."""
    m = _INTERVAL.fullmatch(text)
    if m is None:
        return None
    value = float(m.group(1)) / (1000 if (m.group(2) or "").lower() == "ms" else 1)
    return value if value > 0 else None


def timer(b: Any, item: SocketEvery, place: str, message: Callable[..., Any], block: Any) -> Timer:
    """A ``socket-every`` item as a :class:`Timer` (its interval checked as far as it can be)."""
    name = item.name or f"timer {item.index + 1}"
    if not item.interval:
        raise ResolveError(f"{place}: no interval (seconds, 500ms, 2s or {{{{process.NAME}}}}ms)")
    interval, _ = b.sub_late(item.interval, f"{place} interval", ())
    if interval_seconds(LATE.sub("1", interval)) is None:
        raise ResolveError(
            f"{place}: interval {item.interval!r} can never be a time: write seconds (15), "
            "500ms, 2s, or a template such as {{process.HB}}ms"
        )
    sent = item.message
    if sent is None or sent.disabled:
        raise ResolveError(f"{place}: the timer has no socket-message to send")
    body = message(b, sent, block, item.index + 1, (), f"{place} message")
    return Timer(name, interval, body, item.uid or "", place)
