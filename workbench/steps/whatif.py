"""What if the line set a factor to another value? The profiler's core (no Qt).

For the chosen rows — a cause group's rows, the focus rows, all rows, or one row — and each
factor the roles call *controllable*, :func:`profile_rows` predicts every row with that factor
set to each value of a grid while every other column keeps its observed value (so factors
outside the line's control are held at what was observed): one ICE curve per row, and their
average, the partial dependence. The grid stays inside the data (the 1st to 99th percentile of a
number, the most common categories); the observed range and where most rows lie go with it. The
band is the spread of the fitted model and its bootstrap refits
(:mod:`workbench.steps.whatif_band`); along a curve it is measured on a fixed sample of the rows
(:func:`_band_curve`), for a setting on every predicted row.

:func:`evaluate_setting` answers one setting exactly (not read off the grid) as a
:class:`~workbench.steps.whatif_claim.WhatIfClaim`; a setting outside the observed range is
answered with ``outside`` set, and the sentence warns (trees repeat their edge value beyond
the data: no silent extrapolation). :func:`recompute_whatif` computes a claim again.

*Similar rows* (:func:`workbench.steps.whatif_range.similar_condition`): rows of the analysed
table whose factor lies within ±5% of the factor's usual span (1st to 99th percentile) of the
setting, or that have the category — the data the prediction at that setting rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.claim_format import mean_step
from workbench.claim_rows import Selection, rows_mask
from workbench.claims import measure
from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.numbers_format import format_label
from workbench.steps import whatif_wording as words
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import Task
from workbench.steps.whatif_band import BandModels, base_matrix, predict_with
from workbench.steps.whatif_claim import WhatIfClaim
from workbench.steps.whatif_range import (
    FactorRange,
    factor_range,
    moves_with,
    similar_condition,
)
from workbench.vocabulary import ColumnRole

#: Rows predicted at most; more are a fixed random sample (seed 0), and the sentence says so.
MAX_ROWS = 2_000
#: Rows the band along a curve is measured on (a setting's band uses every predicted row).
BAND_CURVE_ROWS = 300
GRID_POINTS = 25


@dataclass
class FactorCurve:
    """One controllable factor's what-if curves over its grid."""

    range: FactorRange
    grid: list[Any]  # numbers, or category names
    ice: np.ndarray  # (rows, grid): each row's prediction at each grid value
    average: np.ndarray  # (grid,): the mean of the ICE curves (partial dependence)
    band_low: np.ndarray | None = None  # (grid,): lowest/highest average over band models
    band_high: np.ndarray | None = None
    current: Any = None  # the rows' typical value now: median, or most common category

    @property
    def column(self) -> str:
        return self.range.column


@dataclass
class WhatIfProfile:
    """The what-if curves of every controllable factor for the chosen rows."""

    rows: Selection
    target: str
    n: int  # rows predicted
    total: int  # rows chosen (a fixed sample of MAX_ROWS is predicted above that)
    now: float  # average prediction at the rows' own settings
    curves: list[FactorCurve] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # factors outside the line's control
    row: Any = None  # one row's label instead of ``rows``
    label: str | None = None  # a class goal: the class whose probability is predicted
    band_models: int = 0
    band_rows: int = 0
    band_seed: int = 0
    step: float | None = None
    group: int | None = None

    def curve(self, column: str) -> FactorCurve:
        return next(c for c in self.curves if c.column == column)


# ---------------------------------------------------------------------------------------------
# Which factors, which rows


def controllable_factors(fit: FitResult, roles: Mapping[str, Any]) -> list[str]:
    """The model's factors the roles mark controllable, in the model's order."""
    derived = set(fit.features.derived)
    return [
        c
        for c in fit.features.columns
        if c not in derived and str(roles.get(c, "")) == ColumnRole.CONTROLLABLE.value
    ]


def held_factors(fit: FitResult, roles: Mapping[str, Any]) -> list[str]:
    """The model's factors the roles mark outside the line's control."""
    return [
        c for c in fit.features.columns if str(roles.get(c, "")) == ColumnRole.UNCONTROLLABLE.value
    ]


def group_selection(group_id: int) -> Selection:
    return Selection(base="group", group=int(group_id))


def chosen_rows(
    frame: pd.DataFrame, rows: Selection, row: Any = None, groups: pd.Series | None = None
) -> tuple[np.ndarray, int]:
    """(positions predicted, rows chosen): one row, or ``rows``; above :data:`MAX_ROWS` a
    fixed random sample of positions."""
    if row is not None:
        at = frame.index.get_indexer(pd.Index([row]))
        if at[0] < 0:
            raise AnalysisError(words.no_such_row(words.row_number(row)), words.no_such_row_hint())
        return at.astype(np.int64), 1
    positions = np.flatnonzero(rows_mask(rows, frame, groups))
    total = len(positions)
    if total == 0:
        raise AnalysisError(words.no_rows(), words.no_rows_hint())
    if total > MAX_ROWS:
        positions = np.sort(np.random.default_rng(0).choice(positions, MAX_ROWS, replace=False))
    return positions, total


# ---------------------------------------------------------------------------------------------
# Predictions


def _codes(fit: FitResult, column: str, values: Sequence[Any]) -> np.ndarray:
    """``values`` as the model reads them: floats, or category codes (NaN: a level it never
    saw, which LightGBM treats as missing)."""
    safe = fit.features.safe[column]
    if safe not in fit.features.levels:
        return np.asarray([float(v) for v in values], dtype=np.float64)
    names = [format_label(v) for v in fit.features.levels[safe]]
    return np.asarray([names.index(str(v)) if str(v) in names else np.nan for v in values])


def _ice(fit: FitResult, booster: Any, matrix: np.ndarray, j: int, codes: np.ndarray) -> Any:
    """(rows, values): each row's prediction with model column ``j`` set to each code."""
    n, p = matrix.shape
    stacked = np.repeat(matrix[None, :, :], len(codes), axis=0)
    stacked[:, :, j] = codes[:, None]
    return predict_with(fit, booster, stacked.reshape(len(codes) * n, p)).reshape(-1, n).T


def _setup(
    fit: FitResult, frame: pd.DataFrame, rows: Selection, row: Any, groups: pd.Series | None
) -> tuple[np.ndarray, int, np.ndarray, str | None]:
    if not fit.has_signal:  # it predicts about the average whatever is set: no answer
        raise AnalysisError(words.no_signal(fit.target), words.no_signal_hint())
    positions, total = chosen_rows(frame, rows, row, groups)
    matrix = base_matrix(fit, frame.iloc[positions])
    return positions, total, matrix, outcome_label(fit)


def outcome_label(fit: FitResult) -> str | None:
    """The class whose probability the what-if speaks of (None: a number is predicted)."""
    if fit.task == Task.BINARY:
        return str(fit.positive_class)
    if fit.task == Task.MULTICLASS:
        return str((fit.classes or [])[int(fit.class_index or 0)])
    return None


def _step(fit: FitResult, frame: pd.DataFrame, now: float) -> float | None:
    if fit.task != Task.REGRESSION:
        return None
    y = pd.to_numeric(frame[fit.target], errors="coerce")
    return mean_step(now, float(y.std())) if y.notna().any() else mean_step(now)


def profile_rows(
    fit: FitResult,
    frame: pd.DataFrame,
    roles: Mapping[str, Any],
    rows: Selection,
    *,
    row: Any = None,
    groups: pd.Series | None = None,
    band: BandModels | None = None,
    ctx: JobContext | None = None,
) -> WhatIfProfile:
    """The what-if curves of every controllable factor for the chosen rows (module docstring).

    Refuses with a plain :class:`AnalysisError` when no factor is marked controllable."""
    ctx = ensure_context(ctx)
    factors = controllable_factors(fit, roles)
    if not factors:
        raise AnalysisError(words.no_controllable(), words.no_controllable_hint())
    positions, total, matrix, label = _setup(fit, frame, rows, row, groups)
    now = float(predict_with(fit, fit.booster, matrix).mean())
    models = [] if band is None else band.boosters
    order = list(fit.features.X.columns)
    curves = []
    for i, column in enumerate(factors):
        ctx.progress(i / len(factors), words.progress_curves(column))
        rng = factor_range(frame, fit, column)
        if rng.categorical:
            grid: list[Any] = list(rng.levels)
        else:
            grid = [float(v) for v in np.unique(np.linspace(*rng.span, GRID_POINTS))]
        codes = _codes(fit, column, grid)
        j = order.index(fit.features.safe[column])
        ice = _ice(fit, fit.booster, matrix, j, codes)
        average = ice.mean(axis=0)
        low = high = None
        if models:
            low, high = _band_curve(fit, models, matrix, j, codes, ice, average)
        current = _current(frame.iloc[positions][column], rng)
        curves.append(FactorCurve(rng, grid, ice, average, low, high, current))
    ctx.progress(1.0, "")
    return WhatIfProfile(
        rows=rows,
        target=fit.target,
        n=len(positions),
        total=total,
        now=now,
        curves=curves,
        held=held_factors(fit, roles),
        row=row,
        label=label,
        band_models=0 if band is None else band.count,
        band_rows=0 if band is None else band.rows,
        band_seed=0 if band is None else band.seed,
        step=_step(fit, frame, now),
        group=rows.group if rows.base == "group" else None,
    )


def _band_curve(
    fit: FitResult,
    models: list[Any],
    matrix: np.ndarray,
    j: int,
    codes: np.ndarray,
    ice: np.ndarray,
    average: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The band along a curve: each refit's shift from the fitted model, measured on a fixed
    sample of :data:`BAND_CURVE_ROWS` of the rows and added to the average (the fitted model's
    own shift, 0, included, so the band holds the average). Predicting every row with every
    refit made the curves of 2,000 rows take 3.0 s (3.7x the fit); with the sample, 0.4 s
    (0.8x the fit), tests/bench/bench_whatif.py, 10,000 rows.
    """
    sub = np.arange(len(matrix))
    if len(sub) > BAND_CURVE_ROWS:
        sub = np.sort(np.random.default_rng(1).choice(sub, BAND_CURVE_ROWS, replace=False))
    base = ice[sub].mean(axis=0)
    shifts = [_ice(fit, m, matrix[sub], j, codes).mean(axis=0) - base for m in models]
    spread = np.vstack([*shifts, np.zeros_like(base)])
    return average + spread.min(axis=0), average + spread.max(axis=0)


def _current(values: pd.Series, rng: FactorRange) -> Any:
    if rng.categorical:
        text = values.dropna().map(format_label).astype(str)
        return None if text.empty else str(text.value_counts().index[0])
    x = pd.to_numeric(values, errors="coerce").dropna()
    return None if x.empty else float(x.median())


def evaluate_setting(
    fit: FitResult,
    frame: pd.DataFrame,
    column: str,
    value: float | str,
    rows: Selection,
    *,
    row: Any = None,
    groups: pd.Series | None = None,
    band: BandModels | None = None,
    step: float | None = None,
) -> WhatIfClaim:
    """The model's answer for ``column`` set to ``value`` on the chosen rows, as a claim.

    ``step`` fixes the display precision (a profile's :attr:`WhatIfProfile.step`); None
    chooses it. A value outside the data is answered, with ``outside`` set."""
    if column not in fit.features.safe:
        raise AnalysisError(words.not_a_factor(column), words.no_controllable_hint())
    rng = factor_range(frame, fit, column)
    if not rng.categorical:
        value = float(value)
    positions, total, matrix, label = _setup(fit, frame, rows, row, groups)
    j = list(fit.features.X.columns).index(fit.features.safe[column])
    code = _codes(fit, column, [value])
    now = float(predict_with(fit, fit.booster, matrix).mean())
    step = _step(fit, frame, now) if step is None else step
    predicted = float(_ice(fit, fit.booster, matrix, j, code).mean())
    band_range = None
    models = [] if band is None else band.boosters
    if models:
        means = [float(_ice(fit, m, matrix, j, code).mean()) for m in models] + [predicted]
        band_range = (min(means), max(means))
    near = Selection(base="all", conditions=(similar_condition(rng, value),))
    similar = measure(
        "rate" if label is not None else "mean",
        near,
        frame,
        target=fit.target,
        label=label,
        step=step,
        name="similar_rows",
    )
    return WhatIfClaim(
        column=column,
        value=value,
        rows=rows,
        target=fit.target,
        predicted=predicted,
        now=now,
        n=len(positions),
        total=total,
        similar=similar,
        row=row,
        label=label,
        band=band_range,
        band_models=0 if band is None else band.count,
        band_rows=0 if band is None else band.rows,
        band_seed=0 if band is None else band.seed,
        observed=None if rng.categorical else (rng.low, rng.high),
        outside=rng.outside(value),
        step=step,
        group=rows.group if rows.base == "group" else None,
        together=tuple(moves_with(frame, fit, column)),
    )


def recompute_whatif(
    claim: WhatIfClaim,
    frame: pd.DataFrame,
    fit: FitResult,
    groups: pd.Series | None = None,
    band: BandModels | None = None,
) -> WhatIfClaim:
    """``claim`` computed again from the table and the model (and, given, the band's models:
    :func:`~workbench.steps.whatif_band.fit_band_models` with the claim's seed and rows)."""
    return evaluate_setting(
        fit,
        frame,
        claim.column,
        claim.value,
        claim.rows,
        row=claim.row,
        groups=groups,
        band=band,
        step=claim.step,
    )
