"""Alert detectors that need a target or a time column.

Target: ``target_unusable`` (refuse it), ``imbalance``, ``label_conflict`` (identical inputs with
different outcomes); ``leakage`` lives in :mod:`workbench.steps.leakage`. Time: ``drift`` (the
most recent ~20% of the period against the rest), on a seeded sample stated in the details.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.steps.profile import ColumnSummary, Levels, json_value
from workbench.steps.quality_checks import Finding
from workbench.steps.quality_wording import progress_message
from workbench.tables.table import ColumnKind

DRIFT_SAMPLE = 20_000  # rows drawn from each period
RECENT_SHARE = 0.2
MIN_TARGET_VALUES = 10
NEARLY_ALL_MISSING_PCT = 95.0
DRIFT_PSI = 0.25
DRIFT_EFFECT = 0.5  # standardized mean difference
DRIFT_P = 1e-3
CONFLICT_SPREAD = 0.1  # in target standard deviations: smaller differences are noise
NOT_FEATURES = (ColumnKind.ID, ColumnKind.TEXT, ColumnKind.DATETIME)


def is_classification(s: ColumnSummary) -> bool:
    return s.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN) or (
        s.kind == ColumnKind.NUMERIC and s.profile.distinct <= 2
    )


def target_codes(s: ColumnSummary, col: pd.Series) -> np.ndarray:
    """Class codes per row (-1 where the target is missing)."""
    if s.codes is not None:
        return s.codes
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    classes = np.unique(s.sorted_values) if s.sorted_values is not None else np.empty(0)
    codes = np.searchsorted(classes, values).astype(np.int64)
    codes[np.isnan(values)] = -1
    return codes


def check_target_unusable(s: ColumnSummary) -> list[Finding]:
    p = s.profile
    reason = None
    if s.kind in (ColumnKind.ID, ColumnKind.TEXT, ColumnKind.DATETIME):
        reason = "kind"
    elif p.count == 0:
        reason = "all_missing"
    elif p.missing_pct >= NEARLY_ALL_MISSING_PCT or p.count < MIN_TARGET_VALUES:
        reason = "nearly_all_missing"
    elif p.distinct <= 1:
        reason = "constant"
    if reason is None:
        return []
    details = {"reason": reason, "count": p.count, "missing_pct": p.missing_pct}
    details.update({"distinct": p.distinct, "kind": p.kind})
    return [Finding("target_unusable", p.name, "error", details)]


def check_imbalance(s: ColumnSummary, codes: np.ndarray) -> list[Finding]:
    counts = np.bincount(codes[codes >= 0])
    present = [int(i) for i in np.flatnonzero(counts)]
    if len(present) < 2:
        return []
    total = int(counts.sum())
    limit = min(0.1, 0.25 / len(present))
    rare = [i for i in present if counts[i] / total < limit]
    if not rare:
        return []
    if s.levels is not None:
        labels = s.levels
    else:  # a numeric target: its codes number its distinct values in order
        labels = Levels(np.unique(s.sorted_values if s.sorted_values is not None else []))
    classes = [[json_value(labels[i]), int(counts[i])] for i in present]
    rarest = min(rare, key=lambda i: counts[i])
    details = {
        "classes": sorted(classes, key=lambda lc: -lc[1]),
        "rare_class": json_value(labels[rarest]),
        "rare_count": int(counts[rarest]),
        "rare_pct": round(100.0 * counts[rarest] / total, 3),
        "rows": total,
    }
    return [Finding("imbalance", s.profile.name, "warning", details)]


def float_rows(col: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``col`` at positions ``rows`` as floats, NaN where missing or infinite (a fresh array:
    only those rows are copied)."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "fiu":
        x = col.to_numpy()[rows].astype(np.float64, copy=False)
    else:
        x = col.take(rows).to_numpy(dtype=np.float64, na_value=np.nan)
    x[np.isinf(x)] = np.nan
    return x


# ---- label conflicts -----------------------------------------------------------------------


def check_label_conflict(
    input_hash: np.ndarray, frame: pd.DataFrame, ts: ColumnSummary, target: str
) -> list[Finding]:
    """Rows whose inputs are identical in every column but whose outcomes differ."""
    classify = is_classification(ts)
    if classify:
        y = target_codes(ts, frame[target]).astype(np.float64)
        y[y < 0] = np.nan
    else:
        y = frame[target].to_numpy(dtype=np.float64, na_value=np.nan)
    valid = np.flatnonzero(~np.isnan(y))
    repeated = pd.Series(input_hash[valid], copy=False).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return []
    pos = valid[repeated]
    sub = pd.DataFrame({"h": input_hash[pos], "y": y[pos], "pos": pos})
    grouped = sub.groupby("h", sort=False)["y"]
    if classify:
        conflicted = grouped.nunique() > 1
    else:
        spread_limit = CONFLICT_SPREAD * (ts.profile.std or 0.0)
        conflicted = (grouped.max() - grouped.min()) > spread_limit
    keys = conflicted[conflicted].index
    if len(keys) == 0:
        return []
    rows = sub[sub["h"].isin(keys)]
    first = rows[rows["h"] == keys[0]]
    values = frame[target].to_numpy()
    details = {
        "groups": len(keys),
        "rows": len(rows),
        "example_rows": [json_value(frame.index[p]) for p in first["pos"][:5]],
        "example_outcomes": [json_value(values[p]) for p in first["pos"][:5]],
        "classification": classify,
    }
    severity = "warning" if classify else "info"
    return [Finding("label_conflict", None, severity, details)]


# ---- drift ---------------------------------------------------------------------------------


def _psi(old: np.ndarray, new: np.ndarray) -> float:
    p = np.maximum(old / max(old.sum(), 1), 1e-4)
    q = np.maximum(new / max(new.sum(), 1), 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def _ks_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value (no scipy import:
    loading scipy.stats takes longer than the whole drift check)."""
    a, b = np.sort(a), np.sort(b)
    both = np.concatenate([a, b])
    gap = np.searchsorted(a, both, side="right") / len(a)
    gap -= np.searchsorted(b, both, side="right") / len(b)
    d = float(np.max(np.abs(gap)))
    en = math.sqrt(len(a) * len(b) / (len(a) + len(b)))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 0.2:
        return d, 1.0
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(max(p, 0.0), 1.0)


def _numeric_drift(x_old: np.ndarray, x_new: np.ndarray) -> dict[str, Any] | None:
    a, b = x_old[~np.isnan(x_old)], x_new[~np.isnan(x_new)]
    if len(a) < 10 or len(b) < 10:
        return None
    edges = np.unique(np.quantile(a, np.linspace(0, 1, 11)[1:-1]))
    hist_old = np.bincount(np.searchsorted(edges, a), minlength=len(edges) + 1)
    hist_new = np.bincount(np.searchsorted(edges, b), minlength=len(edges) + 1)
    old_counts = np.append(hist_old, len(x_old) - len(a))  # missing cells as one more bin
    new_counts = np.append(hist_new, len(x_new) - len(b))
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) if len(a) > 1 and len(b) > 1 else 0.0
    effect = float((b.mean() - a.mean()) / pooled) if pooled > 0 else 0.0
    ks, p_value = _ks_test(a, b)
    return {
        "psi": round(_psi(old_counts, new_counts), 4),
        "effect_size": round(effect, 3),
        "ks": round(ks, 4),
        "p_value": p_value,
        "mean_before": json_value(a.mean()),
        "mean_recent": json_value(b.mean()),
        "missing_pct_before": round(100.0 * (1 - len(a) / len(x_old)), 2),
        "missing_pct_recent": round(100.0 * (1 - len(b) / len(x_new)), 2),
    }


def _label_drift(
    codes_old: np.ndarray, codes_new: np.ndarray, levels: Levels
) -> dict[str, Any] | None:
    k = len(levels) + 1
    old = np.bincount(codes_old + 1, minlength=k)
    new = np.bincount(codes_new + 1, minlength=k)
    if np.count_nonzero(old + new) < 2:
        return None
    n_old, n_new = old.sum(), new.sum()
    share_old, share_new = old / n_old, new / n_new
    moved = int(np.argmax(np.abs(share_new - share_old)))
    # two-proportion z-test on the level that moved most
    pooled = (old[moved] + new[moved]) / (n_old + n_new)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_old + 1 / n_new))
    z = abs(share_new[moved] - share_old[moved]) / se if se > 0 else 0.0
    p_value = math.erfc(z / math.sqrt(2))
    label = None if moved == 0 else json_value(levels[moved - 1])
    return {
        "psi": round(_psi(old, new), 4),
        "p_value": p_value,
        "level": label,
        "share_before": round(100.0 * share_old[moved], 2),
        "share_recent": round(100.0 * share_new[moved], 2),
    }


def _time_values(col: pd.Series) -> np.ndarray:
    """The time column as floats that order the rows (NaN where missing)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        stamps = col.dt.tz_convert(None) if col.dt.tz is not None else col
        values = stamps.to_numpy().view(np.int64).astype(np.float64)
        values[stamps.isna().to_numpy()] = np.nan
        return values
    return float_rows(col, np.arange(len(col)))


def check_drift(
    frame: pd.DataFrame,
    summaries: dict[str, ColumnSummary],
    time: str,
    exclude: set[str],
    ctx: JobContext | None = None,
) -> list[Finding]:
    """Columns whose most recent ~20% of the period differs from the rest."""
    ctx = ensure_context(ctx)
    t = _time_values(frame[time])
    known = np.flatnonzero(~np.isnan(t))
    if len(known) < 50:
        return []
    ordered = np.sort(t[known])
    cutoff = ordered[int(len(ordered) * (1 - RECENT_SHARE))]
    recent = known[t[known] >= cutoff]
    before = known[t[known] < cutoff]
    if len(recent) < 20 or len(before) < 20:
        return []
    rng = np.random.default_rng(0)
    if len(recent) > DRIFT_SAMPLE:
        recent = np.sort(rng.choice(recent, DRIFT_SAMPLE, replace=False))
    if len(before) > DRIFT_SAMPLE:
        before = np.sort(rng.choice(before, DRIFT_SAMPLE, replace=False))
    since = frame[time].iloc[int(np.flatnonzero(t == cutoff)[0])]
    found = []
    for i, (name, s) in enumerate(summaries.items()):
        if name == time or name in exclude or s.kind in NOT_FEATURES or s.profile.count == 0:
            continue
        ctx.progress(i / len(summaries), progress_message(str(name)))
        if s.codes is not None and s.levels is not None:
            result = _label_drift(s.codes[before], s.codes[recent], s.levels)
            moved = result is not None and result["psi"] >= DRIFT_PSI
        else:
            col = frame[name]
            result = _numeric_drift(float_rows(col, before), float_rows(col, recent))
            moved = result is not None and (
                result["psi"] >= DRIFT_PSI or abs(result["effect_size"]) >= DRIFT_EFFECT
            )
        if not moved or result is None or result["p_value"] >= DRIFT_P:
            continue
        result.update(
            since=json_value(since),
            rows_recent=len(recent),
            rows_before=len(before),
            sample_rows=len(recent) + len(before),
        )
        found.append(Finding("drift", name, "warning", result))
    found.sort(key=lambda f: -f.details["psi"])
    names = [f.column for f in found]
    for rank, f in enumerate(found, start=1):
        f.details.update(rank=rank, moved_most=names[:5])
    return found
