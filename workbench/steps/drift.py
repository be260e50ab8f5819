"""Per-column drift of new data against the data the model was trained on.

The rule (the numbers behind every sentence are kept in :class:`ColumnDrift`):

* **Numeric columns**: the training values are cut into ten bins at their deciles (duplicate
  edges merged), missing values get a bin of their own; the population stability index
  ``PSI = Σ (new% − train%) · ln(new% / train%)`` compares the share of rows in each bin (a share
  of 0 counts as 0.01% so the log stays finite). The medians of both sides are kept: the column
  "runs higher" or "lower" when the medians differ by at least a tenth of the training
  interquartile range, else it "is spread differently".
* **Categorical columns** (and yes/no columns): the same PSI over the levels (missing is a
  level); levels never seen in training are named.
* A column **moved** when ``PSI ≥ 0.1`` (moderate) and moved a lot when ``PSI ≥ 0.25`` (large)
  — the usual credit-scoring thresholds. Only moved columns are reported.

When the data has a time column, the sentences name the periods ("in 2026-07 than in
2026-03"); else they say "than in the training data". Wording: :mod:`workbench.steps.drift_wording`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.steps import drift_wording as words
from workbench.tables.table import ColumnKind

MODERATE = 0.1
LARGE = 0.25
N_BINS = 10
#: A bin's share below this counts as this (ln(0) would be infinite).
FLOOR = 1e-4
#: Medians closer than this share of the training interquartile range are "the same".
MEDIAN_STEP = 0.1
#: At most this many new levels are named in a sentence (all are kept in the record).
NAMED_LEVELS = 5

_NUMERIC = (ColumnKind.NUMERIC,)
_LEVELS = (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)


@dataclass(frozen=True)
class ColumnDrift:
    """How one column moved; every number its sentence states is a field here."""

    column: str
    kind: str  # "numeric" | "categorical"
    score: float  # PSI
    level: str  # "moderate" | "large"
    direction: str  # numeric: "higher" | "lower" | "spread"; categorical: "new_levels" | "mix"
    reference_rows: int
    new_rows: int
    reference_median: float | None = None
    new_median: float | None = None
    reference_missing: float = 0.0  # share of rows missing
    new_missing: float = 0.0
    new_levels: list[str] = field(default_factory=list)
    new_levels_share: float = 0.0  # share of new rows holding a level never seen in training
    level_name: str | None = None  # categorical mix: the level whose share moved most
    reference_share: float | None = None
    new_share: float | None = None
    period: str = ""  # the training period named ("" = "the training data")
    new_period: str = ""  # the new rows' period ("" when the new file has no times)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DriftReport:
    """The moved columns (largest PSI first) and what was compared."""

    columns: list[ColumnDrift]
    checked: list[str]
    reference_rows: int
    new_rows: int
    period: str = ""
    new_period: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": [c.to_dict() for c in self.columns],
            "checked": list(self.checked),
            "reference_rows": self.reference_rows,
            "new_rows": self.new_rows,
            "period": self.period,
            "new_period": self.new_period,
            "rule": {"moderate": MODERATE, "large": LARGE, "bins": N_BINS},
        }


def psi(reference_shares: np.ndarray, new_shares: np.ndarray) -> float:
    """The population stability index of two share vectors over the same bins."""
    p = np.maximum(np.asarray(reference_shares, dtype=np.float64), FLOOR)
    q = np.maximum(np.asarray(new_shares, dtype=np.float64), FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def quantile_edges(values: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """Inner bin edges at the quantiles of the (non-missing) ``values``, duplicates merged."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        return np.empty(0)
    qs = np.quantile(present, np.linspace(0, 1, n_bins + 1)[1:-1])
    return np.unique(qs)


def binned_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Shares of rows per bin (``len(edges) + 1`` bins, right-closed) plus the missing bin."""
    missing = np.isnan(values)
    bins = np.searchsorted(edges, values[~missing], side="left")
    counts = np.bincount(bins, minlength=len(edges) + 1).astype(np.float64)
    counts = np.append(counts, float(missing.sum()))
    return counts / max(len(values), 1)


def _floats(col: pd.Series) -> np.ndarray:
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        col = pd.to_numeric(col.astype(object), errors="coerce")
    arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isinf(arr), np.nan, arr)


def _median(arr: np.ndarray) -> float | None:
    present = arr[~np.isnan(arr)]
    return float(np.median(present)) if present.size else None


def _level(score: float) -> str:
    return "large" if score >= LARGE else "moderate"


def _numeric_drift(
    name: str, ref: pd.Series, new: pd.Series, periods: tuple[str, str]
) -> ColumnDrift | None:
    a, b = _floats(ref), _floats(new)
    score = psi(binned_shares(a, edges := quantile_edges(a)), binned_shares(b, edges))
    if score < MODERATE:
        return None
    m_ref, m_new = _median(a), _median(b)
    present = a[~np.isnan(a)]
    iqr = float(np.subtract(*np.percentile(present, [75, 25]))) if present.size else 0.0
    direction = "spread"
    if m_ref is not None and m_new is not None:
        step = MEDIAN_STEP * iqr
        if m_new - m_ref > step or (step == 0 and m_new > m_ref):
            direction = "higher"
        elif m_ref - m_new > step or (step == 0 and m_new < m_ref):
            direction = "lower"
    drift = ColumnDrift(
        column=name,
        kind="numeric",
        score=score,
        level=_level(score),
        direction=direction,
        reference_rows=len(a),
        new_rows=len(b),
        reference_median=m_ref,
        new_median=m_new,
        reference_missing=float(np.isnan(a).mean()) if len(a) else 0.0,
        new_missing=float(np.isnan(b).mean()) if len(b) else 0.0,
        period=periods[0],
        new_period=periods[1],
    )
    return _said(drift)


def _label(value: Any) -> str:
    from workbench.numbers_format import format_label

    return format_label(value)


def _level_shares(col: pd.Series) -> pd.Series:
    """Share of rows per level as the user reads it ("1" for 1.0); missing is the level None."""
    counts = col.value_counts(dropna=False)  # counted on the raw values: fast at a million rows
    labels = [None if pd.isna(v) else _label(v) for v in counts.index]
    shares = pd.Series(counts.to_numpy(dtype=np.float64), index=pd.Index(labels, dtype=object))
    shares = shares.groupby(level=0, dropna=False, sort=False).sum()
    return shares / max(len(col), 1)


def _categorical_drift(
    name: str, ref: pd.Series, new: pd.Series, periods: tuple[str, str]
) -> ColumnDrift | None:
    p, q = _level_shares(ref), _level_shares(new)
    levels = p.index.union(q.index, sort=False)
    p_all = p.reindex(levels, fill_value=0.0)
    q_all = q.reindex(levels, fill_value=0.0)
    score = psi(p_all.to_numpy(), q_all.to_numpy())
    if score < MODERATE:
        return None
    unseen = [lv for lv in q.index if lv not in p.index and lv is not None and lv == lv]
    unseen.sort(key=lambda lv: -q[lv])
    moved = (q_all - p_all).abs().sort_values(ascending=False, kind="stable")
    top = moved.index[0]
    drift = ColumnDrift(
        column=name,
        kind="categorical",
        score=score,
        level=_level(score),
        direction="new_levels" if unseen else "mix",
        reference_rows=len(ref),
        new_rows=len(new),
        reference_missing=float(ref.isna().mean()) if len(ref) else 0.0,
        new_missing=float(new.isna().mean()) if len(new) else 0.0,
        new_levels=[str(lv) for lv in unseen],
        new_levels_share=float(q[unseen].sum()) if unseen else 0.0,
        level_name=None if top is None or top != top else str(top),
        reference_share=float(p_all[top]),
        new_share=float(q_all[top]),
        period=periods[0],
        new_period=periods[1],
    )
    return _said(drift)


def _said(drift: ColumnDrift) -> ColumnDrift:
    from dataclasses import replace

    return replace(drift, message=words.drift_message(drift))


def training_period(times: pd.Series | None) -> str:
    """The months the rows span ("2026-03" or "2026-03 – 2026-05"), "" without times."""
    if times is None:
        return ""
    dt = (
        pd.to_datetime(times, errors="coerce")
        if not pd.api.types.is_datetime64_any_dtype(times)
        else times
    )
    dt = dt.dropna()
    if dt.empty:
        return ""
    first, last = dt.min().strftime("%Y-%m"), dt.max().strftime("%Y-%m")
    return first if first == last else words.period_span(first, last)


def measure_drift(
    reference: pd.DataFrame,
    new: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    columns: Iterable[str],
    *,
    time_column: str | None = None,
    ctx: JobContext | None = None,
) -> DriftReport:
    """Compare ``columns`` of ``new`` with ``reference`` (see the module docstring).

    ``kinds`` are the training data's column kinds; columns missing from either side, dates,
    free text and IDs are not compared (the replay reports missing columns)."""
    ctx = ensure_context(ctx)
    names = [c for c in columns if c in reference.columns and c in new.columns]
    period = training_period(
        reference[time_column] if time_column and time_column in reference.columns else None
    )
    new_period = (
        training_period(new[time_column])
        if period and time_column and time_column in new.columns
        else ""
    )
    periods = (period, new_period)
    moved: list[ColumnDrift] = []
    checked: list[str] = []
    for i, name in enumerate(names):
        ctx.progress(i / max(len(names), 1), words.progress_checking(name))
        kind = ColumnKind(kinds.get(name, ColumnKind.NUMERIC))
        if kind in _NUMERIC:
            found = _numeric_drift(name, reference[name], new[name], periods)
        elif kind in _LEVELS:
            found = _categorical_drift(name, reference[name], new[name], periods)
        else:
            continue
        checked.append(name)
        if found is not None:
            moved.append(found)
    moved.sort(key=lambda d: -d.score)
    ctx.progress(1.0, words.progress_checking(""))
    return DriftReport(moved, checked, len(reference), len(new), period, new_period)
