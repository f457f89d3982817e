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
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _loud(cls, *names: str) -> None:
    """Print the traceback of an exception in these methods: Twisted would keep it in a
    Deferred nobody reads, and a case or report would silently be missing."""
    for name in names:
        method = getattr(cls, name)

        def wrapper(*args, _method=method, **kwargs):
            try:
                return _method(*args, **kwargs)
            except Exception:
                traceback.print_exc()
                sys.stderr.flush()
                raise

        setattr(cls, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(HERE / "fuzzingserver.json"))
    parser.add_argument("--build", default=str(HERE / "build" / "wstest3"))
    args = parser.parse_args()
    spec_path = Path(args.spec).resolve()
    spec = json.loads(spec_path.read_text())
    os.chdir(spec_path.parent)  # outdir is relative to the spec, as with wstest -s
    sys.path.insert(0, str(Path(args.build).resolve()))

    import txaio
    from autobahntestsuite import fuzzing
    from twisted.internet import reactor

    txaio.start_logging(level="info")  # wstest's prints (one line a case) come through it
    _loud(fuzzing.FuzzingFactory, "createReports", "logCase")
    _loud(fuzzing.FuzzingProtocol, "connectionLost", "onOpen", "onMessage", "onClose", "onPong")

    from autobahn.twisted.websocket import listenWS

    factory = fuzzing.FuzzingServerFactory(spec)  # what wstest's startServer does, without TLS/web UI
    listenWS(factory, interface=factory.host)  # on the spec's host only (127.0.0.1), not all interfaces
    print("fuzzingserver: listening on", spec["url"], flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
