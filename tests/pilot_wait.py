"""Waiting on a Textual app under Pilot for a condition, never for a fixed time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(pilot, predicate: Callable[[], object], timeout=15.0, step=0.05) -> bool:
    """Until ``predicate()`` holds (True), or ``timeout`` seconds pass (its last value).

    The default is generous: a test waits only as long as the app takes, and on a loaded
    machine (CI's two cores running the app, a server and the journal) a burst of keys
    with a block rebuilt under it has taken more than 5 s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            return True
        await pilot.pause(step)
    return bool(predicate())


def editors_busy(app) -> bool:
    """Whether a document editor of ``app`` is in the middle of an edit (its rebuild still
    mounting, or keys held): a shutdown then would prune widgets still mounting, and
    Textual's ``Select`` fails its Mount when its label is gone."""
    from wsblock.app.editor.editor import DocumentEditor

    return any(
        editor.busy for screen in app.screen_stack for editor in screen.query(DocumentEditor)
    )
