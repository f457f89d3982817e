"""Exporting a connection's session (JSON, CSV, NDJSON) from its journal."""

from __future__ import annotations

import base64
import csv
import inspect
import io
import json
from pathlib import Path

FORMATS = ("json", "csv", "ndjson")


def _flush(journal) -> None:
    for name in ("flush", "sync"):
        fn = getattr(journal, name, None)
        if callable(fn):
            try:
                fn()
            except Exception:  # noqa: BLE001
                pass
            return


def export_journal(journal, model, fmt: str, target: Path) -> Path:
    """Write the session as *fmt* to *target*: from the journal on disk when there is one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (json, csv, ndjson)")
    target = Path(target)
    path = getattr(journal, "path", None) if journal is not None else None
    if path is not None:
        _flush(journal)
        from wsblock import journal as jmod

        export = getattr(jmod, "export", None)
        if export is not None:
            text = _call_export(export, Path(path), fmt, target)
            if text is not None:
                target.write_text(text, encoding="utf-8")
            return target
    target.write_text(export_model(model, fmt), encoding="utf-8")
    return target


def _call_export(export, path: Path, fmt: str, target: Path) -> str | None:
    """Call ``wsblock.journal.export`` whichever of its likely shapes it has."""
    params = inspect.signature(export).parameters
    kwargs = {}
    if "format" in params:
        kwargs["format"] = fmt
    elif "fmt" in params:
        kwargs["fmt"] = fmt
    for name in ("out", "output", "dest", "target"):
        if name in params:
            kwargs[name] = target
            break
    result = export(path, **kwargs) if kwargs else export(path, fmt)
    if isinstance(result, str):
        return result
    if isinstance(result, bytes):
        return result.decode("utf-8")
    if result is not None and hasattr(result, "__iter__") and not isinstance(result, Path):
        return "".join(result)
    return None


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
