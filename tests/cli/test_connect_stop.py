"""Issue 22, item 6: ``connect`` stopped by Ctrl-C during a flood, and ``--no-journal``.

One Ctrl-C says ``interrupted, closing (Ctrl-C again to cut at once)`` as ``run`` does,
stops printing, and ends within about a second however much the server still sends;
exit 130.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from cli_paths import WSBLOCK


def test_ctrl_c_during_a_flood_says_so_stops_printing_and_ends_soon(echo_cli, tmp_path) -> None:
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path), NO_COLOR="1")
    proc = subprocess.Popen(
        [WSBLOCK, "connect", echo_cli.url("/flood?n=20000000&size=64")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    seen = 0
    while seen < 1_000_000:  # the flood is under way
        chunk = proc.stdout.read1(1 << 16)
        assert chunk, "the flood never came"
        seen += len(chunk)
    proc.send_signal(signal.SIGINT)
    sent_at = time.monotonic()
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent_at
    text = err.decode()
    assert proc.returncode == 130, text
    assert "wsblock: interrupted, closing (Ctrl-C again to cut at once)" in text
    assert "Traceback" not in text
    assert took < 5, f"{took:.1f} s from Ctrl-C to the end"
    # What was already on its way out; a flood printed on would be hundreds of MB.
    assert len(out) < 20_000_000, f"{len(out)} bytes printed after Ctrl-C"
    journal = next((tmp_path / "wsblock" / "sessions").glob("*.ndjson"))
    assert '"event": "close"' in journal.read_text().splitlines()[-1]


def test_no_journal_records_nothing(wsblock, echo_cli, state_dir) -> None:
    r = wsblock("connect", echo_cli.url("/echo"), "--no-journal", input="a\n")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["a"]
    assert not list(state_dir.rglob("*.ndjson"))


def test_a_large_journal_is_said_at_the_end(wsblock, echo_cli, state_dir) -> None:
    url = echo_cli.url("/flood?n=2000&size=64")
    r = wsblock("connect", url, env={"WSBLOCK_JOURNAL_WARN_MB": "0.1"})
    assert r.code == 0, r.err
    assert "wsblock: the journal " in r.err and "wsblock sessions --prune 7d" in r.err, r.err
    r = wsblock("connect", echo_cli.url("/flood?n=10&size=64"))
    assert "wsblock sessions --prune" not in r.err


def test_journal_size_counts_the_bytes_written(tmp_path) -> None:
    from wsblock.journal import Journal

    journal = Journal.create(tmp_path, name="s")
    journal.close()
    assert journal.size == journal.path.stat().st_size > 0
