"""``wsblock import har`` against Voiden's own open+save code (../shared/voiden-oracle):
an imported file (one WebSocket entry, and several separated by request-separator
blocks) passes Voiden's schema check, shows every block, and keeps its meaning.

Skipped with a message when the oracle is absent (see test_fidelity_oracle.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fidelity_files import wsblock
from test_fidelity_oracle import ORACLE, _empty_code_blocks, voiden_open_save

from wsblock.document import Document

HARS = Path(__file__).resolve().parents[1] / "fixtures" / "har"
SECRETS = (
    "qwerty12345",
    "c00kie-s3cret",
    "eyJhbGciOiJIUzI1NiJ9",
    "f33d-t0ken-999",
    "t0k3n-fr0m-h4r",
)

pytestmark = pytest.mark.skipif(
    not (ORACLE / "run.js").is_file(),
    reason=f"{ORACLE} is absent: put the shared folder beside the checkout to run the oracle tests",
)


def _check(path: Path, env: Path) -> list[str | int]:
    r = wsblock("check", str(path), "-e", str(env))
    return [r.returncode, *r.stdout.splitlines()[1:]]  # without the file name line


@pytest.mark.parametrize(
    "har, requests", [("chat.har", 1), ("two.har", 2), ("socketio.har", 1), ("graphql.har", 1)]
)
def test_an_imported_file_round_trips_through_voiden(
    tmp_path: Path, har: str, requests: int
) -> None:
    out, env = tmp_path / "imported.void", tmp_path / "imported.env"
    r = wsblock("import", "har", str(HARS / har), "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    saved = tmp_path / "saved.void"
    doc = voiden_open_save(out, saved)  # asserts Voiden's schema check says ok
    assert _empty_code_blocks(doc) == []  # every block shown, none an empty code block
    types = [n["type"] for n in doc["content"]]
    assert types.count("socket-request") == requests
    assert types.count("request-separator") == requests - 1
    before = _check(out, env)
    assert before[0] == 0, before
    assert _check(saved, env) == before
    text = saved.read_text()
    assert not [s for s in SECRETS if s in text]
    # what Voiden wrote: read and written back byte for byte, and fmt-clean
    assert Document.load(saved).dump() == saved.read_bytes().decode("utf-8")
    assert wsblock("fmt", "--check", str(saved)).returncode == 0, text
