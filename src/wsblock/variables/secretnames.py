"""Which names say that a value is a secret: variables, headers, a handshake's answer.

The one rule, used wherever a value is judged by its name: a variable's
(:mod:`wsblock.variables.sources`), a request header's (:mod:`wsblock.conversation.
resolve`, the Python API), a capture's (:func:`wsblock.conversation.state.secret_capture`)
and a server's answer to the handshake (``Set-Cookie``, ``X-Session-Token``: masked in
the ``open`` event, :mod:`wsblock.engine.handshake_secrets`). It imports nothing of the
documents, so ``wsblock connect`` starts as fast as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "SECRET_HEADERS",
    "SECRET_NAME",
    "secret_header",
    "secret_header_values",
    "secrets_in_headers",
]

#: Names of variables and headers whose values are secrets wherever they come from.
SECRET_NAME = re.compile(r"token|secret|key|passw|authorization|cookie", re.IGNORECASE)

#: Header names whose values are secrets, besides any name :data:`SECRET_NAME` matches.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})

_SESSION_HEADER = re.compile(r"session", re.IGNORECASE)


def secret_header(name: str) -> bool:
    """Whether a header's value is a secret, by the header's name: the credentials
    (``Authorization``, ``Cookie``, ``Set-Cookie``, ``Proxy-Authorization``), a
    secret-like name (:data:`SECRET_NAME`: ``X-Api-Key``, ``X-Auth-Token``), and a
    session's handle (``X-Session-Id``: whoever holds it is the session). A header's
    name only: a variable or a capture named ``SESSION`` is not a secret for it."""
    return (
        name.lower() in SECRET_HEADERS
        or SECRET_NAME.search(name) is not None
        or _SESSION_HEADER.search(name) is not None
    )


def secrets_in_headers(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The secrets among ``headers`` (a handshake's answer), by :func:`secret_header_values`."""
    return [secret for name, value in headers for secret in secret_header_values(name, value)]


def secret_header_values(name: str, value: str) -> list[str]:
    """The secrets a header ``name: value`` holds (none unless :func:`secret_header`):
    the value, and the part a payload may carry alone -- a ``Bearer``/``Basic``/``Token``/
    ``Digest`` credential without its scheme, a cookie's value without its name and
    attributes (``sid=abc; Path=/`` -> ``abc``)."""
    if not secret_header(name):
        return []
    value = value.strip()
    found = [value]
    scheme, _, rest = value.partition(" ")
    if rest.strip() and scheme.lower() in ("bearer", "basic", "token", "digest"):
        found.append(rest.strip())
    if "cookie" in name.lower():
        for pair in value.split(";") if name.lower() == "cookie" else value.split(";")[:1]:
            _, eq, cookie = pair.partition("=")
            if eq and cookie.strip():
                found.append(cookie.strip())
    return found
