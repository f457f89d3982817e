"""Message validation and the operators of expectations and assertions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsblock.conversation.checks import (
    MISSING,
    OPERATORS,
    canonical_operator,
    decode_binary,
    evaluate,
    lookup,
    pretty,
    validate,
)


def test_json_error_has_line_and_column() -> None:
    err = validate("json", '{\n  "a": 1,\n  "b": \n}')
    assert err is not None and err.line == 4 and err.column == 1
    assert validate("json", '{"a": [1, 2]}') is None


def test_xml_error_has_line_and_column() -> None:
    err = validate("xml", "<a>\n  <b></c>\n</a>")
    assert err is not None and err.line == 2 and err.column is not None
    assert validate("xml", '<ping seq="1"/>') is None


def test_xml_entity_bomb_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>'
    err = validate("xml", bomb)
    assert err is not None and "refused" in str(err).lower()


def test_binary_base64_and_hex() -> None:
    assert decode_binary("aGVsbG8=") == b"hello"
    assert decode_binary("68 65 6c", "hex") == b"hel"
    assert validate("binary", "not base64!") is not None
    assert validate("binary", "zz", "hex") is not None


def test_unknown_format() -> None:
    assert "unknown format" in str(validate("yaml", "a: 1"))


@pytest.mark.parametrize(
    ("op", "actual", "expected", "ok"),
    [
        ("equals", 3, "3", True),
        ("==", True, "true", True),
        ("eq", {"a": [1, 2]}, '{"a":[1,2]}', True),
        ("notEquals", "a", "b", True),
        ("contains", "hello world", "lo w", True),
        ("not-includes", "hello", "x", True),
        ("startswith", "hello", "he", True),
        ("ends-with", "hello", "lo", True),
        ("regex", "abc123", r"\d{3}$", True),
        ("exists", MISSING, "", False),
        ("is-defined", None, "", True),
        ("is-null", None, "", True),
        ("not-exists", MISSING, "", True),
        (">", 5, "4", True),
        ("lt", "3", "4", True),
        (">=", 4, "4", True),
        ("lte", 5, "4", False),
        ("gt", "abc", "1", False),
        ("empty", "", "", True),
        ("not-empty", [1], "", True),
        ("truthy", 1, "", True),
        ("falsy", 0, "", True),
        ("typeof", [1], "array", True),
        ("type-is", "x", "string", True),
    ],
)
def test_operators(op: str, actual: object, expected: str, ok: bool) -> None:
    canon = canonical_operator(op)
    assert canon is not None
    assert evaluate(canon, actual, expected).ok is ok


def test_unknown_operator() -> None:
    assert canonical_operator("resembles") is None
    assert canonical_operator("EQUALS") == "equals"


def test_every_alias_maps_to_a_canonical_name() -> None:
    assert set(OPERATORS.values()) == {canonical_operator(v) for v in OPERATORS.values()}


def test_lookup_paths() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "n": None}
    assert lookup(doc, "a.b[1].c") == 2
    assert lookup(doc, "a.b.0.c") == 1
    assert lookup(doc, "a.x") is MISSING
    assert lookup(doc, "a.b[5]") is MISSING
    assert lookup(doc, "n") is None


def test_pretty() -> None:
    assert pretty("json", '{"a":1}') == '{\n  "a": 1\n}'
    assert pretty("xml", "<a><b/></a>") == "<a>\n  <b/>\n</a>"
    assert pretty("json", "{bad") == "{bad"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(), c, max_size=3),
        max_leaves=10,
    )
)
def test_any_json_validates(value: object) -> None:
    import json

    assert validate("json", json.dumps(value)) is None


# The XML check reads with expat alone; defusedxml's ElementTree is the reference it is
# held to: the same verdict, the same words, the same line and column.
XML_CASES = [
    "",
    " ",
    "<a/>",
    "<a>\n  <b></c>\n</a>",
    "<a></a><b/>",
    "<a>text",
    "text",
    "<?xml version='1.0'?><a/>",
    "<?xml version='1.0' encoding='latin-1'?><a>é</a>",
    "<a>&amp;&lt;&#65;&#x42;</a>",
    "<a>&nope;</a>",
    "<a>\n&nope;</a>",
    "<a>&#0;</a>",
    "<a b='1' b='2'/>",
    "<p:a/>",
    "<p:a xmlns:p='urn:x'><q:b/></p:a>",
    "<a xmlns='urn:x'><b/></a>",
    "<a><![CDATA[<not a tag>]]></a>",
    "<a><!-- c --><?pi x?></a>",
    "<!DOCTYPE a><a/>",
    "<!DOCTYPE a [<!ELEMENT a ANY>]><a/>",
    "<!DOCTYPE a SYSTEM 'a.dtd'><a>&ext;</a>",
    "<!DOCTYPE a SYSTEM 'a.dtd'><a>\n  <b>&x;&y;</b></a>",
    "<!DOCTYPE a SYSTEM 's'><a>&e;</b>",  # the first error is the one said
    "<!DOCTYPE a SYSTEM 's'><a>&e;",
    "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
    "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>",
    "<!DOCTYPE a [<!ENTITY e SYSTEM 'x' NDATA n>]><a/>",
    "<!DOCTYPE a [<!ENTITY % p 'x'>]><a/>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>',
    "<a>\x01</a>",
    "<a>\ud7ff\ue000</a>",
    "<a>😀</a>",
    "<a\n  b='1'\n  c=2/>",
    "<a></a>\n\n<!-- after -->\n",
    "<a/>junk",
]


_XML_PIECES = st.sampled_from(
    [
        "<a>",
        "</a>",
        "<b/>",
        "<p:c>",
        "</p:c>",
        " xmlns:p='u'",
        "&amp;",
        "&e;",
        "&#65;",
        "x",
        "\n",
        " ",
        "<!DOCTYPE a SYSTEM 's'>",
        "<!DOCTYPE a [<!ENTITY e 'v'>]>",
        "<!-- c -->",
        "<![CDATA[<]]>",
        "<?pi?>",
        "'",
        '"',
        "=",
        ">",
        "<",
        "é",
        "\x01",
    ]  # fmt: skip
)


@given(st.lists(_XML_PIECES, max_size=12).map("".join))
def test_xml_check_says_what_defusedxml_says_on_any_mix(text: str) -> None:
    test_xml_check_says_what_defusedxml_says(text)


@pytest.mark.parametrize("text", XML_CASES)
def test_xml_check_says_what_defusedxml_says(text: str) -> None:
    import xml.parsers.expat

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        SafeET.fromstring(text)
    except SafeET.ParseError as e:
        line, column = e.position
        want = (f"malformed XML: {str(e).split(':')[0]}", line, column + 1)
    except DefusedXmlException as e:
        want = (f"XML refused: {e}", None, None)
    except xml.parsers.expat.ExpatError as e:  # pragma: no cover - defusedxml wraps these
        want = (f"malformed XML: {e}", e.lineno, e.offset + 1)
    else:
        want = None
    err = validate("xml", text)
    assert (err and (str(err), err.line, err.column)) == want
    assert pretty("xml", text) == text or want is None
