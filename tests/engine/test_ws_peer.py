"""The engine against an independent server: Node.js ``ws`` 8 (tests/peers/ws_peer.js)."""

from __future__ import annotations

import json

from engine_helpers import kinds, one, request, run_to_end, until

from wsblock.engine import Session


async def first_message(session: Session):
    stream = session.subscribe()
    assert await session.connect(), session.error
    return (await until(stream, "received"))[-1], stream


async def test_headers_and_query_reach_the_server(ws_peer):
    session = Session(
        request(
            ws_peer.url("/headers?x=1&name=%C3%A9"),
            headers=(("X-Custom", "yes"), ("Authorization", "Bearer abc")),
            origin="https://origin.example",
        )
    )
    message, _ = await first_message(session)
    report = json.loads(message.data)
    headers = {name.lower(): value for name, value in report["headers"]}
    assert headers["x-custom"] == "yes" and headers["authorization"] == "Bearer abc"
    assert headers["origin"] == "https://origin.example"
    assert report["query"] == {"x": "1", "name": "é"}
    await session.close()


async def test_query(ws_peer):
    session = Session(request(ws_peer.url("/query?a=1&b=two")))
    message, _ = await first_message(session)
    assert json.loads(message.data) == {"a": "1", "b": "two"}
    await session.close()  # one left open is finalized at interpreter exit, too late to say why


async def test_subprotocol_negotiation(ws_peer):
    session = Session(
        request(ws_peer.url("/subprotocol"), headers=(("Sec-WebSocket-Protocol", "x, chat"),))
    )
    message, stream = await first_message(session)
    assert json.loads(message.data) == {"protocol": "chat"}
    assert session.subprotocol == "chat"
    await session.close()


async def test_server_speaks_first(ws_peer):
    session = Session(request(ws_peer.url("/first")))
    message, _ = await first_message(session)
    assert (message.type, message.data) == ("text", "hello from ws")
    await session.close()


async def test_server_close_4001(ws_peer):
    session = Session(request(ws_peer.url("/close?code=4001&reason=bye")))
    stream = session.subscribe()
    assert await session.connect()
    close = one(await run_to_end(session, stream), "close")
    assert (close.code, close.reason, close.by) == (4001, "bye", "server")


async def test_rejection_401_with_body(ws_peer):
    session = Session(request(ws_peer.url("/reject?status=401&body=missing%20token")))
    stream = session.subscribe()
    assert await session.connect() is False
    events = await run_to_end(session, stream)
    assert kinds(events) == ["connecting", "error", "close"]
    error = events[1]
    assert (error.error, error.status, error.body) == ("rejected", 401, "missing token")
    assert dict(error.headers)["X-Peer"] == "ws"
    assert "HTTP 401 Unauthorized" in error.reason


async def test_flood(ws_peer):
    n = 5000
    session = Session(request(ws_peer.url(f"/flood?n={n}&size=64")))
    stream = session.subscribe()
    assert await session.connect()
    events = await run_to_end(session, stream)
    received = [e for e in events if e.kind == "received"]
    assert len(received) == n and all(e.data == "x" * 64 for e in received)
    close = one(events, "close")
    assert (close.code, close.reason, close.by) == (1000, "flood done", "server")


async def test_echo_with_compression(ws_peer):
    session = Session(request(ws_peer.url("/echo"), compression=True))
    stream = session.subscribe()
    assert await session.connect()
    assert session.extensions == ("permessage-deflate",)
    await session.send_text("é" * 5000, format="text")
    await session.send_bytes(bytes(range(256)) * 10)
    events = await until(stream, "received", lambda e: e.type == "binary")
    received = [e for e in events if e.kind == "received"]
    assert received[0].data == "é" * 5000 and received[1].data == bytes(range(256)) * 10
    assert await session.ping() is not None
    await session.close(4000, "done")
    assert (session.close_code, session.closed_by) == (4000, "client")
