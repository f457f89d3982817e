"""Issue 8 item 8: a backtracking `matches` pattern is time-bounded and never freezes a run."""

from __future__ import annotations

import time

from void_files import expect, message, messages, request, write

from wsblock.conversation.checks import MATCH_TIMEOUT, evaluate

EVIL = "^(a|aa)+$"  # catastrophic backtracking on "aaa...ab", even in the `regex` package
VICTIM = "a" * 60 + "b"


def test_a_pattern_that_times_out_fails_the_row_with_the_reason() -> None:
    out = evaluate("matches", VICTIM, EVIL)
    assert out.ok is False and "took longer than" in (out.reason or "")
    assert evaluate("matches", "aaa", EVIL).ok is True


def _flood(tmp_path, url: str, n: int, timeout: float):
    sends = [message(f"m{i}", "text", VICTIM) for i in range(n)]
    return write(
        tmp_path / "evil.void",
        request(url),
        messages(*sends, expect("evil", [["aa", "body", "matches", EVIL]], timeout=timeout)),
    )


def test_the_row_fails_with_that_reason_in_a_run(wsblock, echo_cli, tmp_path) -> None:
    f = _flood(tmp_path, echo_cli.url("/echo"), 1, timeout=1)
    r = wsblock("run", str(f), "--linger", "0")
    assert r.code == 1, r.out + r.err
    assert f"the pattern took longer than {MATCH_TIMEOUT:g} s" in r.out
    assert "internal error" not in r.err


def test_the_expect_timeout_holds_against_many_slow_matches(wsblock, echo_cli, tmp_path) -> None:
    # 20 messages x 0.5 s of matching would be 10 s; the expect's 1 s must still hold.
    f = _flood(tmp_path, echo_cli.url("/echo"), 20, timeout=1)
    start = time.monotonic()
    r = wsblock("run", str(f), "--linger", "0")
    took = time.monotonic() - start
    assert r.code == 1 and "no matching message within 1 s" in r.out, r.out + r.err
    assert took < 7, f"the expect timeout was not honoured ({took:.1f} s)"  # a hang bound


def test_run_timeout_holds_against_many_slow_matches(wsblock, echo_cli, tmp_path) -> None:
    f = _flood(tmp_path, echo_cli.url("/echo"), 20, timeout=60)
    start = time.monotonic()
    r = wsblock("run", str(f), "--timeout", "1", "--linger", "0")
    took = time.monotonic() - start
    assert r.code == 1, r.out + r.err
    assert took < 7, f"--timeout was not honoured ({took:.1f} s)"  # a hang bound


def test_ctrl_c_holds_against_many_slow_matches(echo_cli, tmp_path, state_dir) -> None:
    import os
    import signal
    import subprocess

    from cli_paths import WSBLOCK

    # 80 messages x 0.5 s of matching: 40 s if Ctrl-C waited for them
    f = _flood(tmp_path, echo_cli.url("/echo"), 80, timeout=120)
    env = dict(os.environ, XDG_STATE_HOME=str(state_dir), NO_COLOR="1")
    proc = subprocess.Popen(
        [WSBLOCK, "run", str(f), "--json", "--linger", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for line in proc.stdout:  # matching starts once the replies arrive
            if '"received"' in line or '"dir": "in"' in line or '"dir":"in"' in line:
                break
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        code = proc.wait(timeout=30)
        took = time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()
    assert code == 130, proc.stderr.read()
    assert took < 15, f"Ctrl-C was not honoured ({took:.1f} s)"  # a hang bound
