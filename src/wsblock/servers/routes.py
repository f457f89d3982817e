"""What a mock server plays: a recorded conversation (:class:`Script`), and which one a
connection plays: one for every path, or, for a HAR with several WebSocket entries, the
entry recorded on the path the client asked for.

- one script: every path plays it (a recorded session, a HAR's ``--entry N``);
- several: the client's path picks the entry recorded on that path; when several
  entries share the path, the one whose query is the client's (same names and values,
  in any order) if any, and among those still alike, each in turn (the first
  connection plays the first of them, the next the next, then round again), as a page
  that connected twice to the same URL would;
- a path that no entry was recorded on matches nothing: the handshake is refused (404).

::

    script = recorded_script(read_recording("last"))       # a session's server side
    routes = Routes([Route(script_a, "/socket", "room=lobby"), Route(script_b, "/feed")])
    route = routes.pick("/feed?symbol=BTC")      # None: no entry on that path
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from wsblock.conversation.compare import Msg
from wsblock.journal.recording import Recording
from wsblock.servers.wire import PROTOCOLS


@dataclass(frozen=True)
class Script:
    """A recorded conversation, as the mock plays it: ``messages`` in order (``dir``
    ``in``: the server sent it; ``out``: the client did), ``at`` in seconds."""

    messages: Sequence[Msg]
    subprotocol: str | None = None
    close: tuple[int, str] | None = None
    """How the server closed the recorded connection, if it did."""
    names: dict[int, str] = field(default_factory=dict)
    """Names of the client's messages, by position among them (for the log)."""
    protocol: str = "websocket"
    """The protocol spoken on the WebSocket: ``messages`` are then its frames, played as
    :mod:`wsblock.servers.wire` says (Socket.IO, GraphQL over WebSocket)."""
    connections: int = 1
    """How many times the recorded session connected: the script is its first."""


def recorded_script(recording: Recording) -> Script:
    """The :class:`Script` of a recorded session (its first connection); ``ValueError``
    when it never connected, or cannot be played (see :func:`_protocol`)."""
    if recording.opened_at is None:
        raise ValueError(f"{recording.id}: the session never connected: there is nothing to play")
    close = None
    if recording.close is not None and recording.close.get("by") == "server":
        close = (int(recording.close.get("code") or 1000), str(recording.close.get("reason") or ""))
    protocol = _protocol(recording)
    if protocol == "websocket":
        names = {i: name for i, name in enumerate(recording.sent_names, 1) if name}
        return Script(
            recording.messages,
            subprotocol=recording.subprotocol,
            close=close,
            names=names,
            connections=1 + len(recording.later),
        )
    sent = [
        n for m, n in zip(recording.frames, recording.frame_names, strict=True) if m.dir == "out"
    ]
    return Script(
        recording.frames,
        subprotocol=recording.subprotocol,
        close=close,
        names={i: name for i, name in enumerate(sent, 1) if name},
        protocol=protocol,
        connections=1 + len(recording.later),
    )


def _protocol(recording: Recording) -> str:
    """The protocol the session spoke on the WebSocket, as the mock plays it; ValueError
    for one it cannot play: Socket.IO's binary events (their attachments are frames of
    their own), or a session recorded before the journal kept its protocol's frames."""
    options = recording.handshake.get("options") or {}
    protocol = str((options.get("protocol") if isinstance(options, dict) else None) or "")
    spoken = set(recording.sent_formats) & {"socket.io", "graphql"}
    if protocol in ("", "websocket") and not spoken:
        return "websocket"
    what = protocol or ", ".join(sorted(spoken))
    if protocol not in PROTOCOLS or not recording.frames:
        raise ValueError(
            f"{recording.id}: the session spoke {what} on the WebSocket and its journal does "
            "not hold that protocol's frames (recorded by an older wsblock): "
            "`wsblock replay` it against the real server instead"
        )
    if protocol == "socket.io" and any(
        m.type == "binary" or (isinstance(m.data, str) and m.data[:2] in ("45", "46"))
        for m in recording.frames
    ):
        raise ValueError(
            f"{recording.id}: the session sent or received binary Socket.IO events; the mock "
            "plays text events only: `wsblock replay` it against the real server instead"
        )
    return protocol


@dataclass(frozen=True)
class Route:
    """A script and where it was recorded: the path and query of its URL, and its
    name in the log (``entry 2``)."""

    script: Script
    path: str = "/"
    query: str = ""
    name: str = ""


def _query(text: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(text, keep_blank_values=True))


class Routes:
    """The routes of one mock server (see the module's text)."""

    def __init__(self, routes: Sequence[Route]):
        if not routes:
            raise ValueError("a mock needs a script")
        self.routes = tuple(routes)
        self._turns: dict[tuple[int, ...], int] = {}

    @property
    def by_path(self) -> bool:
        """Whether the client's path picks the script (more than one)."""
        return len(self.routes) > 1

    @property
    def paths(self) -> list[str]:
        """The paths served, each once, in order."""
        return list(dict.fromkeys(r.path for r in self.routes))

    def pick(self, target: str) -> Route | None:
        """The route a connection to ``target`` (path and query) plays, or None."""
        if not self.by_path:
            return self.routes[0]
        path, _, query = target.partition("?")
        found = [i for i, r in enumerate(self.routes) if r.path == (path or "/")]
        same = [i for i in found if _query(self.routes[i].query) == _query(query)]
        found = same or found
        if not found:
            return None
        key = tuple(found)
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        return self.routes[found[turn % len(found)]]
