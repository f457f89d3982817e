"""Every option of ``socket-options``, observed on real connections."""

from __future__ import annotations

import json

import pytest
from engine_helpers import one, request, until

from wsblock.engine import Session


async def first_message(session: Session) -> dict:
    """Connect and return the first message, parsed as JSON."""
    stream = session.subscribe()
    assert await session.connect(), session.error
    events = await until(stream, "received")
    return json.loads(events[-1].data)


def header_values(report: dict, name: str) -> list[str]:
    return [v for k, v in report["headers"] if k.lower() == name.lower()]


async def test_headers_are_sent(echo_server):
    session = Session(
        request(
            echo_server.url("/headers?a=1&a=2&b=é"),
            headers=(("X-Token", "abc"), ("X-Token", "def"), ("Authorization", "Bearer t")),
        )
    )
    report = await first_message(session)
    assert header_values(report, "X-Token") == ["abc", "def"]
    assert header_values(report, "Authorization") == ["Bearer t"]
    assert report["query"] == {"a": ["1", "2"], "b": ["é"]}
    assert report["path"] == "/headers"
    await session.close()


async def test_a_host_header_replaces_the_one_from_the_url(echo_server, ws_peer):
    for server in (echo_server, ws_peer):
        session = Session(request(server.url("/headers"), headers=(("Host", "virtual.test"),)))
        report = await first_message(session)
        assert header_values(report, "Host") == ["virtual.test"]
        await session.close()
    plain = Session(request(echo_server.url("/headers")))
    report = await first_message(plain)
    assert header_values(report, "Host") == [f"127.0.0.1:{echo_server.port}"]
    await plain.close()


async def test_url_with_spaces_is_encoded(echo_server):
    session = Session(request(echo_server.url("/headers?q=a b")))
    report = await first_message(session)
    assert report["query"] == {"q": ["a b"]}
    await session.close()


async def test_subprotocols_option(echo_server):
    session = Session(request(echo_server.url("/subprotocol"), subprotocols=("x-unknown", "chat")))
    report = await first_message(session)
    assert report == {"subprotocol": "chat", "offered": ["x-unknown", "chat"]}
    assert session.subprotocol == "chat"
    await session.close()


async def test_subprotocol_header_becomes_subprotocols(echo_server):
    session = Session(
        request(
            echo_server.url("/headers"),
            headers=(("Sec-WebSocket-Protocol", "graphql-ws, chat"),),
            subprotocols=("x-first",),
        )
    )
    report = await first_message(session)
    # One header, the option's protocols first, and the choice checked by websockets.
    assert header_values(report, "Sec-WebSocket-Protocol") == ["x-first, graphql-ws, chat"]
    assert report["subprotocol"] == "graphql-ws" == session.subprotocol
    await session.close()


async def test_open_event_has_the_subprotocol(echo_server):
    session = Session(request(echo_server.url("/echo"), subprotocols=("graphql-transport-ws",)))
    stream = session.subscribe()
    await session.connect()
    assert one(stream.take(), "open").subprotocol == "graphql-transport-ws"
    await session.close()


async def test_no_subprotocol_when_the_server_supports_none_offered(echo_server):
    session = Session(request(echo_server.url("/subprotocol"), subprotocols=("mqtt",)))
    report = await first_message(session)
    assert report["subprotocol"] is None and session.subprotocol is None
    await session.close()


async def test_origin_option_and_header(echo_server):
    session = Session(request(echo_server.url("/headers"), origin="https://app.example"))
    assert header_values(await first_message(session), "Origin") == ["https://app.example"]
    await session.close()
    session = Session(
        request(echo_server.url("/headers"), headers=(("Origin", "https://from-header.example"),))
    )
    assert header_values(await first_message(session), "Origin") == ["https://from-header.example"]
    await session.close()


async def test_user_agent(echo_server):
    session = Session(request(echo_server.url("/headers")))
    assert header_values(await first_message(session), "User-Agent")[0].startswith("wsblock/")
    await session.close()
    session = Session(request(echo_server.url("/headers"), headers=(("User-Agent", "probe/1"),)))
    assert header_values(await first_message(session), "User-Agent") == ["probe/1"]
    await session.close()


@pytest.mark.parametrize(
    ("compression", "extensions"), [(True, ("permessage-deflate",)), (False, ())]
)
async def test_compression(echo_server, compression, extensions):
    session = Session(request(echo_server.url("/headers"), compression=compression))
    report = await first_message(session)
    offered = header_values(report, "Sec-WebSocket-Extensions")
    assert bool(offered) is compression
    assert session.extensions == extensions
    await session.send_text("é" * 10_000)  # compressible, and must come back intact
    stream = session.subscribe()
    assert (await until(stream, "received"))[-1].data == "é" * 10_000
    await session.close()


async def test_max_message_size_none_means_no_limit(echo_server):
    size = 2 * 1024 * 1024  # more than websockets' own default (1 MiB)
    session = Session(request(echo_server.url(f"/big?size={size}&binary=1"), max_message_size=None))
    stream = session.subscribe()
    await session.connect()
    assert (await until(stream, "received"))[-1].size == size
    await session.close()


async def test_max_message_size_default_is_16_mib(echo_server):
    size = 2 * 1024 * 1024
    session = Session(request(echo_server.url(f"/big?size={size}")))
    stream = session.subscribe()
    await session.connect()
    assert (await until(stream, "received"))[-1].size == size
    await session.close()


async def test_fragments_are_reassembled_even_inside_a_character(echo_server):
    # 5000 bytes of "é" in 3 fragments: the cuts fall inside 2-byte characters.
    session = Session(request(echo_server.url("/big?size=5000&fragments=3")))
    stream = session.subscribe()
    await session.connect()
    received = (await until(stream, "received"))[-1]
    assert received.data == "é" * 2500 and received.size == 5000
    await session.send_bytes(b"after")
    assert (await until(stream, "received"))[-1].data == b"after"
    await session.close()


async def test_max_message_size_counts_every_fragment_of_a_message(echo_server):
    # Each 1000-byte fragment fits the limit; the message does not.
    url = echo_server.url("/big?size=5000&fragments=5&binary=1")
    session = Session(request(url, max_message_size=4096, compression=False))
    stream = session.subscribe()
    await session.connect()
    await session.wait_closed()
    assert session.close_code == 1009
    assert one(stream.take(), "error").error == "too-big"


async def test_ping_interval_sends_keepalive_pings(echo_server):
    session = Session(request(echo_server.url("/echo"), ping_interval=0.05, ping_timeout=5))
    stream = session.subscribe()
    await session.connect()
    events = await until(stream, "pong")
    ping, pong = events[-2], events[-1]
    assert (ping.kind, ping.dir, ping.name) == ("ping", "out", "keepalive")
    assert (pong.kind, pong.dir, pong.name) == ("pong", "in", "keepalive")
    assert pong.data == ping.data and pong.rtt_ms is not None and pong.rtt_ms >= 0
    await session.close()


async def test_ping_interval_zero_or_none_turns_keepalive_off(echo_server):
    for interval in (0, None):
        session = Session(request(echo_server.url("/echo"), ping_interval=interval))
        stream = session.subscribe()
        await session.connect()
        # A round trip of our own, long after a keepalive would have gone out at 0 s.
        await session.ping()
        assert [e.name for e in stream.take() if e.kind == "ping"] == [None]
        await session.close()


async def test_connect_timeout_lets_a_slow_handshake_through(echo_server):
    session = Session(request(echo_server.url("/hang?seconds=0.2"), connect_timeout=5))
    assert await session.connect()
    await session.close()


async def test_user_agent_names_the_transport_s_library(echo_server, transport_name):
    session = Session(request(echo_server.url("/headers"), compression=False))
    agent = header_values(await first_message(session), "User-Agent")[0]
    await session.close()
    library = agent.split()[1].split("/")[0]
    assert agent.startswith("wsblock/") and library == transport_name
