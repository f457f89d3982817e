"""Frames of a ``wsblock load`` connection, with less Python per frame than
``websocket-client``'s own calls.

* :func:`send` writes one masked frame (RFC 6455 5.2-5.3: FIN set, a fresh random mask
  from ``os.urandom`` as websocket-client takes it) in one ``sendall``: what
  ``WebSocket.send`` does in about twenty calls (an ``ABNF`` object, its ``format``, its
  ``mask``, a loop of ``send``) is here a few.
* :func:`receive` is ``WebSocket.recv_data_frame`` (the same checks of frames and of
  continuations, pings answered, pongs skipped) on a frame read whole from the buffer in
  one call (websocket-client's frame buffer took a dozen), except that a close is
  answered only when this side has not sent its own: websocket-client answered the
  server's answer to our close with a second close frame (a write, and a frame the RFC
  does not allow once a close was sent).

Both take the ``websocket.WebSocket`` whose handshake is done (its socket, read as a
:class:`~wsblock.load.buffered.BufferedSocket`, and its continuation buffer); their errors
are those of the socket and of websocket-client.
"""

from __future__ import annotations

import os
import struct
from typing import Any, cast

import websocket

from wsblock.load.buffered import BufferedSocket, xor_mask

__all__ = ["receive", "send"]

_CLOSE = websocket.ABNF.OPCODE_CLOSE
_PING = websocket.ABNF.OPCODE_PING
_WHOLE = (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY)
_DATA = (*_WHOLE, websocket.ABNF.OPCODE_CONT)
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
    return head + mask + xor_mask(payload, mask)


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


def receive(ws: websocket.WebSocket, closing: bool) -> tuple[int, bytes]:
    """The next message ``(opcode, payload)``, or the close ``(OPCODE_CLOSE, payload)``,
    answered with a close unless *closing* (ours was sent).

    A final text or binary frame outside a fragmented message (nearly every frame) is
    taken as it is; any other is judged by websocket-client's own code (``ABNF.validate``,
    its continuation buffer), as ``recv_data_frame`` judges it."""
    sock: Any = ws.sock
    if not isinstance(sock, BufferedSocket):  # closed, or opened anew by a redirect
        if sock is None:
            raise websocket.WebSocketConnectionClosedException("Connection is closed")
        sock = BufferedSocket(sock)  # nothing is buffered past its handshake
        ws.sock = cast(Any, sock)
    cont = ws.cont_frame
    while True:
        b0, b1, payload = sock.read_frame()
        opcode = b0 & 0x0F
        if b0 & 0xF0 == 0x80 and opcode in _WHOLE and cont.recving_frames is None:
            return opcode, payload
        f = websocket.ABNF(b0 >> 7, b0 >> 6 & 1, b0 >> 5 & 1, b0 >> 4 & 1, opcode, b1 >> 7, payload)
        f.validate(True)  # the connection's skip_utf8_validation
        if opcode in _DATA:
            cont.validate(f)
            cont.add(f)
            if cont.is_fire(f):
                op, whole = cont.extract(f)
                return op, whole.data
        elif opcode == _CLOSE:
            if not closing:
                ws.send_close()
            return opcode, payload
        elif opcode == _PING:
            if len(payload) >= 126:
                raise websocket.WebSocketProtocolException("Ping message is too long")
            ws.pong(payload)
