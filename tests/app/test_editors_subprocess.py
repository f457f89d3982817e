"""The JSON and XML editors run in a child process, so a native crash fails the suite.

tree-sitter 0.26.1 segfaulted as soon as a JSON or XML TextArea was shown; a segfault
inside the test process would kill pytest itself, so this runs them in a subprocess
and checks its exit status.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio
    from textual.app import App
    from wsblock.app.widgets.response.composer import Composer

    class T(App):
        def compose(self):
            yield Composer([])

    async def main():
        app = T()
        async with app.run_test(size=(100, 30)) as pilot:
            c = app.query_one(Composer)
            c.load("json", '{"op": "hello", "items": [1, 2, {"a": null}]}')
            await pilot.pause()
            assert c.editor.language == "json", c.editor.language
            c.editor.focus()
            await pilot.press("end", "x")
            await pilot.pause()
            assert c.error, "x after the JSON must be an error"
            c.load("xml", '<ping seq="1"><a b="c">text</a></ping>')
            await pilot.pause()
            assert c.editor.language == "xml", c.editor.language
            await pilot.press("end", "<")
            await pilot.pause()
            app.save_screenshot("/dev/null")
        print("EDITORS-OK")

    asyncio.run(main())
    """
)


def test_json_and_xml_editors_do_not_crash() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, (
        f"exit {proc.returncode} (negative: killed by a signal)\n{proc.stderr[-3000:]}"
    )
    assert "EDITORS-OK" in proc.stdout
