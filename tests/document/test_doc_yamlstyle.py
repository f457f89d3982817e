"""The YAML of blocks: read as YAML 1.2, written as Voiden (npm ``yaml`` v2) writes it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from wsblock.document import yamlstyle as ys

ORACLE = json.loads((Path(__file__).parent / "fixtures" / "yaml_oracle.json").read_text("utf-8"))


def test_the_oracle_was_made_by_yaml_v2() -> None:
    assert ORACLE["yaml"].startswith("2.")
    assert len(ORACLE["cases"]) > 1000


def test_strict_mode_matches_the_npm_yaml_package_byte_for_byte() -> None:
    """Every case of ``fixtures/yaml_oracle.json`` (see ``make_yaml_oracle.cjs``)."""
    bad = [
        (n, c["yaml"], ys.dump(c["value"], yaml11_safe=False))
        for n, c in enumerate(ORACLE["cases"])
        if ys.dump(c["value"], yaml11_safe=False) != c["yaml"]
    ]
    assert not bad, bad[:3]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return a == b and type(a) is type(b)


def test_safe_mode_reads_back_every_oracle_value() -> None:
    bad = []
    for n, c in enumerate(ORACLE["cases"]):
        text = ys.dump(c["value"])
        if not _same(ys.load(text), c["value"]):
            bad.append((n, text))
    assert not bad, bad[:3]


def _has_float(value: object) -> bool:
    if isinstance(value, dict):
        return any(map(_has_float, value.values()))
    if isinstance(value, list):
        return any(map(_has_float, value))
    return isinstance(value, float)


def test_safe_mode_differs_from_voiden_only_by_quoting_and_escapes() -> None:
    """Where the two modes differ, the safe one only adds quotes, escapes or block indicators."""
    differ = 0
    for c in ORACLE["cases"]:
        strict, safe = c["yaml"], ys.dump(c["value"], yaml11_words=True)
        if strict != safe:
            differ += 1
            if _has_float(c["value"]):
                continue  # YAML 1.1 reads 1e-7 as a string: numbers are written as Voiden does
            assert _same(yaml.load(safe, Loader=yaml.SafeLoader), ys.load(safe))  # YAML 1.1 agrees
    assert 0 < differ < len(ORACLE["cases"]) // 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", '"1"'),
        ("", '""'),
        ("{{ECHO_URL}}/echo", '"{{ECHO_URL}}/echo"'),
        ("true", '"true"'),
        ("null", '"null"'),
        ("0.5", '"0.5"'),
        ("1e3", '"1e3"'),
        ("0x1F", '"0x1F"'),
        ('{"op": "hello", "user": "{{USER}}"}', """'{"op": "hello", "user": "{{USER}}"}'"""),
        ("it's", "it's"),
        ('it\'s "a": b', '"it\'s \\"a\\": b"'),
        ('it\'s "quoted"', 'it\'s "quoted"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("a#b", "a#b"),
        ("- x", '"- x"'),
        ("-x", "-x"),
        ("trailing ", '"trailing "'),
        (" leading", '" leading"'),
        ("wss://", "wss://"),
        ("what is voiden?", "what is voiden?"),
        ("Cmd+/ or Ctrl+/ to uncomment", "Cmd+/ or Ctrl+/ to uncomment"),
        ("日本語 😀", "日本語 😀"),
        ("bell\x07", '"bell\\a"'),
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (5, "5"),
        (1.5, "1.5"),
        (2.0, "2"),
        ([], "[]"),
        ({}, "{}"),
    ],
)
def test_scalars_as_voiden_writes_them(value: object, expected: str) -> None:
    assert ys.dump({"k": value}, yaml11_safe=False) == f"k: {expected}\n"
    assert ys.dump({"k": value}) == f"k: {expected}\n"


@pytest.mark.parametrize(
    "word",
    [
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "N",
        "1_000",
        "0b101",
        "017",
        "2025-04-01",
        "1:30",
        "<<",
        "=",
        "~",
    ],
)
def test_yaml11_lookalikes_are_quoted_in_safe_mode_only(word: str) -> None:
    strict, safe = ys.dump({"k": word}, yaml11_safe=False), ys.dump({"k": word}, yaml11_words=True)
    assert (
        ys.dump({"k": word}) == strict
    )  # by default: quoted exactly as yaml@2.7.0 quotes (item 9)
    if word in ("~", "017"):  # a null and an int in YAML 1.2 too
        assert strict == safe == f'k: "{word}"\n'
        return
    assert strict == f"k: {word}\n"
    assert safe == f'k: "{word}"\n'
    assert yaml.safe_load(safe) == {"k": word}  # PyYAML's own (YAML 1.1) loader agrees
    assert ys.load(strict) == {"k": word}  # and ours reads Voiden's spelling as a string


def test_long_plain_values_fold_at_80_columns_as_in_headers_void() -> None:
    token = "4f3a9c8b7a1d5e6f89c2d0e4b6a7c9f1d8e2b3c5f4a6e7d9c0b1e3a2d5f8c9b"
    node = {
        "content": [
            {
                "type": "table",
                "rows": [
                    {"attrs": {"disabled": False}, "row": ["Authorization", f"Bearer {token}"]}
                ],
            }
        ]
    }
    assert ys.dump(node) == (
        "content:\n"
        "  - type: table\n"
        "    rows:\n"
        "      - attrs:\n"
        "          disabled: false\n"
        "        row:\n"
        "          - Authorization\n"
        "          - Bearer\n"
        f"            {token}\n"
    )
    assert ys.load(ys.dump(node)) == node


def test_multi_line_text_is_a_block_literal() -> None:
    assert ys.dump({"body": '{\n  "a": 1\n}'}) == 'body: |-\n  {\n    "a": 1\n  }\n'
    assert ys.dump({"body": "line\n"}) == "body: |\n  line\n"
    assert ys.dump({"body": "line\n\n"}) == "body: |+\n  line\n\n"
    assert ys.dump({"body": "  indented\nnext"}) == "body: |2-\n    indented\n  next\n"
    assert ys.dump({"x": ["a\nb"]}) == "x:\n  - |-\n    a\n    b\n"


def test_collections_are_block_style_with_sequences_indented_under_their_key() -> None:
    node = {
        "type": "x",
        "attrs": {"uid": "u"},
        "content": [{"type": "z", "content": [["a", "b"], []]}],
    }
    assert ys.dump(node) == (
        "type: x\n"
        "attrs:\n"
        "  uid: u\n"
        "content:\n"
        "  - type: z\n"
        "    content:\n"
        "      - - a\n"
        "        - b\n"
        "      - []\n"
    )


def test_keys_are_quoted_when_needed() -> None:
    assert ys.dump({"a b": 1, "x:y": 2, "-": 3, "": 4, "1": 5, "true": 6, "k: v": 7}) == (
        'a b: 1\nx:y: 2\n"-": 3\n"": 4\n"1": 5\n"true": 6\n"k: v": 7\n'
    )


def test_yaml11_hazardous_characters_are_escaped_in_safe_mode() -> None:
    for ch, esc in (
        ("\u2028", "\\L"),
        ("\u2029", "\\P"),
        ("\x85", "\\N"),
        ("\x7f", "\\x7f"),
        ("\ufffe", "\\ufffe"),
    ):
        raw = ys.dump({"k": f"a{ch}b"})  # by default raw, as Voiden writes it; ys.load reads it
        assert ch in raw and ys.load(raw) == {"k": f"a{ch}b"}
        out = ys.dump({"k": f"a{ch}b"}, yaml11_words=True)
        assert out == f'k: "a{esc}b"\n'
        assert ys.load(out) == {"k": f"a{ch}b"}
        assert yaml.safe_load(out) == {"k": f"a{ch}b"}


def test_whitespace_only_text_is_quoted_in_safe_mode() -> None:
    # eemeli/yaml writes "  \n" as "|+" with a blank line, which reads back as "\n"
    assert ys.dump({"k": "  \n"}, yaml11_safe=False) == "k: |+\n    \n"
    assert ys.dump({"k": "  \n"}) == 'k: " \\ \\n"\n'  # eemeli escapes a space before \\n
    assert ys.load(ys.dump({"k": " \n \n"})) == {"k": " \n \n"}


def test_a_first_line_starting_with_a_tab_gets_an_indentation_indicator() -> None:
    out = ys.dump({"k": ["\tindented\nnext"]})
    assert out == "k:\n  - |2-\n    \tindented\n    next\n"
    assert ys.load(out) == {"k": ["\tindented\nnext"]}
    assert yaml.load(
        out, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    )


def test_loader_reads_voidens_yaml_1_2() -> None:
    text = (
        "a: yes\nb: off\nc: 010\nd: 0o17\ne: 0x1F\nf: 1_000\ng: 2025-04-01\nh: 1e3\n"
        "i: .inf\nj: ~\nk: True\nl: 1:30\nm: <<\nn: -0.5\no: .nan\n"
    )
    data = ys.load(text)
    assert data["a"] == "yes" and data["b"] == "off" and data["f"] == "1_000"
    assert data["c"] == 10 and data["d"] == 15 and data["e"] == 31
    assert data["g"] == "2025-04-01" and data["l"] == "1:30" and data["m"] == "<<"
    assert data["h"] == 1000.0 and data["i"] == math.inf and data["j"] is None and data["k"] is True
    assert data["n"] == -0.5 and math.isnan(data["o"])


def test_loader_refuses_duplicate_keys_with_a_position() -> None:
    with pytest.raises(ys.YamlError) as e:
        ys.load("type: a\nattrs:\n  uid: 1\n  uid: 2\n")
    assert "duplicate key 'uid'" in e.value.problem
    assert e.value.line == 3


def test_loader_errors_have_a_position_and_no_traceback_text() -> None:
    with pytest.raises(ys.YamlError) as e:
        ys.load("type: a\nattrs: [unclosed\n")
    assert e.value.line is not None and e.value.column is not None
    assert "Traceback" not in str(e.value)


def test_unwritable_values_raise_type_error() -> None:
    with pytest.raises(TypeError):
        ys.dump({"k": object()})
    with pytest.raises(TypeError):
        ys.dump({("a", "b"): 1})


def test_js_number_formatting() -> None:
    cases = {
        1.5: "1.5",
        2.0: "2",
        1e21: "1e+21",
        1e-7: "1e-7",
        1e-6: "0.000001",
        123456.789: "123456.789",
        -0.0: "-0",
        math.inf: ".inf",
        -math.inf: "-.inf",
        1e20: "100000000000000000000",
        0.1: "0.1",
    }
    for value, text in cases.items():
        assert ys.dump(value) == text + "\n"


def test_negative_zero_reads_back_as_javascripts_minus_zero() -> None:
    value = ys.load("k: -0\n")["k"]
    assert value == 0 and math.copysign(1, value) < 0
    assert ys.dump({"k": value}) == "k: -0\n"
    assert ys.load("k: 0\n")["k"] == 0 and type(ys.load("k: 0\n")["k"]) is int


def test_needs_quotes() -> None:
    assert ys.needs_quotes("yes", yaml11_words=True) and not ys.needs_quotes("yes")
    assert ys.needs_quotes("a: b") and ys.needs_quotes("") and ys.needs_quotes("two\nlines")
    assert not ys.needs_quotes("wss://example.com/x?y=1") and not ys.needs_quotes("日本 😀")
