"""Issue 22.1: what the composer sends is what was typed, in the order it was typed.

A user who knows what to send types the message and Ctrl+J as soon as "Connected"
shows; on a busy machine those keys come to the app in one burst. Every key, Ctrl+J
included, takes effect in the order typed: the message sent is the one in the
composer, never an empty frame. An empty composer does not send at all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

from textual import events
from textual.keys import _character_to_key

from pilot_wait import until
from wsblock.app import make_app
from wsblock.app.widgets.response.connection import ConnectionView
from wsblock.app.widgets.response.log_model import IN, OUT

SIZE = (160, 45)
LOADED = 30.0  # seconds: generous waits, the loop is kept busy on purpose


def views(app) -> list[ConnectionView]:
    return app.main.connections()


def burst(app, text: str, *keys: str) -> None:
    """``text`` then ``keys`` as one burst, as a terminal delivers keys typed quickly:
    every key is in the app's queue before the first is handled."""
    for char in text:
        app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
    for key in keys:
        app.post_message(events.Key(key, None))


@contextmanager
def busy_loop(share: float = 0.01) -> Iterator[None]:
    """Keep the event loop busy (as another process busy on the machine would make it
    slow): a callback that blocks for ``share`` seconds, again and again."""
    loop = asyncio.get_running_loop()
    state = {"on": True}

    def hog() -> None:
        if state["on"]:
            time.sleep(share)
            loop.call_later(0.002, hog)

    loop.call_soon(hog)
    try:
        yield
    finally:
        state["on"] = False


def sent_and_echoed(view: ConnectionView) -> tuple[list, list]:
    m = view.model
    sent = [m.payloads[i] for i in range(len(m)) if m.direction(i) == OUT and m.kind(i) == "sent"]
    echoed = [m.payloads[i] for i in range(len(m)) if m.direction(i) == IN]
    return sent, echoed


async def test_a_message_typed_with_ctrl_j_in_one_burst_after_connected_is_sent(demo, echo_url):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        with busy_loop():
            for n in range(5):
                await pilot.press("ctrl+j")  # run the request under the cursor
                assert await until(
                    pilot,
                    lambda n=n: len(views(app)) > n and views(app)[n].status.state == "connected",
                    timeout=LOADED,
                    step=0.001,
                )
                view = views(app)[n]
                typed = f'{{"probe": {4242 + n}}}'
                burst(app, typed, "ctrl+j")  # right after "Connected"
                assert await until(pilot, lambda v=view: v.model.count_in >= 1, timeout=LOADED)
                sent, echoed = sent_and_echoed(view)
                assert (sent, echoed) == ([typed], [typed]), f"attempt {n + 1}"
                await pilot.press("f6")  # back to the file, for the next run
                assert await until(pilot, lambda: app.main._in_editor(), timeout=LOADED)


async def test_an_empty_composer_does_not_send_but_an_empty_saved_message_does(
    demo, echo_url, monkeypatch
):
    app = make_app(demo, env_vars={"ECHO_URL": echo_url})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: views(app) and views(app)[0].status.state == "connected")
        view = views(app)[0]
        composer = view.composer
        assert await until(pilot, lambda: app.focused is composer.editor)
        notices: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: notices.append(message))
        send = composer.query_one("#send")
        assert composer.text == "" and send.disabled
        await pilot.press("ctrl+j")
        assert notices and notices[-1].startswith("Nothing to send: the composer is empty")
        await pilot.press("ctrl+enter")
        assert len(notices) == 2
        # blank JSON is nothing to send either; blank text is a message
        composer.load("json", "  \n")
        await pilot.pause()
        assert send.disabled
        composer.load("text", " ")
        await pilot.pause()
        assert not send.disabled
        composer.load("text", "")
        await pilot.pause()
        assert send.disabled
        # an empty frame: from a saved message, chosen and left as it is
        composer.add_saved("nothing", "text", "", "base64")
        composer.query_one("#saved").value = len(composer.saved) - 1
        assert await until(pilot, lambda: not send.disabled)
        composer.editor.focus()
        await pilot.press("ctrl+j")
        assert await until(pilot, lambda: view.model.count_in == 1)
        assert sent_and_echoed(view) == ([""], [""])
        # typed over and cleared again, then in another format: not the saved one any more
        composer.query_one("#format").value = "json"
        await pilot.pause()
        assert send.disabled
        assert view.model.count_out == 1
