"""The editor's tests: a tiny host app around the editor widgets."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
if not SAMPLES.exists():
    SAMPLES = Path("/work/shared/samples")
ECHO = SAMPLES / "wss" / "echo.void"


@pytest.fixture
def echo(tmp_path) -> Path:
    path = tmp_path / "echo.void"
    shutil.copyfile(ECHO, path)
    return path


@pytest.fixture(autouse=True)
def _state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


async def until(pilot, predicate, timeout=5.0, step=0.05):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            await pilot.pause()
            return True
        await pilot.pause(step)
    return predicate()
