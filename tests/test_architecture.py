"""The package's shape: no import cycles, no god modules or functions, no private names imported across modules.

These walk the source with :mod:`ast` (nothing is imported), so they hold for every module, also the ones no other
test imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netlens"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
#: a function or module longer than the limits must say why in a comment holding this marker
REASON = "# long:"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported netlens module, line) for every import in the module, at any depth (function-level ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "netlens":
                    yield _known(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != "netlens":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in MODULES else _known(base)), node.lineno


def _known(dotted: str) -> str:
    while dotted not in MODULES and "." in dotted:
        dotted = dotted.rpartition(".")[0]
    return dotted


def import_graph() -> dict[str, set[str]]:
    return {name: {m for m, _ in _imports(name, path) if m != name} for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a list of modules, first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_import_walk_sees_relative_and_function_level_imports(tmp_path: Path) -> None:
    graph = import_graph()
    assert "netlens.model.network" in graph["netlens.model.projection"]
    assert "netlens.errors" in graph["netlens.model.network"]


def test_no_import_cycles() -> None:
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_size(name: str) -> None:
    text = MODULES[name].read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES or REASON in text.split('"""', 2)[-1][:2000], (
        f"{name} has {lines} lines (limit {MAX_MODULE_LINES}); split it, or say why in a '{REASON}' comment near the top"
    )


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize("name", sorted(MODULES))
def test_function_length(name: str) -> None:
    source = MODULES[name].read_text(encoding="utf-8")
    lines = source.splitlines()
    too_long = []
    for fn in _functions(ast.parse(source)):
        assert fn.end_lineno is not None
        length = fn.end_lineno - fn.lineno + 1
        body = "\n".join(lines[fn.lineno - 1 : fn.end_lineno])
        if length > MAX_FUNCTION_LINES and REASON not in body:
            too_long.append(f"{fn.name} ({length} lines, line {fn.lineno})")
    assert not too_long, f"{name}: functions over {MAX_FUNCTION_LINES} lines without a '{REASON}' reason: {', '.join(too_long)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_names_imported_from_other_modules(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name} (line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("netlens")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not private, f"{name} imports private names: {', '.join(private)}"


def test_no_comment_points_outside_the_repository() -> None:
    offenders = [name for name, path in MODULES.items() if "DESIGN.md" in path.read_text(encoding="utf-8")]
    assert not offenders, f"these modules point at DESIGN.md, which is not in the repository: {offenders}"
