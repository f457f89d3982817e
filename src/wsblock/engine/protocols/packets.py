"""The packet codecs of ``python-engineio`` and ``python-socketio``, without their clients.

``from socketio import packet`` runs ``socketio/__init__.py`` first, which imports the
library's clients, servers and managers, and with them ``aiohttp`` and ``requests``:
about 220 ms, three times a whole ``wsblock connect``, for two small modules that need
only ``engineio.json`` (the standard ``json`` with a stricter ``loads``). Here those three
modules are imported from the installed packages, unchanged, and kept here only: the
packages' names stay free, so a later ``import socketio`` (a user of the pytest plugin
may have one) runs its ``__init__`` and gets its own modules, as if these did not exist.

::

    from wsblock.engine.protocols.packets import eio, sio
    sio.Packet(encoded_packet='20["add",{"a":2}]').id   # 0: an event asking ack 0
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any

__all__ = ["eio", "message_packet", "sio"]


def _leaves(*names: str) -> list[ModuleType]:
    """Each ``package.leaf`` of ``names``, imported without running ``package/__init__``
    (unless the package is imported already: then as usual); nothing of it is left in
    ``sys.modules``. The leaves may import each other's packages' leaves."""
    shells: dict[str, ModuleType] = {}
    for package in dict.fromkeys(name.partition(".")[0] for name in names):
        if package in sys.modules:  # imported whole already: its own way
            continue
        spec = importlib.util.find_spec(package)  # finds it, runs nothing
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError(f"{package} is not installed", name=package)
        shell = ModuleType(package)
        shell.__path__ = list(spec.submodule_search_locations)
        shells[package] = sys.modules[package] = shell
    before = set(sys.modules)
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        # none of it stays under the packages' names: a later `import socketio` gets the
        # whole package, its own modules, as if these had never been imported
        for name in set(sys.modules) - before:
            if name.partition(".")[0] in shells:
                del sys.modules[name]
        for package, shell in shells.items():
            if sys.modules.get(package) is shell:
                del sys.modules[package]


# socketio.packet and engineio.packet import engineio.json, the one module they need
eio, sio = _leaves("engineio.packet", "socketio.packet")


def message_packet(frame: str | bytes) -> Any:
    """The Socket.IO packet an Engine.IO message frame (``4…``: ``42["tick",{}]``)
    carries, decoded; None for any other frame, or one that does not decode."""
    if not isinstance(frame, str) or not frame.startswith("4"):
        return None
    try:
        return sio.Packet(encoded_packet=frame[1:])
    except (ValueError, TypeError, IndexError):
        return None
