"""How a fit drives LightGBM: parameters, the binned Dataset, the fold fits and the refit.

:func:`params` turns :class:`~workbench.steps.model_settings.ModelSettings` and the table's
size into LightGBM parameters (one thread on small tables, where OpenMP's waits cost more
than they save).
:func:`binned_dataset` bins the features once for every fit; :func:`fit_folds` fits one model
per validation fold with early stopping and :func:`refit` the final one on every row. Each
boosting round reports to a :class:`~workbench.jobs.JobContext` (:func:`progress_callback`),
which raises :class:`~workbench.jobs.Cancelled` from inside training when the user cancels.
"""

from __future__ import annotations

import os
from typing import Any

# OMP_WAIT_POLICY must be set before lightgbm loads its OpenMP runtime: workbench/__init__.py
# sets it, and a package's __init__ always runs before any of its modules is imported.
import lightgbm as lgb
import numpy as np
import pandas as pd

from workbench.jobs import JobContext
from workbench.steps import model_wording as words
from workbench.steps.features import FeatureSet
from workbench.steps.goal import Task
from workbench.steps.model_settings import ModelSettings
from workbench.steps.validation import ValidationPlan

__all__ = [
    "SINGLE_THREAD_CELLS",
    "as_matrix",
    "binned_dataset",
    "fit_folds",
    "params",
    "predict",
    "progress_callback",
    "refit",
    "with_levels",
]


#: Below this many cells (rows x features) one thread is faster: OpenMP's spin-waits cost more
#: than they save on small data, and far more when other programs share the cores.
SINGLE_THREAD_CELLS = 2_000_000


def _threads(settings: ModelSettings, n_rows: int, n_features: int) -> int:
    if settings.num_threads:
        return settings.num_threads
    if n_rows * max(n_features, 1) < SINGLE_THREAD_CELLS:
        return 1
    return os.cpu_count() or 1


def params(
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


def progress_callback(ctx: JobContext, total: int, message: str) -> Any:
    def callback(env: lgb.callback.CallbackEnv) -> None:
        ctx.progress((env.iteration + 1) / total, message)

    # LightGBM runs callbacks in the order of this attribute, set on the function itself
    callback.order = 5  # type: ignore[attr-defined]
    return callback


#: From this many cells (rows x features: 80 MB as float64) the binned Dataset is built from
#: blocks of rows (:class:`RowBlocks`); below, one matrix is cheap and binned faster.
BLOCKED_FROM_CELLS = 10_000_000


def as_matrix(x: pd.DataFrame) -> np.ndarray:
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


def predict(booster: lgb.Booster, matrix: np.ndarray, num_iteration: int | None) -> np.ndarray:
    # an ndarray for plain predictions (the hint also covers sparse SHAP output)
    return np.asarray(booster.predict(matrix, num_iteration=num_iteration))


def binned_dataset(
    features: FeatureSet, y: pd.Series, params: dict[str, Any], categorical: list[str]
) -> lgb.Dataset:
    """One binned Dataset over the features for every fit of this model (folds are subsets of
    it: the rows are binned once)."""
    ds_params: dict[str, Any] = {
        k: params[k]
        for k in ("max_bin", "verbose", "num_threads", "min_data_in_leaf", "seed")
        if k in params
    }
    ds_params["feature_pre_filter"] = False
    # Built from blocks of rows (LightGBM samples its bin bounds, then bins block by block), not
    # from one float64 matrix of every row: at 1M x 50 that matrix was 392 MB next to the table,
    # the largest transient of the fit. The bins are the same (the same sampled rows, the same
    # rows pushed), so the model is too; small tables keep the one matrix (no Python loop).
    blocked = features.X.size >= BLOCKED_FROM_CELLS
    kind = _BlockDataset if blocked else lgb.Dataset
    dataset = kind(
        RowBlocks(features.X) if blocked else as_matrix(features.X),
        label=y.to_numpy(),
        feature_name=list(features.X.columns),
        categorical_feature=categorical,
        params=ds_params,
        free_raw_data=True,
    ).construct()
    if isinstance(dataset, _BlockDataset):
        dataset.built = True
    return dataset


class _BlockDataset(lgb.Dataset):
    """A Dataset whose blocks of rows are binned exactly as one matrix would be.

    LightGBM (4.7) samples the rows for the bin bounds of a :class:`lightgbm.Sequence`, and
    builds the bins from them, with :meth:`get_params`, which leaves out ``seed`` and
    ``min_data_in_leaf``; the matrix path reads every parameter. Without them the sample is
    another one and the model differs (R² 0.7617 against 0.7623 at 1M), so while the Dataset
    is built it hands LightGBM all of its parameters."""

    built = False

    def get_params(self) -> dict[str, Any]:
        if self.built or self.params is None:
            return super().get_params()
        return dict(self.params)


class RowBlocks(lgb.Sequence):
    """The feature columns as LightGBM reads a :class:`lightgbm.Sequence`: rows by position
    (its bin sample, in increasing order) or by slices of :attr:`batch_size` (the binning), each
    block converted by :func:`as_matrix` once, so no matrix of every row is ever made."""

    batch_size = 65_536

    def __init__(self, x: pd.DataFrame) -> None:
        self.x = x
        self._block = -1
        self._rows = np.empty((0, x.shape[1]))

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, idx: int | slice | list[int]) -> np.ndarray:
        if isinstance(idx, list):  # LightGBM asks for rows by position lists too
            return np.ascontiguousarray(as_matrix(self.x.iloc[idx]))
        if isinstance(idx, slice):
            return np.ascontiguousarray(as_matrix(self.x.iloc[idx]))
        block, at = divmod(int(idx), self.batch_size)
        if block != self._block:  # the sample asks for rows in increasing order
            start = block * self.batch_size
            rows = self.x.iloc[start : start + self.batch_size]
            self._rows = np.ascontiguousarray(as_matrix(rows))
            self._block = block
        return self._rows[at]


def fit_folds(
    params: dict[str, Any],
    full: lgb.Dataset,
    x: pd.DataFrame,
    plan: ValidationPlan,
    task: Task,
    n_classes: int,
    max_trees: int,
    stopping_rounds: int,
    ctx: JobContext,
    keep: list[lgb.Booster] | None = None,
) -> tuple[np.ndarray, list[int], lgb.Booster]:
    """One fit per fold, stopped early on its test rows: the predictions for the tested rows
    (NaN elsewhere; one column per class for multiclass), the best number of trees of each
    fold, and the last fold's booster cut at its best tree (the final model of a one-split
    validation, see :func:`workbench.steps.modeling.fit_model`). ``keep``: a list that gets
    every fold's booster, cut at its best tree (the cause groups' consensus of fits)."""
    n = len(x)
    oof = np.full((n, n_classes) if task == Task.MULTICLASS else n, np.nan)
    best_iters: list[int] = []
    booster: lgb.Booster | None = None
    for i, (train, test) in enumerate(plan.folds):
        fold_ctx = ctx.sub(i / plan.n_folds, (i + 1) / plan.n_folds)
        message = words.fitting_fold(i + 1, plan.n_folds)
        booster = lgb.train(
            params,
            full.subset(train),  # type: ignore[arg-type]  # LightGBM takes an index array
            num_boost_round=max_trees,
            valid_sets=[full.subset(test)],  # type: ignore[arg-type]  # (its hint: a list)
            callbacks=[
                lgb.early_stopping(stopping_rounds, verbose=False),
                progress_callback(fold_ctx, max_trees, message),
            ],
        )
        best = max(int(booster.best_iteration or booster.current_iteration()), 1)
        best_iters.append(best)
        oof[test] = predict(booster, as_matrix(x.iloc[test]), best)
        if keep is not None:
            keep.append(_cut(booster, best))
    assert booster is not None  # a plan has at least one fold
    return oof, best_iters, _cut(booster, best_iters[-1])


def _cut(booster: lgb.Booster, n_trees: int) -> lgb.Booster:
    """``booster`` without the trees grown after its best iteration (early stopping's patience),
    so that predictions and SHAP read exactly the model that was scored."""
    if booster.current_iteration() <= n_trees:
        return booster
    # Rounds, not trees: a multiclass round holds one tree per class.
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=n_trees))


def with_levels(booster: lgb.Booster, features: FeatureSet, categorical: list[str]) -> lgb.Booster:
    """Predict DataFrames like a model trained on them: category levels in X's order."""
    booster.pandas_categorical = [features.levels[c] for c in categorical]
    return booster


def refit(
    params: dict[str, Any],
    full: lgb.Dataset,
    n_trees: int,
    features: FeatureSet,
    categorical: list[str],
    ctx: JobContext,
) -> lgb.Booster:
    """The final model on every usable row, with the number of trees validation found."""
    booster = lgb.train(
        params,
        full,
        num_boost_round=n_trees,
        callbacks=[progress_callback(ctx, n_trees, words.fitting_final())],
    )
    return with_levels(booster, features, categorical)
