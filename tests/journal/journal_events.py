"""Events to journal in the tests: one of every kind and shape. (Named apart from
other test helpers: test directories are not packages.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wsblock.engine.events import Event

T0 = datetime(2026, 11, 25, 16, 40, 0, 123456, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``T0`` plus ``seconds``."""
    return T0 + timedelta(seconds=seconds)


def every_kind(secret: str = "") -> list[Event]:
    """One event of each kind and shape, with ``secret`` in every free-text field."""
    s = secret
    return [
        Event("connecting", at(0), 0.0, attempt=1, request=f"echo{s}", url=f"wss://h/?k={s}"),
        Event(
            "open",
            at(0.01),
            0.01,
            status=101,
            headers=(("Server", f"demo{s}"), ("Set-Cookie", f"sid={s}")),
            subprotocol=f"chat{s}",
            extensions=("permessage-deflate",),
        ),
        Event("sent", at(0.02), 0.02, "out", "text", "json", f'{{"token": "{s}"}}', 20),
        Event("sent", at(0.03), 0.03, "out", "text", None, f"plain {s}", 9),
        Event("sent", at(0.04), 0.04, "out", "binary", "binary", b"\x00\x01" + s.encode(), 9),
        Event("received", at(0.05), 0.05, "in", "text", None, f'héllo ✓ {s}\n"q"', 15),
        Event("received", at(0.06), 0.06, "in", "binary", None, b"\xff\xfe" + s.encode(), 8),
        Event("received", at(0.07), 0.07, "in", "text", None, f"for r{s}", 8, request="r1"),
        Event("ping", at(0.08), 0.08, "out", "binary", None, b"", 0),
        Event("pong", at(0.09), 0.09, "in", rtt_ms=1.25),
        Event("expect", at(0.10), 0.10, ok=True, name=f"gets a reply{s}"),
        Event("assert", at(0.11), 0.11, ok=False, name="status is 200", reason=f"got 500{s}"),
        Event(
            "error",
            at(0.12),
            0.12,
            error="rejected",
            reason=f"HTTP 403{s}",
            status=403,
            body=f"forbidden{s}",
        ),  # fmt: skip
        Event("reconnect", at(0.13), 0.13, attempt=2, delay=0.5),
        Event("close", at(0.14), 0.14, code=1000, reason=f"bye{s}", by="server"),
    ]
