"""The holdout's loss after every boosting round, computed on the cluster.

LightGBM's Dask interface cannot stop early, and its own evaluation sees only the held-out rows
of the worker that returns the model (none at all when a time-ordered holdout sits on another
worker). So the model grows its maximum rounds without evaluation, and every held-out row's raw
score is accumulated round by round here — one tree per step, the work of one prediction — to
find the round with the lowest loss over the whole holdout: what early stopping keeps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.compute.dask_models import booster_from_text
from workbench.compute.dask_rows import TARGET_COLUMN
from workbench.steps.goal import Task


def _losses(raw: np.ndarray, y: np.ndarray, task: Task) -> float:
    """The summed training loss (l2, binary or multiclass log loss) of raw scores."""
    if task == Task.REGRESSION:
        return float(np.sum((raw - y) ** 2))
    if task == Task.BINARY:
        p = np.clip(1.0 / (1.0 + np.exp(-raw)), 1e-15, 1 - 1e-15)
        return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    shifted = raw - raw.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(log_p[np.arange(len(y)), y.astype(int)]))


def _curve_part(
    part: pd.DataFrame, model_text: str, columns: list[str], task: Task, rounds: int
) -> pd.DataFrame:
    out = np.zeros(rounds)
    if len(part):
        from workbench.steps.shap_native import to_lightgbm_matrix

        booster = booster_from_text(model_text)
        # one matrix for every round: a DataFrame would be converted again on each predict
        x, y = to_lightgbm_matrix(booster, part[columns]), part[TARGET_COLUMN].to_numpy()
        raw = None
        for i in range(rounds):
            step = np.asarray(
                booster.predict(x, start_iteration=i, num_iteration=1, raw_score=True)
            )
            raw = step if raw is None else raw + step
            out[i] = _losses(raw, y, task)
    return pd.DataFrame([out], columns=[f"r{i}" for i in range(rounds)])


def best_round(test: Any, booster: Any, columns: list[str], task: Task) -> int:
    """The round (1-based) after which the holdout's summed loss is lowest (first on ties)."""
    rounds = int(booster.current_iteration())
    meta = pd.DataFrame({f"r{i}": pd.Series(dtype=float) for i in range(rounds)})
    parts = test.map_partitions(
        _curve_part, booster.model_to_string(), columns, task, rounds, meta=meta
    )
    curve = parts.sum().compute().to_numpy()
    return int(np.argmin(curve)) + 1


def non_empty(frame: Any) -> Any:
    """The partitions that hold rows (LightGBM refuses a worker whose parts are all empty)."""
    lengths = frame.map_partitions(len).compute().to_numpy()
    keep = [i for i, n in enumerate(lengths) if n]
    return frame.partitions[keep] if len(keep) < len(lengths) else frame
