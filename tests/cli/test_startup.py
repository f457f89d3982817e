"""Start-up: the command imports only what the command run needs (issue 12)."""

from __future__ import annotations

import os
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


SCRIPT = """\
import sys
import late
from wsblock.cli import main
sys.exit(main())
"""

LATE = """\
import atexit, os
class Late:
    def __del__(self):
        os.write(2, b"teardown\\n")
keep = Late()
atexit.register(lambda: os.write(2, b"atexit ran\\n"))
"""


def _script(tmp_path):
    """A console script like pip's `wsblock`, importing a module that says when the
    interpreter tears it down (``__del__``) and when ``atexit`` handlers run."""
    (tmp_path / "late.py").write_text(LATE)
    script = tmp_path / "wsblock-script"
    script.write_text(SCRIPT)
    return script


def test_the_script_exits_without_tearing_the_interpreter_down(tmp_path, echo_cli) -> None:
    """Issue 23: no teardown the user waits for; every line out, atexit run, same codes."""
    script = _script(tmp_path)
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    ok = subprocess.run(
        [sys.executable, str(script), "connect", echo_cli.url("/flood?n=500&size=4")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines() == ["xxxx"] * 500  # flushed before the end
    assert "atexit ran" in ok.stderr
    assert "teardown" not in ok.stderr
    journal = next((tmp_path / "state").rglob("*.ndjson")).read_text()
    assert journal.count('"event": "received"') == 500
    bad = subprocess.run(
        [sys.executable, str(script), "check", str(tmp_path / "missing.void")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "missing.void: no such file" in bad.stdout and "atexit ran" in bad.stderr
    assert "teardown" not in bad.stderr


def test_main_called_by_a_caller_returns_to_it(tmp_path) -> None:
    """``python -c 'main()'`` (a test, an embedder) gets SystemExit back, and the
    interpreter ends as usual."""
    (tmp_path / "late.py").write_text(LATE)
    probe = (
        "import late, sys\nfrom wsblock.cli import main\nsys.argv = ['wsblock', '--version']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    print('back', e.code)\n"
    )
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0
    assert out.stdout.splitlines()[-1] == "back 0"
    assert "teardown" in out.stderr
