"""``--fail-if`` expressions: ``p99(echoed hello) > 200ms``, ``errors > 0``, ``rps < 100``.

Grammar: ``METRIC[(NAME)] OP NUMBER[UNIT]``.

* METRIC: ``p50`` ``p90`` ``p95`` ``p99`` ``max`` ``avg`` (ms), ``rps`` (per second),
  ``count``, ``failures`` -- of the entry NAME (an expectation's name, ``connect`` or
  ``conversation``; without NAME: ``conversation``); ``errors`` (failed conversations;
  ``errors(KIND)``: of one kind, e.g. ``errors(refused)``); ``in_rate`` / ``out_rate``
  (messages per second); ``connections`` (peak of open connections).
* OP: ``>`` ``>=`` ``<`` ``<=`` ``==`` ``!=``; UNIT, for times: ``ms`` (the default),
  ``us`` or ``µs``, ``s``. Times are measured to the microsecond
  (:mod:`wsblock.load.latency`): ``p99(echoed) > 0.25ms`` and ``> 250us`` are the same.

A threshold *holds* when the run is bad: ``--fail-if`` names what must not happen.
:func:`parse` raises :class:`ThresholdError` for anything it cannot read (exit 2).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Threshold", "ThresholdError", "parse"]

TIMES = ("p50", "p90", "p95", "p99", "max", "avg")
PER_ENTRY = (*TIMES, "rps", "count", "failures")
GLOBAL = ("errors", "in_rate", "out_rate", "connections")

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
_EXPR = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?P<name>[^()]*?)\s*\))?\s*"
    r"(?P<op>>=|<=|==|!=|>|<)\s*(?P<number>-?\d+(?:\.\d+)?)\s*(?P<unit>ms|us|µs|μs|s)?\s*$"
)


_UNIT_MS = {"ms": 1.0, "us": 0.001, "µs": 0.001, "μs": 0.001, "s": 1000.0}  # µ: micro sign, μ: mu


class ThresholdError(ValueError):
    """A ``--fail-if`` expression that cannot be read."""


@dataclass(frozen=True)
class Threshold:
    text: str
    metric: str
    name: str | None
    op: str
    value: float  # ms for times

    def actual(self, summary: dict[str, Any]) -> float | None:
        """The measured value in *summary* (a ``load-summary`` event); None: nothing measured."""
        if self.metric == "errors":
            errors = summary.get("errors", {})
            return float(errors.get(self.name, 0) if self.name else sum(errors.values()))
        if self.metric in ("in_rate", "out_rate"):
            return float(
                summary["messages"]["in_per_s" if self.metric == "in_rate" else "out_per_s"]
            )
        if self.metric == "connections":
            return float(summary["connections"]["peak"])
        wanted = self.name or "conversation"
        entry = next((r for r in summary["requests"] if r["name"] == wanted), None)
        if entry is None:
            return None
        key = {"rps": "rps", "count": "count", "failures": "failures"}.get(
            self.metric, f"{self.metric}_ms"
        )
        value = entry.get(key)
        return None if value is None else float(value)

    def check(self, summary: dict[str, Any]) -> tuple[bool, float | None]:
        """(failed, actual): failed when the bad condition holds, or nothing was measured."""
        actual = self.actual(summary)
        if actual is None:
            return True, None
        return _OPS[self.op](actual, self.value), actual


def parse(text: str, names: set[str] | None = None) -> Threshold:
    """Read one expression; *names*: the entries that exist (an unknown one is an error)."""
    m = _EXPR.match(text)
    if not m:
        raise ThresholdError(
            f"--fail-if {text!r}: expected METRIC[(NAME)] OP NUMBER, "
            "e.g. 'p99(echoed hello) > 200ms', 'errors > 0', 'rps < 100'"
        )
    metric, name, op = m["metric"].lower(), m["name"], m["op"]
    value, unit = float(m["number"]), m["unit"]
    if metric not in PER_ENTRY + GLOBAL:
        raise ThresholdError(
            f"--fail-if {text!r}: unknown metric {m['metric']!r} "
            f"(known: {', '.join(PER_ENTRY + GLOBAL)})"
        )
    if unit and metric not in TIMES:
        raise ThresholdError(f"--fail-if {text!r}: {metric} is not a time, it takes no unit")
    value *= _UNIT_MS[unit or "ms"]
    if name is not None and not name:
        raise ThresholdError(f"--fail-if {text!r}: empty name in parentheses")
    if name is not None and metric in ("in_rate", "out_rate", "connections"):
        raise ThresholdError(f"--fail-if {text!r}: {metric} takes no name")
    if name is not None and metric in PER_ENTRY and names is not None and name not in names:
        raise ThresholdError(
            f"--fail-if {text!r}: no step named {name!r} (known: {', '.join(sorted(names))})"
        )
    return Threshold(text.strip(), metric, name, op, value)
