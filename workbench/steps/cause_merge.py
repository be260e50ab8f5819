"""When two cause groups say the same thing, and when one group is the overlap of two others.

HDBSCAN on SHAP values can split one mechanism into pieces that differ only in secondary pushes
(~0.1 in the target's unit while the main drivers push 0.6; planted overlapping routes gave two
groups for route A, an interaction gave three groups for one "low pressure" route). Such pieces
name the same strong drivers and the same conditions, so a reader would see the same sentence
twice: they are merged. Conditions on a column must *agree* (their value ranges or levels
overlap), so the two sides of one factor stay apart — AI4I's power failures at low power and at
high power push through the same columns but with "torque below" against "torque above".

A group whose strong drivers are exactly those of two other groups together, with conditions
that agree with both, holds the rows that meet both groups' conditions: it is their overlap
(planted routes A and B that add up on rows meeting both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

MERGE_DRIVER_RELATIVE = 0.3  # a strong driver pushes at least 30% as hard as the group's top one


class _Group(Protocol):
    drivers: list[Any]  # Driver: column, importance (toward the focus, largest first)
    conditions: list[Any]  # Condition of the description's clauses


def strong_drivers(group: _Group) -> frozenset[str]:
    """The columns that push the group's rows toward the focus at least 30% as hard as its top."""
    if not group.drivers:
        return frozenset()
    top = max(d.importance for d in group.drivers)
    return frozenset(d.column for d in group.drivers if d.importance >= MERGE_DRIVER_RELATIVE * top)


def _interval(cond: Any) -> tuple[float, float]:
    if cond.kind == "below":
        return -math.inf, float(cond.high)
    if cond.kind == "above":
        return float(cond.low), math.inf
    return float(cond.low), float(cond.high)


def conditions_agree(a: Any, b: Any) -> bool:
    """Two conditions on one column describe overlapping values (ranges meet, levels shared)."""
    if a.kind == "missing" or b.kind == "missing":
        return a.kind == b.kind
    if (a.kind == "in") != (b.kind == "in"):
        return False
    if a.kind == "in":
        return bool(set(map(str, a.levels)) & set(map(str, b.levels)))
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    return max(lo_a, lo_b) < min(hi_a, hi_b)


def _agree_on_shared(a: _Group, b: _Group, columns: frozenset[str] | None = None) -> bool:
    mine = {c.column: c for c in a.conditions}
    theirs = {c.column: c for c in b.conditions}
    shared = set(mine) & set(theirs)
    if columns is not None:
        shared &= set(columns)
    return all(conditions_agree(mine[c], theirs[c]) for c in shared)


def same_story(a: _Group, b: _Group) -> bool:
    """The two groups name the same strong drivers and their conditions agree."""
    drivers = strong_drivers(a)
    if not drivers or drivers != strong_drivers(b):
        return False
    # Conditions on the strong drivers: the same columns, agreeing values.
    if {c.column for c in a.conditions} & drivers != {c.column for c in b.conditions} & drivers:
        return False
    return _agree_on_shared(a, b, drivers)


def first_same_pair(groups: Sequence[_Group]) -> tuple[int, int] | None:
    """Positions (i, j), i < j, of the first two groups that say the same thing."""
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            if same_story(groups[i], groups[j]):
                return i, j
    return None


def overlaps(groups: Sequence[_Group]) -> dict[int, tuple[int, int]]:
    """Position of each group that is the overlap of two others -> their positions."""
    keys = [strong_drivers(g) for g in groups]
    out: dict[int, tuple[int, int]] = {}
    for k, key in enumerate(keys):
        if len(key) < 2:
            continue
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if k in (i, j) or not keys[i] or not keys[j] or keys[i] & keys[j]:
                    continue
                if keys[i] | keys[j] != key:
                    continue
                if _agree_on_shared(groups[k], groups[i], keys[i]) and _agree_on_shared(
                    groups[k], groups[j], keys[j]
                ):
                    out[k] = (i, j)
                    break
            if k in out:
                break
    return out
