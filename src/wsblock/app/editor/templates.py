"""New blocks, as Voiden's slash menu makes them, and the slash menu's items.

Every template gets fresh uids. When the document layer offers
``wsblock.document.views.new_block(kind)`` it is used for the kinds it knows;
these templates are the fallback (and define the auth and message shapes the
editor needs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


def new_uid() -> str:
    return str(uuid.uuid4())


def row(*cells: str, disabled: bool = False) -> dict:
    """A table row as Voiden writes it."""
    return {"attrs": {"disabled": disabled}, "row": list(cells)}


def table(*rows: dict) -> dict:
    return {"type": "table", "rows": list(rows)}


#: The rows each auth type starts with ([label, value]); ``resolve`` reads them by label.
AUTH_ROWS: dict[str, list[list[str]]] = {
    "bearer": [["token", ""]],
    "basic": [["username", ""], ["password", ""]],
    "apiKey": [["key", ""], ["value", ""], ["in", "header"]],
    "none": [],
    "inherit": [],
}
AUTH_TYPES = list(AUTH_ROWS)


def socket_request(url: str = "wss://", method: str = "WSS") -> dict:
    return {
        "type": "socket-request",
        "attrs": {"uid": new_uid()},
        "content": [
            {"type": "smethod", "attrs": {"uid": new_uid(), "method": method}, "content": method},
            {"type": "surl", "attrs": {"uid": new_uid()}, "content": url},
        ],
    }


def headers_table() -> dict:
    return {
        "type": "headers-table",
        "attrs": {"uid": new_uid(), "importedFrom": ""},
        "content": [table(row("", ""))],
    }


def query_table() -> dict:
    return {
        "type": "query-table",
        "attrs": {"uid": new_uid(), "importedFrom": ""},
        "content": [table(row("", ""))],
    }


def auth(auth_type: str = "bearer") -> dict:
    rows = [row(*cells) for cells in AUTH_ROWS.get(auth_type, [])]
    return {
        "type": "auth",
        "attrs": {"uid": new_uid(), "authType": auth_type},
        "content": [table(*rows)],
    }


def socket_options() -> dict:
    return {"type": "socket-options", "attrs": {"uid": new_uid()}, "content": [table(row("", ""))]}


def assertions_table() -> dict:
    return {
        "type": "assertions-table",
        "attrs": {"uid": new_uid()},
        "content": [table(row("", "", "", ""))],
    }


def socket_message(name: str = "message 1", fmt: str = "json", content: str = "") -> dict:
    return {
        "type": "socket-message",
        "attrs": {"uid": new_uid(), "name": name, "format": fmt, "disabled": False},
        "content": content,
    }


def socket_expect(name: str = "expect 1", timeout: int = 5) -> dict:
    return {
        "type": "socket-expect",
        "attrs": {"uid": new_uid(), "name": name, "timeout": timeout},
        "content": [table(row("", "", "equals", ""))],
    }


def socket_messages() -> dict:
    return {"type": "socket-messages", "attrs": {"uid": new_uid()}, "content": [socket_message()]}


def request_separator() -> dict:
    return {"type": "request-separator", "attrs": {"uid": new_uid()}}


#: Block kinds the editor can create, by slash-menu name.
BLOCK_FACTORIES = {
    "wss": socket_request,
    "headers": headers_table,
    "query": query_table,
    "auth-bearer": lambda: auth("bearer"),
    "auth-basic": lambda: auth("basic"),
    "auth-api-key": lambda: auth("apiKey"),
    "socket-options": socket_options,
    "messages": socket_messages,
    "assertions": assertions_table,
    "separator": request_separator,
}


def new_block(kind: str) -> dict:
    """A new node for slash-menu ``kind`` with fresh uids (``KeyError`` if unknown).

    The document layer's templates (Voiden's exact shapes) when it has the kind;
    this module's otherwise.
    """
    try:
        from wsblock.document.views import new_block as document_new_block

        return document_new_block(kind)
    except (ImportError, KeyError):
        return BLOCK_FACTORIES[kind]()


def fresh_uids(node):
    """A copy of ``node`` with every ``attrs.uid`` replaced (duplicating a block)."""
    if isinstance(node, dict):
        out = {k: fresh_uids(v) for k, v in node.items()}
        attrs = out.get("attrs")
        if isinstance(attrs, dict) and "uid" in attrs:
            attrs["uid"] = new_uid()
        return out
    if isinstance(node, list):
        return [fresh_uids(v) for v in node]
    return node


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
