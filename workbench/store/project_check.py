"""The numbers and named values of ``project.json`` are what Workbench writes, or it is damaged.

JSON readers accept ``Infinity``, ``NaN`` and ``1e400`` (which becomes infinity); a project that
says it has infinitely many rows, a NaN revision or a role no Workbench knows would otherwise
fail deep inside the code that uses it, as "an unexpected problem". These checks run where the
document enters (before ``workbench info`` or opening read a part), so every such file gets the
plain "damaged" message. Each returns the name of the first bad part, or None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

MAX_COUNT = 10**12  # rows and revisions: far above anything real, far below overflow
MAX_BYTES = 2**63 - 1  # a file's size: whatever a file system can report


def _count(value: Any, limit: int = MAX_COUNT) -> bool:
    """A whole number (not a bool, not a float) in [0, limit]."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def _finite(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < 1e300
    )


def _known(value: Any, allowed: Iterable[str]) -> bool:
    return isinstance(value, str) and value in set(allowed)


def _stamps(value: Any, sections: set[str]) -> bool:
    """``{section: revision}`` with known sections and whole-number revisions."""
    return isinstance(value, dict) and all(k in sections and _count(v) for k, v in value.items())


def bad_data_part(data: dict[str, Any]) -> str | None:
    from workbench.tables.table import ColumnKind

    if not _count(data.get("rows")):
        return "data.rows"
    columns = data.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        return "data.columns"
    kinds = data.get("kinds")
    if not isinstance(kinds, dict) or not all(_known(v, list(ColumnKind)) for v in kinds.values()):
        return "data.kinds"
    source = data.get("source")
    if not isinstance(source, dict):
        return "data.source"
    if "size" in source and not _count(source["size"], MAX_BYTES):
        return "data.source.size"
    if "modified" in source and not _finite(source["modified"]):
        return "data.source.modified"
    if not isinstance(data.get("sheets", []), list) or not isinstance(data.get("notes", []), list):
        return "data.notes"
    return None


def bad_part(doc: dict[str, Any]) -> str | None:
    """The first part of ``project.json`` (already of the right container types) whose values
    are not ones Workbench writes: counts that are not whole numbers, unknown names."""
    from workbench.project import Section
    from workbench.steps.goal import Direction, Task
    from workbench.vocabulary import ColumnRole

    sections = {str(s) for s in Section}
    if not _stamps(doc["revisions"], sections):
        return "revisions"
    for name, stamped in doc["results"].items():
        if not _stamps(stamped["inputs"], sections):
            return f"results.{name}.inputs"
    model = doc["results"].get("model")
    fit = model["value"].get("fit") if model is not None else None
    if isinstance(fit, dict) and not _known(fit.get("task", "regression"), list(Task)):
        return "results.model.task"
    roles = list(ColumnRole)
    if not all(_known(v, roles) for v in doc["roles"].values()):
        return "roles"
    goal = doc["goal"]
    if goal is not None:
        if not _known(goal.get("direction", "maximize"), list(Direction)):
            return "goal.direction"
        if goal.get("task") is not None and not _known(goal["task"], list(Task)):
            return "goal.task"
        if goal.get("success") is not None and not _finite(goal["success"]):
            return "goal.success"
    if doc["data"] is not None:
        return bad_data_part(doc["data"])
    return None
