"""The file on the left: its prose as Markdown, its WebSocket requests as cards."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Markdown, Static

from .blocks import render_block


def _strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            nl = text.find("\n", end + 4)
            return text[nl + 1 :] if nl != -1 else ""
    return text


class RequestCard(Vertical, can_focus=True):
    """One request: a badge and the URL, a ▶ Run button, and its blocks, readable."""

    BINDINGS = [Binding("enter", "run", "Run", show=False)]

    class Chosen(Message):
        """The card became the request under the cursor."""

        def __init__(self, card: RequestCard) -> None:
            super().__init__()
            self.card = card

    class Run(Message):
        def __init__(self, card: RequestCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, spec, number: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.number = number
        self.kind = getattr(spec, "kind", "wss")
        self._parts: list[Widget] = []

    def add(self, widget: Widget) -> None:
        self._parts.append(widget)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="card-head"):
            yield Static(render_block(self.spec.head), classes="card-url")
            if self.kind == "wss":
                yield Button("▶ Run", classes="card-run", variant="success", compact=True)
            else:
                yield Static(f"{self.kind.upper()}: not run here", classes="card-note")
        yield Static(self.spec.name or f"request {self.number}", classes="card-name")
        yield from self._parts

    def on_focus(self) -> None:
        self.post_message(self.Chosen(self))

    def on_click(self) -> None:
        self.post_message(self.Chosen(self))

    @on(Button.Pressed, ".card-run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(self))
        self.post_message(self.Run(self))

    def action_run(self) -> None:
        self.post_message(self.Run(self))

    def on_descendant_focus(self) -> None:
        self.post_message(self.Chosen(self))


class BlockView(Static):
    """A block of the file, rendered readable."""

    def __init__(self, block, **kwargs) -> None:
        super().__init__(render_block(block), **kwargs)
        self.block = block


class DocumentView(VerticalScroll):
    """The file, top to bottom; tracks which request is under the cursor."""

    def __init__(self, project, **kwargs) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.cards: list[RequestCard] = []
        self.current: RequestCard | None = None

    def compose(self) -> ComposeResult:
        yield from self._build()

    def _build(self) -> list[Widget]:
        project = self.project
        out: list[Widget] = []
        self.cards = []
        if project.load_error:
            out.append(Static(project.load_error, classes="doc-error"))
        specs = project.requests()
        heads = {id(s.head): s for s in specs}
        members: dict[int, RequestCard] = {}
        card: RequestCard | None = None
        remaining = 0
        segments = project.segments
        front = getattr(project.doc, "front_matter", None) is not None
        for i, seg in enumerate(segments):
            if isinstance(seg, str):
                text = _strip_front_matter(seg) if (i == 0 and front) else seg
                if not text.strip():
                    continue
                widget = Markdown(text, classes="prose")
                if card is not None and remaining > 0:
                    card.add(widget)
                else:
                    out.append(widget)
                continue
            spec = heads.get(id(seg))
            if spec is not None:
                card = RequestCard(spec, len(self.cards) + 1, classes=f"card -{spec.kind}")
                self.cards.append(card)
                out.append(card)
                for b in spec.blocks:
                    members[id(b)] = card
                remaining = len([b for b in spec.blocks if any(b is s for s in segments)])
                continue
            owner = members.get(id(seg))
            if owner is not None:
                owner.add(BlockView(seg, classes=f"block -{seg.type}"))
                if owner is card:
                    remaining -= 1
                continue
            card, remaining = None, 0
            out.append(BlockView(seg, classes=f"block loose -{seg.type}"))
        if not segments or (
            not self.cards and not any(isinstance(s, str) and s.strip() for s in segments)
        ):
            out.append(
                Static(
                    "This file has no WebSocket request yet. (Editing comes later: "
                    "add a `socket-request` block in Voiden or a text editor.)",
                    classes="doc-empty",
                )
            )
        runnable = [c for c in self.cards if c.kind == "wss"]
        self.current = runnable[0] if runnable else None
        if self.current is not None:
            self.current.add_class("-current")
        return out

    async def rebuild(self) -> None:
        await self.remove_children()
        await self.mount_all(self._build())

    @on(RequestCard.Chosen)
    def _chosen(self, event: RequestCard.Chosen) -> None:
        if self.current is not None:
            self.current.remove_class("-current")
        self.current = event.card
        event.card.add_class("-current")
