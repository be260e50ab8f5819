"""What sets a group of rows apart from the rest of the data, one column at a time.

For a numeric column the best single condition — ``below t``, ``above t`` or ``between a and
b`` — is the one that holds for as many of the group's rows and as few of the other rows as
possible (largest difference of the two shares, a one-split "stump"); thresholds are rounded
to a step an engineer would write (17.0, 800). For a categorical column it is the set of at
most three over-represented levels with the largest such difference. A column mostly missing
in the group but not elsewhere gives ``is missing``.

The distribution of every column over the table is sorted once (:class:`ColumnStats`), so the
"rest" of each group (the table minus the group) costs one pass over the group's rows. On a big
table the rest is judged on a seeded random sample of rows (``find_cause_groups`` uses 200,000):
shares of the rest are then estimates to a fraction of a percent; the group's own shares are
always exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbench.claim_rows import condition_matches
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
    masked: bool = False  # personal data the user put in the model: levels are shown masked

    @property
    def shown_levels(self) -> list[str]:
        """The levels as sentences and summaries quote them (masked for personal data)."""
        if self.masked:
            from workbench.steps.pii import masked_labels

            return masked_labels(self.levels)
        return [str(v) for v in self.levels]

    @property
    def separation(self) -> float:
        return self.group_share - self.rest_share

    @property
    def text_low(self) -> str:
        return words.fmt_number(self.low, self.step, self.column) if self.low is not None else ""

    @property
    def text_high(self) -> str:
        return words.fmt_number(self.high, self.step, self.column) if self.high is not None else ""

    @property
    def text(self) -> str:
        return words.condition_text(self)

    def matches(self, values: pd.Series) -> pd.Series:
        """Which of ``values`` meet the condition (missing values never do, but for ``missing``)."""
        return condition_matches(values, self.kind, self.low, self.high, self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "levels": self.shown_levels,
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


def level_counts(values: pd.Series) -> pd.Series:
    """Rows per level (labels as text), fast for categoricals; missing values not counted."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts(dropna=True, sort=False)
        counts.index = pd.Index([str(v) for v in counts.index], dtype=object)
        counts = counts.groupby(level=0, sort=False).sum()  # two categories with one label
        return counts[counts > 0]
    return values.astype("string").value_counts(dropna=True)


def _finite_sorted(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    return np.sort(arr[np.isfinite(arr)])


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
    step = 10.0 ** (math.floor(math.log10(spread)) - 1)
    if step < 1 and np.array_equal(values, np.round(values)):
        step = 1.0  # whole numbers: thresholds are whole numbers too
    return step


class ColumnStats:
    """One column over the rows the rest is judged on (the whole table, or a sample of it)."""

    sorted: np.ndarray  # the finite values, sorted (numeric columns; empty for levels)
    counts: pd.Series | None  # rows per level (level columns; None for numbers)
    step: float | None

    def __init__(self, column: pd.Series) -> None:
        self.name = str(column.name)
        self.numeric = _is_numeric(column)
        self.n = len(column)
        if self.numeric:
            self.sorted = _finite_sorted(column)
            self.n_missing = self.n - self.sorted.size
            self.step = display_step(self.sorted)
            self.counts = None
        else:
            self.counts = level_counts(column)
            self.n_missing = int(column.isna().sum())
            self.sorted = np.empty(0)
            self.step = None

    def count_below(self, t: np.ndarray, *, strict: bool) -> np.ndarray:
        side: Literal["left", "right"] = "left" if strict else "right"
        return np.searchsorted(self.sorted, t, side=side)


def _round_to(value: float, step: float | None, mode: str) -> float:
    if step is None:
        return float(value)
    q = value / step
    if mode == "up":
        r = math.ceil(q - 1e-9)
    elif mode == "down":
        r = math.floor(q + 1e-9)
    else:
        r = round(q)
    out = r * step
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return round(out, decimals)


def _count(sorted_values: np.ndarray, t: np.ndarray, side: Literal["left", "right"]) -> np.ndarray:
    return np.searchsorted(sorted_values, t, side=side)


def numeric_condition(
    stats: ColumnStats, group: pd.Series, group_in_stats: pd.Series | None = None
) -> Condition | None:
    """The best single range condition for ``group`` vs the rest, or None.

    ``group_in_stats`` holds the values of the group's rows that are among the rows ``stats``
    was built on (default: all of them — ``stats`` covers the whole table).
    """
    gvals = _finite_sorted(group)
    svals = gvals if group_in_stats is None else _finite_sorted(group_in_stats)
    n_gs = len(group) if group_in_stats is None else len(group_in_stats)
    # Shares are of all rows (a missing value does not meet a condition).
    n_g = len(group)
    n_rest = stats.n - n_gs
    if gvals.size < 2 or n_rest < 1 or stats.sorted.size - svals.size < 1:
        return None
    qs = np.linspace(0.0, 1.0, N_CANDIDATES)
    cand = np.quantile(gvals, qs)
    step = stats.step
    highs = np.unique([_round_to(v, step, "up") for v in cand])
    lows = np.unique([_round_to(v, step, "down") for v in cand])
    if step is not None:
        # "below t" and "above t" are strict: also try one step past the group's own values.
        highs = np.unique(np.round(np.r_[highs, highs + step], 12))
        lows = np.unique(np.round(np.r_[lows, lows - step], 12))
    total = stats.sorted.size - svals.size  # rest rows with a value

    def rest_lt(t: np.ndarray) -> np.ndarray:
        return stats.count_below(t, strict=True) - _count(svals, t, "left")

    def rest_le(t: np.ndarray) -> np.ndarray:
        return stats.count_below(t, strict=False) - _count(svals, t, "right")

    # below t  (x < t)
    g_below = _count(gvals, highs, "left")
    r_below = rest_lt(highs)
    j_below = g_below / n_g - r_below / n_rest
    # above t  (x > t)
    g_above = gvals.size - _count(gvals, lows, "right")
    r_above = total - rest_le(lows)
    j_above = g_above / n_g - r_above / n_rest
    i = int(np.argmax(j_below))
    best_kind: ConditionKind = "below"
    best_j = j_below[i]
    best: tuple[float | None, float | None, Any, Any]  # low, high, group share, rest share
    best = (None, float(highs[i]), g_below[i] / n_g, r_below[i] / n_rest)
    i = int(np.argmax(j_above))
    if j_above[i] > best_j:
        best_kind, best_j = "above", j_above[i]
        best = (float(lows[i]), None, g_above[i] / n_g, r_above[i] / n_rest)
    # between a and b  (a <= x <= b)
    g_in = _count(gvals, highs, "right")[None, :] - _count(gvals, lows, "left")[:, None]
    r_in = rest_le(highs)[None, :] - rest_lt(lows)[:, None]
    valid = lows[:, None] < highs[None, :]
    j_in = np.where(valid, g_in / n_g - r_in / n_rest, -np.inf)
    a, b = np.unravel_index(int(np.argmax(j_in)), j_in.shape)
    if j_in[a, b] > best_j + WINDOW_MARGIN:
        best_kind, best_j = "between", j_in[a, b]
        best = (float(lows[a]), float(highs[b]), g_in[a, b] / n_g, r_in[a, b] / n_rest)
    low, high, gs, rs = best
    cond = Condition(
        column=stats.name,
        kind=best_kind,
        group_share=float(gs),
        rest_share=float(rs),
        low=low,
        high=high,
        step=step,
    )
    cond.group_range = (float(np.quantile(gvals, 0.1)), float(np.quantile(gvals, 0.9)))
    cond.rest_range = _rest_range(stats, svals)
    return cond


def _rest_range(stats: ColumnStats, svals: np.ndarray) -> tuple[float, float] | None:
    """The rest's 10–90% range: the sorted values minus the group's, by bisection on rank."""
    n_rest = stats.sorted.size - svals.size
    if n_rest < 1:
        return None
    out = []
    for q in (0.1, 0.9):
        k = q * (n_rest - 1)  # the k-th smallest of the rest
        lo, hi = 0, stats.sorted.size - 1
        while lo < hi:
            mid = (lo + hi) // 2
            v = stats.sorted[mid]
            rank = (mid + 1) - np.searchsorted(svals, v, side="right")
            if rank > k:
                hi = mid
            else:
                lo = mid + 1
        out.append(float(stats.sorted[lo]))
    return out[0], out[1]


def level_condition(
    stats: ColumnStats, group: pd.Series, group_in_stats: pd.Series | None = None
) -> Condition | None:
    """The set of (at most three) over-represented levels that best sets the group apart."""
    g_counts = level_counts(group)
    s_counts = g_counts if group_in_stats is None else level_counts(group_in_stats)
    all_counts = stats.counts
    if all_counts is None:  # a numeric column: no levels to compare
        return None
    n_g = len(group)  # shares are of all rows: a missing value is no level
    n_rest = stats.n - (len(group) if group_in_stats is None else len(group_in_stats))
    if int(g_counts.sum()) < 2 or n_rest < 1:
        return None
    index = all_counts.index.union(g_counts.index, sort=False)
    g = g_counts.reindex(index, fill_value=0).astype(float)
    r = (all_counts.reindex(index, fill_value=0) - s_counts.reindex(index, fill_value=0)).clip(
        lower=0
    )
    r = r.astype(float)
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


def missing_condition(
    stats: ColumnStats, group: pd.Series, group_in_stats: pd.Series | None = None
) -> Condition | None:
    """``is missing`` when the group lacks the value much more often than the rest."""
    inside = group if group_in_stats is None else group_in_stats
    n_g = len(group)
    n_rest = stats.n - len(inside)
    if n_g == 0 or n_rest <= 0 or stats.n_missing == 0:
        return None
    g_miss = int(group.isna().sum())
    s_miss = int(inside.isna().sum())
    gs, rs = g_miss / n_g, max(stats.n_missing - s_miss, 0) / n_rest
    return Condition(column=stats.name, kind="missing", group_share=gs, rest_share=rs)


def best_condition(
    stats: ColumnStats, group: pd.Series, group_in_stats: pd.Series | None = None
) -> Condition | None:
    """The single condition on this column that best sets the group's rows apart.

    ``group`` holds the column's values on the group's rows; ``group_in_stats`` those of the
    group's rows among the rows ``stats`` was built on (default: ``stats`` covers every row).
    """
    if stats.numeric:
        cond = numeric_condition(stats, group, group_in_stats)
    else:
        cond = level_condition(stats, group, group_in_stats)
    miss = missing_condition(stats, group, group_in_stats)
    if miss is not None and (cond is None or miss.separation > cond.separation):
        return miss
    return cond
