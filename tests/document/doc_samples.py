"""Where the sample ``.void`` files of the document tests are (imported by the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]


#: The Voiden sample project (Apache-2.0, see its NOTICE.md) and the WebSocket samples,
#: copied into the repository so that a fresh clone runs every test.
SAMPLES = REPO / "tests" / "fixtures" / "samples"
#: Real files written by Voiden (and the project's WebSocket samples), found by glob.
SAMPLE_FILES = sorted(SAMPLES.rglob("*.void"))
#: This directory's own test files (CRLF, BOM, no final newline, several requests).
FIXTURE_FILES = sorted(FIXTURES.glob("*.void"))


@pytest.fixture
def samples() -> Path:
    assert SAMPLES.is_dir(), f"the samples are missing: {SAMPLES}"
    return SAMPLES


def ids(paths: list[Path]) -> list[str]:
    out = []
    for p in paths:
        base = SAMPLES if SAMPLES and SAMPLES in p.parents else FIXTURES
        out.append(str(p.relative_to(base)))
    return out
