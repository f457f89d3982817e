"""wsblock: a WebSocket client whose requests live in plain-text ``.void`` files.

Layers, each importing only those below it:

1. :mod:`wsblock.document` -- parse and write ``.void`` files losslessly.
2. :mod:`wsblock.variables` -- environments, ``{{NAME}}`` resolution, secrets, masking.
3. :mod:`wsblock.conversation` -- a resolved request and its steps: matching, operators.
4. :mod:`wsblock.engine` -- a live session: state machine, send/receive, events.
5. :mod:`wsblock.journal` -- every event, timestamped, appended to disk.
6. Front ends: :mod:`wsblock.runner` / :mod:`wsblock.cli`, :mod:`wsblock.load`,
   :mod:`wsblock.app` and :mod:`wsblock.servers`.
"""

__version__ = "0.1.0"
