"""Retake docs/screenshot.png: the demo file beside a live connection.

Runs the app (Pilot) against the embedded echo server, sends a few messages, opens
one in the detail view, saves Textual's SVG screenshot, and has Debian's chromium
render it to PNG (headless)::

    PYTHONPATH=src python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from wsblock.app import DEMO_FILE, make_app
from wsblock.servers.echo import serve

HERE = Path(__file__).resolve().parent
SIZE = (160, 45)


async def take(svg: Path) -> None:
    server = await serve("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="wsblock-shot-"))
    demo = folder / "demo.void"
    shutil.copyfile(DEMO_FILE, demo)
    app = make_app(demo, env_vars={"ECHO_URL": f"ws://127.0.0.1:{port}", "USER": "ada"},
                   export_dir=folder)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            await pilot.press("ctrl+j")
            for _ in range(100):
                views = app.main.connections()
                if views and views[0].status.state == "connected":
                    break
                await pilot.pause(0.05)
            view = app.main.connections()[0]
            composer = view.composer
            composer.query_one("#saved").value = 0
            await pilot.pause(0.2)
            composer.editor.focus()
            await pilot.press("ctrl+j")
            for fmt, text, enc in [
                ("xml", "<a><b>1</b></a>", "base64"),
                ("text", "hi {{USER}}", "base64"),
                ("binary", "de ad be ef", "hex"),
            ]:
                composer.load(fmt, text, enc)
                await pilot.press("ctrl+j")
                await pilot.pause(0.15)
            view.ping()  # the round trip in the log and the status
            await pilot.pause(0.3)
            log = view.log_view
            row = next(
                i for i, p in enumerate(view.model.payloads)
                if isinstance(p, str) and '"hello"' in p and view.model.direction(i) == 1
            )
            log.focus()
            log._move(row)
            log.action_select()
            await pilot.pause(0.5)
            composer.editor.focus()
            await pilot.pause(1.2)
            svg.write_text(app.export_screenshot(title="wsblock"), encoding="utf-8")
            await view.shutdown()
    finally:
        server.close()
        await server.wait_closed()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        svg = Path(tmp) / "screenshot.svg"
        asyncio.run(take(svg))
        png = HERE / "screenshot.png"
        # a page exactly the SVG's shape: no margins around the picture
        import re

        text = svg.read_text(encoding="utf-8")
        _x, _y, w, h = (float(n) for n in re.search(r'viewBox="([^"]+)"', text)[1].split())
        width = 1600
        height = round(width * h / w)
        page = svg.with_suffix(".html")
        page.write_text(
            "<html><body style='margin:0;background:#000'>"
            f"<img src='{svg.name}' style='display:block;width:{width}px;height:{height}px'>"
            "</body></html>",
            encoding="utf-8",
        )
        subprocess.run(
            ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={png}",
             page.as_uri()],
            check=True, capture_output=True,
        )
        print(f"wrote {png}")


if __name__ == "__main__":
    main()
