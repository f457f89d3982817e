"""What a front end was given, before anything is read: :class:`EnvChoice` (where
variables come from) and :class:`BadInput` (input that cannot be used, exit code 2).

Apart from :mod:`wsblock.conversation.workspace` (which re-exports both) and stdlib-only, so that a
command that opens no ``.void`` file (``wsblock connect``) starts without importing
the document and YAML machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BadInput", "EnvChoice"]


class BadInput(Exception):
    """Bad input found before anything was sent (exit code 2); the message says what and where."""


@dataclass(frozen=True)
class EnvChoice:
    """Where variables come from: ``--environment``, ``--profile``, ``-e``, ``--env-var``."""

    environment: str | None = None
    profile: str | None = None
    env_file: Path | None = None
    env_vars: Mapping[str, str] = field(default_factory=dict)
    #: ``--project DIR``: the folder ``originalFile`` links and ``.voiden/`` are found in
    #: (as the folder the user opened in Voiden); None: found from the file.
    project: Path | None = None

    @property
    def given(self) -> bool:
        """Whether any of the options was given."""
        return bool(
            self.environment or self.profile or self.env_file or self.env_vars or self.project
        )
