"""The one YAML reader (wsblock.document.yamlread): YAML 1.2 core as Voiden reads it, and bounded.

The expected values are what Voiden's own reader (``yaml@2.7.0``, run through
the Voiden oracle's ``run.js`` on a block holding these scalars) built from them.
"""

from __future__ import annotations

import math
import time

import pytest

from wsblock.document import Document, DocumentError
from wsblock.document.yamlread import MAX_ALIAS_NODES, MAX_DEPTH, YamlError, read_yaml

# scalar as written -> the value Voiden's yaml@2.7.0 reads
VOIDEN_READS = {
    "on": "on",
    "yes": "yes",
    "off": "off",
    "y": "y",
    "No": "No",
    "010": 10,
    "0123": 123,
    "1:30": "1:30",
    "2025-04-01": "2025-04-01",
    "0o17": 15,
    "0x1F": 31,
    "~": None,
    "null": None,
    "1e3": 1000,
    "+12": 12,
    "'<<'": "<<",
    "1_000": "1_000",
    "0b101": "0b101",
    "True": True,
    "TRUE": True,
    "false": False,
    ".5": 0.5,
    "1.": 1,
    # One deliberate difference: integers beyond 2**53 keep their digits (Voiden holds
    # 12345678901234567890 as the JavaScript number 12345678901234567000).
    "12345678901234567890": 12345678901234567890,
}


@pytest.mark.parametrize(("written", "value"), VOIDEN_READS.items(), ids=list(VOIDEN_READS))
def test_core_schema_as_voiden_reads_it(written, value) -> None:
    got = read_yaml(f"v: {written}\n")["v"]
    numbers = (int, float)
    assert got == value
    assert type(got) is type(value) or (type(got) in numbers and type(value) in numbers)


def test_pin_is_not_octal_and_on_is_not_true() -> None:
    data = read_yaml("PIN: 0123\nswitch: on\ntime: 1:30\n")
    assert data == {"PIN": 123, "switch": "on", "time": "1:30"}
    assert math.isinf(read_yaml("x: .inf")["x"]) and math.isnan(read_yaml("x: .NaN")["x"])


def test_every_reader_uses_it(tmp_path) -> None:
    """Blocks, front matter and .voiden environments all read YAML 1.2 core."""
    doc = Document.parse(
        "---\nflag: on\n---\n```void\n---\ntype: x\nattrs:\n  pin: 0123\n---\n```\n"
    )
    assert doc.front_matter == {"flag": "on"} and doc.blocks[0].attrs == {"pin": 123}
    from wsblock.variables.sources import load_variables

    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_text(
        "dev:\n  variables:\n    A: on\n    PIN: 0123\n"
    )
    v = load_variables(tmp_path, "dev", process_env={})
    assert v.substitute("{{A}} {{PIN}}", "t") == "on 123"


def test_duplicate_keys_and_recursive_aliases_are_errors() -> None:
    with pytest.raises(YamlError, match="duplicate key"):
        read_yaml("a: 1\na: 2\n")
    with pytest.raises(YamlError, match="inside its own anchor"):
        read_yaml("a: &x [1, *x]\n")


@pytest.mark.parametrize(
    "tag",
    [
        "!!binary aGk=",
        "!!set {a}",
        "!!timestamp 2025-01-01",
        "!!omap []",
        "!!python/name:os.system",
        "!local x",
        "!!merge x",
    ],
)
def test_tags_outside_the_core_schema_are_refused(tag) -> None:
    with pytest.raises(YamlError, match="is not supported"):
        read_yaml(f"v: {tag}\n")
    assert read_yaml("v: !!str 5\n") == {"v": "5"}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 20):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    start = time.process_time()
    with pytest.raises(YamlError, match="alias bomb"):
        read_yaml("\n".join(lines))
    assert time.process_time() - start < 5  # a bound on a hang, not a speed target
    # a few honest aliases are fine
    assert read_yaml("a: &a {k: 1}\nb: *a\n") == {"a": {"k": 1}, "b": {"k": 1}}
    many = (
        "a: &a ["
        + ", ".join(["x"] * 1000)
        + "]\n"
        + "".join(f"b{i}: *a\n" for i in range(MAX_ALIAS_NODES // 1001 - 1))
    )
    assert len(read_yaml(many)) == MAX_ALIAS_NODES // 1001


def test_depth_bound() -> None:
    assert read_yaml("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) is not None
    for text in (
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "[" * 100000,
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 5)),
    ):
        with pytest.raises(YamlError, match="nested too deeply"):
            read_yaml(text)


def test_size_bound(monkeypatch) -> None:
    import wsblock.document.yamlread as yr

    monkeypatch.setattr(yr, "MAX_CHARS", 100)
    with pytest.raises(YamlError, match="too large"):
        read_yaml("a: " + "x" * 200)


def test_a_block_error_names_the_file_and_line() -> None:
    with pytest.raises(DocumentError) as e:
        Document.parse(
            "text\n\n```void\n---\ntype: x\nattrs: !!binary aGk=\n---\n```\n", path="f.void"
        )
    assert str(e.value).startswith("f.void:") and "!!binary" in str(e.value)


def test_the_cheaper_non_printable_pattern_refuses_the_same_characters() -> None:
    import re
    import subprocess
    import sys

    from wsblock.document import yamlread

    pyyaml, ours = re.compile(yamlread.PYYAML_NON_PRINTABLE), re.compile(yamlread.NON_PRINTABLE)
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in pyyaml.finditer(every)] == [m.start() for m in ours.finditer(every)]
    # PyYAML compiles the pattern the constant names, and imported through wsblock its
    # reader holds ours (fresh interpreters: this one may have imported yaml first)
    same = "print(yaml.reader.Reader.NON_PRINTABLE.pattern == y.{})"
    for code in (
        "import yaml.reader; from wsblock.document import yamlread as y; "
        + same.format("PYYAML_NON_PRINTABLE"),
        "from wsblock.document import yamlread as y; import yaml.reader; "
        + same.format("NON_PRINTABLE"),
    ):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert (run.returncode, run.stdout, run.stderr) == (0, "True\n", "")
