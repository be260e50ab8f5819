"""Simple baselines the model must beat, validated exactly like the model.

* ``constant``: the training rows' mean (regression) or the class shares (classes) for everyone;
* ``one_feature``: the best single-column rule — each feature is cut into at most 16 bins
  (quantiles for numbers, the most frequent levels for categories, missing values in a bin of
  their own); every bin predicts its training rows' mean / class shares (shrunk towards the
  overall value for small bins). The column whose rule scores best on the validation rows wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.steps.features import FeatureSet
from workbench.steps.goal import Task
from workbench.steps.metrics import primary_metric, score_predictions

MAX_BINS = 16
#: Pseudo-rows pulling a small bin's value towards the overall value.
SHRINK = 10.0
#: Above this many rows the baselines are scored on a random subset of this size.
MAX_ROWS = 250_000
#: Rows used to place the bin edges of a numeric column.
EDGE_SAMPLE = 100_000


@dataclass
class BaselineResult:
    constant: dict[str, Any]  # metrics of the mean / majority baseline
    one_feature: dict[str, Any]  # metrics of the best single-column rule
    rule_column: str | None  # the user's name of that column
    rule_scores: dict[str, float | None] = field(default_factory=dict)  # every column's score

    def to_dict(self) -> dict[str, Any]:
        return {
            "constant": self.constant,
            "one_feature": {**self.one_feature, "column": self.rule_column},
            "rule_scores": self.rule_scores,
        }


def bin_codes(col: pd.Series, seed: int = 0) -> tuple[np.ndarray, int]:
    """Bin index per row (0..B-1) and B; missing values get the last bin."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        n_levels = len(col.cat.categories)
        if n_levels > MAX_BINS - 2:
            counts = np.bincount(codes[codes >= 0], minlength=n_levels)
            keep = np.argsort(-counts, kind="stable")[: MAX_BINS - 2]
            remap = np.full(n_levels, MAX_BINS - 2, dtype=np.int64)
            remap[keep] = np.arange(len(keep))
            out = np.where(codes >= 0, remap[np.maximum(codes, 0)], MAX_BINS - 1)
            return out, MAX_BINS
        out = np.where(codes >= 0, codes, n_levels)
        return out, n_levels + 1
    values = col.to_numpy(dtype=float)
    present = ~np.isnan(values)
    sample = values[present]
    if len(sample) > EDGE_SAMPLE:
        rng = np.random.default_rng(seed)
        sample = rng.choice(sample, EDGE_SAMPLE, replace=False)
    if len(sample) == 0:
        return np.zeros(len(values), dtype=np.int64), 1
    qs = np.linspace(0, 1, MAX_BINS)[1:-1]
    edges = np.unique(np.quantile(sample, qs))
    codes = np.searchsorted(edges, values, side="right").astype(np.int64)
    n_bins = len(edges) + 1
    codes[~present] = n_bins
    return codes, n_bins + 1


def _rule_oof(
    codes: np.ndarray,
    n_bins: int,
    targets: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    out: np.ndarray,
) -> np.ndarray:
    """Out-of-fold bin means; ``targets`` is (n,) or (n, k) one-hot; ``out`` is filled."""
    for train, test in folds:
        ct = codes[train]
        cnt = np.bincount(ct, minlength=n_bins).astype(float)
        tt = targets[train]
        prior = tt.mean(axis=0)
        if tt.ndim == 1:
            sums = np.bincount(ct, weights=tt, minlength=n_bins)
            table = (sums + SHRINK * prior) / (cnt + SHRINK)
        else:
            table = np.empty((n_bins, tt.shape[1]))
            for c in range(tt.shape[1]):
                sums = np.bincount(ct, weights=tt[:, c], minlength=n_bins)
                table[:, c] = (sums + SHRINK * prior[c]) / (cnt + SHRINK)
        out[test] = table[codes[test]]
    return out


def _remap(positions: np.ndarray, where: np.ndarray) -> np.ndarray:
    mapped = where[positions]
    return mapped[mapped >= 0]


def _targets(y: np.ndarray, task: Task, k: int) -> np.ndarray:
    if task == Task.MULTICLASS:
        onehot = np.zeros((len(y), k))
        onehot[np.arange(len(y)), y.astype(int)] = 1.0
        return onehot
    return y.astype(float)


def compute_baselines(
    features: FeatureSet,
    task: Task,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    classes: list[str] | None = None,
    seed: int = 0,
    max_rows: int = MAX_ROWS,
    ctx: JobContext | None = None,
) -> BaselineResult:
    """Score the constant baseline and every single-column rule on the validation ``folds``."""
    ctx = ensure_context(ctx)
    table = features.X
    y = features.y.to_numpy()
    if len(y) > max_rows:
        # a random subset is plenty to rank simple rules; the size is stated in the result
        keep = np.sort(np.random.default_rng(seed).choice(len(y), max_rows, replace=False))
        where = np.full(len(y), -1, dtype=np.int64)
        where[keep] = np.arange(max_rows)
        folds = [(_remap(tr, where), _remap(te, where)) for tr, te in folds]
        table = table.iloc[keep]
        y = y[keep]
    k = len(classes) if classes else 1
    targets = _targets(y, task, k)
    tested = np.sort(np.concatenate([te for _, te in folds]))
    shape = (len(y), k) if task == Task.MULTICLASS else (len(y),)
    metric = primary_metric(task)

    def score(oof: np.ndarray) -> dict[str, Any]:
        return score_predictions(task, y[tested], oof[tested], classes=classes)

    if task == Task.REGRESSION:
        # the training part's mean, fold by fold: R² is about calibration, so this is honest
        const = _rule_oof(np.zeros(len(y), dtype=np.int64), 1, targets, folds, np.full(shape, 0.0))
    else:
        # one constant for everyone (the class shares): it ranks nothing, ROC-AUC is exactly 0.5
        const = np.broadcast_to(targets.mean(axis=0), shape).copy()
    constant = score(const)
    best_col: str | None = None
    best: dict[str, Any] = {}
    best_value = -np.inf
    scores: dict[str, float | None] = {}
    columns = list(table.columns)
    for i, safe_name in enumerate(columns):
        ctx.progress(i / max(len(columns), 1), "")
        codes, n_bins = bin_codes(table[safe_name], seed)
        oof = _rule_oof(codes, n_bins, targets, folds, np.full(shape, np.nan))
        m = score(oof)
        name = features.display[safe_name]
        value = m.get(metric)
        scores[name] = value
        if value is not None and value > best_value:
            best_value, best, best_col = value, m, name
    ctx.progress(1.0, "")
    if best_col is None:
        best = dict(constant)
    return BaselineResult(constant, best, best_col, scores)
