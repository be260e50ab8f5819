"""The claim records behind a cause group's sentences (see :mod:`workbench.claims`).

Every number a group's description, the report and an action made from it state is computed
here as a claim on the rows it names:

* ``group_size`` — the group's rows; ``focus_share`` — their share of the focus rows;
* ``cond<i>_group`` / ``cond<i>_rest`` (and ``also<i>_…``) — the share of the group's rows,
  and of all other rows of the table, that meet each condition; ``…_p10`` / ``…_p90`` — the
  typical (10–90%) range of a numeric condition's column in the group and in the other rows;
* ``overall`` — the target's mean (or the focus class' rate) over all rows;
* ``group_mean`` — the same over the group's rows: a selection from the focus, so it is kept as
  data and never stated as a finding;
* ``effect`` — all rows meeting the group's conditions against the rows that do not,
  cross-fitted (:mod:`workbench.steps.cause_effect`); ``action_effect`` — the same for the
  conditions an action would change, when those are fewer than the group's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.claim_rows import Selection
from workbench.claims import ClaimKind, ClaimSet, measure
from workbench.steps.cause_effect import conditions_effect, cross_fitted_rules, rule_of


def _range(
    out: ClaimSet, frame: pd.DataFrame, labels: pd.Series, rows: Selection, cond: Any, name: str
) -> tuple[float, float]:
    """The typical (10–90%) range of the condition's column over ``rows``, as two claims."""
    low, high = (
        out.add(
            measure(
                "quantile",
                rows,
                frame,
                groups=labels,
                column=cond.column,
                q=q,
                step=cond.step,
                name=f"{name}_p{round(q * 100)}",
            )
        ).value
        for q in (0.1, 0.9)
    )
    return low, high


def action_columns(conditions: Sequence[Any]) -> list[str]:
    """The columns an action from these conditions changes: the controllable ones, else those
    of unknown controllability (the same choice as
    :func:`workbench.feedback.actions.action_from_group`)."""
    ctrl = [c.column for c in conditions if c.controllable == "controllable"]
    return ctrl or [c.column for c in conditions if c.controllable == "unknown"]


def group_claims(
    group: Any,
    frame: pd.DataFrame,
    labels: pd.Series,
    *,
    target: str,
    label: str | None,
    focus_rule: str,
    candidates: Sequence[str],
    min_separation: float,
    max_clauses: int,
) -> ClaimSet:
    """All claims of one group; sets its conditions' shares to the exact claimed values.

    ``labels``: every focus row's group (-1 noise); ``candidates``: the columns the
    description's conditions were looked for in (the group's strong drivers).
    """
    out = ClaimSet()
    gid = int(group.id)
    in_group = Selection(base="group", group=gid)
    rest = Selection(base="not_group", group=gid)
    focus = Selection(base="focus", focus=focus_rule, target=target)
    out.add(measure("count", in_group, frame, groups=labels, name="group_size"))
    out.add(measure("share", in_group, frame, of=focus, groups=labels, name="focus_share"))
    kind: ClaimKind = "rate" if label is not None else "mean"
    out.add(measure(kind, Selection(), frame, target=target, label=label, name="overall"))
    out.add(
        measure(kind, in_group, frame, target=target, label=label, groups=labels, name="group_mean")
    )
    for prefix, conds in (("cond", group.conditions), ("also", group.also)):
        for i, cond in enumerate(conds):
            rule = tuple(rule_of([cond]))
            g = out.add(
                measure(
                    "share",
                    Selection(base="group", group=gid, conditions=rule),
                    frame,
                    of=in_group,
                    groups=labels,
                    name=f"{prefix}{i}_group",
                )
            )
            r = out.add(
                measure(
                    "share",
                    Selection(base="not_group", group=gid, conditions=rule),
                    frame,
                    of=rest,
                    groups=labels,
                    name=f"{prefix}{i}_rest",
                )
            )
            # On a big table the search judged the rest on a sample; say the exact shares.
            cond.group_share, cond.rest_share = g.value, r.value
            if cond.group_range is not None:
                cond.group_range = _range(out, frame, labels, in_group, cond, f"{prefix}{i}_group")
            if cond.rest_range is not None:
                cond.rest_range = _range(out, frame, labels, rest, cond, f"{prefix}{i}_rest")
    if group.conditions:
        spec = cross_fitted_rules(
            frame,
            group.rows,
            list(candidates),
            min_separation=min_separation,
            max_clauses=max_clauses,
        )
        out.add(conditions_effect(frame, target, label, spec, name="effect"))
        chosen = action_columns(group.conditions)
        if chosen and set(chosen) != {c.column for c in group.conditions}:
            spec = cross_fitted_rules(
                frame, group.rows, chosen, min_separation=None, max_clauses=len(chosen)
            )
            out.add(conditions_effect(frame, target, label, spec, name="action_effect"))
    return out
