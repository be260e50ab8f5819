"""The what-if's uncertainty band: a few models refitted on resampled rows, and the one way
the what-if predicts (the fitted model and the band's models alike).

The fit does not keep its fold models (only their validation predictions), so the band comes
from :data:`BAND_MODELS` bootstrap refits: each draws :data:`BAND_ROWS` rows (or all rows of a
smaller table) with replacement from the rows the model was trained on, and grows the fitted
model's number of trees with its parameters (one thread, a seed per model, LightGBM's
deterministic mode), so the same project always gives the same band. The band at a setting is
the lowest and highest of these models' average predictions: how much the answer moves when the
model is refitted on other draws of the same rows. It is not a prediction interval for one run.

Cost (tests/bench/bench_whatif.py, 10,000 and 100,000 rows, quick effort, this 2-core machine
shared): the five refits on 4,000 rows each take about a third of the fit they shadow
(0.27x to 0.38x in four runs), once per model run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.steps import whatif_wording as words
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import Task

#: Bootstrap refits behind the band.
BAND_MODELS = 5
#: Rows drawn (with replacement) for each refit; a smaller table draws as many rows as it has.
BAND_ROWS = 4_000
#: Parameters of the fit that are records of it, not LightGBM settings.
_RECORD_KEYS = ("num_boost_round", "best_iterations")


@dataclass
class BandModels:
    """The refits behind the band, and what they cost."""

    boosters: list[Any] = field(default_factory=list)  # lightgbm.Booster
    rows: int = 0  # rows drawn for each refit
    seed: int = 0
    seconds: float = 0.0  # wall time of all refits

    @property
    def count(self) -> int:
        return len(self.boosters)


def output_of(fit: FitResult, raw: np.ndarray) -> np.ndarray:
    """The number the what-if speaks of, per row: the predicted value, P(positive class), or
    for several classes the probability of the class in focus."""
    if fit.task == Task.MULTICLASS:
        return np.asarray(raw)[:, int(fit.class_index or 0)]
    return np.asarray(raw, dtype=float)


def base_matrix(fit: FitResult, rows: pd.DataFrame) -> np.ndarray:
    """The model's input for ``rows`` as LightGBM reads it (codes for categories)."""
    from workbench.steps.boosting import as_matrix
    from workbench.steps.scoring import model_input

    return as_matrix(model_input(fit, rows))


def predict_with(fit: FitResult, booster: Any, matrix: np.ndarray) -> np.ndarray:
    """``booster``'s what-if output for every row of ``matrix``."""
    if len(matrix) == 0:
        return np.empty(0)
    return output_of(fit, booster.predict(matrix))


def fit_band_models(
    fit: FitResult,
    ctx: JobContext | None = None,
    n_models: int = BAND_MODELS,
    max_rows: int = BAND_ROWS,
    seed: int = 0,
) -> BandModels:
    """``n_models`` refits of ``fit`` on bootstrap draws of its training rows (see the module
    docstring). A table the model cannot be refitted on (too few rows) gives no models."""
    import lightgbm as lgb

    from workbench.steps.boosting import as_matrix

    ctx = ensure_context(ctx)
    start = time.perf_counter()
    x, y = fit.features.X, fit.features.y
    rows = x.index.intersection(y.index)
    if len(rows) < 30 or n_models < 1:
        return BandModels(rows=0, seed=seed)
    x = x.loc[rows]
    y_arr = y.loc[rows].to_numpy(dtype=np.float64)
    categorical = [c for c in x.columns if c in fit.features.levels]
    size = min(len(rows), max_rows)
    params = {k: v for k, v in fit.params.items() if k not in _RECORD_KEYS}
    params.update(num_threads=1, verbose=-1, deterministic=True, feature_pre_filter=False)
    trees = max(int(fit.n_trees or params.get("num_iterations", 100) or 100), 1)
    boosters = []
    for k in range(n_models):
        ctx.progress(k / n_models, words.progress_band(k + 1, n_models))
        pick = np.random.default_rng(seed + k).integers(0, len(rows), size)
        # Only the drawn rows become a matrix (a million-row table is never copied whole).
        data = lgb.Dataset(
            as_matrix(x.iloc[pick]),
            label=y_arr[pick],
            feature_name=list(x.columns),
            categorical_feature=categorical,
            params={"verbose": -1, "max_bin": params.get("max_bin", 255), "seed": seed + k},
            free_raw_data=True,
        )
        params.update(seed=seed + k, bagging_seed=seed + k, feature_fraction_seed=seed + k)
        boosters.append(lgb.train(params, data, num_boost_round=trees))
    ctx.progress(1.0, "")
    return BandModels(boosters, size, seed, time.perf_counter() - start)
