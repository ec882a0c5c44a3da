"""The package's layers point one way (issue 22): a walk over every ``import`` in ``digest/``
(module level and inside functions alike) fails on a cycle between modules, or on a lower
layer importing a higher one.

The stages, low to high: the shared core (config, models, briefing, errors, embed, store, …),
then ``ingest``, ``judges`` and ``write``, then ``evaluate``, ``render``, ``daily``, then the
composition root ``app`` and the ``cli``. ``write``, ``store``, ``judges`` and ``config`` must
never reach up into ``daily``, ``ingest``, ``cli`` or ``app``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "digest"

# (importer prefix, forbidden prefixes)
FORBIDDEN = [
    (prefix, ("digest.daily", "digest.ingest", "digest.cli", "digest.app"))
    for prefix in ("digest.write", "digest.store", "digest.judges", "digest.config")
] + [
    ("digest.", ("digest.cli",)),  # nothing below the CLI imports it...
    ("digest.", ("digest.app",)),  # ...or the composition root
]
ALLOWED_UPWARD = {"digest.cli", "digest.app", "digest.__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only: never imported
    when the program runs, so they cannot form a cycle or a dependency)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                for alias in node.names:  # `from digest.cli import ingest` names a module
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_no_lower_layer_imports_a_higher_one() -> None:
    graph = _graph()
    broken = sorted(
        f"{importer} imports {target}"
        for importer, targets in graph.items() for target in targets
        for prefix, banned in FORBIDDEN
        if (importer == prefix or importer.startswith(prefix + ".") or prefix == "digest.")
        and importer not in ALLOWED_UPWARD and not importer.startswith("digest.cli.")
        and any(target == b or target.startswith(b + ".") for b in banned)
        and not (prefix == "digest." and importer.startswith(tuple(banned)))
    )
    assert not broken, "\n".join(broken)


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk meets, as ``a -> b -> a``; a package importing its own
    submodules (``__init__`` re-exports) is not a cycle of logic and is left out."""
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return [c for c in cycles if not all(
        a.startswith(b + ".") or b.startswith(a + ".")
        for a, b in zip(c.split(" -> "), c.split(" -> ")[1:], strict=False))]


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"digest.write.llm": {"digest.write.llm_fix"}, "digest.write.llm_fix":
             {"digest.write.llm"}, "digest.write": {"digest.write.llm"}}
    assert find_cycles(graph) == ["digest.write.llm -> digest.write.llm_fix -> digest.write.llm"]


def test_there_is_no_import_cycle() -> None:
    cycles = find_cycles(_graph())
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("package", ["write", "judges", "ingest", "evaluate", "daily", "render"])
def test_the_walk_sees_each_stage(package: str) -> None:
    """Guard for the walk itself: every stage is found and imports something of ours."""
    graph = _graph()
    assert any(name.startswith(f"digest.{package}.") and graph[name] for name in graph)
