"""Keys typed while the editor rebuilds itself are held, then given to the new focus.

A structural edit (a block inserted, moved, copied or deleted, a row or an item added,
moved or deleted, undo...) replaces widgets: the ones shown are removed and new ones
mounted, which takes a few frames. Keys keep coming meanwhile (a fast typist, a paste of
keystrokes, ``tmux send-keys``). Left alone, they would reach the old widgets, which
would write them into the document at positions that are no longer right, or be
dropped by widgets that are closing. So, from the moment of the edit:

* the part asking for it (:meth:`EditorPart.ask`) starts the hold at once, in order
  with the keys, and posts an :class:`Ask` to the editor, which makes the edit;
* the focus goes to a :class:`KeyHold`, a widget of no size that keeps every key and
  paste the app forwards to it;
* the focused field first takes the keys typed *before* the edit (the edit waits for
  it) and writes its value to the document; keys typed *after* the edit that already
  reached it are kept too (:meth:`EditorPart.hand_over`), before the held ones (which
  keys to hold, and their order, is :class:`.hold.KeyHolder`'s, a plain class: no
  clock, keys reach a widget in the order they were typed);
* the replaced widgets are marked :attr:`EditorPart.stale`: their late change messages
  are not heard (:meth:`EditorPart.heard`; their value was written already);
* once the new widgets are mounted, the new field is focused and the kept keys are
  sent again as new key presses, one at a time: each goes all the way (the app's
  priority bindings, the field, the other bindings once it bubbled up) before the
  next is sent, as when typed by hand (Textual lets the characters of a burst overtake
  a Backspace or an arrow, which are bindings). Keys typed meanwhile are kept behind
  them. A key sent again may make another edit (a second Alt+Shift+↑, Ctrl+N, Ctrl+Z):
  the rest wait for it.

Tab, Shift+Tab and Enter (to the next cell) move the focus the same way (a
:class:`MoveFocus` ask), so the keys typed after them reach the next field.

Only public Textual API: a subclass's ``on_key`` / ``on_paste`` runs before the base
widget's own handler, and ``prevent_default()`` stops the latter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import TextArea

from .hold import KeyHolder
from .slash import SlashItem


@dataclass
class Refresh:
    """What a structural edit changed, and where the cursor goes afterwards.

    ``focus`` is an edit key (None: back to the field the cursor was in, with its
    cursor), or ``widget`` the widget to focus; ``part`` is the widget to recompose
    (None: the whole page); ``rebuild`` False: nothing to rebuild (a focus move).
    """

    focus: tuple | None = None
    cursor: object = None
    end: bool = False
    part: Widget | None = None
    widget: Widget | None = None
    rebuild: bool = True


#: ``change(here)`` makes the edit (``here``: the focused field's edit key and cursor, as
#: (key, cursor)) and says what to refresh; None when nothing changed.
Change = Callable[[tuple], "Refresh | None"]


# -- what the parts ask of the editor ----------------------------------------------------
class Ask(Message):
    """A structural edit asked for by a part of the editor, posted to the editor.

    ``origin``: set by :meth:`EditorPart.ask`, the field a hold started from (None: no
    new hold), ``started``: the hold started with this edit."""

    origin: Widget | None = None
    started = False


class MoveFocus(Ask):
    """To the next (previous) field, as Tab does, in order with the keys around."""

    def __init__(self, backward: bool = False) -> None:
        super().__init__()
        self.backward = backward


class MoveBlock(Ask):
    def __init__(self, index: int, new_index: int) -> None:
        super().__init__()
        self.index = index
        self.new_index = new_index


class DuplicateBlock(Ask):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class DeleteBlock(Ask):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class EditPart(Ask):
    """An edit inside one block (rows, items, the auth type): ``change()`` edits the
    session and returns the edit key to focus (None: nothing changed); ``part`` is
    recomposed."""

    def __init__(self, part: Widget, change: Callable[[], tuple | None]) -> None:
        super().__init__()
        self.part = part
        self.change = change


class ApplySlash(Ask):
    """Turn line ``row`` of ``prose`` (a ``/…`` line) into ``item`` (a slash menu item)."""

    def __init__(self, prose: Widget, item: SlashItem, row: int) -> None:
        super().__init__()
        self.prose = prose
        self.item = item
        self.row = row


class RunBlock(Message):
    """Run the request block ``index`` (its ▶ Run, Enter in its URL)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class EditorPart:
    """Mixed into the editor's widgets: the fields and the containers that handle them.

    ``stale``: replaced by a rebuild under way. Its change messages (and those of its
    children reaching it) are not heard. The focused field gives the keys typed after a
    structural edit to the editor's :class:`~.hold.KeyHolder` instead of taking them.
    A part asks for a structural edit with :meth:`ask` (a message to the editor).
    """

    stale = False

    def _editor_and_keys(self) -> tuple[Widget, KeyHolder] | None:
        """The editor this part is in (the first ancestor with a KeyHolder), and it."""
        for node in self.ancestors:  # type: ignore[attr-defined]
            keys = getattr(node, "keys", None)
            if isinstance(keys, KeyHolder):
                return node, keys
        return None

    def ask(self, message: Ask | RunBlock, *, by_key: bool = False) -> None:
        """Ask the editor for ``message``'s edit. ``by_key``: while this part handles the
        key that asks for it (Enter, Tab...), so the keys it has yet to handle were typed
        after. The hold starts now, in order with the keys (the editor makes the edit
        when it reads the message): from a binding or a click, the focused field first
        takes the keys already on their way to it (they were typed before), then keeps
        the rest."""
        found = self._editor_and_keys()
        if found is None:
            return
        editor, keys = found
        if isinstance(message, Ask):
            focused = self.screen.focused  # type: ignore[attr-defined]
            inside = focused is not None and (focused is editor or editor in focused.ancestors)
            was_holding = keys.holding
            origin = keys.begin(focused if inside else None, by_key=by_key)
            if origin is not None and not by_key:
                # after the keys queued at the field now (typed before), before the others
                origin.call_later(keys.asked_from, origin, by_key=True)
            message.origin = origin
            message.started = keys.holding and not was_holding
        # to the editor itself, not bubbling: a part being replaced would lose it
        editor.post_message(message)

    def hand_over(self, event: events.Key | events.Paste) -> bool:
        """Leave ``event`` to be held if it was typed after the edit under way."""
        found = self._editor_and_keys()
        if found is not None and found[1].take(self, event, focused=self.screen.focused):  # type: ignore[attr-defined]
            event.prevent_default()
            event.stop()
            return True
        return False

    def structural_ok(self) -> bool:
        """May a structural binding act now? Not while keys are held (and not being sent
        again): the key then waits its turn with the others."""
        found = self._editor_and_keys()
        return found is None or not found[1].holding or found[1].replaying

    def heard(self, message: Message) -> bool:
        """Is a change message to be heard? Not when this widget or the one it comes from
        was replaced by a rebuild: its value was written to the document before the edit."""
        control = getattr(message, "control", None)
        return not (self.stale or getattr(control, "stale", False))

    # Textual calls a subclass's ``on_key`` / ``on_paste`` before the base widget's own
    # handler; ``prevent_default()`` (in hand_over, or a handled key) stops the latter.
    async def on_key(self, event: events.Key) -> None:
        if not self.hand_over(event):
            self.key_pressed(event)

    async def on_paste(self, event: events.Paste) -> None:
        self.hand_over(event)

    def key_pressed(self, event: events.Key) -> None:
        """A key for this widget (not one to hold): Tab moves on by default."""
        self.tab_moves(event)

    def tab_moves(self, event: events.Key) -> bool:
        """Tab / Shift+Tab: to the next / previous field, after the keys before it and
        before the keys after it (as a binding, it would come after both)."""
        if event.key not in ("tab", "shift+tab"):
            return False
        if isinstance(self, TextArea) and self.tab_behavior == "indent":
            return False
        if self._editor_and_keys() is None or not getattr(self, "has_focus", False):
            return False
        event.prevent_default()
        event.stop()
        self.ask(MoveFocus(backward=event.key == "shift+tab"), by_key=True)
        return True


class KeyHold(Widget):
    """Has the focus while the editor rebuilds: keeps the keys and pastes sent to it."""

    DEFAULT_CSS = "KeyHold { width: 0; height: 0; }"
    can_focus = False  # only while holding (not in the Tab order otherwise)

    class Unused(Message):
        """It got the focus with no hold under way (F6 back to it, long after)."""

    def __init__(self, keys: KeyHolder) -> None:
        super().__init__()
        self.keys = keys

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.Key | events.Paste) and self.keys.holding:
            self.keys.keep(message)
            return True
        return super().post_message(message)

    def on_focus(self) -> None:
        if not self.keys.holding:
            self.post_message(self.Unused())
