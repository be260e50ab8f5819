"""Judge a table's quality: per-column profile, duplicate rows, missing-value map and alerts.

``assess_quality`` reads each column once (see :mod:`workbench.steps.profile`), runs the
per-column checks while that column's arrays are at hand, then the table-wide checks, and —
when a target or a time column is given — the checks that need them. Each alert carries its
numbers (``details``), plain-language ``message`` and ``fix``, and where one click can fix it, a
cleaning-recipe step (``fix_step``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.steps import leakage, pii
from workbench.steps import quality_checks as checks
from workbench.steps import quality_labels as labels
from workbench.steps import quality_target as target_checks
from workbench.steps import quality_wording as words
from workbench.steps.goal import FocusRule, parse_focus
from workbench.steps.profile import (
    ColumnProfile,
    ColumnSummary,
    MissingMap,
    RowHasher,
    block_edges,
    block_missing,
    build_missing_map,
    count_duplicates,
    duplicate_mask,
    fallback_kind,
    json_value,
    row_hash_part,
    summarize_column,
)
from workbench.tables.table import ColumnKind

__all__ = ["Alert", "QualityReport", "assess_quality"]

SEVERITIES = ("error", "warning", "info")


@dataclass
class Alert:
    """One quality problem: what it is, where, how bad, in words, and how to fix it."""

    kind: str
    column: str | None
    severity: str  # "info" | "warning" | "error"
    message: str
    fix: str
    fix_step: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """The saved alert, its sentences said again in the reader's language."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["details"] = dict(data.get("details") or {})
        alert = cls(**known)
        finding = checks.Finding(
            alert.kind, alert.column, alert.severity, alert.details, alert.fix_step
        )
        # The saved text is only a fallback: a file written in English reads in Korean.
        with contextlib.suppress(KeyError, TypeError, ValueError):
            alert.message, alert.fix = words.describe(finding)
        return alert


@dataclass
class QualityReport:
    """Everything :func:`assess_quality` found about one table."""

    n_rows: int
    n_columns: int
    profiles: list[ColumnProfile]
    duplicate_rows: int
    missing_map: MissingMap
    alerts: list[Alert]
    target: str | None = None
    time: str | None = None
    personal_masked: bool = True  # values of personal-data columns are masked (older files: no)
    focus: str | None = None  # the focus rule the leakage check used ("class:NG"), if given

    def profile(self, column: str) -> ColumnProfile:
        """The profile of ``column`` (KeyError if there is none)."""
        for p in self.profiles:
            if p.name == column:
                return p
        raise KeyError(column)

    def alerts_for(self, column: str | None) -> list[Alert]:
        return [a for a in self.alerts if a.column == column]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "n_columns": self.n_columns,
            "profiles": [p.to_dict() for p in self.profiles],
            "duplicate_rows": self.duplicate_rows,
            "missing_map": self.missing_map.to_dict(),
            "alerts": [a.to_dict() for a in self.alerts],
            "target": self.target,
            "time": self.time,
            "personal_masked": self.personal_masked,
            "focus": self.focus,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityReport:
        """The saved report; one saved before personal data was masked is masked now."""
        report = cls(
            n_rows=int(data["n_rows"]),
            n_columns=int(data["n_columns"]),
            profiles=[ColumnProfile.from_dict(p) for p in data["profiles"]],
            duplicate_rows=int(data["duplicate_rows"]),
            missing_map=MissingMap.from_dict(data["missing_map"]),
            alerts=[Alert.from_dict(a) for a in data["alerts"]],
            target=data.get("target"),
            time=data.get("time"),
            focus=data.get("focus"),
        )
        if not data.get("personal_masked"):
            _mask_saved(report)
        return report


def _mask_saved(report: QualityReport) -> None:
    """Mask a report saved before personal data was masked (in place; the same masking as
    :func:`_mask_personal`, applied to finished alerts)."""
    personal = set(pii.personal_columns(report.alerts))
    for profile in report.profiles:
        if profile.name in personal:
            profile.top_values = [(pii.mask_value(v), c) for v, c in profile.top_values]
    for alert in report.alerts:
        if alert.column in personal and alert.kind != pii.PII_KIND:
            alert.details = pii.mask_details(alert.details)
            alert.fix_step = pii.mask_fix_step(alert.fix_step)
            finding = checks.Finding(
                alert.kind, alert.column, alert.severity, alert.details, alert.fix_step
            )
            with contextlib.suppress(KeyError, TypeError, ValueError):
                alert.message, alert.fix = words.describe(finding)
    report.personal_masked = True


def _column_findings(s: ColumnSummary) -> list[checks.Finding]:
    """Checks that need only this column's own arrays (run while they are at hand)."""
    found = checks.check_constant(s)
    if found:
        return found + labels.check_pii(s)
    sentinels, rest = checks.find_sentinels(s)
    found += checks.check_sentinel(s, sentinels, rest)
    found += checks.check_outliers(s, rest)
    found += checks.check_id_like(s)
    found += checks.check_high_cardinality(s)
    found += labels.check_mixed_types(s)
    found += labels.check_category_variants(s)
    found += labels.check_pii(s)
    return found


def _column_pass(
    position: int, col: pd.Series, kind: ColumnKind, edges: np.ndarray, keep_sorted: bool
) -> tuple[ColumnSummary, np.ndarray, np.ndarray, list[checks.Finding]]:
    """Everything one column contributes: profile, row-hash part, missing map, findings."""
    s, identity = summarize_column(str(col.name), col, kind)
    part = row_hash_part(position, identity)
    del identity
    shares = block_missing(s.missing_rows, edges)
    found = _column_findings(s)
    if not keep_sorted:
        s.sorted_values = None  # free the memory: later checks read the frame or codes
    return s, part, shares, found


def _to_alert(f: checks.Finding) -> Alert:
    message, fix = words.describe(f)
    details = {k: json_value(v) if np.isscalar(v) else v for k, v in f.details.items()}
    return Alert(f.kind, f.column, f.severity, message, fix, f.fix_step, details)


def _check_role(frame: pd.DataFrame, column: str | None, is_target: bool) -> None:
    if column is None:
        return
    if column not in frame.columns:
        raise AnalysisError(*words.unknown_column(column, is_target))
    col = frame[column]
    orderable = pd.api.types.is_datetime64_any_dtype(col) or (
        pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    )
    if not is_target and not orderable:
        raise AnalysisError(*words.time_not_orderable(column))


def assess_quality(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    *,
    target: str | None = None,
    time: str | None = None,
    focus: FocusRule | str | None = None,
    ctx: JobContext | None = None,
) -> QualityReport:
    """Profile every column of ``frame`` and list what needs attention before modeling.

    ``kinds`` gives each column's settled kind (a column missing from it is judged by its
    dtype). With ``target``, the target checks run (leakage, label conflicts, imbalance, an
    unusable target); ``focus`` (the goal's focus rule) says which rows a one-sided leak flag
    marks — without it the rarer class, or a numeric target's top and bottom 5%. With ``time``,
    the recent period is compared with the past (drift).
    """
    ctx = ensure_context(ctx)
    rule = parse_focus(focus) if isinstance(focus, str) else focus
    _check_role(frame, target, True)
    _check_role(frame, time, False)
    n_rows, n_columns = frame.shape
    columns = list(frame.columns)
    kind_of = {c: kinds.get(c) or fallback_kind(frame[c]) for c in columns}
    # what is not a process input: names of rows, free text, timestamps (as in leakage)
    not_inputs = {c for c in columns if kind_of[c] in target_checks.NOT_FEATURES}
    not_inputs |= {c for c in (target, time) if c is not None}
    hasher: RowHasher | None = RowHasher(n_rows, not_inputs if target is not None else None)
    edges = block_edges(n_rows)
    summaries: dict[str, ColumnSummary] = {}
    block_shares = []
    found: list[checks.Finding] = []
    step = ctx.sub(0.0, 0.8)
    # Columns are read by worker threads (sorting, encoding and hashing release the GIL), a
    # few ahead of the one being collected, so at most ``window`` columns' arrays are alive.
    workers = min(2, os.cpu_count() or 1)
    window = workers + 1
    with ThreadPoolExecutor(workers, thread_name_prefix="quality") as pool:
        pending: dict[int, Future[Any]] = {}

        def submit(i: int) -> None:
            col, name = frame.iloc[:, i], columns[i]
            keep = name in (target, time)
            pending[i] = pool.submit(_column_pass, i, col, kind_of[name], edges, keep)

        for i in range(min(window, n_columns)):
            submit(i)
        try:
            for i, name in enumerate(columns):
                step.progress(i / max(n_columns, 1), words.progress_message(str(name)))
                s, part, shares, column_found = pending.pop(i).result()
                if i + window < n_columns:
                    submit(i + window)
                if target is None and s.profile.missing == 0 and s.profile.distinct == n_rows:
                    hasher = None  # a different value in every row: no two rows can be equal
                if hasher is not None:
                    hasher.add(str(name), part)
                del part
                block_shares.append(shares)
                found += column_found
                summaries[name] = s
        except BaseException:
            for future in pending.values():  # cancelled: do not start the columns queued
                future.cancel()
            raise
    ctx.progress(0.8, words.progress_message())
    found = checks.check_few_rows(n_rows, n_columns) + found
    found += checks.check_missing(list(summaries.values()), n_rows, target)
    duplicates = count_duplicates(hasher.all) if hasher is not None else 0
    examples = []
    if duplicates and hasher is not None:
        positions = np.flatnonzero(duplicate_mask(hasher.all))[:5]
        examples = [json_value(frame.index[p]) for p in positions]
    found += checks.check_duplicates(duplicates, n_rows, examples)
    if target is not None and hasher is not None:
        target_ctx = ctx.sub(0.8, 0.95)
        found += _target_findings(frame, summaries, target, not_inputs, hasher, rule, target_ctx)
    if time is not None:
        drift_ctx = ctx.sub(0.95, 1.0)
        found += target_checks.check_drift(frame, summaries, time, not_inputs - {target}, drift_ctx)
    found = _mask_personal(found, summaries)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    alerts = sorted((_to_alert(f) for f in found), key=lambda a: order[a.severity])
    ctx.progress(1.0, words.progress_message(done=True))
    return QualityReport(
        n_rows=n_rows,
        n_columns=n_columns,
        profiles=[s.profile for s in summaries.values()],
        duplicate_rows=duplicates,
        missing_map=build_missing_map([str(c) for c in columns], block_shares, edges),
        alerts=alerts,
        target=target,
        time=time,
        focus=None if rule is None or target is None else rule.to_text(),
    )


def _mask_personal(
    found: list[checks.Finding], summaries: dict[str, ColumnSummary]
) -> list[checks.Finding]:
    """Mask every value of a personal-data column the report will quote: its profile's top
    values, and the values its other findings cite (their sentences are built from these)."""
    personal = set(pii.personal_columns(found))
    for name in personal:
        profile = summaries[name].profile
        profile.top_values = [(pii.mask_value(v), c) for v, c in profile.top_values]
        if profile.kind not in ("numeric", "datetime"):
            profile.min = profile.max = None
    return [
        dataclasses.replace(
            f, details=pii.mask_details(f.details), fix_step=pii.mask_fix_step(f.fix_step)
        )
        if f.column in personal and f.kind != pii.PII_KIND
        else f
        for f in found
    ]


def _target_findings(
    frame: pd.DataFrame,
    summaries: dict[str, ColumnSummary],
    target: str,
    not_inputs: set[str],
    hasher: RowHasher,
    focus: FocusRule | None,
    ctx: JobContext,
) -> list[checks.Finding]:
    ts = summaries[target]
    unusable = target_checks.check_target_unusable(ts)
    if unusable:
        return unusable
    found: list[checks.Finding] = []
    if target_checks.is_classification(ts):
        codes = target_checks.target_codes(ts, frame[target])
        found += target_checks.check_imbalance(ts, codes)
    found += leakage.check_leakage(
        frame, summaries, target, not_inputs - {target}, focus, ctx.sub(0.0, 0.8)
    )
    ctx.progress(0.8, words.progress_message())
    found += target_checks.check_label_conflict(hasher.inputs, frame, ts, target)
    return found
