"""`wsblock load`'s buffered handshake (:mod:`wsblock.load.buffered`): the answer read in
a few reads, parsed as websocket-client parses it, and nothing read past it lost."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import socket
import threading
from collections.abc import Iterator

import pytest
import websocket
from websocket._http import read_headers as byte_by_byte

from cli.void_files import expect, message, messages, request, table, write
from load.conftest import WSBLOCK, env
from peers.fixtures import Peer
from wsblock.load.buffered import CHUNK, BufferedSocket, read_headers
from wsblock.load.frames import frame as masked_frame

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
AFTER_CLOSE: list[bytes] = []  # what each connection of serve_greeting sent after the close


def frame(payload: bytes, opcode: int = 1) -> bytes:
    """An unmasked server frame (payloads under 126 bytes)."""
    assert len(payload) < 126
    return bytes([0x80 | opcode, len(payload)]) + payload


def accept_of(request_head: bytes) -> bytes:
    m = re.search(rb"(?im)^sec-websocket-key:\s*(\S+)\s*$", request_head)
    assert m, request_head
    return base64.b64encode(hashlib.sha1(m[1] + GUID).digest())


def serve_greeting(conn: socket.socket) -> None:
    """Answer the handshake and send two messages in the same write as the 101; then
    answer the client's close with 1000 (a test that ends resets the last ones)."""
    with conn, contextlib.suppress(OSError):
        data = b""
        while b"\r\n\r\n" not in data:
            got = conn.recv(4096)
            if not got:
                return
            data += got
        head, rest = data.split(b"\r\n\r\n", 1)
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept_of(head) + b"\r\n\r\n"
            + frame(b'{"n": 7, "text": "welcome"}')
            + frame(b"second")
        )  # fmt: skip
        buf = rest
        while True:  # the client's frames (masked): wait for its close
            while len(buf) < 2 or len(buf) < 6 + (buf[1] & 0x7F):
                got = conn.recv(4096)
                if not got:
                    return
                buf += got
            opcode, size = buf[0] & 0x0F, buf[1] & 0x7F
            buf = buf[6 + size :]
            if opcode == 8:
                conn.sendall(b"\x88\x02\x03\xe8")
                while got := conn.recv(4096):  # nothing more may come: the close is done
                    buf += got
                AFTER_CLOSE.append(buf)
                return


@pytest.fixture
def greeting_server() -> Iterator[Peer]:
    """A raw server whose first messages arrive in the same packet as its 101."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(10)
            threading.Thread(target=serve_greeting, args=(conn,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield Peer("127.0.0.1", listener.getsockname()[1])
    stop.set()
    t.join(5)
    listener.close()


def test_messages_in_the_same_packet_as_the_101_are_not_lost(
    wsblock, greeting_server, tmp_path
) -> None:
    f = write(
        tmp_path / "greeting.void",
        request(greeting_server.url("/"), "Greeting"),
        messages(
            expect("welcome", [["greeting", "body.n", "equals", "7"]], timeout=5),
            expect("second", [["second", "body", "equals", "second"]], timeout=5),
        ),
        table("assertions-table", [["closed ok", "closeCode", "equals", "1000"]]),
    )
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json")
    assert r.code == 0, r.out + r.err
    s = json.loads(r.out.splitlines()[-1])
    assert s["event"] == "load-summary" and s["errors"] == {}, s
    by = {e["name"]: e for e in s["requests"]}
    conversations = by["conversation"]["count"]
    assert conversations > 0 and by["conversation"]["failures"] == 0
    for name in ("welcome", "second"):
        assert by[name]["failures"] == 0
        assert conversations <= by[name]["count"] <= conversations + 2  # 2 users mid-way
    assert s["messages"]["in"] >= 2 * conversations
    assert s["assertions_not_checked"] == {}
    # our close answered by the server's: no second close frame (nothing) after it
    assert len(AFTER_CLOSE) >= conversations and set(AFTER_CLOSE) == {b""}


ANSWERS = [
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: abc=\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Odd:  v: w \r\n\r\n",
    b"HTTP/1.1 101\nUpgrade: websocket\nConnection: Upgrade\n  \nnot a header\n",  # LF only
    b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\nWWW-Authenticate: Basic\r\n\r\nnope",
    b"HTTP/1.1 bad status\r\n\r\n",
    b"HTTP/1.1 101 OK\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 101 OK\r\nX-Bytes: \xff\xfe\r\n\r\n",
]


def parsed(read, answer: bytes, pieces: int) -> tuple[object, bytes]:
    """What *read* makes of *answer* sent in *pieces* writes, and the bytes left after it."""
    a, b = socket.socketpair()
    with a, b:
        b.settimeout(5)
        step = max(1, -(-len(answer) // pieces))
        for i in range(0, len(answer), step):
            a.sendall(answer[i : i + step])
        a.sendall(b"\x81\x05after")  # a frame right behind the answer
        a.shutdown(socket.SHUT_WR)
        sock = BufferedSocket(b) if read is read_headers else b
        try:
            result: object = read(sock)
        except websocket.WebSocketException as e:
            result = (type(e).__name__, str(e))
        rest = b""
        while got := sock.recv(3):  # small reads: the buffer is served piece by piece
            rest += got
        return result, rest


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("pieces", [1, 3, 200])
def test_the_answer_is_parsed_as_websocket_client_parses_it(answer, pieces) -> None:
    mine, rest = parsed(read_headers, answer, pieces)
    theirs, their_rest = parsed(byte_by_byte, answer, 1)
    assert mine == theirs
    assert rest == their_rest  # nothing past the headers lost (a body, then the frame)


def test_a_socket_is_read_in_chunks_and_its_bytes_come_back_in_order() -> None:
    a, b = socket.socketpair()
    with a, b:
        sock = BufferedSocket(b)
        data = bytes(range(256)) * 200  # more than a chunk
        a.sendall(data)
        a.shutdown(socket.SHUT_WR)
        got = [sock.recv(2)]
        assert 0 < sock.buffered <= CHUNK - 2  # one read of the socket, kept
        sock.unread(b"back")
        assert sock.recv(4) == b"back"
        while chunk := sock.recv(7000):
            got.append(chunk)
        assert b"".join(got) == data


async def test_a_proxy_carries_every_connection(echo_server, connect_proxy, tmp_path) -> None:
    """The buffered socket is opened as websocket-client opens one: through the proxy."""
    f = write(
        tmp_path / "proxied.void",
        request(echo_server.url("/echo"), "Proxied"),
        table("socket-options", [["proxy", connect_proxy.url]]),
        messages(
            message("hello", "text", "hello"),
            expect("echoed hello", [["echo", "body", "equals", "hello"]], timeout=5),
        ),
    )
    proc = await asyncio.create_subprocess_exec(
        WSBLOCK, "load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=env(tmp_path / "state"),
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, out.decode() + err.decode()
    s = json.loads(out.decode().splitlines()[-1])
    conversations = next(e for e in s["requests"] if e["name"] == "conversation")["count"]
    assert conversations > 0 and s["errors"] == {}
    assert connect_proxy.targets[0] == f"127.0.0.1:{echo_server.port}"
    assert conversations <= len(connect_proxy.targets) <= conversations + 2


@pytest.mark.parametrize("size", [0, 1, 5, 125, 126, 127, 65535, 65536, 70001])
def test_a_sent_frame_is_read_back_by_websocket_client(size) -> None:
    payload = bytes((i * 7) % 256 for i in range(size))
    data = masked_frame(payload, websocket.ABNF.OPCODE_BINARY, b"\x12\x9a\x00\xff")
    a, b = socket.socketpair()
    with a, b:
        a.sendall(data)
        a.shutdown(socket.SHUT_WR)
        reader = websocket._abnf.frame_buffer(lambda n: b.recv(n), skip_utf8_validation=True)
        got = reader.recv_frame()
        assert b.recv(1) == b""  # the frame, all of it, nothing more
    assert (got.fin, got.opcode) == (1, 2)
    assert got.data == payload


def test_the_resolver_reads_numbers_in_place_and_asks_the_system_for_names() -> None:
    import gevent

    from wsblock.load.resolver import NumericFirst

    resolver = NumericFirst(hub=gevent.get_hub())
    for host in ("127.0.0.1", "::1", "localhost"):
        assert resolver.getaddrinfo(host, 80, 0, socket.SOCK_STREAM) == socket.getaddrinfo(
            host, 80, 0, socket.SOCK_STREAM
        )
    with pytest.raises(socket.gaierror):
        resolver.getaddrinfo("no-such-host.invalid", 80)


def server_frame(payload: bytes, opcode: int, *, fin: bool = True, rsv: int = 0,
                 mask: bytes | None = None) -> bytes:  # fmt: skip
    """A server's frame, of any length, masked or not (servers should not; some do)."""
    n = len(payload)
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    bit = 0x80 if mask else 0
    if n < 126:
        head = bytes((first, bit | n))
    elif n < 65536:
        head = bytes((first, bit | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((first, bit | 127)) + n.to_bytes(8, "big")
    if mask:
        return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


STREAMS = {
    "text and binary": [server_frame(b"hello", 1), server_frame(b"\x00\xff", 2)],
    "lengths": [server_frame(b"x" * n, 2) for n in (0, 125, 126, 65535, 65536)],
    "masked by the server": [server_frame(b"masked text", 1, mask=b"\x01\x02\x03\x04")],
    "fragments and a ping between them": [
        server_frame(b"frag", 1, fin=False),
        server_frame(b"ping!", 9),
        server_frame(b"men", 0, fin=False),
        server_frame(b"ted", 0),
        server_frame(b"after", 1),
    ],
    "a pong is skipped": [server_frame(b"p", 10), server_frame(b"next", 1)],
    "a continuation without a start": [server_frame(b"lost", 0)],
    "a text frame inside a fragmented one": [
        server_frame(b"a", 1, fin=False),
        server_frame(b"b", 1),
    ],
    "rsv bits": [server_frame(b"compressed?", 1, rsv=4)],
    "an unknown opcode": [server_frame(b"?", 3)],
    "a close with a reason": [server_frame(b"\x0f\xa1bye", 8), server_frame(b"late", 1)],
    "a close of one byte": [server_frame(b"\x03", 8)],
    "a close with a bad code": [server_frame(b"\x03\xec", 8)],
    "a ping too long": [server_frame(b"p" * 126, 9)],
    "a fragmented ping": [server_frame(b"p", 9, fin=False)],
}


def read_all(reader, stream: bytes, closing: bool) -> tuple[list[object], list[tuple[int, bytes]]]:
    """What *reader* (ours or websocket-client's) makes of *stream*, and what it sent back
    (frames unmasked)."""
    from wsblock.load import frames

    a, b = socket.socketpair()
    with a, b:
        b.settimeout(5)
        a.sendall(stream)
        a.shutdown(socket.SHUT_WR)
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=False)
        ws.sock, ws.connected = (BufferedSocket(b) if reader == "ours" else b), True
        got: list[object] = []
        for _ in range(20):
            try:
                if reader == "ours":
                    opcode, data = frames.receive(ws, closing)
                else:
                    opcode, f = ws.recv_data_frame(False)
                    data = f.data
            except websocket.WebSocketException as e:
                got.append((type(e).__name__, str(e)))
                break
            got.append((opcode, bytes(data)))
            if opcode == 8:
                break
        with contextlib.suppress(OSError):  # websocket-client closes it at the end
            b.shutdown(socket.SHUT_WR)
        back = b""
        while chunk := a.recv(65536):
            back += chunk
    return got, client_frames(back)


def client_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The (opcode, unmasked payload) of each frame a client wrote."""
    out = []
    while data:
        b0, b1 = data[0], data[1]
        assert b1 & 0x80, "a client's frame is masked"
        n, pos = b1 & 0x7F, 2
        if n >= 126:
            size = 2 if n == 126 else 8
            n, pos = int.from_bytes(data[2 : 2 + size], "big"), 2 + size
        mask, payload = data[pos : pos + 4], data[pos + 4 : pos + 4 + n]
        out.append((b0 & 0x0F, bytes(c ^ mask[i % 4] for i, c in enumerate(payload))))
        data = data[pos + 4 + n :]
    return out


@pytest.mark.parametrize("name", list(STREAMS))
def test_frames_are_read_as_websocket_client_reads_them(name) -> None:
    stream = b"".join(STREAMS[name])
    assert read_all("ours", stream, closing=False) == read_all("theirs", stream, closing=False)


def test_a_close_is_not_answered_once_ours_was_sent() -> None:
    got, sent = read_all("ours", server_frame(b"\x03\xe8", 8), closing=True)
    assert got == [(8, b"\x03\xe8")] and sent == []
    got, sent = read_all("ours", server_frame(b"\x03\xe8", 8), closing=False)
    assert sent == [(8, b"\x03\xe8")]  # the server closed first: answered with 1000


def test_a_frame_cut_by_a_timeout_is_read_whole_on_the_next_call() -> None:
    from wsblock.load import frames

    whole = server_frame(b"y" * 300, 2)
    a, b = socket.socketpair()
    with a, b:
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=False)
        ws.sock, ws.connected = BufferedSocket(b), True
        for cut in (1, 3, 100):  # inside the header, the length, the payload
            a.sendall(whole[:cut])
            b.settimeout(0.05)
            with pytest.raises(TimeoutError):
                frames.receive(ws, False)
            a.sendall(whole[cut:])
            b.settimeout(5)
            assert frames.receive(ws, False) == (2, b"y" * 300)


def test_a_silent_tls_server_is_an_expectation_timeout(wsblock, tls_files, tmp_path) -> None:
    """A read that times out on a TLS socket is a timeout, not a closed connection."""
    from websockets.sync.server import serve

    def handler(ws) -> None:
        for _ in ws:  # reads, never answers
            pass

    server = serve(handler, "127.0.0.1", 0, ssl=tls_files.server_context())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        f = write(
            tmp_path / "silent.void",
            request(f"wss://127.0.0.1:{server.socket.getsockname()[1]}/", "Silent"),
            table("socket-options", [["ca-file", str(tls_files.ca)]]),
            messages(
                message("hello", "text", "hello"),
                expect("never", [["echo", "body", "equals", "hello"]], timeout=0.5),
            ),
        )
        r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "2s", "--json")
        assert r.code == 1, r.out + r.err
        s = json.loads(r.out.splitlines()[-1])
        assert set(s["errors"]) == {"expectation timeout"}, s["errors"]
    finally:
        server.shutdown()
        thread.join(5)
