"""The modules of ``src/wsblock`` import each other without a circle, and layers only downwards.

Read from the source with :mod:`ast` (nothing is imported), so a lazy import inside a
function counts as much as one at the top: a circle broken by moving an import into a
function is still a circle in the design, and so is one under ``if TYPE_CHECKING:``
(a type annotation naming a module's parent is the parent's design leaking down).
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "wsblock"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules that ``path`` imports (the longest known prefix of each name)."""
    name = _module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()

    def known(dotted: str) -> str | None:
        while dotted:
            if dotted in modules:
                return dotted
            dotted = dotted.rpartition(".")[0]
        return None

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if (target := known(alias.name)) is not None:
                        found.add(target)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name if is_package else name.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        base = base.rpartition(".")[0]
                    origin = f"{base}.{child.module}" if child.module else base
                else:
                    origin = child.module or ""
                for alias in child.names:
                    target = known(f"{origin}.{alias.name}") or known(origin)
                    if target is not None:
                        found.add(target)
            visit(child)

    visit(tree)
    found.discard(name)
    return found


@functools.cache
def _graph() -> dict[str, set[str]]:
    """The import graph, read in a fresh interpreter: CPython 3.11's ``ast`` can raise
    ``SystemError`` (recursion depth mismatch) in a process where a ``RecursionError``
    was caught before, as the parsers' deep-nesting tests do."""
    out = subprocess.run(
        [sys.executable, __file__, "--graph"], capture_output=True, text=True, check=True
    ).stdout
    return {mod: set(targets) for mod, targets in json.loads(out).items()}


def _read_graph() -> dict[str, set[str]]:
    paths = sorted((SRC / PACKAGE).rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    graph = {_module_name(p): _imports(p, modules) for p in paths}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules along it, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == GREY:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt) == WHITE and (found := dfs(nxt)) is not None:
                return found
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE and (found := dfs(node)) is not None:
            return found
    return None


def test_no_import_circle() -> None:
    circle = _cycle(_graph())
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_check_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


# The layers of docs/architecture.md, lowest first. A module may import its own layer and
# those below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("wsblock", "wsblock.document"),
    ("wsblock.variables",),
    ("wsblock.conversation", "wsblock.codecs"),
    ("wsblock.engine",),
    ("wsblock.journal", "wsblock.words", "wsblock.console"),
    (
        "wsblock.runner",
        "wsblock.replay",
        "wsblock.har",
        "wsblock.cli",
        "wsblock.app",
        "wsblock.load",
        "wsblock.servers",
        "wsblock.testing",
    ),
]


def _layer(module: str) -> int | None:
    if module == PACKAGE:
        # The package's own ``__init__`` is a façade over the front ends (``wsblock.connect``,
        # ``wsblock.run_file``, imported on first use): the top layer, which nothing imports.
        return len(LAYERS) - 1
    best: tuple[int, int] | None = None  # (length of the matched prefix, layer)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return None if best is None else best[1]


def test_layers_import_only_downwards() -> None:
    graph = _graph()
    upward = []
    for mod, targets in sorted(graph.items()):
        here = _layer(mod)
        for target in sorted(targets):
            there = _layer(target)
            if here is not None and there is not None and there > here:
                upward.append(f"{mod} (layer {here + 1}) imports {target} (layer {there + 1})")
    assert not upward, "\n".join(upward)


def test_the_app_never_touches_a_socket() -> None:
    graph = _graph()
    offenders = sorted(
        f"{mod} imports {target}"
        for mod, targets in graph.items()
        if mod.startswith("wsblock.app")
        for target in targets
        if target.startswith("wsblock.engine.") and target.endswith("_transport")
    )
    assert not offenders, offenders


if __name__ == "__main__" and "--graph" in sys.argv:
    print(json.dumps({mod: sorted(targets) for mod, targets in _read_graph().items()}))
