"""Replaying a recorded session against a server (``wsblock replay``, the app).

A :class:`~wsblock.journal.recording.Recording` holds the handshake and the
messages of a session, secrets masked. :func:`replay_request` turns it back into a
:class:`~wsblock.conversation.request.Request` and the messages to send, taking each
masked part from the current variables (through the request's ``.void`` file,
resolved now), never from the journal; :func:`play` connects, sends the messages paced
as recorded, and returns what the server sent, ready for
:func:`~wsblock.conversation.compare.compare`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from wsblock.conversation.compare import Msg
from wsblock.conversation.request import Message, Options, Request
from wsblock.engine import Session
from wsblock.engine.events import Event
from wsblock.journal import Journal
from wsblock.journal.recording import Connection, Recording, is_masked
from wsblock.journal.sentmessages import SentError, recorded_form, sent_message
from wsblock.userinput import BadInput, EnvChoice
from wsblock.variables.masking import Masker


@dataclass
class Plan:
    """What a replay sends: the request to connect with and the messages, in order; and
    for a session that connected again, each later connection and its messages."""

    request: Request
    messages: list[Message]
    recording: Recording
    later: list[tuple[Connection, list[Message]]] = field(default_factory=list)

    @property
    def connections(self) -> int:
        return 1 + len(self.later)


@dataclass
class Played:
    """What happened in a replay: what the server sent, and how the connection ended."""

    received: list[Msg] = field(default_factory=list)
    connected: bool = False
    error: str | None = None
    close_code: int | None = None
    closed_by: str | None = None


def with_url(recorded: str, given: str) -> str:
    """``--url``: a URL with a path replaces the whole URL; one without (``ws://host:port``)
    replaces only the recorded URL's origin, keeping its path and query."""
    parts = urlsplit(given)
    if parts.path not in ("", "/") or parts.query:
        return given
    old = urlsplit(recorded)
    return urlunsplit((parts.scheme, parts.netloc, old.path, old.query, ""))


def _options(handshake: dict[str, Any]) -> Options:
    raw = dict(handshake.get("options") or {})
    known = {f.name for f in dataclasses.fields(Options)} - {"decode", "encode"}
    opts: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
    if "subprotocols" in opts:
        opts["subprotocols"] = tuple(opts["subprotocols"])
    for key in ("ca_file", "client_cert", "client_key"):
        if opts.get(key):
            opts[key] = Path(opts[key])
    opts.setdefault("proxy", None)  # a recorded session without options: no proxy guess
    return Options(**opts)


class _Current:
    """The recorded request's ``.void`` file, resolved now with the current variables:
    where masked parts are taken from. Resolved only when something is masked."""

    def __init__(self, recording: Recording, env: EnvChoice):
        self.recording = recording
        self.env = env
        self._request: Request | None = None

    def request(self, what: str) -> Request:
        if self._request is not None:
            return self._request
        handshake = self.recording.handshake
        file, index = handshake.get("file"), handshake.get("index")
        if not file or not index:
            raise BadInput(
                f"{self.recording.id}: {what} was recorded masked (a secret) and the session "
                "has no .void file to take it from: secrets are never read from the journal"
            )
        if not Path(file).is_file():
            raise BadInput(
                f"{self.recording.id}: {what} was recorded masked (a secret); its file "
                f"{file} is gone, so it cannot be taken from the current variables"
            )
        from wsblock.conversation.workspace import Workspace

        ws = Workspace.open(Path(file), self.env)
        self._request = ws.resolve(ws.select(str(index))[0])
        return self._request

    def masker(self) -> Masker:
        assert self._request is not None
        return Masker(self._request.secrets)


def replay_request(recording: Recording, env: EnvChoice, url: str | None = None) -> Plan:
    """The request and messages replaying ``recording``: :class:`BadInput` when it never
    connected, or when a masked part cannot be taken from the current variables."""
    if recording.opened_at is None or not recording.url:
        raise BadInput(f"{recording.id}: the session never connected: there is nothing to replay")
    current = _Current(recording, env)
    target = recording.url
    if is_masked(target):
        cur = current.request("the URL")
        if current.masker().mask(cur.url) != target:
            raise BadInput(
                f"{recording.id}: the URL was recorded masked ({target}) and "
                f"{recording.handshake.get('file')} now makes another ({current.masker().mask(cur.url)})"
            )
        target = cur.url
    if url:
        target = with_url(target, url)
    headers: list[tuple[str, str]] = []
    for name, value in recording.handshake.get("headers") or []:
        if is_masked(value):
            cur = current.request(f"header {name}")
            found: list[str] = [
                v
                for k, v in cur.headers
                if k.lower() == name.lower() and current.masker().mask(v) == value
            ]
            if not found:
                raise BadInput(
                    f"{recording.id}: header {name} was recorded masked and "
                    f"{recording.handshake.get('file')} no longer makes it"
                )
            value = found[0]
        headers.append((str(name), str(value)))
    messages = _messages(recording, current, recording)
    later = [(c, _messages(recording, current, c, n)) for n, c in enumerate(recording.later, 2)]
    options = _options(recording.handshake)
    payload = options.connect_payload
    if payload is not None and is_masked(payload):
        cur = current.request("the connect payload")
        now = cur.options.connect_payload
        if now is None or current.masker().mask(now) != payload:
            raise BadInput(
                f"{recording.id}: the connect payload was recorded masked and "
                f"{recording.handshake.get('file')} no longer makes it"
            )
        options = dataclasses.replace(options, connect_payload=now)
    formats = set(recording.sent_formats) & set(_PROTOCOL_FORMATS)
    if formats and options.protocol == "websocket":
        raise BadInput(
            f"{recording.id}: the session sent {', '.join(sorted(formats))} messages but its "
            "journal does not say which protocol it spoke (recorded by an older wsblock): "
            "it cannot be replayed"
        )
    secrets = current._request.secrets if current._request is not None else frozenset()
    request = Request(
        name=f"replay of {recording.name}",
        url=target,
        headers=tuple(headers),
        options=options,
        secrets=frozenset(secrets),
        # a replay's own journal names the file too: it can be replayed in turn
        file=Path(recording.handshake["file"]) if recording.handshake.get("file") else None,
        index=int(recording.handshake.get("index") or 0),
    )
    return Plan(request, messages, recording, later)


_PROTOCOL_FORMATS = ("socket.io", "graphql")


def _messages(
    recording: Recording, current: _Current, on: Connection, connection: int = 1
) -> list[Message]:
    """The messages sent on a connection of ``recording`` (``on``: itself for the first),
    rebuilt (a protocol's too: an acknowledgement asked, a GraphQL operation's variables),
    each masked part taken from the current variables."""
    messages: list[Message] = []
    where = f"connection {connection}, " if connection > 1 else ""
    for n, (msg, name, fmt, key) in enumerate(
        zip(on.sent, on.sent_names, on.sent_formats, on.sent_keys, strict=True), 1
    ):
        try:
            message = sent_message(msg.data, fmt, key, name)
        except SentError as e:
            raise BadInput(f"{recording.id}: {where}sent message {n}: {e}") from None
        recorded = recorded_form(message)
        if any(is_masked(part) for part in recorded):
            cur = current.request(f"{where}sent message {n}")
            mask = current.masker()
            found = [
                m
                for m in cur.messages
                if (m.format == message.format or message.format not in _PROTOCOL_FORMATS)
                and tuple(_masked(part, mask) for part in recorded_form(m)) == recorded
            ]
            if not found:
                raise BadInput(
                    f"{recording.id}: {where}sent message {n} was recorded with a secret masked and "
                    f"{recording.handshake.get('file')} holds no message that makes it"
                )
            message = dataclasses.replace(
                found[0], name=name, ack=message.ack, ack_id=message.ack_id, late=False
            )
        messages.append(message)
    return messages


def _masked(part: str | bytes | None, mask: Masker) -> str | bytes | None:
    if isinstance(part, bytes):
        return mask.mask_bytes(part)
    return None if part is None else mask.mask(part)


def journal_for(plan: Plan, log_dir: Path | None = None) -> Journal:
    """A new journal for the replay of ``plan`` (in ``log_dir``, default the usual one):
    named, masked and with the handshake as any session's, so it can be replayed too."""
    from wsblock.journal import handshake_of

    return Journal.create(
        log_dir=log_dir,
        name=plan.request.name,
        secrets=plan.request.secrets,
        url=plan.request.url,
        handshake=handshake_of(plan.request),
    )


def _at_least(received: list[Msg], n: int) -> Callable[[], bool]:
    return lambda: len(received) >= n


async def play(
    plan: Plan,
    *,
    speed: float = 1.0,
    timeout: float = 5.0,
    linger: float = 0.3,
    journal: Journal | None = None,
    on_event: Callable[[Event], None] | None = None,
    connection: int = 1,
) -> Played:
    """Connect, send ``plan``'s messages paced as recorded (divided by ``speed``; at 0,
    each as soon as the server sent what it had sent before it in the recording), wait
    up to ``timeout`` seconds for as many messages as were recorded, ``linger`` for more,
    close with 1000. Received messages come back with secrets masked, as a journal keeps
    them. ``connection``: which of the recorded connections (1: the first; a later one
    of a session that connected again, each played on a new connection)."""
    session = Session(plan.request)
    masker = Masker(plan.request.secrets)
    if journal is not None:
        session.add_parts_listener(journal.record_parts)
    played = Played()
    news = asyncio.Event()
    opened = [0.0]

    def listen(e: Event) -> None:
        if e.kind == "received":
            data = e.data if e.data is not None else ""
            data = masker.mask_bytes(data) if isinstance(data, bytes) else masker.mask(data)
            played.received.append(Msg(e.type or "text", data, e.mono - opened[0], "in"))
        elif e.kind == "open":
            opened[0] = e.mono
        elif e.kind == "error" and played.error is None:
            played.error = masker.mask(e.reason or e.error or "error")
        elif e.kind == "close":
            played.close_code, played.closed_by = e.code, e.by
        else:
            return
        news.set()
        if on_event is not None:
            on_event(e)

    session.add_listener(listen)
    try:
        recorded: Connection
        if connection == 1:
            recorded, messages = plan.recording, plan.messages
        else:
            recorded, messages = plan.later[connection - 2]
        return await _play(session, recorded, messages, played, news, speed, timeout, linger)
    except asyncio.CancelledError:  # the app left the replay (Escape), Ctrl-C: close first
        await _stop(session)
        raise


async def play_all(
    plan: Plan,
    *,
    speed: float = 1.0,
    timeout: float = 5.0,
    journal: Journal | None = None,
) -> list[Played]:
    """:func:`play` of every recorded connection, one after the other, on a connection
    of its own each; it stops at one that cannot connect (the last of the list)."""
    played: list[Played] = []
    for n in range(1, plan.connections + 1):
        played.append(await play(plan, speed=speed, timeout=timeout, journal=journal, connection=n))
        if not played[-1].connected:
            break  # the rest would fail alike
    return played


async def _stop(session: Session, grace: float = 2.0) -> None:
    """Close ``session`` with 1000; cut it if the closing handshake takes over ``grace``
    seconds (a session left open would be finalized, noisily, at interpreter exit)."""

    async def close() -> None:
        await session.close(1000, "replay stopped")
        await session.wait_closed()

    task = asyncio.ensure_future(close())
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        session.abort()
        await asyncio.wait({task}, timeout=grace)


async def _play(
    session: Session,
    recording: Connection,
    messages: list[Message],
    played: Played,
    news: asyncio.Event,
    speed: float,
    timeout: float,
    linger: float,
) -> Played:
    """:func:`play`'s conversation, on ``session`` whose listener fills ``played``:
    ``messages`` sent as ``recording`` (a connection of it) sent them."""
    if not await session.connect():
        await session.wait_closed()
        return played
    played.connected = True
    start = time.monotonic()
    before: list[int] = []  # messages received before each sent one, in the recording
    heard = 0
    for m in recording.messages:
        if m.dir == "in":
            heard += 1
        else:
            before.append(heard)

    def is_closed() -> bool:
        return played.close_code is not None

    async def until(condition: Callable[[], bool], deadline: float) -> None:
        while not condition() and not is_closed():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            news.clear()
            try:
                await asyncio.wait_for(news.wait(), left)
            except TimeoutError:
                return

    for msg, recorded, wanted in zip(messages, recording.sent, before, strict=True):
        if is_closed():
            break
        if speed > 0:
            await until(is_closed, start + recorded.at / speed)
        else:
            await until(_at_least(played.received, wanted), time.monotonic() + timeout)
        if is_closed():
            break
        await session.send(msg)
    last = max((m.at for m in recording.received), default=0.0)
    if speed > 0:
        await until(is_closed, start + last / speed)
    total = len(recording.received)
    await until(lambda: len(played.received) >= total, time.monotonic() + timeout)
    await until(lambda: False, time.monotonic() + linger)
    if not is_closed():
        await session.close(1000, "replay done")
    await session.wait_closed()
    return played
