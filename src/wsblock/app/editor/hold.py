"""KeyHolder: which keys to hold while the editor rebuilds, and in what order to give them
back. Plain Python (no widget, no app): the editor asks it, and tests drive it directly.

The editor's side (:mod:`.keys`, :class:`~.editor.DocumentEditor`) moves the focus and
sends the keys again; this class only decides. Its rules:

* Nothing is held unless a hold was started (:meth:`start`).
* The field the edit was asked from (the *origin*) keeps the keys that reach it after
  the edit only when the edit was asked for by a key it was handling (Enter, Tab...):
  keys come to a widget in the order they were typed, so those are the keys typed
  after it. An edit asked for by a binding or a click leaves the keys already queued
  at the origin to it: they were typed before (the focus left it at once).
* Keys sent to the key hold (the focus while the page is rebuilt) are kept after the
  origin's.
* While the held keys are sent again, the one on its way (:attr:`in_flight`) is never
  held; any other reaching the field they are sent to was typed meanwhile and waits
  behind the rest.
* :meth:`next` gives the oldest kept key first: a key on its way when the focus moved
  to the key hold is first again.
"""

from __future__ import annotations

from typing import Any

from textual import events

#: a kept key: ("key", key, character) or ("paste", text, None)
Kept = tuple[str, str, "str | None"]


def kept(event: events.Key | events.Paste) -> Kept:
    """What is kept of a key or a paste (to send it again as a new event)."""
    if isinstance(event, events.Paste):
        return ("paste", event.text, None)
    return ("key", event.key, event.character)


def replayed(item: Kept) -> events.Key | events.Paste:
    """A new event for a kept key or paste."""
    kind, value, character = item
    if kind == "paste":
        return events.Paste(value)
    return events.Key(value, character)


class KeyHolder:
    """The keys held during a structural edit, and the rules that say which.

    ``widget`` arguments are opaque here (compared by identity): the field the edit was
    asked from, the focused field.
    """

    def __init__(self) -> None:
        self.holding = False  # from an edit until the held keys were sent again
        self.replaying = False  # the held keys are being sent again
        self.origin: Any = None  # the field the edit was asked from
        self.origin_keeps = False  # the keys reaching the origin came after the edit
        self.in_flight: object | None = None  # the event sent again, on its way
        self.pending = 0  # edits asked for and not done yet
        self.spot: Any = None  # the widget that has the focus during a hold (the KeyHold)
        self._backlog: list[Kept] = []  # to send, the oldest first
        self._early: list[Kept] = []  # came to the origin after the edit
        self._held: list[Kept] = []  # came to the key hold (or during the replay)

    # -- a hold --------------------------------------------------------------------------
    def begin(self, focused: Any, *, by_key: bool) -> Any:
        """A structural edit is asked for (count it in :attr:`pending`); ``focused``: the
        focused widget if it is in the editor, else None. Returns the edit's origin when
        it has one: a hold starts there (or, asked for by a key sent again, moves there)
        and the focus is to go to the key hold. ``by_key``: see :meth:`asked_from`."""
        origin = None
        if not self.holding:
            if focused is not None:
                self.start()
                origin = focused
                self.asked_from(origin, by_key=by_key)
        elif not self.pending and focused is not None and focused is not self.spot:
            # asked for by a key sent again: from the field it was sent to; whatever
            # reaches that field now was typed after the keys held
            origin = focused
            self.asked_from(origin, by_key=True)
        self.pending += 1
        return origin

    def done(self) -> None:
        """An edit asked for is done (or given up)."""
        self.pending = max(0, self.pending - 1)

    def start(self) -> None:
        """Hold from now (a structural edit was asked for)."""
        self.holding = True
        self.origin = None
        self.origin_keeps = False
        self.in_flight = None
        self._backlog, self._early, self._held = [], [], []

    def asked_from(self, origin: Any, *, by_key: bool) -> None:
        """The edit was asked from ``origin``; ``by_key``: while it handled a key, so the
        keys reaching it from now on were typed after (and are kept). During a hold under
        way (a key sent again asked for another edit), that is always so."""
        self.origin = origin
        self.origin_keeps = by_key

    def end(self) -> None:
        """The hold is over (the held keys were sent, or it was given up)."""
        self.holding = False
        self.origin = None
        self.origin_keeps = False
        self.in_flight = None

    # -- keys coming in ------------------------------------------------------------------
    def take(self, widget: Any, event: events.Key | events.Paste, *, focused: Any) -> bool:
        """Should ``widget`` (a field) leave ``event`` to be held? True: it is kept."""
        if not self.holding or event is self.in_flight:
            return False
        if self.replaying and widget is focused:
            self._held.append(kept(event))
            return True
        if self.origin_keeps and widget is self.origin:
            self._early.append(kept(event))
            return True
        return False

    def keep(self, event: events.Key | events.Paste) -> None:
        """A key or paste that came to the key hold (it has the focus during a rebuild)."""
        if event is self.in_flight:  # on its way when the focus moved: first again
            self._backlog.insert(0, kept(event))
        else:
            self._held.append(kept(event))

    # -- keys going out ------------------------------------------------------------------
    @property
    def has_keys(self) -> bool:
        return bool(self._backlog or self._early or self._held)

    def next(self) -> Kept | None:
        """The oldest key kept (None: none left)."""
        self._gather()
        return self._backlog.pop(0) if self._backlog else None

    def rest(self) -> list[Kept]:
        """Every key kept, the oldest first; none is kept any more."""
        self._gather()
        rest, self._backlog = self._backlog, []
        return rest

    def _gather(self) -> None:
        self._backlog += self._early + self._held
        self._early, self._held = [], []
