"""The requests a load test plays, resolved for each virtual user.

Resolution is :mod:`wsblock.conversation.workspace`'s, as for ``wsblock run``; each user resolves
again with its own variables (``{{load.user}}``: its number, ``{{load.worker}}``: the
worker's), so values generated at resolution (Voiden's ``{{$faker...}}``) differ
between users.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from wsblock.conversation.request import Expect, Request
from wsblock.conversation.resolve import ResolveError, resolve_request
from wsblock.conversation.workspace import BadInput, EnvChoice, Workspace
from wsblock.document.requests import RequestSpec
from wsblock.variables.sources import VariableError

__all__ = ["Plan", "entry_names"]


@dataclass
class Plan:
    workspace: Workspace
    specs: list[RequestSpec]

    @classmethod
    def open(cls, file: str | Path, env: EnvChoice, which: str | None) -> Plan:
        ws = Workspace.open(Path(file), env)
        specs = [s for s in ws.select(which) if s.kind == "wss"]
        if not specs:
            raise BadInput(f"{file}: no WebSocket request to load-test")
        return cls(ws, specs)

    def resolve(self, user: int = 1, worker: int = 0) -> list[Request]:
        """Every request with *user*'s own variables; :class:`BadInput` names what is wrong."""
        base = self.workspace.variables()
        mine = copy.copy(base)
        mine.values = dict(base.values)
        mine.sources = dict(base.sources)
        mine.update({"load.user": str(user), "load.worker": str(worker)}, "wsblock load")
        out = []
        for spec in self.specs:
            try:
                out.append(resolve_request(self.workspace.linked(spec), mine, self.workspace.root))
            except (ResolveError, VariableError) as e:
                raise BadInput(str(e)) from None
        return out

    def prefixes(self, requests: list[Request]) -> list[str]:
        """Entry-name prefixes: none for one request, ``NAME › `` for several."""
        return [""] if len(requests) == 1 else [f"{r.name} › " for r in requests]


def entry_names(requests: list[Request], prefixes: list[str]) -> set[str]:
    """Every name a ``--fail-if`` may use: ``connect``, ``conversation``, each expect."""
    names: set[str] = set()
    for r, p in zip(requests, prefixes, strict=True):
        names |= {f"{p}connect", f"{p}conversation"}
        names |= {f"{p}{s.name}" for s in r.steps if isinstance(s, Expect)}
    return names
