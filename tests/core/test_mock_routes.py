"""Which recorded conversation a mock's connection plays (servers/routes.py): the
client's path picks it, the query breaks ties, entries on one path take turns."""

from __future__ import annotations

import pytest

from wsblock.conversation.compare import Msg
from wsblock.servers.mock import Script
from wsblock.servers.routes import Route, Routes


def _script(text: str) -> Script:
    return Script([Msg("text", text)])


def test_one_script_plays_on_every_path() -> None:
    routes = Routes([Route(_script("a"), "/socket")])
    assert not routes.by_path
    assert routes.pick("/anything?x=1") is routes.routes[0]


def test_the_path_picks_and_an_unknown_path_picks_nothing() -> None:
    a, b = Route(_script("a"), "/socket", name="entry 1"), Route(_script("b"), "/feed")
    routes = Routes([a, b])
    assert routes.pick("/feed?symbol=BTC") is b
    assert routes.pick("/socket") is a
    assert routes.pick("/") is None and routes.pick("/sockets") is None
    assert routes.paths == ["/socket", "/feed"]


def test_the_query_breaks_ties_then_entries_take_turns() -> None:
    lobby = Route(_script("1"), "/socket", "room=lobby&token=t")
    news = Route(_script("2"), "/socket", "room=news")
    again = Route(_script("3"), "/socket", "room=lobby&token=t")
    routes = Routes([lobby, news, again])
    assert routes.pick("/socket?room=news") is news
    assert routes.pick("/socket?token=t&room=lobby") is lobby  # any order
    assert routes.pick("/socket?room=lobby&token=t") is again
    assert routes.pick("/socket?room=lobby&token=t") is lobby  # round again
    # a query no entry has: each entry on the path in turn
    assert [routes.pick("/socket?room=x") for _ in range(4)] == [lobby, news, again, lobby]


def test_no_script_is_an_error() -> None:
    with pytest.raises(ValueError):
        Routes([])
