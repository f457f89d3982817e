"""Frames of a ``wsblock load`` connection, with less Python per frame than
``websocket-client``'s own calls.

* :func:`send` writes one masked frame (RFC 6455 5.2-5.3: FIN set, a fresh random mask
  from ``os.urandom`` as websocket-client takes it) in one ``sendall``: what
  ``WebSocket.send`` does in about twenty calls (an ``ABNF`` object, its ``format``, its
  ``mask``, a loop of ``send``) is here a few.
* :func:`receive` is ``WebSocket.recv_data_frame`` (the same frame parser, the same
  checks of continuations, pings answered, pongs skipped), except that a close is
  answered only when this side has not sent its own: websocket-client answered the
  server's answer to our close with a second close frame (a write, and a frame the RFC
  does not allow once a close was sent).

Both take the ``websocket.WebSocket`` whose handshake is done (its socket, its frame
buffer); their errors are those of the socket and of websocket-client.
"""

from __future__ import annotations

import os
import struct
from typing import Any

import websocket

__all__ = ["receive", "send"]

_CLOSE = websocket.ABNF.OPCODE_CLOSE
_PING = websocket.ABNF.OPCODE_PING
_DATA = (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY, websocket.ABNF.OPCODE_CONT)
_HEAD16 = struct.Struct("!BBH")
_HEAD64 = struct.Struct("!BBQ")


def frame(payload: bytes, opcode: int, mask: bytes) -> bytes:
    """One final frame of *payload*, masked with the 4 bytes of *mask*."""
    n = len(payload)
    first = 0x80 | opcode
    if n < 126:
        head = bytes((first, 0x80 | n))
    elif n < 65536:
        head = _HEAD16.pack(first, 0xFE, n)
    else:
        head = _HEAD64.pack(first, 0xFF, n)
    if not n:
        return head + mask
    key = int.from_bytes(mask * (n // 4) + mask[: n % 4], "little")
    return head + mask + (int.from_bytes(payload, "little") ^ key).to_bytes(n, "little")


def send(ws: websocket.WebSocket, payload: str | bytes, opcode: int) -> None:
    """Send *payload* (text is encoded as UTF-8) as one frame of *opcode*."""
    sock = ws.sock
    if sock is None:
        raise websocket.WebSocketConnectionClosedException("socket is already closed.")
    if isinstance(payload, str):
        payload = payload.encode()
    sock.sendall(frame(payload, opcode, os.urandom(4)))


def send_close(ws: websocket.WebSocket, code: int = 1000) -> None:
    """Send a close frame with *code* and no reason (as ``WebSocket.send_close``)."""
    ws.connected = False
    send(ws, code.to_bytes(2, "big"), _CLOSE)


def receive(ws: websocket.WebSocket, closing: bool) -> tuple[int, Any]:
    """The next message ``(opcode, frame)``, or the close ``(OPCODE_CLOSE, frame)``,
    answered with a close unless *closing* (ours was sent)."""
    cont = ws.cont_frame
    while True:
        f = ws.recv_frame()
        opcode = f.opcode
        if opcode in _DATA:
            cont.validate(f)
            cont.add(f)
            if cont.is_fire(f):
                return cont.extract(f)
        elif opcode == _CLOSE:
            if not closing:
                ws.send_close()
            return opcode, f
        elif opcode == _PING:
            if len(f.data) >= 126:
                raise websocket.WebSocketProtocolException("Ping message is too long")
            ws.pong(f.data)
