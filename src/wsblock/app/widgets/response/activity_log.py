"""The activity log: a virtual view over a :class:`LogModel`.

Only the visible lines are drawn (``render_line``); rows are not widgets. The owner
appends to the model and calls :meth:`ActivityLog.sync` at most once per frame.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .decoding import log_line
from .log_model import ARROW, IN, OUT, LogModel

_TIME = Style(color="grey62")
_SIZE = Style(color="grey50")
_ARROW_STYLE = (
    Style(color="cyan", bold=True),
    Style(color="green", bold=True),
    Style(color="yellow"),
)
_SYS_TEXT = Style(color="yellow")
_MARK = Style(color="magenta", bold=True)  # the rule or timer that sent it, a reply's latency
_ERR_TEXT = Style(color="red")
_CURSOR = Style(bgcolor="grey30")
_CURSOR_FOCUS = Style(bgcolor="dark_blue")
_CTRL = str.maketrans({"\n": "⏎", "\r": " ", "\t": " "})


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


def one_line(payload: str | bytes | None, width: int, binary: bool) -> str:
    """The start of a payload, on one line, at most *width* characters."""
    if payload is None:
        return ""
    if isinstance(payload, bytes):
        head = payload[: max(1, width // 3)]
        text = head.hex(" ")
        return text + (" …" if len(payload) > len(head) else "")
    text = payload[: width + 1]
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text.translate(_CTRL)


def _is_failure(model: LogModel, row: int) -> bool:
    """Drawn red: an error, or a close nobody asked for (see :meth:`LogModel.is_failure`);
    a deliberate close, by either side, is not a failure."""
    return model.is_failure(row)


class ActivityLog(ScrollView, can_focus=True):
    """One line per event: ``HH:MM:SS.mmm → size payload``; a message sent by a rule or
    timer of the conversation, and a paired reply, carry a mark before the payload:
    ``→ [heartbeat] …``, ``← [↪ status 0.4 ms] …``."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "follow", "Follow (End)"),
        Binding("enter", "select", "Show message", show=False),
    ]

    DEFAULT_CSS = """
    ActivityLog { overflow-x: hidden; }
    """

    follow: reactive[bool] = reactive(True)
    cursor: reactive[int | None] = reactive(None, always_update=True, repaint=False)

    class Selected(Message):
        """A row was chosen: show it in the detail view."""

        def __init__(self, log: ActivityLog, row: int) -> None:
            super().__init__()
            self.log = log
            self.row = row

    class FollowChanged(Message):
        def __init__(self, follow: bool) -> None:
            super().__init__()
            self.follow = follow

    def __init__(self, model: LogModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self._seen_version = -1
        self._seen_count = 0

    # -- model -> screen -------------------------------------------------------------------
    def sync(self) -> None:
        """Pick up new rows (called once per frame by the owner when the model changed)."""
        if self.model.version == self._seen_version:
            return
        self._seen_version = self.model.version
        count = self.model.visible_count
        if self.cursor is not None and self.cursor >= count:
            self.cursor = count - 1 if count else None
        self.virtual_size = Size(self.size.width, count)
        if self.follow:
            self.scroll_to(
                y=max(0, count - self.size.height), animate=False, immediate=True, force=True
            )
        self._seen_count = count
        self.refresh()

    def show_cursor(self) -> None:
        """Scroll the cursor's line into view (after the log was resized)."""
        if self.cursor is not None:
            self._move(self.cursor)

    def reset(self) -> None:
        """The model was cleared or refiltered: start over."""
        self.cursor = None
        self._seen_version = -1
        self.sync()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.model.visible_count)
        if self.follow:
            self.scroll_to(
                y=max(0, self.model.visible_count - event.size.height),
                animate=False,
                immediate=True,
            )

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        position = self.scroll_offset.y + y
        model = self.model
        if position >= model.visible_count or width <= 0:
            return Strip.blank(width, self.rich_style)
        row = model.row_at(position)
        direction = model.direction(row)
        clock = model.clock(row)
        if direction in (IN, OUT) and model.kind(row) in ("sent", "received"):
            size = f"{human_size(model.sizes[row]):>9} "
            text_style = None
        else:
            size = " " * 10
            text_style = _ERR_TEXT if _is_failure(model, row) else _SYS_TEXT
        head = f"{clock} "
        mark = model.marks.get(row)
        mark = f"[{mark}] " if mark else ""
        room = width - len(head) - 2 - len(size) - len(mark)
        payload = (
            (model.decode or model.encode)
            and log_line(model, row, max(0, room))
            or one_line(model.shown(row), max(0, room), model.is_binary(row))
        )
        segments = [
            Segment(head, _TIME),
            Segment(ARROW[direction] + " ", _ARROW_STYLE[direction]),
            Segment(size, _SIZE),
            Segment(mark, _MARK),
            Segment(payload, text_style),
        ]
        strip = Strip(segments).adjust_cell_length(width, self.rich_style)
        if self.cursor == position:
            strip = strip.apply_style(_CURSOR_FOCUS if self.has_focus else _CURSOR)
        return strip.apply_style(self.rich_style)

    # -- navigation ----------------------------------------------------------------------
    def _move(self, position: int) -> None:
        count = self.model.visible_count
        if not count:
            return
        position = max(0, min(count - 1, position))
        old = self.cursor
        self.cursor = position
        top = self.scroll_offset.y
        height = self.size.height
        if position < top:
            self.scroll_to(y=position, animate=False, immediate=True, force=True)
        elif position >= top + height:
            self.scroll_to(y=position - height + 1, animate=False, immediate=True, force=True)
        if old is not None:
            self.refresh_line(old)
        self.refresh_line(position)

    def _stop_following(self) -> None:
        if self.follow:
            self.follow = False

    def watch_follow(self, follow: bool) -> None:
        self.post_message(self.FollowChanged(follow))
        if follow:
            self.cursor = None
            self.scroll_to(
                y=max(0, self.model.visible_count - self.size.height), animate=False, immediate=True
            )
            self.refresh()

    def _start(self) -> int:
        if self.cursor is not None:
            return self.cursor
        return min(self.model.visible_count - 1, self.scroll_offset.y + self.size.height - 1)

    def action_cursor_up(self) -> None:
        self._stop_following()
        self._move(self._start() - (1 if self.cursor is not None else 0))

    def action_cursor_down(self) -> None:
        if self.cursor is None:
            return
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        self._stop_following()
        self._move(self._start() - max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        if self.cursor is None:
            self.scroll_page_down(animate=False)
            return
        self._move(self.cursor + max(1, self.size.height - 1))

    def action_first(self) -> None:
        self._stop_following()
        self._move(0)

    def action_follow(self) -> None:
        self.follow = True

    def action_select(self) -> None:
        if self.cursor is not None and self.cursor < self.model.visible_count:
            self.post_message(self.Selected(self, self.model.row_at(self.cursor)))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:  # then the scroll
        self._stop_following()

    def on_click(self, event: events.Click) -> None:
        position = self.scroll_offset.y + event.y
        if position < self.model.visible_count:
            self._stop_following()
            self._move(position)
            self.action_select()

    def on_focus(self) -> None:
        if self.cursor is not None:
            self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        if self.cursor is not None:
            self.refresh_line(self.cursor)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # scrolled by the scrollbar or the wheel: leave follow mode when not at the bottom
        if new < old and self.follow and new < self.max_scroll_y - 1:
            self.follow = False
