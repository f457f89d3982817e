"""Expectations read the decoded value: matching.Inbound, shared by `run` and `load`."""

from __future__ import annotations

from dataclasses import dataclass

from wsblock.codecs import parse_codec
from wsblock.conversation.checks import MISSING
from wsblock.conversation.matching import Inbound, judge
from wsblock.conversation.prechecks import field_problem
from wsblock.conversation.request import Check


@dataclass
class Frame:  # what a load test's frame or an engine event offers
    data: bytes | str
    type: str = "binary"
    size: int = 0


MSGPACK = b"\x82\xa6symbol\xa3BTC\xa3qty\x05"


def test_body_fields_read_the_decoded_value_and_decoded_names_the_decoder() -> None:
    msg = Inbound(Frame(MSGPACK), None, parse_codec("msgpack"))
    assert msg.field("body.symbol") == "BTC" and msg.field("body.qty") == 5
    assert msg.field("type") == "binary" and msg.field("decoded") == "msgpack"
    checks = (
        Check("sym", "body.symbol", "equals", "BTC"),
        Check("dec", "decoded", "equals", "msgpack"),
    )
    assert judge(checks, msg.field) == []


def test_an_undecodable_message_has_no_decoded_fields() -> None:
    msg = Inbound(Frame(b"\xc1"), None, parse_codec("msgpack"))
    assert msg.field("body.symbol") is MISSING and msg.field("decoded") is MISSING
    assert msg.field("body") == "wQ=="  # the raw message is still there


def test_without_a_codec_nothing_changes() -> None:
    msg = Inbound(Frame('{"a": 1}', "text"), None)
    assert msg.field("body.a") == 1 and msg.field("decoded") is MISSING


def test_decoded_is_a_known_expectation_field() -> None:
    assert field_problem("decoded", "expect") is None
