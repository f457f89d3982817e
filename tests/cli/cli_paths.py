"""Where things are, for the command's tests: the `wsblock` command and the samples (copied into tests/fixtures/samples)."""

from __future__ import annotations

import sys
from pathlib import Path

BIN = Path(sys.executable).parent
WSBLOCK = str(BIN / "wsblock")
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
