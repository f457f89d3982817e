"""The one YAML reader of the project: bounded, and YAML 1.2 (core schema) as Voiden reads it.

Every YAML wsblock reads -- a block's body, a file's front matter, a ``.voiden``
environment file -- goes through :func:`read_yaml`. It reads as Voiden's ``yaml@2.7.0``
does with its defaults (the YAML 1.2 core schema): ``on``, ``yes``, ``1:30`` and
``2025-04-01`` stay strings, ``010`` and ``0123`` are the decimal numbers 10 and 123,
``0o17`` is octal, ``0x1F`` hexadecimal, ``<<`` is a plain key, and a duplicate key is
an error.

Hostile input is refused with :class:`YamlError`, never a hang or a crash:

* a text longer than :data:`MAX_CHARS` characters;
* nesting deeper than :data:`MAX_DEPTH` levels;
* aliases that would expand the document by more than :data:`MAX_ALIAS_NODES` nodes
  (a "billion laughs" bomb), or an alias inside its own anchor;
* an explicit tag outside the core schema (``!!binary``, ``!!set``, ``!!timestamp``,
  ``!!python/...``, local ``!tags``): Voiden does not give them a meaning.

The check runs on PyYAML's event stream (iterative, linear in the text) before any
node is built.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: The characters PyYAML's reader refuses, as ``yaml.reader.Reader.NON_PRINTABLE``
#: writes them: a negated class reaching to U+10FFFF, which ``re`` takes about 10 ms
#: (a quarter of ``import yaml``) to compile at import, while the positive class of the
#: same characters, all in the BMP, takes 1 ms. The tests check both on every code point.
PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
NON_PRINTABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


def _import_yaml() -> None:
    """Import PyYAML with its reader's pattern compiled from :data:`NON_PRINTABLE`.

    ``re.compile`` is swapped only while ``yaml`` imports, and only that one pattern is
    changed (for another one, same characters). PyYAML imported before wsblock keeps
    its own.
    """
    compile_ = re.compile

    def compile_cheaply(pattern: Any, flags: Any = 0) -> re.Pattern[Any]:
        return compile_(NON_PRINTABLE if pattern == PYYAML_NON_PRINTABLE else pattern, flags)

    re.compile = compile_cheaply
    try:
        import yaml  # noqa: F401
    finally:
        re.compile = compile_


_import_yaml()

import yaml  # noqa: E402
import yaml.constructor  # noqa: E402
import yaml.resolver  # noqa: E402

__all__ = ["MAX_ALIAS_NODES", "MAX_CHARS", "MAX_DEPTH", "YamlError", "read_yaml"]

#: The longest YAML text read (characters): 16 Mi.
MAX_CHARS = 16 * 1024 * 1024
#: The deepest nesting of mappings and sequences.
MAX_DEPTH = 100
#: How many nodes aliases may add to a document beyond those written out.
MAX_ALIAS_NODES = 100_000

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
) | {"!"}


class YamlError(ValueError):
    """YAML that cannot be read. ``line`` and ``column`` are 0-based in the text given."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        self.problem = problem
        self.line = line
        self.column = column
        super().__init__(problem)


_CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_CORE_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
)


class _CoreResolver(yaml.resolver.BaseResolver):
    """Implicit types of the YAML 1.2 core schema, and nothing else."""

    yaml_implicit_resolvers: dict[str, Any] = {}


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:null", _CORE_NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", _CORE_BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", _CORE_INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _CORE_FLOAT, list("-+.0123456789")),
):
    _CoreResolver.add_implicit_resolver(_tag, _regexp, _first)


class _CoreConstructor(yaml.constructor.SafeConstructor):
    """Numbers as YAML 1.2 reads them; duplicate keys refused."""

    def construct_yaml_int(self, node: yaml.Node) -> int | float:  # type: ignore[override]
        value = str(self.construct_scalar(node))  # type: ignore[arg-type]
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        number = int(value)
        if number == 0 and value.startswith("-"):
            return -0.0  # JavaScript's -0, which is how Voiden writes it
        return number

    def construct_yaml_float(self, node: yaml.Node) -> float:
        value = str(self.construct_scalar(node)).lower()  # type: ignore[arg-type]
        if value.endswith(".nan"):
            return math.nan
        if value.endswith(".inf"):
            return -math.inf if value.startswith("-") else math.inf
        return float(value)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue  # an unhashable key: SafeConstructor says so
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type,return-value]


_CoreConstructor.add_constructor("tag:yaml.org,2002:int", _CoreConstructor.construct_yaml_int)  # type: ignore[type-var]
_CoreConstructor.add_constructor("tag:yaml.org,2002:float", _CoreConstructor.construct_yaml_float)  # type: ignore[type-var]


class _PyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _CoreConstructor,
    _CoreResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreConstructor.__init__(self)
        _CoreResolver.__init__(self)


_Loader: type = _PyLoader
if getattr(yaml, "__with_libyaml__", False):  # the C parser, same resolver and constructor

    class _CLoader(yaml.cyaml.CParser, _CoreConstructor, _CoreResolver):  # type: ignore[misc,name-defined]
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            _CoreConstructor.__init__(self)
            _CoreResolver.__init__(self)

    _Loader = _CLoader


def read_yaml(text: str) -> Any:
    """Parse one YAML document as YAML 1.2 (core schema), within bounds.

    :class:`YamlError` if it is not valid YAML or breaks a bound (see the module).
    libyaml is used when PyYAML has it; where libyaml refuses valid YAML that the
    pure-Python parser reads (a block scalar whose first line starts with a tab), the
    pure-Python parser gets a second chance.
    """
    if len(text) > MAX_CHARS:
        raise YamlError(
            f"the YAML is too large ({len(text):,} characters; the limit is {MAX_CHARS:,})"
        )
    found = set(_HAZARDS.findall(text))
    if not found:
        return _load_either(text)
    # DEL, C1 controls, U+2028/U+2029 are text for Voiden; PyYAML rejects the first and
    # breaks lines at the others: read them as private-use stand-ins, then put them back.
    swap: dict[str, str] = {}
    code = 0xF0000
    for c in sorted(found):
        while chr(code) in text:
            code += 1
        swap[c] = chr(code)
        code += 1
    back = {v: k for k, v in swap.items()}
    value = _load_either(_HAZARDS.sub(lambda m: swap[m.group(0)], text))
    pattern = re.compile("[" + "".join(back) + "]")
    return _restore(value, lambda t: pattern.sub(lambda m: back[m.group(0)], t))


_HAZARDS = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _restore(value: Any, fix: Any) -> Any:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, list):
        return [_restore(v, fix) for v in value]
    if isinstance(value, dict):
        return {_restore(k, fix): _restore(v, fix) for k, v in value.items()}
    return value


def _load_either(text: str) -> Any:
    try:
        return _load(text, _Loader)
    except YamlError:
        if _Loader is _PyLoader:
            raise
        try:
            return _load(text, _PyLoader)
        except YamlError:
            pass
        raise


def _load(text: str, loader: type) -> Any:
    try:
        _check_events(loader(text))
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe, core-schema loader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        if e.context and e.problem and e.context not in problem:
            problem = f"{problem} ({e.context})"
        if "nesting depth" in problem:  # the parser's own bound, met before ours
            problem = f"the YAML is nested too deeply (the limit is {MAX_DEPTH} levels)"
        line = mark.line if mark is not None else None
        column = mark.column if mark is not None else None
        raise YamlError(problem, line, column) from None
    except yaml.YAMLError as e:
        raise YamlError(str(e).strip() or "invalid YAML") from None
    except RecursionError:  # a bound above should have stopped it first
        raise YamlError(
            f"the YAML is nested too deeply (the limit is {MAX_DEPTH} levels)"
        ) from None


def _check_events(loader: Any) -> None:
    """Walk the event stream once: depth, alias expansion and tags, before anything is built."""
    sizes: dict[str, int] = {}  # anchor -> expanded node count, once its node is complete
    open_anchors: set[str] = set()
    stack: list[list[Any]] = []  # [anchor, node count] of each open collection
    added = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent):
                tag = getattr(event, "tag", None)
                if tag is not None and tag not in _CORE_TAGS:
                    shown = tag.replace("tag:yaml.org,2002:", "!!")
                    raise YamlError(
                        f"the YAML tag {shown} is not supported (only the YAML 1.2 core schema is: "
                        "strings, numbers, booleans, null, mappings and lists)",
                        *_mark(event),
                    )
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise YamlError(
                        f"the alias *{event.anchor} is inside its own anchor", *_mark(event)
                    )
                size = sizes.get(event.anchor or "", 1)
                added += size
                if added > MAX_ALIAS_NODES:
                    raise YamlError(
                        f"aliases expand the YAML too much (more than {MAX_ALIAS_NODES:,} nodes): "
                        "an alias bomb?",
                        *_mark(event),
                    )
                if stack:
                    stack[-1][1] += size
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                if stack:
                    stack[-1][1] += 1
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(
                        f"the YAML is nested too deeply (the limit is {MAX_DEPTH} levels)",
                        *_mark(event),
                    )
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                stack.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, count = stack.pop()
                if anchor is not None:
                    open_anchors.discard(anchor)
                    sizes[anchor] = count
                if stack:
                    stack[-1][1] += count
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


def _mark(event: Any) -> tuple[int | None, int | None]:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return None, None
    return mark.line, mark.column
