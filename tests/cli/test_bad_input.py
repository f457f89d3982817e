"""Issue 8, bad input: exit 2 with a clear message, never a hang, a traceback or "internal error"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_paths import SAMPLES
from void_files import block, expect, messages, request, table, write

ECHO = SAMPLES / "wss" / "echo.void"
ENV = SAMPLES / "wss" / ".env.example"


def assert_clean(r, *words: str, code: int = 2) -> None:
    """Exit *code*, each of *words* said, and no traceback or internal error."""
    said = r.out + r.err
    assert r.code == code, said
    assert "Traceback" not in said and "internal error" not in said, said
    for w in words:
        assert w in said, (w, said)


# -- 1. --env-var NOEQUALS and -e missing.env, on every command that takes them -------

ENV_COMMANDS = [
    ["check", str(ECHO)],
    ["run", str(ECHO)],
    ["connect", "ws://127.0.0.1:9/"],
    ["open", str(ECHO)],
]


@pytest.mark.parametrize("command", ENV_COMMANDS, ids=lambda c: c[0])
def test_env_var_without_equals_is_exit_2(wsblock, command) -> None:
    assert_clean(
        wsblock(*command, "--env-var", "NOEQUALS"), "--env-var 'NOEQUALS': expected KEY=VALUE"
    )


@pytest.mark.parametrize("command", ENV_COMMANDS, ids=lambda c: c[0])
def test_missing_env_file_is_exit_2(wsblock, command, tmp_path) -> None:
    missing = tmp_path / "missing.env"
    assert_clean(wsblock(*command, "-e", str(missing)), f"{missing}: no such .env file")


# -- 2. YAML alias bombs and huge documents --------------------------------------------


def _bomb(levels: int = 12) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_an_environment_file(wsblock, tmp_path) -> None:
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_text(_bomb())
    f = write(tmp_path / "a.void", request("ws://h/"))
    for command in ("check", "run"):
        r = wsblock(command, str(f), "--environment", "a0", timeout=30)
        assert_clean(r, "env-public.yaml", "alias bomb")


def test_alias_bomb_in_a_block_for_fmt_and_check(wsblock, tmp_path) -> None:
    f = tmp_path / "bomb.void"
    f.write_text(block("type: x\nattrs:\n  " + _bomb().replace("\n", "\n  ")))
    for command in ("fmt", "check"):
        assert_clean(wsblock(command, str(f), timeout=30), "bomb.void", "alias bomb")


# -- 3. deep nesting, bad URLs, invalid UTF-8, YAML tags ----------------------------------


def test_deep_nesting_in_a_block_and_in_a_json_message(wsblock, tmp_path) -> None:
    deep = tmp_path / "deep.void"
    deep.write_text(block("type: x\nattrs: " + "[" * 5000 + "]" * 5000))
    for command in ("fmt", "check"):
        assert_clean(wsblock(command, str(deep)), "nested too deeply")
    js = write(
        tmp_path / "js.void",
        request("ws://h/"),
        messages(f"""  - type: socket-message
    attrs:
      uid: m
      name: deep
      format: json
    content: '{"[" * 100000}{"]" * 100000}'"""),
    )
    assert_clean(wsblock("check", str(js)), "message 'deep'", "nested too deeply")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ws://[::1", ["Invalid IPv6 URL"]),
        ("ws://127.0.0.1:99999/", ["the port must be 1-65535"]),
        ("ws://127.0.0.1:0/", ["the port must be 1-65535"]),
        ("ws://:80/", ["no host"]),
    ],
)
def test_bad_urls_are_caught_by_check_and_run(wsblock, tmp_path, url, words) -> None:
    f = write(tmp_path / "u.void", request(url))
    for command in ("check", "run"):
        assert_clean(wsblock(command, str(f)), "invalid URL", *words)


def test_invalid_utf8_in_env_files(wsblock, tmp_path) -> None:
    f = write(tmp_path / "a.void", request("ws://h/{{K}}"))
    bad = tmp_path / "bad.env"
    bad.write_bytes(b"K=\xff\xfe\n")
    assert_clean(wsblock("check", str(f), "-e", str(bad)), "bad.env", "not UTF-8")
    (tmp_path / ".env").write_bytes(b"K=\xff\n")  # the project's own .env
    assert_clean(wsblock("check", str(f)), ".env", "not UTF-8")
    (tmp_path / ".env").unlink()
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_bytes(b"dev:\n  variables:\n    K: \xff\n")
    assert_clean(wsblock("check", str(f), "--environment", "dev"), "env-public.yaml", "not UTF-8")


@pytest.mark.parametrize(
    "tag",
    [
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!timestamp 2025-01-01",
        "!!python/object:os.system {}",
        "!custom x",
    ],
)
def test_yaml_tags_outside_the_core_schema_in_fmt(wsblock, tmp_path, tag) -> None:
    f = tmp_path / "t.void"
    f.write_text(block(f"type: x\nattrs:\n  v: {tag}"))
    for command in ("fmt", "check"):
        assert_clean(wsblock(command, str(f)), "t.void", "is not supported")


# -- 4. regular files only, with a size limit ------------------------------------------


def test_dev_zero_fifo_and_symlink_are_refused(wsblock, tmp_path) -> None:
    fifo = tmp_path / "fifo.void"
    os.mkfifo(fifo)
    (tmp_path / "link.void").symlink_to(fifo)
    (tmp_path / "zero.void").symlink_to("/dev/zero")
    for command in ("check", "fmt"):
        r = wsblock(command, str(tmp_path / "*.void"), timeout=30)  # link.void is fifo.void
        assert_clean(r, "fifo.void", "zero.void", "not a regular file")
        r = wsblock(command, str(tmp_path / "l*.void"), timeout=30)  # a glob through the symlink
        assert_clean(r, "link.void", "not a regular file (a FIFO)")
    f = write(tmp_path / "ok.txt", request("ws://h/"))
    for env in ("/dev/zero", str(fifo)):
        assert_clean(wsblock("check", str(f), "-e", env, timeout=30), "not a regular file")
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").symlink_to(fifo)
    assert_clean(wsblock("check", str(f), "--environment", "dev", timeout=30), "not a regular file")


def test_a_file_over_the_size_limit_is_refused(tmp_path) -> None:
    from wsblock.document.readfile import NotReadable, read_bytes

    f = tmp_path / "big.void"
    f.write_bytes(b"x" * 1001)
    with pytest.raises(NotReadable, match="too large"):
        read_bytes(f, limit=1000)
    assert read_bytes(f, limit=1001) == b"x" * 1001


# -- 6. a BOM does not hide the first block ---------------------------------------------


def test_bom_keeps_the_first_block(wsblock, tmp_path) -> None:
    f = tmp_path / "bom.void"
    f.write_bytes(b"\xef\xbb\xbf" + ECHO.read_bytes())
    r = wsblock("check", str(f), "-e", str(ENV))
    assert r.code == 0, r.out + r.err
    assert "1 Echo: a first WebSocket conversation  WSS" in r.out
    g = tmp_path / "bare.void"
    g.write_bytes(b"\xef\xbb\xbf" + request("ws://h/").split("\n", 2)[2].encode())
    r = wsblock("check", str(g))
    assert r.code == 0 and "WSS ws://h/" in r.out, r.out + r.err
    r = wsblock("fmt", str(g))
    assert r.code == 0 and g.read_bytes().startswith(b"\xef\xbb\xbf```void\n"), r.out + r.err
    assert "WSS ws://h/" in wsblock("check", str(g)).out


# -- 7. checked before connecting -------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        (
            [table("assertions-table", [["d", "closeReason", "matches", "(unclosed"]])],
            ["assertions-table row 1", "invalid regular expression '(unclosed'"],
        ),
        (
            [messages(expect("e", [["d", "body", "matches", "[z-a]"]]))],
            ["expect 'e'", "invalid regular expression"],
        ),
        (
            [messages(expect("neg", [["d", "body", "exists", ""]], timeout=-1))],
            ["expect 'neg'", "timeout must be a number of seconds >= 0"],
        ),
        (
            [table("assertions-table", [["d", "recieved.count", "equals", "3"]])],
            ["unknown field 'recieved.count'", "assertions-table row 1"],
        ),
        (
            [messages(expect("f", [["d", "bdy", "equals", "x"]]))],
            ["unknown field 'bdy' for an expectation"],
        ),
        (
            [table("socket-options", [["ca-file", "missing-ca.pem"]])],
            ["socket-options row 1 (ca-file)", "no such file", "missing-ca.pem"],
        ),
        ([table("socket-options", [["client-cert", "missing.crt"]])], ["no such file"]),
    ],
)
def test_checked_before_connecting(wsblock, tmp_path, parts, words) -> None:
    f = write(tmp_path / "c.void", request("ws://127.0.0.1:9/"), *parts)
    assert_clean(wsblock("check", str(f)), *words)
    r = wsblock("run", str(f))
    assert_clean(r, *words)
    assert "refused" not in r.out + r.err  # nothing was sent


def test_header_value_with_cr_lf_is_refused_before_connecting(wsblock, tmp_path) -> None:
    f = write(
        tmp_path / "h.void",
        request("ws://127.0.0.1:9/"),
        table("headers-table", [["X-A", "{{V}}"]]),
    )
    for command in ("check", "run"):
        r = wsblock(command, str(f), "--env-var", "V=a\r\nX-Injected: 1")
        assert_clean(r, "headers-table row 1", "X-A", "carriage return")
    r = wsblock("check", str(f), "--env-var", "V=a\nb")
    assert_clean(r, "line feed")


def test_known_fields_pass(wsblock, tmp_path) -> None:
    f = write(
        tmp_path / "k.void",
        request("ws://127.0.0.1:9/"),
        messages(
            expect("e", [["d", "body.a[0].b", "matches", "^x+$"], ["t", "type", "eq", "text"]])
        ),
        table(
            "assertions-table",
            [["h", "headers.X-Thing", "exists", ""], ["c", "closeCode", "equals", "1000"]],
        ),
    )
    r = wsblock("check", str(f))
    assert r.code == 0, r.out + r.err


def test_fresh_clone_has_its_samples() -> None:
    """The samples the tests use are in the repository, with the Voiden notice."""
    assert SAMPLES == Path(__file__).resolve().parents[1] / "fixtures" / "samples"
    notice = (SAMPLES / "voiden" / "NOTICE.md").read_text()
    assert "Apache" in notice
    assert ECHO.is_file() and ENV.is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ws://[::1"], ["invalid URL", "Invalid IPv6 URL"]),
        (["ws://127.0.0.1:99999/"], ["the port must be 1-65535"]),
        (
            ["ws://127.0.0.1:9/", "-H", "X: {{V}}", "--env-var", "V=a\r\nb"],
            ["-H X", "carriage return"],
        ),
    ],
)
def test_connect_checks_before_connecting(wsblock, tmp_path, args, words) -> None:
    assert_clean(wsblock("connect", *args, "--log-dir", str(tmp_path)), *words)


def test_a_fifo_in_a_folder_is_said_not_skipped(wsblock, tmp_path) -> None:
    os.mkfifo(tmp_path / "pipe.void")
    write(tmp_path / "ok.void", request("ws://h/"))
    r = wsblock("check", str(tmp_path), timeout=30)
    assert_clean(r, "pipe.void", "not a regular file (a FIFO)", "WSS ws://h/")


@pytest.mark.parametrize("command", ["run", "check", "fmt"])
def test_a_folder_without_a_void_file_is_said_not_passed(wsblock, tmp_path, command) -> None:
    empty = tmp_path / "tests-that-moved"
    empty.mkdir()
    (empty / "README.md").write_text("not a request\n")
    write(tmp_path / "ok.void", request("ws://h/"))
    r = wsblock(command, str(tmp_path / "ok.void"), str(empty), timeout=30)
    assert_clean(r, f"{empty}: no .void file in this folder")


def test_a_run_in_which_every_request_is_skipped_tests_nothing(wsblock) -> None:
    # Voiden's own samples: HTTP requests only, which run in Voiden: nothing to run here
    # is not a pass.
    r = wsblock("run", str(SAMPLES / "voiden"), timeout=30)
    assert_clean(
        r,
        f"no WebSocket request to run in {SAMPLES / 'voiden'}: 9 skipped",
        "(HTTP requests run in Voiden)",
    )
    assert "passed" not in r.out
