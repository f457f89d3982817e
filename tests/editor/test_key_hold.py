"""KeyHolder on its own (no app, no widget): which keys a structural edit holds, and the
order they are given back in. The app-driven bursts in test_editor_burst.py are the same
rules seen from the keyboard."""

from __future__ import annotations

from textual import events

from wsblock.app.editor.hold import KeyHolder, kept, replayed

ORIGIN, OTHER, NEW = object(), object(), object()  # widgets, compared by identity


def key(k: str) -> events.Key:
    return events.Key(k, k if len(k) == 1 else None)


def drain(holder: KeyHolder) -> list[str]:
    out = []
    while (item := holder.next()) is not None:
        out.append(item[1])
    return out


def test_nothing_is_held_without_a_hold():
    h = KeyHolder()
    assert not h.take(ORIGIN, key("a"), focused=ORIGIN)
    assert not h.has_keys and h.next() is None


def test_an_edit_by_a_binding_leaves_the_queued_keys_to_the_origin():
    """Alt+Shift+↑ acts at once: keys still queued at the field were typed before it."""
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=False)
    assert not h.take(ORIGIN, key("a"), focused=NEW)
    h.keep(key("b"))  # after: the key hold had the focus
    assert drain(h) == ["b"]


def test_an_edit_by_a_key_holds_what_reaches_the_origin_after_it():
    """Enter in a cell: the keys behind it in the cell's queue came after it, and go
    before the ones the key hold got (typed later still)."""
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=True)
    h.keep(key("c"))
    assert h.take(ORIGIN, key("a"), focused=None)
    assert h.take(ORIGIN, key("b"), focused=None)
    assert not h.take(OTHER, key("x"), focused=None)  # not the origin: not held
    assert drain(h) == ["a", "b", "c"]


def test_the_key_sent_again_is_not_held_but_keys_typed_meanwhile_are():
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=False)
    for k in "abc":
        h.keep(key(k))
    h.replaying = True
    first = h.next()
    assert first == ("key", "a", "a")
    event = h.in_flight = replayed(first)
    assert not h.take(NEW, event, focused=NEW)  # on its way: the field takes it
    assert h.take(NEW, key("z"), focused=NEW)  # typed meanwhile: behind the rest
    assert not h.take(OTHER, key("y"), focused=NEW)  # not the focused field
    h.in_flight = None
    assert drain(h) == ["b", "c", "z"]


def test_a_key_on_its_way_when_the_focus_moved_is_first_again():
    """A key sent again made another edit (a second Ctrl+N): it reached the key hold,
    not the field; it goes back first."""
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=False)
    for k in ("ctrl+n", "B"):
        h.keep(key(k))
    h.replaying = True
    event = h.in_flight = replayed(h.next())
    h.keep(event)
    assert drain(h) == ["ctrl+n", "B"]


def test_an_edit_made_by_a_key_sent_again_holds_what_follows_at_its_origin():
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=True)
    h.keep(key("x"))
    h.replaying = True
    sent = h.in_flight = replayed(h.next())
    h.asked_from(NEW, by_key=True)  # "x" made an edit from the new field
    assert not h.take(NEW, sent, focused=None)
    assert h.take(NEW, key("y"), focused=None)
    assert drain(h) == ["y"]


def test_rest_gives_every_key_in_order_and_end_stops_holding():
    h = KeyHolder()
    h.start()
    h.asked_from(ORIGIN, by_key=True)
    h.keep(key("c"))
    h.take(ORIGIN, key("a"), focused=None)
    assert [i[1] for i in h.rest()] == ["a", "c"]
    assert not h.has_keys
    h.end()
    assert not h.holding and h.origin is None
    assert not h.take(ORIGIN, key("d"), focused=ORIGIN)


def test_a_new_hold_forgets_the_last_one():
    h = KeyHolder()
    h.start()
    h.keep(key("a"))
    h.end()
    h.start()
    assert not h.has_keys


def test_pastes_are_kept_and_sent_again_as_pastes():
    h = KeyHolder()
    h.start()
    h.keep(events.Paste("echo.example/ws"))
    item = h.next()
    assert item == kept(events.Paste("echo.example/ws"))
    again = replayed(item)
    assert isinstance(again, events.Paste) and again.text == "echo.example/ws"


def test_begin_starts_a_hold_from_the_focused_field_and_counts_the_edits():
    h = KeyHolder()
    h.spot = SPOT = object()
    assert h.begin(ORIGIN, by_key=True) is ORIGIN  # a hold starts there
    assert h.holding and h.pending == 1 and h.origin_keeps
    assert h.begin(ORIGIN, by_key=False) is None  # a second edit: behind the first
    assert h.pending == 2 and h.origin_keeps
    h.done()
    h.done()
    assert h.pending == 0
    # a key sent again asks for another edit: the hold moves to the field it went to
    h.replaying = True
    assert h.begin(NEW, by_key=False) is NEW
    assert h.origin is NEW and h.origin_keeps
    h.done()
    assert h.begin(SPOT, by_key=False) is None  # from the key hold: no new origin
    h.done()


def test_begin_with_the_focus_outside_the_editor_holds_nothing():
    h = KeyHolder()
    assert h.begin(None, by_key=False) is None
    assert not h.holding and h.pending == 1
    assert not h.take(ORIGIN, key("a"), focused=ORIGIN)
    h.done()
    assert h.pending == 0
