#!/usr/bin/env python3
# A copy of ../shared/bench/flood_server.py (imports and statements split for ruff), so the
# benchmarks need nothing beside the repository.
"""Minimal raw WebSocket flood server for client benchmarks (loopback only).

After the opening handshake it writes pre-encoded server frames as fast as the
socket takes them, so the client under test, not the server, is the bottleneck.
  GET /flood?n=N&size=S   -> N text frames of S bytes, then close 1000
                             (&last=TEXT, this copy only: the last message ends with
                             TEXT, same size, so that a client can wait for it)
  GET /echo               -> echoes each message (simple, unfragmented frames)
Usage: flood_server.py PORT
"""

import base64
import hashlib
import socket
import struct
import sys
import threading
from urllib.parse import parse_qs, urlparse

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def handshake(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1]
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    key = headers["sec-websocket-key"].encode()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
    resp = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )
    conn.sendall(resp.encode())
    return path, rest


def flood(conn, n, size, last=b""):
    one = frame(0x1, b"x" * size)
    if last and n:
        n -= 1
    batch = max(1, (1 << 20) // len(one))
    blob = one * batch
    sent = 0
    while sent + batch <= n:
        conn.sendall(blob)
        sent += batch
    if n - sent:
        conn.sendall(one * (n - sent))
    if last:
        conn.sendall(frame(0x1, (b"x" * size)[: max(0, size - len(last))] + last))
    conn.sendall(frame(0x8, struct.pack("!H", 1000) + b"done"))
    conn.settimeout(5)
    try:
        conn.recv(
            65536
        )  # the client's closing frame; then the server closes TCP first (RFC 6455 7.1.1)
    except OSError:
        pass


def read_exact(conn, buf, n):
    while len(buf) < n:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def echo(conn, buf):
    while True:
        buf = read_exact(conn, buf, 2)
        b0, b1 = buf[0], buf[1]
        opcode, ln, off = b0 & 0x0F, b1 & 0x7F, 2
        if ln == 126:
            buf = read_exact(conn, buf, 4)
            ln = struct.unpack("!H", buf[2:4])[0]
            off = 4
        elif ln == 127:
            buf = read_exact(conn, buf, 10)
            ln = struct.unpack("!Q", buf[2:10])[0]
            off = 10
        buf = read_exact(conn, buf, off + 4 + ln)
        mask = buf[off : off + 4]
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(buf[off + 4 : off + 4 + ln]))
        buf = buf[off + 4 + ln :]
        if opcode == 0x8:
            conn.sendall(frame(0x8, payload[:2] or struct.pack("!H", 1000)))
            return
        if opcode == 0x9:
            conn.sendall(frame(0xA, payload))
            continue
        if opcode in (0x1, 0x2):
            conn.sendall(frame(opcode, payload))


def serve(conn):
    try:
        path, rest = handshake(conn)
        if path is None:
            return
        u = urlparse(path)
        q = parse_qs(u.query)
        if u.path == "/flood":
            flood(
                conn,
                int(q.get("n", ["100000"])[0]),
                int(q.get("size", ["64"])[0]),
                q.get("last", [""])[0].encode(),
            )
        else:
            echo(conn, rest)
    except (OSError, EOFError):
        pass
    finally:
        conn.close()


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9911
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    print("listening", port, flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
