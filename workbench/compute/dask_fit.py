"""The LightGBM fit on the cluster (``lightgbm.dask``), checked on a held-out share of rows.

The same honesty as :func:`workbench.steps.modeling.fit_model` on a large table: one seeded
random holdout (20%), the model trained on the other rows, its number of trees chosen on the
holdout, and the kept model is exactly the one scored. Differences, and why:

* LightGBM's Dask interface cannot stop early (each worker would stop at a different round and
  the training sockets break), so the model grows ``max_trees`` rounds and is then cut back to
  the round with the lowest loss over every held-out row (:mod:`workbench.compute.dask_curve`)
  — what early stopping would have kept.
* The holdout flag is a hash of the row label (with a time column: the latest 20% of rows by
  time, as the laptop's time-ordered check), so it is the same on every worker and on this
  computer, where the baselines (mean / majority, best one-column rule) are scored on the
  gathered rows' share of the same split.
* Predictions of every held-out row are computed on the cluster; only (label, y, prediction)
  come back to score them.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from workbench.compute import wording as words
from workbench.compute.cluster import run_cancellable
from workbench.compute.dask_curve import best_round, non_empty
from workbench.compute.dask_models import booster_from_text
from workbench.compute.dask_rows import HOLDOUT_COLUMN, TARGET_COLUMN, RowPlan, time_key
from workbench.errors import AnalysisError
from workbench.jobs import JobContext
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import Goal, Task
from workbench.steps.model_settings import ModelSettings
from workbench.steps.validation import HOLDOUT, TIME_ORDERED, ValidationPlan


def _estimator(task: Task, params: dict[str, Any], max_trees: int, client: Any) -> Any:
    from lightgbm.dask import DaskLGBMClassifier, DaskLGBMRegressor

    from workbench.compute.lgbm_ports import pin_training_ports

    pin_training_ports()
    kept = {k: v for k, v in params.items() if k not in ("num_threads", "metric")}
    cls = DaskLGBMRegressor if task == Task.REGRESSION else DaskLGBMClassifier
    return cls(client=client, n_estimators=max_trees, **kept)


def _predict_part(part: pd.DataFrame, model_text: str, columns: list[str], task: Task) -> Any:
    """Label, target and prediction (P(class) per class for classes) of held-out rows."""
    booster = booster_from_text(model_text)
    pred = np.asarray(booster.predict(part[columns])) if len(part) else np.zeros((0,))
    out = pd.DataFrame({"y": part[TARGET_COLUMN].to_numpy()}, index=part.index)
    if task == Task.MULTICLASS:
        pred = pred.reshape(len(part), -1)
        for j in range(pred.shape[1]):
            out[f"p{j}"] = pred[:, j]
    else:
        out["p"] = pred.reshape(-1)
    return out


def _holdout_plan(frame: pd.DataFrame, y: pd.Series, plan_rows: RowPlan) -> ValidationPlan:
    """The same split on this computer's rows, for the baselines."""
    flags = plan_rows.holdout(frame.loc[y.index])
    positions = np.arange(len(y))
    kind = HOLDOUT if plan_rows.time_cutoff is None else TIME_ORDERED
    return ValidationPlan(kind, [(positions[~flags], positions[flags])], plan_rows.holdout_share)


def _time_cutoff(table: Any, plan_rows: RowPlan) -> float | None:
    """The time from which the latest ``holdout_share`` of rows begins (None: no usable time)."""
    if plan_rows.time_column is None:
        return None
    keys = table.frame[plan_rows.time_column].map_partitions(
        lambda s: pd.Series(time_key(s), index=s.index), meta=(None, "float64")
    )
    keys = keys.dropna()
    count = int(keys.count().compute())
    if not count:
        return None
    # exact, unlike dask's quantile: the time of the k-th latest row (ties go to the holdout)
    k = max(1, int(np.ceil(plan_rows.holdout_share * count)))
    return float(keys.nlargest(k).min().compute())


def fit_on_cluster(
    session: Any,
    table: Any,
    frame: pd.DataFrame,
    plan_rows: RowPlan,
    prepared: Any,  # modeling's target + features on this computer's rows
    goal: Goal,
    excluded: list[Any],
    forced: list[Any],
    settings: ModelSettings,
    ctx: JobContext,
) -> FitResult:
    """Fit on every row of ``table`` on the cluster; score the holdout there (see module)."""
    from workbench.steps import boosting
    from workbench.steps.baseline import compute_baselines
    from workbench.steps.metrics import score_predictions
    from workbench.steps.verdict import judge_fit

    started = time.perf_counter()
    target, features = prepared
    task, classes = target.task, target.classes
    ctx.progress(0.0, words.progress_fitting())
    plan_rows.time_cutoff = _time_cutoff(table, plan_rows)  # a time column: the latest rows
    meta = plan_rows.model_rows(table.frame._meta)
    rows = table.frame.map_partitions(plan_rows.model_rows, meta=meta)
    rows = session.client.persist(rows)
    columns = list(features.X.columns)
    n_rows, n_test = (int(v) for v in _counts(rows))
    if n_test == 0 or n_rows - n_test < 2:
        raise AnalysisError(words.holdout_on_cluster(n_test, n_rows - n_test, 0))
    resolved = settings.resolved()
    params = boosting.params(task, target.n_classes, n_rows, len(columns), settings, settings.seed)
    train = non_empty(rows[~rows[HOLDOUT_COLUMN]])
    test = rows[rows[HOLDOUT_COLUMN]]
    model = _estimator(task, params, int(resolved["max_trees"]), session.client)
    categorical = [c for c in columns if c in features.levels]
    with warnings.catch_warnings():  # "n_jobs will be ignored": the workers' threads rule
        warnings.filterwarnings("ignore", message="Parameter .* will be ignored")
        run_cancellable(  # a cancel in the app stops the fit, not only the steps around it
            session,
            ctx,
            lambda: model.fit(
                train[columns], train[TARGET_COLUMN], categorical_feature=categorical or "auto"
            ),
        )
    ctx.check()
    ctx.progress(0.7, words.progress_scoring())
    n_trees = best_round(test, model.booster_, columns, task)
    booster = boosting.with_levels(boosting._cut(model.booster_, n_trees), features, categorical)
    fit_seconds = time.perf_counter() - started

    ctx.progress(0.8, words.progress_scoring())
    model_text = booster.model_to_string()
    width = target.n_classes if task == Task.MULTICLASS else 0
    meta = pd.DataFrame(
        {"y": pd.Series(dtype=float), **_prediction_columns(width)}, index=pd.RangeIndex(0)
    )
    scored = test.map_partitions(_predict_part, model_text, columns, task, meta=meta).compute()
    y_test = scored["y"].to_numpy()
    if task == Task.MULTICLASS:
        pred = scored[[c for c in scored.columns if c.startswith("p")]].to_numpy()
    else:
        pred = scored["p"].to_numpy()
    metrics = score_predictions(
        task,
        y_test.astype(int) if task != Task.REGRESSION else y_test,
        pred,
        classes=classes,
        threshold=settings.threshold,
    )
    plan = _holdout_plan(frame, target.y, plan_rows)
    baseline = compute_baselines(
        features, task, plan.folds, classes=classes, seed=settings.seed, ctx=ctx.sub(0.9, 1.0)
    )
    flagged = {e.column for e in forced if e.reason == "leakage"}
    judged = judge_fit(
        task,
        goal.target,
        metrics,
        baseline,
        booster,
        features.display,
        flagged,
        target.positive_class,
        classes,
    )
    if task == Task.MULTICLASS:
        proba = pd.DataFrame(pred, index=scored.index, columns=classes)
        oof_pred = proba.iloc[:, target.class_index].rename("prediction")
    else:
        proba, oof_pred = None, pd.Series(pred, index=scored.index, name="prediction")
    trained = n_rows - n_test
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
        n_folds=1,
        rows=n_rows,
        trained_rows=trained,
        rows_without_target=int(table.n_rows - n_rows),
        validation_message=(
            words.holdout_on_cluster(n_test, trained, n_trees)
            if plan.kind == HOLDOUT
            else words.latest_on_cluster(n_test, trained, n_trees, str(plan_rows.time_column))
        ),
        rule_column=baseline.rule_column,
        forced=list(forced),
        oof_proba=proba,
        plan=None,  # the split lives on the cluster; the message above says it
        params={**params, "num_boost_round": n_trees, "engine": "lightgbm.dask"},
        timings={"fit": fit_seconds, "total": time.perf_counter() - started},
        time_column=plan_rows.time_column,
        giveaway=judged.giveaway,
    )


def _counts(rows: Any) -> tuple[Any, Any]:
    import dask

    return dask.compute(rows.map_partitions(len).sum(), rows[HOLDOUT_COLUMN].sum())


def _prediction_columns(width: int) -> dict[str, pd.Series]:
    names = [f"p{j}" for j in range(width)] if width else ["p"]
    return {n: pd.Series(dtype=float) for n in names}


def kinds_of(frame: pd.DataFrame, kinds: Mapping[str, Any]) -> dict[str, Any]:
    """Every column's kind (settled, else from its dtype)."""
    from workbench.steps.profile import fallback_kind

    return {str(c): kinds.get(c) or fallback_kind(frame[c]) for c in frame.columns}
