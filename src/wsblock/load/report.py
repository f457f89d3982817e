"""What a load test tells: the summary table, the ``load-summary`` event, JUnit cases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, TextIO

from wsblock.load.thresholds import Threshold

__all__ = ["judge_thresholds", "print_table", "write_junit"]


def judge_thresholds(thresholds: list[Threshold], summary: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for t in thresholds:
        failed, actual = t.check(summary)
        out.append(
            {
                "expression": t.text,
                "failed": failed,
                "actual": actual,
                "reason": None if actual is not None else "nothing was measured",
            }
        )
    return out


def _ms(v: Any) -> str:
    return "-" if v is None else f"{v:.2f}"


def print_table(summary: dict[str, Any], out: TextIO) -> None:
    rows = [("name", "count", "fail", "p50 ms", "p95 ms", "p99 ms", "max ms", "per s")]
    for r in summary["requests"]:
        rows.append(
            (
                r["name"],
                str(r["count"]),
                str(r["failures"]),
                _ms(r["p50_ms"]),
                _ms(r["p95_ms"]),
                _ms(r["p99_ms"]),
                _ms(r["max_ms"]),
                f"{r['rps']:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.write("  ".join(cells) + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    m, c = summary["messages"], summary["connections"]
    out.write(
        f"\nmessages: {m['out']} out ({m['out_per_s']:.1f}/s), {m['in']} in ({m['in_per_s']:.1f}/s)"
        f"; connections: {c['peak']} at most open; {summary['users']} users, "
        f"{summary['duration_s']:.1f} s"
        + (f", {summary['workers']} workers" if summary.get("workers") else "")
        + "\n"
    )
    errors = summary["errors"]
    if errors:
        out.write(
            "errors: "
            + ", ".join(f"{k} × {v}" for k, v in sorted(errors.items(), key=lambda kv: -kv[1]))
            + "\n"
        )
    else:
        out.write("errors: none\n")
    unchecked = summary.get("assertions_not_checked") or {}
    if unchecked:
        out.write(
            "assertions not checked (the conversation failed first): "
            + ", ".join(f"{k} × {v}" for k, v in sorted(unchecked.items(), key=lambda kv: -kv[1]))
            + "\n"
        )
    if backoffs := c.get("backoffs"):
        out.write(
            f"backed off {backoffs} times: every connection was refused, "
            "users waited before connecting again\n"
        )
    for t in summary.get("thresholds", []):
        actual = t["reason"] if t["actual"] is None else f"actual {t['actual']:g}"
        mark = "✘ threshold crossed" if t["failed"] else "✔ threshold not crossed"
        out.write(f"{mark}: {t['expression']} ({actual})\n")


def write_junit(path: Path, summary: dict[str, Any]) -> None:
    """One test case per threshold (a case 'load' when there are none)."""
    thresholds = summary.get("thresholds", [])
    root = ET.Element("testsuites", name="wsblock load")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=str(summary.get("file", "wsblock load")),
        tests=str(max(len(thresholds), 1)),
        failures=str(sum(t["failed"] for t in thresholds)),
        time=f"{summary['duration_s']:.3f}",
    )
    for t in thresholds:
        case = ET.SubElement(suite, "testcase", classname="wsblock.load", name=t["expression"])
        actual = t["reason"] if t["actual"] is None else f"actual {t['actual']:g}"
        if t["failed"]:
            ET.SubElement(case, "failure", message=f"{t['expression']} ({actual})")
        ET.SubElement(case, "system-out").text = actual
    if not thresholds:
        case = ET.SubElement(suite, "testcase", classname="wsblock.load", name="load")
        ET.SubElement(case, "system-out").text = "no --fail-if threshold"
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
