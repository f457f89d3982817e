"""The app against the independent npm `ws` peer and the echo server's test paths."""

from __future__ import annotations

import re

from test_main_screen import SIZE, until, views, write_void

from wsblock.app import make_app


async def run_file(tmp_path, url, name="peer.void"):
    path = write_void(tmp_path / name, url)
    return make_app(path)


async def test_ws_peer_echo_subprotocol_and_formats(tmp_path, ws_peer):
    app = await run_file(tmp_path, ws_peer.url("/echo"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        view = views(app)[0]
        assert "permessage-deflate" in view.status.text
        for fmt, text, enc in [
            ("json", '{"x": [1, 2]}', "base64"),
            ("xml", "<x/>", "base64"),
            ("text", "plain", "base64"),
            ("binary", "AAEC", "base64"),
        ]:
            view.composer.load(fmt, text, enc)
            view.composer.editor.focus()
            await pilot.press("ctrl+j")
            await pilot.pause(0.05)
        assert await until(pilot, lambda: view.model.count_in == 4)
        payloads = view.model.payloads
        assert '{"x": [1, 2]}' in payloads and "<x/>" in payloads and b"\x00\x01\x02" in payloads


async def test_ws_peer_server_close(tmp_path, ws_peer):
    app = await run_file(tmp_path, ws_peer.url("/close?code=4001&reason=bye"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        assert await until(pilot, lambda: views(app) and "closed" in views(app)[0].status.text)
        text = views(app)[0].status.text
        assert '4001 "bye" by server' in text


async def check_rejected(tmp_path, server):
    app = await run_file(tmp_path, server.url("/reject?status=401&body=token%20expired"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.error is not None)
        text = views(app)[0].status.text
        assert "Disconnected" in text and "401" in text and "token expired" in text


async def test_ws_peer_rejected_handshake_shows_status_and_body(tmp_path, ws_peer):
    await check_rejected(tmp_path, ws_peer)


async def test_echo_server_rejected_handshake_shows_status_and_body(tmp_path, echo_server):
    await check_rejected(tmp_path, echo_server)


async def test_echo_server_close_path(tmp_path, echo_server):
    app = await run_file(tmp_path, echo_server.url("/close?code=1001&reason=going%20away"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and "closed" in views(app)[0].status.text)
        assert '1001 "going away" by server' in views(app)[0].status.text


async def test_connecting_shows_elapsed_time_then_connected(tmp_path, echo_server):
    app = await run_file(tmp_path, echo_server.url("/hang?seconds=2.5"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connecting")
        status = views(app)[0].status

        def elapsed() -> int:
            match = re.search(r" (\d+)s$", status.text.rstrip())
            return int(match.group(1)) if match else -1

        assert "◌ Connecting" in status.text and 0 <= elapsed() <= 1
        first = elapsed()
        assert await until(pilot, lambda: elapsed() > first, timeout=3)  # it counts
        assert await until(pilot, lambda: status.state == "connected", timeout=6)
        assert "● Connected" in status.text and "up 0s" in status.text
