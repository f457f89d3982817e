"""wsblock: a WebSocket client whose requests live in plain-text ``.void`` files.

Layers, each importing only those below it:

1. :mod:`wsblock.document` -- parse and write ``.void`` files losslessly.
2. :mod:`wsblock.variables` -- environments, ``{{NAME}}`` resolution, secrets.
3. :mod:`wsblock.request` -- one resolved request: URL, headers, options, steps.
4. :mod:`wsblock.engine` -- a live session: state machine, send/receive, events.
5. :mod:`wsblock.journal` -- every event, timestamped, appended to disk.
6. Front ends: :mod:`wsblock.runner` / :mod:`wsblock.cli` and :mod:`wsblock.app`.
"""

__version__ = "0.1.0"
