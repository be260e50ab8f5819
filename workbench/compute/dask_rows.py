"""What every partition does before the model sees it: the same clean-ups as the rows on this
computer, the same feature encoding, the same target encoding, and a seeded holdout flag.

Functions here run on the workers (shipped by dask); they import only pandas/numpy and the
product's own steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.steps.features import FeatureSet
from workbench.steps.goal import Task
from workbench.tables.table import ColumnKind

HOLDOUT_COLUMN = "__holdout__"
TARGET_COLUMN = "__y__"
_MIX = np.uint64(0x9E3779B97F4A7C15)


def holdout_flags(labels: np.ndarray, share: float, seed: int) -> np.ndarray:
    """True for the rows in the holdout: a hash of the row label, so a row lands on the same
    side wherever it is computed (a worker, or this computer for the baselines)."""
    x = labels.astype(np.uint64) + np.uint64(seed) * _MIX + _MIX
    with np.errstate(over="ignore"):  # splitmix64: wrap-around is the point
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53) < share


def time_key(series: pd.Series) -> np.ndarray:
    """A time column as ordered floats (dates as nanoseconds; NaN where there is no time)."""
    from workbench.steps.time_order import as_time

    t = as_time(series)
    if pd.api.types.is_datetime64_any_dtype(t):
        values = t.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        values[pd.isna(t).to_numpy()] = np.nan
        return values
    return pd.to_numeric(t, errors="coerce").to_numpy(dtype=np.float64)


@dataclass(frozen=True)
class Replay:
    """The row-wise cleaning steps (:func:`workbench.compute.dask_recipe.split_recipe`),
    replayed on one partition; what duplicate rows are judged on."""

    kinds: dict[str, ColumnKind]
    steps: list[dict[str, Any]]

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        if not self.steps:
            return part
        from workbench.steps.recipe import Recipe, apply_recipe

        return apply_recipe(part, dict(self.kinds), Recipe(list(self.steps))).frame


@dataclass
class RowPlan:
    """How a partition becomes model input (pickled to the workers once per task graph)."""

    replay: Replay
    dropped: np.ndarray  # labels of duplicate rows the recipe drops (found on every row)
    features: FeatureSet  # holds only the encoding (X/y emptied before shipping)
    target: str
    task: Task
    classes: list[str] | None
    positive_class: str | None
    holdout_share: float
    seed: int
    time_column: str | None = None  # the time role: the holdout is then the latest rows
    time_cutoff: float | None = None  # rows at or after this time key are held out

    def holdout(self, part: pd.DataFrame) -> np.ndarray:
        """The rows held out: the latest by time (from ``time_cutoff``), else a hashed share."""
        if self.time_column is not None and self.time_cutoff is not None:
            key = time_key(part[self.time_column])
            return np.nan_to_num(key, nan=-np.inf) >= self.time_cutoff
        return holdout_flags(part.index.to_numpy(), self.holdout_share, self.seed)

    def clean(self, part: pd.DataFrame) -> pd.DataFrame:
        """The cleaning recipe, replayed on one partition (duplicates dropped by label)."""
        part = self.replay(part)
        if len(self.dropped):
            part = part[~part.index.isin(self.dropped)]
        return part

    def encode_target(self, series: pd.Series) -> pd.Series:
        """The target as the model learns it (NaN where it is missing)."""
        from workbench.numbers_format import format_label

        if self.task == Task.REGRESSION:
            return pd.to_numeric(series, errors="coerce").astype(float)
        labels = series.map(lambda v: None if pd.isna(v) else format_label(v))
        if self.task == Task.BINARY:
            out = (labels == self.positive_class).astype(float)
        else:
            codes = {c: float(i) for i, c in enumerate(self.classes or [])}
            out = labels.map(codes).astype(float)
        return out.where(labels.notna())

    def model_rows(self, part: pd.DataFrame) -> pd.DataFrame:
        """X (safe names), the encoded target and the holdout flag of the modeled rows."""
        part = self.clean(part)
        y = self.encode_target(part[self.target])
        keep = y.notna().to_numpy()
        part = part[keep]
        out = self.features.transform(part)
        out[TARGET_COLUMN] = y[keep].to_numpy()
        out[HOLDOUT_COLUMN] = self.holdout(part)
        return out


def shipped_features(features: FeatureSet) -> FeatureSet:
    """The encoding without the client's rows (workers need the recipe, not the data)."""
    return FeatureSet(
        X=features.X.iloc[:0],
        y=features.y.iloc[:0],
        display=dict(features.display),
        safe=dict(features.safe),
        categorical=list(features.categorical),
        derived=dict(features.derived),
        levels={k: list(v) for k, v in features.levels.items()},
        lumped=dict(features.lumped),
    )
