"""A journal's ``sent`` record turned back into the :class:`Message` that made it.

What ``wsblock replay`` sends again. A text, JSON, XML or binary message is its data. A
message of a protocol on the WebSocket is recorded in its shown form, from which the
message is rebuilt whole:

* ``socket.io``: an event is its JSON array (``["add",{"a":2}]``), with ``key`` the ack id
  when it asked for an acknowledgement (``ack: true``); an acknowledgement a rule sent
  (``ack-reply``) is ``{"ack": id, "args": [...]}``, rebuilt with that id.
* ``graphql``: the operation's frame, ``{"id", "type", "payload": {"query", "variables",
  "operationName"}}``: the document, its variables and the operation's name.

:func:`recorded_form` gives a saved message's form as the journal would show it, so that
one whose secrets were masked in the journal can be found among the current messages.
"""

from __future__ import annotations

import json
from typing import Any

from wsblock.conversation.request import Format, Message

__all__ = ["SentError", "recorded_form", "sent_message"]

_PLAIN: tuple[str, ...] = ("text", "json", "xml", "binary")


class SentError(ValueError):
    """A recorded protocol message that cannot be rebuilt (its words say why)."""


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def sent_message(data: str | bytes, fmt: str, key: str | None, name: str = "") -> Message:
    """The message a ``sent`` record of ``data`` (its ``data``, as recorded), ``fmt`` (its
    ``format``) and ``key`` was made by; :class:`SentError` when a protocol message's
    recorded form is not one its protocol shows."""
    if isinstance(data, bytes):
        return Message(name=name, format="binary", data=data)
    if fmt == "socket.io":
        return _socketio(data, key, name)
    if fmt == "graphql":
        return _graphql(data, name)
    form: Format = fmt if fmt in _PLAIN else "text"  # type: ignore[assignment]
    return Message(name=name, format=form, data=data)


def _load(data: str, what: str) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        raise SentError(f"a recorded {what} message is not JSON ({e.msg})") from None


def _socketio(data: str, key: str | None, name: str) -> Message:
    value = _load(data, "socket.io")
    if isinstance(value, list) and value and isinstance(value[0], str):
        return Message(name=name, format="socket.io", data=data, ack=key is not None)
    if isinstance(value, dict) and isinstance(value.get("ack"), int):
        args = value.get("args")
        if isinstance(args, list):
            return Message(
                name=name,
                format="socket.io",
                data=_compact(args),
                ack_reply=True,
                ack_id=value["ack"],
            )
    raise SentError(
        'a recorded socket.io message is neither an event ["event", args...] nor an '
        'acknowledgement {"ack": id, "args": [...]}'
    )


def _graphql(data: str, name: str) -> Message:
    value = _load(data, "graphql")
    payload = value.get("payload") if isinstance(value, dict) else None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        raise SentError('a recorded graphql message has no {"payload": {"query": ...}}')
    variables = payload.get("variables")
    operation = payload.get("operationName")
    return Message(
        name=name,
        format="graphql",
        data=payload["query"],
        variables=None if variables is None else _compact(variables),
        operation=operation if isinstance(operation, str) else None,
    )


def recorded_form(message: Message) -> tuple[str | bytes | None, ...]:
    """What of ``message`` a journal records, in a form to compare with the rebuilt
    message of a record (:func:`sent_message`): its data, variables and operation, a
    ``socket.io`` message's JSON compacted as it is shown."""
    data = message.data
    if message.format == "socket.io" and isinstance(data, str):
        try:
            data = _compact(json.loads(data))
        except json.JSONDecodeError:
            pass
    variables = message.variables
    if message.format == "graphql" and variables:
        try:
            variables = _compact(json.loads(variables))
        except json.JSONDecodeError:
            pass
    return (data, variables, message.operation)
