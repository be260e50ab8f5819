"""The core's import graph: no cycles, no names re-exported for old callers (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Cycles still being taken apart (issue 14); the list only shrinks.
KNOWN_CYCLES: set[frozenset[str]] = set()
#: Modules whose ``__all__`` still lists names of their split-off parts (issue 14).
KNOWN_SHIMS: set[str] = set()


def _modules(root: Path) -> dict[str, Path]:
    mods = {}
    for path in (root / "workbench").rglob("*.py"):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the workbench modules it imports (anywhere in the file, lazily too)."""
    mods = _modules(root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                package_of_self = mods.get(target, Path()).name == "__init__.py" and (
                    name.startswith(target + ".")
                )
                if target and target != name and not package_of_self:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected parts with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(frozenset(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def re_exports(root: Path) -> dict[str, list[str]]:
    """Module -> names its ``__all__`` lists that it imported from another workbench module."""
    out = {}
    for name, path in _modules(root).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            a.asname or a.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workbench")
            for a in node.names
        }
        listed = [
            elt.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for elt in getattr(node.value, "elts", [])
            if isinstance(elt, ast.Constant)
        ]
        if shims := [n for n in listed if n in imported]:
            out[name] = shims
    return out


def test_the_core_has_no_new_import_cycles() -> None:
    found = set(cycles(import_graph(ROOT)))
    assert found <= KNOWN_CYCLES, [sorted(c) for c in found - KNOWN_CYCLES]


def test_no_module_re_exports_its_parts() -> None:
    found = re_exports(ROOT)
    assert set(found) <= KNOWN_SHIMS, {m: n for m, n in found.items() if m not in KNOWN_SHIMS}


def test_the_checks_find_a_cycle_and_a_shim(tmp_path: Path) -> None:
    (tmp_path / "workbench").mkdir()
    (tmp_path / "workbench" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "workbench" / "a.py").write_text("from workbench.b import f\n", encoding="utf-8")
    (tmp_path / "workbench" / "b.py").write_text(
        "def f():\n    from workbench import a\n", encoding="utf-8"
    )
    (tmp_path / "workbench" / "c.py").write_text(
        'from workbench.b import f\n__all__ = ["f", "g"]\ndef g(): ...\n', encoding="utf-8"
    )
    assert cycles(import_graph(tmp_path)) == [frozenset({"workbench.a", "workbench.b"})]
    assert re_exports(tmp_path) == {"workbench.c": ["f"]}
