"""What the app was started with, handed down to its screens (so that no screen imports
the app back): the engine's and the journal's factories (tests pass their own), where
exports go by default, and the demo's temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Settings:
    session_factory: Callable[..., Any] | None = None
    journal_factory: Callable[..., Any] | None = None
    export_dir: Path | None = None
    #: A folder removed when the app ends (the demo's copy): saves there say so.
    temporary: Path | None = None
