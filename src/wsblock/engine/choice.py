"""Which transport a connection uses: ``websockets`` or ``picows``.

``WSBLOCK_TRANSPORT=websockets|picows`` (the ``--transport`` of the front ends sets
it) forces one. Otherwise (``auto``) a connection goes on picows, the faster one,
unless it needs what only ``websockets`` does:

* ``compression`` on (permessage-deflate): picows has no compression extension;
* a proxy taken from the environment (``proxy auto`` with ``*_proxy`` set).

Forcing picows for a request that asks for compression connects without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `wsblock check` describes the choice without ssl (params imports it)
    from .params import ConnectParams
    from .transport import Transport

NAMES = ("websockets", "picows")
ENV = "WSBLOCK_TRANSPORT"


def forced() -> str | None:
    """The transport forced by ``WSBLOCK_TRANSPORT``, or None for ``auto``."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in NAMES:
        raise ValueError(f"{ENV}={value!r}: use websockets, picows or auto")
    return value


def choose(params: ConnectParams) -> tuple[str, str]:
    """``(name, why)``: the transport for ``params`` and the reason, in plain words."""
    return _choose(params.compression, params.proxy)


def _choose(compression: bool, proxy: str | None) -> tuple[str, str]:
    """:func:`choose` on the two options it reads (no ConnectParams: no ssl import)."""
    name = forced()
    if name is not None:
        return name, f"forced by {ENV}={name}"
    if compression:
        return "websockets", "compression (permessage-deflate) is on; picows has none"
    if proxy == "auto" and _env_proxy():
        return "websockets", "a proxy from the environment"
    return "picows", "the faster transport; no compression or environment proxy asked"


def factory(name: str) -> Callable[[], Transport]:
    """The transport class called ``name``."""
    if name == "picows":
        from .picows_transport import PicowsTransport

        return PicowsTransport
    from .websockets_transport import WebsocketsTransport

    return WebsocketsTransport


def _env_proxy() -> bool:
    return any(
        os.environ.get(k)
        for k in (
            "https_proxy",
            "HTTPS_PROXY",
            "http_proxy",
            "HTTP_PROXY",
            "all_proxy",
            "ALL_PROXY",
        )
    )


def describe_choice(compression: bool, proxy: str | None) -> str:
    """``transport: NAME (why)`` for ``wsblock check``, from a request's options."""
    try:
        name, why = _choose(compression, proxy)
    except ValueError as e:
        return f"transport: ✖ {e}"
    return f"transport: {name} ({why})"
