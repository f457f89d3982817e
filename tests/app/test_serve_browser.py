"""`wsblock serve`: the app as a web page, opened in Debian's chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wsblock.app import DEMO_FILE, serve_command

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INIT_SCRIPT = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder("utf-8");
  window.__wsblockText = "";
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") { window.__wsblockText += e.data; }
      else if (e.data instanceof ArrayBuffer) { window.__wsblockText += decoder.decode(e.data); }
      else if (e.data && e.data.arrayBuffer) {
        e.data.arrayBuffer().then((b) => { window.__wsblockText += decoder.decode(b); });
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def chromium() -> str:
    """Debian's chromium; its absence fails the test (never a silent skip)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is not installed: `apt-get install chromium` (`make test` does it as root)"
        )
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_runs_this_python_on_the_file(tmp_path):
    cmd = serve_command(tmp_path / "a b.void", "dev", None, {"K": "v w"})
    assert cmd.startswith(sys.executable) and "-m wsblock.app" in cmd
    assert "'" in cmd and "--environment dev" in cmd and "--env-var 'K=v w'" in cmd


def test_served_page_starts_the_app_in_chromium(tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    demo = tmp_path / "demo.void"
    shutil.copyfile(DEMO_FILE, demo)
    port = free_port()
    wsblock = str(Path(sys.executable).parent / "wsblock")
    env = {**os.environ, "PYTHONPATH": SRC, "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [
            wsblock,
            "serve",
            str(demo),
            "--port",
            str(port),
            "--env-var",
            "ECHO_URL=ws://127.0.0.1:9",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
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
                # record what the app sends to the page's terminal (xterm draws on a canvas)
                page.add_init_script(INIT_SCRIPT)
                page.goto(f"http://127.0.0.1:{port}/", timeout=30_000)
                page.wait_for_selector("body.-first-byte", timeout=40_000)
                deadline = time.monotonic() + 40
                text = ""
                while time.monotonic() < deadline:
                    text = page.evaluate("window.__wsblockText || ''")
                    if "Welcome to wsblock" in text and "Run" in text:
                        break
                    time.sleep(0.5)
                page.screenshot(path=str(tmp_path / "served.png"))
                assert "Welcome to wsblock" in text, text[-2000:]
                assert "Run" in text and "WSS" in text
                assert page.locator(".textual-terminal").count() == 1
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
