"""`wsblock load` against a port where nothing listens: the cause is `refused`, the
assertions are not checked (never "failed"), and the users back off."""

from __future__ import annotations

from cli.void_files import expect, message, messages, request, table, write
from load.test_load import entry, events, summary
from peers.fixtures import pick_free_port


def demo_like(tmp_path, url: str):
    """The bundled demo's shape: an expectation and an assertions table on the handshake."""
    return write(
        tmp_path / "demo.void",
        request(url, "Echo"),
        messages(
            message("hello", "text", "hello"),
            expect("echoed hello", [["echo", "body", "equals", "hello"]]),
        ),
        table(
            "assertions-table",
            [
                ["handshake accepted", "status", "equals", "101"],
                ["got the echo", "received.count", "equals", "1"],
            ],
        ),
    )


def test_refused_is_the_cause_and_the_assertions_are_not_checked(wsblock, tmp_path) -> None:
    f = demo_like(tmp_path, f"ws://127.0.0.1:{pick_free_port()}/echo")
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "3s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    refused = s["errors"].get("refused", 0)
    assert s["errors"] == {"refused": refused} and refused > 0, s["errors"]
    assert s["assertions_not_checked"] == {"refused": refused}
    conv = entry(s, "conversation")
    assert conv["failures"] == conv["count"] == refused
    failed = [t for t in s["thresholds"] if t["failed"]]
    assert [t["expression"] for t in failed] == ["errors > 0", "no conversation succeeded"]
    assert failed[1]["reason"] == f"errors: refused × {refused}"
    # The table says it in words, and never "assertion failed".
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "2s")
    assert r.code == 1, r.out + r.err
    assert "assertion failed" not in r.out
    assert "errors: refused × " in r.out
    assert "assertions not checked (the conversation failed first): refused × " in r.out
    assert "✘ threshold crossed: no conversation succeeded (errors: refused × " in r.out


def test_every_connection_refused_backs_off_and_says_so(wsblock, tmp_path) -> None:
    f = demo_like(tmp_path, f"ws://127.0.0.1:{pick_free_port()}/echo")
    r = wsblock("load", str(f), "-u", "5", "-r", "5", "-t", "4s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    # Without backing off: thousands per second. With it: each user waits 0.1 s, 0.2 s...
    # up to 2 s, so a handful of attempts each in 4 s.
    attempts = entry(s, "connect")["count"]
    assert 5 <= attempts <= 5 * 10, attempts
    assert s["connections"]["backoffs"] > 0
    said = [e for e in events(r.out) if e["event"] == "load-backoff"]
    assert len(said) == 1 and said[0]["reason"] == "refused", said
    assert "every connection is refused: backing off" in r.err
    r = wsblock("load", str(f), "-u", "2", "-r", "2", "-t", "2s")
    assert "backed off " in r.out and "every connection was refused" in r.out


def test_a_rejection_the_file_expects_is_judged_by_its_assertions(
    wsblock, ws_peer, tmp_path
) -> None:
    f = write(
        tmp_path / "reject.void",
        request(ws_peer.url("/reject?status=401"), "Rejected"),
        table(
            "assertions-table",
            [
                ["rejected", "status", "equals", "401"],
                ["nothing received", "received.count", "equals", "0"],
            ],
        ),
    )
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "1s", "--json")
    assert r.code == 0, r.out + r.err
    s = summary(r.out)
    assert s["errors"] == {} and s["assertions_not_checked"] == {}
    assert entry(s, "conversation")["count"] > 0


def test_a_rejection_the_file_does_not_expect_is_named_by_its_status(
    wsblock, ws_peer, tmp_path
) -> None:
    f = demo_like(tmp_path, ws_peer.url("/reject?status=403"))
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "1s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    n = s["errors"].get("handshake 403", 0)
    assert s["errors"] == {"handshake 403": n} and n > 0, s["errors"]
    assert s["assertions_not_checked"] == {"handshake 403": n}
    assert s["connections"]["backoffs"] == 0  # refused by HTTP, not by the port


def test_an_expectation_that_times_out_leaves_the_assertions_unchecked(
    wsblock, echo_server, tmp_path
) -> None:
    f = write(
        tmp_path / "never.void",
        request(echo_server.url("/echo"), "Never"),
        messages(
            message("hello", "text", "hello"),
            expect("never", [["echo", "body", "equals", "nope"]], timeout=0.3),
        ),
        table("assertions-table", [["closed ok", "closeCode", "equals", "1000"]]),
    )
    r = wsblock("load", str(f), "-u", "1", "-r", "1", "-t", "2s", "--json")
    assert r.code == 1, r.out + r.err
    s = summary(r.out)
    n = s["errors"]["expectation timeout"]
    assert s["errors"] == {"expectation timeout": n}
    assert s["assertions_not_checked"] == {"expectation timeout": n}
