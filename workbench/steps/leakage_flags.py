"""One-sided leak flags and their families, for :mod:`workbench.steps.leakage`.

A :class:`Flag` is how one column departs, on the sampled rows, from the state it rests at
outside the focus (0, empty, "none") — or where it is empty. :func:`one_sided` builds it;
:func:`flag_findings` keeps the flags that give the focus away (alone, or side by side with
others when each is too rare to judge alone) and adds their look-alike siblings, with the
numbers every alert states.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.steps.goal import FocusRule
from workbench.steps.profile import ColumnSummary, json_value
from workbench.steps.quality_target import float_rows

MIN_FLAG_ROWS = 5  # a one-sided flag must mark at least this many focus rows…
MIN_FLAG_SHARE = 0.01  # …and this share of them
FLAG_IMPURITY = 0.01  # marked rows outside the focus tolerated (label noise), as a share
ALPHA = 1e-6  # chance of so pure a flag if it were unrelated to the focus: below this, a leak
SIBLING_MAX_LEVELS = 10  # a sibling flag takes few values (0/1, a short code list)


@dataclass(eq=False)  # identity: flags are told apart by object, not by their arrays
class Flag:
    """How one column departs from its resting state on the sampled rows, for one focus."""

    column: str
    position: int  # the column's place in the table
    rest: Any  # the resting value (None: empty)
    departs: np.ndarray  # bool per sampled row: the column left its resting state
    in_focus: int  # departing rows in the focus
    outside: int  # departing rows outside it
    values: frozenset[Any] | None  # the values it takes when it departs (when few), else None
    mark: str = "rest"  # "rest": it leaves its resting state; "empty": it is empty

    @property
    def marked(self) -> int:
        return self.in_focus + self.outside

    def pure(self) -> bool:
        return self.in_focus > 0 and self.outside <= math.floor(FLAG_IMPURITY * self.marked)


def log10_tail(n: int, k: int, p: float) -> float:
    """log10 of P(X >= k) for X ~ Binomial(n, p): the chance that ``k`` of ``n`` marked rows or
    more fall in a focus holding a share ``p`` of the rows, if the flag had nothing to do with it.
    """
    if k <= 0:
        return 0.0
    if p <= 0:
        return -math.inf
    if p >= 1:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * lp + (n - j) * lq
        for j in range(k, n + 1)
    ]
    top = max(terms)
    return (top + math.log(sum(math.exp(t - top) for t in terms))) / math.log(10)


def column_states(
    s: ColumnSummary, col: pd.Series, rows: np.ndarray
) -> tuple[np.ndarray, Callable[[Any], Any]]:
    """The sampled rows' states (label codes, -1 empty; or floats, NaN empty) and a function
    from a state to the value the user reads."""
    if s.codes is not None:
        levels = s.levels

        def label(code: Any) -> Any:
            if code < 0 or levels is None:
                return None
            return json_value(levels[int(code)])

        return s.codes[rows], label
    return float_rows(col, rows), lambda v: json_value(v)


def one_sided(
    name: str,
    position: int,
    states: np.ndarray,
    label: Callable[[Any], Any],
    focus: np.ndarray,
) -> Flag | None:
    """The column's departures from the state it rests at outside the focus, if it rests.

    When it rests at a value, an empty cell is neither rest nor departure (a flag with a few
    cells lost in the export is still a flag); when it rests empty, a filled cell departs.
    """
    outside_rows = np.flatnonzero(~focus)
    if len(outside_rows) == 0:
        return None
    is_float = states.dtype.kind == "f"
    empty = np.isnan(states) if is_float else states < 0
    # The rows are in random order: if the column rests at one state in all but a few rows
    # outside the focus, one of the first three rows with a value (or all, if it rests empty)
    # holds it.
    filled_outside = outside_rows[~empty[outside_rows]]
    candidates = [None] if len(filled_outside) == 0 else states[filled_outside[:3]].tolist()
    best: tuple[int, Any, np.ndarray] | None = None
    for candidate in dict.fromkeys([*candidates, None]):
        departs = ~empty if candidate is None else (states != candidate) & ~empty
        outside = int(np.count_nonzero(departs[outside_rows]))
        if best is None or outside < best[0]:
            best = (outside, candidate, departs)
    assert best is not None
    outside, rest, departs = best
    in_focus = int(np.count_nonzero(departs & focus))
    if in_focus == 0:
        return None
    values = None
    if outside + in_focus <= len(states) // 2:  # only a rare departure can make a sibling
        distinct = np.unique(states[departs])
        if len(distinct) <= SIBLING_MAX_LEVELS:
            values = frozenset(label(v) for v in distinct.tolist())
    rest_value = None if rest is None else label(rest)
    flag = Flag(name, position, rest_value, departs, in_focus, outside, values)
    if not flag.pure():
        # no resting state, but maybe empty only in the focus (a measurement not taken on
        # parts that failed): that gives the result away as well
        in_empty = int(np.count_nonzero(empty & focus))
        if in_empty:
            gaps = Flag(name, position, None, empty, in_empty, int(empty.sum()) - in_empty, None)
            gaps.mark = "empty"
            if gaps.pure():
                return gaps
    return flag


def _significant(marked: int, in_focus: int, n_focus: int, p: float, alpha: float) -> bool:
    """Enough marked focus rows, and a purity that chance does not explain."""
    if in_focus < max(MIN_FLAG_ROWS, math.ceil(MIN_FLAG_SHARE * n_focus)):
        return False
    return log10_tail(marked, in_focus, p) < math.log10(alpha)


def _adjacent_runs(flags: list[Flag], target_position: int) -> list[list[Flag]]:
    """Flags whose columns sit next to each other in the table (the target joins a run)."""
    runs: list[list[Flag]] = []
    last = -2
    for flag in sorted(flags, key=lambda f: f.position):
        gap_is_target = flag.position == last + 2 and last + 1 == target_position
        if runs and (flag.position == last + 1 or gap_is_target):
            runs[-1].append(flag)
        else:
            runs.append([flag])
        last = flag.position
    return runs


def _siblings(members: list[Flag], others: list[Flag]) -> list[Flag]:
    """Flags shaped like the members (same resting state, only values the members take, no
    more common than the rarest member) that sit right beside them in the table.

    There is no statistical guard here (a sibling need not predict the result on its own), so
    the shape and the place must both match; the target does not join the block: a rare honest
    setting kept next to the target is not a sibling.
    """
    resting = [m for m in members if m.mark == "rest"]
    if not resting:
        return []
    rests = {m.rest for m in resting}
    values = frozenset().union(*(m.values or frozenset() for m in resting))
    rarest = min(m.marked for m in resting)
    alike = {
        f.position: f
        for f in others
        if f.mark == "rest"
        and f.rest in rests
        and f.values is not None
        and f.values <= values
        and f.marked <= rarest
    }
    block = {m.position for m in members}
    found: list[Flag] = []
    grown = True
    while grown:
        grown = False
        for position in list(alike):
            if position - 1 in block or position + 1 in block:
                block.add(position)
                found.append(alike.pop(position))
                grown = True
    return found


def _flag_details(
    flag: Flag, target: str, rule: FocusRule, n_focus: int, p: float, rows: int
) -> dict[str, Any]:
    return {
        "method": "one_sided",
        "target": target,
        "focus": rule.to_text(),
        "mark": flag.mark,
        "rest": flag.rest,
        "marked": flag.marked,
        "in_focus": flag.in_focus,
        "outside": flag.outside,
        "focus_rows": n_focus,
        "focus_share": round(p, 6),
        "p_log10": round(log10_tail(flag.marked, flag.in_focus, p), 2),
        "sample_rows": len(flag.departs),
        "rows": rows,
    }


def flag_findings(
    candidates: list[Flag],
    target: str,
    rule: FocusRule,
    focus: np.ndarray,
    target_position: int,
    n_columns: int,
    rows: int,
) -> dict[str, dict[str, Any]]:
    """Details per flagged column for one focus: lone flags, families and their siblings."""
    n, n_focus = len(focus), int(focus.sum())
    p = n_focus / n
    alpha = ALPHA
    strong = [
        f for f in candidates if f.pure() and _significant(f.marked, f.in_focus, n_focus, p, alpha)
    ]
    # Flags too rare to count alone: members when they sit together and their union passes the
    # test (at a stricter level: which columns are pure was picked after looking).
    small = [f for f in candidates if f.pure() and f not in strong]
    for run in _adjacent_runs(small, target_position):
        if len(run) < 2:
            continue
        union = np.logical_or.reduce([f.departs for f in run])
        marked, in_focus = int(union.sum()), int((union & focus).sum())
        if _significant(marked, in_focus, n_focus, p, alpha / max(n_columns, 1)):
            strong += run
    found: dict[str, dict[str, Any]] = {}
    if not strong:
        return found
    family = sorted(strong, key=lambda f: f.position)
    siblings = []
    if len(family) >= 2:
        others = [f for f in candidates if f not in strong]
        siblings = _siblings(family, others)
    everyone = sorted(family + siblings, key=lambda f: f.position)
    names = [f.column for f in everyone]
    covered = np.logical_or.reduce([f.departs for f in family]) & focus
    for f in everyone:
        details = _flag_details(f, target, rule, n_focus, p, rows)
        if len(everyone) >= 2:
            details["family"] = names
            details["family_marks"] = [m.column for m in family]  # whose OR gives the cover
            details["family_covers"] = int(covered.sum())
            details["family_covers_pct"] = round(100.0 * covered.sum() / max(n_focus, 1), 1)
        if f in siblings:
            details["method"] = "sibling"
            details["like"] = [m.column for m in family]
        elif not _significant(f.marked, f.in_focus, n_focus, p, alpha):
            details["method"] = "together"
        found[f.column] = details
    return found
