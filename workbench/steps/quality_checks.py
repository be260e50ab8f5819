"""Alert detectors that need no target: they return findings (kind, column, numbers, fix step).

The wording of each finding lives in :mod:`workbench.steps.quality_wording`; tests assert on the
numbers here. Checks reuse the arrays :mod:`workbench.steps.profile` computed once per column,
and the expensive text checks (PII patterns, mixed types, label variants) read a sample of the
distinct values whose size is written into the finding's details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.steps.profile import ColumnSummary, count_between, json_value, quantile_sorted
from workbench.tables.table import ColumnKind

GROUP_MAX_LEVELS = 50  # a column with more levels does not count as a "group" for missing values
FEW_ROWS_ERROR = 20
FEW_ROWS_WARNING = 100
HIGH_CARDINALITY = 50
ID_SHARE = 0.95  # labels this close to one per row name rows rather than describe them
OUTLIER_FENCES = (3.0, 10.0)  # in IQRs beyond the quartiles (3 is "far out" for Tukey)
OUTLIER_MAX_SHARE = 0.01  # more than this beyond a fence is a tail, not outliers
SENTINEL_FENCE = 5.0  # a sentinel sits at least this many IQRs beyond the quartiles
SENTINEL_MIN_COUNT = 3


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}  # most severe first


def severity_rank(severity: str) -> int:
    """Sort key: problems, then warnings, then notes (anything else last)."""
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


@dataclass
class Finding:
    """One problem found in the data, before it is put into words."""

    kind: str
    column: str | None
    severity: str  # "info" | "warning" | "error"
    details: dict[str, Any] = field(default_factory=dict)
    fix_step: dict[str, Any] | None = None


def _drop(column: str) -> dict[str, Any]:
    return {"op": "drop_columns", "columns": [column]}


# ---- frame-level ---------------------------------------------------------------------------


def check_few_rows(n_rows: int, n_columns: int) -> list[Finding]:
    if n_rows >= FEW_ROWS_WARNING and n_rows >= n_columns:
        return []
    severity = "error" if n_rows < FEW_ROWS_ERROR else "warning"
    details = {"rows": n_rows, "columns": n_columns, "recommended": FEW_ROWS_WARNING}
    return [Finding("few_rows", None, severity, details)]


def check_duplicates(count: int, n_rows: int, examples: list[int]) -> list[Finding]:
    if count == 0:
        return []
    pct = 100.0 * count / n_rows
    details = {"rows": count, "pct": round(pct, 2), "example_rows": examples}
    severity = "warning" if pct >= 1.0 else "info"
    return [Finding("duplicate_rows", None, severity, details, {"op": "drop_duplicate_rows"})]


def _missing_group(
    s: ColumnSummary, groups: list[ColumnSummary], n_rows: int
) -> dict[str, Any] | None:
    """The level of a group column that holds most of ``s``'s missing cells, if any does."""
    total = len(s.missing_rows)
    best: dict[str, Any] | None = None
    for g in groups:
        if g.profile.name == s.profile.name or g.codes is None or g.level_counts is None:
            continue
        in_level = np.bincount(g.codes[s.missing_rows] + 1, minlength=len(g.level_counts) + 1)
        in_level = in_level[1:]
        top = int(np.argmax(in_level))
        miss, rows = int(in_level[top]), int(g.level_counts[top])
        if miss < 5 or miss < 0.5 * total or rows == n_rows:
            continue
        rate_in = miss / rows
        rate_out = (total - miss) / (n_rows - rows)
        if rate_in < 3 * rate_out or rate_in - rate_out < 0.05:
            continue
        share = miss / total
        if best is None or share > best["share"]:
            best = {
                "group_column": g.profile.name,
                "group_value": json_value(g.levels[top]) if g.levels is not None else top,
                "missing_in_group": miss,
                "share": round(share, 4),
                "group_rows": rows,
                "rate_in_group": round(rate_in, 4),
                "rate_elsewhere": round(rate_out, 4),
            }
    return best


def check_missing(summaries: list[ColumnSummary], n_rows: int, target: str | None) -> list[Finding]:
    groups = [
        s
        for s in summaries
        if s.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)
        and s.codes is not None
        and 2 <= s.profile.distinct <= GROUP_MAX_LEVELS
    ]
    found = []
    for s in summaries:
        p = s.profile
        if p.missing == 0:
            continue
        details: dict[str, Any] = {"missing": p.missing, "rows": n_rows, "pct": p.missing_pct}
        details["groups_checked"] = [g.profile.name for g in groups if g is not s]
        group = _missing_group(s, groups, n_rows) if p.missing < n_rows else None
        if group:
            details.update(group)
        if p.name == target:
            fix = {"op": "filter_rows", "column": p.name, "operator": "not_missing"}
        elif p.missing_pct > 50:
            fix = _drop(p.name)
        elif group or s.kind in (ColumnKind.ID, ColumnKind.TEXT, ColumnKind.DATETIME):
            fix = None  # filling in a whole group's gap would invent data; fix it at the source
        else:
            method = "median" if s.kind == ColumnKind.NUMERIC else "mode"
            fix = {"op": "impute", "column": p.name, "method": method}
        severity = "warning" if (p.missing_pct >= 5 or group or p.name == target) else "info"
        found.append(Finding("missing", p.name, severity, details, fix))
    return found


# ---- numeric columns -----------------------------------------------------------------------


def _is_sentinel_like(v: float) -> bool:
    """Round codes people type for "no value": -999, -200, 9999, 99999, -9999, ..."""
    if v != round(v) or abs(v) < 99 or abs(v) > 1e12:
        return False
    a = int(abs(v))
    return set(str(a)) == {"9"} or a % 100 == 0


def _end_values(values: np.ndarray, depth: int = 3) -> list[tuple[float, int]]:
    """The ``depth`` smallest and largest distinct values of sorted ``values``, with counts."""
    out: dict[float, int] = {}
    lo, hi = 0, len(values)
    for _ in range(depth):
        if lo >= hi:
            break
        v = values[lo]
        nxt = int(np.searchsorted(values, v, side="right"))
        out[float(v)] = nxt - lo
        lo = nxt
    for _ in range(depth):
        if hi <= lo:
            break
        v = values[hi - 1]
        prev = int(np.searchsorted(values, v, side="left"))
        out[float(v)] = hi - prev
        hi = prev
    return list(out.items())


def find_sentinels(s: ColumnSummary) -> tuple[list[float], np.ndarray]:
    """Sentinel values of a numeric column, and the sorted values without them."""
    values = s.sorted_values
    if values is None or len(values) < 10 or s.kind != ColumnKind.NUMERIC:
        return [], values if values is not None else np.empty(0)
    candidates = [
        (v, c) for v, c in _end_values(values) if c >= SENTINEL_MIN_COUNT and _is_sentinel_like(v)
    ]
    if not candidates:
        return [], values
    mask = ~np.isin(values, [v for v, _ in candidates])
    rest = values[mask]
    if len(rest) < 5:
        return [], values
    q1, q3 = quantile_sorted(rest, 0.25), quantile_sorted(rest, 0.75)
    scale = max(q3 - q1, (rest[-1] - rest[0]) / 4, 1e-9)
    found = [
        v
        for v, _ in candidates
        if v < q1 - SENTINEL_FENCE * scale or v > q3 + SENTINEL_FENCE * scale
    ]
    if not found:
        return [], values
    return found, values[~np.isin(values, found)]


def check_sentinel(s: ColumnSummary, found: list[float], rest: np.ndarray) -> list[Finding]:
    if not found:
        return []
    values = s.sorted_values
    assert values is not None
    counts = {json_value(v): count_between(values, v, v) for v in found}
    details = {
        "values": [json_value(v) for v in found],
        "counts": list(counts.values()),
        "rows": sum(counts.values()),
        "typical_min": json_value(rest[0]) if len(rest) else None,
        "typical_max": json_value(rest[-1]) if len(rest) else None,
    }
    fix = {"op": "sentinel_to_missing", "column": s.profile.name, "values": details["values"]}
    return [Finding("sentinel", s.profile.name, "warning", details, fix)]


def check_outliers(s: ColumnSummary, rest: np.ndarray) -> list[Finding]:
    """Values beyond 3 IQRs from the quartiles (sentinels already set aside).

    When more than 1% of the values lie beyond that fence, they are a long tail or a group of
    their own (e.g. the best runs), not stray values; then only values beyond 10 IQRs (unit
    and typing errors) count. When the IQR is 0, more than half the values are equal, so the
    MAD is 0 as well and no robust scale exists: such columns are skipped.
    """
    if s.kind != ColumnKind.NUMERIC or len(rest) < 20 or s.profile.distinct <= 10:
        return []
    q1, q3 = quantile_sorted(rest, 0.25), quantile_sorted(rest, 0.75)
    iqr = q3 - q1
    if iqr <= 0:
        return []
    for fence in OUTLIER_FENCES:
        lower, upper = q1 - fence * iqr, q3 + fence * iqr
        n_low = int(np.searchsorted(rest, lower, side="left"))
        n_high = int(len(rest) - np.searchsorted(rest, upper, side="right"))
        if n_low + n_high <= OUTLIER_MAX_SHARE * len(rest):
            break
    else:
        return []
    if n_low + n_high == 0:
        return []
    inside = rest[n_low : len(rest) - n_high]
    details = {
        "rows": n_low + n_high,
        "below": n_low,
        "above": n_high,
        "pct": round(100.0 * (n_low + n_high) / len(rest), 3),
        "lower_fence": json_value(lower),
        "upper_fence": json_value(upper),
        "low_values": [json_value(rest[0]), json_value(rest[n_low - 1])] if n_low else None,
        "high_values": [json_value(rest[-n_high]), json_value(rest[-1])] if n_high else None,
        "typical_min": json_value(inside[0]),
        "typical_max": json_value(inside[-1]),
        "method": "iqr",
        "fence_iqr": fence,
    }
    fix = {
        "op": "clip",
        "column": s.profile.name,
        "lower": json_value(inside[0]) if n_low else None,
        "upper": json_value(inside[-1]) if n_high else None,
    }
    return [Finding("outliers", s.profile.name, "info", details, fix)]


# ---- any column ----------------------------------------------------------------------------


def check_constant(s: ColumnSummary) -> list[Finding]:
    p = s.profile
    if p.distinct != 1:
        return []
    value = p.top_values[0][0] if p.top_values else p.min
    details = {"value": json_value(value), "missing": p.missing}
    return [Finding("constant", p.name, "warning", details, _drop(p.name))]


def check_id_like(s: ColumnSummary) -> list[Finding]:
    p = s.profile
    if s.kind == ColumnKind.ID:
        reason = "kind"
    elif (
        s.codes is not None
        and s.kind == ColumnKind.CATEGORICAL
        and p.count >= 20
        and p.distinct >= ID_SHARE * p.count
    ):
        reason = "unique_labels"
    elif p.count >= 20 and p.distinct == p.count and s.kind == ColumnKind.NUMERIC:
        values = s.sorted_values
        assert values is not None
        if values[-1] - values[0] != len(values) - 1:
            return []
        if not s.is_integer and not np.all(values == np.round(values)):
            return []
        reason = "counter"
    else:
        return []
    details = {"distinct": p.distinct, "count": p.count, "reason": reason}
    return [Finding("id_like", p.name, "info", details, _drop(p.name))]


def check_high_cardinality(s: ColumnSummary) -> list[Finding]:
    p = s.profile
    if s.kind != ColumnKind.CATEGORICAL or p.distinct <= HIGH_CARDINALITY:
        return []
    if p.distinct >= ID_SHARE * p.count:  # that is an ID, reported as id_like
        return []
    assert s.level_counts is not None and s.levels is not None
    order = np.argsort(-s.level_counts, kind="stable")
    keep = order[:20]
    rare = [i for i in order[20:] if s.level_counts[i] > 0]
    rare_rows = int(s.level_counts[rare].sum()) if rare else 0
    details = {
        "distinct": p.distinct,
        "count": p.count,
        "kept_levels": len(keep),
        "rare_levels": len(rare),
        "rare_rows": rare_rows,
    }
    fix = None
    if len(rare) <= 1000:
        mapping = {str(v): "(other)" for v in s.levels.take(rare)}
        fix = {"op": "merge_categories", "column": p.name, "mapping": mapping}
    return [Finding("high_cardinality", p.name, "info", details, fix)]
