"""Exporting a connection's session (JSON, CSV, NDJSON) from its journal."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

FORMATS = ("json", "csv", "ndjson")


def export_journal(journal, model, fmt: str, target: Path) -> Path:
    """Write the session as *fmt* to *target*: from the journal on disk when there is one.

    Without a journal (it could not be created), the log's own rows are exported in
    the same record shape.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (json, csv, ndjson)")
    target = Path(target)
    if journal is not None:
        from wsblock.journal import export, read_session

        journal.flush()
        records = read_session(journal.path)
        with open(target, "w", encoding="utf-8", newline="") as out:
            export(records, fmt, out)
        return target
    target.write_text(export_model(model, fmt), encoding="utf-8", newline="")
    return target


def model_records(model) -> list[dict]:
    """The log's rows as the cli.md NDJSON records (fallback when there is no journal)."""
    from .widgets.response.log_model import DIR_NAME

    out = []
    for row in range(len(model)):
        ts = model.timestamp(row).astimezone().isoformat(timespec="microseconds")
        kind = model.kind(row)
        rec: dict = {"ts": ts, "event": kind, "dir": DIR_NAME[model.direction(row)]}
        payload = model.payloads[row]
        if kind in ("sent", "received"):
            rec["type"] = "binary" if isinstance(payload, bytes) else "text"
            rec["size"] = model.sizes[row]
            if isinstance(payload, bytes):
                rec["data_b64"] = base64.b64encode(payload).decode()
            else:
                rec["data"] = payload
        else:
            ev = model.event(row)
            if ev is not None:
                for key in ("code", "reason", "error", "status", "subprotocol"):
                    value = getattr(ev, key, None)
                    if value is not None:
                        rec[key] = value
            rec["data"] = payload
        out.append(rec)
    return out


def export_model(model, fmt: str) -> str:
    records = model_records(model)
    if fmt == "ndjson":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    fields = ["ts", "event", "dir", "type", "size", "data", "data_b64", "code", "reason", "error"]
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()
