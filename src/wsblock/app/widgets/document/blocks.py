"""Readable renderings of a request's blocks (headers, query, options, messages...)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

TITLES = {
    "headers-table": "Headers",
    "query-table": "Query",
    "socket-options": "Options",
    "assertions-table": "Assertions",
    "auth": "Auth",
}
SECRET_AUTH = ("bearer", "basic", "apiKey")


def _table(
    title: str, rows, headers: tuple[str, ...] | None = None, mask: int | None = None
) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        show_header=headers is not None,
        box=None,
        padding=(0, 1),
        expand=False,
    )
    width = max((len(r.cells) for r in rows), default=len(headers or ()) or 2)
    for i in range(max(width, len(headers or ()))):
        table.add_column(
            headers[i] if headers and i < len(headers) else "", style="cyan" if i == 0 else None
        )
    for row in rows:
        cells = [str(c) for c in row.cells]
        if mask is not None and len(cells) > mask and cells[mask] and "{{" not in cells[mask]:
            cells[mask] = "••••••"
        style = "dim strike" if getattr(row, "disabled", False) else None
        table.add_row(*[escape(c) for c in cells], style=style)
    if not rows:
        table.add_row(Text("(empty)", style="dim"))
    return table


def _message_body(fmt: str, content: str) -> RenderableType:
    lexer = {"json": "json", "xml": "xml"}.get(fmt or "text", "text")
    return Syntax(content or "", lexer, theme="monokai", word_wrap=True, background_color="default")


def render_block(block) -> RenderableType:
    """A rich renderable for one block, readable at a glance."""
    from wsblock.document.views import (
        AssertionsTable,
        Auth,
        HeadersTable,
        LinkedBlock,
        QueryTable,
        RequestSeparator,
        SocketExpect,
        SocketMessage,
        SocketMessages,
        SocketOptions,
        SocketRequest,
        view,
    )

    try:
        v = view(block)
    except Exception as e:  # noqa: BLE001 - an unreadable block is shown, not fatal
        return Text(f"{block.type}: cannot read this block: {e}", style="red")
    if isinstance(v, SocketRequest):
        t = Text()
        t.append(f" {v.method or 'WSS'} ", style="bold black on green")
        t.append(" ")
        t.append(v.url or "(no URL)", style="bold")
        return t
    if isinstance(v, HeadersTable):
        return _table("Headers", v.rows)
    if isinstance(v, QueryTable):
        return _table("Query", v.rows)
    if isinstance(v, SocketOptions):
        return _table("Options", v.rows)
    if isinstance(v, AssertionsTable):
        return _table("Assertions", v.rows, ("description", "field", "operator", "expected"))
    if isinstance(v, Auth):
        kind = v.auth_type or "none"
        return _table(f"Auth: {kind}", v.rows, mask=0 if kind in SECRET_AUTH else None)
    if isinstance(v, SocketMessages):
        parts: list[RenderableType] = [Text("Messages", style="bold")]
        for item in v.items:
            if isinstance(item, SocketMessage):
                head = Text("✉ ", style="green")
                head.append(item.name or "message", style="bold")
                fmt = item.format or "text"
                extra = (
                    f" ({fmt}{', ' + item.encoding if fmt == 'binary' and item.encoding else ''})"
                )
                head.append(extra, style="grey62")
                if item.disabled:
                    head.append("  disabled", style="dim")
                parts.append(head)
                parts.append(_message_body(fmt, item.content or ""))
            elif isinstance(item, SocketExpect):
                head = Text("◷ expect ", style="yellow")
                head.append(item.name or "", style="bold")
                if item.timeout:
                    head.append(f" (within {item.timeout} s)", style="grey62")
                parts.append(head)
                parts.append(
                    _table("", item.rows, ("description", "field", "operator", "expected"))
                )
        return Group(*parts)
    if isinstance(v, LinkedBlock):
        return Text(f"↪ linked block {v.block_uid} from {v.original_file}", style="magenta")
    if isinstance(v, RequestSeparator):
        return Text("─" * 20, style="grey50")
    return Text(f"[{block.type}] (kept as is)", style="grey50")
