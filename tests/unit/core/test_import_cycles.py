"""No import cycles inside any edge_assist subpackage.

import-linter keeps the layers apart, but it says nothing about two modules of one capability
importing each other. Such a cycle works only while a deferred import papers over it, and it
makes the modules impossible to read or test one at a time. The graph is built with `ast`
from the source (no module is imported), so a function-level import counts as much as one at
the top; imports under `if TYPE_CHECKING:` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[3] / "edge_assist"


def _module_name(path: Path, source_root: Path) -> str:
    """`edge_assist/notes/assign.py` -> `edge_assist.notes.assign` (a package is its `__init__`)."""
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path, source_root: Path) -> dict[str, Path]:
    """Every module under a package folder, by dotted name."""
    return {_module_name(path, source_root): path for path in sorted(root.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement at any depth, except those in `if TYPE_CHECKING:` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
            continue
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def _base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a `from ... import` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = parts[:keep]
    return ".".join([*base, node.module] if node.module else base)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of `known` one import statement loads (a name that is a submodule counts as it)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    base = _base(node, module, is_package)
    targets = set()
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in known:
            targets.add(submodule)
        elif base in known:
            targets.add(base)
    return targets


def import_graph(root: Path, source_root: Path = PACKAGE.parent) -> dict[str, set[str]]:
    """Module -> the modules of the same package (folder `root`) it imports."""
    modules = _modules(root, source_root)
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _import_nodes(tree):
            edges |= _targets(node, name, is_package, known)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules (first == last), or None when it is acyclic."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


SUBPACKAGES = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_no_import_cycle_inside_the_subpackage(subpackage: str) -> None:
    """Modules of one capability depend on each other in one direction only."""
    cycle = find_cycle(import_graph(PACKAGE / subpackage))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_graph_sees_function_level_imports_and_skips_type_checking(tmp_path: Path) -> None:
    """The checker itself can fail: a deferred import closes a cycle, a TYPE_CHECKING one does not."""
    package = tmp_path / "edge_assist" / "demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from edge_assist.demo import b\n")
    (package / "b.py").write_text("def f():\n    from edge_assist.demo.a import x\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nfrom . import d\nif TYPE_CHECKING:\n    from .d import y\n"
    )
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\n"
    )
    graph = import_graph(package, tmp_path)
    assert graph["edge_assist.demo.b"] == {"edge_assist.demo.a"}
    assert graph["edge_assist.demo.c"] == {"edge_assist.demo.d"}
    assert graph["edge_assist.demo.d"] == set()
    assert find_cycle(graph) == ["edge_assist.demo.a", "edge_assist.demo.b", "edge_assist.demo.a"]
