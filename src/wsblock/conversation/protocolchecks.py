"""Checks on the messages of the protocols on WebSocket: ``socket.io`` and ``graphql``.

* ``format: socket.io``: a JSON array whose first item is the event's name (a string);
  the rest are its arguments. ``{"$binary": "<base64>"}`` stands for a binary argument.
  With ``ack-reply`` (a rule's answer to an event that asked for an acknowledgement) it is
  the JSON array of the acknowledgement's arguments.
* ``format: graphql``: a GraphQL document, parsed with ``graphql-core`` (imported only
  when a ``graphql`` message is checked); a syntax error names its line and column.
* The ``socket-options`` rows of these protocols: ``protocol``, ``namespace``,
  ``socket.io-path``, ``connect-payload``, and a ``graphql`` message's ``variables``.

A message's error is a :data:`Problem` ``(words, line, column)`` (1-based, or None) that
:func:`wsblock.conversation.checks.validate` turns into its ``MessageError``; an option
row's is a ``ValueError``, so that ``resolve`` names the file and the row.
"""

from __future__ import annotations

import json

#: What is wrong with a message: its words, and the line and column (1-based) if known.
Problem = tuple[str, int | None, int | None]

__all__ = [
    "PROTOCOLS",
    "Problem",
    "graphql_error",
    "parse_connect_payload",
    "parse_namespace",
    "parse_protocol",
    "parse_socketio_path",
    "parse_variables",
    "socketio_ack_error",
    "socketio_error",
]

#: The values of the ``protocol`` row.
PROTOCOLS = ("websocket", "socket.io", "graphql-transport-ws", "graphql-ws")


def parse_protocol(text: str) -> str:
    """``socket.io`` and the others of :data:`PROTOCOLS` (case-insensitive)."""
    value = text.strip().lower()
    if value not in PROTOCOLS:
        raise ValueError(f"expected one of {', '.join(PROTOCOLS)}, got {text!r}")
    return value


def parse_namespace(text: str) -> str:
    """``/admin``: a namespace starts with ``/`` and holds no comma, space or ``?``."""
    value = text.strip() or "/"
    if not value.startswith("/") or any(c in value for c in ", ?#"):
        raise ValueError(f"a namespace starts with / and has no comma or space, got {text!r}")
    return value


def parse_socketio_path(text: str) -> str:
    """``/socket.io/``: the path where the server listens (a leading ``/`` is added)."""
    value = text.strip()
    if not value or any(c in value for c in " ?#"):
        raise ValueError(f"expected a path such as /socket.io/, got {text!r}")
    return value if value.startswith("/") else "/" + value


def parse_connect_payload(text: str) -> str | None:
    """The JSON object of ``connect-payload``, as compact JSON text (None when empty)."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {text.strip()!r}")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_variables(text: str) -> dict[str, object] | None:
    """A ``graphql`` message's ``variables``: a JSON object (None when empty)."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"variables: invalid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        ) from None
    if not isinstance(value, dict):
        raise ValueError("variables: expected a JSON object")
    return value


def socketio_error(content: str) -> Problem | None:
    """The first error of a ``socket.io`` message, or None."""
    try:
        value = json.loads(content)
    except json.JSONDecodeError as e:
        return (f"invalid JSON: {e.msg}", e.lineno, e.colno)
    except RecursionError:
        return ("invalid JSON: nested too deeply", None, None)
    if not isinstance(value, list) or not value:
        return ('a socket.io message is a JSON array: ["event", args...]', None, None)
    if not isinstance(value[0], str) or not value[0]:
        return ("a socket.io message starts with the event's name (a string)", None, None)
    return None


def socketio_ack_error(content: str) -> Problem | None:
    """The first error of a ``socket.io`` message with ``ack-reply``, or None: its content
    is the JSON array of the acknowledgement's arguments (``[]`` for none)."""
    try:
        value = json.loads(content)
    except json.JSONDecodeError as e:
        return (f"invalid JSON: {e.msg}", e.lineno, e.colno)
    except RecursionError:
        return ("invalid JSON: nested too deeply", None, None)
    if not isinstance(value, list):
        return (
            "an acknowledgement (ack-reply) is the JSON array of its arguments: [args...]",
            None,
            None,
        )
    return None


def graphql_error(content: str) -> Problem | None:
    """The first syntax error of a ``graphql`` document, or None (graphql-core parses it)."""
    from graphql import GraphQLError, parse

    if not content.strip():
        return ("the GraphQL document is empty", None, None)
    try:
        parse(content, no_location=False)
    except GraphQLError as e:
        where = e.locations[0] if e.locations else None
        words = e.message.removeprefix("Syntax Error: ")
        return (
            f"GraphQL syntax error: {words}",
            where.line if where else None,
            where.column if where else None,
        )
    except RecursionError:
        return ("GraphQL syntax error: nested too deeply", None, None)
    return None
