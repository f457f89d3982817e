"""A hostile WebSocket server for the tests: it breaks the protocol on purpose.

It answers the handshake by hand, then, by the path asked for:

* ``/utf8`` -- a text frame that is not UTF-8 (the client must close 1007);
* ``/opcode`` -- a frame with a reserved opcode (1002);
* ``/closecode`` -- a close frame with code 999, which may not be sent (1002);
* ``/big`` -- the header of a 100 MB binary frame (1009 under the default limit);
* ``/noclose`` -- nothing at all: it never answers a close frame and never closes;
* ``/twoclose`` -- a close frame (1000 "bye") and right behind it, in the same write,
  an empty close frame (Autobahn 7.1.2: the second is to be ignored);
* ``/textbad`` -- a text frame ("hello") and right behind it, in the same write, a frame
  with a reserved opcode (the message must still be delivered, then 1002).

And, to measure what a client holds in memory (issue 24), streams that go on until the
client goes away:

* ``/huge`` -- the header of one 200 MB binary frame, then its payload, 1 MiB at a time;
* ``/hugefrag`` -- a 200 MB binary message in 64 KiB fragments;
* ``/floodclose`` -- text messages ("flood N") as fast as it can, forever: it ignores the
  client's close frame and never closes; ``/floodclose?rate=N``: N messages a second.

After a violation it closes the TCP connection as soon as the client says anything (its
close frame), so a test does not wait for a closing-handshake timeout.
Run it as ``python hostile_server.py``: it prints ``listening PORT``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
FRAMES = {
    "/utf8": b"\x81\x02\xc3\x28",
    "/opcode": b"\x83\x00",
    "/closecode": b"\x88\x02\x03\xe7",
    "/big": b"\x82\x7f" + (100_000_000).to_bytes(8, "big"),
    "/noclose": b"",
    "/twoclose": b"\x88\x05\x03\xe8bye" + b"\x88\x00",
    "/textbad": b"\x81\x05hello" + b"\x83\x00",
}


async def handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str:
    """Read the client's upgrade request, write the 101 answer; the path asked for."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    path = lines[0].split()[1].decode()
    key = next(
        line.split(b":", 1)[1].strip()
        for line in lines
        if line.lower().startswith(b"sec-websocket-key")
    )
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    writer.write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    return path


def unmask(frame: bytes) -> tuple[int, bytes]:
    """The opcode and payload of one short masked frame (a client's close frame)."""
    length = frame[1] & 0x7F
    mask, payload = frame[2:6], frame[6 : 6 + length]
    return frame[0] & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


HUGE = 200_000_000
CHUNK = 1 << 20
FRAGMENT = 1 << 16


def header(first: int, length: int) -> bytes:
    """An unmasked frame header: ``first`` byte (FIN, opcode), then the length."""
    if length < 126:
        return bytes((first, length))
    if length < 1 << 16:
        return bytes((first, 126)) + length.to_bytes(2, "big")
    return bytes((first, 127)) + length.to_bytes(8, "big")


async def huge(writer: asyncio.StreamWriter) -> None:
    writer.write(header(0x82, HUGE))
    zeros = bytes(CHUNK)
    for _ in range(HUGE // CHUNK):
        writer.write(zeros)
        await writer.drain()


async def huge_fragments(writer: asyncio.StreamWriter) -> None:
    payload = bytes(FRAGMENT)
    count = HUGE // FRAGMENT
    for i in range(count):
        opcode = 0x02 if i == 0 else 0x00
        writer.write(header((0x80 if i == count - 1 else 0) | opcode, FRAGMENT) + payload)
        if i % 16 == 15:
            await writer.drain()


async def flood(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rate: int | None
) -> None:
    async def swallow() -> None:  # the client's close frame, and anything else: ignored
        while await reader.read(65536):
            pass

    swallowing = asyncio.ensure_future(swallow())
    try:
        n = 0
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            if rate is not None:  # 500 messages every 500/rate s
                await asyncio.sleep(max(0.0, started + n / rate - loop.time()))
            batch = []
            for _ in range(500):
                text = f"flood {n}".encode()
                batch.append(header(0x81, len(text)) + text)
                n += 1
            writer.write(b"".join(batch))
            await writer.drain()
    finally:
        swallowing.cancel()


STREAMS = {"/huge": huge, "/hugefrag": huge_fragments}


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        path = await handshake(reader, writer)
        if path in STREAMS:
            await STREAMS[path](writer)
            return
        if path.partition("?")[0] == "/floodclose":
            query = dict(p.partition("=")[::2] for p in path.partition("?")[2].split("&") if p)
            await flood(reader, writer, int(query["rate"]) if "rate" in query else None)
            return
        writer.write(FRAMES[path])
        await writer.drain()
        if path == "/noclose":
            while await reader.read(65536):
                pass  # swallow everything, answer nothing
            return
        await reader.read(65536)  # the client's close frame
    except (OSError, asyncio.IncompleteReadError, StopIteration, IndexError, KeyError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("listening", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
