"""The comparison shared by replay, diff, the mock and the app (conversation/compare.py)."""

from __future__ import annotations

import json

import pytest

from wsblock.conversation.compare import IgnoreRules, Msg, compare, same_message


def j(value: object) -> Msg:
    return Msg("text", json.dumps(value))


def test_json_differences_name_message_and_path() -> None:
    old = [j({"op": "hi", "items": [{"ts": 1, "n": 1}]}), Msg("text", "bye")]
    new = [j({"op": "ho", "items": [{"ts": 2, "n": 1}, {"ts": 3, "n": 2}]}), Msg("text", "bye")]
    found = [(d.index, d.path, d.recorded, d.new) for d in compare(old, new)]
    assert found == [
        (1, "body.items[0].ts", "1", "2"),
        (1, "body.items[1]", "(none)", '{"ts": 3, "n": 2}'),
        (1, "body.op", '"hi"', '"ho"'),
    ]
    rules = IgnoreRules.parse(["body.items[*].ts", "body.op", "body.items[1]"])
    assert compare(old, new, rules) == []


def test_count_type_and_text() -> None:
    diffs = compare([Msg("text", "a"), Msg("text", "b")], [Msg("binary", b"a")])
    assert [(d.index, d.path) for d in diffs] == [(1, "type"), (2, "message")]
    assert compare([Msg("text", "a")], [Msg("text", "b")])[0].path == "body"
    assert compare([j({"a": 1})], [Msg("text", "oops")])[0].new.startswith("not JSON")


def test_the_mock_matches_outside_ignored_paths() -> None:
    rules = IgnoreRules.parse(["body.id"])
    assert same_message(j({"op": "join", "id": 1}), j({"id": 2, "op": "join"}), rules)
    assert not same_message(j({"op": "join"}), j({"op": "leave"}), rules)
    assert same_message(Msg("binary", b"\x00"), Msg("binary", b"\x00"))


@pytest.mark.parametrize("bad", ["ts", "body..x", "body.items[", "items[0]"])
def test_malformed_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="--ignore"):
        IgnoreRules.parse([bad])
