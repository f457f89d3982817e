"""Issue 11.9, 11.10, 11.12: the demo works as is, cleans up after itself, and says
where it saves; the echo server's paths are documented."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_serve_browser import ARGS, INIT_SCRIPT, SRC, chromium, free_port  # noqa: F401

from wsblock.app import make_app

ROOT = Path(__file__).resolve().parents[2]
WSBLOCK = str(Path(sys.executable).parent / "wsblock")


def _env(tmp_path) -> dict:
    return {**os.environ, "PYTHONPATH": SRC, "XDG_STATE_HOME": str(tmp_path / "state")}


def test_echo_server_paths_are_in_its_help_and_the_readme(tmp_path):
    from wsblock.servers.echo import _EchoServer

    paths = [*_EchoServer().routes, "/reject", "/hang", "/echo"]
    out = subprocess.run(
        [WSBLOCK, "echo-server", "--help"], capture_output=True, text=True, env=_env(tmp_path)
    )
    assert out.returncode == 0, out.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in paths:
        assert re.search(rf"^\s+{re.escape(path)}\b", out.stdout, re.M), path
        assert f"`{path}" in readme, path


def test_demo_headless_removes_its_temporary_folder(tmp_path):
    out = subprocess.run(
        [WSBLOCK, "demo", "--headless"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    match = re.search(r"running (\S+demo\.void)", out.stderr)
    assert match, out.stderr
    assert out.returncode == 0, out.stdout + out.stderr
    assert not Path(match.group(1)).parent.exists()


async def test_a_save_in_the_demo_says_where_and_that_it_goes_away(tmp_path):
    from wsblock.app import DEMO_FILE

    folder = tmp_path / "wsblock-demo-x"
    folder.mkdir()
    demo = folder / "demo.void"
    demo.write_text(DEMO_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(demo, env_vars={"ECHO_URL": "ws://127.0.0.1:9"}, temporary=folder)
    async with app.run_test(size=(160, 45)) as pilot:
        notices: list[str] = []
        await pilot.pause(0.3)
        for node in (app, app.main, app.main.editor):
            original = node.notify

            def notify(message, *a, _original=original, **kw):
                notices.append(message)
                return _original(message, *a, **kw)

            node.notify = notify
        app.main.editor.session.set_url(0, "{{ECHO_URL}}/echo?x=1")
        await pilot.press("ctrl+s")
        for _ in range(40):
            if len(notices) >= 2:
                break
            await pilot.pause(0.05)
        assert any(f"Saved demo.void in {folder}" in n for n in notices), notices
        assert any("temporary folder" in n and "Ctrl+Shift+S" in n for n in notices), notices


def test_serve_demo_works_as_is_in_chromium(tmp_path, chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = subprocess.Popen(
        [WSBLOCK, "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_env(tmp_path),
        text=True,
    )
    demo_path = None
    try:
        for _ in range(2):
            line = proc.stdout.readline()
            found = re.search(r"the demo file is (\S+)", line)
            demo_path = Path(found.group(1)) if found else demo_path
            if f"http://127.0.0.1:{port}/" in line:
                break
        assert demo_path is not None and demo_path.exists()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.add_init_script(INIT_SCRIPT)
                page.goto(f"http://127.0.0.1:{port}/", timeout=30_000)
                page.wait_for_selector("body.-first-byte", timeout=40_000)

                def wait_for(needle: str, timeout: float = 40) -> str:
                    end = time.monotonic() + timeout
                    text = ""
                    while time.monotonic() < end:
                        text = page.evaluate("window.__wsblockText || ''")
                        if needle in text:
                            return text
                        time.sleep(0.3)
                    raise AssertionError(f"{needle!r} never drawn: {text[-1500:]}")

                wait_for("Welcome to wsblock")
                page.locator(".textual-terminal").click()
                page.keyboard.press("F5")  # run: no variable to set
                text = wait_for("Connected")
                assert "unknown variable" not in text
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("wsblock serve --demo did not stop on SIGTERM")
    assert not demo_path.parent.exists(), "the demo's temporary folder was left behind"


def test_make_demo_installs_only_what_the_demo_needs():
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    installs = [line for line in out.stdout.splitlines() if "pip install" in line]
    assert installs and all("[test]" not in line for line in installs), out.stdout
    assert any(line.rstrip().endswith("-e .") for line in installs), out.stdout
    assert out.stdout.rstrip().endswith("wsblock demo")
