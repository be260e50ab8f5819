"""Score new rows with the saved model (no refit) and measure model drift on labelled rows.

The model's input is built with the saved :class:`~workbench.steps.features.FeatureSet`
(:meth:`FeatureSet.transform`): the same safe names, the same float conversion and the same
category levels in the same order as at training, so a level maps to the code the model learned;
a level the model never saw (and a column missing from the new file) is missing, as LightGBM
treats unknown values.

**Model drift.** When new rows carry the target, the saved model's primary score on them (R²,
ROC-AUC, macro ROC-AUC) is compared with its validation: the score of each validation fold is
recomputed from the saved validation predictions and folds. *Refit recommended* when the new
score is below the lowest fold score (with a single holdout split: below the 2.5th percentile of
200 bootstrap resamples of the validation rows). Fewer than :data:`MIN_LABELLED` labelled new
rows: no recommendation (``refit_recommended`` is ``None``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.numbers_format import format_label
from workbench.steps import drift_wording as words
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import Task

MIN_LABELLED = 30
BOOTSTRAP = 200
#: Rows predicted per chunk (cancel is checked between chunks).
CHUNK = 250_000


@dataclass(frozen=True)
class Scores:
    """Predictions for the scored rows (index = the rows' labels)."""

    frame: pd.DataFrame  # one or more columns named for the user (see drift_wording)
    task: str
    threshold: float | None = None
    positive_class: str | None = None
    raw: np.ndarray | None = None  # the booster's output, row for row (for model drift)


def model_input(fit: FitResult, frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input for ``frame``: columns the new file lacks are all missing."""
    fs = fit.features
    needed = {fs.derived.get(n, n) for n in fs.columns}
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        frame = frame.assign(**{c: pd.Series(np.nan, index=frame.index) for c in absent})
    return fs.transform(frame)


def raw_predictions(fit: FitResult, frame: pd.DataFrame, ctx: JobContext | None = None) -> Any:
    """The booster's output for every row: value, P(positive) or an (n, k) matrix."""
    from workbench.steps.boosting import as_matrix

    ctx = ensure_context(ctx)
    parts = []
    n = len(frame)
    for start in range(0, max(n, 1), CHUNK):
        ctx.progress(start / max(n, 1), words.progress_scoring())
        x = model_input(fit, frame.iloc[start : start + CHUNK])
        # codes, not the DataFrame: the booster reads the same numbers it was trained on
        parts.append(fit.booster.predict(as_matrix(x)))
    ctx.progress(1.0, "")
    return np.concatenate(parts) if parts else np.empty(0)


def score_rows(fit: FitResult, frame: pd.DataFrame, ctx: JobContext | None = None) -> Scores:
    """Predictions for every row of ``frame`` with the saved model.

    Regression: the predicted value. Binary: the probability of the positive class, the
    threshold chosen at validation and the predicted class. Multiclass: each class's
    probability and the most probable class."""
    pred = raw_predictions(fit, frame, ctx)
    target = fit.target
    out: dict[str, Any] = {}
    if fit.task == Task.REGRESSION:
        out[words.prediction_column(target)] = pred
        return Scores(pd.DataFrame(out, index=frame.index), str(fit.task), raw=pred)
    classes = list(fit.classes or [])
    if fit.task == Task.BINARY:
        pos = str(fit.positive_class)
        neg = next(c for c in classes if c != pos)
        t = 0.5 if fit.threshold is None else float(fit.threshold)
        out[words.probability_column(target, pos)] = pred
        out[words.threshold_column()] = t
        out[words.prediction_column(target)] = np.where(pred >= t, pos, neg)
        return Scores(pd.DataFrame(out, index=frame.index), str(fit.task), t, pos, pred)
    for j, label in enumerate(classes):
        out[words.probability_column(target, label)] = pred[:, j]
    out[words.prediction_column(target)] = np.asarray(classes, dtype=object)[
        np.argmax(pred, axis=1)
    ]
    return Scores(pd.DataFrame(out, index=frame.index), str(fit.task), raw=pred)


# ---------------------------------------------------------------------------------------------
# Model drift


@dataclass(frozen=True)
class ModelDrift:
    """The saved model's score on the new labelled rows against its validation."""

    metric: str
    validation_score: float | None
    new_score: float | None
    validation_range: tuple[float | None, float | None]  # the spread the rule compares with
    fold_scores: list[float]
    rows: int
    refit_recommended: bool | None
    target: str
    rule: str  # "lowest_fold" | "bootstrap_2.5%"
    min_rows: int = MIN_LABELLED
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["validation_range"] = list(self.validation_range)
        return data

    def summary(self) -> dict[str, Any]:
        """The ``--json`` ``model_drift`` entry."""
        return {
            "metric": self.metric,
            "validation_score": self.validation_score,
            "new_score": self.new_score,
            "refit_recommended": self.refit_recommended,
            "rows": self.rows,
            "validation_range": list(self.validation_range),
            "rule": self.rule,
            "message": self.message,
        }


def _encode_labels(fit: FitResult, target: pd.Series) -> pd.Series:
    """The new rows' target coded like at training; rows with an unknown class are dropped."""
    valid = target.dropna()
    if fit.task == Task.REGRESSION:
        y = pd.to_numeric(valid.astype(object) if valid.dtype == object else valid, errors="coerce")
        return y.dropna().astype(float)
    labels = valid.map(format_label).astype(str)
    classes = list(fit.classes or [])
    if fit.task == Task.BINARY:
        labels = labels[labels.isin(classes)]
        return (labels == str(fit.positive_class)).astype(float)
    codes = {c: i for i, c in enumerate(classes)}
    return labels[labels.isin(classes)].map(codes).astype(float)


def _primary(fit: FitResult, y: np.ndarray, pred: np.ndarray) -> float | None:
    from workbench.steps.metrics import score_predictions

    metrics = score_predictions(fit.task, y, pred, classes=fit.classes, threshold=fit.threshold)
    value = metrics.get(fit.metric)
    return None if value is None else float(value)


def _validation_predictions(fit: FitResult) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(y, prediction) of the validated rows, aligned, and their labels."""
    rows = fit.oof_pred.index
    y = fit.features.y.loc[rows].to_numpy(dtype=np.float64)
    if fit.task == Task.MULTICLASS and fit.oof_proba is not None:
        return y, fit.oof_proba.loc[rows].to_numpy(dtype=np.float64), rows
    return y, fit.oof_pred.to_numpy(dtype=np.float64), rows


def fold_scores(fit: FitResult) -> list[float]:
    """The primary score of each validation fold, recomputed from the saved predictions."""
    if fit.plan is None:
        return []
    y, pred, rows = _validation_predictions(fit)
    labels = fit.features.y.index
    position = pd.Series(np.arange(len(rows)), index=rows)
    scores = []
    for _train, test in fit.plan.folds:
        at = position.reindex(labels[np.asarray(test)]).dropna().to_numpy(dtype=np.int64)
        if at.size:
            value = _primary(fit, y[at], pred[at])
            if value is not None:
                scores.append(value)
    return scores


def _bootstrap_low(fit: FitResult, seed: int = 0) -> float | None:
    y, pred, _rows = _validation_predictions(fit)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(y), len(y))
        value = _primary(fit, y[pick], pred[pick])
        if value is not None:
            values.append(value)
    return float(np.percentile(values, 2.5)) if values else None


def measure_model_drift(
    fit: FitResult, frame: pd.DataFrame, raw: np.ndarray | None = None
) -> ModelDrift | None:
    """Score the saved model on the rows of ``frame`` whose target is known (see the module
    docstring for the rule); ``None`` when the new file has no target values. ``raw``: the
    model's output for ``frame``'s rows when already computed (:attr:`Scores.raw`)."""
    if fit.target not in frame.columns:
        return None
    y = _encode_labels(fit, frame[fit.target])
    if y.empty:
        return None
    if raw is not None and len(raw) == len(frame):
        pred = raw[frame.index.get_indexer(y.index)]
    else:
        pred = raw_predictions(fit, frame.loc[y.index])
    new_score = _primary(fit, y.to_numpy(), pred)
    folds = fold_scores(fit)
    low: float | None
    high: float | None
    if len(folds) >= 2:
        rule, low, high = "lowest_fold", min(folds), max(folds)
    else:
        rule, low, high = "bootstrap_2.5%", _bootstrap_low(fit), fit.score
    recommended: bool | None
    if len(y) < MIN_LABELLED or new_score is None or low is None:
        recommended = None
    else:
        recommended = bool(new_score < low)
    drift = ModelDrift(
        metric=fit.metric,
        validation_score=None if fit.score is None else float(fit.score),
        new_score=new_score,
        validation_range=(low, high),
        fold_scores=folds,
        rows=len(y),
        refit_recommended=recommended,
        target=fit.target,
        rule=rule,
    )
    from dataclasses import replace

    return replace(drift, message=words.model_drift_message(drift))
