"""The engine's small parts, one by one: no sockets needed."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from peers import fixtures as peer_fixtures
from wsblock.conversation.request import Options, Request
from wsblock.engine import Backoff, State
from wsblock.engine.clock import Clock
from wsblock.engine.closecodes import describe, is_sendable, validate_close
from wsblock.engine.events import Event
from wsblock.engine.fastevent import new_event
from wsblock.engine.hub import Hub
from wsblock.engine.params import USER_AGENT, connect_params, encode_url
from wsblock.engine.state import TRANSITIONS, can_move


def event(kind: str = "open", **fields) -> Event:
    return Event(kind, Clock().wall0, 0.0, **fields)  # type: ignore[arg-type]


# Backoff.


def test_backoff_doubles_up_to_the_cap():
    backoff = Backoff()
    assert [backoff.delay(n) for n in range(1, 10)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert Backoff().delay(10_000) == 30  # no overflow after a long outage


def test_backoff_rejects_nonsense():
    with pytest.raises(ValueError):
        Backoff(initial=-1)
    with pytest.raises(ValueError):
        Backoff(factor=0.5)
    with pytest.raises(ValueError):
        Backoff().delay(0)


# Close codes.


def test_sendable_close_codes():
    sendable = [c for c in range(0, 6000) if is_sendable(c)]
    protocol = [c for c in sendable if c < 3000]
    assert protocol == [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]
    assert [c for c in sendable if c >= 3000] == list(range(3000, 5000))


def test_close_validation_says_why():
    with pytest.raises(ValueError, match=r"1006 \(abnormal closure\) is reserved"):
        validate_close(1006, "")
    with pytest.raises(ValueError, match="2000 is not a close code a client may send"):
        validate_close(2000, "")
    with pytest.raises(ValueError, match="whole number"):
        validate_close(1000.0, "")  # type: ignore[arg-type]
    validate_close(1000, "x" * 123)
    with pytest.raises(ValueError, match="124 bytes in UTF-8; at most 123"):
        validate_close(1000, "x" * 124)


def test_close_code_names():
    assert describe(1000) == "1000 (normal closure)"
    assert describe(1009) == "1009 (message too big)"
    assert describe(3001) == "3001 (library or framework)"
    assert describe(4001) == "4001 (application)"
    assert describe(None) == "no code"


# States.


def test_state_values_and_transitions():
    assert State.CONNECTED == "connected" and State.CONNECTED.name == "CONNECTED"
    assert can_move(State.DISCONNECTED, State.CONNECTING)
    assert can_move(State.CONNECTED, State.CLOSING)
    assert not can_move(State.DISCONNECTED, State.CONNECTED)
    assert not can_move(State.CLOSING, State.CONNECTED)
    assert set(TRANSITIONS) == set(State)


# Clock and events.


def test_clock_anchors_wall_time_on_the_monotonic_clock():
    clock = Clock()
    ts, mono = clock.at(clock.mono0 + 1.5)
    assert mono == 1.5 and ts == clock.wall0 + timedelta(seconds=1.5)
    assert ts.tzinfo is UTC
    now_ts, now_mono = clock.now()
    assert 0 <= now_mono < 1 and now_ts >= clock.wall0


def test_new_event_makes_real_frozen_events():
    clock = Clock()
    fast = new_event("received", clock.wall0, 1.0, "in", "text", None, "hi", 2)
    slow = Event("received", clock.wall0, 1.0, "in", "text", None, "hi", 2)
    assert type(fast) is Event and fast == slow and hash(fast) == hash(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.data = "changed"  # type: ignore[misc]
    keyword = new_event("close", clock.wall0, 2.0, code=1000, by="client")
    assert keyword == Event("close", clock.wall0, 2.0, code=1000, by="client")


# Streams and the hub.


async def test_stream_batches_and_single_events():
    hub = Hub()
    stream = hub.subscribe()
    hub.publish(event("connecting"))
    hub.publish_many([event("open"), event("received")])
    assert len(stream) == 3
    assert [e.kind for e in await stream.batch(limit=2)] == ["connecting", "open"]
    assert (await stream.get()).kind == "received"
    waiter = asyncio.create_task(stream.batch())
    await asyncio.sleep(0)
    assert not waiter.done()  # waits for the next event
    hub.publish(event("close"))
    assert [e.kind for e in await waiter] == ["close"]


async def test_stream_close_drains_then_ends():
    hub = Hub()
    stream = hub.subscribe()
    hub.publish(event("open"))
    stream.close()
    hub.publish(event("close"))  # not delivered: unsubscribed
    assert [e.kind async for e in stream] == ["open"]
    assert await stream.batch() == []
    with pytest.raises(EOFError):
        await stream.get()
    assert stream.closed


async def test_waiting_consumers_wake_up_on_close():
    stream = Hub().subscribe()
    waiter = asyncio.create_task(stream.batch())
    await asyncio.sleep(0)
    stream.close()
    assert await waiter == []


def test_listeners_in_order_and_removable():
    hub = Hub()
    seen: list[str] = []
    remove_a = hub.add_listener(lambda e: seen.append("a:" + e.kind))
    hub.add_listener(lambda e: seen.append("b:" + e.kind))
    hub.publish_many([event("open"), event("close")])
    remove_a()
    hub.publish(event("error"))
    assert seen == ["a:open", "a:close", "b:open", "b:close", "b:error"]


def test_a_listener_that_raises_is_logged_and_skipped(caplog):
    hub = Hub()
    seen: list[str] = []

    def bad(e: Event) -> None:
        raise RuntimeError("boom")

    hub.add_listener(bad)
    hub.add_listener(lambda e: seen.append(e.kind))
    hub.publish_many([event("open"), event("close")])
    assert seen == ["open", "close"]
    assert "event listener" in caplog.text and "boom" in caplog.text


# Connection settings.


def params_of(*headers: tuple[str, str], **options):
    return connect_params(
        Request("r", "ws://h/p", headers=headers, options=dataclasses.replace(Options(), **options))
    )


def test_subprotocol_header_is_merged_into_subprotocols():
    params = params_of(
        ("Sec-WebSocket-Protocol", "graphql-ws, chat"),
        ("sec-websocket-protocol", "chat,mqtt"),
        ("X-Other", "1"),
        subprotocols=("v1", "chat"),
    )
    assert params.subprotocols == ("v1", "chat", "graphql-ws", "mqtt")
    assert params.headers == (("X-Other", "1"),)


def test_origin_and_user_agent_headers():
    params = params_of(("Origin", "https://h"), ("User-Agent", "ua/1"))
    assert (params.origin, params.user_agent, params.headers) == ("https://h", "ua/1", ())
    assert params_of(("Origin", "https://h"), origin="https://o").origin == "https://o"
    assert params_of().user_agent == USER_AGENT


def test_zero_means_off_and_no_limit():
    params = params_of(connect_timeout=0, ping_interval=0, ping_timeout=0, max_message_size=0)
    assert params.open_timeout is None and params.ping_interval is None
    assert params.ping_timeout is None and params.max_message_size is None
    defaults = params_of()
    assert (defaults.open_timeout, defaults.ping_interval, defaults.ping_timeout) == (10, 20, 20)
    assert defaults.max_message_size == 16 * 1024 * 1024 and defaults.compression
    assert defaults.proxy == "auto" and defaults.ssl is None


def test_tls_context_only_for_wss():
    import ssl

    secure = connect_params(Request("r", "wss://h/", options=Options(tls_verify=False)))
    assert isinstance(secure.ssl, ssl.SSLContext)
    assert secure.ssl.verify_mode == ssl.CERT_NONE and not secure.ssl.check_hostname
    verified = connect_params(Request("r", "WSS://h/"))
    assert verified.ssl is not None and verified.ssl.verify_mode == ssl.CERT_REQUIRED


def test_urls_are_percent_encoded_like_browsers_do():
    assert encode_url("ws://h/a b?q=é&x=%20") == "ws://h/a%20b?q=%C3%A9&x=%20"
    assert encode_url("ws://u:p@[::1]:80/p;x?a=b#f") == "ws://u:p@[::1]:80/p;x?a=b#f"


# The ws peer's own failure when `ws` is missing: a clear message, not a skip.


def test_ws_peer_without_the_ws_package_fails_loudly(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: " + peer_fixtures.INSTALL_HINT)
    script = tmp_path / "ws_peer.js"
    shutil.copy(peer_fixtures.WS_PEER, script)  # no node_modules next to it
    proc = subprocess.Popen(
        [node, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with pytest.raises(pytest.fail.Exception, match="npm install --prefix tests/peers"):
        peer_fixtures._wait_listening(proc, timeout=20)
    assert proc.wait(5) == 3
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]


async def test_streams_take_runs_as_events_or_as_parts():
    from wsblock.engine.runs import ReceivedRun
    from wsblock.engine.stream import EventStream

    ts = datetime.now(UTC)
    run = ReceivedRun(ts, 0.5, "text", ["a", "b", "c"], [1, 1, 1])
    opened, closed = event("open"), event("close")
    stream = EventStream()
    stream.push_parts([opened, run, closed], 5)
    assert len(stream) == 5
    first = await stream.batch(limit=2)  # cuts the run: the rest waits, in order
    assert first == [opened, run.events()[0]] and len(stream) == 3
    assert (await stream.get()) is run.events()[1]
    assert stream.take() == [run.events()[2], closed] and len(stream) == 0
    stream.push_parts([run], 3)
    assert await stream.parts() == [run] and len(stream) == 0
    stream.push_parts([run, closed], 4)
    stream.close()
    assert await stream.batch() == [*run.events(), closed]
    assert await stream.parts() == []


class _ScriptedTransport:
    """Hands the session a fixed list of reads, then ends (the engine's own interface)."""

    def __init__(self, reads: list[list]) -> None:
        self.reads = reads

    async def connect(self, params):
        from wsblock.engine.transport import Handshake

        return Handshake(101, (), None, ())

    async def recv(self):
        import time

        from wsblock.engine.transport import Batch, Ending, TransportClosed

        if not self.reads:
            raise TransportClosed(Ending(1000, "", "server"))
        return [Batch(time.monotonic(), self.reads.pop(0))]

    async def send(self, data) -> None: ...

    async def ping(self, data) -> None: ...

    async def close(self, code, reason, timeout=None) -> None: ...

    def abort(self) -> None: ...


async def test_a_read_of_mixed_items_becomes_runs_and_events_in_order():
    from wsblock.engine import Session
    from wsblock.engine.runs import ReceivedRun, flatten
    from wsblock.engine.transport import Control

    reads = [
        ["a", "bé", b"\x00\x01", Control("ping", "in", b"p"), Control("pong", "out", b"p"), "c"],
        [b"x", b"yy"],
        ["only"],
    ]
    session = Session(Request(name="t", url="ws://h/"), transport=lambda: _ScriptedTransport(reads))
    parts: list = []
    events: list = []
    session.add_parts_listener(parts.extend)
    session.add_listener(events.append)
    stream = session.subscribe()
    assert await session.connect()
    await session.wait_closed()
    shapes = [
        (p.type, list(p.data)) if isinstance(p, ReceivedRun) else (p.kind, p.data)
        for p in parts
        if not isinstance(p, Event) or p.kind not in ("connecting", "open", "close")
    ]
    assert shapes == [
        ("text", ["a", "bé"]),
        ("binary", [b"\x00\x01"]),
        ("ping", b"p"),
        ("pong", b"p"),
        ("text", ["c"]),
        ("binary", [b"x", b"yy"]),
        ("text", ["only"]),
    ]
    assert flatten(parts) == events == stream.take()
    received = [e for e in events if e.kind == "received"]
    assert [e.size for e in received] == [1, 3, 2, 1, 1, 2, 4]
    assert session.stats.received == 7 and session.stats.bytes_in == 14
