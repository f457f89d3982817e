"""Run the ported Autobahn|Testsuite fuzzing server (``wstest -m fuzzingserver``) on Python 3.

``python conformance/fuzzingserver.py [--spec conformance/fuzzingserver.json]``, in
the venv ``.venv-conformance`` (autobahn 26 + Twisted; ``make conformance`` creates
it), after ``conformance/port_wstest.py`` has written ``conformance/build/wstest3``.
Listens where the spec's ``url`` says (ws://127.0.0.1:9001); the reports go to the
spec's ``outdir``, relative to the spec's folder. Stops on SIGTERM/SIGINT or when a
client opens ``/stopServer``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(HERE / "fuzzingserver.json"))
    parser.add_argument("--build", default=str(HERE / "build" / "wstest3"))
    args = parser.parse_args()
    spec_path = Path(args.spec).resolve()
    spec = json.loads(spec_path.read_text())
    os.chdir(spec_path.parent)  # outdir is relative to the spec, as with wstest -s
    sys.path.insert(0, str(Path(args.build).resolve()))

    from autobahntestsuite import fuzzing
    from twisted.internet import reactor

    fuzzing.startServer(spec, None)
    print("fuzzingserver: listening on", spec["url"], flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
