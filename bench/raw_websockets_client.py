"""The reference: a minimal read loop on the raw websockets library, writing each message."""

import asyncio
import sys

from websockets.asyncio.client import connect


async def main(url: str) -> None:
    out = sys.stdout
    async with connect(url, max_size=None, proxy=None, compression=None) as ws:
        async for message in ws:
            out.write(message if isinstance(message, str) else message.hex())
            out.write("\n")
    out.flush()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
