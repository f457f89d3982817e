"""``make test`` on a fresh machine (tools/need.sh, the ``deps`` target): what the tests
need from the system is installed as root with apt-get, or named at once, with the one
command that installs it. Run against a PATH of its own, with an ``apt-get`` that only
writes down how it was called."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEED = ROOT / "tools" / "need.sh"
EVERYTHING = ["chromium", "websocketd", "nodejs", "npm", "openssl"]


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A folder the unprivileged user (nobody) can read, with a copy of the script."""
    folder = Path(tempfile.mkdtemp(prefix="wsblock-need-"))
    folder.chmod(0o755)
    shutil.copy(NEED, folder / "need.sh")
    yield folder
    shutil.rmtree(folder)


def bare_path(tmp_path: Path, *, apt: bool) -> Path:
    """A PATH with bash and the few commands the script uses, and none of the packages."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("bash", "id", "cat", "env"):
        found = shutil.which(name)
        assert found, name
        (bin_dir / name).symlink_to(found)
    bash = shutil.which("bash")
    for python, code in (("python-ok", 0), ("python-no-venv", 1)):  # `import ensurepip, venv`
        (bin_dir / python).write_text(f"#!{bash}\nexit {code}\n")
        (bin_dir / python).chmod(0o755)
    if apt:
        log = tmp_path / "apt.log"
        fake = bin_dir / "apt-get"
        fake.write_text(f'#!{bash}\necho "$*" >> {log}\n')
        fake.chmod(0o755)
    return bin_dir


def need(
    bin_dir: Path, *, as_user: bool, python: str = "python-ok"
) -> subprocess.CompletedProcess[str]:
    args = [str(bin_dir / "bash"), str(bin_dir.parent / "need.sh"), str(bin_dir / python)]
    if as_user and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) runs the script as a user other than root"
        args = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *args]
    env = {"PATH": str(bin_dir), "VENV": str(bin_dir / "no-venv")}
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=30, cwd=bin_dir.parent
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="only root installs: the case below is the user's")
def test_as_root_what_is_missing_is_installed_with_apt_get(tmp_path: Path) -> None:
    bin_dir = bare_path(tmp_path, apt=True)
    r = need(bin_dir, as_user=False)
    assert r.returncode == 0, r.stderr
    assert f"installing {' '.join(EVERYTHING)}" in r.stdout
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].split()[-len(EVERYTHING) :] == EVERYTHING
    assert calls[1].startswith("install -y")


def test_as_a_user_it_stops_at_once_with_the_one_command(tmp_path: Path) -> None:
    bin_dir = bare_path(tmp_path, apt=True)
    t0 = time.monotonic()
    r = need(bin_dir, as_user=True)
    assert r.returncode == 1, r.stdout + r.stderr
    assert time.monotonic() - t0 < 10
    assert f"    sudo apt-get install {' '.join(EVERYTHING)}\n" in r.stderr
    assert not (tmp_path / "apt.log").exists()  # nothing was tried


def test_without_apt_get_it_names_the_packages(tmp_path: Path) -> None:
    r = need(bare_path(tmp_path, apt=False), as_user=True)
    assert r.returncode == 1
    assert f"install {' '.join(EVERYTHING)} with your system's package manager" in r.stderr


def test_a_python_that_makes_no_venv_asks_for_python3_venv(tmp_path: Path) -> None:
    r = need(bare_path(tmp_path, apt=True), as_user=True, python="python-no-venv")
    assert r.returncode == 1
    assert f"sudo apt-get install {' '.join(EVERYTHING)} python3-venv\n" in r.stderr


def test_nothing_missing_is_silent(tmp_path: Path) -> None:
    bin_dir = bare_path(tmp_path, apt=True)
    for name in ("chromium", "websocketd", "node", "npm", "openssl"):
        (bin_dir / name).symlink_to(bin_dir / "cat")
    r = need(bin_dir, as_user=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_make_test_checks_first_and_ci_only_calls_it() -> None:
    make = (ROOT / "Makefile").read_text()
    assert "\ntest: deps " in make and "\nunit: deps " in make
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci[-1] == "make test" and not any("apt" in line for line in ci)
