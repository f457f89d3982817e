"""Issue 22.2 (the app): a clean close is not drawn as a failure, and a failure is drawn
once. Against the embedded echo server and a port where nothing listens."""

from __future__ import annotations

from test_main_screen import free_port, views, write_void

from pilot_wait import until
from wsblock.app import make_app

SIZE = (170, 56)


async def ended(tmp_path, url: str, then=None) -> tuple[list[tuple[str, str, bool]], str, str]:
    """Run a one-request file on ``url`` (``then(view)`` once connected) until the
    connection is over: the log's system rows (kind, words, drawn as a failure), the
    status and the tab's label."""
    app = make_app(write_void(tmp_path / "close.void", url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("f5")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state != "connecting")
        view = views(app)[0]
        if then is not None:
            then(view)
        assert await until(pilot, lambda: view.status.state == "disconnected", timeout=10)
        tabs = app.main.tabs

        def tab() -> str:
            return str(tabs.get_tab(tabs.active).label.plain)

        assert await until(pilot, lambda: tab()[0] not in "◌●")
        m = view.model
        rows = [(m.kind(r), str(m.payloads[r]), m.is_failure(r)) for r in range(len(m))]
        system = [row for row in rows if row[0] not in ("sent", "received")]
        return system, view.status.text, tab()


async def test_a_close_by_the_client_or_the_server_is_not_a_failure(tmp_path, echo_url):
    rows, status, tab = await ended(tmp_path, f"{echo_url}/echo", lambda v: v.disconnect())
    assert rows[-1] == ("close", 'closed 1000 "bye" by client', False)
    assert not any(failed for _k, _w, failed in rows)
    assert status == '○ Disconnected  closed 1000 "bye" by client' and tab.startswith("○ ")
    url = f"{echo_url}/close?code=1000&reason=done&after=1"
    rows, status, tab = await ended(tmp_path, url, lambda v: v.send("text", "x"))
    assert ("close", 'closed 1000 "done" by server', False) in rows
    assert not any(failed for _k, _w, failed in rows)
    assert status == '○ Disconnected  closed 1000 "done" by server' and tab.startswith("○ ")


async def test_a_refused_connect_or_a_drop_is_one_failure_said_once(tmp_path, echo_url):
    rows, status, tab = await ended(tmp_path, f"ws://127.0.0.1:{free_port()}/echo")
    assert [(k, failed) for k, _w, failed in rows] == [
        ("connecting", False),
        ("error", True),
        ("close", False),
    ]
    assert rows[-1][1] == "not connected" and "1006" not in " ".join(w for _k, w, _f in rows)
    assert status.startswith("○ Disconnected  connection refused by 127.0.0.1:")
    assert tab.startswith("✖ ")
    rows, status, tab = await ended(tmp_path, f"{echo_url}/drop")
    assert [failed for _k, _w, failed in rows] == [False, False, True, False]
    assert rows[2][1].startswith("dropped: ") and rows[3] == (
        "close",
        "closed 1006 by error",
        False,
    )
    assert "closed 1006 by error" not in status and status.count("1006") == 1
    assert tab.startswith("✖ ")


async def test_a_close_by_the_server_with_1011_is_a_failure(tmp_path, echo_url):
    url = f"{echo_url}/close?code=1011&reason=oops&after=1"
    rows, status, tab = await ended(tmp_path, url, lambda v: v.send("text", "x"))
    assert ("close", 'closed 1011 "oops" by server', True) in rows
    assert sum(failed for _k, _w, failed in rows) == 1
