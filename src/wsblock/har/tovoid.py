"""A HAR's WebSocket entries as one ``.void`` file: a request each (a
``request-separator`` between them), its messages, expectations that would hold on a
replay, and the secrets as variables for a ``.env`` beside it.

::

    imported = to_void(sockets, title="chat.example.com")   # or one HarSocket
    imported.text      # the .void file (no secret in it)
    imported.env       # {"WS_BASE": "wss://chat.example.com", "AUTHORIZATION": "Bearer ..."}
    imported.secrets   # the names of env whose values are secrets

- the URL's origin becomes ``{{WS_BASE}}`` (entries on other origins: ``{{WS_BASE_2}}``,
  ``{{WS_BASE_3}}``... in the order they first appear); its query goes to a query table, a token
  in it (``token``, ``key``, ``auth``...) as a variable whose name says it is a secret
  (``SIG_SECRET``: every run masks it);
- headers kept: ``Origin``, the subprotocols (a ``socket-options`` row), custom ``X-``
  headers; ``Authorization``, ``Cookie`` and secret-named headers as variables; the
  ones the client computes (``Sec-WebSocket-Key``, ``Host``, ``User-Agent``...) dropped;
- each sent message a ``socket-message`` (json, xml, text, or binary in base64), each
  received one a ``socket-expect``: for JSON, the fields whose values are not
  timestamps, ids or nonces; else the type and, for short text, the text;
- a secret is one variable however many entries hold it, and hidden wherever it appears.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from wsblock.conversation.checks import validate
from wsblock.document import Document
from wsblock.document.views import new_block, new_expect, new_message, new_row, new_uid
from wsblock.har.read import HarMessage, HarSocket
from wsblock.servers.wire import wire_for
from wsblock.variables.secretnames import SECRET_HEADERS, SECRET_NAME, secret_header

VOIDEN_VERSION = "0.20.1"

#: Headers worth keeping besides X- ones (lower case).
KEPT = {"origin"}
#: Names taken for secrets besides those of the one rule (:func:`wsblock.variables.
#: secretnames.secret_header`): a file written for git errs on the side of hiding. The
#: variable of such a value is named so that the one rule knows it (``SIG_SECRET``), or
#: a run would show and journal it in clear.
MORE_SECRET_NAMES = re.compile(r"auth|session|sig|jwt|credential", re.IGNORECASE)
VOLATILE_KEY = re.compile(
    r"(^|[_\-.])(id|sid|uuid|guid|ts|time|timestamp|date|nonce|seq|sequence|created|updated|"
    r"expires?|at|ms|now|stamp)$|(Id|Ts|At|Time|Date|Stamp|Nonce|Uuid)$|^_",
)
VOLATILE_VALUE = re.compile(
    r"^\d{4}-\d\d-\d\d([T ]\d\d:\d\d)?|^[0-9a-f]{8}-[0-9a-f]{4}-|^[0-9a-fA-F]{16,}$"
)
MAX_ROWS = 6
SHORT_TEXT = 80


@dataclass
class Imported:
    """What :func:`to_void` makes: the file's text and its variables."""

    text: str
    env: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)


class _Vars:
    """Secret values -> variable names, each value once."""

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self.secrets: list[str] = []

    def add(self, base: str, value: str, secret: bool = True) -> str:
        for name, known in self.env.items():
            if known == value and name in self.secrets:
                return name
        name = re.sub(r"[^A-Z0-9]+", "_", base.upper()).strip("_") or "SECRET"
        if secret and not SECRET_NAME.search(name):
            name += "_SECRET"  # a name that says so: every run masks its value
        stem, n = name, 2
        while name in self.env:
            name, n = f"{stem}_{n}", n + 1
        self.env[name] = value
        if secret:
            self.secrets.append(name)
        return name

    def hide(self, text: str) -> str:
        """``text`` with every secret value (3+ characters) replaced by its variable."""
        for name in sorted(self.secrets, key=lambda n: -len(self.env[n])):
            value = self.env[name]
            if len(value) >= 3:
                text = text.replace(value, "{{" + name + "}}")
        return text


def _format(msg: HarMessage) -> tuple[str, str]:
    """(format, content) of a message to send."""
    if isinstance(msg.data, bytes):
        return "binary", base64.b64encode(msg.data).decode("ascii")
    text = msg.data
    stripped = text.lstrip()
    for fmt in ("json", "xml"):
        if fmt == "json" and not stripped.startswith(("{", "[")):
            continue
        if fmt == "xml" and not stripped.startswith("<"):
            continue
        if validate(fmt, text) is None:
            return fmt, text
    return "text", text


def _stable_fields(value: Any, path: str, depth: int = 0) -> list[tuple[str, str]]:
    """``(body.x.y, value)`` of the scalar fields that would hold on a replay."""
    out: list[tuple[str, str]] = []
    if not isinstance(value, dict) or depth > 2:
        return out
    for key, v in value.items():
        if not isinstance(key, str) or VOLATILE_KEY.search(key) or _secret_name(key):
            continue  # changes on every connection, or a secret's (a new one each time)
        if not re.fullmatch(r"[A-Za-z_$][\w$]*", key):
            continue
        where = f"{path}.{key}"
        if isinstance(v, bool):
            out.append((where, "true" if v else "false"))
        elif isinstance(v, str):
            if len(v) <= SHORT_TEXT and not VOLATILE_VALUE.search(v) and "{{" not in v:
                out.append((where, v))
        elif isinstance(v, dict):
            out.extend(_stable_fields(v, where, depth + 1))
    return out


def _expect_rows(msg: HarMessage, vars: _Vars) -> list[list[str]]:
    if isinstance(msg.data, bytes):
        return [["binary", "type", "equals", "binary"]]
    text = msg.data
    parsed: Any = None
    if text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    if isinstance(parsed, dict):
        rows = [
            [
                f"{where.removeprefix('body.')} is {vars.hide(value)}",
                where,
                "equals",
                vars.hide(value),
            ]
            for where, value in _stable_fields(parsed, "body")[:MAX_ROWS]
        ]
        return rows or [["text", "type", "equals", "text"]]
    rows = [["text", "type", "equals", "text"]]
    if len(text) <= SHORT_TEXT and "\n" not in text and text.strip() == text and text:
        rows.append(["same text", "body", "equals", vars.hide(text)])
    return rows


def _secret_name(name: str) -> bool:
    """Whether a header's or a query parameter's value is a secret, by its name."""
    return secret_header(name) or MORE_SECRET_NAMES.search(name) is not None


def _preview(msg: HarMessage, vars: _Vars) -> str:
    """A received message in a few words, its secrets hidden before it is cut short."""
    if isinstance(msg.data, bytes):
        return f"{len(msg.data)} bytes"
    text = " ".join(vars.hide(msg.data).split())
    return text if len(text) <= 30 else text[:29] + "…"


@dataclass
class _SocketIO:
    """A socket's Socket.IO conversation: the namespace it joined, with what ``auth``,
    and its packets in order: (sent?, the event array sent or the body received, ack
    asked)."""

    namespace: str
    auth: Any
    steps: list[tuple[bool, Any, bool]]


def _socketio(socket: HarSocket) -> _SocketIO | None:
    """The Socket.IO conversation of ``socket``, when it speaks Socket.IO in a way a
    ``socket.io`` request can say: one namespace, text events; None otherwise (it is
    imported frame by frame, as raw WebSocket)."""
    if socket.protocol != "socket.io":
        return None
    from wsblock.engine.protocols.packets import message_packet

    namespace: str | None = None
    auth: Any = None
    steps: list[tuple[bool, Any, bool]] = []
    for msg in socket.messages:
        data = msg.data
        if not isinstance(data, str):
            return None  # a binary event's attachment
        if not data.startswith("4"):
            continue  # Engine.IO's own: open, ping, pong, noop
        if (p := message_packet(data)) is None:
            return None
        ns = p.namespace or "/"
        if namespace is not None and ns != namespace:
            return None  # several namespaces: a request joins one
        if p.packet_type == 0 and msg.sent:  # CONNECT: the namespace, and its auth
            namespace, auth = ns, p.data
        elif p.packet_type == 2 and isinstance(p.data, list) and p.data:  # EVENT
            if msg.sent:
                steps.append((True, p.data, p.id is not None))
            else:
                body: dict[str, Any] = {"event": p.data[0], "args": p.data[1:]}
                if p.id is not None:
                    return None  # the server asks for an ack: a rule would answer it
                steps.append((False, body, False))
        elif p.packet_type == 3 and not msg.sent:  # ACK of ours
            steps.append((False, {"ack": p.id, "args": p.data}, False))
        elif p.packet_type in (0, 1):
            continue  # connected, disconnect
        else:
            return None  # binary events, an ack we sent, connect_error
    return _SocketIO(namespace or "/", auth, steps)


def _json_in(data: str | bytes) -> Any:
    """The JSON a message holds: all of it, or after a prefix (a Socket.IO packet's
    ``42``); None when there is none."""
    if not isinstance(data, str):
        return None
    starts = [i for i in (data.find("{"), data.find("[")) if i >= 0]
    if not starts or min(starts) > 16:
        return None
    try:
        return json.loads(data[min(starts) :])
    except ValueError:
        return None


def _json_secrets(value: Any, depth: int = 0) -> list[tuple[str, str]]:
    """(key, value) of the strings under secret-named keys (``token``, ``authToken``,
    ``Authorization``, ``password``...) in a message's JSON, a few levels deep."""
    found: list[tuple[str, str]] = []
    if depth > 4:
        return found
    if isinstance(value, dict):
        for key, v in value.items():
            if isinstance(key, str) and isinstance(v, str) and len(v) >= 3 and _secret_name(key):
                found.append((key, v))
            else:
                found += _json_secrets(v, depth + 1)
    elif isinstance(value, list):
        for v in value[:50]:
            found += _json_secrets(v, depth + 1)
    return found


@dataclass
class _GraphQL:
    """A socket's GraphQL conversation: its protocol, ``connection_init``'s payload, and
    its messages in order: (sent?, the operation's payload or the message received, the
    operation's id)."""

    protocol: str
    payload: Any
    steps: list[tuple[bool, dict[str, Any], str]]


def _graphql(socket: HarSocket) -> _GraphQL | None:
    """The GraphQL conversation of ``socket``, when it speaks GraphQL over WebSocket in a
    way ``graphql`` messages can say: operations sent, their answers received; None
    otherwise (it is imported frame by frame)."""
    protocol = socket.protocol
    if not protocol.startswith("graphql"):
        return None
    keepalive = wire_for(protocol).keepalive
    start = "subscribe" if protocol == "graphql-transport-ws" else "start"
    payload: Any = None
    steps: list[tuple[bool, dict[str, Any], str]] = []
    for msg in socket.messages:
        if keepalive(msg.data):
            continue
        message = _json_in(msg.data)
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return None
        kind, key = message["type"], str(message.get("id", ""))
        if kind == "connection_init" and msg.sent:
            payload = message.get("payload")
        elif kind == "connection_ack" and not msg.sent:
            continue
        elif kind == start and msg.sent and key and isinstance(message.get("payload"), dict):
            operation = message["payload"]
            if not isinstance(operation.get("query"), str):
                return None
            steps.append((True, operation, key))
        elif not msg.sent and key:
            steps.append((False, message, key))  # next / data / error / complete
        else:
            return None  # a client's complete or stop, and what else a message cannot say
    return _GraphQL(protocol, payload, steps)


@dataclass
class _Entry:
    """One socket's handshake, its secrets already variables (the first pass)."""

    socket: HarSocket
    base: str
    path: str
    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    subprotocols: list[str]
    socketio: _SocketIO | None = None
    graphql: _GraphQL | None = None


def _origins(sockets: Sequence[HarSocket]) -> dict[str, str]:
    """Each distinct origin -> its variable: ``WS_BASE``, then ``WS_BASE_2``..."""
    names: dict[str, str] = {}
    for socket in sockets:
        parts = urlsplit(socket.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in names:
            names[origin] = "WS_BASE" if not names else f"WS_BASE_{len(names) + 1}"
    return names


def _entry(socket: HarSocket, base: str, vars: _Vars) -> _Entry:
    parts = urlsplit(socket.url)
    socketio = _socketio(socket)
    query: list[tuple[str, str]] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if socketio is not None and name in ("EIO", "transport", "t", "sid"):
            continue  # Engine.IO's own: the protocol adds them
        if _secret_name(name) and value:
            value = "{{" + vars.add(name, value) + "}}"
        query.append((name, value))
    headers: list[tuple[str, str]] = []
    subprotocols: list[str] = []
    for name, value in socket.request_headers:
        low = name.lower()
        if name.startswith(":"):
            continue  # HTTP/2 pseudo-headers
        if low == "sec-websocket-protocol":
            subprotocols += [p.strip() for p in value.split(",") if p.strip()]
        elif low in SECRET_HEADERS or (low.startswith("x-") and _secret_name(name)):
            headers.append((name, "{{" + vars.add(name, value) + "}}"))
        elif low in KEPT or low.startswith("x-"):
            headers.append((name, value))
    # {"op": "auth", "token": ...}, connection_init's payload, a Socket.IO namespace's auth
    for msg in socket.messages:
        for key, value in _json_secrets(_json_in(msg.data)):
            vars.add(key, value)
    graphql = _graphql(socket)
    if graphql is not None:
        subprotocols = [p for p in subprotocols if p != graphql.protocol]  # the protocol's
    return _Entry(socket, base, parts.path or "/", headers, query, subprotocols, socketio, graphql)


def _blocks(entry: _Entry, vars: _Vars) -> tuple[list[dict[str, Any]], int, int]:
    """The request's blocks, and how many messages it sends and receives."""
    request = new_block("wss")
    request["content"][1]["content"] = "{{" + entry.base + "}}" + entry.path
    blocks: list[dict[str, Any]] = [request]
    if entry.headers:
        block = new_block("headers")
        block["content"][0]["rows"] = [new_row([n, vars.hide(v)]) for n, v in entry.headers]
        blocks.append(block)
    if entry.query:
        block = new_block("query")
        block["content"][0]["rows"] = [new_row([n, v]) for n, v in entry.query]
        blocks.append(block)
    options = [["subprotocols", ", ".join(entry.subprotocols)]] if entry.subprotocols else []
    if entry.socketio is not None:
        options += _socketio_options(entry.socketio, vars)
    if entry.graphql is not None:
        options.append(["protocol", entry.graphql.protocol])
        if entry.graphql.payload is not None:
            options.append(["connect-payload", vars.hide(_compact(entry.graphql.payload))])
    if options:
        block = new_block("socket-options")
        block["content"][0]["rows"] = [new_row(row) for row in options]
        blocks.append(block)
    if entry.socketio is not None:
        messages, sent, received = _socketio_items(entry.socketio, vars)
        return blocks + messages, sent, received
    if entry.graphql is not None:
        messages, sent, received = _graphql_items(entry.graphql, vars)
        return blocks + messages, sent, received
    items: list[dict[str, Any]] = []
    sent = received = 0
    for msg in entry.socket.messages:
        if msg.sent:
            sent += 1
            fmt, content = _format(msg)
            if fmt != "binary":
                content = vars.hide(content)
            items.append(new_message(f"message {sent}", fmt, content))
        else:
            received += 1
            items.append(
                new_expect(
                    f"received {received}: {_preview(msg, vars)}", 5, _expect_rows(msg, vars)
                )
            )
    if items:
        blocks.append({"type": "socket-messages", "attrs": {"uid": new_uid()}, "content": items})
    return blocks, sent, received


def _socketio_options(conversation: _SocketIO, vars: _Vars) -> list[list[str]]:
    rows = [["protocol", "socket.io"]]
    if conversation.namespace != "/":
        rows.append(["namespace", conversation.namespace])
    if conversation.auth is not None:
        rows.append(["connect-payload", vars.hide(_compact(conversation.auth))])
    return rows


def _socketio_items(conversation: _SocketIO, vars: _Vars) -> tuple[list[dict[str, Any]], int, int]:
    """The blocks' ``socket-messages`` of a Socket.IO conversation: each event sent (an
    ack asked: ``ack: true``), each event or ack received as an expectation on its
    event's name, its ack id and the arguments' stable fields."""
    items: list[dict[str, Any]] = []
    sent = received = 0
    for out, value, ack in conversation.steps:
        if out:
            sent += 1
            item = new_message(f"{value[0]} {sent}", "socket.io", vars.hide(_compact(value)))
            if ack:
                item["attrs"]["ack"] = True
            items.append(item)
            continue
        received += 1
        head = (
            ["event", "body.event", "equals", str(value["event"])]
            if "event" in value
            else (["ack", "body.ack", "equals", str(value["ack"])])
        )
        rows = [head]
        for i, arg in enumerate(value["args"][:3]):
            rows += [
                [
                    f"args[{i}]{where.removeprefix('a')} is {vars.hide(v)}",
                    f"body.args[{i}]{where.removeprefix('a')}",
                    "equals",
                    vars.hide(v),
                ]
                for where, v in _stable_fields(arg, "a")
            ][:MAX_ROWS]
        preview = " ".join(vars.hide(_compact(value.get("args", []))).split())
        what = value["event"] if "event" in value else f"ack {value['ack']}"
        preview = preview if len(preview) <= 30 else preview[:29] + "…"
        items.append(new_expect(f"received {received}: {what} {preview}", 5, rows))
    messages = {"type": "socket-messages", "attrs": {"uid": new_uid()}, "content": items}
    return [messages] if items else [], sent, received


def _graphql_items(conversation: _GraphQL, vars: _Vars) -> tuple[list[dict[str, Any]], int, int]:
    """The ``socket-messages`` of a GraphQL conversation: each operation a ``graphql``
    message (its document, ``variables`` and ``operation``), each answer an expectation
    paired with it by ``reply-to`` (the protocol's ids are wsblock's to choose)."""
    items: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # an operation's id -> its message's name
    sent = received = 0
    for out, message, key in conversation.steps:
        if out:
            sent += 1
            operation = message.get("operationName")
            name = f"{operation or 'operation'} {sent}"
            names[key] = name
            item = new_message(name, "graphql", vars.hide(message["query"]))
            if message.get("variables"):
                item["attrs"]["variables"] = vars.hide(_compact(message["variables"]))
            if isinstance(operation, str) and operation:
                item["attrs"]["operation"] = operation
            items.append(item)
            continue
        received += 1
        rows = [[str(message["type"]), "body.type", "equals", str(message["type"])]]
        rows += [
            [f"{where.removeprefix('body.')} is {vars.hide(v)}", where, "equals", vars.hide(v)]
            for where, v in _stable_fields(message.get("payload"), "body.payload")
        ][:MAX_ROWS]
        preview = ""
        if "payload" in message:
            preview = " ".join(vars.hide(_compact(message["payload"])).split())
            preview = " " + (preview if len(preview) <= 30 else preview[:29] + "…")
        expect = new_expect(f"received {received}: {message['type']}{preview}", 5, rows)
        if key in names:
            expect["attrs"]["reply-to"] = names[key]
        items.append(expect)
    block = {"type": "socket-messages", "attrs": {"uid": new_uid()}, "content": items}
    return [block] if items else [], sent, received


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dump(node: dict[str, Any]) -> str:
    """One block in Voiden's style."""
    one = Document.parse("")
    one.insert_block(0, node)
    return one.dump().strip("\n") + "\n"


def to_void(
    sockets: HarSocket | Sequence[HarSocket], title: str = "", when: _dt.datetime | None = None
) -> Imported:
    """The ``.void`` file for ``sockets`` (one request each, a ``request-separator``
    between them), with its variables (see the module's text)."""
    entries_of = [sockets] if isinstance(sockets, HarSocket) else list(sockets)
    if not entries_of:
        raise ValueError("no WebSocket entry to import")
    vars = _Vars()
    origins = _origins(entries_of)
    for origin, name in origins.items():
        vars.add(name, origin, secret=False)
    # every secret first: each is then hidden wherever it appears, in any entry
    entries = [
        _entry(s, origins["{0.scheme}://{0.netloc}".format(urlsplit(s.url))], vars)
        for s in entries_of
    ]
    built = [_blocks(e, vars) for e in entries]
    hosts = list(dict.fromkeys(urlsplit(s.url).netloc for s in entries_of))
    heading = title or ", ".join(hosts)
    pieces: list[str] = []
    if len(entries) == 1:
        (blocks, sent, received), socket = built[0], entries_of[0]
        pieces.append(
            f"# {heading}\n\nImported from a HAR file (WebSocket entry {socket.number}): "
            f"{sent} messages sent, {received} received. Variables are in the .env file "
            "beside this one.\n"
        )
        pieces += [_dump(node) for node in blocks]
    else:
        pieces.append(
            f"# {heading}\n\nImported from a HAR file: {len(entries)} WebSocket entries, "
            "one request each. Variables are in the .env file beside this one.\n"
        )
        for n, (entry, (blocks, sent, received)) in enumerate(zip(entries, built, strict=True)):
            label = f"entry {entry.socket.number}: {urlsplit(entry.socket.url).netloc}{entry.path}"
            if n:
                separator = new_block("separator")
                separator["attrs"]["label"] = label
                pieces.append(_dump(separator))
            pieces.append(f"## {label}\n\n{sent} messages sent, {received} received.\n")
            pieces += [_dump(node) for node in blocks]
    when = when or _dt.datetime.now(_dt.UTC)
    doc = Document.parse("\n".join(pieces))
    doc.set_front_matter(
        {
            "version": VOIDEN_VERSION,
            "generatedBy": "wsblock",
            "generatedAt": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        }
    )
    return Imported(doc.dump(), dict(vars.env), list(vars.secrets))


def env_text(imported: Imported) -> str:
    """The ``.env`` file: ``NAME=value`` lines, quoted when needed."""
    lines = ["# written by `wsblock import har`: keep this file out of git"]
    for name, value in imported.env.items():
        plain = (
            value == value.strip()
            and " #" not in value
            and "\n" not in value
            and not (len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"")
        )
        if plain:
            lines.append(f"{name}={value}")
        elif "'" not in value and "\n" not in value:
            lines.append(f"{name}='{value}'")  # single quotes: read verbatim
        else:
            raise ValueError(f"the value of {name} cannot be written in a .env file")
    return "\n".join(lines) + "\n"
