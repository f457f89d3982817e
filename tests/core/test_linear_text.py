"""No text a user writes makes the document or variable layers slow (issue 24).

Each pattern that was superlinear on some input is now read by a scanner of its own;
the scanners give what the patterns give (the patterns stay as their definitions), and
an adversarial run of braces, brackets, hashes or blanks costs time in proportion to
its length: a bound per KiB, generous for a loaded machine (the quadratic versions
took minutes on 100 KB).
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsblock.document.requests import _ATX, _LINK, _TAG, _atx_text, _headings, _unlink, _untag
from wsblock.document.yamlstyle import _MORE_INDENTED, _join_more_indented
from wsblock.variables.faker import FakerError, fake
from wsblock.variables.sources import ANY_VARIABLE, VariableError, Variables, variables

#: Seconds per KiB of input, and a floor: far above linear, far below quadratic.
PER_KIB, FLOOR = 0.02, 1.0

BRACES = ["{{", "}}", "{", "}", "$faker.", "$faker.a.b(", "(", ")", " ", "\n", "a", "x}"]


def pieces(alphabet: list[str], size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=size).map("".join)


@settings(max_examples=400, deadline=None)
@given(pieces(BRACES))
def test_variables_finds_what_the_pattern_finds(text: str) -> None:
    want = [(m.start(), m.end(), m.group(1)) for m in ANY_VARIABLE.finditer(text)]
    assert list(variables(text)) == want


@settings(max_examples=400, deadline=None)
@given(pieces(["#", "###", " ", "\t", "a", "[", "]", "(", ")", "](", "![", "<", ">", "<>"]))
def test_heading_scanners_read_what_the_patterns_read(text: str) -> None:
    m = _ATX.fullmatch(text)
    assert _atx_text(text) == (None if m is None else (m.group(2) or ""))
    assert _unlink(text) == _LINK.sub(r"\1", text)
    assert _untag(text) == _TAG.sub("", text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="\n\t \rx\u2028", max_size=30))
def test_more_indented_join_is_the_pattern(text: str) -> None:
    want = _MORE_INDENTED.sub(lambda m: m.group(1) + (m.group(2) or ""), text)
    assert _join_more_indented(text) == want


def _substitute(text: str) -> None:
    try:
        Variables({"A": "1"}).substitute(text, "test")
    except VariableError:
        pass  # an unknown {{…}} is refused, in words: what matters here is how soon


#: What each scanner is fed: a unit, repeated, in the middle of a line.
ADVERSARIAL = {
    "substitute": (_substitute, ["{{", "{{$faker.a(", "{{ ", "{{a}", "{{$faker.a.b( )"]),
    "headings": (_headings, ["# a" + " " * 7, "[", "[a](", "<", "![]("]),
    "more-indented": (_join_more_indented, ["\n \n", " \n", "\n "]),
}


@pytest.mark.parametrize("what", sorted(ADVERSARIAL))
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_adversarial_runs_cost_time_per_kib(what: str, data: st.DataObject) -> None:
    fn, units = ADVERSARIAL[what]
    unit = data.draw(st.sampled_from(units), label="unit")
    count = data.draw(st.integers(1_000, 60_000), label="count")
    tail = data.draw(st.sampled_from(["", "x", " ", "}", ")", "\n"]), label="tail")
    text = "<ping/>" + unit * count + tail
    started = time.perf_counter()
    fn(text)
    took = time.perf_counter() - started
    kib = len(text.encode()) / 1024
    assert took < FLOOR + PER_KIB * kib, f"{took:.2f} s for {kib:.0f} KiB of {unit!r}"


def test_faker_arguments_too_deep_are_refused_in_words() -> None:
    with pytest.raises(FakerError, match=r"cannot read the arguments .*100001 characters"):
        fake("$faker.string.alpha(" + "-" * 100_000 + "1)")


def test_faker_call_with_long_blanks_is_read_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(FakerError):
        fake("$faker.string.alpha" + " " * 50_000 + "x")
    assert time.perf_counter() - started < FLOOR
