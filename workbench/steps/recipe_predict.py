"""The ``predict_missing`` recipe step: fill a column's missing cells by model, with a confidence.

A small LightGBM model learns the column from the rows where it is known, reading the other
columns only — never the analysis's target nor the columns flagged as leaking it (``not_predictors``
from :func:`workbench.steps.recipe.apply_recipe`'s ``keep_out``, plus the step's own ``exclude``
list), and never the column itself. Every filled cell carries a confidence:

- a **label**: the model's probability for the label it chose, calibrated on held-out folds
  (isotonic regression) so that 80% means right 4 times out of 5;
- a **number**: an 80% prediction range from two quantile models (10th and 90th percentile),
  widened by split-conformal calibration: the same models fitted on 2/3 of the known rows
  predict the other 1/3 (three folds), and the range is widened by the amount that makes 80% of
  those held-out values fall inside. The confidence is how much narrower that range is than the
  column's own 10th-90th percentile range (1 - width / column range, at least 0): 0% means the
  model knows no more than the column's spread, 100% an exact value.

With ``min_confidence`` the cells below it are left empty. Seeds, folds and thread count are
fixed, so a replay (reopening the project, rerunning it on next week's file) gives the same fills.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext
from workbench.steps import predict_wording as words
from workbench.steps.predicted_cells import INTERVAL_COVERAGE, PredictedCells
from workbench.steps.profile import fallback_kind
from workbench.steps.recipe_impute import (
    MIN_ROWS_FOR_MODEL,
    MODEL_MAX_TRAIN_ROWS,
    SEED,
    _features,
    _params,
    _progress_callback,
)
from workbench.steps.recipe_outcome import Outcome, StepSkipped, replace_column
from workbench.steps.recipe_values import codes_and_uniques, is_number_series
from workbench.tables.table import ColumnKind

FOLDS = 3  # held-out folds that calibrate a number's range
QUANTILE_TREES = 80  # quantile models move slowly from their start: more, smaller steps
MAX_LABELS = 50  # more distinct labels than this: not predicted (one model per label)
POINT_TREES = 200  # the fill itself: closer than impute's 40 trees (tests/bench/bench_predict.py)
_LOW_Q = (1 - INTERVAL_COVERAGE) / 2  # 0.1
_HIGH_Q = 1 - _LOW_Q  # 0.9


def predict_missing(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    """Run the step (see the module docstring); the cell marks travel in ``Outcome.predicted``."""
    name = step["column"]
    if name not in frame.columns:
        from workbench.steps.recipe_wording import missing_column

        raise StepSkipped(missing_column(name))
    col = frame[name]
    missing = col.isna().to_numpy()
    threshold = step.get("min_confidence")
    details: dict[str, Any] = {
        "missing": int(missing.sum()),
        "filled": 0,
        "left_empty": 0,
        "min_confidence": threshold,
    }
    if not missing.any():
        return Outcome(frame.copy(deep=False), dict(kinds), details=details)
    kind = kinds.get(name) or fallback_kind(col)
    regress = is_number_series(col)
    if not regress and (
        kind in (ColumnKind.TEXT, ColumnKind.ID, ColumnKind.DATETIME)
        or pd.api.types.is_datetime64_any_dtype(col)
    ):
        raise StepSkipped(words.cannot_predict_kind(name))
    usable = ~missing
    if regress:  # an infinite reading cannot be learned from (it stays as it is)
        usable &= np.isfinite(col.to_numpy(dtype="float64", na_value=np.nan))
    known = np.flatnonzero(usable)
    if len(known) < MIN_ROWS_FOR_MODEL:
        raise StepSkipped(words.too_few_known(name, len(known), MIN_ROWS_FOR_MODEL))
    train = known
    if len(train) > MODEL_MAX_TRAIN_ROWS:
        rng = np.random.default_rng(SEED)
        train = np.sort(rng.choice(train, MODEL_MAX_TRAIN_ROWS, replace=False))
    predict_at = np.flatnonzero(missing)
    not_predictors = frozenset(str(c) for c in step.get("not_predictors") or ()) | frozenset(
        str(c) for c in step.get("exclude") or ()
    )
    features, used = _features(
        frame, kinds, name, np.concatenate([train, predict_at]), not_predictors
    )
    if not used:
        raise StepSkipped(words.no_predictors(name))
    x_train, x_missing = features.iloc[: len(train)], features.iloc[len(train) :]
    details.update(
        {
            "features": used,
            "trained_on": len(train),
            "not_predictors": sorted(c for c in not_predictors if c in frame.columns and c != name),
        }
    )
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    if regress:
        y = col.to_numpy(dtype="float64", na_value=np.nan)[train]
        guess, low, high = _predict_numbers(x_train, y, x_missing, ctx)
        spread = float(np.quantile(y, _HIGH_Q) - np.quantile(y, _LOW_Q))
        width = high - low
        confidence = 1.0 - width / spread if spread > 0 else (width <= 0).astype("float64")
        confidence = np.clip(confidence, 0.0, 1.0)
        # an integer column holds whole numbers: the mark shows the value the cell holds
        values: np.ndarray = np.round(guess) if pd.api.types.is_integer_dtype(col) else guess
        details.update({"kind": "number", "median_width": float(np.median(width))})
    else:
        codes, uniques = codes_and_uniques(col)
        n_labels = len(np.unique(codes[train]))
        if n_labels < 2:
            raise StepSkipped(words.one_label(name))
        if n_labels > MAX_LABELS:
            raise StepSkipped(words.too_many_labels(name, n_labels, MAX_LABELS))
        chosen, confidence = _predict_labels(x_train, codes[train], x_missing, ctx)
        values = np.asarray(uniques, dtype=object)[chosen]
        details["kind"] = "label"
    filled = np.ones(len(predict_at), dtype=bool)
    if threshold:
        filled = confidence >= float(threshold) - 1e-12
    new = _with_fills(col, predict_at[filled], values[filled], regress)
    marks = PredictedCells(
        column=str(name),
        kind="number" if regress else "label",
        rows=np.asarray(frame.index[predict_at], dtype=np.int64),
        values=values,
        confidence=np.asarray(confidence, dtype="float64"),
        filled=filled,
        low=low,
        high=high,
        min_confidence=None if threshold is None else float(threshold),
        train_on_predicted=bool(step.get("train_on_predicted", False)),
    )
    n_filled = int(filled.sum())
    details.update(
        {
            "filled": n_filled,
            "left_empty": len(predict_at) - n_filled,
            "median_confidence": float(np.median(confidence)),
        }
    )
    return Outcome(
        replace_column(frame, name, new),
        dict(kinds),
        cells_changed=n_filled,
        details=details,
        predicted=marks,
    )


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def _folds(n: int) -> np.ndarray:
    """A fold number per training row, shuffled with the fixed seed."""
    order = np.random.default_rng(SEED).permutation(n)
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % FOLDS
    return fold


def _untied(y: np.ndarray) -> np.ndarray:
    """``y`` with a jitter of a millionth of its spread (fixed seed) for the quantile models.

    LightGBM's quantile objective does not move off its starting value when the values are
    tied (whole numbers, settings with a few levels): a column that is 1 or 5 by a clear rule
    got the range 1-5 everywhere. A millionth of the spread breaks the ties and changes no
    range visibly (tested)."""
    scale = float(np.quantile(y, _HIGH_Q) - np.quantile(y, _LOW_Q))
    if scale <= 0:
        scale = float(np.max(np.abs(y))) or 1.0
    jitter = np.random.default_rng(SEED).uniform(-0.5, 0.5, len(y))
    return y + jitter * scale * 1e-6


def _quantile_model(alpha: float, n_train: int) -> Any:
    import lightgbm as lgb

    params = {**_params(n_train), "n_estimators": QUANTILE_TREES}
    return lgb.LGBMRegressor(objective="quantile", alpha=alpha, **params)


def _predict_numbers(
    x: pd.DataFrame, y: np.ndarray, x_new: pd.DataFrame, ctx: JobContext
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fill (a least-squares model) and its calibrated 80% range for each row of ``x_new``."""
    import lightgbm as lgb

    steps = 3 + 2 * FOLDS
    done = 0

    def fit(model: Any, xs: pd.DataFrame, ys: np.ndarray) -> Any:
        nonlocal done
        sub = ctx.sub(done / steps, (done + 1) / steps)
        done += 1
        return model.fit(xs, ys, callbacks=[_progress_callback(sub)])

    point = fit(lgb.LGBMRegressor(**{**_params(len(y)), "n_estimators": POINT_TREES}), x, y)
    guess = point.predict(x_new)
    yq = _untied(y)
    # conformal scores on held-out folds: how far outside its range each known value fell
    fold = _folds(len(y))
    scores = np.empty(len(y))
    for k in range(FOLDS):
        held, rest = fold == k, fold != k
        lo = fit(_quantile_model(_LOW_Q, int(rest.sum())), x[rest], yq[rest]).predict(x[held])
        hi = fit(_quantile_model(_HIGH_Q, int(rest.sum())), x[rest], yq[rest]).predict(x[held])
        lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
        scores[held] = np.maximum(lo - y[held], y[held] - hi)
    level = min(1.0, np.ceil(INTERVAL_COVERAGE * (len(y) + 1)) / len(y))
    widen = float(np.quantile(scores, level, method="higher"))
    low = fit(_quantile_model(_LOW_Q, len(y)), x, yq).predict(x_new)
    high = fit(_quantile_model(_HIGH_Q, len(y)), x, yq).predict(x_new)
    low, high = np.minimum(low, high) - widen, np.maximum(low, high) + widen
    # the fill always lies inside its own range
    low, high = np.minimum(low, guess), np.maximum(high, guess)
    return guess, low, high


def _predict_labels(
    x: pd.DataFrame, codes: np.ndarray, x_new: pd.DataFrame, ctx: JobContext
) -> tuple[np.ndarray, np.ndarray]:
    """The most likely label code for each row of ``x_new`` and its calibrated probability.

    Boosted trees' own probabilities run high (measured: a mean of 0.89 where 0.73 of the
    labels were right). So the model's probability is mapped to the share of labels that were
    right at that probability on held-out folds (isotonic regression), which is what a
    confidence of 80% must mean: right 4 times out of 5.
    """
    import lightgbm as lgb
    from sklearn.isotonic import IsotonicRegression

    # one set of trees per label: fewer rounds when there are many labels, so the time stays
    # near that of two labels
    n_labels = len(np.unique(codes))
    trees = min(POINT_TREES, max(40, 400 // n_labels))

    def model() -> Any:
        return lgb.LGBMClassifier(**{**_params(len(codes)), "n_estimators": trees})

    steps = FOLDS + 1
    fold = _folds(len(codes))
    held_conf = np.full(len(codes), np.nan)
    held_right = np.zeros(len(codes), dtype=bool)
    for k in range(FOLDS):
        held, rest = fold == k, fold != k
        if len(np.unique(codes[rest])) < 2:
            continue
        sub = ctx.sub(k / steps, (k + 1) / steps)
        fitted = model().fit(x[rest], codes[rest], callbacks=[_progress_callback(sub)])
        proba = fitted.predict_proba(x[held])
        best = np.argmax(proba, axis=1)
        held_conf[held] = proba[np.arange(len(best)), best]
        held_right[held] = np.asarray(fitted.classes_)[best] == codes[held]
    sub = ctx.sub(FOLDS / steps, 1.0)
    final = model().fit(x, codes, callbacks=[_progress_callback(sub)])
    proba = final.predict_proba(x_new)
    best = np.argmax(proba, axis=1)
    raw = proba[np.arange(len(best)), best]
    seen = ~np.isnan(held_conf)
    if seen.sum() >= MIN_ROWS_FOR_MODEL:
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(held_conf[seen], held_right[seen].astype("float64"))
        confidence = np.asarray(iso.predict(raw), dtype="float64")
    else:
        confidence = raw
    classes = np.asarray(final.classes_, dtype=np.int64)
    return classes[best], confidence


def _with_fills(col: pd.Series, at: np.ndarray, values: np.ndarray, regress: bool) -> pd.Series:
    """``col`` with the cells at positions ``at`` set to ``values``, keeping its type."""
    if regress:
        numbers = col.to_numpy(dtype="float64", na_value=np.nan).copy()
        fills = np.asarray(values, dtype="float64")
        integer = pd.api.types.is_integer_dtype(col.dtype)
        numbers[at] = np.round(fills) if integer else fills
        out = pd.Series(numbers, index=col.index, name=col.name)
        if integer:
            out = out.astype("Int64" if col.isna().any() else col.dtype)
        return out
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64, copy=True)
        position = {v: i for i, v in enumerate(col.cat.categories)}
        codes[at] = [position[v] for v in values]
        return pd.Series(
            pd.Categorical.from_codes(
                codes, categories=col.cat.categories, ordered=col.cat.ordered
            ),
            index=col.index,
            name=col.name,
        )
    out = col.astype(object).copy()
    out.iloc[at] = values
    if not pd.api.types.is_object_dtype(col.dtype):
        out = out.astype(col.dtype)
    return out
