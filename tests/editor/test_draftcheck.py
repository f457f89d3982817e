"""The editor and the composer check a draft message by one rule."""

from wsblock.conversation.draftcheck import check_draft


def test_variable_in_json_is_a_valid_draft():
    assert check_draft("json", '{"n": {{N}}}') is None
    assert check_draft("json", '{"n": "{{N}}"}') is None


def test_invalid_json_is_an_error():
    err = check_draft("json", '{"n": }')
    assert err is not None and err.line == 1


def test_empty_and_binary_with_variable_are_not_errors():
    assert check_draft("json", "  ") is None
    assert check_draft("binary", "{{B64}}") is None
    assert check_draft("binary", "!!!") is not None
