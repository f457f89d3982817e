"""The settings of one ``wsblock load`` process, as JSON on its command line."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

__all__ = ["LoadConfig", "parse_duration"]

_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s|ms)?")


def parse_duration(text: str) -> float:
    """``30s``, ``1m30s``, ``2h``, ``90`` (seconds) -> seconds; ValueError otherwise."""
    t = text.strip().lower()
    pos, total = 0, 0.0
    if not t:
        raise ValueError("empty duration")
    for m in _SPAN.finditer(t):
        if m.start() != pos:
            break
        total += float(m[1]) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001, None: 1}[m[2]]
        pos = m.end()
    if pos != len(t):
        raise ValueError(f"expected a duration like 30s, 5m or 1h30m, got {text!r}")
    return total


@dataclass
class LoadConfig:
    file: str
    which: str | None = None
    environment: str | None = None
    profile: str | None = None
    env_file: str | None = None
    env_vars: dict[str, str] = field(default_factory=dict)
    users: int = 1
    spawn_rate: float = 1.0
    run_time: float | None = None
    linger: float = 0.0
    fail_if: list[str] = field(default_factory=list)
    as_json: bool = False
    csv: str | None = None
    html: str | None = None
    junit: str | None = None
    role: str = "local"  # local | master | worker
    master_host: str = "127.0.0.1"
    master_port: int = 5557
    master_bind: str = "*"
    expect_workers: int = 1
    web: bool = False
    web_port: int = 8089
    journal: bool = False
    journal_max_mb: float = 100.0
    log_dir: str | None = None
    live: bool = False  # print the live progress line (stderr is a terminal)

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> LoadConfig:
        return cls(**json.loads(text))
