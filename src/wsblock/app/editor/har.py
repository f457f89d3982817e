"""A HAR file opened from the file list: its WebSocket entries imported as a new
untitled ``.void`` file, as ``wsblock import har`` makes it (:mod:`wsblock.har`).

The secrets become variables, never text of the file; their values go to ``NAME.env``
beside the HAR (mode 600), as the command's default output does, unless that file
exists: it is never overwritten, and the user is told which variables must be set.

::

    opened = import_har(Path("chat.har"))      # HarError (a ValueError): why not, in words
    opened.text                                # the .void file's text
    opened.note                                # what to tell the user about the variables
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OpenedHar:
    """The import's text, where its variables went (None: not written), and the words
    that say so."""

    text: str
    requests: int
    names: tuple[str, ...]
    env_path: Path | None
    note: str


def is_har_file(path: Path) -> bool:
    return path.suffix.lower() == ".har" and not path.name.startswith(".")


def import_har(path: Path) -> OpenedHar:
    """Import every WebSocket entry of ``path``; :class:`~wsblock.har.read.HarError`
    when the file cannot be used."""
    from wsblock.har.read import read_har
    from wsblock.har.tovoid import env_text, to_void
    from wsblock.har.write import write_new

    sockets = read_har(path)
    imported = to_void(sockets)
    names = tuple(imported.env)
    listed = ", ".join(names)
    target = path.with_suffix(".env")
    env_path: Path | None = target
    try:
        write_new(target, env_text(imported), 0o600)
        note = (
            f"The variables ({listed}) are in {target} (mode 600, keep it out of git): "
            f"open the file with `wsblock open FILE -e {target}` or set them in the "
            "environment to run it"
        )
    except FileExistsError:
        env_path = None
        note = (
            f"{target} exists and was not overwritten: set these "
            f"variables before running ({listed}); `wsblock import har {path.name}` "
            "writes them with --force"
        )
    except (OSError, ValueError) as e:
        env_path = None
        why = getattr(e, "strerror", None) or e
        note = f"The variables ({listed}) could not be written ({why}): set them before running"
    return OpenedHar(imported.text, len(sockets), names, env_path, note)
