"""Issue 18 in the app: a stateful request against the gateway peer (tests/peers/gateway_server.py).

The same conversation as ``wsblock run`` (tests/fixtures/stateful/gateway.void): the token
from the handshake, heartbeats on the interval from ``hello``, pings answered by a rule,
the session id from READY in the status command, paired with ``reply-to``. The gateway
closes the connection when the client does not hold its part, so a tab that stays
connected is itself the proof that the conversation is held.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_main_screen import SIZE, views

from peers.fixtures import gateway_peer  # noqa: F401 - the fixture, for this module
from pilot_wait import until
from wsblock.app import make_app
from wsblock.app.editor.blocks import complete_variable
from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.app.widgets.response.conversation import TabConversation
from wsblock.app.widgets.response.detail import render_message
from wsblock.variables.masking import MASK

GATEWAY_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "stateful" / "gateway.void"
WAIT = 30  # seconds: the machine may be loaded


def gateway_app(tmp_path: Path, peer, hb: int = 1000):
    """The gateway file, its gateway's beats and answers slowed for a loaded machine:
    heartbeats every ``hb`` ms (1,000 unless given; missed after three beats) with any of
    the last 20 sequence numbers, pings answered within 3 s."""
    path = tmp_path / "gateway.void"
    text = GATEWAY_FILE.read_text(encoding="utf-8")
    query = f"hb={hb}&answer=3000&recent=20"
    path.write_text(text.replace('"{{GATEWAY}}/gateway"', f'"{{{{GATEWAY}}}}/gateway?{query}"'))
    return make_app(path, env_vars={"GATEWAY": peer.base})


async def started(pilot, app) -> ConnectionView:
    """Run the request; wait until READY was captured (the steps are under way)."""
    await pilot.press("ctrl+j")
    assert await until(
        pilot,
        lambda: views(app) and "SID" in talk(views(app)[0]).values,
        WAIT,
    )
    return views(app)[0]


def talk(view: ConnectionView) -> TabConversation:
    """The tab's conversation (a stateful request has one)."""
    assert view.conversation is not None
    return view.conversation


def fired(view: ConnectionView, name: str) -> int:
    return next(row[2] for row in view.rules_view.rows() if row[0] == name)


def sent(view: ConnectionView) -> list[tuple[int, str]]:
    m = view.model
    return [(r, str(m.payloads[r])) for r in range(len(m)) if m.kind(r) == "sent"]


def screen_lines(view: ConnectionView) -> list[str]:
    log = view.log_view
    return [log.render_line(y).text for y in range(log.size.height)]


async def test_captures_rules_timers_and_marks_in_the_tab(tmp_path, gateway_peer):  # noqa: F811
    app = gateway_app(tmp_path, gateway_peer)
    async with app.run_test(size=SIZE) as pilot:
        view = await started(pilot, app)
        assert view.query_one("#conversation").display
        # the Variables view lists what was captured; the token is a secret
        rows = lambda: {name: value for name, value, _where in view.variables_view.rows()}  # noqa: E731
        assert await until(pilot, lambda: {"SESSION_TOKEN", "HB", "SEQ", "SID"} <= set(rows()))
        assert rows()["SESSION_TOKEN"] == MASK
        assert rows()["HB"] == "1000" and rows()["SID"] == talk(view).values["SID"]
        token = talk(view).values["SESSION_TOKEN"]
        # ... revealed on demand, in the view only: the log keeps it masked
        await pilot.click(f"#{view.id} #reveal")
        assert await until(pilot, lambda: rows()["SESSION_TOKEN"] == token)
        identify = next(r for r, text in sent(view) if '"identify"' in text)
        assert token not in str(view.model.shown(identify)) and MASK in str(
            view.model.shown(identify)
        )
        # the handshake's answer (the `open` row's detail) has the token and the cookie
        # masked: the token was captured into a secret before the row was drawn
        m = view.model
        opened = next(r for r in range(len(m)) if m.kind(r) == "open")
        _head, detail, _language = render_message(m, opened)
        assert "x-session-token" in detail.lower() and token not in detail
        assert not re.search(r"gw[tc]-[0-9a-f]{32}", detail) and MASK in detail, detail
        # the heartbeat timer fires and its count shows; the pings are answered by the rule
        assert await until(pilot, lambda: fired(view, "heartbeat") >= 4, WAIT)
        assert await until(pilot, lambda: fired(view, "answer pings") >= 2, WAIT)
        states = {row[0]: (row[1], row[3]) for row in view.rules_view.rows()}
        assert states["heartbeat"] == ("timer", "active"), view.status.text
        assert states["answer pings"] == ("rule", "active")
        # the log marks what a rule or timer sent, with its name
        marks = view.model.marks
        beats = [r for r, text in sent(view) if '"heartbeat"' in text]
        pongs = [r for r, text in sent(view) if '"pong"' in text]
        assert beats and all(marks.get(r) == "heartbeat" for r in beats)
        assert pongs and all(marks.get(r) == "answer pings" for r in pongs)
        assert not any(marks.get(r) for r, text in sent(view) if '"identify"' in text)
        await pilot.pause(0.1)
        assert await until(pilot, lambda: any("[heartbeat]" in line for line in screen_lines(view)))
        # ... and the latency of the paired reply beside it
        m = view.model
        status_reply = next(
            r for r in range(len(m)) if m.kind(r) == "received" and '"STATUS"' in str(m.payloads[r])
        )
        assert marks[status_reply].startswith("↪ status ") and marks[status_reply].endswith(" ms")
        # the expectations and captures are said in the log, as `run` says them
        said = [str(m.payloads[r]) for r in range(len(m)) if m.kind(r) in ("expect", "capture")]
        assert "captured SESSION_TOKEN = ••••••" in said
        assert any(s.startswith("expect status answered (reply in ") for s in said)
        # still connected: the gateway closes a client that misses a heartbeat or a ping
        assert view.status.state == "connected"
        # the editor's {{ completion offers the captured names
        names = app.main._variable_names()
        assert {"process.SID", "process.SESSION_TOKEN"} <= set(names)
        assert complete_variable('{"id": "{{process.SI', names) == '{"id": "{{process.SID}}'
        # the journal has the conversation's events, and the token masked once captured
        assert view.journal is not None
        view.journal.flush()
        records = [json.loads(line) for line in view.journal.path.read_text().splitlines()]
        assert {"capture", "expect"} <= {r["event"] for r in records}
        identify = next(r for r in records if r["event"] == "sent" and "identify" in r["data"])
        assert token not in identify["data"] and MASK in identify["data"]
        beats = [r for r in records if r["event"] == "sent" and r.get("name") == "heartbeat"]
        assert len(beats) >= 4


async def test_pausing_the_ping_rule_stops_the_answers(tmp_path, gateway_peer):  # noqa: F811
    app = gateway_app(tmp_path, gateway_peer)
    async with app.run_test(size=SIZE) as pilot:
        view = await started(pilot, app)
        assert await until(pilot, lambda: fired(view, "answer pings") >= 1, WAIT)
        view.rules_view.choose("answer pings")
        await pilot.click(f"#{view.id} #pause-rule")
        assert await until(pilot, lambda: "answer pings" in talk(view).paused)
        assert (
            talk(view).conductor is not None
            and "answer pings" in talk(view).conductor.conversation.paused
        )
        assert await until(pilot, lambda: ("answer pings", "rule") == view.rules_view.rows()[1][:2])
        paused_at = fired(view, "answer pings")
        pongs = len([1 for _r, text in sent(view) if '"pong"' in text])
        # no answer comes any more: the gateway closes 4008 "ping … not answered"
        assert await until(pilot, lambda: "4008" in view.status.text, WAIT), view.status.text
        assert "not answered" in view.status.text
        assert fired(view, "answer pings") == paused_at
        assert len([1 for _r, text in sent(view) if '"pong"' in text]) == pongs
        assert dict((r[0], r[3]) for r in view.rules_view.rows())["answer pings"] == "paused"
        # the end of the conversation says how often each fired
        m = view.model
        assert await until(
            pilot,
            lambda: any(
                m.kind(r) == "rule" and "heartbeat fired" in str(m.payloads[r])
                for r in range(len(m))
            ),
        )


async def test_resuming_a_paused_rule_with_its_key(tmp_path, gateway_peer):  # noqa: F811
    app = gateway_app(tmp_path, gateway_peer)
    async with app.run_test(size=SIZE) as pilot:
        view = await started(pilot, app)
        table = view.rules_view.table
        table.focus()
        view.rules_view.choose("track sequence")
        await pilot.press("p")
        assert await until(pilot, lambda: "track sequence" in talk(view).paused)
        assert view.composer.text == ""  # the key was the table's, not typed in the composer
        assert await until(
            pilot, lambda: view.rules_view.query_one("#pause-rule").label.plain == "Resume"
        )
        await pilot.press("p")
        assert await until(pilot, lambda: "track sequence" not in talk(view).paused)
        assert "track sequence" not in talk(view).conductor.conversation.paused
        notes = [str(p) for p in view.model.payloads if isinstance(p, str)]
        assert "rule track sequence paused" in notes and "rule track sequence resumed" in notes


def _log(view) -> str:
    """The tab's log as text, for a failure's report."""
    m = view.model
    return "\n".join(f"{m.kind(r)} {str(m.payloads[r])[:160]}" for r in range(len(m)))


async def test_process_variable_typed_in_the_composer_is_sent_filled(tmp_path, gateway_peer):  # noqa: F811
    app = gateway_app(tmp_path, gateway_peer)
    async with app.run_test(size=SIZE) as pilot:
        view = await started(pilot, app)
        sid = talk(view).values["SID"]
        # wait until the file's own status command was answered, then send ours
        m = view.model
        assert await until(pilot, lambda: "↪ status" in " ".join(m.marks.values()), WAIT)
        view.composer.load("json", "")
        view.composer.editor.focus()
        await pilot.press(*'{"op": "status", "session_id": "{{process.SID}}"}')
        assert view.composer.text == '{"op": "status", "session_id": "{{process.SID}}"}'
        await pilot.press("ctrl+j")
        ours = lambda: [t for _r, t in sent(view) if '"status"' in t]  # noqa: E731
        assert await until(pilot, lambda: len(ours()) == 2, WAIT), _log(view)
        assert json.loads(ours()[1]) == {"op": "status", "session_id": sid}
        # the gateway knows the session: the second STATUS says ok
        answers = lambda: [  # noqa: E731
            json.loads(str(m.payloads[r]))
            for r in range(len(m))
            if m.kind(r) == "received" and '"STATUS"' in str(m.payloads[r])
        ]
        assert await until(pilot, lambda: len(answers()) == 2, WAIT)
        assert answers()[1]["d"]["ok"] is True
        # a name not captured is said, never sent as text
        view.composer.load("json", '{"op": "status", "session_id": "{{process.NOPE}}"}')
        await pilot.press("ctrl+j")
        assert await until(
            pilot, lambda: any("process.NOPE" in str(p) for p in m.payloads if isinstance(p, str))
        )
        assert len(ours()) == 2
