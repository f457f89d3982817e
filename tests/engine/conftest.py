"""Fixtures of the engine's tests: the shared peers of ``tests/peers``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `peers`

from peers.fixtures import *  # noqa: E402, F403
