"""Start-up: the command imports only what the command run needs (issue 12)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import contextlib, io, sys
sys.argv = ["wsblock", "connect", "--help"]
from wsblock.cli.main import main
before = set(sys.modules)
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
heavy = ("textual", "locust", "gevent", "wsblock.app", "wsblock.load", "wsblock.runner")
print(" ".join(sorted(n for n in sys.modules if n.split(".")[0] in heavy or n in heavy)))
print(" ".join(sorted(n for n in before if n.startswith("wsblock."))))
"""


def test_connect_never_imports_the_app_or_the_load_engine() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    loaded_by_connect = out[0].split() if out and out[0] else []
    assert not [n for n in loaded_by_connect if not n.startswith("wsblock.")], loaded_by_connect
    assert not [
        n
        for n in loaded_by_connect
        if n.startswith(("wsblock.app", "wsblock.load", "wsblock.runner"))
    ]
    at_start = out[1].split() if len(out) > 1 else []
    # wsblock.version: the version string alone (`--version`), apart from the package façade
    assert at_start == ["wsblock.cli", "wsblock.cli.main", "wsblock.version"], at_start
