"""The editor's tests: a tiny host app around the editor widgets."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from editor_host import ECHO  # noqa: E402


@pytest.fixture
def echo(tmp_path) -> Path:
    path = tmp_path / "echo.void"
    shutil.copyfile(ECHO, path)
    return path


@pytest.fixture(autouse=True)
def _state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
