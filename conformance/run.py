"""``make conformance``: start the fuzzing server, run client.py against it, stop it.

``python conformance/run.py --server-python .venv-conformance/bin/python [client.py args]``

* fails at once if 127.0.0.1:9001 is already taken (a stale server would answer with
  other code and other reports);
* starts ``conformance/fuzzingserver.py`` with the conformance venv's Python, its
  output copied to ``conformance/reports/server.log``, and waits for its
  "listening" line (printed once the port is bound), not a fixed time; fails with
  the log's tail if the server exits first or is not up within 120 s;
* runs ``conformance/client.py`` with this Python and ``PYTHONPATH=src``;
* stops the server (SIGTERM, then SIGKILL after 10 s) whatever happened.

Exit status: client.py's (1 when a wsblock transport fails a case websockets
passes), 2 when the server could not be started.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
READY = "fuzzingserver: listening on"


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) == 0


def _copy(stream, log, ready: threading.Event) -> None:
    for line in stream:
        log.write(line)
        log.flush()
        if READY in line:
            ready.set()
    ready.set()  # end of output: the server is gone (checked by the caller)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-python", required=True, help="the Python of .venv-conformance")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    args, client_args = parser.parse_known_args()
    if _port_taken(args.host, args.port):
        sys.exit(f"conformance: {args.host}:{args.port} is already in use (a fuzzing server left running?)")
    reports = HERE / "reports"
    reports.mkdir(exist_ok=True)
    log_path = reports / "server.log"
    server = subprocess.Popen(
        [args.server_python, str(HERE / "fuzzingserver.py")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    status = 2
    with open(log_path, "w") as log:
        ready = threading.Event()
        copier = threading.Thread(target=_copy, args=(server.stdout, log, ready), daemon=True)
        copier.start()
        try:
            if not ready.wait(120) or server.poll() is not None:
                tail = "".join(log_path.read_text().splitlines(True)[-20:])
                print(f"conformance: the fuzzing server did not start; {log_path}:\n{tail}", file=sys.stderr)
            else:
                print(f"conformance: fuzzing server up on {args.host}:{args.port} (log: {log_path})", flush=True)
                env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
                status = subprocess.call([sys.executable, str(HERE / "client.py"), *client_args], env=env)
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            copier.join(5)
    sys.exit(status)


if __name__ == "__main__":
    main()
