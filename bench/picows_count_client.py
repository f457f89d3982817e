"""A count-only picows client (the floor): reads a flood, prints how many messages came.

Usage: ``python bench/picows_count_client.py URL``. Writes nothing per message.
"""

from __future__ import annotations

import asyncio
import sys

from picows import WSListener, WSMsgType, ws_connect


class Counter(WSListener):  # type: ignore[misc]
    def __init__(self) -> None:
        self.n = 0

    def on_ws_frame(self, transport, frame) -> None:  # type: ignore[no-untyped-def]
        if frame.msg_type is WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
        elif frame.msg_type is not WSMsgType.PING:
            self.n += 1


async def main(url: str) -> None:
    transport, listener = await ws_connect(Counter, url, max_frame_size=1 << 30)
    await transport.wait_disconnected()
    print(listener.n, file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
