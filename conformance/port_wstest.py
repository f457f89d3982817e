"""Port Autobahn|Testsuite's fuzzing server (``wstest -m fuzzingserver``) to Python 3.

The fuzzing server of Autobahn|Testsuite is Python 2.7 code written against
autobahn 0.10.9. This machine has no Python 2.7 (no ``python2``/``pypy`` package,
no docker daemon), so ``make conformance`` ports it at run time instead of
committing third-party code:

1. ``pip download --no-deps autobahntestsuite==25.10.1`` (the sdist, its sha256
   checked) into ``conformance/build/``;
2. unpack only the fuzzing server's modules into ``conformance/build/wstest3/``:
   ``fuzzing.py``, ``case/*``, ``caseset.py``, ``report.py``, ``interfaces.py``,
   ``_version.py`` and ``testdata/`` (12.* reads it); the package ``__init__``
   is replaced by one that imports nothing (the original imports every mode:
   WAMP, wsperf, massconnect...);
3. run the standard 2to3 fixers on them (``fissix``, the maintained fork of
   lib2to3: print, ``has_key``, implicit relative imports, ``xrange``,
   ``unichr``, ``except X, e``, ``iteritems``, ...);
4. apply the targeted edits of ``EDITS`` below, each one said and checked (an
   edit whose text is not found exactly as often as expected stops the port:
   a new sdist must be looked at, not half-ported);
5. write ``_py3.py``, the one place where Python 2's ``str``-is-bytes meets
   Python 3 (see ``PY3``).

The ported server runs on a modern ``autobahn`` (26.x) with Twisted, in the
separate venv ``.venv-conformance`` that ``make conformance`` creates (see
conformance/README.md). Only the fuzzing server path is ported; ``wstest``'s
other modes are not copied.

Usage: ``python conformance/port_wstest.py [--build DIR]``; prints the package
folder to put on ``sys.path`` (``conformance/fuzzingserver.py`` does that).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "25.10.1"
SDIST = f"autobahntestsuite-{VERSION}.tar.gz"
SHA256 = "b083d6e15330fc16f3e5f0975cce2b15f21bfa0c6db09547316b1852c6dbd6df"
PKG = "autobahntestsuite"
KEEP = ("fuzzing.py", "caseset.py", "report.py", "interfaces.py", "_version.py", "case/", "testdata/")

# The package __init__: the version only (the original imports every wstest mode).
INIT = '''"""Autobahn|Testsuite, fuzzing server only, ported to Python 3 by conformance/port_wstest.py."""
from ._version import __version__

version = __version__
'''

# Python 2's str was bytes: the cases write payloads as plain literals ("\\xce\\xba",
# "*" * 125) and compare what they receive (bytes) with them. Under Python 3 these
# literals are str whose code points are exactly those bytes (\\x escapes are < 256),
# so latin-1 gives back the bytes Python 2 had. ``b`` is applied where a payload
# goes to the wire (the send methods of FuzzingProtocol) and ``norm`` where the
# received events are compared with the expected ones (Case.compare, which used
# pickle.dumps on both: str and bytes would never be equal). A str holding a code
# point above 255 was a Python 2 ``unicode`` that autobahn 0.10 encoded as UTF-8.
PY3 = '''"""Python 2 str (bytes) meets Python 3: written by conformance/port_wstest.py."""
import binascii


def b(x):
    """A payload as bytes: a str is Python 2's byte string (latin-1), else UTF-8 text."""
    if isinstance(x, str):
        try:
            return x.encode("latin-1")
        except UnicodeEncodeError:
            return x.encode("utf-8")
    if isinstance(x, bytearray):
        return bytes(x)
    return x


def norm(obj):
    """``obj`` with every str turned into bytes by ``b``, for comparing events."""
    if isinstance(obj, (list, tuple)):
        return type(obj)(norm(x) for x in obj)
    if isinstance(obj, dict):
        return {norm(k): norm(v) for k, v in obj.items()}
    return b(obj)


def text(x):
    """Bytes as text for JSON/HTML (UTF-8, undecodable bytes replaced); anything else as is."""
    if isinstance(x, (bytes, bytearray)):
        return bytes(x).decode("utf-8", errors="replace")
    return x


def hexs(x):
    """binascii.b2a_hex as text (reports, descriptions), for bytes or Python 2 str."""
    return binascii.b2a_hex(b(x)).decode("ascii")
'''

# Methods inserted into FuzzingProtocol (it precedes autobahn's protocol in the MRO of
# the fuzzing server's protocol): every payload a case sends goes through _py3.b.
SEND_SHIMS = '''
   # --- port_wstest: payloads written as Python 2 str become bytes on the way out
   def sendFrame(self, opcode, payload=b"", *args, **kwargs):
      return super().sendFrame(opcode, _py3.b(payload), *args, **kwargs)

   def sendMessage(self, payload, *args, **kwargs):
      return super().sendMessage(_py3.b(payload), *args, **kwargs)

   def sendPing(self, payload=None):
      return super().sendPing(_py3.b(payload))

   def sendPong(self, payload=None):
      return super().sendPong(_py3.b(payload))

   def sendData(self, data, *args, **kwargs):
      return super().sendData(_py3.b(data), *args, **kwargs)

   def sendMessageFrameData(self, payload, *args, **kwargs):
      return super().sendMessageFrameData(_py3.b(payload), *args, **kwargs)

   def sendMessageFrame(self, payload, *args, **kwargs):
      return super().sendMessageFrame(_py3.b(payload), *args, **kwargs)

   def sendCloseFrame(self, code=None, reasonUtf8=None, isReply=False):
      return super().sendCloseFrame(code, _py3.b(reasonUtf8), isReply)
'''

# (file, old, new, count, why). ``count``: how often ``old`` must occur. "case/*"
# means every file of case/ (count is then the total, None: any number >= 0).
EDITS: list[tuple[str, str, str, int | None, str]] = [
    # -- imports that the fuzzing server does not need or that moved
    ("fuzzing.py", "import os, json, binascii, time, textwrap, pkg_resources",
     "import os, json, binascii, time, textwrap\nfrom . import _py3", 1,
     "pkg_resources (setuptools) only served the web UI's files; _py3 is the bytes bridge"),
    ("fuzzing.py", "from twisted.internet import reactor, ssl", "from twisted.internet import reactor", 1,
     "TLS is not used (ws://127.0.0.1:9001) and would need pyOpenSSL"),
    # -- autobahn 0.10 -> 26 API
    ("fuzzing.py", "WebSocketServerFactory.__init__(self, debug = debug, debugCodePaths = debug)",
     "WebSocketServerFactory.__init__(self)\n      self.debug = debug", 1,
     "the debug/debugCodePaths arguments are gone (txaio logging replaced them)"),
    ("fuzzing.py", "WebSocketClientFactory.__init__(self, debug = debug, debugCodePaths = debug)",
     "WebSocketClientFactory.__init__(self)\n      self.debug = debug", 1, "same, client side"),
    ("fuzzing.py", "if self.debug:", "if self.factory.debug:", 3,
     "protocols no longer carry .debug; the factory keeps it"),
    ("fuzzing.py", "   MAX_WIRE_LOG_DATA = 256\n", "   MAX_WIRE_LOG_DATA = 256\n" + SEND_SHIMS, 1,
     "payloads written as Python 2 str are sent as bytes (see _py3.b)"),
    # -- wire log / reports: text, not bytes
    ("fuzzing.py", "      dd = binascii.b2a_hex(data[:maxlen]) + ellipses\n   else:\n      dd = binascii.b2a_hex(data)",
     "      dd = _py3.hexs(data[:maxlen]) + ellipses\n   else:\n      dd = _py3.hexs(data)", 1,
     "b2a_hex returns bytes under Python 3; the wire log is JSON/HTML text"),
    ("fuzzing.py", "   try:\n      if len(data) > maxlen - len(ellipses):\n         dd = data[:maxlen] + ellipses",
     "   data = _py3.b(data)\n   try:\n      if len(data) > maxlen - len(ellipses):\n         dd = data[:maxlen] + ellipses.encode()", 1,
     "asciiLogData gets bytes (received) or Python 2 str (expected): decode bytes"),
    ("fuzzing.py", "binascii.b2a_hex(frameHeader.mask)", "_py3.hexs(frameHeader.mask)", 2,
     "masks in the wire log as text"),
    ("fuzzing.py", "self.http_request_data if hasattr", "_py3.text(self.http_request_data) if hasattr", 1,
     "the HTTP upgrade request and response are bytes in autobahn 26: text in the reports"),
    ("fuzzing.py", "self.http_response_data if hasattr", "_py3.text(self.http_response_data) if hasattr", 1, "same"),
    ("fuzzing.py", "json.dumps(case, sort_keys = True, indent = 3, separators = (',', ': '))",
     "json.dumps(case, sort_keys = True, indent = 3, separators = (',', ': '), default = _py3.text)", 1,
     "any other bytes left in a case's record: as text (as Python 2's json did with str)"),
    ("fuzzing.py", "mmask = binascii.b2a_hex(t[6])", "mmask = _py3.hexs(t[6])", 1,
     "the HTML report hex-dumps the (already hex) mask again, as it did in Python 2"),
    ("fuzzing.py", "         p = ''.join(payload)", "         p = b''.join(payload) if isinstance(payload, list) else payload", 1,
     "received frame payloads are lists of bytes chunks"),
    ("fuzzing.py", "% (c[0], case[c[0]], c[1])).encode(\"utf-8\"))", "% (c[0], case[c[0]], c[1])))", 1,
     "report files are opened as text (UTF-8): write str, not encoded bytes"),
    ("fuzzing.py", "(2+4+len(prefix))*\" \", ll.encode('utf8')))", "(2+4+len(prefix))*\" \", ll))", 1, "same"),
    ("fuzzing.py", "open(os.path.join(outdir, report_filename), 'w')",
     "open(os.path.join(outdir, report_filename), 'w', encoding='utf-8')", 4, "reports are UTF-8 text"),
    # -- Case.compare: pickle of str vs bytes never matches; compare normalised values
    ("case/case.py", "import pickle\n", "import pickle\nfrom .. import _py3\n", 1, "bytes bridge"),
    ("case/case.py", "return pickle.dumps(obj1) == pickle.dumps(obj2)", "return _py3.norm(obj1) == _py3.norm(obj2)", 1,
     "expected payloads are Python 2 str, received ones bytes: compare both as bytes"),
    # -- hex dumps in descriptions (module level: import time)
    ("case/*", "binascii.b2a_hex(", "_py3.hexs(", None, "b2a_hex of a Python 2 str: hex text of its bytes"),
    ("case/*", "binascii.hexlify(", "_py3.hexs(", None, "same"),
    ("case/*", "(object, Case, )", "(Case, )", 6,
     "generated case classes: Case is a new-style class now, (object, Case) has no MRO"),
    ("case/case9_9_1.py", "from zope.interface import implements", "from zope.interface import implementer", 1,
     "zope.interface dropped the Python 2 class advice implements()"),
    ("case/case9_9_1.py", "class FrameProducer:\n\n   implements(interfaces.IPushProducer)\n",
     "@implementer(interfaces.IPushProducer)\nclass FrameProducer:\n", 1, "same: the decorator form"),
    ("case/case10_1_1.py", "len(self.payload) / self.p.autoFragmentSize", "len(self.payload) // self.p.autoFragmentSize", 1,
     "Python 2's / on ints was floor division (2to3 leaves it): 65536 / 1300 full frames is 50"),
    # -- non-ASCII text in a plain literal of a "coding: utf-8" file was its UTF-8 bytes
    ("case/case6_2_1.py", '"Hello-µ@ßöäüàá-UTF-8!!"', '"Hello-µ@ßöäüàá-UTF-8!!".encode("utf-8")', 1,
     "Python 2 source literal = UTF-8 bytes (latin-1 would send other, invalid, bytes)"),
    ("case/case6_2_3.py", '"Hello-µ@ßöäüàá-UTF-8!!"', '"Hello-µ@ßöäüàá-UTF-8!!".encode("utf-8")', 1, "same"),
    ("case/case6_2_2.py", '"Hello-µ@ßöä"', '"Hello-µ@ßöä".encode("utf-8")', 1, "same"),
    ("case/case6_2_2.py", '"üàá-UTF-8!!"', '"üàá-UTF-8!!".encode("utf-8")', 1, "same"),
    # -- UTF-8 validator takes bytes
    ("case/case6_x_x.py", "res = v.validate(vss[:i])", "res = v.validate(_py3.b(vss[:i]))", 1,
     "autobahn 26's Utf8Validator validates bytes"),
]

# (file, pattern, replacement, count, why): the same, as regular expressions.
REGEX_EDITS: list[tuple[str, str, object, int | None, str]] = [
    ("case/case12_x_x.py", r"\b(request|accept)(NoContextTakeover|MaxWindowBits)\b",
     lambda m: m[1] + re.sub(r"[A-Z]", lambda c: "_" + c[0].lower(), m[2]), None,
     "autobahn 26's PerMessageDeflateOffer(Accept): snake_case arguments and attributes"),
    ("case/case12_x_x.py", r"pkg_resources\.resource_filename\(\"autobahntestsuite\", ",
     "os.path.join(os.path.dirname(os.path.dirname(__file__)), ", 3,
     "the test data files sit in the unpacked package: no pkg_resources (setuptools) needed"),
    ("case/case12_x_x.py", r"import copy, os, pkg_resources, hashlib, binascii",
     "import copy, os, hashlib, binascii", 1, "same"),
]


def fetch(build: Path) -> Path:
    """The sdist in ``build``, downloaded with pip if absent, its sha256 checked."""
    sdist = build / SDIST
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", str(build), f"autobahntestsuite=={VERSION}"], check=True)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"port_wstest: {sdist} has sha256 {digest}, expected {SHA256}")
    return sdist


def unpack(sdist: Path, dest: Path) -> Path:
    """Only the fuzzing server's files of the sdist, into ``dest``/autobahntestsuite."""
    if dest.exists():
        shutil.rmtree(dest)
    prefix = f"autobahntestsuite-{VERSION}/{PKG}/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(prefix) and m.name[len(prefix):].startswith(KEEP)]
        for m in members:
            m.name = m.name[len(f"autobahntestsuite-{VERSION}/"):]
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and newer
            tar.extractall(dest, members=members, filter="data")
        else:  # Debian 12's 3.11.2: the pinned sdist's plain files and folders, no ".."
            members = [m for m in members if (m.isfile() or m.isdir()) and ".." not in m.name.split("/")]
            tar.extractall(dest, members=members)
    pkg = dest / PKG
    (pkg / "__init__.py").write_text(INIT)
    (pkg / "_py3.py").write_text(PY3)
    return pkg


def two_to_three(pkg: Path) -> None:
    """The standard 2to3 fixers (fissix, else the stdlib's lib2to3 where it still exists)."""
    import logging

    try:
        from fissix import refactor
        fixers = refactor.get_fixers_from_package("fissix.fixes")
    except ImportError:
        from lib2to3 import refactor  # Python <= 3.12
        fixers = refactor.get_fixers_from_package("lib2to3.fixes")
    logging.basicConfig(level=logging.WARNING)  # not one line per refactored file
    tool = refactor.RefactoringTool(fixers)  # the default set: explicit-only fixers stay off
    tool.refactor([str(pkg)], write=True)
    if tool.errors:
        raise SystemExit(f"port_wstest: 2to3 failed on {len(tool.errors)} file(s): {tool.errors[:3]}")


def edit(pkg: Path) -> None:
    """The targeted edits of EDITS, each checked."""
    for name, old, new, count, why in EDITS:
        files = sorted((pkg / "case").glob("*.py")) if name == "case/*" else [pkg / name]
        found = 0
        for path in files:
            text = path.read_text()
            n = text.count(old)
            if n:
                if name == "case/*" and "from .. import _py3" not in text:
                    text = "from .. import _py3\n" + text
                path.write_text(text.replace(old, new))
            found += n
        if count is not None and found != count:
            raise SystemExit(f"port_wstest: {name}: {old!r} found {found}x, expected {count}x ({why})")
    for name, pattern, repl, count, why in REGEX_EDITS:
        path = pkg / name
        text, found = re.subn(pattern, repl, path.read_text())
        if count is not None and found != count:
            raise SystemExit(f"port_wstest: {name}: /{pattern}/ found {found}x, expected {count}x ({why})")
        path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(HERE / "build"))
    args = parser.parse_args()
    build = Path(args.build)
    build.mkdir(parents=True, exist_ok=True)
    pkg = unpack(fetch(build), build / "wstest3")
    two_to_three(pkg)
    edit(pkg)
    print(pkg.parent)


if __name__ == "__main__":
    main()
