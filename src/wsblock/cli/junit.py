"""A JUnit XML report of a run: one test suite per file, one test case per request."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from wsblock.runner import RequestResult


def write_junit(path: Path, results: list[RequestResult]) -> None:
    by_file: dict[str, list[RequestResult]] = defaultdict(list)
    for r in results:
        by_file[str(r.file) if r.file else "wsblock"].append(r)
    root = ET.Element("testsuites", name="wsblock")
    for file, rs in by_file.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(rs)),
            failures=str(sum(r.status == "failed" for r in rs)),
            skipped=str(sum(r.status == "skipped" for r in rs)),
            time=f"{sum(r.duration for r in rs):.3f}",
        )
        for r in rs:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=Path(file).stem,
                name=f"{r.index} {r.name}",
                time=f"{r.duration:.3f}",
            )
            if r.status == "skipped":
                ET.SubElement(case, "skipped", message=r.reason)
            elif r.status == "failed":
                fail = ET.SubElement(
                    case, "failure", message=r.failures[0] if r.failures else "failed"
                )
                fail.text = "\n".join(r.failures)
            out = f"sent {r.sent}, received {r.received}" + (
                f"\njournal: {r.journal}" if r.journal else ""
            )
            ET.SubElement(case, "system-out").text = out
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
