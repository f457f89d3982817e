"""Variables: where ``{{NAME}}`` values come from, and which of them are secrets.

Four sources, later winning over earlier (``void-format.md`` section 5):

1. the process environment;
2. Voiden's YAML environments in ``.voiden/`` at the project root: ``env-public.yaml``
   then ``env-private.yaml`` (for a profile ``P``: ``env-P-public.yaml`` then
   ``env-P-private.yaml``). Top-level keys are environments, each
   ``{variables: {...}, children: {...}}``; the environment ``a/b/c`` has the
   variables of ``a``, then ``a/b``, then ``a/b/c``;
3. a ``.env`` file named with ``--env FILE``, or else the project's ``.env`` when no
   YAML environment is selected;
4. ``--env-var KEY=value`` on the command line.

Every value that comes from a private environment file, or whose name says it is one
(``token``, ``secret``, ``key``, ``password``...), is a secret, and stays one when a later
source overrides it. Other secrets
(auth cells, ``Authorization``-like headers) are added by :mod:`wsblock.conversation.resolve`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wsblock.document.readfile import read_text
from wsblock.document.yamlread import YamlError, read_yaml
from wsblock.variables.faker import FakerError, fake, is_faker
from wsblock.variables.secretnames import SECRET_NAME

__all__ = [
    "SECRET_NAME",
    "VARIABLE",
    "VariableError",
    "Variables",
    "environment_names",
    "load_variables",
    "parse_dotenv",
    "variables",
]

#: ``{{NAME}}``, with optional spaces inside the braces.
VARIABLE = re.compile(r"\{\{\s*([A-Za-z_$][\w.\-$]*)\s*\}\}")

#: Anything between ``{{`` and ``}}``, as Voiden's substitution matches it. Kept as the
#: definition (and the tests' reference): :func:`variables` finds the same matches in
#: linear time, where this pattern, run on a long run of ``{{`` with no ``}}``, backtracks
#: over the rest of the text from every one of them (quadratic: minutes for 100 KB).
ANY_VARIABLE = re.compile(r"\{\{(\s*\$faker\.[\w.]*\([^)]*\)\s*|[^}]+)\}\}")

#: The head of ANY_VARIABLE's first branch, up to its ``(``: ``\s*\$faker\.[\w.]*\(``.
_FAKER_HEAD = re.compile(r"\s*+\$faker\.[\w.]*+\(")
_SPACES = re.compile(r"\s*+")


class VariableError(ValueError):
    """A variable is unknown, or an environment file or ``--env-var`` is malformed."""


@dataclass
class Variables:
    """Resolved variable values, and which of them are secret."""

    values: dict[str, str] = field(default_factory=dict)
    secret_names: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)  # name -> where it came from

    @property
    def secrets(self) -> set[str]:
        """The secret values (to mask wherever shown or written)."""
        return {self.values[n] for n in self.secret_names if self.values.get(n)}

    def substitute(self, text: str, where: str = "") -> str:
        """Replace every ``{{…}}`` in *text*, as Voiden does.

        ``{{NAME}}`` from the sources; ``{{process.KEY}}`` from Voiden's runtime
        variables (``.voiden/.process.env.json``); ``{{$faker.category.method(args)}}``
        a fresh value each call (:mod:`wsblock.variables.faker`). Anything else between
        ``{{`` and ``}}`` that cannot be resolved raises :class:`VariableError`: it is
        never sent as text.
        """
        if "{{" not in text:
            return text
        place = f" in {where}" if where else ""

        def repl(inner: str, whole: str) -> str:
            expr = inner.strip()
            if is_faker(expr):
                try:
                    return fake(expr)
                except FakerError as e:
                    raise VariableError(f"{{{{{expr}}}}}{place}: {e}") from None
            if expr in self.values:
                return self.values[expr]
            if expr.startswith("process."):
                raise VariableError(
                    f"unknown runtime variable {{{{{expr}}}}}{place}: Voiden captures it with a "
                    "runtime-variables block and keeps it in .voiden/.process.env.json, which "
                    "does not define it"
                ) from None
            if VARIABLE.fullmatch(whole):
                raise VariableError(f"unknown variable {{{{{expr}}}}}{place}") from None
            raise VariableError(f"cannot resolve {{{{{expr}}}}}{place}") from None

        out: list[str] = []
        last = 0
        for start, end, inner in variables(text):
            out.append(text[last:start])
            out.append(repl(inner, text[start:end]))
            last = end
        out.append(text[last:])
        return "".join(out)

    def secrets_in(self, text: str) -> set[str]:
        """The secret values that substituting *text* would insert."""
        return {
            self.values[m.group(1)]
            for m in VARIABLE.finditer(text)
            if m.group(1) in self.secret_names and self.values.get(m.group(1))
        }

    def update(self, values: Mapping[str, str], source: str, *, secret: bool = False) -> None:
        for k, v in values.items():
            self.values[k] = v
            self.sources[k] = source
            if secret or SECRET_NAME.search(k):
                self.secret_names.add(k)


def variables(text: str) -> Iterator[tuple[int, int, str]]:
    """Every ``{{…}}`` of *text* as :data:`ANY_VARIABLE` finds them (leftmost, not
    overlapping): its start, its end and what is between the braces; in linear time.

    From each ``{{``: the ``$faker`` branch (``\\s*$faker.name(args)\\s*}}``, args up to
    the first ``)``), else the run of characters up to the next ``}``, which must not be
    empty and must be followed by ``}}``. Each branch is deterministic, and the next
    ``)`` and ``}`` (and the spaces after that ``)``) are looked up once and reused until
    passed: each character is read a bounded number of times.
    """
    n = len(text)
    close_brace = close_paren = -1  # the next "}" / ")" at or after where last looked
    paren_end = -1  # where the spaces after close_paren end
    i = text.find("{{")
    while i >= 0:
        body = i + 2
        end = -1
        head = _FAKER_HEAD.match(text, body)
        if head is not None:
            if close_paren < head.end():
                close_paren = text.find(")", head.end())
                if close_paren < 0:
                    close_paren = n
                else:
                    spaces = _SPACES.match(text, close_paren + 1)
                    paren_end = spaces.end() if spaces else close_paren + 1
            if close_paren < n and text.startswith("}}", paren_end):
                end = paren_end + 2
        if end < 0:
            if close_brace < body:
                close_brace = text.find("}", body)
                if close_brace < 0:
                    close_brace = n
            if close_brace > body and text.startswith("}}", close_brace):
                end = close_brace + 2
        if end < 0:
            i = text.find("{{", i + 1)
            continue
        yield i, end, text[body : end - 2]
        i = text.find("{{", end)


def parse_dotenv(text: str, where: str = ".env") -> dict[str, str]:
    """Parse ``KEY=value`` lines (``#`` comments, ``export``, quotes) of a ``.env`` file."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, eq, value = line.partition("=")
        key = key.strip()
        if not eq or not re.fullmatch(r"[A-Za-z_][\w.\-]*", key):
            raise VariableError(f"{where}:{n}: expected KEY=value, got {raw.strip()!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
            if raw.strip().split("=", 1)[1].strip().startswith('"'):
                value = value.replace("\\n", "\n")
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key] = value
    return out


def _env_files(voiden: Path, profile: str | None) -> list[tuple[Path, bool]]:
    """The public and private environment files; each in ``.voiden/``, else (as Voiden
    falls back for older projects) at the project root."""
    prefix = f"env-{profile}-" if profile else "env-"
    out = []
    for name, secret in ((f"{prefix}public.yaml", False), (f"{prefix}private.yaml", True)):
        path = voiden / name
        if not path.is_file() and (voiden.parent / name).is_file():
            path = voiden.parent / name  # old root-level env file
        out.append((path, secret))
    return out


def _env_path(children: object, name: str) -> list[str] | None:
    """The keys of environment ``name`` in a tree: ``dev.eu`` (as Voiden names nested
    environments) or ``dev/eu``; a key may itself hold a dot. None if not there."""
    if not isinstance(children, dict):
        return None
    if name in children:
        return [name]
    for key in children:
        key = str(key)
        for sep in (".", "/"):
            if name.startswith(key + sep):
                node = children[key]
                rest = _env_path(
                    node.get("children") if isinstance(node, dict) else None, name[len(key) + 1 :]
                )
                if rest is not None:
                    return [key, *rest]
    return None


def _read_yaml(path: Path) -> dict:
    # YAML 1.2 core, as Voiden reads it (PIN: 0123 is 123, on stays "on"), bounded.
    try:
        data = read_yaml(read_text(path))
    except OSError as e:
        raise VariableError(f"{path}: cannot read: {e.strerror or e}") from None
    except YamlError as e:
        at = f":{e.line + 1}:{e.column + 1}" if e.line is not None and e.column is not None else ""
        raise VariableError(f"{path}{at}: not valid YAML: {e.problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VariableError(f"{path}: expected environments as a mapping at the top level")
    return data


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _environment_chain(data: dict, name: str, path: Path) -> tuple[list[dict[str, str]], bool]:
    """The variables of ``a``, ``a/b``, ``a/b/c`` that *data* defines for *name* ``a/b/c``,
    and whether *data* defines the whole path."""
    node: object = {"children": data}
    chain: list[dict[str, str]] = []
    parts = _env_path(data, name)
    if parts is None:  # the levels that are there (a/b of a/b/c)
        parts = name.replace("/", ".").split(".")
    for part in parts:
        children = node.get("children") if isinstance(node, dict) else None
        if not isinstance(children, dict) or part not in children:
            return chain, False
        node = children[part]
        variables = node.get("variables") if isinstance(node, dict) else None
        if variables is not None and not isinstance(variables, dict):
            raise VariableError(f"{path}: environment {name!r}: 'variables' must be a mapping")
        chain.append({str(k): _as_text(v) for k, v in (variables or {}).items()})
    return chain, True


def _names(tree: dict, prefix: str = "") -> Iterable[str]:
    for key, node in tree.items():
        name = f"{prefix}{key}"
        yield name
        children = node.get("children") if isinstance(node, dict) else None
        if isinstance(children, dict):
            yield from _names(children, name + ".")  # dev.eu, as Voiden names them


def environment_names(project_root: Path, profile: str | None = None) -> list[str]:
    """Every environment defined in ``.voiden/`` (for a picker), in file order."""
    names: list[str] = []
    for path, _ in _env_files(project_root / ".voiden", profile):
        if path.exists():
            for n in _names(_read_yaml(path)):
                if n not in names:
                    names.append(n)
    return names


def parse_env_vars(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (``--env-var``) to a mapping."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise VariableError(f"--env-var {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def load_variables(
    project_root: Path | None,
    environment: str | None = None,
    profile: str | None = None,
    env_file: Path | None = None,
    env_vars: Mapping[str, str] | None = None,
    process_env: Mapping[str, str] | None = None,
) -> Variables:
    """Gather the four sources in order; see the module docstring."""
    v = Variables()
    v.update(dict(os.environ if process_env is None else process_env), "process environment")
    if environment:
        found = False
        voiden = (project_root or Path.cwd()) / ".voiden"
        for path, secret in _env_files(voiden, profile):
            if not path.exists():  # present but unreadable (a FIFO...) is an error, said
                continue
            chain, whole = _environment_chain(_read_yaml(path), environment, path)
            found = found or whole
            for level in chain:
                v.update(level, f"{path.name} ({environment})", secret=secret)
        if not found:
            known = ", ".join(environment_names(project_root or Path.cwd(), profile)) or "none"
            raise VariableError(
                f"environment {environment!r} is not defined in {voiden} (known: {known})"
            )
    dotenv = env_file
    if dotenv is None and not environment and project_root is not None:
        candidate = project_root / ".env"
        dotenv = candidate if candidate.exists() else None
    if dotenv is not None:
        try:
            text = read_text(dotenv)  # a regular UTF-8 file only, with a size limit
        except OSError as e:
            raise VariableError(f"{dotenv}: cannot read: {e.strerror or e}") from None
        v.update(parse_dotenv(text, str(dotenv)), str(dotenv))
    if env_vars:
        v.update(dict(env_vars), "--env-var")
    if project_root is not None:
        v.update(_process_vars(project_root, environment), ".voiden/.process.env.json")
    return v


def _process_vars(project_root: Path, environment: str | None) -> dict[str, str]:
    """``process.KEY`` -> value from ``.voiden/.process.env.json`` (Voiden's runtime variables).

    As Voiden reads it: the old flat form ``{KEY: value}``, or the environment-scoped
    form ``{"__global__": {...}, "<environment>": {...}}`` (the environment's win).
    """
    import json

    path = project_root / ".voiden" / ".process.env.json"
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError) as e:
        raise VariableError(f"{path}: cannot read the runtime variables: {e}") from None
    if not isinstance(raw, dict):
        return {}
    if any(not isinstance(x, dict) for x in raw.values()):
        merged = raw
    else:
        merged = {**raw.get("__global__", {}), **(raw.get(environment, {}) if environment else {})}
    out = {}
    for key, value in merged.items():
        if value is None:
            continue
        out[f"process.{key}"] = (
            json.dumps(value, separators=(",", ":"))
            if isinstance(value, (dict, list))
            else _as_text(value)
        )
    return out
