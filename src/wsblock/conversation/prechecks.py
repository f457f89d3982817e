"""What :mod:`wsblock.conversation.resolve` checks before anything connects, beyond parsing.

Each function returns the problem in words (without the place, which the caller
adds), or ``None`` when all is well:

* :func:`url_problem` -- a URL that cannot be connected to (``ws://[::1``, a port
  outside 1-65535, no host);
* :func:`header_value_problem` -- a CR, LF or NUL in a header value (header injection;
  the server would otherwise be blamed);
* :func:`field_problem` -- an expectation or assertion field that nothing fills in
  (it would silently compare with "absent");
* :func:`pattern_problem` -- a ``matches`` pattern that does not compile (it would
  silently never match).

The field names known are :data:`EXPECT_FIELDS` and :data:`ASSERT_FIELDS`; a front
end or codec that adds fields registers them with :func:`register_fields`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = [
    "ASSERT_FIELDS",
    "EXPECT_FIELDS",
    "field_problem",
    "header_value_problem",
    "pattern_problem",
    "register_fields",
    "url_problem",
]

#: Expectation fields: exact names, and prefixes (``body.a.b[0]``).
EXPECT_FIELDS: dict[str, set[str]] = {
    # ``decoded``: the decoder that read the message (wsblock.codecs registers it too;
    # named here so that a file without a codec resolves without importing the codecs)
    "names": {"body", "type", "size", "latency", "decoded"},
    "prefixes": {"body.", "body["},
}
#: Assertion fields: exact names, and prefixes (``headers.<name>``).
ASSERT_FIELDS: dict[str, set[str]] = {
    "names": {
        "connected",
        "status",
        "subprotocol",
        "closeCode",
        "closeReason",
        "sent.count",
        "received.count",
        "duration",
        "responseTime",
    },
    "prefixes": {"headers."},
}


def register_fields(kind: str, names: tuple[str, ...] = (), prefixes: tuple[str, ...] = ()) -> None:
    """Make more fields known; *kind* is ``"expect"`` or ``"assert"``."""
    table = EXPECT_FIELDS if kind == "expect" else ASSERT_FIELDS
    table["names"].update(names)
    table["prefixes"].update(prefixes)


def field_problem(name: str, kind: str) -> str | None:
    """Why *name* is not a field of an expectation (*kind* ``"expect"``) or an assertion."""
    table = EXPECT_FIELDS if kind == "expect" else ASSERT_FIELDS
    if name in table["names"]:
        return None
    lowered = name.lower()
    if any(lowered.startswith(p.lower()) and len(name) > len(p) for p in table["prefixes"]):
        return None
    known = sorted(table["names"]) + sorted(f"{p}…" for p in table["prefixes"])
    what = "an expectation" if kind == "expect" else "an assertion"
    return f"unknown field {name!r} for {what} (known: {', '.join(known)})"


def pattern_problem(pattern: str) -> str | None:
    """Why *pattern* is not a valid ``matches`` regular expression."""
    import regex

    try:
        regex.compile(pattern)
    except regex.error as e:
        return f"invalid regular expression {pattern!r}: {e}"
    except (RecursionError, OverflowError, ValueError) as e:
        return f"invalid regular expression {pattern!r}: {e}"
    return None


def header_value_problem(value: str) -> str | None:
    """Why *value* cannot be sent as a header value (CR, LF, NUL: header injection)."""
    for ch, name in (("\r", "a carriage return (CR)"), ("\n", "a line feed (LF)"), ("\0", "a NUL")):
        if ch in value:
            return f"the header value holds {name}, which may not be sent in a header"
    return None


def url_problem(url: str) -> str | None:
    """Why *url* (ws:// or wss://) cannot be connected to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        reason = str(e)
        if "Port out of range" in reason:
            reason = "the port must be 1-65535"
        elif "Port could not be cast" in reason:
            reason = "the port is not a number"
        return f"invalid URL {url!r}: {reason}"
    if not parts.hostname:
        return f"invalid URL {url!r}: no host"
    if port == 0:
        return f"invalid URL {url!r}: the port must be 1-65535"
    return None
