"""``wsblock connect`` (a line-mode client) and ``wsblock echo-server``."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import select
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from wsblock.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STDOUT_CLOSED,
    Stdout,
    codec_options,
    env_options,
    guarded,
    journal_dir,
    large_journal_note,
    on_stdout_closed,
)
from wsblock.console import Console, payload_text
from wsblock.conversation.request import Message, Options, Request
from wsblock.engine import Session, State
from wsblock.engine.allocator import FloodWatch
from wsblock.engine.events import Event
from wsblock.engine.handshake_secrets import guard_handshake
from wsblock.engine.runs import Part, ReceivedRun, flatten
from wsblock.engine.stream import EventStream
from wsblock.journal import Journal, JournalError, event_to_dict, handshake_of
from wsblock.userinput import BadInput, EnvChoice
from wsblock.variables.masking import Masker, Secrets
from wsblock.words import clean_close, hidden, message_words

HELP = """\
Type a line and Enter to send it. Commands:
  /ping                 send a ping and show the round-trip time
  /close [CODE [REASON]]  close the connection (default 1000)
  /binary BASE64        send a binary message
  /help                 this text
  //text                send "/text"
Ctrl+D closes the connection and quits."""


def _request(
    url: str,
    headers: tuple[str, ...],
    protocols: tuple[str, ...],
    insecure: bool,
    env: EnvChoice,
    compression: bool = False,
    protocol: str = "websocket",
) -> Request:
    # Variables are read only when something names one, or an option says where from:
    # without them (the .env, YAML and document machinery) connect starts faster.
    variables: Any = None
    if env.given or "{{" in url or any("{{" in h for h in headers):
        from wsblock.variables.sources import VariableError, load_variables

        try:
            variables = load_variables(
                Path.cwd(), env.environment, env.profile, env.env_file, dict(env.env_vars)
            )
        except VariableError as e:
            raise BadInput(str(e)) from None
    try:
        if variables is not None:
            url = variables.substitute(url, "the URL")
        pairs = []
        secrets = set(variables.secrets_in(url)) if variables is not None else set()
        for h in headers:
            name, colon, value = h.partition(":")
            if not colon or not name.strip():
                raise BadInput(f"-H {h!r}: expected 'Name: value'")
            value = value.strip()
            if variables is not None:
                value = variables.substitute(value, f"header {name.strip()}")
                secrets |= variables.secrets_in(h)
            if name.strip().lower() in ("authorization", "cookie", "proxy-authorization"):
                secrets.add(value)
            pairs.append((name.strip(), value))
    except ValueError as e:  # VariableError
        raise BadInput(str(e)) from None
    if not url.startswith(("ws://", "wss://")) and not (
        protocol == "socket.io" and url.startswith(("http://", "https://"))
    ):
        raise BadInput(f"the URL must start with ws:// or wss://, got {url!r}")
    from wsblock.conversation.prechecks import (  # checked before connecting
        header_value_problem,
        url_problem,
    )

    problem = url_problem(url) or next(
        (f"-H {k}: {p}" for k, v in pairs if (p := header_value_problem(v))), None
    )
    if problem:
        raise BadInput(problem)
    # No permessage-deflate unless asked (--compression), as websocat: the connection
    # then goes on the picows transport (engine/choice.py), the fast one.
    opts = Options(subprotocols=protocols, tls_verify=not insecure, compression=compression)
    return Request(
        name="connect",
        url=url,
        headers=tuple(pairs),
        options=opts,
        secrets=frozenset(s for s in secrets if s),
    )


def _event_line(line: str) -> str:
    """``add {"a": 2} 3`` -> ``["add",{"a":2},3]``: a Socket.IO line (the event's name,
    then its arguments as JSON values); MessageError if an argument is not JSON."""
    from wsblock.conversation.checks import MessageError

    name, _, rest = line.strip().partition(" ")
    args: list[Any] = []
    decoder = json.JSONDecoder()
    rest = rest.strip()
    while rest:
        try:
            value, end = decoder.raw_decode(rest)
        except json.JSONDecodeError as e:
            words = f"the arguments of {name!r} are not JSON: {e.msg}"
            raise MessageError(words, 1, e.pos + 1) from None
        args.append(value)
        rest = rest[end:].strip()
    return json.dumps([name, *args], ensure_ascii=False, separators=(",", ":"))


def _with_tls_files(
    request: Request, ca_file: Path | None, client_cert: Path | None, client_key: Path | None
) -> Request:
    """``--ca-file``, ``--client-cert``, ``--client-key`` in the request's options; a file
    that cannot be used is bad input (exit 2), said before connecting."""
    if ca_file is None and client_cert is None and client_key is None:
        return request
    options = dataclasses.replace(
        request.options, ca_file=ca_file, client_cert=client_cert, client_key=client_key
    )
    if request.url.startswith("wss://"):
        from wsblock.conversation.tlsfiles import tls_files_problem

        problem = tls_files_problem(options)
        if problem:  # in the words of the options given here
            import re

            raise BadInput(
                re.sub(r"(?<![\w/.-])(ca-file|client-cert|client-key)\b", r"--\1", problem)
            )
    return dataclasses.replace(request, options=options)


def _message(line: str, fmt: str, n: int | None = None, ack: bool = False) -> Message:
    """A line typed or piped in, as a message of *fmt*; MessageError if it does not parse.

    With ``socket.io`` a line is ``event [json args...]``; with ``graphql`` a document."""
    from wsblock.conversation.checks import MessageError, decode_binary, validate

    where = f"line {n}" if n is not None else "message"
    try:
        line.encode()
    except UnicodeEncodeError as e:  # stdin's bytes that are not UTF-8 (surrogateescape)
        byte = ord(line[e.start]) - 0xDC00 if "\udc80" <= line[e.start] <= "\udcff" else None
        what = f"byte 0x{byte:02x}" if byte is not None else "a lone surrogate"
        raise MessageError(f"{where}: not UTF-8 ({what} at column {e.start + 1})") from None
    if fmt == "socket.io":
        try:
            return Message(where, "socket.io", _event_line(line), ack=ack)
        except MessageError as e:
            raise MessageError(f"{where}: {e}") from None
    err = validate(fmt, line)
    if err is not None:
        at = f" at column {err.column}" if err.column else ""
        raise MessageError(f"{where}: {err}{at}")
    data: str | bytes = decode_binary(line) if fmt == "binary" else line
    return Message(where, fmt, data)  # type: ignore[arg-type]


_SLICE = 64 * 1024  # characters written to stdout at a time, about


class _Printer:
    """Received messages to stdout: raw lines for pipes, human lines on a terminal, or NDJSON."""

    PROMPT = "› "
    options: Options | None = None  # its decode row: received messages shown decoded
    raw: bool = False  # --raw: as received, not decoded
    protocol: bool = False  # a protocol on the WebSocket: messages shown as events

    def __init__(self, masker: Masker, as_json: bool, interactive: bool):
        self.prompting = False
        self.muted = False
        self.masker = masker
        self.as_json = as_json
        self.interactive = interactive
        self.out = Stdout()  # a reader that goes away stops the session (cli/common.py)
        self.console = Console(sys.stderr if not interactive else self.out, masker)  # type: ignore[arg-type]

    def batch(self, parts: list[Part]) -> None:
        """Show events and runs of received messages (engine/runs.py), in order."""
        if self.muted:  # stopping (Ctrl-C, a closed stdout): the journal still records
            if not (self.as_json or self.interactive):  # the connection's life, on stderr
                for part in parts:
                    if type(part) is not ReceivedRun and part.kind in ("close", "error"):
                        self.console.event(part)
            return
        if self.as_json or self.interactive or not self._plain() or self.protocol:
            self.events(flatten(parts))
            return
        # A pipe, nothing to decode: the payloads of a run are the lines, as they are.
        lines: list[str] = []
        mask = self.masker.mask if self.masker else None
        for part in parts:
            if type(part) is ReceivedRun:
                if part.type == "text":
                    lines.extend(part.data if mask is None else map(mask, part.data))  # type: ignore[arg-type]
                else:
                    lines.extend(payload_text(e, self.masker) for e in part.events())
            else:
                lines.extend(self._lines([part]))  # type: ignore[list-item]
        if lines:
            self.write(lines)

    def _plain(self) -> bool:
        """Received messages printed as received (no decode row, or --raw)."""
        return self.raw or self.options is None or self.options.decode is None

    def events(self, events: list[Event]) -> None:
        if self.as_json:
            from wsblock.codecs import decoded_for

            lines = [
                json.dumps(
                    {**event_to_dict(e, self.masker), **decoded_for(self.options, e, self.masker)},
                    ensure_ascii=False,
                )
                for e in events
            ]
        elif self.interactive:
            if any(e.kind == "close" for e in events):
                self.prompting = False
            lines = [
                shown[:-1] + self._decoded(e, "\n    ")
                for e in events
                if e.kind not in ("sent",) and not hidden(e) and (shown := self.console.text(e))
            ]
        else:
            lines = self._lines(events)
        if lines:
            self.write(lines)

    def _lines(self, events: list[Event]) -> list[str]:
        """A pipe: received payloads, one a line; the connection's life to stderr."""
        lines = []
        mask = self.masker.mask
        for e in events:
            if (
                e.kind == "received"
                and (shown := self._decoded(e, ""))
                and not shown.startswith("✖")
            ):
                lines.append(shown)
            elif e.kind == "received" and (words := message_words(e)) is not None:
                lines.append(mask(words))  # Socket.IO and GraphQL: `tick {"n":3}`
            elif e.kind == "received":
                lines.append(
                    payload_text(e, self.masker)
                    if isinstance(e.data, bytes)
                    else mask(e.data or "")
                )
                if shown:  # cannot be decoded: shown raw, the decoder's error beside it
                    sys.stderr.write(f"wsblock: {shown}\n")
            elif e.kind in ("open", "close", "error", "reconnect"):
                self.console.event(e)  # the connection's life goes to stderr
        return lines

    def _decoded(self, e: Event, lead: str) -> str:
        """The decoded JSON line of a received message, ``✖ error``, or "" (no decode row)."""
        if self._plain() or e.kind != "received":
            return ""
        from wsblock.codecs import decoded_line

        assert self.options is not None  # not _plain(): a decode row
        line = decoded_line(self.options.decode, e.data)
        if line is None:
            return ""
        marker, text = line
        text = self.masker.mask(text)
        return lead + (
            f"✖ {marker[:-1]}: shown raw: {text}"
            if marker.endswith("!")
            else (f"{marker} {text}" if lead else text)
        )

    def write(self, lines: list[str]) -> None:
        """Lines above the prompt (on a terminal), or plain lines (in a pipe)."""
        if self.interactive:
            text = "\n".join(lines) + "\n" if lines else ""
            self.out.write("\r\x1b[K" + text + (self.PROMPT if self.prompting else ""))
        else:
            # In slices of about 256 KiB: a flood's batch can hold hundreds of MB, and
            # joining it whole costs more (fresh memory, page faults) than writing it.
            out = self.out
            step = max(1, _SLICE // (len(lines[0]) + 1)) if lines else 1
            for i in range(0, len(lines), step):
                if self.muted:  # stdout's reader went away meanwhile
                    break
                out.write("\n".join([*lines[i : i + step], ""]))  # one copy of the text
        self.out.flush()

    def say(self, text: str, style: str | None = None) -> None:
        """A message of wsblock's own (interactive mode)."""
        self.write([self.console.paint(text, style) if style else text])


async def _pump(
    session: Session,
    stream: EventStream,
    printer: _Printer,
    echo: bool,
    state: dict,
    journal: Journal | None,
) -> None:
    """Print every event, in order, until the stream is closed and empty."""
    loop = asyncio.get_running_loop()
    flood = FloodWatch()
    while parts := await stream.parts():
        # On disk before it is shown: a killed process never loses a printed message.
        if journal is not None:
            journal.write_now()
        printer.batch(parts)
        if echo:
            for e in flatten(parts):
                if e.kind == "received" and session.state.name == "CONNECTED":
                    data = e.data
                    if isinstance(data, bytes):
                        await session.send_bytes(data)
                    else:
                        await session.send_text(data or "")
        received = False
        for part in parts:
            if type(part) is ReceivedRun:
                received = True
                if flood.left > 0:  # a flood starts: the allocator keeps its heap
                    flood.received(sum(part.sizes))
            elif part.kind == "received":
                received = True
            elif part.kind == "close":
                state["closed"] = True
                state["close"] = part
        if received:
            state["last_in"] = loop.time()


def _stdin_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Read stdin in a thread (works for pipes, files and terminals alike)."""

    def reader() -> None:
        stdin = sys.stdin  # None when file descriptor 0 is closed: no input at all
        # bytes that are not UTF-8 come as surrogates whatever the locale, and are said
        # as the line's error (_message), not as this thread's traceback
        if (reconfigure := getattr(stdin, "reconfigure", None)) is not None:
            reconfigure(errors="surrogateescape")
        try:
            for line in stdin if stdin is not None else ():
                loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:  # the loop is closed: the session ended, the rest is unread
            pass

    threading.Thread(target=reader, name="wsblock-stdin", daemon=True).start()


async def _command(session: Session, line: str, printer: _Printer) -> bool:
    """Run a /command typed at the prompt; False when the session should end."""
    word, _, rest = line[1:].partition(" ")
    if word == "ping":
        await session.ping()  # the ping and pong events say the rest
    elif word == "close":
        code_text, _, reason = rest.strip().partition(" ")
        try:
            code = int(code_text) if code_text else 1000
        except ValueError:
            printer.say(f"✖ /close takes a number, got {code_text!r}", "bad")
            return True
        try:
            printer.prompting = False
            await session.close(code, reason)
        except ValueError as e:
            printer.prompting = True
            printer.say(f"✖ {e}", "bad")
            return True
        return False
    elif word == "binary":
        from wsblock.conversation.checks import MessageError, decode_binary

        try:
            await session.send_bytes(decode_binary(rest))
        except MessageError as e:
            printer.say(f"✖ {e}", "bad")
    elif word in ("help", "?"):
        printer.say(HELP)
    else:
        printer.say(f"✖ unknown command /{word}; /help lists them", "bad")
    return True


def _unsent(drained: list[str | None], interactive: bool) -> int:
    """Input the connection closed on: lines read but not sent, said on stderr and counted
    (a line that could not be sent makes the exit code 1). Piped input that had not
    ended counts too: whatever was still to come was not sent either. ``drained``: what
    :func:`_rest_of_input` read."""
    lines = [line for line in drained if line is not None]
    if interactive:
        return len(lines)
    if lines:
        click.echo(
            f"wsblock: {len(lines)} input line{'s' * (len(lines) > 1)} not sent: "
            "the connection closed",
            err=True,
        )
    if None not in drained:  # no end of input yet
        click.echo("wsblock: the connection closed before the input ended", err=True)
        return len(lines) + 1
    return len(lines)


INPUT_GRACE = 1.0
"""Seconds a closed connection waits for the input stdin still holds (see below)."""


async def _rest_of_input(queue: asyncio.Queue[str | None], limit: float) -> list[str | None]:
    """The input the reader thread has and can still read without waiting for more, once
    the connection closed: lines, then None if the input ended.

    Whether the input ended is what stdin says, not how far the thread got: stdin from
    /dev/null, a file or a pipe whose writer is done has ended even if the thread has not
    yet read its end (a server that closes at once beat it about one run in ten). So the
    thread is waited for while stdin can be read without blocking, up to ``limit``
    seconds (a long file); a pipe or terminal with nothing to read has not ended."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    await asyncio.sleep(0)  # lines (or the end) the reader has just handed over
    drained = _drain(queue)
    ended = None in drained
    while not ended and _stdin_readable() and (left := deadline - loop.time()) > 0:
        try:
            more = [await asyncio.wait_for(queue.get(), left), *_drain(queue)]
        except TimeoutError:
            break
        drained += more
        ended = None in more  # in what came, not in all of it again
    return drained


def _stdin_readable() -> bool:
    """Whether reading stdin would not block: data, or its end, is there to read."""
    try:
        return bool(select.select([sys.stdin.fileno()], [], [], 0)[0])
    except (AttributeError, OSError, ValueError):  # no stdin, or not a file descriptor
        return False


def _drain(queue: asyncio.Queue[str | None]) -> list[str | None]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


CLOSE_GRACE = 1.0
"""Seconds a connection stopped early (Ctrl-C, a closed stdout) gives the closing handshake."""


class _Stop:
    """Why ``connect`` stops early, and the stopping: one Ctrl-C (or a closed stdout) stops
    printing and closes within :data:`CLOSE_GRACE`; a second Ctrl-C cuts at once."""

    def __init__(self, session: Session, printer: _Printer) -> None:
        self.session = session
        self.printer = printer
        self.why: str | None = None  # "interrupted" | "stdout"
        self.event = asyncio.Event()

    def sigint(self) -> None:
        if self.why == "interrupted":
            self.session.abort()
            return
        self.printer.muted = True
        sys.stderr.write("wsblock: interrupted, closing (Ctrl-C again to cut at once)\n")
        sys.stderr.flush()
        self.why = "interrupted"
        self.event.set()

    def stdout_gone(self) -> None:
        self.printer.muted = True
        self.why = self.why or "stdout"
        self.event.set()

    @property
    def code(self) -> int | None:
        """The exit code of a stop, if stopped."""
        if self.why is None:
            return None
        return EXIT_INTERRUPTED if self.why == "interrupted" else EXIT_STDOUT_CLOSED

    async def until(self, *aws: asyncio.Future[Any]) -> None:
        """Wait until one of *aws* is done or the stop comes."""
        stopped = asyncio.ensure_future(self.event.wait())
        try:
            await asyncio.wait({stopped, *aws}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()

    async def close(self) -> None:
        """Close with 1000 and wait for the end: as long as the closing handshake takes,
        or :data:`CLOSE_GRACE` once stopped (then the connection is cut)."""
        if self.session.state.name == "DISCONNECTED":
            return

        async def close() -> None:
            await self.session.close(1000, "")
            await self.session.wait_closed()

        task = asyncio.ensure_future(close())
        await self.until(task)
        if not task.done():
            done, _ = await asyncio.wait({task}, timeout=CLOSE_GRACE)
            if not done:
                self.session.abort()
                await asyncio.wait({task})
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


async def _connect(
    request: Request,
    fmt: str,
    as_json: bool,
    echo: bool,
    linger: float,
    log_dir: Path | None,
    raw: bool = False,
    ack: bool = False,
) -> int:
    """The session to its end; the exit code. ``log_dir`` None: no journal."""
    interactive = (
        sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty() and not as_json
    )
    secrets = Secrets(request.secrets)  # and the secret-like headers of the server's answer
    masker = secrets.masker
    printer = _Printer(masker, as_json, interactive)
    printer.options, printer.raw = request.options, raw
    printer.protocol = request.options.protocol != "websocket"
    session = Session(request)
    state: dict = {"closed": False, "last_in": 0.0, "journal_failed": False}
    journal = _journal(session, request, log_dir, state)

    def use(masker: Masker) -> None:
        printer.masker = printer.console.masker = masker
        if journal is not None:
            journal.masker = masker

    secrets.follow(use)
    guard_handshake(session, secrets)  # a Set-Cookie masked in `open` too
    stream = session.subscribe()
    pump = asyncio.create_task(_pump(session, stream, printer, echo, state, journal))

    loop = asyncio.get_running_loop()
    stop = _Stop(session, printer)
    loop.add_signal_handler(signal.SIGINT, stop.sigint)
    on_stdout_closed(stop.stdout_gone)
    errors = bad = 0
    try:
        connecting = asyncio.ensure_future(session.connect())
        await stop.until(connecting)
        if not connecting.done():
            await stop.close()  # cancels the attempt
        if not await connecting:
            return stop.code or EXIT_FAILED
        if interactive:
            printer.prompting = True
            printer.say(f"connected to {masker.mask(request.url)}; /help for commands", "sys")
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        _stdin_lines(loop, queue)
        n = 0
        closed_wait = asyncio.ensure_future(session.wait_closed())
        while stop.why is None:
            getter = asyncio.ensure_future(queue.get())
            await stop.until(getter, closed_wait)
            if not getter.done():
                getter.cancel()
                if stop.why is None:
                    errors += _unsent(await _rest_of_input(queue, INPUT_GRACE), interactive)
                break
            line = getter.result()
            if line is None:
                printer.prompting = False
                break
            n += 1
            if interactive and line.startswith("/") and not line.startswith("//"):
                if not await _command(session, line, printer):
                    break
                continue
            msg = _line_message(
                line[1:] if line.startswith("//") else line,
                fmt,
                n,
                request,
                printer,
                interactive,
                ack,
            )
            if msg is None:
                bad += 1
            elif not await session.send(msg):  # the engine's error event says why
                errors += 1
                if session.state is not State.CONNECTED and not interactive:
                    # the rest cannot go either
                    errors += _unsent(await _rest_of_input(queue, INPUT_GRACE), interactive)
                    break
            if interactive:
                printer.write([])
        # End of input: wait for replies until `linger` seconds pass with none, or a close.
        if not interactive and not state["closed"]:
            state["last_in"] = loop.time()
            while not state["closed"] and stop.why is None:
                left = state["last_in"] + linger - loop.time()
                if left <= 0:
                    break
                waiter = asyncio.ensure_future(asyncio.wait_for(asyncio.shield(closed_wait), left))
                await stop.until(waiter)
                waiter.cancel()
                await asyncio.wait({waiter})
        await stop.close()
    finally:
        await stop.close()
        # Every event printed, none lost: the stream ends, the pump empties it and stops.
        stream.close()
        await asyncio.wait({pump})
        loop.remove_signal_handler(signal.SIGINT)
        if journal is not None:
            try:
                journal.close()
            except JournalError:
                state["journal_failed"] = True
            _say_journal_size(journal)
        if interactive and not printer.muted:
            sys.stdout.write("\n")
    if stop.code is not None:
        return stop.code
    close: Event | None = state.get("close")
    if close is not None and not clean_close(close):
        return EXIT_FAILED  # refused, dropped, failed, or closed by the server with 1011...
    if bad:
        return EXIT_BAD_INPUT  # a line not valid for --format, or that cannot be encoded
    if state["journal_failed"] or errors:
        return EXIT_FAILED
    return EXIT_OK


def _line_message(
    line: str,
    fmt: str,
    n: int,
    request: Request,
    printer: _Printer,
    interactive: bool,
    ack: bool = False,
) -> Message | None:
    """Input line *n* as the message to send (*ack*: a Socket.IO event asks for an
    acknowledgement), or None when it is bad input (said)."""
    from wsblock.codecs import CodecError, encoded_message
    from wsblock.conversation.checks import MessageError

    try:
        msg = _message(line, fmt, None if interactive else n, ack)
        return encoded_message(msg, request.options.encode)
    except CodecError as e:
        why = f"{'message' if interactive else f'line {n}'}: cannot encode: {e}"
    except MessageError as e:
        why = str(e)
    if interactive:
        printer.say(f"✖ {why}; not sent", "bad")
    else:
        click.echo(f"wsblock: {why}; not sent", err=True)
    return None


def _journal(
    session: Session, request: Request, log_dir: Path | None, state: dict
) -> Journal | None:
    """The session's journal (None without a folder: --no-journal); a write that fails is
    said at once and makes the exit code 1."""
    if log_dir is None:
        return None
    journal = Journal.create(
        log_dir=log_dir,
        name="connect",
        secrets=request.secrets,
        codecs=request.codecs,
        url=request.url,
        handshake=handshake_of(request),
    )
    session.add_parts_listener(journal.record_parts)

    def journal_trouble(exc: OSError) -> None:
        state["journal_failed"] = True
        click.echo(
            f"wsblock: the journal cannot be written ({exc.strerror or exc}); the "
            "connection goes on, the exit code will be 1",
            err=True,
        )

    journal.on_error = journal_trouble
    return journal


def _say_journal_size(journal: Journal) -> None:
    """On stderr, when the session's journal passed :data:`~wsblock.journal.LARGE_JOURNAL`."""
    note = large_journal_note(journal.path)
    if note:
        click.echo(f"wsblock: {note}", err=True)


@click.command()
@click.argument("url")
@click.option(
    "-H",
    "--header",
    "headers",
    multiple=True,
    metavar="'Name: value'",
    help="A handshake header. Repeatable.",
)
@click.option(
    "-s",
    "--subprotocol",
    "protocols",
    multiple=True,
    metavar="PROTO",
    help="Offer a subprotocol. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "xml", "binary", "socket.io", "graphql"]),
    default="text",
    show_default=True,
    help="Validate what is sent as this format (binary: base64 lines).",
)
@click.option("--json", "as_json", is_flag=True, help="Every event as NDJSON on stdout.")
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates.")
@click.option(
    "--ca-file",
    type=click.Path(path_type=Path),
    metavar="PEM",
    help="Trust the CA certificates of this PEM file (instead of the system's).",
)
@click.option(
    "--client-cert",
    type=click.Path(path_type=Path),
    metavar="PEM",
    help="Present this client certificate (mutual TLS); with --client-key.",
)
@click.option(
    "--client-key",
    type=click.Path(path_type=Path),
    metavar="PEM",
    help="The client certificate's key.",
)
@click.option("--echo", is_flag=True, help="Send every received message back.")
@click.option(
    "--linger",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="S",
    help="After the end of piped input, wait until S seconds pass with no message (or the server closes).",
)
@click.option(
    "--log-dir", type=click.Path(path_type=Path), metavar="DIR", help="Journal the session here."
)
@click.option(
    "--no-journal", is_flag=True, help="Record no journal of the session (wsblock sessions)."
)
@click.option(
    "--decode",
    "decode",
    metavar="CODEC",
    help="Read received messages as CODEC (protobuf PATH#pkg.Msg, msgpack, cbor, gzip+json, deflate+json, json, base64+...).",
)
@click.option(
    "--encode",
    "encode",
    metavar="CODEC",
    help="Send --format json lines encoded as CODEC (a binary message).",
)
@click.option("--raw", is_flag=True, help="Print received messages as received, not decoded.")
@click.option(
    "--protocol",
    type=click.Choice(["websocket", "socket.io", "graphql-transport-ws", "graphql-ws"]),
    default="websocket",
    show_default=True,
    help="The protocol spoken on the WebSocket. socket.io: lines are `event [json args]`; "
    "GraphQL: lines are documents.",
)
@click.option("--namespace", default="/", show_default=True, help="The Socket.IO namespace.")
@click.option(
    "--connect-payload",
    metavar="JSON",
    help="Socket.IO's auth for the namespace, or GraphQL's connection_init payload.",
)
@click.option("--ack", is_flag=True, help="Socket.IO: ask for an acknowledgement of every event.")
@click.option(
    "--compression",
    is_flag=True,
    help="Offer permessage-deflate (on the websockets transport; without it, picows).",
)
@env_options
@guarded
def connect(
    url: str,
    headers: tuple[str, ...],
    protocols: tuple[str, ...],
    fmt: str,
    as_json: bool,
    insecure: bool,
    echo: bool,
    linger: float,
    log_dir: Path | None,
    no_journal: bool,
    env: EnvChoice,
    decode: str | None = None,
    encode: str | None = None,
    raw: bool = False,
    compression: bool = False,
    protocol: str = "websocket",
    namespace: str = "/",
    connect_payload: str | None = None,
    ack: bool = False,
    ca_file: Path | None = None,
    client_cert: Path | None = None,
    client_key: Path | None = None,
) -> None:
    """A line-mode client: each input line is one message; received messages go to stdout.

    \b
    On a terminal: a prompt, with received messages printed above it (← and the time).
    In a pipe: one message per input line, received payloads one per line on stdout,
    the connection's life on stderr.
    Examples:
      wsblock connect ws://127.0.0.1:8765/echo
      printf 'a\\nb\\n' | wsblock connect ws://127.0.0.1:8765/echo
      wsblock connect wss://api.example/ws -H 'Authorization: Bearer {{TOKEN}}' -e .env --json
    """
    request = _request(url, headers, protocols, insecure, env, compression, protocol)
    if protocol != "websocket":
        request = _with_protocol(request, protocol, namespace, connect_payload)
        if fmt == "text":
            fmt = "socket.io" if protocol == "socket.io" else "graphql"
    request = _with_tls_files(request, ca_file, client_cert, client_key)
    decoder, encoder = codec_options(
        decode, encode, Path(env.project) if env.project else Path.cwd()
    )
    request = dataclasses.replace(
        request, options=dataclasses.replace(request.options, decode=decoder, encode=encoder)
    )
    log_dir = None if no_journal else journal_dir(log_dir)
    raise SystemExit(asyncio.run(_connect(request, fmt, as_json, echo, linger, log_dir, raw, ack)))


def _with_protocol(
    request: Request, protocol: str, namespace: str, connect_payload: str | None
) -> Request:
    """``request`` speaking ``protocol`` (``--protocol``, ``--namespace``, ``--connect-payload``)."""
    from wsblock.conversation.protocolchecks import parse_connect_payload, parse_namespace

    try:
        options = dataclasses.replace(
            request.options,
            protocol=protocol,  # type: ignore[arg-type]
            namespace=parse_namespace(namespace),
            connect_payload=parse_connect_payload(connect_payload or ""),
        )
    except ValueError as e:
        raise BadInput(f"--namespace / --connect-payload: {e}") from None
    return dataclasses.replace(request, options=options)


@click.command("echo-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@guarded
def echo_server(host: str, port: int) -> None:
    """The embedded echo server: every message comes back, on any path but these.

    \b
    Paths (query parameters with their defaults):
      /echo                          echo (any other path too)
      /flood?n=N&size=S[&seq=0]      N messages of S bytes, then close 1000
      /big?size=N[&binary=0&fragments=1]   one big message first, then echo
      /headers                       first message: JSON of the handshake request
      /subprotocol                   first message: JSON of the subprotocol chosen
      /close?code=1000&reason=[&after=0]   the server closes (after `after` echoes)
      /reject?status=401&body=unauthorized[&header=Name:Value]   refuses the handshake
      /drop[?key=K&times=T]          cuts TCP after the handshake (no close frame)
      /invalid-utf8                  a text frame that is not UTF-8, then echo
      /protocol-error                a frame that breaks RFC 6455
      /ping                          the server pings once, then echo
      /mute?seconds=5                stops reading (no pong, no close answer), then cuts
      /hang?seconds=5                answers the handshake only after that long
    /hang shows Connecting, /close a server close, /reject a refused handshake.
    Subprotocols chat, graphql-transport-ws and graphql-ws are accepted everywhere.

    \b
    Example:
      wsblock echo-server --port 8765 &
      wsblock connect ws://127.0.0.1:8765/echo
      wsblock connect 'ws://127.0.0.1:8765/close?code=4001&reason=bye'
    """
    from wsblock.servers.echo import serve
    from wsblock.servers.listen import run_forever

    run_forever(lambda: serve(host, port), "echo server", host=host)
