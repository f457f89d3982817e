"""WebSocket close codes: which ones a client may send, and what they mean.

RFC 6455 section 7.4 and the IANA registry: 1000-2999 are defined by the protocol
(some of them can never appear in a close frame), 3000-3999 are registered by
libraries and frameworks, 4000-4999 are for applications.
"""

from __future__ import annotations

#: Codes of the protocol range that an endpoint may put in a close frame.
SENDABLE_PROTOCOL_CODES: frozenset[int] = frozenset(
    {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
)

#: Longest close reason: a control frame carries 125 bytes, 2 of them the code.
MAX_REASON_BYTES = 123

NAMES: dict[int, str] = {
    1000: "normal closure",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1005: "no status code",
    1006: "abnormal closure",
    1007: "invalid data",
    1008: "policy violation",
    1009: "message too big",
    1010: "mandatory extension",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
    1015: "TLS handshake failed",
}


def is_sendable(code: int) -> bool:
    """Tell whether a client may send ``code`` in a close frame."""
    return code in SENDABLE_PROTOCOL_CODES or 3000 <= code <= 4999


def validate_close(code: int, reason: str) -> None:
    """Check a close code and reason before sending them.

    Raises:
        ValueError: In plain words, when the code may not be sent or the reason is
            longer than 123 bytes in UTF-8.
    """
    if isinstance(code, bool) or not isinstance(code, int):
        raise ValueError(f"a close code is a whole number, not {code!r}")
    if not is_sendable(code):
        if code in NAMES:
            why = f"{code} ({NAMES[code]}) is reserved and never sent in a close frame"
        else:
            why = f"{code} is not a close code a client may send"
        raise ValueError(
            f"{why}; use 1000 (normal closure), another protocol code such as 1001 or "
            "1008, or an application code from 3000 to 4999"
        )
    size = len(reason.encode("utf-8"))
    if size > MAX_REASON_BYTES:
        raise ValueError(
            f"the close reason is {size} bytes in UTF-8; at most {MAX_REASON_BYTES} fit "
            "in a close frame"
        )


def describe(code: int | None) -> str:
    """``1000 (normal closure)``, ``4001 (application)``, ... for messages to people."""
    if code is None:
        return "no code"
    if code in NAMES:
        return f"{code} ({NAMES[code]})"
    if 3000 <= code <= 3999:
        return f"{code} (library or framework)"
    if 4000 <= code <= 4999:
        return f"{code} (application)"
    return str(code)
