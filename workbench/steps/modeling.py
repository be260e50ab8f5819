"""The honest LightGBM fit: validated on rows it never saw, compared with simple baselines.

``fit_model`` takes the cleaned table, the column kinds, the goal and the column roles and:

1. refuses, with a plain :class:`AnalysisError`, a target it cannot learn (constant, nearly
   empty, a class with too few rows, too few rows overall, no usable feature column);
2. builds safe-named features (:mod:`workbench.steps.features`);
3. validates (:mod:`workbench.steps.validation`): k-fold, time-ordered when a time column
   exists, or one holdout split on large tables — with early stopping on the validation part;
4. refits the final model on every usable row with the number of trees validation found;
5. scores the validation predictions (:mod:`workbench.steps.metrics`) against the mean /
   majority baseline and the best one-column rule (:mod:`workbench.steps.baseline`), and gives a
   verdict: ``useful``, ``weak`` or ``no_signal`` (then later steps refuse to show causes).

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

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd

from workbench.errors import AnalysisError
from workbench.i18n import _
from workbench.io.table import ColumnKind
from workbench.jobs import JobContext, ensure_context
from workbench.steps import model_wording as words
from workbench.steps.baseline import compute_baselines
from workbench.steps.features import FeatureSet, build_features, encode_target
from workbench.steps.goal import MODEL_ROLES, ColumnRole, Exclusion, Goal, Task, infer_task
from workbench.steps.metrics import primary_metric, score_predictions
from workbench.steps.roles import RoleAssignment, assign_roles, check_columns
from workbench.steps.validation import TIME_ORDERED, ValidationPlan, plan_validation

#: Fewer usable rows than this: refuse to model.
MIN_ROWS = 30
#: A class with fewer rows than this: refuse to model.
MIN_CLASS_ROWS = 10
#: More classes than this: refuse to model.
MAX_CLASSES = 20

Effort = Literal["quick", "standard", "thorough"]

#: Model capacity by effort: chosen with the SHAP cost (trees x leaves x depth²) in view.
EFFORT_PRESETS: dict[str, dict[str, Any]] = {
    "quick": {"num_leaves": 15, "max_depth": 6, "learning_rate": 0.15, "max_trees": 150},
    "standard": {"num_leaves": 31, "max_depth": 8, "learning_rate": 0.1, "max_trees": 300},
    "thorough": {"num_leaves": 63, "max_depth": 10, "learning_rate": 0.05, "max_trees": 1000},
}


@dataclass
class ModelSettings:
    """How hard to try and how to validate. ``None`` fields come from ``effort``."""

    effort: Effort = "standard"
    validation: str = "auto"  # "auto" | "k-fold" | "time-ordered" | "holdout"
    n_folds: int = 5
    num_leaves: int | None = None
    max_depth: int | None = None
    learning_rate: float | None = None
    max_trees: int | None = None
    early_stopping_rounds: int | None = None
    min_data_in_leaf: int | None = None
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8  # used above ``bagging_rows`` rows
    bagging_rows: int = 50_000
    max_bin: int = 63
    large_rows: int = 200_000  # above this: one split instead of k folds
    holdout_share: float = 0.2
    threshold: float | None = None  # binary: None = maximise F1 on the validation predictions
    derive_time_parts: bool = False  # datetimes -> hour / day of week instead of dropping them
    seed: int = 0
    num_threads: int = 0  # 0 = every core

    def resolved(self) -> dict[str, Any]:
        preset = EFFORT_PRESETS[self.effort]
        out = {}
        for key in ("num_leaves", "max_depth", "learning_rate", "max_trees"):
            value = getattr(self, key)
            out[key] = preset[key] if value is None else value
        if self.early_stopping_rounds is None:
            out["early_stopping_rounds"] = {"quick": 20, "standard": 30, "thorough": 50}[
                self.effort
            ]
        else:
            out["early_stopping_rounds"] = self.early_stopping_rounds
        return out

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelSettings:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class FitResult:
    """The fitted model, how it was checked, and how it compares with simple baselines."""

    task: Task
    booster: lgb.Booster  # final model refit on all usable rows
    features: FeatureSet
    excluded: list[Exclusion]
    validation: str  # "k-fold" | "time-ordered" | "holdout"
    metric: str  # primary metric name: "r2" | "roc_auc" | "macro_roc_auc"
    score: float | None
    baseline_score: float | None  # the stronger of the two baselines on the same metric
    metrics: dict[str, Any]
    baseline: dict[str, Any]  # {"constant": {...}, "one_feature": {..., "column"}, ...}
    verdict: str  # "useful" | "weak" | "no_signal"
    verdict_message: str
    oof_pred: pd.Series  # validation predictions (value / P(positive) / P(class_index))
    classes: list[str] | None = None
    positive_class: str | None = None
    threshold: float | None = None
    class_index: int | None = None
    target: str = ""
    goal: Goal | None = None
    n_trees: int = 0
    n_folds: int = 1
    rows: int = 0  # rows modeled (target present)
    rows_without_target: int = 0
    validation_message: str = ""
    rule_column: str | None = None
    forced: list[Exclusion] = field(default_factory=list)
    oof_proba: pd.DataFrame | None = None  # multiclass: validation probabilities per class
    plan: ValidationPlan | None = None
    params: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    cpu_timings: dict[str, float] = field(default_factory=dict)  # process CPU seconds per phase
    time_column: str | None = None

    @property
    def has_signal(self) -> bool:
        return self.verdict != "no_signal"

    def reword(self) -> None:
        """Say the verdict and validation sentences again in the current language."""
        self.verdict_message = verdict_message(
            self.task,
            self.target,
            self.verdict,
            self.metrics,
            self.baseline,
            self.positive_class,
            self.classes,
        )
        if self.plan is not None:
            self.validation_message = words.validation_text(
                self.plan.kind, self.plan.n_folds, self.plan.test_share, self.rows
            )

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predictions for rows of a table with the same columns (value / probabilities)."""
        return self.booster.predict(self.features.transform(frame))

    def summary(self) -> dict[str, Any]:
        """JSON-safe summary; keys task, validation, metric, score, baseline_score first."""
        return {
            "task": str(self.task),
            "validation": self.validation,
            "metric": self.metric,
            "score": _num(self.score),
            "baseline_score": _num(self.baseline_score),
            "verdict": self.verdict,
            "verdict_message": self.verdict_message,
            "validation_message": self.validation_message,
            "metrics": _jsonable(self.metrics),
            "baseline": _jsonable(self.baseline),
            "rule_column": self.rule_column,
            "n_trees": self.n_trees,
            "n_folds": self.n_folds,
            "rows": self.rows,
            "rows_without_target": self.rows_without_target,
            "features": self.features.columns,
            "categorical": list(self.features.categorical),
            "classes": self.classes,
            "positive_class": self.positive_class,
            "threshold": _num(self.threshold),
            "class_index": self.class_index,
            "time_column": self.time_column,
            "excluded": [e.to_dict() for e in self.excluded],
            "forced": [e.to_dict() for e in self.forced],
            "params": _jsonable(self.params),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "cpu_timings": {k: round(v, 3) for k, v in self.cpu_timings.items()},
        }


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool | str) or obj is None:
        return obj
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(obj)
    return str(obj)


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


# ---------------------------------------------------------------------------------------------
# LightGBM plumbing


#: Below this many cells (rows x features) one thread is faster: OpenMP's spin-waits cost more
#: than they save on small data, and far more when other programs share the cores.
SINGLE_THREAD_CELLS = 2_000_000


def _threads(settings: ModelSettings, n_rows: int, n_features: int) -> int:
    if settings.num_threads:
        return settings.num_threads
    if n_rows * max(n_features, 1) < SINGLE_THREAD_CELLS:
        return 1
    return os.cpu_count() or 1


def _params(
    task: Task,
    n_classes: int,
    n_rows: int,
    n_features: int,
    settings: ModelSettings,
    seed: int,
) -> dict[str, Any]:
    r = settings.resolved()
    min_leaf = settings.min_data_in_leaf
    if min_leaf is None:
        min_leaf = int(min(20, max(3, n_rows // 100)))
    params: dict[str, Any] = {
        "learning_rate": r["learning_rate"],
        "num_leaves": r["num_leaves"],
        "max_depth": r["max_depth"],
        "min_data_in_leaf": min_leaf,
        "min_data_per_group": int(min(100, max(5, n_rows // 200))),
        "cat_smooth": 10.0,
        "max_bin": settings.max_bin,
        "feature_fraction": settings.feature_fraction,
        "feature_fraction_seed": seed,
        "seed": seed,
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": _threads(settings, n_rows, n_features),
        "verbose": -1,
    }
    if n_rows > settings.bagging_rows and settings.bagging_fraction < 1.0:
        params.update(bagging_fraction=settings.bagging_fraction, bagging_freq=1, bagging_seed=seed)
    if task == Task.REGRESSION:
        params.update(objective="regression", metric="l2")
    elif task == Task.BINARY:
        params.update(objective="binary", metric="binary_logloss")
    else:
        params.update(objective="multiclass", num_class=n_classes, metric="multi_logloss")
    return params


def _progress_callback(ctx: JobContext, total: int, message: str) -> Any:
    def callback(env: lgb.callback.CallbackEnv) -> None:
        ctx.progress((env.iteration + 1) / total, message)

    callback.order = 5  # type: ignore[attr-defined]
    return callback


def _as_matrix(x: pd.DataFrame) -> np.ndarray:
    """X as LightGBM sees it: floats, categoricals as their codes (missing -> NaN).

    Column-major, so each column is one contiguous copy (LightGBM reads it without another).
    """
    out = np.empty(x.shape, dtype=np.float64, order="F")
    for j, name in enumerate(x.columns):
        col = x[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy().astype(np.float64)
            codes[codes < 0] = np.nan
            out[:, j] = codes
        else:
            out[:, j] = col.to_numpy(dtype=np.float64)
    return out


def _predict(booster: lgb.Booster, matrix: np.ndarray, num_iteration: int | None) -> np.ndarray:
    return booster.predict(matrix, num_iteration=num_iteration)


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

    target = _check_target(frame, kinds, goal)
    task = infer_task(target, goal, max_classes=MAX_CLASSES)
    focus = goal.focus_rule if goal.focus else None
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

    classes = encoded.classes
    n_classes = len(classes) if classes else 1
    class_index: int | None = None
    positive_class = encoded.positive_class
    if task == Task.MULTICLASS and classes:
        want = positive
        if want is not None and want not in classes:
            folded = {c.strip().casefold(): c for c in classes}
            want = folded.get(want.strip().casefold())
        if want is None:
            counts = np.bincount(y.to_numpy().astype(int), minlength=n_classes)
            want = classes[int(np.argmin(counts))]
        class_index = classes.index(want)
        positive_class = want

    time_column = assignment.time
    time_values = frame.loc[y.index, time_column] if time_column is not None else None
    kind = settings.validation
    if kind == TIME_ORDERED and time_values is None:
        kind = "auto"
    plan = plan_validation(
        y,
        task,
        kind=kind,
        time=time_values,
        n_folds=settings.n_folds,
        holdout_share=settings.holdout_share,
        large_rows=settings.large_rows,
        seed=settings.seed,
    )
    clock.lap("prepare")

    # -- validation fits ---------------------------------------------------------------------
    resolved = settings.resolved()
    max_trees = int(resolved["max_trees"])
    n = len(y)
    params = _params(task, n_classes, n, features.X.shape[1], settings, settings.seed)
    ds_params = {
        k: params[k]
        for k in ("max_bin", "verbose", "num_threads", "min_data_in_leaf", "seed")
        if k in params
    }
    ds_params["feature_pre_filter"] = False
    # One binned Dataset for every fit: folds are subsets of it (no re-binning), built from
    # the code matrix rather than the DataFrame (one copy instead of three at 1M rows).
    matrix = _as_matrix(features.X)
    cat_safe = [c for c in features.X.columns if c in features.levels]
    full = lgb.Dataset(
        matrix,
        label=y.to_numpy(),
        feature_name=list(features.X.columns),
        categorical_feature=cat_safe,
        params=ds_params,
        free_raw_data=False,
    ).construct()
    clock.lap("dataset")
    ctx.progress(0.05, _("Preparing the model's input"))

    fit_ctx = ctx.sub(0.05, 0.65)
    oof = np.full((n, n_classes) if task == Task.MULTICLASS else n, np.nan)
    best_iters: list[int] = []
    for i, (train, test) in enumerate(plan.folds):
        fold_ctx = fit_ctx.sub(i / plan.n_folds, (i + 1) / plan.n_folds)
        message = words.fitting_fold(i + 1, plan.n_folds)
        booster = lgb.train(
            params,
            full.subset(train),
            num_boost_round=max_trees,
            valid_sets=[full.subset(test)],
            callbacks=[
                lgb.early_stopping(int(resolved["early_stopping_rounds"]), verbose=False),
                _progress_callback(fold_ctx, max_trees, message),
            ],
        )
        best = int(booster.best_iteration or booster.current_iteration())
        best_iters.append(max(best, 1))
        oof[test] = _predict(booster, matrix[test], best)
    clock.lap("validation")

    # -- final model on every row --------------------------------------------------------------
    n_trees = int(min(max_trees, max(1, round(float(np.mean(best_iters)) * 1.1))))
    refit_ctx = ctx.sub(0.65, 0.9)
    booster = lgb.train(
        params,
        full,
        num_boost_round=n_trees,
        callbacks=[_progress_callback(refit_ctx, n_trees, words.fitting_final())],
    )
    # Predict DataFrames like a model trained on them: category levels in X's order.
    booster.pandas_categorical = [features.levels[c] for c in cat_safe]
    clock.lap("refit")

    # -- scores and baselines ------------------------------------------------------------------
    tested = plan.tested
    yv = y.to_numpy()
    metrics = score_predictions(
        task, yv[tested], oof[tested], classes=classes, threshold=settings.threshold
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
    metric = primary_metric(task)
    score = metrics.get(metric)
    const_score = baseline.constant.get(metric)
    rule_score = baseline.one_feature.get(metric)
    candidates = [s for s in (const_score, rule_score) if s is not None]
    baseline_score = max(candidates) if candidates else None
    verdict = _verdict(task, score, const_score, rule_score)
    message = verdict_message(
        task, goal.target, verdict, metrics, baseline.to_dict(), positive_class, classes
    )

    index = y.index[tested]
    if task == Task.MULTICLASS:
        proba = pd.DataFrame(oof[tested], index=index, columns=classes)
        oof_pred = proba.iloc[:, class_index].rename("prediction")
    else:
        proba = None
        oof_pred = pd.Series(oof[tested], index=index, name="prediction")
    ctx.progress(1.0, _("Model ready"))
    clock.finish()
    return FitResult(
        task=task,
        booster=booster,
        features=features,
        excluded=excluded,
        validation=plan.kind,
        metric=metric,
        score=score,
        baseline_score=baseline_score,
        metrics=metrics,
        baseline=baseline.to_dict(),
        verdict=verdict,
        verdict_message=message,
        oof_pred=oof_pred,
        classes=classes,
        positive_class=positive_class,
        threshold=metrics.get("threshold") if task == Task.BINARY else None,
        class_index=class_index,
        target=goal.target,
        goal=goal,
        n_trees=n_trees,
        n_folds=plan.n_folds,
        rows=n,
        rows_without_target=int(len(frame) - n),
        validation_message=words.validation_text(plan.kind, plan.n_folds, plan.test_share, n),
        rule_column=baseline.rule_column,
        forced=list(assignment.forced),
        oof_proba=proba,
        plan=plan,
        params={**params, "num_boost_round": n_trees, "best_iterations": best_iters},
        timings=clock.wall,
        cpu_timings=clock.cpu,
        time_column=time_column,
    )


# ---------------------------------------------------------------------------------------------
# Verdict

#: The model must explain at least this much more variance than the mean (R²)…
MIN_R2_GAIN = 0.05
#: …or reach this ROC-AUC (classes), else: no usable signal.
MIN_AUC = 0.6
#: Below these gains over the one-column rule, or these scores, the model is "weak".
WEAK_R2_GAIN, WEAK_R2 = 0.02, 0.2
WEAK_AUC_GAIN, WEAK_AUC = 0.01, 0.7


def _verdict(
    task: Task, score: float | None, const_score: float | None, rule_score: float | None
) -> str:
    if score is None:
        return "no_signal"
    if task == Task.REGRESSION:
        if score - max(const_score or 0.0, 0.0) < MIN_R2_GAIN:
            return "no_signal"
        if score < WEAK_R2 or (rule_score is not None and score - rule_score < WEAK_R2_GAIN):
            return "weak"
        return "useful"
    if score < MIN_AUC:
        return "no_signal"
    if score < WEAK_AUC or (rule_score is not None and score - rule_score < WEAK_AUC_GAIN):
        return "weak"
    return "useful"


def verdict_message(
    task: Task,
    target: str,
    verdict: str,
    metrics: dict[str, Any],
    baseline: dict[str, Any],
    positive: str | None,
    classes: list[str] | None,
) -> str:
    """The verdict in words; ``baseline`` as in :meth:`BaselineResult.to_dict`."""
    rule = baseline.get("one_feature") or {}
    col = rule.get("column")
    constant = baseline.get("constant") or {}
    if task == Task.REGRESSION:
        sentence = words.regression_verdict(
            target,
            metrics.get("r2") or 0.0,
            constant.get("r2") or 0.0,
            rule.get("r2") or 0.0,
            col,
        )
    elif task == Task.BINARY:
        sentence = words.binary_verdict(
            target,
            str(positive),
            metrics.get("roc_auc") or 0.5,
            rule.get("roc_auc") or 0.5,
            col,
            metrics.get("recall") or 0.0,
            metrics.get("precision") or 0.0,
            metrics.get("threshold") or 0.5,
            int(metrics.get("positives") or 0),
        )
    else:
        sentence = words.multiclass_verdict(
            target,
            metrics.get("macro_roc_auc") or 0.5,
            metrics.get("balanced_accuracy") or 0.0,
            len(classes or []),
            rule.get("macro_roc_auc") or 0.5,
            col,
        )
    if verdict == "no_signal":
        return f"{words.no_signal()} {sentence}"
    return f"{sentence} {words.verdict_tail(verdict, col)}"
