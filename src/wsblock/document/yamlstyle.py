"""Block YAML read and written the way Voiden does.

Voiden writes each block with ``YAML.stringify(node)`` of the npm ``yaml`` package
(eemeli/yaml v2) with its default options, and reads it back as YAML 1.2 (core
schema). This module does both in Python:

* :func:`load` parses with PyYAML, but with the YAML 1.2 core schema's resolvers
  (``yes``/``on``/``2025-04-01`` stay strings, ``010`` is ten and ``0o17`` is
  octal), and a duplicate key is an error, as it is for Voiden.
* :func:`dump` is a port of the parts of eemeli/yaml's stringifier that plain data
  reaches: block collections with sequences indented under their key, plain
  scalars where safe, otherwise double quotes (single quotes when the string holds
  a ``"`` and no ``'``), block literals (``|``, ``|-``, ``|+``) or folded scalars
  (``>``) for text with newlines, and long lines folded at width 80. Line widths
  are counted in UTF-16 code units, as JavaScript does.

Strings that only a YAML 1.1 reader would take for something else -- ``yes``,
``on``, ``y``, ``0b101``, ``1_000``, ``2025-04-01``, ``1:30``, ``<<`` -- are written
plain, as Voiden writes them (every YAML this project reads is read as YAML 1.2;
``yaml11_words=True`` quotes them for YAML 1.1 tools). One deliberate difference, on
by default (``yaml11_safe=True``): characters that YAML 1.1
reads as line breaks or rejects (U+0085, U+2028, U+2029, U+007F-U+009F, U+FFFE,
U+FFFF) are escaped in double quotes; text with a tab is quoted rather than
plain, and a few texts that eemeli/yaml itself would not read back as written
(whitespace-only lines in a block scalar, a folded first line that is indented)
are written quoted or literal. Both spellings mean the same to Voiden.
With ``yaml11_safe=False`` the output is byte for byte what Voiden writes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import yaml
import yaml.resolver

from .yamlread import YamlError, read_yaml

__all__ = ["YamlError", "dump", "load", "needs_quotes"]

# Reading is the bounded YAML 1.2 reader of wsblock.document.yamlread (one reader
# for every YAML the project reads); `load` is kept as its name here.
load = read_yaml


# ---------------------------------------------------------------------------------------
# Dumping: eemeli/yaml v2's stringify with its defaults.
# ---------------------------------------------------------------------------------------

_LINE_WIDTH = 80
_MIN_CONTENT_WIDTH = 20
_DQ_MIN_MULTILINE = 40
_INDENT_STEP = "  "

_FOLD_FLOW, _FOLD_BLOCK, _FOLD_QUOTED = "flow", "block", "quoted"


@dataclass(frozen=True)
class _Ctx:
    indent: str = ""
    implicit_key: bool = False
    indent_at_start: int | None = None
    force_block_indent: bool = False
    safe11: bool = True
    words11: bool = False


def dump(value: Any, *, yaml11_safe: bool = True, yaml11_words: bool = False) -> str:
    """``value`` as Voiden writes it (``YAML.stringify``), ending in a newline.

    ``value`` is plain data: dicts (any Mapping), lists (any non-string Sequence),
    str, int, float, bool and None. See the module docstring for ``yaml11_safe``.
    """
    return _stringify(value, _Ctx(safe11=yaml11_safe, words11=yaml11_words)) + "\n"


def needs_quotes(text: str, *, yaml11_safe: bool = True, yaml11_words: bool = False) -> bool:
    """Whether ``text`` as a mapping value would be written quoted (or as a block)."""
    return (
        _stringify_string(text, _Ctx(indent=_INDENT_STEP, safe11=yaml11_safe, words11=yaml11_words))
        != text
    )


def _stringify(value: Any, ctx: _Ctx) -> str:
    if isinstance(value, str):
        return _stringify_string(value, ctx)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, Mapping):
        return _stringify_map(value, ctx)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return _stringify_seq(value, ctx)
    raise TypeError(f"cannot write a {type(value).__name__} in a block: {value!r}")


def _is_collection(value: Any) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))
    )


def _stringify_map(value: Mapping[str, Any], ctx: _Ctx) -> str:
    if not value:
        return "{}"
    item_ctx = replace(ctx, implicit_key=False)
    lines = [_stringify_pair(k, v, item_ctx) for k, v in value.items()]
    return ("\n" + ctx.indent).join(lines)


def _stringify_seq(value: Sequence[Any], ctx: _Ctx) -> str:
    if not value:
        return "[]"
    item_ctx = replace(ctx, indent=ctx.indent + "  ", implicit_key=False)
    lines = ["- " + _stringify(item, item_ctx) for item in value]
    return ("\n" + ctx.indent).join(lines)


def _stringify_pair(key: Any, value: Any, ctx: _Ctx) -> str:
    key_ctx = replace(ctx, implicit_key=True, indent=ctx.indent + _INDENT_STEP)
    if _is_collection(key):
        raise TypeError(f"cannot write a {type(key).__name__} as a mapping key")
    text = _stringify(key, key_ctx)
    explicit = len(text) > 1024
    text = f"? {text}\n{ctx.indent}:" if explicit else f"{text}:"
    value_ctx = replace(key_ctx, implicit_key=False)
    if not explicit and not _is_collection(value):
        value_ctx = replace(value_ctx, indent_at_start=len(text) + 1)
    value_text = _stringify(value, value_ctx)
    ws = " "
    if not explicit and _is_collection(value):
        if "\n" in value_text or len(value) > 0:
            ws = "\n" + value_ctx.indent
    elif value_text == "" or value_text[0] == "\n":
        ws = ""
    return text + ws + value_text


def _js_number(value: float) -> str:
    """``String(n)`` of JavaScript (as ``JSON.stringify`` writes numbers)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return "-.inf" if value < 0 else ".inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    ds = "".join(map(str, digits))
    k = len(ds)
    n = k + int(exponent)  # the decimal point sits after n digits
    if k <= n <= 21:
        body = ds + "0" * (n - k)
    elif 0 < n <= 21:
        body = ds[:n] + "." + ds[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + ds
    else:
        e = n - 1
        mant = ds if k == 1 else ds[0] + "." + ds[1:]
        body = f"{mant}e{'+' if e > 0 else '-'}{abs(e)}"
    return ("-" if sign else "") + body


# ---- strings: UTF-16 helpers ----------------------------------------------------------


def _to_utf16(text: str) -> str:
    """Astral characters as surrogate pairs, so that len() counts as JavaScript does."""
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return text
    out = []
    for c in text:
        o = ord(c)
        if o < 0x10000:
            out.append(c)
        else:
            o -= 0x10000
            out.append(chr(0xD800 + (o >> 10)))
            out.append(chr(0xDC00 + (o & 0x3FF)))
    return "".join(out)


def _from_utf16(text: str) -> str:
    """Inverse of :func:`_to_utf16` (escaped lone surrogates are text by then)."""
    if text.isascii():
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


# ---- strings: the choice of style -----------------------------------------------------

# eemeli/yaml: control characters and lone surrogates force double quotes.
_FORCE_DQ = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# In addition, for YAML 1.1 readers: characters they read as line breaks or refuse.
_FORCE_DQ_11 = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")

_PLAIN_UNSAFE = re.compile(
    r"\A[\n\t ,\[\]{}#&*!|>'\"%@`]|\A[?-]\Z|\A[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]\Z"
)
_DOC_MARKER = re.compile(r"(?:\A|(?<=[\n\r\u2028\u2029]))(?:%|---|\.\.\.)")

# Strings that YAML 1.2 core would read as another type.
_CORE_TESTS = (
    re.compile(r"(?:~|[Nn]ull|NULL)?"),
    re.compile(r"(?:[Tt]rue|TRUE|[Ff]alse|FALSE)"),
    re.compile(r"0o[0-7]+"),
    re.compile(r"[-+]?[0-9]+"),
    re.compile(r"0x[0-9a-fA-F]+"),
    re.compile(r"(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)"),
    re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+"),
    re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)"),
)
# The YAML 1.1 booleans PyYAML leaves out.
_YAML11_EXTRA = re.compile(r"[yYnN]")
_RESOLVER11 = yaml.resolver.Resolver()


def _read_as_other_type(text: str, safe11: bool) -> bool:
    if any(t.fullmatch(text) for t in _CORE_TESTS):
        return True
    if not safe11:
        return False
    if _YAML11_EXTRA.fullmatch(text):
        return True
    tag = _RESOLVER11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag != "tag:yaml.org,2002:str")


def _stringify_string(value: str, ctx: _Ctx) -> str:
    force = (_FORCE_DQ_11 if ctx.words11 else _FORCE_DQ).search(value)
    u = _to_utf16(value)
    out = _double_quoted(u, ctx) if force else _plain(u, ctx)
    return _from_utf16(out)


def _quoted(value: str, ctx: _Ctx) -> str:
    has_double, has_single = '"' in value, "'" in value
    if has_double and not has_single:
        return _single_quoted(value, ctx)
    return _double_quoted(value, ctx)


def _plain(value: str, ctx: _Ctx) -> str:
    if ctx.implicit_key and "\n" in value:
        return _quoted(value, ctx)
    if _PLAIN_UNSAFE.search(value):
        if ctx.implicit_key or "\n" not in value:
            return _quoted(value, ctx)
        return _block(value, ctx)
    if not ctx.implicit_key and "\n" in value:
        return _block(value, ctx)
    if _DOC_MARKER.search(value):
        if ctx.indent == "":
            return _block(value, replace(ctx, force_block_indent=True))
        if ctx.implicit_key and ctx.indent == _INDENT_STEP:
            return _quoted(value, ctx)
    if ctx.safe11 and "\t" in value:
        return _quoted(value, ctx)  # PyYAML's own scanner stops at a tab in a plain scalar
    text = re.sub(r"\n+", lambda m: m.group(0) + "\n" + ctx.indent, value)
    if _read_as_other_type(text, ctx.words11):
        return _quoted(value, ctx)
    if ctx.implicit_key:
        return text
    return _fold(text, ctx.indent, _FOLD_FLOW, ctx.indent_at_start)


def _single_quoted(value: str, ctx: _Ctx) -> str:
    if (ctx.implicit_key and "\n" in value) or re.search(r"[ \t]\n|\n[ \t]", value):
        return _double_quoted(value, ctx)
    indent = ctx.indent or ("  " if _DOC_MARKER.search(value) else "")
    res = "'" + re.sub(r"\n+", lambda m: m.group(0) + "\n" + indent, value.replace("'", "''")) + "'"
    if ctx.implicit_key:
        return res
    return _fold(res, indent, _FOLD_FLOW, ctx.indent_at_start)


_NAMED_ESCAPES = {
    "0000": "\\0",
    "0007": "\\a",
    "000b": "\\v",
    "001b": "\\e",
    "0085": "\\N",
    "00a0": "\\_",
    "2028": "\\L",
    "2029": "\\P",
}


def _js_json(value: str, safe11: bool) -> str:
    """``JSON.stringify`` of a (UTF-16) string; with ``safe11`` YAML 1.1 hazards escaped too."""
    out = ['"']
    n = len(value)
    i = 0
    while i < n:
        c = value[i]
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c == "\b":
            out.append("\\b")
        elif c == "\f":
            out.append("\\f")
        elif o < 0x20:
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDBFF and i + 1 < n and 0xDC00 <= ord(value[i + 1]) <= 0xDFFF:
            out.append(value[i : i + 2])
            i += 1
        elif 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        elif safe11 and (0x7F <= o <= 0x9F or o in (0x2028, 0x2029, 0xFFFE, 0xFFFF)):
            out.append(f"\\u{o:04x}")
        else:
            out.append(c)
        i += 1
    out.append('"')
    return "".join(out)


def _double_quoted(value: str, ctx: _Ctx) -> str:
    js = _js_json(value, ctx.words11)
    indent = ctx.indent or ("  " if _DOC_MARKER.search(value) else "")
    parts: list[str] = []
    start = 0
    i = 0
    n = len(js)

    def at(k: int) -> str:
        return js[k] if k < n else ""

    while i < n:
        ch = js[i]
        if ch == " " and at(i + 1) == "\\" and at(i + 2) == "n":
            # a space before a newline is escaped, or folding would eat it
            parts.append(js[start:i] + "\\ ")
            i += 1
            start = i
            ch = "\\"
        if ch == "\\":
            nxt = at(i + 1)
            if nxt == "u":
                parts.append(js[start:i])
                code = js[i + 2 : i + 6]
                if code in _NAMED_ESCAPES:
                    parts.append(_NAMED_ESCAPES[code])
                elif code.startswith("00"):
                    parts.append("\\x" + code[2:])
                else:
                    parts.append(js[i : i + 6])
                i += 5
                start = i + 1
            elif nxt == "n":
                if ctx.implicit_key or at(i + 2) == '"' or n < _DQ_MIN_MULTILINE:
                    i += 1
                else:
                    # folding will eat the first newline
                    parts.append(js[start:i] + "\n\n")
                    while at(i + 2) == "\\" and at(i + 3) == "n" and at(i + 4) != '"':
                        parts.append("\n")
                        i += 2
                    parts.append(indent)
                    # a space after a newline is escaped, or folding would eat it
                    if at(i + 2) == " ":
                        parts.append("\\")
                    i += 1
                    start = i + 1
            else:
                i += 1
        i += 1
    text = "".join(parts) + js[start:] if start else js
    if ctx.implicit_key:
        return text
    return _fold(text, indent, _FOLD_QUOTED, ctx.indent_at_start)


_BLOCK_END_NEWLINES = re.compile(r"(?:\A|(?<!\n))\n+(?!\n|\Z)")
#: eemeli/yaml's more-indented lines, for ``sub(lambda m: m.group(1) + (m.group(2) or ""))``:
#: the definition, and the tests' reference; :func:`_join_more_indented` does the same in
#: linear time (from every line break of a long run of blank lines, this pattern scans
#: the whole run again: quadratic).
_MORE_INDENTED = re.compile(r"(?:\A|\n)([\t ][^\n\r\u2028\u2029]*)(?:([\n\t ]*)\n(?![\n\t ]))?")
_LINE_END = re.compile(r"[^\n\r\u2028\u2029]*+")
_BLANKS = re.compile(r"[\n\t ]*+")


def _join_more_indented(text: str) -> str:
    """Each more-indented line (one that starts with a space or tab) joined to the line
    break before it and, when blank lines follow it, the last of their breaks dropped:
    ``_MORE_INDENTED.sub(lambda m: m.group(1) + (m.group(2) or ""), text)``."""
    out: list[str] = []
    n, last = len(text), 0
    blanks_from = blanks_end = -1  # a maximal run of [\n\t ] found already
    start = 0 if text[:1] in ("\t", " ") else text.find("\n")
    while 0 <= start < n:
        line = start if start == 0 and text[0] != "\n" else start + 1
        if line >= n or text[line] not in "\t ":
            start = text.find("\n", start + 1)
            continue
        line_end = _LINE_END.match(text, line + 1).end()  # type: ignore[union-attr]
        if not blanks_from <= line_end <= blanks_end:
            blanks_from = line_end
            blanks_end = _BLANKS.match(text, line_end).end()  # type: ignore[union-attr]
        out.append(text[last:start])
        out.append(text[line:line_end])
        if blanks_end > line_end and text[blanks_end - 1] == "\n":
            out.append(text[line_end : blanks_end - 1])
            last = blanks_end
        else:
            last = line_end
        start = text.find("\n", last)
    out.append(text[last:])
    return "".join(out)


def _line_over_limit(text: str, indent_length: int) -> bool:
    limit = _LINE_WIDTH - indent_length
    n = len(text)
    if n <= limit:
        return False
    start = 0
    for i, c in enumerate(text):
        if c == "\n":
            if i - start > limit:
                return True
            start = i + 1
            if n - start <= limit:
                return False
    return True


def _block(value: str, ctx: _Ctx) -> str:
    if re.search(r"\n[\t ]+\Z", value):
        return _quoted(value, ctx)
    if ctx.safe11 and not value.strip("\n\t ") and re.search("[\t ]", value):
        # Whitespace-only text with spaces does not survive a block scalar, not
        # even through eemeli/yaml itself ("  \n" reads back as "\n").
        return _quoted(value, ctx)
    indent = ctx.indent or ("  " if ctx.force_block_indent or _DOC_MARKER.search(value) else "")
    literal = not _line_over_limit(value, len(indent))
    if not value:
        return "|\n" if literal else ">\n"
    # chomping, from the whitespace at the end
    end_start = len(value)
    while end_start > 0 and value[end_start - 1] in "\n\t ":
        end_start -= 1
    end = value[end_start:]
    end_nl = end.find("\n")
    if end_nl == -1:
        chomp = "-"
    elif value == end or end_nl != len(end) - 1:
        chomp = "+"
    else:
        chomp = ""
    if end:
        value = value[: -len(end)]
        if end.endswith("\n"):
            end = end[:-1]
        end = _BLOCK_END_NEWLINES.sub(lambda m: m.group(0) + indent, end)
    # indentation indicator, from the whitespace at the start
    start_with_space = False
    start_nl = -1
    for k, c in enumerate(value):
        if c == " ":
            start_with_space = True
        elif c == "\n":
            start_nl = k
        else:
            break
    start = value[: start_nl + 1]
    if start:
        value = value[len(start) :]
        start = re.sub(r"\n+", lambda m: m.group(0) + indent, start)
    # libyaml cannot detect the indentation of a first line that starts with a tab:
    # give it explicitly (YAML-1.1-safe mode only; Voiden does not).
    tab_first = ctx.safe11 and value.startswith("\t")
    indicator = ("2" if indent else "1") if start_with_space or tab_first else ""
    header = indicator + chomp
    if ctx.safe11 and indicator:
        # eemeli/yaml folds a more-indented first line as if it were not, which
        # changes the text on reading: keep such text literal.
        literal = True
    if not literal:
        folded = re.sub(r"\n+", lambda m: "\n" + m.group(0), value)
        folded = _join_more_indented(folded)
        folded = re.sub(r"\n+", lambda m: m.group(0) + indent, folded)
        overflow: list[bool] = []
        body = _fold(f"{start}{folded}{end}", indent, _FOLD_BLOCK, len(ctx.indent), overflow)
        if not overflow:
            return f">{header}\n{indent}{body}"
    value = re.sub(r"\n+", lambda m: m.group(0) + indent, value)
    return f"|{header}\n{indent}{start}{value}{end}"


# ---- folding ----------------------------------------------------------------------------


def _consume_more_indented(text: str, i: int, indent: int) -> int:
    """With ``i + 1`` at a line start: the index of the last newline of more-indented lines."""
    n = len(text)
    end = i
    start = i + 1
    ch = text[start] if start < n else ""
    while ch in (" ", "\t") and ch:
        if i < start + indent:
            i += 1
            ch = text[i] if i < n else ""
        else:
            while True:
                i += 1
                ch = text[i] if i < n else ""
                if not ch or ch == "\n":
                    break
            end = i
            start = i + 1
            ch = text[start] if start < n else ""
    return end


def _fold(
    text: str,
    indent: str,
    mode: str,
    indent_at_start: int | None,
    overflow_flag: list[bool] | None = None,
) -> str:
    """eemeli/yaml's ``foldFlowLines``: keep lines within 80 columns where spaces allow."""
    line_width, min_content = _LINE_WIDTH, _MIN_CONTENT_WIDTH
    end_step = max(1 + min_content, 1 + line_width - len(indent))
    n = len(text)
    if n <= end_step:
        return text
    folds: list[int] = []
    escaped_folds: set[int] = set()
    end = line_width - len(indent)
    if indent_at_start is not None:
        if indent_at_start > line_width - max(2, min_content):
            folds.append(0)
        else:
            end = line_width - indent_at_start
    split: int | None = None
    prev = ""
    overflow = False
    i = -1
    esc_start = -1
    esc_end = -1
    if mode == _FOLD_BLOCK:
        i = _consume_more_indented(text, i, len(indent))
        if i != -1:
            end = i + end_step
    while True:
        i += 1
        if i >= n:
            break
        ch = text[i]
        if mode == _FOLD_QUOTED and ch == "\\":
            esc_start = i
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == "x":
                i += 3
            elif nxt == "u":
                i += 5
            elif nxt == "U":
                i += 9
            else:
                i += 1
            esc_end = i
        if ch == "\n":
            if mode == _FOLD_BLOCK:
                i = _consume_more_indented(text, i, len(indent))
            end = i + len(indent) + end_step
            split = None
        else:
            if ch == " " and prev and prev not in (" ", "\n", "\t"):
                nxt = text[i + 1] if i + 1 < n else ""
                if nxt and nxt not in (" ", "\n", "\t"):
                    split = i
            if i >= end:
                if split:
                    folds.append(split)
                    end = split + end_step
                    split = None
                elif mode == _FOLD_QUOTED:
                    # white-space collected at the end may stretch past the width
                    while prev in (" ", "\t") and prev:
                        prev = ch
                        i += 1
                        ch = text[i] if i < n else ""
                        overflow = True
                    # account for the newline escape, but do not break a preceding escape
                    j = i - 2 if i > esc_end + 1 else esc_start - 1
                    if 0 < j < n and "\ud800" <= text[j] <= "\udbff":
                        # Unlike eemeli/yaml, never split a surrogate pair (an astral
                        # character such as an emoji): JavaScript would write U+FFFD.
                        j -= 1
                    if j in escaped_folds:
                        return text
                    folds.append(j)
                    escaped_folds.add(j)
                    end = j + end_step
                    split = None
                else:
                    overflow = True
        prev = ch
        if not ch:
            break
    if overflow and overflow_flag is not None:
        overflow_flag.append(True)
    if not folds:
        return text
    res = text[: folds[0]]
    for k, fold in enumerate(folds):
        stop = folds[k + 1] if k + 1 < len(folds) and folds[k + 1] else n
        if fold == 0:
            res = f"\n{indent}{text[0:stop]}"
        else:
            if mode == _FOLD_QUOTED and fold in escaped_folds:
                res += f"{text[fold]}\\"
            res += f"\n{indent}{text[fold + 1 : stop]}"
    return res
