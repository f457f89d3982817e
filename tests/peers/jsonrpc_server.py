"""A JSON-RPC 2.0 server over WebSocket for the tests of replies paired by id (issue 18).

Methods:

* ``slow`` -- answered after 600 ms (``{"result": "slow"}``), so that a ``fast`` sent after
  it is answered first: replies come back out of order;
* ``fast`` -- answered at once;
* ``subscribe`` -- answered with a subscription id (``result``), then a notification
  ``{"method": "tick", "params": {"subscription": ID, "n": k}}`` every 100 ms;
* ``unsubscribe`` (``params: [ID]``) -- ``result: true`` and the ticks stop; an unknown id
  is the error -32602.

Anything else is the error -32601. Run it as ``python jsonrpc_server.py``: it prints
``listening PORT``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


async def handler(ws: ServerConnection) -> None:
    subscriptions: dict[str, asyncio.Task[None]] = {}
    tasks: set[asyncio.Task[None]] = set()

    async def answer(id_: Any, result: Any = None, error: dict[str, Any] | None = None) -> None:
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": id_}
        body.update({"error": error} if error else {"result": result})
        await ws.send(json.dumps(body))

    async def later(id_: Any) -> None:
        await asyncio.sleep(0.6)
        await answer(id_, "slow")

    async def ticks(sub: str) -> None:
        n = 0
        while True:
            await asyncio.sleep(0.1)
            n += 1
            note = {"jsonrpc": "2.0", "method": "tick", "params": {"subscription": sub, "n": n}}
            await ws.send(json.dumps(note))

    try:
        async for raw in ws:
            request = json.loads(raw)
            id_, method = request.get("id"), request.get("method")
            if method == "slow":
                task = asyncio.create_task(later(id_))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            elif method == "fast":
                await answer(id_, "fast")
            elif method == "subscribe":
                sub = secrets.token_hex(6)
                await answer(id_, sub)
                subscriptions[sub] = asyncio.create_task(ticks(sub))
            elif method == "unsubscribe":
                params = request.get("params") or [None]
                task = subscriptions.pop(str(params[0]), None)
                if task is None:
                    await answer(id_, error={"code": -32602, "message": "unknown subscription"})
                else:
                    task.cancel()
                    await answer(id_, True)
            else:
                await answer(id_, error={"code": -32601, "message": "method not found"})
    except ConnectionClosed:
        pass
    finally:
        for task in [*subscriptions.values(), *tasks]:
            task.cancel()


async def main() -> None:
    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("listening", port, flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
