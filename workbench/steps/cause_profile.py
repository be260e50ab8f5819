"""What sets a group of rows apart from the rest of the data, one column at a time.

For a numeric column the best single condition — ``below t``, ``above t`` or ``between a and
b`` — is the one that holds for as many of the group's rows and as few of the other rows as
possible (largest difference of the two shares, a one-split "stump"); thresholds are rounded
to a step an engineer would write (17.0, 800). For a categorical column it is the set of at
most three over-represented levels with the largest such difference. A column mostly missing
in the group but not elsewhere gives ``is missing``.

The distribution of every column over the whole table is sorted once (:class:`ColumnStats`),
so the "rest" of each group (whole table minus the group) costs one pass over the group's rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbench.steps import causes_wording as words

ConditionKind = Literal["below", "above", "between", "in", "missing"]

#: A two-sided window must beat the best one-sided condition by this much to be preferred.
WINDOW_MARGIN = 0.08
MAX_LEVELS = 3
N_CANDIDATES = 41  # thresholds tried per side, from the group's quantiles


@dataclass
class Condition:
    """A value range or set of levels, with how common it is inside the group and outside."""

    column: str
    kind: ConditionKind
    group_share: float  # share of the group's rows that meet it (a missing value does not)
    rest_share: float  # the same share among all other rows of the table
    low: float | None = None
    high: float | None = None
    levels: list[str] = field(default_factory=list)
    step: float | None = None  # the rounding step of the thresholds
    controllable: str = "unknown"  # "controllable" | "uncontrollable" | "unknown"
    driver: bool = False  # the column is among the group's top drivers
    group_range: tuple[float, float] | None = None  # numeric: the group's 10–90% range
    rest_range: tuple[float, float] | None = None  # numeric: the rest's 10–90% range

    @property
    def separation(self) -> float:
        return self.group_share - self.rest_share

    @property
    def text_low(self) -> str:
        return words.fmt_number(self.low, self.step) if self.low is not None else ""

    @property
    def text_high(self) -> str:
        return words.fmt_number(self.high, self.step) if self.high is not None else ""

    @property
    def text(self) -> str:
        return words.condition_text(self)

    def matches(self, values: pd.Series) -> pd.Series:
        """Which of ``values`` meet the condition (missing values never do, but for ``missing``)."""
        if self.kind == "missing":
            return values.isna()
        if self.kind == "in":
            return values.astype("string").isin(self.levels).fillna(False).astype(bool)
        x = pd.to_numeric(values, errors="coerce")
        if self.kind == "below":
            return (x < self.high).fillna(False)
        if self.kind == "above":
            return (x > self.low).fillna(False)
        return x.between(self.low, self.high).fillna(False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "levels": list(self.levels),
            "group_share": round(self.group_share, 4),
            "rest_share": round(self.rest_share, 4),
            "controllable": self.controllable,
            "driver": self.driver,
            "group_range": None if self.group_range is None else list(self.group_range),
            "rest_range": None if self.rest_range is None else list(self.rest_range),
            "text": self.text,
        }


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def display_step(values: np.ndarray) -> float | None:
    """A rounding step for thresholds: a tenth of the order of magnitude of the spread."""
    if values.size == 0:
        return None
    q25, q75 = np.quantile(values, [0.25, 0.75])
    spread = q75 - q25
    if not spread > 0:
        spread = float(np.max(values) - np.min(values))
    if not spread > 0 or not math.isfinite(spread):
        return None
    return 10.0 ** (math.floor(math.log10(spread)) - 1)


class ColumnStats:
    """One column over the whole table, prepared for quick group-vs-rest comparisons."""

    def __init__(self, column: pd.Series) -> None:
        self.name = str(column.name)
        self.numeric = _is_numeric(column)
        self.n = len(column)
        self.missing = column.isna().to_numpy()
        self.n_missing = int(self.missing.sum())
        if self.numeric:
            vals = column.to_numpy(dtype=float, na_value=np.nan)
            finite = np.isfinite(vals)
            self.missing = ~finite
            self.n_missing = int(self.missing.sum())
            self.sorted = np.sort(vals[finite])
            self.step = display_step(self.sorted)
            self.counts = None
        else:
            labels = column.astype("string")
            self.counts = labels.value_counts(dropna=True)
            self.sorted = None
            self.step = None

    def count_below(self, t: np.ndarray, *, strict: bool) -> np.ndarray:
        side = "left" if strict else "right"
        return np.searchsorted(self.sorted, t, side=side)


def _round_to(value: float, step: float | None, mode: str) -> float:
    if step is None:
        return float(value)
    q = value / step
    r = (
        math.ceil(q - 1e-9)
        if mode == "up"
        else math.floor(q + 1e-9)
        if mode == "down"
        else round(q)
    )
    out = r * step
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return round(out, decimals)


def numeric_condition(stats: ColumnStats, group: pd.Series) -> Condition | None:
    """The best single range condition for ``group`` vs the rest of the table, or None."""
    gvals = group.to_numpy(dtype=float, na_value=np.nan)
    gvals = np.sort(gvals[np.isfinite(gvals)])
    # Shares are of all rows (a missing value does not meet a condition).
    n_g = len(group)
    n_rest = stats.n - n_g
    if gvals.size < 2 or n_rest < 1 or stats.sorted.size - gvals.size < 1:
        return None
    qs = np.linspace(0.0, 1.0, N_CANDIDATES)
    cand = np.quantile(gvals, qs)
    step = stats.step
    highs = np.unique([_round_to(v, step, "up") for v in cand])
    lows = np.unique([_round_to(v, step, "down") for v in cand])
    # below t  (x < t)
    g_below = np.searchsorted(gvals, highs, side="left")
    r_below = stats.count_below(highs, strict=True) - g_below
    j_below = g_below / n_g - r_below / n_rest
    # above t  (x > t)
    g_above = gvals.size - np.searchsorted(gvals, lows, side="right")
    r_above = (stats.sorted.size - stats.count_below(lows, strict=False)) - g_above
    j_above = g_above / n_g - r_above / n_rest
    best_kind, best_j, best = "below", -np.inf, (None, None, 0.0, 0.0)
    i = int(np.argmax(j_below))
    if j_below[i] > best_j:
        best_kind, best_j = "below", j_below[i]
        best = (None, float(highs[i]), g_below[i] / n_g, r_below[i] / n_rest)
    i = int(np.argmax(j_above))
    if j_above[i] > best_j:
        best_kind, best_j = "above", j_above[i]
        best = (float(lows[i]), None, g_above[i] / n_g, r_above[i] / n_rest)
    # between a and b  (a <= x <= b)
    g_le_hi = np.searchsorted(gvals, highs, side="right")
    r_le_hi = stats.count_below(highs, strict=False) - g_le_hi
    g_lt_lo = np.searchsorted(gvals, lows, side="left")
    r_lt_lo = stats.count_below(lows, strict=True) - g_lt_lo
    g_in = g_le_hi[None, :] - g_lt_lo[:, None]
    r_in = r_le_hi[None, :] - r_lt_lo[:, None]
    valid = lows[:, None] < highs[None, :]
    j_in = np.where(valid, g_in / n_g - r_in / n_rest, -np.inf)
    a, b = np.unravel_index(int(np.argmax(j_in)), j_in.shape)
    if j_in[a, b] > best_j + WINDOW_MARGIN:
        best_kind, best_j = "between", j_in[a, b]
        best = (float(lows[a]), float(highs[b]), g_in[a, b] / n_g, r_in[a, b] / n_rest)
    low, high, gs, rs = best
    cond = Condition(
        column=stats.name,
        kind=best_kind,  # type: ignore[arg-type]
        group_share=float(gs),
        rest_share=float(rs),
        low=low,
        high=high,
        step=step,
    )
    cond.group_range = (float(np.quantile(gvals, 0.1)), float(np.quantile(gvals, 0.9)))
    cond.rest_range = _rest_range(stats, gvals)
    return cond


def _rest_range(stats: ColumnStats, gvals: np.ndarray) -> tuple[float, float] | None:
    """The rest's 10–90% range, from the whole column's sorted values minus the group's."""
    n_rest = stats.sorted.size - gvals.size
    if n_rest < 1:
        return None
    out = []
    for q in (0.1, 0.9):
        k = q * (n_rest - 1)  # the k-th smallest of the rest; bisect on the value
        lo, hi = 0, stats.sorted.size - 1
        while lo < hi:
            mid = (lo + hi) // 2
            v = stats.sorted[mid]
            rank = (mid + 1) - np.searchsorted(gvals, v, side="right")
            if rank > k:
                hi = mid
            else:
                lo = mid + 1
        out.append(float(stats.sorted[lo]))
    return out[0], out[1]


def level_condition(stats: ColumnStats, group: pd.Series) -> Condition | None:
    """The set of (at most three) over-represented levels that best sets the group apart."""
    g_counts = group.astype("string").value_counts(dropna=True)
    all_counts = stats.counts
    n_g = len(group)  # shares are of all rows: a missing value is no level
    n_rest = stats.n - n_g
    if int(g_counts.sum()) < 2 or n_rest < 1:
        return None
    g = g_counts.reindex(all_counts.index, fill_value=0).astype(float)
    r = (all_counts - g).clip(lower=0).astype(float)
    pg, pr = g / n_g, r / n_rest
    lift = (pg + 1e-9) / (pr + 1.0 / max(n_rest, 1))
    order = lift.sort_values(ascending=False, kind="stable").index
    chosen: list[str] = []
    best_j, gs, rs = -np.inf, 0.0, 0.0
    cum_g = cum_r = 0.0
    for level in order[:MAX_LEVELS]:
        if pg[level] <= pr[level]:
            break
        cum_g += pg[level]
        cum_r += pr[level]
        j = cum_g - cum_r
        if j <= best_j:
            break
        chosen.append(str(level))
        best_j, gs, rs = j, cum_g, cum_r
    if not chosen:
        return None
    return Condition(
        column=stats.name, kind="in", group_share=float(gs), rest_share=float(rs), levels=chosen
    )


def missing_condition(stats: ColumnStats, in_group: np.ndarray) -> Condition | None:
    """``is missing`` when the group lacks the value much more often than the rest."""
    n_g = int(in_group.sum())
    n_rest = stats.n - n_g
    if n_g == 0 or n_rest == 0 or stats.n_missing == 0:
        return None
    g_miss = int(stats.missing[in_group].sum())
    gs, rs = g_miss / n_g, (stats.n_missing - g_miss) / n_rest
    return Condition(column=stats.name, kind="missing", group_share=gs, rest_share=rs)


def best_condition(stats: ColumnStats, values: pd.Series, in_group: np.ndarray) -> Condition | None:
    """The single condition on this column that best sets the group's rows apart."""
    group = values[in_group]
    cond = numeric_condition(stats, group) if stats.numeric else level_condition(stats, group)
    miss = missing_condition(stats, in_group)
    if miss is not None and (cond is None or miss.separation > cond.separation):
        return miss
    return cond
