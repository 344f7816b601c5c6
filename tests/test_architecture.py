"""The layering the codebase promises (issue 11), read from the source with ``ast``.

- no import cycle among the project's modules (module-level imports; ``TYPE_CHECKING``
  blocks and imports inside functions are not part of importing a module);
- the engine (``autograd_core.engine``) imports only itself and the standard library: it is
  the bottom layer, and the tools (draw, verify, solve, exercise, site) and ``nn`` sit on it;
- outside the engine, no code reads the engine's private attributes of a node.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_core", "nn")


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name → (file, is it a package's __init__)."""
    found: dict[str, tuple[Path, bool]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for statement in tree.body:
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            continue
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
        elif isinstance(statement, ast.If | ast.Try):
            for inner in ast.walk(statement):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner


def _imported(name: str) -> set[str]:
    """Every module ``name`` imports when it is imported (absolute dotted names, any package)."""
    path, is_package = MODULES[name]
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for statement in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names)
            continue
        base = here[: len(here) - statement.level + 1] if statement.level else []
        module = ".".join(base + (statement.module.split(".") if statement.module else []))
        for alias in statement.names:  # `from pkg import sub` imports the submodule pkg.sub
            found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module)
    return found


GRAPH = {name: {m for m in _imported(name) if m in MODULES and m != name} for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(planted) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_is_read():
    assert "autograd_core.engine" in GRAPH["autograd_core"]  # the root re-exports it
    assert "autograd_core.engine.grad_table" in GRAPH["autograd_core.engine.backprop"]
    assert "autograd_core" in GRAPH["nn.layers"]


def test_no_module_imports_itself_through_others():
    assert _cycles(GRAPH) == []


ENGINE = sorted(name for name in MODULES if name.startswith("autograd_core.engine"))


@pytest.mark.parametrize("name", ENGINE)
def test_the_engine_imports_only_itself_and_the_standard_library(name):
    outside = {m for m in _imported(name)
               if not m.startswith("autograd_core.engine")
               and m.split(".")[0] not in sys.stdlib_module_names
               and m != "__future__"}
    assert outside == set(), f"{name} imports {sorted(outside)}"


PRIVATE = re.compile(r"\.(_op|_inputs|_table|_label|_epoch|_prev|_backward)\b")
TOOLS = sorted(name for name in MODULES if not name.startswith("autograd_core.engine"))


@pytest.mark.parametrize("name", TOOLS)
def test_tools_use_only_the_public_attributes_of_a_node(name):
    text = MODULES[name][0].read_text(encoding="utf-8")
    hits = [line for line in text.splitlines() if PRIVATE.search(line)]
    assert hits == [], f"{name} reads the engine's private attributes: {hits}"
