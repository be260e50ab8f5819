"""Where a controllable factor's values lie in the analysed table, and which rows are "near" a
setting: the what-if's grid, its range warning and its similar rows
(:mod:`workbench.steps.whatif`).

*Similar rows*: rows whose factor lies within ±:data:`SIMILAR_SHARE` of the factor's usual span
(1st to 99th percentile) of the setting, or that have the category.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import AnalysisError
from workbench.numbers_format import format_label
from workbench.steps import whatif_wording as words
from workbench.steps.fit_result import FitResult

#: The most common categories a grid holds.
MAX_LEVELS = 20
#: Similar rows lie within this share of the factor's usual span of the setting (each side).
SIMILAR_SHARE = 0.05


@dataclass(frozen=True)
class FactorRange:
    """Where a factor's values lie in the analysed table."""

    column: str
    categorical: bool
    low: float = float("nan")  # observed min and max (numbers)
    high: float = float("nan")
    usual: tuple[float, float] = (float("nan"), float("nan"))  # 5th-95th percentile
    span: tuple[float, float] = (float("nan"), float("nan"))  # 1st-99th percentile: the grid
    levels: tuple[str, ...] = ()  # categories seen, most common first

    def outside(self, value: float | str) -> bool:
        """True for a number outside the observed range, or a category the data never show."""
        if self.categorical:
            return str(value) not in self.levels
        return not (self.low <= float(value) <= self.high)

    @property
    def window(self) -> float:
        """Half the width of the similar-rows window."""
        width = self.span[1] - self.span[0]
        if not np.isfinite(width) or width <= 0:
            width = abs(self.high - self.low) or 1.0
        return SIMILAR_SHARE * width


def factor_range(frame: pd.DataFrame, fit: FitResult, column: str) -> FactorRange:
    """Where ``column``'s values lie in ``frame`` (numbers: range and percentiles)."""
    safe = fit.features.safe[column]
    values = frame[column]
    if safe in fit.features.levels:
        known = {format_label(v) for v in fit.features.levels[safe]}
        text = values.dropna().map(format_label).astype(str)
        counts = text[text.isin(known)].value_counts()
        return FactorRange(column, True, levels=tuple(str(v) for v in counts.index[:MAX_LEVELS]))
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        raise AnalysisError(words.no_values(column), words.no_values_hint())
    p1, p5, p95, p99 = np.quantile(x, [0.01, 0.05, 0.95, 0.99])
    return FactorRange(column, False, float(x.min()), float(x.max()), (p5, p95), (p1, p99))


def similar_condition(rng: FactorRange, value: float | str) -> dict[str, Any]:
    """The condition "near the setting" (see the module docstring)."""
    if rng.categorical:
        return {"column": rng.column, "kind": "in", "levels": [str(value)]}
    v, h = float(value), rng.window
    return {"column": rng.column, "kind": "between", "low": v - h, "high": v + h}


#: A factor "moves with" another when their rank correlation is at least this strong.
TOGETHER = 0.7
#: Rows the correlations are measured on at most (a fixed random sample of a longer table).
TOGETHER_ROWS = 20_000


def moves_with(frame: pd.DataFrame, fit: FitResult, column: str) -> list[tuple[str, float]]:
    """The model's other numeric factors whose values go up and down with ``column``'s in the
    data (Spearman's rank correlation, |r| ≥ :data:`TOGETHER`), strongest first. Moving one of
    them alone asks the model about combinations the data seldom show."""
    if column in fit.features.categorical or column in fit.features.derived:
        return []
    others = [
        c
        for c in fit.features.columns
        if c != column and c not in fit.features.categorical and c not in fit.features.derived
    ]
    if not others:
        return []
    data = frame[[column, *others]]
    if len(data) > TOGETHER_ROWS:
        data = data.sample(TOGETHER_ROWS, random_state=0)
    numbers = data.apply(pd.to_numeric, errors="coerce")
    r = numbers.rank().corr()[column].drop(column)  # Spearman: Pearson of the ranks
    strong = r[r.abs() >= TOGETHER].dropna()
    order = strong.abs().sort_values(ascending=False).index
    return [(str(c), float(strong[c])) for c in order]
