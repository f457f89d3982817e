"""The recorded sessions in the app (F7): a session replayed and compared side by side,
a mock server of a session started, used and stopped, and a HAR file opened from the
file list as a new untitled ``.void`` file. Real servers on 127.0.0.1 (the embedded
echo server in the test's loop), journals in the test's own state folder."""

from __future__ import annotations

import asyncio
import json
import shutil
import stat
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from pilot_wait import until
from wsblock.app import make_app
from wsblock.app.editor.files import FilesPanel
from wsblock.app.screens.replay import ReplayScreen
from wsblock.app.screens.sessions import SessionsScreen
from wsblock.app.widgets.replay import DIFFERENT, SAME, ReplayComparison
from wsblock.conversation.request import Message, Request
from wsblock.engine import Session
from wsblock.journal import Journal, handshake_of

SIZE = (150, 44)
HARS = Path(__file__).resolve().parents[1] / "fixtures" / "har"
WAIT = 20.0  # a loaded machine: give the servers room


async def record(url: str, messages: list[str], name: str = "chat", times: int = 1) -> Path:
    """A session recorded as any run records one: the engine and a journal; each
    message sent after the server answered the one before; ``times`` connections, one
    after the other (as the app's Reconnect makes them), each sending ``messages``."""
    request = Request(name=name, url=url)
    journal = Journal.create(name=name, url=url, handshake=handshake_of(request))
    for _ in range(times):
        await _converse(request, journal, url, messages)
    journal.close()
    return journal.path


async def _converse(request: Request, journal: Journal, url: str, messages: list[str]) -> None:
    session = Session(request)
    session.add_parts_listener(journal.record_parts)
    received: list[object] = []
    news = asyncio.Event()

    def heard(event) -> None:
        if event.kind == "received":
            received.append(event.data)
            news.set()

    session.add_listener(heard)
    assert await session.connect()

    async def until_received(n: int) -> None:
        while len(received) < n:
            news.clear()
            await asyncio.wait_for(news.wait(), WAIT)

    first = 1 if "/headers" in url else 0  # /headers reports the handshake first
    await until_received(first)
    for n, text in enumerate(messages, 1):
        assert await session.send(Message(name=f"m{n}", format="json", data=text))
        await until_received(first + n)
    await session.close()
    await session.wait_closed()


def screen_of(app, kind):
    return app.screen if isinstance(app.screen, kind) else None


async def open_sessions(app, pilot) -> SessionsScreen:
    await pilot.press("f7")
    assert await until(pilot, lambda: screen_of(app, SessionsScreen), timeout=WAIT)
    return app.screen


async def replay_selected(app, pilot) -> ReplayScreen:
    """F7, then R on the selected session: its replay screen once the comparison is in."""
    await open_sessions(app, pilot)
    await pilot.press("r")
    assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
    replay: ReplayScreen = app.screen
    assert await until(pilot, lambda: replay.received is not None, timeout=WAIT)
    await pilot.pause()
    return replay


async def test_a_session_replayed_side_by_side(echo_url: str) -> None:
    same = await record(f"{echo_url}/echo", ['{"op": "hi", "user": "ada"}', '{"op": "bye"}'])
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        sessions = await open_sessions(app, pilot)
        assert sessions.selected == same.stem
        await pilot.press("r")
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
        replay: ReplayScreen = app.screen
        assert await until(pilot, lambda: replay.received is not None, timeout=WAIT)
        await pilot.pause()
        status = str(replay.query_one("#replay-status").render())
        assert "same as recorded" in status, status
        rows = replay.query_one(ReplayComparison).rows
        assert [(n, mark) for n, _, _, mark in rows] == [("1", SAME), ("2", SAME)]
        assert '{"op": "hi", "user": "ada"}' in rows[0][1] and rows[0][1] == rows[0][2]
        assert replay.journal_path is not None and replay.journal_path.is_file()
        await pilot.press("escape")
        assert await until(pilot, lambda: screen_of(app, SessionsScreen))
        await pilot.press("escape")
        assert await until(pilot, lambda: not screen_of(app, SessionsScreen))


async def test_a_replay_that_differs_is_marked_and_ignore_paths_apply(echo_url: str) -> None:
    # /headers reports the handshake: its Sec-WebSocket-Key differs on every connection
    path = await record(f"{echo_url}/headers", ['{"op": "hi"}'], name="headers")
    first = json.loads(_first_received(path))
    key = [n.lower() for n, _ in first["headers"]].index("sec-websocket-key")
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        replay = await replay_selected(app, pilot)
        comparison = replay.query_one(ReplayComparison)
        assert [(n, mark) for n, _, _, mark in comparison.rows] == [("1", DIFFERENT), ("2", SAME)]
        assert [d.path for d in comparison.differences] == [f"body.headers[{key}][1]"]
        listed = str(comparison.query_one("#replay-differences").render())
        assert f"message 1, body.headers[{key}][1]: recorded" in listed
        assert "different: 1 difference(s)" in str(replay.query_one("#replay-status").render())
        # an ignore path re-compares what was received, without connecting again
        journal = replay.journal_path
        replay.query_one("#replay-ignore").focus()
        await pilot.press(*f"body.headers[{key}]", "enter")
        assert await until(
            pilot, lambda: "same as recorded" in str(replay.query_one("#replay-status").render())
        )
        assert [mark for *_, mark in comparison.rows] == [SAME, SAME]
        assert replay.journal_path == journal


def _first_received(path: Path) -> str:
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if record.get("event") == "received":
            return str(record["data"])
    raise AssertionError("nothing received")


async def test_a_mock_of_a_session_started_used_and_stopped(echo_url: str) -> None:
    await record(f"{echo_url}/echo", ['{"op": "hi", "user": "ada"}'])
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        sessions = await open_sessions(app, pilot)
        await pilot.press("m")
        mocks = app.main.mocks
        assert await until(pilot, lambda: mocks.running, timeout=WAIT)
        url = mocks.running[0].url
        assert url.startswith("ws://127.0.0.1:")
        await pilot.pause()
        assert url in str(sessions.query_one("#sessions-mocks").render())
        async with connect(f"{url}/anything", open_timeout=WAIT) as ws:
            await ws.send('{"op": "hi", "user": "ada"}')
            assert json.loads(await asyncio.wait_for(ws.recv(), WAIT)) == {
                "op": "hi",
                "user": "ada",
            }
        assert await until(
            pilot, lambda: "client 1 closed" in "\n".join(sessions.query_one("#sessions-log").lines)
        )
        assert "client 1 → message 1 (m1) matched" in "\n".join(
            sessions.query_one("#sessions-log").lines
        )
        # M again: the same mock, not a second one
        await pilot.press("m")
        await pilot.pause(0.2)
        assert len(mocks.running) == 1
        await pilot.press("s")
        assert await until(pilot, lambda: not mocks.running, timeout=WAIT)
        with pytest.raises(OSError):
            async with connect(url, open_timeout=WAIT):
                pass
        # the mock outlives the list: closed and opened again, it still runs
        await pilot.press("m")
        assert await until(pilot, lambda: mocks.running, timeout=WAIT)
        await pilot.press("escape")
        assert await until(pilot, lambda: not screen_of(app, SessionsScreen))
        async with connect(mocks.running[0].url, open_timeout=WAIT):
            pass
        await app.action_quit()  # quitting stops it
        assert await until(pilot, lambda: not mocks.running, timeout=WAIT)


async def test_a_session_that_never_connected_cannot_be_mocked_or_replayed(tmp_path) -> None:
    closed = f"ws://127.0.0.1:{_closed_port()}/echo"
    request = Request(name="nowhere", url=closed)
    journal = Journal.create(name="nowhere", url=closed, handshake=handshake_of(request))
    session = Session(request)
    session.add_parts_listener(journal.record_parts)
    assert not await session.connect()
    await session.wait_closed()
    journal.close()
    app = make_app(None)
    notices: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        sessions = await open_sessions(app, pilot)
        sessions.notify = lambda message, **kw: notices.append(message)  # type: ignore[method-assign]
        await pilot.press("m")
        assert await until(pilot, lambda: notices)
        assert "never connected" in notices[0] and not app.main.mocks.running
        await pilot.press("r")
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
        status = app.screen.query_one("#replay-status")
        assert await until(pilot, lambda: "never connected" in str(status.render()))


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_har_opens_from_the_file_list_as_a_new_untitled_file(tmp_path) -> None:
    shutil.copy(HARS / "two.har", tmp_path / "page.har")
    (tmp_path / "notes.txt").write_text("not listed\n")
    app = make_app(tmp_path)
    notices: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        area = app.main.area
        area.notify = lambda message, **kw: notices.append((message, kw.get("severity", "")))  # type: ignore[method-assign]
        panel = area.query_one(FilesPanel)
        assert {p.name for p in panel.filter_paths(tmp_path.iterdir())} == {"page.har"}
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        await pilot.press("down", "enter")  # the folder, page.har
        assert await until(pilot, lambda: notices, timeout=WAIT)
        session = area.current.session
        text = session.doc.dump()
        assert session.path is None and session.dirty  # untitled, unsaved: Ctrl+S names it
        assert "{{WS_BASE}}/socket" in text and "{{WS_BASE_2}}/prices" in text
        for secret in ("qwerty12345", "c00kie-s3cret", "eyJhbGciOiJIUzI1NiJ9", "f33d-t0ken-999"):
            assert secret not in text
        env = tmp_path / "page.env"
        assert stat.S_IMODE(env.stat().st_mode) == 0o600 and "f33d-t0ken-999" in env.read_text()
        message, severity = notices[0]
        assert "2 requests in a new untitled file" in message and str(env) in message
        assert severity == "information"
        assert len(area.editors) == 1  # the untouched untitled tab made way

        # again: the .env exists and is not overwritten; the user is told to set the values
        env.write_text("# mine\n")
        await area.open_har(tmp_path / "page.har").wait()
        assert len(notices) == 2
        message, severity = notices[1]
        assert "exists and was not overwritten: set these variables" in message
        assert "WS_BASE_2" in message and severity == "warning"
        assert env.read_text() == "# mine\n"
        assert len(area.editors) == 2  # the first import is unsaved: kept

        # a file that is not a HAR: said, nothing opened
        (tmp_path / "broken.har").write_text("<html>")
        await area.open_har(tmp_path / "broken.har").wait()
        message, severity = notices[2]
        assert "not JSON" in message and severity == "error" and len(area.editors) == 2


def demo_file(path: Path, url: str) -> Path:
    """The bundled demo file, its request aimed at ``url``."""
    from wsblock.app import DEMO_FILE

    text = DEMO_FILE.read_text(encoding="utf-8").replace('"{{ECHO_URL}}/echo"', json.dumps(url))
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_finished_tab_is_replayed_from_its_response_tab(echo_url: str, tmp_path) -> None:
    from wsblock.app.screens.main import MainScreen

    app = make_app(demo_file(tmp_path / "echo.void", f"{echo_url}/echo"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        connections = app.main.connections
        assert await until(
            pilot,
            lambda: connections() and connections()[0].status.state == "connected",
            timeout=WAIT,
        )
        view = connections()[0]
        button = view.query_one("#replay-tab")
        assert button.disabled  # a live connection: nothing finished to replay yet
        view.send("text", "hi there")
        assert await until(pilot, lambda: view.model.count_in >= 1, timeout=WAIT)
        view.disconnect()
        assert await until(pilot, lambda: not button.disabled, timeout=WAIT)
        button.press()
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
        replay: ReplayScreen = app.screen
        assert view.journal is not None and replay.session == Path(view.journal.path)
        assert await until(pilot, lambda: replay.received is not None, timeout=WAIT)
        await pilot.pause()
        status = str(replay.query_one("#replay-status").render())
        assert "same as recorded" in status, status
        rows = replay.query_one(ReplayComparison).rows
        assert [mark for *_, mark in rows] == [SAME] and "hi there" in rows[0][1]
        assert "connections" not in status
        await pilot.press("escape")
        assert await until(pilot, lambda: screen_of(app, MainScreen))

        # Reconnect: the tab's journal holds a second connection; a replay plays both
        await pilot.press("ctrl+r")
        assert await until(pilot, lambda: view.status.state == "connected", timeout=WAIT)
        assert button.disabled
        view.send("text", "again")
        assert await until(pilot, lambda: view.model.count_in >= 2, timeout=WAIT)
        view.disconnect()
        assert await until(pilot, lambda: not button.disabled, timeout=WAIT)
        button.press()
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
        replay = app.screen
        assert await until(pilot, lambda: replay.received is not None, timeout=WAIT)
        await pilot.pause()
        status = str(replay.query_one("#replay-status").render())
        assert "same as recorded" in status, status
        assert "2 connections, replayed one after the other" in status
        rows = replay.query_one(ReplayComparison).rows
        assert [(n, mark) for n, *_, mark in rows] == [("1·1", SAME), ("2·1", SAME)]
        assert "hi there" in rows[0][1] and "again" in rows[1][1]
        await pilot.press("escape")
        assert await until(pilot, lambda: screen_of(app, MainScreen))


async def test_escape_during_a_replay_closes_its_session(
    echo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wsblock.replay
    from wsblock.engine import State

    path = await record(f"{echo_url}/echo", ['{"n": 1}', '{"n": 2}'])
    # the second message was sent a minute later: the replay, paced as recorded, waits
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    sent = [r for r in lines if r.get("event") == "sent"]
    for r in lines[lines.index(sent[1]) :]:
        if "mono" in r:
            r["mono"] += 60.0
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))

    made: list[Session] = []

    class Kept(Session):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(wsblock.replay, "Session", Kept)
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(app, pilot)
        await pilot.press("r")
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)
        replay: ReplayScreen = app.screen
        assert await until(
            pilot, lambda: made and made[0].stats.received >= 1, timeout=WAIT
        )  # the first message echoed; the second waits its minute
        assert replay.running and made[0].state is State.CONNECTED
        await pilot.press("escape")
        assert await until(pilot, lambda: screen_of(app, SessionsScreen))
        assert await until(pilot, lambda: made[0].state is State.DISCONNECTED, timeout=WAIT)
        assert made[0].closed_by == "client" and made[0].close_code == 1000
        # the replay's journal is whole: it ends with that close
        assert await until(pilot, lambda: replay.journal_path is not None, timeout=WAIT)
        assert replay.journal_path is not None
        records = [json.loads(line) for line in replay.journal_path.read_text().splitlines()]
        assert records[-1]["event"] == "close" and records[-1]["by"] == "client"


async def test_a_session_whose_journal_was_cut_short_says_so(echo_url: str) -> None:
    path = await record(f"{echo_url}/echo", ['{"op": "hi"}'])
    path.write_bytes(path.read_bytes()[:-10])  # its last line, cut as a kill leaves it
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(app, pilot)
        await pilot.press("r")
        assert await until(pilot, lambda: screen_of(app, ReplayScreen), timeout=WAIT)

        def warned() -> bool:
            return any(
                n.title == "Journal cut short" and f"{path.name}: its last line" in n.message
                for n in app._notifications
            )

        assert await until(pilot, warned, timeout=WAIT)


async def test_a_session_that_connected_twice_is_replayed_connection_by_connection(
    echo_url: str,
) -> None:
    await record(f"{echo_url}/echo", ['{"op": "hi"}'], name="twice", times=2)
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        replay = await replay_selected(app, pilot)
        assert [(n, mark) for n, *_, mark in replay.query_one(ReplayComparison).rows] == [
            ("1·1", SAME),
            ("2·1", SAME),
        ]
        status = str(replay.query_one("#replay-status").render())
        assert "same as recorded" in status and "2 connections" in status, status
