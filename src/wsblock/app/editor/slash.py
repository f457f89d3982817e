"""The slash menu: its items, and how typed text ranks them.

A block item inserts ``wsblock.document.views.new_block(name)``: the editor makes new
blocks exactly as the document layer (and Voiden) does; it has no templates of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SlashItem:
    """One entry of the slash menu."""

    name: str
    label: str
    help: str
    aliases: tuple[str, ...] = field(default=())
    #: "block" inserts ``new_block(name)``; "heading" turns the line into ``prefix``.
    action: str = "block"
    prefix: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def rank(self, query: str) -> int | None:
        """How well ``query`` (typed after ``/``) matches: lower is better; None: no match."""
        q = query.strip().lower()
        if not q:
            return 3
        names = [n.lower() for n in self.names()]
        if q in names:
            return 0
        if any(n.startswith(q) for n in names):
            return 1
        if any(q in n for n in names) or any(
            w.startswith(q) for w in self.label.lower().replace(":", " ").split()
        ):
            return 2
        return None


SLASH_ITEMS: list[SlashItem] = [
    SlashItem(
        "wss",
        "WebSocket request",
        "socket-request: WSS and a wss:// URL",
        ("ws", "websocket", "socket"),
    ),
    SlashItem("headers", "Headers", "headers-table: handshake headers", ("header",)),
    SlashItem("query", "Query parameters", "query-table: added to the URL", ("params",)),
    SlashItem("auth-bearer", "Auth: bearer token", "auth (bearer)", ("bearer",)),
    SlashItem("auth-basic", "Auth: basic", "auth (basic): username and password", ("basic",)),
    SlashItem("auth-api-key", "Auth: API key", "auth (apiKey): header or query", ("api-key",)),
    SlashItem(
        "socket-options", "Socket options", "subprotocols, timeouts, pings, TLS…", ("options",)
    ),
    SlashItem(
        "messages",
        "Messages",
        "socket-messages: messages to send, replies to expect",
        ("message", "socket-messages"),
    ),
    SlashItem(
        "assertions", "Assertions", "assertions-table: checked when the run ends", ("assert",)
    ),
    SlashItem(
        "separator", "Request separator", "request-separator: starts the next request", ("sep",)
    ),
    SlashItem("h1", "Heading 1", "# heading", action="heading", prefix="# "),
    SlashItem("h2", "Heading 2", "## heading", action="heading", prefix="## "),
    SlashItem("h3", "Heading 3", "### heading", action="heading", prefix="### "),
]
SLASH_BY_NAME = {item.name: item for item in SLASH_ITEMS}


def filter_items(query: str, items: list[SlashItem] | None = None) -> list[SlashItem]:
    """The items matching ``query``, best first (menu order among equals)."""
    items = SLASH_ITEMS if items is None else items
    ranked = [(r, n, item) for n, item in enumerate(items) if (r := item.rank(query)) is not None]
    return [item for _r, _n, item in sorted(ranked, key=lambda t: (t[0], t[1]))]
