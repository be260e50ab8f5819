"""docs/architecture.md matches the code: every part is named, named parts exist, layers hold."""

from __future__ import annotations

import re

from tests.core.test_import_graph import ROOT, import_graph

DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

#: package -> packages (and modules) it must not import, as the doc's "Layer rules" say.
_PIPELINE = ("workbench.pipeline", "workbench.analysis", "workbench.big_analysis")
FORBIDDEN = {
    "tables": ("store", "feedback", "report", "compute", *_PIPELINE),
    "steps": ("feedback", "report", "compute", *_PIPELINE),
    "store": ("report", "compute", *_PIPELINE),
    "feedback": ("report", "compute", *_PIPELINE),
    "report": ("compute", *_PIPELINE),
}
#: The exceptions the doc lists, each a lazy import inside one function.
EXCEPTIONS = {
    ("workbench.steps.pii_copy", "store"),
    ("workbench.feedback.library_search", "store"),
}


def _parts() -> tuple[list[str], list[str]]:
    packages = sorted(
        p.name for p in (ROOT / "workbench").iterdir() if (p / "__init__.py").is_file()
    )
    modules = sorted(p.stem for p in (ROOT / "workbench").glob("*.py") if p.stem != "__init__")
    return packages, modules


def test_every_package_and_top_level_module_is_named_in_the_doc() -> None:
    packages, modules = _parts()
    missing = [f"{p}/" for p in packages if f"{p}/" not in DOC]
    missing += [m for m in modules if not re.search(rf"\b{re.escape(m)}(\.py|\b)", DOC)]
    assert missing == []


def test_every_file_the_doc_names_exists() -> None:
    named = set(re.findall(r"`([\w/]+\.py)`", DOC)) | set(re.findall(r"\b([\w]+/[\w/]*\.py)", DOC))
    roots = [ROOT, ROOT / "workbench"]
    gone = [n for n in sorted(named) if not any((r / n).is_file() for r in roots)]
    bare = [n for n in gone if "/" not in n and any(ROOT.rglob(n))]
    assert sorted(set(gone) - set(bare)) == []


def test_the_layers_hold() -> None:
    graph = import_graph(ROOT)
    broken = []
    for module, targets in graph.items():
        parts = module.split(".")
        if len(parts) < 3 or parts[1] not in FORBIDDEN:
            continue
        for target in targets:
            for banned in FORBIDDEN[parts[1]]:
                name = banned if banned.startswith("workbench.") else f"workbench.{banned}"
                if (target == name or target.startswith(name + ".")) and (
                    (module, banned) not in EXCEPTIONS
                ):
                    broken.append(f"{module} -> {target}")
    assert broken == []
