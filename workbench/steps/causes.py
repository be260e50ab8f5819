"""Cause groups: distinct groups of focus rows that the model reaches for different reasons.

HDBSCAN runs on the focus rows' SHAP vectors: two rows land in the same group when the same
factors push them toward the goal by similar amounts. What we measured on the demo line and on
harder variants (weaker routes, 30-40 pure-noise columns; see tests/core/test_causes.py):

* raw SHAP values (they share the target's unit, so no scaling) restricted to the columns that
  carry 95% of the focus rows' mean |SHAP| (3 to 15 columns) recover the planted routes as well
  as all columns (adjusted Rand index 0.98-1.0) and cut HDBSCAN's time several-fold;
* ``min_samples`` = min(min group size, 10): as good as the default (= min group size), which
  is 5-10x slower on big focus sets (50,000 rows: ~10 s instead of ~100 s);
* above :data:`MAX_CLUSTER_ROWS` focus rows, HDBSCAN runs on a seeded random sample and the
  other rows join the group whose centre is nearest when they lie within its reach, else
  they are noise (``hdbscan.approximate_predict`` did the same in ~20 s for 30,000 rows).

:func:`cluster_shap` is a plain top-level function of arrays, so the GUI can run it in a worker
process (HDBSCAN holds the GIL): ``run_in_process(cluster_shap, values, size, ...)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.claims import ClaimSet
from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.steps import causes_wording as words
from workbench.steps.cause_claims import group_claims
from workbench.steps.cause_profile import ColumnStats, Condition, best_condition
from workbench.steps.goal import ColumnRole, Goal, parse_focus
from workbench.steps.pii import masked_rules

MIN_FOCUS_ROWS = 30  # fewer focus rows than this: refuse to cluster
MIN_GROUP_FLOOR = 10  # the automatic smallest group never goes below this
AUTO_GROUP_SHARE = 0.05  # automatic smallest group: 5% of the focus rows
MAX_MIN_SAMPLES = 10
CLUSTER_COVERAGE = 0.95  # cluster on the columns holding this share of mean |SHAP|
MIN_CLUSTER_COLUMNS = 3
MAX_CLUSTER_COLUMNS = 15
MAX_CLUSTER_ROWS = 20_000
REACH_QUANTILE = 0.98  # sampled runs: a left-out row joins a group within this reach
SINGLE_GROUP_CONSISTENCY = 1.0  # one group when a column's mean SHAP is >= 1 spread from zero
MAX_DRIVERS = 5
PROFILE_ROWS = 200_000  # the rest of a big table is judged on a seeded sample of this many rows
MAX_CLAUSES = 3
CLAUSE_MIN_SEPARATION = 0.3  # a condition must hold for 30 points more of the group than the rest
ALSO_MIN_SEPARATION = 0.25
ALSO_MIN_GROUP_SHARE = 0.5  # ... and holds for at least half of the group
DRIVER_MIN_RELATIVE = 0.15  # a clause's column pushes at least 15% as hard as the top driver


class FocusTooSmall(AnalysisError):  # noqa: N818 - reads naturally: ``except FocusTooSmall``
    """The focus holds too few rows to look for groups (the rest of the analysis still stands)."""


@dataclass
class Driver:
    """A column pushing the group's rows toward the goal: mean signed SHAP inside the group."""

    column: str
    importance: float  # mean SHAP in the group, signed so that positive = toward the goal
    controllable: str = "unknown"  # "controllable" | "uncontrollable" | "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "importance": float(self.importance),
            "controllable": self.controllable,
        }


@dataclass
class CauseGroup:
    """One group of focus rows with its drivers, what sets it apart, and a description."""

    id: int  # 1-based, largest group first
    size: int
    share: float  # of the focus rows
    target_mean: float  # mean target (a class goal: share of the focus class) in the group:
    # a selection from the focus, kept as data and never stated as a finding
    overall_mean: float  # the same over every row with a target
    drivers: list[Driver]
    conditions: list[Condition]  # the clauses of the description (top drivers' conditions)
    description: str
    rows: pd.Index = field(default_factory=lambda: pd.Index([]))
    also: list[Condition] = field(default_factory=list)  # distinctive, but not a driver
    claims: ClaimSet = field(default_factory=ClaimSet)  # every number its sentences state
    candidates: list[str] = field(default_factory=list)  # columns its conditions came from

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "share": round(self.share, 4),
            "target_mean": self.target_mean,
            "overall_mean": self.overall_mean,
            "drivers": [d.to_dict() for d in self.drivers],
            "conditions": [c.to_dict() for c in self.conditions],
            "also": [c.to_dict() for c in self.also],
            "description": self.description,
            "claims": masked_rules(self.claims.to_dict(), self.personal_columns()),
        }

    def personal_columns(self) -> list[str]:
        """Columns of personal data among its conditions (their levels are shown masked)."""
        return sorted({c.column for c in [*self.conditions, *self.also] if c.masked})


@dataclass
class CauseGroups:
    """All groups of a focus segment; ``labels`` maps each focus row to its group (-1 = noise)."""

    groups: list[CauseGroup]
    labels: pd.Series  # index = focus row labels, value = group id, -1 = noise
    noise_rows: int
    min_group_size: int
    focus_rows: int = 0
    focus_text: str = ""
    cluster_columns: list[str] = field(default_factory=list)
    sampled_rows: int | None = None  # HDBSCAN ran on this many sampled rows (None: all)
    message: str = ""  # a sentence about the whole result (noise; no groups found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [g.to_dict() for g in self.groups],
            "noise_rows": self.noise_rows,
            "min_group_size": self.min_group_size,
            "focus_rows": self.focus_rows,
            "focus": self.focus_text,
            "cluster_columns": list(self.cluster_columns),
            "sampled_rows": self.sampled_rows,
            "message": self.message,
        }


def auto_min_group_size(n_focus: int) -> int:
    """The automatic smallest group: 5% of the focus rows, at least 10."""
    return max(MIN_GROUP_FLOOR, round(AUTO_GROUP_SHARE * n_focus))


def cluster_columns(values: np.ndarray, coverage: float = CLUSTER_COVERAGE) -> np.ndarray:
    """Indices of the columns that carry ``coverage`` of the mean |SHAP| (3 to 15 of them)."""
    if values.size == 0:
        return np.arange(values.shape[1] if values.ndim == 2 else 0)
    imp = np.abs(values).mean(axis=0)
    order = np.argsort(-imp, kind="stable")
    order = order[imp[order] > 0]
    if order.size == 0:
        return order
    cum = np.cumsum(imp[order]) / imp[order].sum()
    k = int(np.searchsorted(cum, coverage - 1e-12)) + 1
    k = min(max(k, MIN_CLUSTER_COLUMNS), MAX_CLUSTER_COLUMNS, order.size)
    return np.sort(order[:k])


def cluster_shap(
    values: np.ndarray,
    min_cluster_size: int,
    min_samples: int | None = None,
    max_rows: int = MAX_CLUSTER_ROWS,
    seed: int = 0,
) -> np.ndarray:
    """HDBSCAN labels for the rows of ``values`` (already restricted to the chosen columns).

    Returns labels 0..k-1, numbered by group size (0 = largest), and -1 for noise. A plain
    function of arrays: safe to run in a worker process.
    """
    import hdbscan

    values = np.ascontiguousarray(values, dtype=np.float64)
    n = values.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0 or values.shape[1] == 0 or n < 2 * min_cluster_size:
        return labels
    if min_samples is None:
        min_samples = min(min_cluster_size, MAX_MIN_SAMPLES)
    sample = None
    fit_values, size = values, min_cluster_size
    if n > max_rows:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(n, size=max_rows, replace=False))
        fit_values = values[sample]
        size = max(MIN_GROUP_FLOOR // 2, round(min_cluster_size * max_rows / n))

    # allow_single_cluster: when all rows share one cause, one group is the honest answer
    # (without it HDBSCAN cuts a single blob into arbitrary pieces); with several routes the
    # result is the same (measured on the demo line and harder variants).
    model = hdbscan.HDBSCAN(
        min_cluster_size=int(size),
        min_samples=int(min(min_samples, size)),
        allow_single_cluster=True,
        core_dist_n_jobs=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(fit_values).labels_.astype(np.int64)
    if fitted.max() == 0 and not _consistent_push(fit_values[fitted == 0]):
        # One "group" whose rows are pushed every which way is no group at all.
        fitted[:] = -1
    if sample is None:
        labels = fitted
    else:
        labels[sample] = fitted
        rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
        labels[rest] = _assign_to_groups(values[rest], fit_values, fitted)
    return _renumber_by_size(labels)


def _assign_to_groups(points: np.ndarray, fitted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Labels for rows left out of the HDBSCAN sample: the group whose centre is nearest, if
    the row lies within that group's reach (98% of its sampled members are as close), else -1.

    Cause groups are compact blobs in SHAP space, so this matches HDBSCAN's own approximate
    prediction closely at a fraction of its cost (~0.1 s instead of ~20 s for 30,000 rows).
    """
    out = np.full(points.shape[0], -1, dtype=np.int64)
    ids = np.unique(labels[labels >= 0])
    if ids.size == 0 or points.shape[0] == 0:
        return out
    best = np.full(points.shape[0], np.inf)
    for k in ids:
        members = fitted[labels == k]
        centre = members.mean(axis=0)
        reach = np.quantile(np.linalg.norm(members - centre, axis=1), REACH_QUANTILE)
        dist = np.linalg.norm(points - centre, axis=1)
        ratio = dist / max(reach, 1e-12)
        better = (ratio <= 1.0) & (ratio < best)
        out[better] = k
        best[better] = ratio[better]
    return out


def _consistent_push(values: np.ndarray) -> bool:
    """Some column pushes the rows one way: its mean SHAP is at least one spread from zero."""
    mean = np.abs(values.mean(axis=0))
    spread = values.std(axis=0)
    return bool(np.any((mean >= SINGLE_GROUP_CONSISTENCY * spread) & (mean > 0)))


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    found = labels[labels >= 0]
    if found.size == 0:
        return labels
    ids, counts = np.unique(found, return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(int(labels.max()) + 1, -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    out = labels.copy()
    out[labels >= 0] = mapping[labels[labels >= 0]]
    return out


def _controllability(roles: Mapping[str, ColumnRole], column: str) -> str:
    role = roles.get(column)
    if role == ColumnRole.CONTROLLABLE:
        return "controllable"
    if role == ColumnRole.UNCONTROLLABLE:
        return "uncontrollable"
    return "unknown"


def _focus_sign(goal: Goal) -> float:
    """SHAP sign that points toward the focus rows: down for a bottom focus, up otherwise."""
    return -1.0 if parse_focus(goal.focus).kind == "bottom" else 1.0


def focus_direction(goal: Goal) -> str:
    """How the caveat speaks of the focus: high values, low values, or a class."""
    kind = parse_focus(goal.focus).kind
    return {"top": "maximize", "bottom": "minimize"}.get(kind, "class")


def outcome_wording(goal: Goal, *, numeric_target: bool) -> tuple[bool, str | None]:
    """(is_rate, label): whether the descriptions speak of the share of a class (which) or
    of the target's mean."""
    rule = parse_focus(goal.focus)
    if rule.kind == "class" or not numeric_target:
        return True, str(rule.value) if rule.kind == "class" else str(goal.positive_class)
    return False, None


def find_cause_groups(
    focus: Any,
    frame: pd.DataFrame,
    target: pd.Series,
    roles: Mapping[str, ColumnRole],
    goal: Goal,
    *,
    min_group_size: int | None = None,
    in_process: bool = False,
    ctx: JobContext | None = None,
) -> CauseGroups:
    """Group the focus rows by their SHAP vectors and describe each group in plain words.

    ``focus`` is a ShapValues of the focus rows (``values``, ``rows``, ``columns`` = the user's
    names); ``frame`` the cleaned table (user's names, same row labels); ``target`` the target
    column over the whole table. Raises :class:`AnalysisError` when the focus is too small.
    ``in_process=True`` runs HDBSCAN (which holds the GIL) in a worker process that a cancel
    stops at once — for the GUI; the CLI clusters in its own process.
    """
    ctx = ensure_context(ctx)
    values = np.asarray(focus.values, dtype=np.float64)
    rows = pd.Index(focus.rows)
    columns = [str(c) for c in focus.columns]
    n = len(rows)
    rule = parse_focus(goal.focus)
    focus_text = words.focus_phrase(rule.kind, rule.value, goal.target)
    size = auto_min_group_size(n) if min_group_size is None else int(min_group_size)
    needed = max(MIN_FOCUS_ROWS, 2 * MIN_GROUP_FLOOR)
    if n < needed:
        raise FocusTooSmall(words.focus_too_small(n, needed), words.focus_too_small_hint())
    if size < 2 or 2 * size > n:
        raise AnalysisError(words.group_size_too_large(size, n), words.group_size_hint(n // 2))
    if not rows.isin(frame.index).all():
        raise AnalysisError(words.shap_rows_missing(), words.shap_rows_missing_hint())

    ctx.progress(0.0, words.progress_grouping(n))
    sign = _focus_sign(goal)
    chosen = cluster_columns(values)
    if not chosen.size:
        raw = np.full(n, -1, dtype=np.int64)
    elif in_process:
        from workbench.procs import run_in_process

        raw = run_in_process(
            cluster_shap,
            np.ascontiguousarray(values[:, chosen]),
            size,
            ctx=ctx.sub(0.0, 0.6),
            message=words.progress_grouping(n),
        )
    else:
        raw = cluster_shap(values[:, chosen], size)
    sampled = MAX_CLUSTER_ROWS if n > MAX_CLUSTER_ROWS and chosen.size else None
    ctx.progress(0.6, words.progress_grouping(n))

    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    is_rate, label = outcome_wording(goal, numeric_target=numeric)
    profile = _Profile(frame, [c for c in columns if c in frame.columns])
    n_groups = int(raw.max()) + 1 if raw.size and raw.max() >= 0 else 0
    labels = pd.Series(np.where(raw >= 0, raw + 1, -1), index=rows, name="cluster", dtype="int64")
    table = frame if goal.target in frame.columns else frame.assign(**{goal.target: target})
    groups: list[CauseGroup] = []
    for k in range(n_groups):
        ctx.progress(0.6 + 0.4 * k / max(n_groups, 1), words.progress_describing(k + 1))
        members = raw == k
        group = _build_group(k + 1, values[members] * sign, rows[members], columns, roles, profile)
        group.claims = group_claims(
            group,
            table,
            labels,
            target=goal.target,
            label=label if is_rate else None,
            focus_rule=rule.to_text(),
            candidates=group.candidates,
            min_separation=CLAUSE_MIN_SEPARATION,
            max_clauses=MAX_CLAUSES,
        )
        group.share = group.claims["focus_share"].value
        group.target_mean = group.claims["group_mean"].value
        group.overall_mean = group.claims["overall"].value
        group.description = describe_group(
            group, focus_text, goal.target, focus_direction(goal), is_rate=is_rate, label=label
        )
        groups.append(group)

    noise = int((raw < 0).sum())
    message = summary_message(bool(groups), noise, n, focus_text)
    ctx.progress(1.0, "")
    return CauseGroups(
        groups=groups,
        labels=labels,
        noise_rows=noise,
        min_group_size=size,
        focus_rows=n,
        focus_text=focus_text,
        cluster_columns=[columns[j] for j in chosen],
        sampled_rows=sampled,
        message=message,
    )


def summary_message(has_groups: bool, noise: int, n: int, focus_text: str) -> str:
    """The sentence about the whole result: no groups found, or how many rows are noise."""
    if not has_groups:
        return words.no_groups_found(n, focus_text)
    return words.noise_sentence(noise, n) if noise else ""


def reword_groups(groups: list[CauseGroup], goal: Goal, *, numeric_target: bool) -> str:
    """Say the groups' descriptions again in the current language; returns the focus phrase."""
    rule = parse_focus(goal.focus)
    focus_text = words.focus_phrase(rule.kind, rule.value, goal.target)
    is_rate, label = outcome_wording(goal, numeric_target=numeric_target)
    for group in groups:
        group.description = describe_group(
            group, focus_text, goal.target, focus_direction(goal), is_rate=is_rate, label=label
        )
    return focus_text


def reword_causes(causes: CauseGroups, target: pd.Series, goal: Goal) -> None:
    """Say the groups' descriptions and the summary sentence again in the current language."""
    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    causes.focus_text = reword_groups(causes.groups, goal, numeric_target=numeric)
    causes.message = summary_message(
        bool(causes.groups), causes.noise_rows, causes.focus_rows, causes.focus_text
    )


def focus_too_small_message(n: int) -> str:
    """Why a focus of ``n`` rows gives no groups, with what to do about it."""
    needed = max(MIN_FOCUS_ROWS, 2 * MIN_GROUP_FLOOR)
    return f"{words.focus_too_small(n, needed)} {words.focus_too_small_hint()}".strip()


class _Profile:
    """The table's columns prepared for group-vs-rest comparisons (the rest of a big table is
    judged on a seeded sample of :data:`PROFILE_ROWS` rows)."""

    def __init__(self, frame: pd.DataFrame, columns: list[str]) -> None:
        self.index = frame.index
        n_all = len(frame)
        self.series = {c: frame[c] for c in columns}
        self.in_stats: np.ndarray | None = None
        pos = None
        if n_all > PROFILE_ROWS:
            pos = np.sort(np.random.default_rng(0).choice(n_all, PROFILE_ROWS, replace=False))
            self.in_stats = np.zeros(n_all, dtype=bool)
            self.in_stats[pos] = True
        self.stats = {
            c: ColumnStats(s if pos is None else s.iloc[pos]) for c, s in self.series.items()
        }

    def conditions(self, group_rows: pd.Index, columns: list[str]) -> dict[str, Condition]:
        """The best condition of each column (those with one) for the group's rows."""
        pos = self.index.get_indexer(group_rows)
        inside = None if self.in_stats is None else np.sort(pos[self.in_stats[pos]])
        out = {}
        for col in columns:
            if col not in self.stats:
                continue
            values = self.series[col]
            within = None if inside is None else values.iloc[inside]
            cond = best_condition(self.stats[col], values.iloc[pos], within)
            if cond is not None:
                out[col] = cond
        return out


def _build_group(
    group_id: int,
    toward: np.ndarray,
    group_rows: pd.Index,
    columns: list[str],
    roles: Mapping[str, ColumnRole],
    profile: _Profile,
) -> CauseGroup:
    """Drivers and distinguishing conditions of one group; ``toward`` is its rows' SHAP values
    signed so that positive pushes toward the focus."""
    signed = toward.mean(axis=0)
    mean_abs = np.abs(toward).mean(axis=0)
    order = np.argsort(-signed, kind="stable")
    drivers = [
        Driver(columns[j], float(signed[j]), _controllability(roles, columns[j]))
        for j in order[:MAX_DRIVERS]
        if signed[j] > 0
    ]
    top = drivers[0].importance if drivers else 0.0
    # One clause per strong driver whose values set the group apart.
    strong = [d.column for d in drivers if d.importance >= DRIVER_MIN_RELATIVE * top]
    found = profile.conditions(group_rows, strong)
    conditions = [
        found[c] for c in strong if c in found and found[c].separation >= CLAUSE_MIN_SEPARATION
    ][:MAX_CLAUSES]
    for cond in conditions:
        cond.driver = True
    # Columns the model barely uses whose values are still typical of the group: confounders.
    quiet = [
        columns[j]
        for j in np.argsort(-mean_abs, kind="stable")
        if mean_abs[j] < 0.1 * max(top, 1e-12)
    ]
    also = [
        c
        for c in profile.conditions(group_rows, quiet).values()
        if c.separation >= ALSO_MIN_SEPARATION and c.group_share >= ALSO_MIN_GROUP_SHARE
    ]
    also = sorted(also, key=lambda c: -c.separation)[:2]
    personal = {e.column for e in getattr(roles, "forced", []) if e.reason == "pii"}
    for cond in (*conditions, *also):
        cond.controllable = _controllability(roles, cond.column)
        cond.masked = cond.column in personal
    return CauseGroup(
        id=group_id,
        size=len(group_rows),
        share=0.0,
        target_mean=float("nan"),
        overall_mean=float("nan"),
        drivers=drivers,
        conditions=conditions,
        description="",
        rows=group_rows,
        also=also,
        candidates=strong,
    )


def describe_group(
    group: CauseGroup,
    focus_text: str,
    target: str,
    direction: str,
    *,
    is_rate: bool,
    label: str | None,
) -> str:
    """The plain-language paragraph of one group; every number in it is one of its claims."""
    from workbench.steps.cause_effect import effect_holds

    headline = words.group_headline(group.id, group.size, group.share, focus_text)
    clauses = [words.condition_with_numbers(c) for c in group.conditions]
    control = words.controllability_sentence([(c.column, c.controllable) for c in group.conditions])
    effect = group.claims.get("effect")
    rate_label = label if is_rate else None
    parts = [words.effect_sentence(effect, target, rate_label)] if effect is not None else []
    if control:
        parts.append(control)
    kind = {"minimize": "bottom", "maximize": "top"}.get(direction, "class")
    if effect is None or effect_holds(effect, kind):
        caveat = words.caveat(direction, target, label)
    else:
        caveat = words.effect_unclear(direction, target, label)
    text = words.group_description(headline, clauses, " ".join(parts), caveat)
    if group.also:
        text = text + " " + words.travels_along(words.condition_with_numbers(group.also[0]))
    return text
