"""Where the sample ``.void`` files of the document tests are (imported by the tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]


def samples_dir() -> Path | None:
    """``shared/samples`` beside the checkout (``$WSBLOCK_SAMPLES`` overrides)."""
    env = os.environ.get("WSBLOCK_SAMPLES")
    candidates = [Path(env)] if env else [REPO.parent / "shared" / "samples", REPO / "shared" / "samples"]
    for c in candidates:
        if c.is_dir():
            return c
    return None


SAMPLES = samples_dir()
#: Real files written by Voiden (and the project's WebSocket samples), found by glob.
SAMPLE_FILES = sorted(SAMPLES.rglob("*.void")) if SAMPLES else []
#: This directory's own test files (CRLF, BOM, no final newline, several requests).
FIXTURE_FILES = sorted(FIXTURES.glob("*.void"))


@pytest.fixture
def samples() -> Path:
    if SAMPLES is None:
        pytest.skip("shared/samples is not beside the checkout (set WSBLOCK_SAMPLES)")
    return SAMPLES


def ids(paths: list[Path]) -> list[str]:
    out = []
    for p in paths:
        base = SAMPLES if SAMPLES and SAMPLES in p.parents else FIXTURES
        out.append(str(p.relative_to(base)))
    return out
