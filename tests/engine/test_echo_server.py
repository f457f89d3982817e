"""The embedded echo server, checked with a plain websockets client (not the engine)."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from wsblock.servers.echo import SUBPROTOCOLS, bound_port, serve, serve_forever


async def test_echo_keeps_the_frame_type(echo_server):
    async with connect(echo_server.url("/anything"), proxy=None) as ws:
        await ws.send("text")
        assert await ws.recv() == "text"
        await ws.send(b"\x00bin")
        assert await ws.recv() == b"\x00bin"


async def test_flood(echo_server):
    async with connect(echo_server.url("/flood?n=1000&size=5"), proxy=None) as ws:
        messages = [m async for m in ws]
    assert messages == ["xxxxx"] * 1000
    assert (ws.close_code, ws.close_reason) == (1000, "flood done")


async def test_flood_with_sequence_numbers(echo_server):
    async with connect(echo_server.url("/flood?n=3&size=4&seq=1"), proxy=None) as ws:
        assert [m async for m in ws] == ["0000", "0001", "0002"]


async def test_big_text_and_binary(echo_server):
    async with connect(echo_server.url("/big?size=5"), proxy=None) as ws:
        assert (await ws.recv()).encode() == "éé".encode() + b"x"
    async with connect(echo_server.url("/big?size=4&binary=1"), proxy=None) as ws:
        assert await ws.recv() == b"xxxx"


async def test_headers_report(echo_server):
    url = echo_server.url("/headers?a=1")
    async with connect(url, proxy=None, additional_headers={"X-Test": "v"}) as ws:
        report = json.loads(await ws.recv())
        await ws.send("then echo")
        assert await ws.recv() == "then echo"
    assert report["path"] == "/headers" and report["query"] == {"a": ["1"]}
    assert ["X-Test", "v"] in report["headers"]


async def test_subprotocols(echo_server):
    async with connect(
        echo_server.url("/subprotocol"), proxy=None, subprotocols=["x", "graphql-ws"]
    ) as ws:
        assert json.loads(await ws.recv()) == {
            "subprotocol": "graphql-ws",
            "offered": ["x", "graphql-ws"],
        }
    assert "chat" in SUBPROTOCOLS


async def test_close_with_code_and_reason_after_messages(echo_server):
    async with connect(echo_server.url("/close?code=4001&reason=bye&after=1"), proxy=None) as ws:
        await ws.send("one")
        assert await ws.recv() == "one"
        with pytest.raises(ConnectionClosedError):
            await ws.recv()
    assert (ws.close_code, ws.close_reason) == (4001, "bye")


async def test_close_with_a_code_that_cannot_be_sent(echo_server):
    async with connect(echo_server.url("/close?code=1005"), proxy=None) as ws:
        with pytest.raises(ConnectionClosedError):
            await ws.recv()
    assert ws.close_code == 1008


async def test_reject(echo_server):
    with pytest.raises(InvalidStatus) as caught:
        await connect(echo_server.url("/reject?status=418&body=teapot&header=X-A:1"), proxy=None)
    response = caught.value.response
    assert (response.status_code, response.body, response.headers["X-A"]) == (418, b"teapot", "1")


async def test_drop_by_key_then_echo(echo_server):
    url = echo_server.url("/drop?key=k1&times=1")
    async with connect(url, proxy=None) as ws:
        with pytest.raises(ConnectionClosedError):
            await ws.recv()
    assert ws.close_code is None or ws.close_code == 1006
    async with connect(url, proxy=None) as ws:
        await ws.send("second time")
        assert await ws.recv() == "second time"


async def test_hang_delays_the_handshake(echo_server):
    with pytest.raises(TimeoutError):
        await connect(echo_server.url("/hang?seconds=5"), proxy=None, open_timeout=0.2)


async def test_not_websocket_over_plain_http(echo_server):
    reader, writer = await asyncio.open_connection("127.0.0.1", echo_server.port)
    writer.write(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await reader.readline()).startswith(b"HTTP/1.1 426")
    writer.close()


async def test_serve_forever_reports_the_port():
    ready: asyncio.Future[tuple[str, int]] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve_forever("127.0.0.1", 0, lambda h, p: ready.set_result((h, p))))
    host, port = await asyncio.wait_for(ready, 5)
    async with connect(f"ws://{host}:{port}/echo", proxy=None) as ws:
        await ws.send("up")
        assert await ws.recv() == "up"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_serve_on_a_busy_port_raises(echo_server):
    with pytest.raises(OSError):
        await serve("127.0.0.1", echo_server.port)


async def test_bound_port():
    server = await serve("127.0.0.1", 0)
    try:
        assert bound_port(server) > 0
    finally:
        server.close()
        await server.wait_closed()
