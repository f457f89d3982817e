"""wsblock.variables.masking: every secret, in every form, gone; nothing else touched."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wsblock.variables.masking import MASK, MIN_SECRET_LENGTH, Masker, Secrets


def test_no_secrets_returns_the_same_objects() -> None:
    m = Masker()
    text, data, obj = "hello", b"hello", {"a": ["b"]}
    assert not m
    assert m.mask(text) is text
    assert m.mask_bytes(data) is data
    assert m.mask_any(obj) is obj


def test_every_occurrence_of_every_secret() -> None:
    m = Masker({"tok3n", "p4ss"})
    assert m.mask("tok3n and p4ss, tok3n again") == f"{MASK} and {MASK}, {MASK} again"
    assert m.mask("nothing here") == "nothing here"


def test_a_secret_inside_a_longer_one_leaves_nothing() -> None:
    m = Masker({"abc", "abcdef"})
    assert m.mask("xabcdefx abcx") == f"x{MASK}x {MASK}x"


def test_overlapping_secrets_merge_into_one_mask() -> None:
    # A regex alternation would give "••••••xyz" and leak the end of the second.
    assert Masker({"abcdef", "defxyz"}).mask("_abcdefxyz_") == f"_{MASK}_"
    assert Masker({"aaa"}).mask("aaaaa") == MASK
    assert Masker({"abc"}).mask("abcabc") == MASK + MASK


def test_short_and_empty_values_are_not_masked_but_reported() -> None:
    m = Masker(["ab", "", None, "a", "abc"])
    assert MIN_SECRET_LENGTH == 3
    assert m.secrets == ("abc",)
    assert m.too_short == ("ab", "a")
    assert m.mask("ab a abc") == f"ab a {MASK}"
    assert Masker(["ab"], min_length=2).mask("ab") == MASK


def test_secrets_sorted_longest_first() -> None:
    assert Masker(["abc", "abcde", "xyzw"]).secrets == ("abcde", "xyzw", "abc")


def test_json_escaped_forms_are_masked() -> None:
    m = Masker({'pa"ss\\word', "pässwörd", "a/b/c"})
    for secret in m.secrets:
        for payload in (
            json.dumps({"password": secret}),
            json.dumps({"password": secret}, ensure_ascii=False),
        ):
            assert MASK in m.mask(payload)
            assert "ss" not in m.mask(payload).replace('"password"', "")
    assert m.mask('{"p": "a\\/b\\/c"}') == f'{{"p": "{MASK}"}}'


def test_url_encoded_forms_are_masked() -> None:
    secret = "s3cret key/+="
    m = Masker({secret})
    for url in (
        "wss://h/?" + urlencode({"token": secret}),
        "wss://h/?token=" + quote(secret, safe=""),
        "wss://h/" + quote(secret),
    ):
        masked = m.mask(url)
        assert MASK in masked, url
        assert "s3cret" not in masked


def test_bytes_are_masked_where_the_utf8_of_a_secret_occurs() -> None:
    m = Masker({"clé-secrète"})
    data = b"\x00\xff" + "clé-secrète".encode() + b"\x80"
    assert m.mask_bytes(data) == b"\x00\xff" + MASK.encode() + b"\x80"
    assert m.mask_bytes(b"\x00\x01") == b"\x00\x01"


def test_mask_any_walks_containers() -> None:
    m = Masker({"t0ken"})
    value = {"t0ken-key": ["a t0ken", ("t0ken", 1, None)], "b": b"t0ken", "n": 2.5}
    assert m.mask_any(value) == {
        f"{MASK}-key": [f"a {MASK}", (MASK, 1, None)],
        "b": MASK.encode(),
        "n": 2.5,
    }


@pytest.mark.parametrize("count", [1, 5, 40])
def test_many_secrets_same_result_as_few(count: int) -> None:
    # Above a few forms the masker searches with one regex; same answers.
    values = [f"secret-{i:03d}-x" for i in range(count)]
    m = Masker(values)
    text = " ".join(values) + " tail"
    assert m.mask(text) == " ".join([MASK] * count) + " tail"
    assert m.mask("no match at all") == "no match at all"
    assert m.mask_bytes(text.encode()) == m.mask(text).encode()


def test_repr_does_not_show_secrets() -> None:
    assert "hunter2" not in repr(Masker({"hunter2"}))


_alphabet = st.sampled_from('ab/ é"\\%+xyz')


@settings(max_examples=200, deadline=None)
@given(
    secrets=st.lists(st.text(_alphabet, min_size=3, max_size=8), min_size=1, max_size=4),
    parts=st.lists(st.text(_alphabet, max_size=6), max_size=6),
)
def test_no_secret_survives(secrets: list[str], parts: list[str]) -> None:
    m = Masker(secrets)
    text = "".join(p + secrets[i % len(secrets)] for i, p in enumerate(parts))
    masked = m.mask(text)
    for secret in secrets:
        assert secret not in masked
        assert secret.encode() not in m.mask_bytes(text.encode())


@settings(max_examples=100, deadline=None)
@given(text=st.text(st.characters(blacklist_characters="qQ"), max_size=40))
def test_text_without_secrets_is_unchanged(text: str) -> None:
    assert Masker({"qqq", "QQQQ"}).mask(text) == text


def test_secrets_grow_and_every_follower_gets_the_new_masker() -> None:
    secrets = Secrets({"s3cr3t"})
    journal: list[Masker] = []
    console: list[Masker] = []
    secrets.follow(journal.append)
    secrets.follow(console.append)
    assert journal[-1].mask("a s3cr3t b") == f"a {MASK} b"  # at once: the masker so far
    assert secrets.add("captured-token")
    for follower in (journal, console):
        assert follower[-1].mask('{"t": "captured-token", "s": "s3cr3t"}') == (
            f'{{"t": "{MASK}", "s": "{MASK}"}}'
        )
    assert not secrets.add("captured-token")  # known: nobody is told again
    assert not secrets.add("ab")  # too short to mask
    assert len(journal) == len(console) == 2
