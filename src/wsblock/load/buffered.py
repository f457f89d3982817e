"""A socket whose reads are buffered, for ``websocket-client`` under ``wsblock load``.

``websocket-client`` reads the handshake's answer one byte per ``recv`` call (its
``recv_line``), about 200 calls through gevent's socket per connection, and each frame in
two or three (its header, its length, its payload). :class:`BufferedSocket` reads what
the kernel has (up to :data:`CHUNK` bytes) in one call and serves those calls from it, so
a handshake costs one read or two, and a frame usually one. Nothing read is lost: the
bytes past the handshake's headers (a server's first message in the same packet) are the
first the framing reads.

Only reads are buffered: writes, timeouts, shutdown and close go to the socket itself
(every other attribute is the socket's). :func:`open_socket` opens the socket as
``websocket-client`` does (DNS, proxies, TLS: its own ``connect``), which
``WebSocket.connect(url, socket=...)`` then uses for the handshake and the frames.
"""

from __future__ import annotations

from ssl import SSLError
from typing import Any, cast

import websocket
import websocket._handshake
from websocket._exceptions import WebSocketConnectionClosedException, WebSocketException
from websocket._http import connect as _ws_connect
from websocket._http import proxy_info
from websocket._http import read_headers as _read_headers_byte_by_byte
from websocket._socket import recv as _recv

__all__ = ["CHUNK", "BufferedSocket", "open_socket", "read_headers", "xor_mask"]

#: The most one read asks of the socket (websocket-client's own cap on a read).
CHUNK = 16384


def xor_mask(data: bytes, mask: bytes) -> bytes:
    """*data* masked (or unmasked) with the 4 bytes of *mask* (RFC 6455 5.3)."""
    n = len(data)
    if not n:
        return data
    key = int.from_bytes(mask * (n // 4) + mask[: n % 4], "little")
    return (int.from_bytes(data, "little") ^ key).to_bytes(n, "little")


class BufferedSocket:
    """*sock* (a connected socket, TLS or not), its reads served from a buffer."""

    __slots__ = ("_sock", "_buf", "_pos", "send", "sendall", "gettimeout", "settimeout")

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._buf = b""
        self._pos = 0
        # the socket's own methods, without a lookup through __getattr__ on each call
        self.send = sock.send
        self.sendall = sock.sendall
        self.gettimeout = sock.gettimeout
        self.settimeout = sock.settimeout

    def recv(self, bufsize: int) -> bytes:
        """At most *bufsize* bytes: those buffered first; else one read of the socket."""
        buf, pos = self._buf, self._pos
        if pos < len(buf):
            end = pos + bufsize
            if end >= len(buf):
                self._buf, self._pos = b"", 0
                return buf[pos:] if pos else buf
            self._pos = end
            return buf[pos:end]
        data: bytes = self._sock.recv(CHUNK if bufsize < CHUNK else bufsize)
        if len(data) <= bufsize:
            return data
        self._buf, self._pos = data, bufsize
        return data[:bufsize]

    def read_frame(self) -> tuple[int, int, bytes]:
        """The next whole frame: its first two bytes and its payload, unmasked. Until the
        frame is complete nothing is taken: a timeout (the socket's own exception) leaves
        what arrived buffered for the next call, as websocket-client's frame buffer did."""
        self._need(2)
        buf, pos = self._buf, self._pos
        b0, b1 = buf[pos], buf[pos + 1]
        n = b1 & 0x7F
        head = 2 + (4 if b1 & 0x80 else 0)
        if n >= 126:
            size = 2 if n == 126 else 8
            head += size
            self._need(2 + size)
            buf, pos = self._buf, self._pos
            n = int.from_bytes(buf[pos + 2 : pos + 2 + size], "big")
        end = head + n
        self._need(end)
        buf, pos = self._buf, self._pos
        payload = buf[pos + head : pos + end]
        if pos + end == len(buf):
            self._buf, self._pos = b"", 0
        else:
            self._pos = pos + end
        if b1 & 0x80:
            payload = xor_mask(payload, buf[pos + head - 4 : pos + head])
        return b0, b1, payload

    def _need(self, n: int) -> None:
        """At least *n* bytes buffered: the socket read until they are (or its exception)."""
        have = len(self._buf) - self._pos
        if have >= n:
            return
        parts = [self._buf[self._pos :]] if have else []
        self._buf, self._pos = b"", 0
        try:
            while have < n:
                try:
                    data = self._sock.recv(CHUNK if n - have < CHUNK else n - have)
                except SSLError as e:  # as websocket-client reads a TLS socket's timeout
                    if "timed out" in str(e):
                        raise TimeoutError(str(e)) from e
                    raise
                if not data:
                    raise WebSocketConnectionClosedException("Connection to remote host was lost.")
                parts.append(data)
                have += len(data)
        finally:  # what was read stays, whatever happens
            self._buf = b"".join(parts)

    def unread(self, data: bytes) -> None:
        """Put *data* back before what is buffered: the next reads return it first."""
        if data:
            self._buf, self._pos = data + self._buf[self._pos :], 0

    @property
    def buffered(self) -> int:
        """How many bytes were read from the socket and not yet taken."""
        return len(self._buf) - self._pos

    def __getattr__(self, name: str) -> Any:  # fileno, shutdown, close, _closed, ...
        return getattr(self._sock, name)


def open_socket(ws: websocket.WebSocket, url: str, timeout: float, **options: Any) -> Any:
    """The connected socket of *url* (TCP, the proxy of *options*, TLS with *ws*'s
    options), as ``ws.connect(url, timeout=timeout, **options)`` would open it, buffered."""
    ws.sock_opt.timeout = timeout
    sock, _ = _ws_connect(url, ws.sock_opt, proxy_info(**options), None)
    return BufferedSocket(sock)


def read_headers(sock: Any) -> tuple[int | None, dict[str, str], str | None]:
    """The handshake's answer: ``(status, headers, status message)``, read as
    ``websocket-client``'s ``read_headers`` reads it (lines up to a blank one, each
    decoded as UTF-8 and stripped; the same errors in the same words, the same headers
    lower-cased, ``set-cookie`` joined), in a few reads of a :class:`BufferedSocket`; the
    bytes past the blank line stay buffered for the frames. Any other socket is read by
    websocket-client's own function."""
    if not isinstance(sock, BufferedSocket):
        return _read_headers_byte_by_byte(sock)
    status: int | None = None
    status_message: str | None = None
    headers: dict[str, str] = {}
    data, pos = b"", 0
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:  # an unfinished line: read on (the socket's errors and timeouts, as before)
            data, pos = data[pos:] + _recv(cast(Any, sock), CHUNK), 0
            continue
        raw, pos = data[pos : nl + 1], nl + 1
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as e:
            sock.unread(data[pos:])
            raise WebSocketException(
                f"Invalid header line, not valid UTF-8 at byte {e.start}: {raw!r}"
            ) from None
        if not line:
            break
        if not status:
            status_info = line.split(" ", 2)
            try:
                status = int(status_info[1])
            except (IndexError, ValueError):
                sock.unread(data[pos:])
                raise WebSocketException(f"Invalid status line: {line!r}") from None
            if len(status_info) > 2:
                status_message = status_info[2]
        else:
            kv = line.split(":", 1)
            if len(kv) != 2:
                sock.unread(data[pos:])
                raise WebSocketException("Invalid header")
            key, value = kv
            if key.lower() == "set-cookie" and headers.get("set-cookie"):
                headers["set-cookie"] = headers["set-cookie"] + "; " + value.strip()
            else:
                headers[key.lower()] = value.strip()
    sock.unread(data[pos:])  # a first frame in the same packet is not lost
    return status, headers, status_message


# websocket-client's handshake reads its answer with this module's function: buffered for
# a BufferedSocket (wsblock load's), websocket-client's own for any other.
websocket._handshake.read_headers = read_headers
