"""The pytest plugin: ``.void`` files as tests, run by pytest itself (``pytester``)
against the embedded echo server in its own process."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from void_texts import API_TESTS, BAD, OK, request, void_file

from peers.fixtures import Peer

pytestmark = pytest.mark.timeout(300)  # pytest in a subprocess, xdist workers: a loaded machine


@pytest.fixture
def folder(
    pytester: pytest.Pytester, echo_process: Peer, monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    """The issue's folder: test_ok.void (two requests that pass), test_bad.void (one
    expectation that cannot hold) and test_api.py (wsblock.connect and run_file)."""
    pytester.makefile(".void", test_ok=OK, test_bad=BAD)
    pytester.makepyfile(test_api=API_TESTS)
    monkeypatch.setenv("PEER_URL", echo_process.base)  # for test_api.py
    return pytester


#: A bare run (pytest-asyncio off: it warns in a folder with no settings).
BARE = ("-p", "no:asyncio", "-p", "no:cacheprovider")


def _plain(peer: Peer, *more: str) -> list[str]:
    """The done-when's command line: plain pytest with the peer's URL."""
    return ["--void-var", f"PEER_URL={peer.base}", "--void-linger", "0", *more]


def _args(peer: Peer, *more: str) -> list[str]:
    """The options of a run against *peer* (pytest-asyncio off: it warns in a bare folder)."""
    return [
        "-p",
        "no:asyncio",
        "-p",
        "no:cacheprovider",
        "--void-var",
        f"PEER_URL={peer.base}",
        "--void-linger",
        "0",
        *more,
    ]


def _cases(junit: Path) -> dict[str, str]:
    """Each test case of a JUnit file: ``classname::name`` -> passed | failure text."""
    out = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        key = f"{case.get('classname')}::{case.get('name')}"
        out[key] = (
            "passed" if failure is None else (failure.get("message") or "") + (failure.text or "")
        )
    return out


FIVE = {
    "test_ok.void::greet",
    "test_ok.void::second",
    "test_bad.void::bad",
    "test_api::test_connect",
    "test_api::test_run_file",
}


def test_done_when_four_pass_one_fails_with_the_expectation_named(
    folder: pytest.Pytester, echo_process: Peer
) -> None:
    junit = folder.path / "report.xml"
    result = folder.runpytest_subprocess(*_plain(echo_process, "-v", f"--junitxml={junit}"))
    result.assert_outcomes(passed=4, failed=1)
    out = result.stdout.str()
    # The report reads like run's: the expectation, the row that did not hold, the
    # last lines of the run, the journal.
    assert "FAILED test_bad.void::bad - ✘ expect 'cannot hold'" in out
    assert "body.op equals 'bye', actual 'hello'" in out
    assert "last lines of the run:" in out
    assert re.search(r"→ \{\"op\": \"hello\"\}", out)
    assert re.search(r"journal: .*bad\.ndjson", out)
    cases = _cases(junit)
    assert set(cases) == FIVE
    assert [k for k, v in cases.items() if v != "passed"] == ["test_bad.void::bad"]
    assert "cannot hold" in cases["test_bad.void::bad"]


def test_done_when_under_xdist_the_same_and_a_file_stays_on_one_worker(
    folder: pytest.Pytester, echo_process: Peer
) -> None:
    junit = folder.path / "report.xml"
    result = folder.runpytest_subprocess(
        *_plain(echo_process, "-n", "2", "-v", f"--junitxml={junit}")
    )
    result.assert_outcomes(passed=4, failed=1)
    out = result.stdout.str()
    assert "cannot hold" in out
    cases = _cases(junit)
    assert set(cases) == FIVE
    assert [k for k, v in cases.items() if v != "passed"] == ["test_bad.void::bad"]
    # Both requests of test_ok.void ran on one worker, greet before second.
    ran = re.findall(r"\[(gw\d)\] .*?(PASSED|FAILED) (test_ok\.void::\w+)", out)
    assert [name for _, _, name in ran] == ["test_ok.void::greet", "test_ok.void::second"], out
    assert ran[0][0] == ran[1][0], out


def test_k_and_deselect_pick_requests_by_name(
    pytester: pytest.Pytester, echo_process: Peer
) -> None:
    pytester.makefile(".void", test_ok=OK)
    result = pytester.runpytest(*_args(echo_process, "-k", "second"))
    result.assert_outcomes(passed=1, deselected=1)
    result = pytester.runpytest(*_args(echo_process, "--deselect", "test_ok.void::greet", "-v"))
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*test_ok.void::second PASSED*"])


def test_a_file_that_does_not_parse_is_a_collection_error_naming_the_line(
    pytester: pytest.Pytester, echo_process: Peer
) -> None:
    broken = OK.replace("    content: WSS\n", "    content: [WSS\n", 1)
    pytester.makefile(".void", test_broken=broken)
    result = pytester.runpytest(*_args(echo_process))
    result.assert_outcomes(errors=1)
    bad = next(n for n, text in enumerate(broken.splitlines(), 1) if "[WSS" in text)
    out = result.stdout.str()
    assert "ERROR collecting test_broken.void" in out
    found = re.search(r"test_broken\.void:(\d+): invalid YAML", out)
    assert found and int(found[1]) in (bad, bad + 1), out  # YAML finds it on the next line
    assert "Traceback" not in out


def test_an_unknown_variable_is_a_collection_error_and_nothing_is_sent(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".void", test_ok=OK)
    result = pytester.runpytest(*BARE)  # no PEER_URL
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "PEER_URL" in out and re.search(r"test_ok\.void:\d+", out), out


def test_a_bad_void_var_is_said(pytester: pytest.Pytester) -> None:
    pytester.makefile(".void", test_ok=OK)
    result = pytester.runpytest(*BARE, "--void-var", "NOEQUALS")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--void-var 'NOEQUALS': expected KEY=VALUE*"])


def test_only_test_void_files_unless_void_all(
    pytester: pytest.Pytester, echo_process: Peer
) -> None:
    pytester.makefile(".void", notes=OK)
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest(*_args(echo_process))
    result.assert_outcomes(passed=1)
    result = pytester.runpytest(*_args(echo_process, "--void-all"))
    result.assert_outcomes(passed=3)
    result = pytester.runpytest(*_args(echo_process, "notes.void"))  # named: collected
    result.assert_outcomes(passed=2)


def test_settings_from_the_ini_file(pytester: pytest.Pytester, echo_process: Peer) -> None:
    pytester.makefile(".void", test_ok=OK)
    pytester.makeini(f"[pytest]\nvoid_vars =\n    PEER_URL={echo_process.base}\nvoid_linger = 0\n")
    result = pytester.runpytest(*BARE)
    result.assert_outcomes(passed=2)


def test_environment_and_env_file_options(pytester: pytest.Pytester, echo_process: Peer) -> None:
    pytester.makefile(".void", test_ok=OK)
    (pytester.path / ".voiden").mkdir()
    (pytester.path / ".voiden" / "env-public.yaml").write_text(
        f"local:\n  variables:\n    PEER_URL: {echo_process.base}\n"
    )
    result = pytester.runpytest(*BARE, "--void-environment", "local", "--void-linger", "0")
    result.assert_outcomes(passed=2)
    (pytester.path / "peer.env").write_text(f"PEER_URL={echo_process.base}\n")
    result = pytester.runpytest(*BARE, "--void-env-file", "peer.env", "--void-linger", "0")
    result.assert_outcomes(passed=2)
    result = pytester.runpytest(*BARE, "--void-env-file", "missing.env")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*missing.env: no such .env file*"])


def test_each_item_is_journaled(pytester: pytest.Pytester, echo_process: Peer) -> None:
    pytester.makefile(".void", test_ok=OK)
    sessions = pytester.path / "sessions"
    result = pytester.runpytest(*_args(echo_process, "--void-log-dir", str(sessions)))
    result.assert_outcomes(passed=2)
    files = sorted(p.name for p in sessions.glob("*.ndjson"))
    assert len(files) == 2 and files[0].endswith("greet.ndjson"), files
    assert any(p.read_text().count('"event": "received"') == 1 for p in sessions.iterdir())


def test_a_failure_masks_secrets(pytester: pytest.Pytester, echo_process: Peer) -> None:
    # /headers sends the handshake's headers back first: the token would be in the report.
    text = void_file(
        request(
            "secret",
            "/headers",
            [("expect", "never", "1", "body", "equals", "nothing")],
            headers=[("Authorization", "Bearer s3cr3t-t0ken")],
        )
    )
    pytester.makefile(".void", test_secret=text)
    result = pytester.runpytest(*_args(echo_process))
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "s3cr3t-t0ken" not in out
    assert "••••••" in out and "last lines of the run:" in out


def test_a_skipped_http_request_is_said(pytester: pytest.Pytester, echo_process: Peer) -> None:
    http = """## an http one

```void
---
type: request
attrs:
  uid: http-1
content:
  - type: method
    attrs:
      uid: hm-1
      method: GET
    content: GET
  - type: url
    attrs:
      uid: hu-1
    content: http://127.0.0.1/
---
```
"""
    pytester.makefile(
        ".void",
        test_mixed=OK
        + "\n```void\n---\ntype: request-separator\nattrs:\n  uid: s9\n---\n```\n"
        + http,
    )
    result = pytester.runpytest(*_args(echo_process, "-rs"))
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*HTTP requests run in Voiden*"])


def test_void_request_fixture(pytester: pytest.Pytester, echo_process: Peer) -> None:
    pytester.makefile(".void", ok=OK, bad=BAD)
    pytester.makepyfile(
        test_fixture="""
def test_second(void_request):
    run = void_request("ok.void", "second")
    assert run.passed and run.messages[-1].text == "just text"
    assert [m.dir for m in run.messages] == ["out", "in"]

def test_needs_a_name(void_request):
    import pytest
    with pytest.raises(Exception, match="name one request"):
        void_request("ok.void")

def test_failed_returned(void_request):
    run = void_request("bad.void", check=False)
    assert not run.passed
    assert run.steps[1].kind == "expect" and run.steps[1].ok is False

def test_failed_fails(void_request):
    void_request("bad.void")
"""
    )
    result = pytester.runpytest(*_args(echo_process))
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*test_failed_fails*", "*✘ expect 'cannot hold'*"])
