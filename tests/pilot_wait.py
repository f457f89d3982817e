"""Waiting on a Textual app under Pilot for a condition, never for a fixed time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(pilot, predicate: Callable[[], object], timeout=5.0, step=0.05) -> bool:
    """Until ``predicate()`` holds (True), or ``timeout`` seconds pass (its last value)."""
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
