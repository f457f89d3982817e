"""gevent's resolver for ``wsblock load``: an address given as numbers is read in place.

gevent resolves every name in a native thread (its ``thread`` resolver), so that a slow
DNS answer never blocks the other users; a load test against ``ws://127.0.0.1:PORT``
paid that hand-over (a thread woken, a lock, a switch back) on every connection for an
answer that needs no lookup at all. :class:`NumericFirst` asks the system with
``AI_NUMERICHOST`` first, which answers at once for an IPv4 or IPv6 address and fails at
once (no lookup) for a name; a name then goes to the thread as before, so what is
resolved, and every error, is the system's own either way.
"""

from __future__ import annotations

import _socket
from typing import Any

import gevent
from gevent.resolver.thread import Resolver as ThreadResolver

__all__ = ["NumericFirst", "install"]


class NumericFirst(ThreadResolver):
    """gevent's thread resolver, but an address given as numbers is read in place."""

    def getaddrinfo(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> Any:
        try:
            return _socket.getaddrinfo(
                host, port, family, type, proto, flags | _socket.AI_NUMERICHOST
            )
        except _socket.gaierror:  # a name (or anything else): the system's answer, in a thread
            return super().getaddrinfo(host, port, family, type, proto, flags)


def install() -> None:
    """This thread's hub resolves with :class:`NumericFirst`."""
    hub = gevent.get_hub()
    hub.resolver = NumericFirst(hub=hub)
