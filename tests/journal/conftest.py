"""Fixtures for the journal and masking tests (events to journal: journal_events.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    """A log directory that does not exist yet (the journal creates it)."""
    return tmp_path / "state" / "sessions"


@pytest.fixture
def wait_until() -> Callable[..., float]:
    """``wait_until(condition, timeout)``: poll until true; returns the seconds it took."""

    def wait(condition: Callable[[], Any], timeout: float = 5.0, poll: float = 0.002) -> float:
        start = time.monotonic()
        while not condition():
            if time.monotonic() - start > timeout:
                raise AssertionError(f"condition not met within {timeout} s")
            time.sleep(poll)
        return time.monotonic() - start

    return wait


@pytest.fixture
def no_thread_leak() -> Iterator[None]:
    """Fails a test that leaves a journal flusher thread running (one it started)."""
    import threading

    before = set(threading.enumerate())
    yield
    left = [
        t.name for t in set(threading.enumerate()) - before if t.name.startswith("wsblock-journal")
    ]
    assert not left, left
