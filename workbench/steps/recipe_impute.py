"""The ``impute`` recipe step: fill missing cells by median, mode, a fixed value, or a model.

Filling "by model" predicts each missing cell of a column from the row's other columns with a
small LightGBM model (a regressor for numbers, a classifier for labels), trained on the rows
where the column is known — never from the analysis's target or the columns flagged as leaking
it (``not_predictors``, given by :func:`workbench.steps.recipe.apply_recipe`'s ``keep_out``):
a filled input must not carry the answer into the model. With too few known rows it falls back
to median/mode and says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext
from workbench.steps import recipe_wording as wording
from workbench.steps.profile import fallback_kind
from workbench.steps.recipe_outcome import Outcome, StepSkipped, replace_column
from workbench.steps.recipe_values import (
    as_bool,
    as_float,
    as_timestamp,
    codes_and_uniques,
    is_number_series,
    value_text,
)
from workbench.tables.table import ColumnKind

MIN_ROWS_FOR_MODEL = 30  # fewer known values than this: fill by median/mode instead
MODEL_TREES = 40
MODEL_MAX_TRAIN_ROWS = 50_000  # a random sample of known rows beyond this (fixed seed)
SEED = 0
MAX_FEATURE_LEVELS = 1000  # label columns with more distinct values are left out of the model


def impute(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    col: pd.Series,
    step: dict[str, Any],
    ctx: JobContext,
) -> Outcome:
    name, method = step["column"], step["method"]
    missing = col.isna().to_numpy()
    n_missing = int(missing.sum())
    details: dict[str, Any] = {"method": method}
    if n_missing == 0:
        return Outcome(frame.copy(deep=False), dict(kinds), details=details)
    if col.notna().sum() == 0 and method != "constant":
        raise StepSkipped(wording.nothing_to_fill_from(name))
    warning = None
    if method == "constant":
        new = _fill(col, missing, _constant_for(col, step["value"], name))
    elif method == "model":
        kept_out = frozenset(str(c) for c in step.get("not_predictors") or ())
        new, warning, model_details = _fill_by_model(
            frame, kinds, col, name, missing, ctx, kept_out
        )
        details.update(model_details)
    elif method == "median" and _has_median(col):
        new = _fill(col, missing, col.median())
    else:
        if method == "median":
            warning = wording.median_needs_numbers(name)
        new = _fill(col, missing, _mode(col))
    return Outcome(
        replace_column(frame, name, new),
        dict(kinds),
        cells_changed=n_missing,
        warning=warning,
        details=details,
    )


def _has_median(col: pd.Series) -> bool:
    return is_number_series(col) or pd.api.types.is_datetime64_any_dtype(col)


def _mode(col: pd.Series) -> Any:
    modes = col.mode(dropna=True)
    return modes.iloc[0]


def _fill(col: pd.Series, missing: np.ndarray, value: Any) -> pd.Series:
    """``col`` with its missing cells set to ``value``, keeping the column's dtype."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        if value not in col.cat.categories:
            col = col.cat.add_categories([value])
        return col.fillna(value)
    if pd.api.types.is_integer_dtype(col.dtype) and isinstance(value, float | np.floating):
        value = round(float(value))
    return (
        col.mask(missing, value) if not isinstance(col.dtype, pd.StringDtype) else col.fillna(value)
    )


def _constant_for(col: pd.Series, value: Any, name: str) -> Any:
    """The fixed value converted to the column's type (a skip when it does not fit)."""
    if is_number_series(col):
        converted: Any = as_float(value)
        if converted is not None and pd.api.types.is_integer_dtype(col.dtype):
            converted = int(converted) if float(converted).is_integer() else None
    elif pd.api.types.is_datetime64_any_dtype(col):
        converted = as_timestamp(value, col)
    elif pd.api.types.is_bool_dtype(col):
        converted = as_bool(value)
    elif isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        if pd.api.types.is_numeric_dtype(cats.dtype):
            converted = as_float(value)
            if converted is not None and pd.api.types.is_integer_dtype(cats.dtype):
                converted = int(converted) if float(converted).is_integer() else None
        else:
            converted = value_text(value)
    elif isinstance(col.dtype, pd.StringDtype):
        converted = value_text(value)
    else:
        converted = value
    if converted is None:
        raise StepSkipped(wording.value_does_not_fit(name, value))
    return converted


# --------------------------------------------------------------------------------------------
# Model-based filling
# --------------------------------------------------------------------------------------------


def _feature(series: pd.Series, kind: ColumnKind) -> pd.Series | None:
    """A column as a LightGBM feature (float or pandas category), or None to leave it out."""
    if kind in (ColumnKind.ID, ColumnKind.TEXT):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        epoch = pd.Timestamp("1970-01-01", tz=getattr(series.dtype, "tz", None))
        values = ((series - epoch).dt.total_seconds() / 86400.0).to_numpy(
            dtype="float64", na_value=np.nan
        )
    elif is_number_series(series) or pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
    else:
        codes, uniques = codes_and_uniques(series)
        if not 1 < len(uniques) <= MAX_FEATURE_LEVELS:
            return None
        return pd.Series(
            pd.Categorical.from_codes(codes, categories=pd.RangeIndex(len(uniques))),
            index=series.index,
        )
    known = values[~np.isnan(values)]
    if known.size == 0 or known.min() == known.max():
        return None  # a constant column cannot help
    return pd.Series(values, index=series.index)


def _features(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    target: str,
    rows: np.ndarray,
    not_predictors: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, list[str]]:
    """The other columns at row positions ``rows``, as features named f0, f1, ...

    ``target`` is the column being filled; ``not_predictors`` (the analysis's target and the
    columns flagged as leaking it) are never read. LightGBM rejects some characters (quotes,
    brackets, commas) in feature names, so the user's names are kept aside in the returned list.
    """
    parts: dict[str, pd.Series] = {}
    used: list[str] = []
    for c in frame.columns:
        if c == target or str(c) in not_predictors:
            continue
        col = frame[c]
        feature = _feature(col.iloc[rows], kinds.get(c) or fallback_kind(col))
        if feature is not None:
            parts[f"f{len(used)}"] = feature
            used.append(str(c))
    return pd.DataFrame(parts), used


def _fallback(col: pd.Series, missing: np.ndarray, name: str, reason: str) -> tuple[pd.Series, str]:
    known = int((~missing).sum())
    if _has_median(col):
        used, value = "median", col.median()
    else:
        used, value = "mode", _mode(col)
    message = wording.model_fallback(name, reason, used, known, MIN_ROWS_FOR_MODEL)
    return _fill(col, missing, value), message


def _fill_by_model(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    col: pd.Series,
    name: str,
    missing: np.ndarray,
    ctx: JobContext,
    not_predictors: frozenset[str] = frozenset(),
) -> tuple[pd.Series, str | None, dict[str, Any]]:
    kind = kinds.get(name) or fallback_kind(col)
    regress = is_number_series(col)
    if not regress and (
        kind in (ColumnKind.TEXT, ColumnKind.ID) or pd.api.types.is_datetime64_any_dtype(col)
    ):
        if pd.api.types.is_datetime64_any_dtype(col):
            new, warning = _fallback(col, missing, name, "kind")
            return new, warning, {"fallback": "median"}
        raise StepSkipped(wording.model_needs_numbers_or_labels(name))
    known = ~missing
    n_known = int(known.sum())
    if n_known < MIN_ROWS_FOR_MODEL:
        new, warning = _fallback(col, missing, name, "few_rows")
        return (
            new,
            warning,
            {"fallback": "median" if _has_median(col) else "mode", "known_rows": n_known},
        )
    train = np.flatnonzero(known)
    if len(train) > MODEL_MAX_TRAIN_ROWS:
        rng = np.random.default_rng(SEED)
        train = np.sort(rng.choice(train, MODEL_MAX_TRAIN_ROWS, replace=False))
    predict_at = np.flatnonzero(missing)
    rows = np.concatenate([train, predict_at])
    features, used = _features(frame, kinds, name, rows, not_predictors)
    if not used:
        new, warning = _fallback(col, missing, name, "no_features")
        return new, warning, {"fallback": "median" if _has_median(col) else "mode"}
    x_train, x_missing = features.iloc[: len(train)], features.iloc[len(train) :]
    params = _params(len(train))
    callbacks = [_progress_callback(ctx)]
    details: dict[str, Any] = {"features": used, "trained_on": len(train)}
    kept = [str(c) for c in frame.columns if str(c) in not_predictors and c != name]
    if kept:
        details["not_predictors"] = kept  # the target and its leaks: never read

    import lightgbm as lgb  # heavy: loaded only when a model is asked for

    if regress:
        y = col.to_numpy(dtype="float64", na_value=np.nan)
        model = lgb.LGBMRegressor(**params)
        model.fit(x_train, y[train], callbacks=callbacks)
        predicted = model.predict(x_missing)
        values = y.copy()
        values[predict_at] = predicted
        if pd.api.types.is_integer_dtype(col.dtype):
            return (
                pd.Series(np.round(values), index=col.index, name=col.name).astype(col.dtype),
                None,
                details,
            )
        return pd.Series(values, index=col.index, name=col.name), None, details

    codes, uniques = codes_and_uniques(col)
    classes = np.unique(codes[train])
    if len(classes) == 1:
        predicted_codes = np.full(len(predict_at), classes[0])
    else:
        model = lgb.LGBMClassifier(**params)
        model.fit(x_train, codes[train], callbacks=callbacks)
        predicted_codes = np.asarray(model.predict(x_missing), dtype=np.int64)
    new_codes = codes.astype(np.int64, copy=True)
    new_codes[predict_at] = predicted_codes
    if isinstance(col.dtype, pd.CategoricalDtype):
        new = pd.Series(
            pd.Categorical.from_codes(
                new_codes, categories=col.cat.categories, ordered=col.cat.ordered
            ),
            index=col.index,
            name=col.name,
        )
        return new, None, details
    table = np.array([*uniques, None], dtype=object)
    new = pd.Series(table[new_codes], index=col.index, name=col.name)
    if not pd.api.types.is_object_dtype(col.dtype):
        new = new.astype(col.dtype)
    return new, None, details


def _params(n_train: int) -> dict[str, Any]:
    """Small, deterministic trees: a few dozen, so filling stays quick on a million rows."""
    min_leaf = max(5, min(20, n_train // 20))
    return {
        "n_estimators": MODEL_TREES,
        "learning_rate": 0.1,
        "num_leaves": 15,
        "min_child_samples": min_leaf,
        "min_data_per_group": min_leaf,
        "cat_smooth": 5.0,
        "random_state": SEED,
        "deterministic": True,
        "force_col_wise": True,
        "max_bin": 63,
        "n_jobs": 1,  # one thread: the same result on every machine, and the GUI stays smooth
        "verbose": -1,
    }


def _progress_callback(ctx: JobContext) -> Any:
    def callback(env: Any) -> None:
        ctx.progress((env.iteration + 1) / max(1, env.end_iteration))

    # LightGBM runs callbacks in the order of this attribute, set on the function itself
    callback.order = 30  # type: ignore[attr-defined]
    return callback
