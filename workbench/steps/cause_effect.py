"""What a cause group's conditions are worth on rows that did not pick them (cross-fitting).

A group's conditions ("paste_thickness below 17 and supplier S2") are chosen to set the group's
rows apart, so the group's own average says nothing about what those conditions bring: the
group is a selection of the best rows. The honest number is the target over **all** rows that
meet the conditions against the rows that do not — measured on rows that were not used to find
the conditions:

* the table's rows are split into :data:`~workbench.claim_rows.FOLDS` folds (seeded);
* for each fold, the conditions are found again from the group's rows *outside* that fold
  against the other rows outside it (the same one-column search as the description);
* each fold's rows are then marked as meeting their fold's conditions or not, and the target is
  compared between the two sets of held-out rows, with a 95% interval (Welch for a mean,
  Newcombe for a rate).

Each held-out row is judged by a rule that never saw it. What this does not remove: the model
that formed the groups, and the choice of which factors describe them, saw every row. A table
longer than :data:`~workbench.claim_rows.MAX_FIT_ROWS` is measured on a seeded sample of that many
rows (the claim's rule says which, and the sentence says "Over a random sample of …").

Cost, measured on this 2-core machine (1,000,000 rows, 6 groups, synthetic routes): grouping
with every claim 3.6 s against 1.5 s with none — the folds' searches run on the 200,000-row
sample, the claims' row selections are vectorized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from workbench.claim_format import mean_step
from workbench.claim_rows import FOLD_SEED, FOLDS, MAX_FIT_ROWS, Selection, fold_of
from workbench.claims import Claim, measure
from workbench.steps.cause_profile import ColumnStats, best_condition

RULE_KEYS = ("column", "kind", "low", "high", "levels")


def rule_of(conditions: Sequence[Any]) -> list[dict[str, Any]]:
    """Conditions (objects or dicts) as the plain rule a claim stores."""
    out = []
    for c in conditions:
        d = c if isinstance(c, dict) else c.to_dict()
        out.append({k: d.get(k) for k in RULE_KEYS})
    return out


def _fold_rule(
    frame: pd.DataFrame,
    train: np.ndarray,
    group_pos: np.ndarray,
    columns: Sequence[str],
    min_separation: float | None,
    max_clauses: int,
) -> list[dict[str, Any]]:
    """The group's conditions found on the ``train`` rows only."""
    inside = group_pos[train[group_pos]]
    if inside.size < 2:
        return []
    found = []
    for col in columns:
        if col not in frame.columns:
            continue
        values = frame[col].iloc[np.flatnonzero(train)]
        cond = best_condition(ColumnStats(values), frame[col].iloc[inside])
        if cond is None:
            continue
        if min_separation is not None and cond.separation < min_separation:
            continue
        found.append(cond)
    return rule_of(found[:max_clauses])


def cross_fitted_rules(
    frame: pd.DataFrame,
    group_rows: pd.Index,
    columns: Sequence[str],
    *,
    min_separation: float | None,
    max_clauses: int,
    folds: int = FOLDS,
    seed: int = FOLD_SEED,
    max_rows: int = MAX_FIT_ROWS,
) -> dict[str, Any]:
    """One rule per fold, each found without that fold's rows (the claim's ``cross_fit``).

    ``min_separation``: keep only conditions that set the group apart by this much (the
    description's own test); None keeps the best condition of every column.
    """
    fold = fold_of(len(frame), folds, seed, max_rows)
    group_pos = frame.index.get_indexer(group_rows)
    group_pos = group_pos[group_pos >= 0]
    rules = []
    for k in range(folds):
        train = (fold >= 0) & (fold != k)
        rules.append(_fold_rule(frame, train, group_pos, columns, min_separation, max_clauses))
    return {
        "folds": folds,
        "seed": seed,
        "max_rows": max_rows,
        "rows": len(frame),
        "columns": list(columns),
        "rules": rules,
    }


def conditions_effect(
    frame: pd.DataFrame,
    target: str,
    label: str | None,
    spec: dict[str, Any],
    *,
    name: str = "effect",
) -> Claim:
    """The target where the cross-fitted conditions hold against where they do not."""
    meets = Selection(cross_fit=spec, meets=True)
    fails = Selection(cross_fit=spec, meets=False)
    claim = measure(
        "difference",
        meets,
        frame,
        target=target,
        label=label,
        compare=fails,
        estimate="cross_fitted",
        name=name,
    )
    if label is None:  # a mean shows as many decimals as it takes to tell the two apart
        meets_mean = claim.value + (claim.comparison or 0.0)
        claim = replace(claim, step=mean_step(meets_mean, claim.comparison or meets_mean))
    return claim


def expected_direction(focus_kind: str) -> int:
    """The sign of the difference that says "these conditions go with the focus": a bottom
    focus is the low rows, so its conditions should go with a lower target."""
    return -1 if focus_kind == "bottom" else 1


def effect_holds(claim: Claim | None, focus_kind: str) -> bool:
    """True when the interval lies wholly on the focus' side of zero."""
    if claim is None or claim.interval is None:
        return False
    lo, hi = claim.interval
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return False
    return lo > 0 if expected_direction(focus_kind) > 0 else hi < 0
