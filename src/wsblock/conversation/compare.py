"""Two conversations compared: what a server sent then, and what it sends now.

The one comparison of ``wsblock replay``, ``wsblock diff``, the mock server's matching
of a client's message, and the app: messages are compared by position (count and
order), type (text or binary), and, when both are JSON objects or arrays, structurally
(``deepdiff``), leaving out the ``--ignore`` paths. Paths are written as expectations
write fields: ``body`` is the whole message, ``body.ts`` a key, ``body.items[0]`` an
element; a ``*`` stands for any key or index (``body.items[*].ts``), and a path ignores
everything below it::

    rules = IgnoreRules.parse(["body.ts", "body.items[*].id"])   # ValueError: bad path
    differences = compare(recorded, new, rules)                  # [] when the same
    for line in describe(differences): print(line)
    same_message(a, b, rules)                                    # the mock's matching

Text that is not JSON, and binary messages, are compared whole.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

MessageType = Literal["text", "binary"]

#: What stands for a message that is not there (one side sent fewer).
MISSING = "(none)"

_TOKEN = re.compile(r"\.([^.\[\]]+)|\[([^\[\]]*)\]")


@dataclass(frozen=True, slots=True)
class Msg:
    """One message of a conversation: its type, its payload, and when (seconds from the
    start, for pacing) and which way it went (``in``: from the server)."""

    type: MessageType
    data: str | bytes
    at: float = 0.0
    dir: Literal["in", "out"] = "in"

    @property
    def text(self) -> str:
        """The payload as shown: text as is, binary as base64."""
        if isinstance(self.data, bytes):
            return "base64:" + base64.b64encode(self.data).decode("ascii")
        return self.data


@dataclass(frozen=True, slots=True)
class Difference:
    """Message ``index`` (1-based) differs at ``path``: ``recorded`` then, ``new`` now."""

    index: int
    path: str
    recorded: str
    new: str

    def as_dict(self) -> dict[str, object]:
        return {
            "message": self.index,
            "path": self.path,
            "recorded": self.recorded,
            "new": self.new,
        }


class IgnoreRules:
    """The ``--ignore`` paths, parsed: each a list of tokens (keys, indexes, globs)."""

    def __init__(self, patterns: Sequence[tuple[str, ...]] = (), texts: Sequence[str] = ()):
        self.patterns = tuple(patterns)
        self.texts = tuple(texts)

    @classmethod
    def parse(cls, paths: Iterable[str]) -> IgnoreRules:
        """Parse ``body.a.b[*].c`` paths; :class:`ValueError` names a malformed one."""
        patterns, texts = [], []
        for raw in paths:
            path = raw.strip()
            if path != "body" and not path.startswith(("body.", "body[")):
                raise ValueError(f"--ignore {raw!r}: a path starts with body (body.ts, body[0])")
            tokens: list[str] = []
            rest = path[4:]
            pos = 0
            for m in _TOKEN.finditer(rest):
                if m.start() != pos:
                    break
                tokens.append(m.group(1) if m.group(1) is not None else m.group(2).strip("'\""))
                pos = m.end()
            if pos != len(rest) or any(t == "" for t in tokens):
                raise ValueError(f"--ignore {raw!r}: not a path such as body.items[*].ts")
            patterns.append(tuple(tokens))
            texts.append(path)
        return cls(patterns, texts)

    def ignores(self, tokens: Sequence[str | int]) -> bool:
        """Whether the path ``tokens`` (from the message's root) is at or under an ignored one."""
        for pattern in self.patterns:
            if len(pattern) <= len(tokens) and all(
                fnmatchcase(str(t), p) for p, t in zip(pattern, tokens, strict=False)
            ):
                return True
        return False

    def __bool__(self) -> bool:
        return bool(self.patterns)


NO_RULES = IgnoreRules()


def path_text(tokens: Sequence[str | int]) -> str:
    """``["items", 0, "ts"]`` -> ``body.items[0].ts``."""
    out = "body"
    for t in tokens:
        if isinstance(t, int):
            out += f"[{t}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", t):
            out += f".{t}"
        else:
            out += f"[{json.dumps(t)}]"
    return out


def _json(msg: Msg) -> Any:
    """The message as a JSON object or array, else None."""
    if msg.type != "text" or not isinstance(msg.data, str):
        return None
    text = msg.data.lstrip()
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(msg.data)
    except ValueError:
        return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return repr(value)


def message_differences(
    index: int, recorded: Msg, new: Msg, rules: IgnoreRules = NO_RULES
) -> list[Difference]:
    """How ``new`` differs from ``recorded`` (message ``index``), outside ``rules``."""
    if rules.ignores(()):
        return []
    if recorded.type != new.type:
        return [Difference(index, "type", recorded.type, new.type)]
    old_json, new_json = _json(recorded), _json(new)
    if old_json is None or new_json is None:
        if recorded.data == new.data:
            return []
        if (old_json is None) != (new_json is None):
            what = "JSON" if new_json is not None else "not JSON"
            return [Difference(index, "body", _short(recorded.text), f"{what}: {_short(new.text)}")]
        return [Difference(index, "body", _short(recorded.text), _short(new.text))]
    from deepdiff import DeepDiff  # imported when a JSON message is compared

    tree = DeepDiff(old_json, new_json, view="tree", verbose_level=2)
    found: list[tuple[list[str | int], Any, Any]] = []
    for levels in tree.values():
        for level in levels:
            tokens = level.path(output_format="list")
            if not rules.ignores(tokens):
                found.append((tokens, level.t1, level.t2))
    found.sort(key=lambda f: [str(t) for t in f[0]])
    out = []
    for tokens, old, new_value in found:
        out.append(
            Difference(
                index,
                path_text(tokens),
                _present(old),
                _present(new_value),
            )
        )
    return out


def _present(value: Any) -> str:
    from deepdiff.helper import NotPresent

    return MISSING if isinstance(value, NotPresent) else _short(_show(value))


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compare(
    recorded: Sequence[Msg], new: Sequence[Msg], rules: IgnoreRules = NO_RULES
) -> list[Difference]:
    """Every difference between two conversations, message by message, in order; a
    message one side lacks is one :class:`Difference` at path ``message``."""
    out: list[Difference] = []
    for i in range(max(len(recorded), len(new))):
        if i >= len(new):
            out.append(Difference(i + 1, "message", _short(recorded[i].text), MISSING))
        elif i >= len(recorded):
            out.append(Difference(i + 1, "message", MISSING, _short(new[i].text)))
        else:
            out.extend(message_differences(i + 1, recorded[i], new[i], rules))
    return out


def same_message(a: Msg, b: Msg, rules: IgnoreRules = NO_RULES) -> bool:
    """Whether ``b`` is ``a`` (same text; JSON equal outside ``rules``): the mock's match."""
    if a.type == b.type and a.data == b.data:
        return True
    return not message_differences(1, a, b, rules)


def describe(differences: Sequence[Difference], recorded: int, new: int) -> list[str]:
    """The differences as lines for a terminal: a count first, then one line each."""
    if not differences:
        return [f"same: {new} messages from the server, as recorded"]
    lines = [
        f"different: {len(differences)} difference(s); the server sent {new} message(s), "
        f"{recorded} recorded"
    ]
    for d in differences:
        lines.append(f"  message {d.index}, {d.path}: recorded {d.recorded}, new {d.new}")
    return lines
