"""The quality report of a file larger than memory, in the shape the panes and report know.

Whole-file figures come from one pass over every row (:mod:`workbench.tables.stream_profile`):
row count, column profiles (quantiles estimated from a uniform sample), missing values,
constant columns, duplicate rows and the missing map; the alerts they raise (``few_rows``,
``missing``, ``constant``, ``duplicate_rows``) state whole-file numbers. The checks that need the
rows side by side (sentinels, outliers, leakage, label conflicts, imbalance, drift, personal
data, mixed types) run on a uniform random sample of rows; an ``info`` alert
(``sampled_checks``) says which is which.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from workbench.jobs import JobContext, ensure_context
from workbench.steps import pii
from workbench.steps import quality_checks as checks
from workbench.steps import quality_wording as words
from workbench.steps.goal import FocusRule
from workbench.steps.profile import ColumnSummary, fallback_kind, json_value
from workbench.steps.quality import Alert, QualityReport, assess_quality
from workbench.steps.sampling_wording import whole_file_checks
from workbench.tables.stream_profile import StreamScan
from workbench.tables.table import ColumnKind

SAMPLED_CHECKS = "sampled_checks"
WHOLE_FILE_KINDS = frozenset({"few_rows", "missing", "constant", "duplicate_rows"})


def whole_file_quality(
    scan: StreamScan,
    uniform: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    *,
    target: str | None = None,
    time: str | None = None,
    focus: FocusRule | None = None,
    ctx: JobContext | None = None,
) -> QualityReport:
    """Profiles and counts over every row of ``scan``; row-level checks on ``uniform``."""
    ctx = ensure_context(ctx)
    sampled = assess_quality(uniform, kinds, target=target, time=time, focus=focus, ctx=ctx)
    personal = set(pii.personal_columns(sampled.alerts))
    estimated = {p.name: p.quantiles for p in sampled.profiles}
    summaries = []
    for name in scan.columns:
        kind = kinds.get(name) or (
            fallback_kind(uniform[name]) if name in uniform else ColumnKind.CATEGORICAL
        )
        profile = scan.profile(name, str(kind))
        profile.quantiles = dict(estimated.get(name) or {})
        if name in personal:
            profile.top_values = [(pii.mask_value(v), c) for v, c in profile.top_values]
            if profile.kind not in ("numeric", "datetime"):
                profile.min = profile.max = None
        summaries.append(ColumnSummary(profile, ColumnKind(kind), np.empty(0, dtype=np.int64)))
    n_rows, n_columns = scan.n_rows, len(scan.columns)
    found = checks.check_few_rows(n_rows, n_columns)
    found += checks.check_missing(summaries, n_rows, target)
    for s in summaries:
        found += checks.check_constant(s)
    found += checks.check_duplicates(scan.duplicate_rows, n_rows, [])
    alerts = [_alert(f, personal) for f in found]
    alerts += [a for a in sampled.alerts if a.kind not in WHOLE_FILE_KINDS]
    message, advice = whole_file_checks(n_rows, len(uniform), scan.capped())
    details: dict[str, Any] = {
        "rows": n_rows,
        "sample_rows": len(uniform),
        "capped_columns": scan.capped(),
    }
    alerts.append(Alert(SAMPLED_CHECKS, None, "info", message, advice, None, details))
    alerts.sort(key=lambda a: checks.severity_rank(a.severity))
    return QualityReport(
        n_rows=n_rows,
        n_columns=n_columns,
        profiles=[s.profile for s in summaries],
        duplicate_rows=scan.duplicate_rows,
        missing_map=scan.missing_map,
        alerts=alerts,
        target=target,
        time=time,
        focus=sampled.focus,
    )


def whole_file_report(
    ctx: JobContext,
    table: Any,
    cleaned: Any,
    target: str | None,
    time: str | None,
    focus: Any = None,
) -> QualityReport:
    """Job part: the report of a table read from a file larger than memory (``table.whole_file``
    holds its scan; ``cleaned``: the RecipeResult of its uniform sample, see
    :mod:`workbench.big_table`)."""
    columns = cleaned.frame.columns
    return whole_file_quality(
        table.whole_file,
        cleaned.frame,
        dict(cleaned.kinds),
        target=target if target in columns else None,
        time=time if time in columns else None,
        focus=focus if target in columns else None,
        ctx=ctx,
    )


def _alert(finding: checks.Finding, personal: set[str]) -> Alert:
    if finding.column in personal:
        finding = dataclasses.replace(
            finding,
            details=pii.mask_details(finding.details),
            fix_step=pii.mask_fix_step(finding.fix_step),
        )
    message, fix = words.describe(finding)
    details = {k: json_value(v) if np.isscalar(v) else v for k, v in finding.details.items()}
    return Alert(
        finding.kind, finding.column, finding.severity, message, fix, finding.fix_step, details
    )
