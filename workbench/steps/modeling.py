"""The honest LightGBM fit: validated on rows it never saw, compared with simple baselines.

``fit_model`` takes the cleaned table, the column kinds, the goal and the column roles and:

1. refuses, with a plain :class:`AnalysisError`, a target it cannot learn (constant, nearly
   empty, a class with too few rows, too few rows overall, no usable feature column);
2. builds safe-named features (:mod:`workbench.steps.features`);
3. validates (:mod:`workbench.steps.validation`): k-fold, time-ordered when a time column
   exists, or one holdout split on large tables — with early stopping on the validation part
   (the LightGBM side of the fits: :mod:`workbench.steps.boosting`);
4. keeps the checked model of a random holdout as the final model (its score is the score of
   the model the user gets); after k folds or a time-ordered split, refits the final model on
   every usable row with the number of trees validation found;
5. scores the validation predictions (:mod:`workbench.steps.metrics`) against the mean /
   majority baseline and the best one-column rule (:mod:`workbench.steps.baseline`), and gives a
   verdict (:mod:`workbench.steps.verdict`): ``useful``, ``weak`` or ``no_signal`` (then later
   steps refuse to show causes) — all kept in a :class:`~workbench.steps.fit_result.FitResult`.

Every fit reports progress through ``ctx`` once per boosting round and stops promptly when
cancelled (:class:`~workbench.jobs.Cancelled` raised from a LightGBM callback).
"""

from __future__ import annotations

import os

# LightGBM's OpenMP threads spin while waiting by default; when other programs share the cores
# (a laptop running Excel, or a test run) that makes a 2-thread fit 10x slower than 1 thread.
# Passive waiting costs next to nothing on a quiet machine. It must be set before lightgbm
# loads its OpenMP runtime, i.e. before the first ``import lightgbm`` in the process.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import AnalysisError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.steps import boosting
from workbench.steps import model_wording as words
from workbench.steps.baseline import compute_baselines
from workbench.steps.features import FeatureSet, build_features, encode_target
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import MODEL_ROLES, Exclusion, Goal, Task, infer_task
from workbench.steps.metrics import score_predictions
from workbench.steps.model_settings import ModelSettings
from workbench.steps.roles import RoleAssignment, assign_roles, check_columns
from workbench.steps.validation import (
    HOLDOUT,
    KFOLD,
    TIME_ORDERED,
    ValidationPlan,
    plan_validation,
)
from workbench.steps.verdict import judge_fit
from workbench.tables.table import ColumnKind
from workbench.vocabulary import ColumnRole

__all__ = ["MAX_CLASSES", "MIN_CLASS_ROWS", "MIN_ROWS", "fit_model"]

#: Fewer usable rows than this: refuse to model.
MIN_ROWS = 30
#: A class with fewer rows than this: refuse to model.
MIN_CLASS_ROWS = 10
#: More classes than this: refuse to model.
MAX_CLASSES = 20


class _Stopwatch:
    """Wall and process-CPU seconds per phase (CPU time shows the work done even when other
    programs share the cores)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._start = self._wall0 = time.perf_counter()
        self._cpu_start = self._cpu0 = time.process_time()

    def lap(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.wall[name] = now - self._wall0
        self.cpu[name] = cpu - self._cpu0
        self._wall0, self._cpu0 = now, cpu

    def finish(self) -> None:
        self.wall["total"] = time.perf_counter() - self._start
        self.cpu["total"] = time.process_time() - self._cpu_start


# ---------------------------------------------------------------------------------------------
# Target checks


def _check_target(frame: pd.DataFrame, kinds: Mapping[str, ColumnKind], goal: Goal) -> pd.Series:
    check_columns([goal.target], frame.columns)
    target = frame[goal.target]
    kind = kinds.get(goal.target)
    if kind in (ColumnKind.DATETIME, ColumnKind.TEXT, ColumnKind.ID) or (
        pd.api.types.is_datetime64_any_dtype(target)
    ):
        raise AnalysisError(
            words.target_unusable_kind(goal.target, str(kind or "date")),
            words.target_unusable_kind_hint(),
        )
    present = int(target.notna().sum())
    total = len(target)
    if present < MIN_ROWS:
        if total >= MIN_ROWS and present < 0.5 * total:
            raise AnalysisError(
                words.target_empty(goal.target, present, total), words.target_empty_hint(MIN_ROWS)
            )
        raise AnalysisError(words.too_few_rows(present, MIN_ROWS), words.too_few_rows_hint())
    valid = target.dropna()
    if valid.nunique() <= 1:
        raise AnalysisError(
            words.target_constant(goal.target, str(valid.iloc[0])), words.target_constant_hint()
        )
    return target


def _check_classes(name: str, y: pd.Series, classes: list[str]) -> None:
    if len(classes) > MAX_CLASSES:
        raise AnalysisError(
            words.too_many_classes(name, len(classes), MAX_CLASSES), words.too_many_classes_hint()
        )
    counts = np.bincount(y.to_numpy().astype(int), minlength=len(classes))
    for label, count in zip(classes, counts, strict=True):
        if count < MIN_CLASS_ROWS:
            raise AnalysisError(
                words.rare_class(name, label, int(count), MIN_CLASS_ROWS), words.rare_class_hint()
            )


@dataclass
class LearnableTarget:
    """The target as the model learns it, and the class a multiclass model focuses on."""

    task: Task
    y: pd.Series  # encoded; index = usable row labels (target present)
    classes: list[str] | None
    positive_class: str | None  # binary: the class coded 1; multiclass: the class in focus
    class_index: int | None  # multiclass: the position of the class in focus

    @property
    def n_classes(self) -> int:
        return len(self.classes) if self.classes else 1


def learnable_target(
    frame: pd.DataFrame, kinds: Mapping[str, ColumnKind], goal: Goal
) -> LearnableTarget:
    """The encoded target; refuses (:class:`AnalysisError`) one the model cannot learn."""
    target = _check_target(frame, kinds, goal)
    task = infer_task(target, goal, max_classes=MAX_CLASSES)
    focus = goal.focus
    positive = goal.positive_class
    if positive is None and focus is not None and focus.kind == "class":
        positive = str(focus.value)
    if task == Task.MULTICLASS:
        n_levels = target.dropna().nunique()
        if n_levels > MAX_CLASSES:
            raise AnalysisError(
                words.too_many_classes(goal.target, int(n_levels), MAX_CLASSES),
                words.too_many_classes_hint(),
            )
    encoded = encode_target(target, task, positive if task == Task.BINARY else None)
    if encoded.classes is not None:
        _check_classes(goal.target, encoded.y, encoded.classes)
    y = encoded.y
    if len(y) < MIN_ROWS:
        raise AnalysisError(words.too_few_rows(len(y), MIN_ROWS), words.too_few_rows_hint())
    classes = encoded.classes
    class_index: int | None = None
    positive_class = encoded.positive_class
    if task == Task.MULTICLASS and classes:
        positive_class = _focus_class(classes, positive, y)
        class_index = classes.index(positive_class)
    return LearnableTarget(task, y, classes, positive_class, class_index)


def _focus_class(classes: list[str], want: str | None, y: pd.Series) -> str:
    """Multiclass: the class the goal names (spaces and case aside), else the rarest one."""
    if want is not None and want not in classes:
        folded = {c.strip().casefold(): c for c in classes}
        want = folded.get(want.strip().casefold())
    if want is None:
        counts = np.bincount(y.to_numpy().astype(int), minlength=len(classes))
        want = classes[int(np.argmin(counts))]
    return want


# ---------------------------------------------------------------------------------------------
# Roles -> model columns


def _model_columns(
    frame: pd.DataFrame,
    kinds: Mapping[str, ColumnKind],
    goal: Goal,
    roles: Mapping[str, ColumnRole] | RoleAssignment | None,
) -> tuple[RoleAssignment, list[str], list[Exclusion]]:
    if isinstance(roles, RoleAssignment):
        assignment = roles
    else:
        explicit = {k: ColumnRole(v) for k, v in (roles or {}).items() if k != goal.target}
        assignment = assign_roles(frame, kinds, goal.target, explicit=explicit)
    columns: list[str] = []
    excluded: list[Exclusion] = []
    for name in frame.columns:
        if name == goal.target:
            continue
        role = assignment.get(name, ColumnRole.FEATURE)
        if role in MODEL_ROLES:
            columns.append(name)
            continue
        ex = assignment.exclusion(name)
        if ex is None:
            reason = {ColumnRole.ID: "id", ColumnRole.TIME: "time"}.get(role, "excluded")
            ex = Exclusion(name, reason, words.exclusion_message(reason, name))
        excluded.append(ex)
    return assignment, columns, excluded


def model_features(
    frame: pd.DataFrame,
    kinds: Mapping[str, ColumnKind],
    goal: Goal,
    roles: Mapping[str, ColumnRole] | RoleAssignment | None,
    y: pd.Series,
    settings: ModelSettings,
) -> tuple[RoleAssignment, FeatureSet, list[Exclusion]]:
    """The roles, the safe-named features and every column kept out (with its reason)."""
    assignment, columns, excluded = _model_columns(frame, kinds, goal, roles)
    forced = {e.column for e in assignment.forced}
    features, dropped = build_features(
        frame,
        dict(kinds),
        columns,
        y,
        derive_time_parts=settings.derive_time_parts,
        forced=forced,
    )
    excluded = excluded + dropped
    if features.X.shape[1] == 0:
        raise AnalysisError(words.no_features(goal.target), words.no_features_hint())
    return assignment, features, excluded


# ---------------------------------------------------------------------------------------------
# The fit


def fit_model(
    frame: pd.DataFrame,
    kinds: Mapping[str, ColumnKind],
    goal: Goal,
    roles: Mapping[str, ColumnRole] | RoleAssignment | None = None,
    settings: ModelSettings | None = None,
    ctx: JobContext | None = None,
) -> FitResult:
    """Fit, validate and compare; see the module docstring. ``roles`` may be the
    :class:`RoleAssignment` from :func:`assign_roles` (its reasons are kept) or a plain
    ``{column: role}`` mapping of the user's explicit roles (defaults fill the rest)."""
    ctx = ensure_context(ctx)
    settings = settings or ModelSettings()
    clock = _Stopwatch()
    ctx.progress(0.0, _("Preparing the model's input"))

    target = learnable_target(frame, kinds, goal)
    task, y, classes = target.task, target.y, target.classes
    assignment, features, excluded = model_features(frame, kinds, goal, roles, y, settings)
    time_column = assignment.time
    plan = _validation_plan(frame, target, time_column, settings)
    if time_column is not None and plan.kind != TIME_ORDERED:  # its values order no rows
        why = words.exclusion_message("time_unordered", time_column)
        excluded = [
            Exclusion(ex.column, "time_unordered", why) if ex.column == time_column else ex
            for ex in excluded
        ]
    clock.lap("prepare")

    # -- validation fits ---------------------------------------------------------------------
    resolved = settings.resolved()
    max_trees = int(resolved["max_trees"])
    n = len(y)
    params = boosting.params(
        task, target.n_classes, n, features.X.shape[1], settings, settings.seed
    )
    categorical = [c for c in features.X.columns if c in features.levels]
    full = boosting.binned_dataset(features, y, params, categorical)
    clock.lap("dataset")
    ctx.progress(0.05, _("Preparing the model's input"))

    # A random holdout's model is kept as the final one (the score describes exactly the
    # model the user gets, and a second fit on every row is saved); k folds and a time-ordered
    # split are followed by a refit (no fold model saw every row; the latest rows matter most).
    keep_checked = plan.kind == HOLDOUT
    # k folds' models are kept for the cause groups' consensus of fits (time-ordered folds are
    # trained on the past only, a holdout is one fit: nothing to agree on)
    folds: list[Any] = []
    oof, best_iters, checked = boosting.fit_folds(
        params,
        full,
        features.X,
        plan,
        task,
        target.n_classes,
        max_trees,
        int(resolved["early_stopping_rounds"]),
        ctx.sub(0.05, 0.9 if keep_checked else 0.65),
        keep=folds if plan.kind == KFOLD else None,
    )
    clock.lap("validation")

    # -- final model ---------------------------------------------------------------------------
    if keep_checked:
        n_trees = best_iters[0]
        booster = boosting.with_levels(checked, features, categorical)
        trained_rows = len(plan.folds[0][0])
    else:
        n_trees = int(min(max_trees, max(1, round(float(np.mean(best_iters)) * 1.1))))
        booster = boosting.refit(params, full, n_trees, features, categorical, ctx.sub(0.65, 0.9))
        trained_rows = n
    del full, checked
    clock.lap("refit")

    # -- scores and baselines ------------------------------------------------------------------
    tested = plan.tested
    metrics = score_predictions(
        task, y.to_numpy()[tested], oof[tested], classes=classes, threshold=settings.threshold
    )
    baseline = compute_baselines(
        features,
        task,
        plan.folds,
        classes=classes,
        seed=settings.seed,
        ctx=ctx.sub(0.9, 1.0),
    )
    clock.lap("baseline")
    forced_leaks = {e.column for e in assignment.forced if e.reason == "leakage"}
    judged = judge_fit(
        task,
        goal.target,
        metrics,
        baseline,
        booster,
        features.display,
        forced_leaks,
        target.positive_class,
        classes,
    )
    oof_pred, proba = _validation_predictions(oof, plan, target)
    ctx.progress(1.0, _("Model ready"))
    clock.finish()
    return FitResult(
        task=task,
        booster=booster,
        features=features,
        excluded=excluded,
        validation=plan.kind,
        metric=judged.metric,
        score=judged.score,
        baseline_score=judged.baseline_score,
        metrics=metrics,
        baseline=baseline.to_dict(),
        verdict=judged.verdict,
        verdict_message=judged.message,
        oof_pred=oof_pred,
        classes=classes,
        positive_class=target.positive_class,
        threshold=metrics.get("threshold") if task == Task.BINARY else None,
        class_index=target.class_index,
        target=goal.target,
        goal=goal,
        n_trees=n_trees,
        n_folds=plan.n_folds,
        rows=n,
        trained_rows=trained_rows,
        rows_without_target=int(len(frame) - n),
        validation_message=words.validation_text(
            plan.kind, plan.n_folds, plan.test_share, n, trained_rows
        ),
        rule_column=baseline.rule_column,
        forced=list(assignment.forced),
        oof_proba=proba,
        plan=plan,
        params={**params, "num_boost_round": n_trees, "best_iterations": best_iters},
        timings=clock.wall,
        cpu_timings=clock.cpu,
        time_column=time_column,
        giveaway=judged.giveaway,
        fold_boosters=[boosting.with_levels(b, features, categorical) for b in folds],
    )


def _validation_plan(
    frame: pd.DataFrame, target: LearnableTarget, time_column: str | None, settings: ModelSettings
) -> ValidationPlan:
    """The folds; time-ordered is asked for in vain without a time column (then: auto)."""
    y = target.y
    time_values = frame.loc[y.index, time_column] if time_column is not None else None
    kind = settings.validation
    if kind == TIME_ORDERED and time_values is None:
        kind = "auto"
    return plan_validation(
        y,
        target.task,
        kind=kind,
        time=time_values,
        n_folds=settings.n_folds,
        holdout_share=settings.holdout_share,
        large_rows=settings.large_rows,
        seed=settings.seed,
    )


def _validation_predictions(
    oof: np.ndarray, plan: ValidationPlan, target: LearnableTarget
) -> tuple[pd.Series, pd.DataFrame | None]:
    """The tested rows' predictions (multiclass: of the class in focus, plus every class's)."""
    tested = plan.tested
    index = target.y.index[tested]
    if target.task == Task.MULTICLASS:
        proba = pd.DataFrame(oof[tested], index=index, columns=target.classes)
        assert target.class_index is not None  # set for every multiclass target
        return proba.iloc[:, target.class_index].rename("prediction"), proba
    return pd.Series(oof[tested], index=index, name="prediction"), None
