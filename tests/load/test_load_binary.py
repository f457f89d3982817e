"""`wsblock load` on a binary feed: the same decoded expectations as `wsblock run` (issue 13)."""

from __future__ import annotations

import json

from cli.void_files import expect, message, messages, request, table, write


def test_load_sends_json_encoded_and_expects_on_the_decoded_echo(
    wsblock, echo_server, tmp_path
) -> None:
    f = write(
        tmp_path / "feed.void",
        request(echo_server.url("/echo"), "Feed"),
        table("socket-options", [["decode", "msgpack"], ["encode", "msgpack"]]),
        messages(
            message("order", "json", '{"symbol": "ETH"}'),
            expect(
                "tick",
                [
                    ["symbol", "body.symbol", "equals", "ETH"],
                    ["decoder", "decoded", "equals", "msgpack"],
                    ["binary", "type", "equals", "binary"],
                ],
            ),
        ),
    )
    r = wsblock(
        "load", str(f), "-u", "2", "-r", "2", "-t", "2s", "--json", "--fail-if", "errors > 0"
    )
    assert r.code == 0, r.out + r.err
    last = json.loads(r.out.strip().splitlines()[-1])
    tick = next(e for e in last["requests"] if e["name"] == "tick")
    assert tick["count"] > 0 and tick["failures"] == 0, last
