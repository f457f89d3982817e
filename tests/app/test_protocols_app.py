"""The app speaking Socket.IO and GraphQL to the real npm servers: composer modes, the log in
events (`→ emit add {..}`, `← ack 0 {..}`, `← next #1 {..}`), the raw frame in the detail
view, protocol pings hidden, the namespace or connection_ack in the status."""

from __future__ import annotations

from pathlib import Path

from test_main_screen import SIZE, until, views

from cli.void_files import request, table, write
from peers.fixtures import Peer, graphql_peer, socketio_peer  # noqa: F401
from wsblock.app import make_app
from wsblock.app.widgets.response.detail import render_message


def protocol_file(path: Path, url: str, *rows: list[str]) -> Path:
    return write(path, request(url, "Live"), table("socket-options", [list(r) for r in rows]))


async def test_socketio_composer_log_detail_and_status(tmp_path, socketio_peer: Peer) -> None:  # noqa: F811
    path = protocol_file(
        tmp_path / "sio.void", f"http://127.0.0.1:{socketio_peer.port}", ["protocol", "socket.io"]
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        view = views(app)[0]
        assert "namespace / (sid " in view.status.text
        composer = view.composer
        composer.load("socket.io", '{"a": 2, "b": 3}')
        composer.query_one("#sio-event").value = "add"
        composer.query_one("#sio-ack").value = True
        await pilot.pause()
        assert composer.validate()
        composer.editor.focus()
        await pilot.press("ctrl+j")
        model = view.model
        assert await until(pilot, lambda: 'ack 0 {"sum":5}' in model.payloads)
        assert 'emit add {"a":2,"b":3} · ack 0' in model.payloads
        assert 'welcome {"id":' in " ".join(p for p in model.payloads if isinstance(p, str))
        row = model.payloads.index('ack 0 {"sum":5}')
        head, body, _ = render_message(model, row)
        assert "socket.io" in head and 'frame:\n430[{"sum":5}]' in body and "key 0" in body

        composer.query_one("#sio-event").value = "ticks"
        composer.query_one("#sio-ack").value = False
        composer.editor.text = '{"count": 3}'
        await pilot.pause()
        composer.editor.focus()
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: 'tick {"n":3}' in model.payloads)
        # Engine.IO pings (every 300 ms) and the handshake: counted, hidden like keep-alive
        assert await until(pilot, lambda: model.hidden_keepalive > 3)

        composer.query_one("#sio-event").value = ""
        await pilot.pause()
        assert not composer.validate() and "event's name is empty" in (composer.error or "")


async def test_graphql_composer(tmp_path, graphql_peer: Peer) -> None:  # noqa: F811
    path = protocol_file(
        tmp_path / "g.void",
        f"ws://127.0.0.1:{graphql_peer.port}/graphql",
        ["protocol", "graphql-transport-ws"],
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        view = views(app)[0]
        assert "connection_ack" in view.status.text
        composer = view.composer
        composer.load("graphql", "subscription C($n: Int!) { countdown(from: $n) }")
        composer.query_one("#gql-variables").value = '{"n": 1}'
        await pilot.pause()
        assert composer.validate()
        composer.editor.focus()
        await pilot.press("ctrl+j")
        model = view.model
        assert await until(pilot, lambda: "complete #1" in model.payloads)
        assert 'next #1 {"data":{"countdown":0}}' in model.payloads
        assert any(
            isinstance(p, str) and p.startswith("subscribe #1 subscription C")
            for p in model.payloads
        )

        composer.editor.text = "subscription { countdown(from: 1 }"
        await pilot.pause()
        assert not composer.validate() and "line 1, column 34" in (composer.error or "")
