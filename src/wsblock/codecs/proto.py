"""Compiling a ``.proto`` schema at run time, without a system ``protoc``.

The compiler is the one bundled in the ``grpcio-tools`` wheel. It runs in a child
process (its errors are written to file descriptor 2, and a crash must not take the
front end with it) and writes a ``FileDescriptorSet``, which :mod:`google.protobuf`
turns into message classes. Imports are resolved from the schema's folder, then from
the well-known types bundled with the wheel (``google/protobuf/timestamp.proto``...).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["SchemaError", "message_class"]


class SchemaError(ValueError):
    """The schema cannot be compiled, or has no such message type."""


def _include_dir() -> str:
    from importlib import resources

    return str(resources.files("grpc_tools") / "_proto")


def _protoc_errors(text: str, proto: Path, folder: Path) -> str:
    """protoc's messages, each ``file:line:column: what``, shortened to the schema's name."""
    lines = [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("Traceback")
    ]
    out = []
    for ln in lines[:5]:
        m = re.match(r"^(.*?):(\d+):(\d+): (.*)$", ln)
        if m:
            name = m.group(1)
            shown = (
                str(proto)
                if Path(name).name == proto.name or name == proto.name
                else str(folder / name)
            )
            out.append(f"{shown} line {m.group(2)}, column {m.group(3)}: {m.group(4)}")
        else:
            out.append(ln)
    return "; ".join(out) or "protoc failed without a message"


@functools.lru_cache(maxsize=32)
def _pool(proto: Path, mtime: float) -> Any:
    import subprocess  # here: `wsblock check` and `run` start without them
    import tempfile

    from google.protobuf import descriptor_pb2, descriptor_pool

    folder = proto.parent
    with tempfile.TemporaryDirectory(prefix="wsblock-proto-") as tmp:
        out = Path(tmp) / "set.pb"
        cmd = [
            sys.executable,
            "-c",
            "import sys; from grpc_tools import protoc; sys.exit(protoc.main(sys.argv))",
            f"-I{folder}",
            f"-I{_include_dir()}",
            f"--descriptor_set_out={out}",
            "--include_imports",
            str(proto.relative_to(folder)),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=folder)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SchemaError(f"{proto}: the protobuf compiler could not run: {e}") from None
        if done.returncode != 0 or not out.is_file():
            raise SchemaError(_protoc_errors(done.stderr + done.stdout, proto, folder))
        fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return pool


def message_class(proto: Path, type_name: str) -> Any:
    """The message class *type_name* (``package.Message``) of the schema *proto*.

    Raises:
        SchemaError: no such file, a schema that does not compile, or no such type.
    """
    from google.protobuf import message_factory

    proto = Path(proto).absolute()
    if not proto.is_file():
        raise SchemaError(
            f"no such .proto file: {proto}" if not proto.exists() else f"not a file: {proto}"
        )
    pool = _pool(proto, proto.stat().st_mtime)
    try:
        desc = pool.FindMessageTypeByName(type_name)
    except KeyError:
        known = []
        for f in _files(pool, proto):
            known += [f"{f.package + '.' if f.package else ''}{n}" for n in f.message_types_by_name]
        hint = f" (it has: {', '.join(sorted(known)[:12])})" if known else ""
        raise SchemaError(f"{proto}: no message type {type_name!r}{hint}") from None
    return message_factory.GetMessageClass(desc)


def _files(pool: Any, proto: Path) -> list[Any]:
    try:
        return [pool.FindFileByName(proto.name)]
    except KeyError:
        return []
