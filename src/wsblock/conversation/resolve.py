"""From a document's request and the variables to a :class:`wsblock.request.Request`.

This is where a request's blocks get their meaning: query rows merged into the URL,
auth blocks turned into headers, ``socket-options`` rows parsed, messages checked in
their format, expectation and assertion operators recognised. Every error is a
:class:`ResolveError` that names the file, the line of the block and the row.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from wsblock.conversation import resolve_state
from wsblock.conversation.checks import (
    MessageError,
    canonical_field,
    canonical_operator,
    decode_binary,
    validate,
)
from wsblock.conversation.errors import ResolveError
from wsblock.conversation.prechecks import (
    field_problem,
    header_value_problem,
    pattern_problem,
    url_problem,
)
from wsblock.conversation.protocolchecks import (
    parse_connect_payload,
    parse_namespace,
    parse_protocol,
    parse_socketio_path,
    parse_variables,
    socketio_ack_error,
)
from wsblock.conversation.request import Check, Expect, Message, Options, Request, Step
from wsblock.document import Block
from wsblock.document.requests import RequestSpec
from wsblock.document.views import (
    AssertionsTable,
    Auth,
    CaptureItem,
    HeadersTable,
    QueryTable,
    RuntimeVariables,
    SocketEvery,
    SocketExpect,
    SocketMessage,
    SocketMessages,
    SocketOn,
    SocketOptions,
    SocketRequest,
    view,
)
from wsblock.variables.secretnames import secret_header_values
from wsblock.variables.sources import VariableError, Variables

__all__ = ["ResolveError", "captured_names", "parse_size", "resolve_request", "where"]


def where(spec: RequestSpec, block: Block, detail: str = "", at: int | None = None) -> str:
    """``echo.void:42 headers-table row 2``: a place a user can find (line *at*, when
    given: an item's own line, else the block's)."""
    name = (Path(getattr(block, "source", None) or spec.file or "<unsaved>")).name
    number = at or getattr(block, "line", None)
    line = f":{number}" if number else ""
    return f"{name}{line} {block.type}" + (f" {detail}" if detail else "")


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?\s*$", re.IGNORECASE)
_UNITS = {
    None: 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1 << 20,
    "mb": 1 << 20,
    "mib": 1 << 20,
    "g": 1 << 30,
    "gb": 1 << 30,
    "gib": 1 << 30,
}


def parse_size(text: str) -> int:
    """``16MiB`` -> 16777216; ``0`` stays 0. Raises ValueError."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"expected bytes, or a number with KiB or MiB, got {text!r}")
    unit = m.group(2).lower() if m.group(2) else None
    return int(float(m.group(1)) * _UNITS[unit])


def _seconds(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("s"))
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {text!r}") from None
    if value < 0 or value != value:
        raise ValueError(f"expected seconds >= 0, got {text!r}")
    return value


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "yes", "on", "1"):
        return True
    if t in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        t = text.strip().lower()
        if t not in allowed:
            raise ValueError(f"expected {' or '.join(allowed)}, got {text!r}")
        return t

    return parse


def _path(base: Path | None) -> Callable[[str], Path]:
    def parse(text: str) -> Path:
        p = Path(text.strip()).expanduser()
        p = p if p.is_absolute() or base is None else base / p
        if not p.is_file():  # checked before connecting, not by the TLS handshake
            raise ValueError(f"no such file: {p}" if not p.exists() else f"not a regular file: {p}")
        return p

    return parse


def _codec(text: str, base: Path | None) -> object:
    from wsblock.codecs import parse_codec  # here: a file without a codec starts without them

    return parse_codec(text, base)


def _option_parsers(
    base: Path | None, root: Path | None = None
) -> dict[str, tuple[str, Callable[[str], object]]]:
    return {
        "decode": ("decode", lambda t: _codec(t, root or base)),
        "encode": ("encode", lambda t: _codec(t, root or base)),
        "subprotocols": (
            "subprotocols",
            lambda t: tuple(p.strip() for p in t.split(",") if p.strip()),
        ),
        "origin": ("origin", lambda t: t.strip() or None),
        "compression": ("compression", lambda t: _choice("deflate", "none")(t) == "deflate"),
        "connect-timeout": ("connect_timeout", _seconds),
        "ping-interval": ("ping_interval", lambda t: _seconds(t) or None),
        "ping-timeout": ("ping_timeout", lambda t: _seconds(t) or None),
        "max-message-size": ("max_message_size", lambda t: parse_size(t) or None),
        "reconnect": ("reconnect", lambda t: _choice("on", "off")(t) == "on"),
        "tls-verify": ("tls_verify", _bool),
        "ca-file": ("ca_file", _path(base)),
        "client-cert": ("client_cert", _path(base)),
        "client-key": ("client_key", _path(base)),
        "proxy": ("proxy", lambda t: None if t.strip().lower() == "none" else t.strip()),
        "protocol": ("protocol", parse_protocol),
        "namespace": ("namespace", parse_namespace),
        "socket.io-path": ("socketio_path", parse_socketio_path),
        "connect-payload": ("connect_payload", parse_connect_payload),
    }


class _Builder:
    """Collects secrets while substituting variables, with places for errors."""

    def __init__(self, spec: RequestSpec, variables: Variables, captured: frozenset[str]):
        self.spec = spec
        self.vars = variables
        self.secrets: set[str] = set()
        self.captured = captured  # {{process.NAME}} filled late, as the run captures them
        self.late_used: set[str] = set()

    def sub(self, text: str, place: str) -> str:
        try:
            out = self.vars.substitute(text, place)
        except VariableError as e:
            names = resolve_state.late_names(text) & self.captured
            if names:
                raise ResolveError(
                    f"{place}: {{{{process.{sorted(names)[0]}}}}} is captured while the "
                    "conversation runs: it can stand in messages, expectations, rules and "
                    "timers, not here"
                ) from None
            raise ResolveError(str(e)) from None
        self.secrets |= self.vars.secrets_in(text)
        return out

    def sub_late(self, text: str, place: str, roots: tuple[str, ...] = ()) -> tuple[str, bool]:
        """``text`` with its variables filled but the late ones (``{{process.NAME}}``
        captured by the run, ``{{$res.…}}``/``{{$req.…}}`` when ``roots`` allows them)
        kept for the conversation; and whether any was kept."""
        return resolve_state.substitute_early(
            text, lambda piece: self.sub(piece, place), self.captured, roots, place, self.late_used
        )

    def secret(self, value: str) -> None:
        value = value.strip()
        if value:
            self.secrets.add(value)
            scheme, _, rest = value.partition(" ")
            if rest.strip() and scheme.lower() in ("bearer", "basic", "token", "digest"):
                self.secrets.add(rest.strip())


def _rows(table, spec: RequestSpec, block: Block, width: int):
    """Enabled rows, 1-based numbers, padded to *width* cells."""
    for n, row in enumerate(table.rows, 1):
        if row.disabled:
            continue
        cells = [str(c) if c is not None else "" for c in row.cells]
        if not any(c.strip() for c in cells):
            continue
        yield n, (cells + [""] * width)[:width]


def _checks(
    b: _Builder,
    table,
    block: Block,
    kind: str,
    roots: tuple[str, ...] | None = None,
    at: int | None = None,
) -> tuple[Check, ...]:
    """The rows as checks; with ``roots`` (expectations and rules) an expected cell may
    hold late templates, filled when a message is judged."""
    out = []
    field_kind = "expect" if kind else "assert"
    for n, (desc, fld, op, expected) in _rows(table, b.spec, block, 4):
        place = where(b.spec, block, f"{kind}row {n}", at)
        canon = canonical_operator(op)
        if canon is None:
            raise ResolveError(f"unknown operator {op!r} in {place}")
        if not fld.strip():
            raise ResolveError(f"no field in {place}")
        fld = canonical_field(fld) if kind == "" else fld.strip()  # Voiden's names (header.X...)
        problem = field_problem(fld, field_kind)
        if problem:
            raise ResolveError(f"{place}: {problem}")
        if roots is None:
            value = b.sub(expected, place)
            late = False
        else:
            value, late = b.sub_late(expected, place, roots)
        problem = pattern_problem(value) if canon == "matches" and not late else None
        if problem:
            raise ResolveError(f"{place}: {problem}")
        out.append(Check(desc or f"{fld} {op} {expected}", fld, canon, value, place))
    return tuple(out)


def _message(
    b: _Builder,
    item: SocketMessage,
    block: Block,
    n: int,
    roots: tuple[str, ...] = (),
    place: str | None = None,
    at: int | None = None,
    answer: bool = False,
) -> Message:
    """A ``socket-message`` as a :class:`Message` (``answer``: a ``socket-on`` rule's)."""
    name = item.name or f"message {n}"
    place = place or where(b.spec, block, f"message {name!r}", at)
    fmt = (item.format or "text").lower()
    content, late = b.sub_late(item.content or "", place, roots)
    if late and fmt == "binary":
        raise ResolveError(f"{place}: a binary message cannot hold {{{{process.…}}}} or $res")
    ack_reply = item.ack_reply
    if ack_reply:
        _check_ack_reply(item, fmt, answer, place)
    checked = resolve_state.placeholder(content) if late else content
    if ack_reply:
        problem = socketio_ack_error(checked)
        err = None if problem is None else MessageError(*problem)
    else:
        err = validate(fmt, checked, item.encoding or "base64")
    if err is not None:
        inside = f" at line {err.line}, column {err.column}" if err.line else ""
        raise ResolveError(f"{place}: {err}{inside}")
    data: str | bytes = (
        decode_binary(content, item.encoding or "base64") if fmt == "binary" else content
    )
    variables = operation = None
    if fmt == "graphql":
        try:
            parsed = parse_variables(b.sub(item.variables, f"{place} variables"))
        except ValueError as e:
            raise ResolveError(f"{place}: {e}") from None
        variables = json.dumps(parsed, separators=(",", ":")) if parsed is not None else None
        operation = b.sub(item.operation, f"{place} operation") or None
    return Message(
        name,
        fmt,  # type: ignore[arg-type]
        data,
        item.uid or "",
        place,
        ack=fmt == "socket.io" and item.ack,
        variables=variables,
        operation=operation,
        late=late,
        ack_reply=ack_reply,
    )


def _check_ack_reply(item: SocketMessage, fmt: str, answer: bool, place: str) -> None:
    """``ack-reply`` belongs to a ``socket.io`` message that a ``socket-on`` rule sends."""
    if fmt != "socket.io":
        raise ResolveError(f"{place}: ack-reply belongs to a socket.io message, not {fmt}")
    if not answer:
        raise ResolveError(
            f"{place}: ack-reply belongs to the socket-message of a socket-on rule (it "
            "answers the event the rule matched)"
        )
    if item.ack:
        raise ResolveError(f"{place}: an acknowledgement (ack-reply) cannot ask for one (ack)")


def _encoded(m: Message, codec) -> Message:
    """*m* as the ``encode`` row sends it: a ``json`` message becomes the encoded bytes."""
    from wsblock.codecs import CodecError, encoded_message

    try:
        return encoded_message(m, codec)
    except CodecError as e:
        raise ResolveError(f"{m.where}: cannot encode as {codec}: {e}") from None


def _expect(b: _Builder, item: SocketExpect, block: Block, n: int, at: int | None = None) -> Expect:
    name = item.name or f"expect {n}"
    place = where(b.spec, block, f"expect {name!r}", at)
    try:
        timeout = float(item.timeout) if item.timeout not in (None, "") else 5.0
    except (TypeError, ValueError):
        raise ResolveError(f"{place}: timeout must be seconds, got {item.timeout!r}") from None
    if not timeout >= 0 or timeout == float("inf"):  # negative, NaN or infinite
        raise ResolveError(
            f"{place}: timeout must be a number of seconds >= 0, got {item.timeout!r}"
        )
    checks = _checks(b, item, block, f"expect {name!r} ", ("$req",), at)
    return Expect(
        name,
        timeout,
        checks,
        item.uid or "",
        place,
        reply_to=item.reply_to or None,
        late=any(resolve_state.LATE.search(c.expected) for c in checks),
    )


def _merge_query(url: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + params
    return urlunsplit(parts._replace(query=urlencode(query)))


def captured_names(blocks: list[Block]) -> frozenset[str]:
    """The NAMEs the ``runtime-variables`` of ``blocks`` capture (blocks, items, rules)."""
    names: set[str] = set()
    for block in blocks:
        v = view(block)
        if isinstance(v, RuntimeVariables):
            names |= {name for _, name, _ in v.captures}
        elif isinstance(v, SocketMessages):
            for item in v.items:
                if isinstance(item, (CaptureItem, SocketOn)) and not item.disabled:
                    names |= {name for _, name, _ in item.captures}
    return frozenset(names)


def resolve_request(
    spec: RequestSpec,
    variables: Variables,
    project_root: Path | None = None,
    captured: frozenset[str] | None = None,
) -> Request:
    """Build the :class:`Request` for *spec* (links already resolved).

    ``captured``: the NAMEs captured by the run (this request's and the earlier ones' of
    the same file), whose ``{{process.NAME}}`` are kept to be filled late; by default
    those this request captures.
    """
    late = captured_names(spec.blocks) | (captured or frozenset())
    b = _Builder(spec, variables, late)
    head = view(spec.head)
    if not isinstance(head, SocketRequest):
        raise ResolveError(f"{where(spec, spec.head)}: not a WebSocket request")
    if (head.method or "WSS").strip().upper() not in ("WS", "WSS"):  # Voiden: WSS, WS, ws, wss
        raise ResolveError(f"{where(spec, spec.head)}: {head.method} requests are not supported")
    url = b.sub((head.url or "").strip(), where(spec, spec.head, "URL"))
    if not url or url in ("ws://", "wss://"):
        raise ResolveError(f"{where(spec, spec.head)}: the URL is empty")

    headers: list[tuple[str, str]] = []
    query: list[tuple[str, str]] = []
    options_block: Block | None = None
    steps: list[Step] = []
    assertions: list[Check] = []
    handshake: list = []
    opts: dict[str, object] = {}
    base = Path(spec.file).parent if spec.file else project_root
    parsers = _option_parsers(base, project_root)

    for block in spec.blocks:
        v = view(block)
        if isinstance(v, HeadersTable):
            for n, (name, value) in _rows(v, spec, block, 2):
                place = where(spec, block, f"row {n}")
                name, value = b.sub(name, place).strip(), b.sub(value, place)
                if not re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", name):
                    raise ResolveError(f"{place}: {name!r} is not a valid header name")
                problem = header_value_problem(value)
                if problem:
                    raise ResolveError(f"{place} ({name}): {problem}")
                for secret in secret_header_values(name, value):
                    b.secret(secret)
                headers.append((name, value))
        elif isinstance(v, QueryTable):
            for n, (name, value) in _rows(v, spec, block, 2):
                place = where(spec, block, f"row {n}")
                query.append((b.sub(name, place).strip(), b.sub(value, place)))
        elif isinstance(v, Auth):
            _auth(b, v, block, headers, query)
        elif isinstance(v, SocketOptions):
            options_block = block
            for n, (key, value) in _rows(v, spec, block, 2):
                place = where(spec, block, f"row {n} ({key.strip()})")
                k = key.strip().lower()
                if k not in parsers:
                    raise ResolveError(
                        f"unknown option {key.strip()!r} in {place}; known: {', '.join(parsers)}"
                    )
                attr, parse = parsers[k]
                try:
                    opts[attr] = parse(b.sub(value, place))
                except ValueError as e:
                    raise ResolveError(f"{place}: {e}") from None
        elif isinstance(v, SocketMessages):
            steps.extend(_conversation(b, v, block))
        elif isinstance(v, RuntimeVariables):
            handshake.extend(resolve_state.captures(b, v.captures, where(spec, block), "handshake"))
        elif isinstance(v, AssertionsTable):
            assertions.extend(_checks(b, v, block, ""))

    scheme = url.partition(":")[0].lower() if "://" in url else ""
    allowed = (
        ("ws", "wss", "http", "https") if opts.get("protocol") == "socket.io" else ("ws", "wss")
    )
    if scheme not in allowed:
        also = " (or http://, https:// for socket.io)" if len(allowed) == 2 else ""
        raise ResolveError(
            f"{where(spec, spec.head)}: the URL must start with ws:// or wss://{also}, got {url!r}"
        )
    problem = url_problem(url)
    if problem:
        raise ResolveError(f"{where(spec, spec.head, 'URL')}: {problem}")
    _protocol_messages(spec, opts.get("protocol", "websocket"), steps)  # type: ignore[arg-type]

    if opts.get("encode") is not None:  # socket-messages written as JSON are sent encoded
        steps = [
            _encoded(s, opts["encode"]) if isinstance(s, Message) and not s.late else s
            for s in steps
        ]

    # A Sec-WebSocket-Protocol header also sets the subprotocols.
    protos = [v for k, v in headers if k.lower() == "sec-websocket-protocol"]
    if protos:
        headers = [(k, v) for k, v in headers if k.lower() != "sec-websocket-protocol"]
        listed = list(opts.get("subprotocols", ()))  # type: ignore[call-overload]
        for value in protos:
            listed += [p.strip() for p in value.split(",") if p.strip() and p.strip() not in listed]
        opts["subprotocols"] = tuple(listed)

    for name, value in headers:  # auth-made headers too
        problem = header_value_problem(value)
        if problem:
            raise ResolveError(f"{where(spec, spec.head)} header {name}: {problem}")

    options = Options(**opts)  # type: ignore[arg-type]
    if scheme == "wss":  # TLS files that cannot be used: bad input, said before connecting
        from wsblock.conversation.tlsfiles import tls_files_problem

        problem = tls_files_problem(options)
        if problem:
            raise ResolveError(f"{where(spec, options_block or spec.head)}: {problem}")

    return Request(
        name=spec.name,
        url=_merge_query(url, query),
        headers=tuple(headers),
        options=options,
        steps=tuple(steps),
        assertions=tuple(assertions),
        secrets=frozenset(s for s in b.secrets if s),
        file=Path(spec.file) if spec.file else None,
        index=spec.index,
        captures=tuple(handshake),
        process=tuple(
            (name, variables.values[f"process.{name}"])
            for name in sorted(b.late_used)
            if f"process.{name}" in variables.values
        ),
    )


def _check_reply_to(e: Expect, named: dict[str, bool], sent: set[str]) -> None:
    """``reply-to`` names an enabled message of the list, sent before this expectation."""
    name = e.reply_to
    if name not in named:
        known = ", ".join(repr(k) for k in named) or "none"
        raise ResolveError(
            f"{e.where}: reply-to {name!r} names no message of this list (messages: {known})"
        )
    if not named[name]:
        raise ResolveError(f"{e.where}: reply-to {name!r} names a disabled message")
    if name not in sent:
        raise ResolveError(
            f"{e.where}: reply-to {name!r} names a message sent after this expectation: "
            "the reply could never be waited for"
        )


def _conversation(b: _Builder, v: SocketMessages, block: Block) -> list[Step]:
    """The steps of a ``socket-messages`` block: messages, expectations (with their
    captures), rules and timers; ``reply-to`` names checked."""
    steps: list[Step] = []
    sent: set[str] = set()
    named: dict[str, bool] = {}  # message name -> enabled
    for n, item in enumerate(v.items, 1):
        if isinstance(item, SocketMessage):
            named.setdefault(item.name or f"message {n}", not item.disabled)
    after: str | None = None  # "expect" / "off" right after an enabled / disabled expect
    lines = v.item_lines()  # an error names the item's own line
    for n, item in enumerate(v.items, 1):
        at = lines[item.index] if lines else None
        if isinstance(item, CaptureItem):
            place = where(b.spec, block, f"runtime-variables (item {n})", at)
            if after is None:
                raise ResolveError(
                    f"{place}: a runtime-variables item captures from the message a "
                    "socket-expect matched: put it right after one"
                )
            if after == "off" or item.disabled:
                continue
            last = steps[-1]
            assert isinstance(last, Expect)
            caps = resolve_state.captures(b, item.captures, place, "message")
            steps[-1] = replace(last, captures=last.captures + tuple(caps))
            continue
        if item.disabled:
            after = "off" if isinstance(item, SocketExpect) else None
            continue
        after = None
        if isinstance(item, SocketMessage):
            m = _message(b, item, block, n, at=at)
            sent.add(m.name)
            steps.append(m)
        elif isinstance(item, SocketExpect):
            e = _expect(b, item, block, n, at)
            if e.reply_to is not None:
                _check_reply_to(e, named, sent)
            steps.append(e)
            after = "expect"
        elif isinstance(item, SocketOn):
            place = where(b.spec, block, f"socket-on {item.name or n!r}", at)
            steps.append(resolve_state.rule(b, item, place, _checks, _message, block))
        elif isinstance(item, SocketEvery):
            place = where(b.spec, block, f"socket-every {item.name or n!r}", at)
            steps.append(resolve_state.timer(b, item, place, _message, block))
    return steps


def _protocol_messages(spec: RequestSpec, protocol: str, steps: list[Step]) -> None:
    """A ``socket.io`` or ``graphql`` message needs its protocol in ``socket-options``."""
    wanted = {"socket.io": ("socket.io",), "graphql": ("graphql-transport-ws", "graphql-ws")}
    for step in steps:
        if isinstance(step, Message) and step.format in wanted:
            if protocol not in wanted[step.format]:
                raise ResolveError(
                    f"{step.where}: a {step.format} message needs the socket-options row "
                    f"protocol {' or '.join(wanted[step.format])} (this request speaks {protocol})"
                )


def _auth(b: _Builder, v: Auth, block: Block, headers: list, query: list) -> None:
    kind = (v.auth_type or "none").strip()
    cells: dict[str, str] = {}
    for n, (key, value) in _rows(v, b.spec, block, 2):
        cells[key.strip().lower()] = b.sub(value, where(b.spec, block, f"row {n}"))
    place = where(b.spec, block, f"({kind})")
    if kind in ("none", "inherit", ""):
        return
    if kind == "bearer":
        token = cells.get("token", "")
        if not token:
            raise ResolveError(f"{place}: the bearer token is empty")
        b.secret(token)
        headers.append(("Authorization", f"Bearer {token}"))
    elif kind == "basic":
        user, password = cells.get("username", ""), cells.get("password", "")
        b.secret(user)
        b.secret(password)
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        b.secret(encoded)
        headers.append(("Authorization", f"Basic {encoded}"))
    elif kind == "apiKey":
        key, value = cells.get("key", ""), cells.get("value", "")
        if not key:
            raise ResolveError(f"{place}: the API key name is empty")
        b.secret(value)
        if v.api_key_location == "query":  # Voiden's `add_to` row (or the spec's `in`)
            query.append((key, value))
        else:
            headers.append((key, value))
    else:
        raise ResolveError(f"{place}: auth type {kind!r} is not supported for WebSocket requests")
