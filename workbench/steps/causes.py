"""Cause groups: distinct groups of focus rows that the model reaches for different reasons.

Two rows land in the same group when the same factors push them toward the goal by similar
amounts: the grouping of the focus rows' SHAP vectors is the one the final model and the
validation folds' models agree on (:mod:`workbench.steps.cause_consensus`), or with a single
fit :func:`~workbench.steps.cause_stability.choose_grouping` (HDBSCAN, the smallest group size
kept by how well the groups replicate). Each group carries its stability as a claim. Groups
that then say the same thing (same strong drivers, agreeing conditions) are merged, and a group
that meets the conditions of two others is described as their overlap
(:mod:`workbench.steps.cause_merge`). What this was measured on, and how it compares with a
plain reference pipeline: docs/truth.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.claim_rows import Selection
from workbench.claims import ClaimSet, measure
from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.steps import cause_merge
from workbench.steps import causes_wording as words
from workbench.steps.cause_claims import group_claims
from workbench.steps.cause_consensus import consensus_grouping, rerun_table
from workbench.steps.cause_profile import ColumnStats, Condition, best_condition
from workbench.steps.cause_stability import (
    MIN_GROUP_FLOOR,
    WEAK_STABILITY,
    Grouping,
    auto_min_group_size,
    choose_grouping,
    cluster_columns,
)
from workbench.steps.goal import Goal
from workbench.steps.pii import masked_rules
from workbench.vocabulary import ColumnRole, Controllability

MIN_FOCUS_ROWS = 30  # fewer focus rows than this: refuse to cluster
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
    stability: float | None = None  # 0-1: how often it reappears on resampled rows (None: old)
    overlap_of: list[int] = field(default_factory=list)  # ids of the two groups it overlaps

    @property
    def weak(self) -> bool:
        """The group does not replicate: it reappears in fewer than 60% of the re-runs."""
        return self.stability is not None and self.stability < WEAK_STABILITY

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
            "stability": None if self.stability is None else round(float(self.stability), 3),
            "weak": self.weak,
            "overlap_of": list(self.overlap_of),
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
    merged: int = 0  # groups merged into another because they said the same thing
    size_scores: dict[int, float] = field(default_factory=dict)  # sizes tried -> stability score
    reruns: pd.DataFrame | None = None  # each rerun's group of the rows it saw (stability claims)
    stability_basis: str = "resamples"  # reruns on "resamples" of the rows or other "models"

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
            "merged": self.merged,
            "size_scores": {str(k): v for k, v in self.size_scores.items()},
        }


def _controllability(roles: Mapping[str, ColumnRole], column: str) -> str:
    return str(Controllability.of_role(roles.get(column)))


def _focus_sign(goal: Goal) -> float:
    """SHAP sign that points toward the focus rows: down for a bottom focus, up otherwise."""
    return -1.0 if goal.focus.kind == "bottom" else 1.0


def focus_direction(goal: Goal) -> str:
    """How the caveat speaks of the focus: high values, low values, or a class."""
    kind = goal.focus.kind
    return {"top": "maximize", "bottom": "minimize"}.get(kind, "class")


def outcome_wording(goal: Goal, *, numeric_target: bool) -> tuple[bool, str | None]:
    """(is_rate, label): whether the descriptions speak of the share of a class (which) or
    of the target's mean."""
    rule = goal.focus
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
    alternates: Sequence[np.ndarray] = (),
    ctx: JobContext | None = None,
) -> CauseGroups:
    """Group the focus rows by their SHAP vectors and describe each group in plain words.

    ``focus`` is a ShapValues of the focus rows (``values``, ``rows``, ``columns`` = the user's
    names); ``frame`` the cleaned table (user's names, same row labels); ``target`` the target
    column over the whole table. Raises :class:`AnalysisError` when the focus is too small.
    ``in_process=True`` runs HDBSCAN (which holds the GIL) in a worker process that a cancel
    stops at once — for the GUI; the CLI clusters in its own process. ``alternates``: the same
    rows' SHAP under other fits of the model (the validation folds',
    :func:`~workbench.steps.cause_consensus.fold_values`); given, the groups are those the fits
    agree on (:mod:`workbench.steps.cause_consensus`); the drivers still state the final
    model's SHAP.
    """
    ctx = ensure_context(ctx)
    fits = [np.asarray(focus.values, dtype=np.float64), *(np.asarray(a) for a in alternates)]
    values = fits[0]  # the final model's: the drivers state its SHAP, as the Explain pane does
    rows = pd.Index(focus.rows)
    columns = [str(c) for c in focus.columns]
    n = len(rows)
    rule = goal.focus
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
    chosen = cluster_columns(np.mean(fits, axis=0) if len(fits) > 1 else values)
    grouping = _group(
        [m[:, chosen] for m in fits],
        size,
        n,
        fixed=min_group_size is not None,
        in_process=in_process,
        ctx=ctx,
    )
    ctx.progress(0.6, words.progress_grouping(n))

    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    is_rate, label = outcome_wording(goal, numeric_target=numeric)
    profile = _Profile(frame, [c for c in columns if c in frame.columns])
    raw = grouping.labels

    def build(k: int, raw: np.ndarray) -> CauseGroup:
        members = raw == k
        return _build_group(k + 1, values[members] * sign, rows[members], columns, roles, profile)

    n_groups = int(raw.max()) + 1 if raw.size and raw.max() >= 0 else 0
    built = {}
    for k in range(n_groups):
        ctx.progress(0.6 + 0.2 * k / max(n_groups, 1), words.progress_describing(k + 1))
        built[k] = build(k, raw)
    raw, built, merged = _merge_same(raw, built, build, ctx)

    order = sorted(built, key=lambda k: (-built[k].size, k))  # largest group first
    groups: list[CauseGroup] = []
    for new_id, k in enumerate(order, start=1):
        group = built[k]
        group.id = new_id
        groups.append(group)
    id_of = np.full(max(n_groups, 1) + 1, -1, dtype=np.int64)  # old label + 1 -> group id
    for k, g in zip(order, groups, strict=True):
        id_of[k + 1] = g.id
    labels = pd.Series(id_of[raw + 1], index=rows, name="cluster", dtype="int64")
    # Stability of the final (merged) groups, measured as its claim recomputes it.
    reruns = rerun_table(grouping, rows)
    stability_claims = {}
    for group in groups:
        claim = stability_claims[group.id] = measure(
            "stability",
            Selection(base="group", group=group.id),
            frame,
            groups=labels,
            reruns=reruns,
            estimate=grouping.basis,
            name="stability",
        )
        group.stability = claim.value
    # the claims are measured once the groups have their final rows and ids
    table = frame if goal.target in frame.columns else frame.assign(**{goal.target: target})
    for group in groups:
        ctx.progress(
            0.8 + 0.2 * group.id / max(len(groups), 1), words.progress_describing(group.id)
        )
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
        group.claims.add(stability_claims[group.id])
        group.share = group.claims["focus_share"].value
        group.target_mean = group.claims["group_mean"].value
        group.overall_mean = group.claims["overall"].value
    for k, (i, j) in cause_merge.overlaps(groups).items():
        groups[k].overlap_of = sorted([groups[i].id, groups[j].id])
    for group in groups:
        group.description = describe_group(
            group, focus_text, goal.target, focus_direction(goal), is_rate=is_rate, label=label
        )

    noise = int((raw < 0).sum())
    message = summary_message(bool(groups), noise, n, focus_text)
    ctx.progress(1.0, "")
    return CauseGroups(
        groups=groups,
        labels=labels,
        noise_rows=noise,
        min_group_size=grouping.min_cluster_size,
        focus_rows=n,
        focus_text=focus_text,
        cluster_columns=[columns[j] for j in chosen],
        sampled_rows=grouping.sampled_rows,
        message=message,
        merged=merged,
        size_scores=dict(grouping.scores),
        reruns=reruns,
        stability_basis=grouping.basis,
    )


def _group(
    fits: list[np.ndarray], size: int, n: int, *, fixed: bool, in_process: bool, ctx: JobContext
) -> Grouping:
    """Choose the grouping here, or in a worker process a cancel stops at once (the GUI): the
    consensus of several fits when there are several, else the single fit's stable grouping."""
    if not fits[0].shape[1]:
        return Grouping(np.full(n, -1, dtype=np.int64), np.zeros(0), size)
    sub = ctx.sub(0.0, 0.6)
    message = words.progress_grouping(n)
    fits = [np.ascontiguousarray(m) for m in fits]
    if in_process:
        from workbench.procs import run_in_process

        if len(fits) > 1:
            return run_in_process(consensus_grouping, fits, size, ctx=sub, message=message)
        return run_in_process(choose_grouping, fits[0], size, fixed, ctx=sub, message=message)
    tick = lambda f: sub.progress(f, message)  # noqa: E731 - a one-line progress relay
    if len(fits) > 1:
        return consensus_grouping(fits, size, progress=tick)
    return choose_grouping(fits[0], size, fixed=fixed, progress=tick)


def _merge_same(
    raw: np.ndarray,
    built: dict[int, CauseGroup],
    build: Callable[[int, np.ndarray], CauseGroup],
    ctx: JobContext,
) -> tuple[np.ndarray, dict[int, CauseGroup], int]:
    """Merge groups that name the same strong drivers with agreeing conditions, until none do
    (the merged group's stability is measured afterwards, as one group)."""
    raw = raw.copy()
    merged = 0
    while True:
        keys = sorted(built)
        pair = cause_merge.first_same_pair([built[k] for k in keys])
        if pair is None:
            return raw, built, merged
        keep, drop = keys[pair[0]], keys[pair[1]]
        raw[raw == drop] = keep
        del built[drop]
        ctx.progress(0.9, words.progress_describing(keep + 1))
        built[keep] = build(keep, raw)
        merged += 1


def summary_message(has_groups: bool, noise: int, n: int, focus_text: str) -> str:
    """The sentence about the whole result: no groups found, or how many rows are noise."""
    if not has_groups:
        return words.no_groups_found(n, focus_text)
    return words.noise_sentence(noise, n) if noise else ""


def reword_groups(groups: list[CauseGroup], goal: Goal, *, numeric_target: bool) -> str:
    """Say the groups' descriptions again in the current language; returns the focus phrase."""
    rule = goal.focus
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
    if len(group.overlap_of) == 2:
        text = text + " " + words.overlap_sentence(*group.overlap_of)
    if group.weak and group.stability is not None:
        stab = group.claims.get("stability")
        basis = stab.estimate if stab is not None else "resamples"
        text = text + " " + words.weak_group_sentence(group.stability, basis)
    return text
