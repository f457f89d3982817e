"""Issue 18: the sans-I/O conversation (conversation/state.py) and Voiden's paths (paths.py).

No socket here: the machine is fed "sent at t", "received at t", "time is t" and its
actions are checked. The same machine plays `run` and `load` (tests/cli, tests/load).
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from wsblock.conversation.checks import MISSING
from wsblock.conversation.paths import Unfilled, path_problem, render, value_at
from wsblock.conversation.request import Capture, Check, Expect, Message, Request, Rule, Timer
from wsblock.conversation.state import (
    Captured,
    Conversation,
    Failed,
    Fired,
    Held,
    Send,
    secret_capture,
)


def msg(name: str, data: str, late: bool = False, fmt: str = "json") -> Message:
    return Message(name, fmt, data, late=late)  # type: ignore[arg-type]


def expect(name: str, *rows: tuple[str, str, str], reply_to: str | None = None, **kw) -> Expect:
    checks = tuple(Check(f, f, op, e) for f, op, e in rows)
    late = any("{{" in e for _, _, e in rows)
    return Expect(name, kw.pop("timeout", 5.0), checks, reply_to=reply_to, late=late, **kw)


def sends(actions) -> list[str]:
    return [a.message.data for a in actions if isinstance(a, Send)]


def test_value_at_follows_voidens_paths() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "s": '{"x": [5, 6]}', "H": {"X-Token": "t"}}
    assert value_at(doc, "a.b[1].c") == 2
    assert value_at(doc, "a.b.0.c") == 1
    assert value_at(doc, "s.x[1]") == 6  # a string holding JSON is parsed on the way
    assert value_at(doc, "H.x-token") == "t"  # header names: any case
    assert value_at(doc, "a.nope") is MISSING and value_at(doc, "a.b[9]") is MISSING
    assert path_problem("a..b") and path_problem("a[x]") and path_problem("")
    assert path_problem("body.d.session_id") is None


def test_render_writes_numbers_as_themselves_in_json() -> None:
    values = {"SEQ": 17, "SID": 'a"b', "OK": True, "NONE": None}

    def lookup(root: str, path: str):
        return values.get(path, MISSING)

    text = (
        '{"d": {{process.SEQ}}, "s": "{{process.SID}}", "o": {{process.OK}}, "n": {{process.NONE}}}'
    )
    assert json.loads(render(text, lookup, json_text=True)) == {
        "d": 17,
        "s": 'a"b',
        "o": True,
        "n": None,
    }
    assert render("seq={{process.SEQ}}", lookup) == "seq=17"
    try:
        render("{{process.GONE}}", lookup)
    except Unfilled as e:
        assert "GONE" in str(e)
    else:
        raise AssertionError("an uncaptured value must not be sent as text")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(st.text(min_size=1, alphabet="abcxyz"), c, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_any_captured_value_fills_a_json_message(value) -> None:
    text = '{"v": {{process.V}}, "s": "{{process.V}}"}'
    out = json.loads(render(text, lambda r, p: value, json_text=True))
    assert out["v"] == value


def test_reply_to_pairs_out_of_order_replies_kept_while_an_earlier_step_waits() -> None:
    req = Request(
        "rpc",
        "ws://x",
        steps=(
            msg("slow", '{"id": 1}'),
            msg("fast", '{"id": 2}'),
            expect("slow answered", ("body.id", "equals", "{{$req.body.id}}"), reply_to="slow"),
            expect("fast answered", ("body.id", "equals", "{{$req.body.id}}"), reply_to="fast"),
        ),
    )
    c = Conversation(req)
    assert sends(c.start(0.0)) == ['{"id": 1}', '{"id": 2}']
    assert c.received(0.1, '{"id": 2}') == []  # fast's reply first: kept
    out = c.received(0.6, '{"id": 1}')
    held = [a for a in out if isinstance(a, Held)]
    assert [(h.name, h.latency_ms) for h in held] == [
        ("slow answered", 600.0),
        ("fast answered", 100.0),
    ]
    assert c.steps_done


def test_reply_to_with_a_protocol_key_takes_only_messages_with_that_key() -> None:
    req = Request(
        "io",
        "ws://x",
        steps=(msg("add", '["add", 1]'), expect("acked", ("body", "exists", ""), reply_to="add")),
    )
    c = Conversation(req)
    (send,) = [a for a in c.start(0.0) if isinstance(a, Send)]
    c.note_sent(send, 0.01, key=7)
    assert not any(isinstance(a, Held) for a in c.received(0.02, '{"ack": 6}', key=6))
    assert any(isinstance(a, Held) for a in c.received(0.03, '{"ack": 7}', key=7))


def test_rules_answer_and_capture_timers_beat_with_a_captured_interval() -> None:
    req = Request(
        "gw",
        "ws://x",
        steps=(
            expect(
                "hello",
                ("body.op", "equals", "hello"),
                captures=(Capture("HB", "{{$res.body.hb}}"),),
            ),
            Rule(
                "seq",
                (Check("s", "body.s", "exists", ""),),
                (Capture("SEQ", "{{$res.body.s}}"),),
            ),
            Rule(
                "pings",
                (Check("p", "body.op", "equals", "ping"),),
                answer=msg("pong", '{"op": "pong", "n": "{{$res.body.n}}"}', late=True),
            ),
            Timer("beat", "{{process.HB}}ms", msg("b", '{"d": {{process.SEQ}}}', late=True)),
            expect("done", ("body.op", "equals", "bye"), timeout=60),
        ),
    )
    c = Conversation(req)
    assert c.start(0.0) == [] and c.deadline == 5.0
    out = c.received(0.1, '{"op": "hello", "hb": 250}')
    assert Captured("HB", 250, True, False, "") in [
        Captured(a.name, a.value, a.found, a.secret, "") for a in out if isinstance(a, Captured)
    ]
    assert c.deadline == 0.35  # the timer, from its place: 250 ms after
    out = c.received(0.2, '{"op": "ping", "s": 4, "n": "x1"}')
    assert [a for a in out if isinstance(a, Fired)] == [
        Fired("seq", "rule", 1),
        Fired("pings", "rule", 1),
    ]
    assert sends(out) == ['{"op": "pong", "n": "x1"}']
    out = c.tick(0.36)
    assert sends(out) == ['{"d": 4}'] and [a.by for a in out if isinstance(a, Send)] == ["beat"]
    c.pause("beat")
    assert sends(c.tick(0.61)) == []
    c.pause("beat", False)
    assert sends(c.tick(0.86)) == ['{"d": 4}']
    assert any(isinstance(a, Held) for a in c.received(1.0, '{"op": "bye"}'))
    assert c.counts == {"seq": 1, "pings": 1, "beat": 2}


def test_a_close_while_a_step_waits_fails_naming_it() -> None:
    c = Conversation(Request("r", "ws://x", steps=(expect("e", ("body", "exists", "")),)))
    c.start(0.0)
    (failed,) = c.closed(0.5, 'closed 4009 "heartbeat timeout" by server')
    assert isinstance(failed, Failed) and failed.kind == "closed" and "4009" in failed.reason


def test_an_expectation_out_of_time_fails_with_the_last_message() -> None:
    c = Conversation(
        Request("r", "ws://x", steps=(expect("e", ("body.op", "equals", "x"), timeout=1),))
    )
    c.start(0.0)
    c.received(0.5, '{"op": "y"}')
    (failed,) = c.tick(1.0)
    assert isinstance(failed, Failed) and "within 1 s" in failed.reason and "'y'" in failed.reason


def test_an_uncaptured_value_fails_instead_of_being_sent() -> None:
    c = Conversation(
        Request("r", "ws://x", steps=(msg("m", '{"s": "{{process.SID}}"}', late=True),))
    )
    (failed,) = c.start(0.0)
    assert isinstance(failed, Failed) and "SID" in failed.reason


def test_a_capture_is_secret_by_its_name_or_by_where_it_reads() -> None:
    assert secret_capture("SESSION_TOKEN", "{{$res.body.t}}")
    assert secret_capture("SESS", "{{$res.headers.x-session-token}}")
    assert secret_capture("AUTH", "Bearer {{$res.body.auth.access_token}}")
    assert secret_capture("COPY", "{{process.API_KEY}}")
    assert not secret_capture("SID", "{{$res.body.d.session_id}}")
    assert not secret_capture("HB", "{{$res.body.d.heartbeat_interval}}")
    # a handshake header by the rule for headers: a cookie, a session's handle
    assert secret_capture("C", "{{$res.headers.set-cookie}}")
    assert secret_capture("S", "{{$res.headers.x-session-id}}")
    assert not secret_capture("T", "{{$res.headers.x-resume-ticket}}")
    assert not secret_capture("B", "{{$res.body.headers.x-session-id}}")  # a field, not a header
