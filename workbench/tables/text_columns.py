"""Columns of text: decide from a sample what they hold, then convert the whole column once.

A :class:`TextSource` is either a whole text column or the levels of a categorical column
(then ``codes`` map rows to levels and every conversion runs on the few levels only).

Decision order on a sample of non-missing values: yes/no words → numbers → dates → strings
(categorical, free text or identifier). A conversion is kept only when at most
``TOLERANCE`` of the non-missing cells fail to read (each failure is reported); otherwise the
column stays text and the quality check reports its mixed values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables import dates as dts
from workbench.tables import numbers as nums
from workbench.tables import type_notes as notes
from workbench.tables.string_kinds import forced_strings, strings_result
from workbench.tables.table import ColumnKind, LoadNote
from workbench.tables.text_source import (
    SAMPLE_SIZE,
    TOLERANCE,
    ColumnResult,
    Converted,
    PendingDates,
    Settings,
    TextSource,
    estimated_distinct,
    leftovers,
)

# Pairs of yes/no words (lower case). "OK/NG" and "pass/fail" are outcomes, kept categorical.
BOOL_PAIRS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"true", "t"}), frozenset({"false", "f"})),
    (frozenset({"yes", "y"}), frozenset({"no", "n"})),
    (frozenset({"o"}), frozenset({"x"})),
    (frozenset({"예", "네"}), frozenset({"아니오", "아니요"})),
    (frozenset({"on"}), frozenset({"off"})),
    (frozenset({"있음", "유"}), frozenset({"없음", "무"})),
)
_SURE_BOOL_WORDS = frozenset({"true", "false", "yes", "no", "예", "아니오", "아니요"})
# Only TRUE/FALSE is read as a boolean unasked. Yes/no words (Y/N, O/X, 예/아니오, …) stay
# categories with the user's own labels: "defect is yes" in a report, not "defect is True".
# A user who wants a boolean casts the column (then every pair above applies).
INFERRED_BOOL_PAIRS = BOOL_PAIRS[:1]


# --- conversions ------------------------------------------------------------------------------


def convert_numbers(src: TextSource, fmt: nums.NumberFormat) -> Converted:
    parsed = nums.to_numpy_float(nums.parse_numbers(src.trimmed, fmt))
    failed, markers = leftovers(src, np.isnan(parsed))
    # "nan" text reads as NaN in Arrow's cast; it is a marker, never a number
    return Converted(parsed, failed, markers)


def bool_mapping(sample_tokens: set[str]) -> dict[str, bool] | None:
    """The yes/no pair the tokens belong to, as token -> value; None if they are not yes/no."""
    for true_words, false_words in INFERRED_BOOL_PAIRS:
        if sample_tokens and sample_tokens <= (true_words | false_words):
            if len(sample_tokens) == 1 and not (sample_tokens & _SURE_BOOL_WORDS):
                return None
            return {**dict.fromkeys(true_words, True), **dict.fromkeys(false_words, False)}
    return None


ALL_BOOL_WORDS: dict[str, bool] = {
    **{w: True for t, _f in BOOL_PAIRS for w in t},
    **{w: False for _t, f in BOOL_PAIRS for w in f},
    "1": True,
    "0": False,
}


def convert_bools(src: TextSource, mapping: dict[str, bool]) -> Converted:
    lowered = pc.utf8_lower(src.trimmed)
    trues = [k for k, v in mapping.items() if v]
    falses = [k for k, v in mapping.items() if not v]
    is_true = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(trues)), False))
    is_false = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(falses)), False))
    values = np.where(is_true, 1.0, np.where(is_false, 0.0, np.nan))
    failed, markers = leftovers(src, ~(is_true | is_false))
    return Converted(values, failed, markers)


def convert_dates(
    src: TextSource, plan: dts.DatePlan, dayfirst: bool
) -> tuple[Converted, str | None]:
    present = np.asarray(src.trimmed.is_valid())
    parsed = dts.parse_dates(src.trimmed, ~present, plan, dayfirst)
    failed, markers = leftovers(src, parsed.failed)
    values = parsed.values
    if values.dt.tz is not None:
        tz_values = values
        arr = tz_values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
        return Converted(arr, failed, markers), f"{parsed.tz_note}|{values.dt.tz}"
    return Converted(values.to_numpy("datetime64[ns]"), failed, markers), parsed.tz_note


# --- deciding ---------------------------------------------------------------------------------


def analyse_text(
    src: TextSource, st: Settings, *, force: ColumnKind | None = None
) -> ColumnResult | PendingDates:
    """Decide what a text column holds and convert it (``force``: the user's choice)."""
    sample = src.sample()
    big = src.codes is None and len(src.raw) > 4 * SAMPLE_SIZE and len(sample)
    if big and estimated_distinct(len(pc.unique(sample)), len(sample)) < len(src.raw) / 4:
        # values repeat: a conversion reads each distinct value once
        return _analyse_decided(src, sample, st, force, lambda: src.as_levels())
    return _analyse_decided(src, sample, st, force, lambda: src)


def _analyse_decided(
    plain: TextSource,
    sample: pa.ChunkedArray,
    st: Settings,
    force: ColumnKind | None,
    converting: Callable[[], TextSource],
) -> ColumnResult | PendingDates:
    src = plain
    if force is None or force == ColumnKind.BOOLEAN:
        tokens = (
            set(pc.unique(pc.utf8_lower(sample)).to_pylist()) if len(sample) <= 50_000 else set()
        )
        mapping = bool_mapping(tokens) if force is None else ALL_BOOL_WORDS
        if mapping is not None and (force is None or force == ColumnKind.BOOLEAN):
            res = _finish_bools(converting(), mapping, forced=force is not None)
            if res is not None:
                return res
    # "2000.01" … "2024.12" are months, not the numbers 2000.01 … 2024.12
    months = force is None and dts.looks_like_year_months(sample)
    if (force is None and not months) or force == ColumnKind.NUMERIC:
        codes_like = force is None and nums.looks_like_codes(sample)
        fmt, rate, ambiguous = nums.detect_format(sample, st.decimal, st.thousands)
        fmt = nums.without_unused_thousands(fmt, sample)
        if force is not None or (not codes_like and rate >= 0.99 and len(sample)):
            result = _finish_numbers(converting(), sample, fmt, ambiguous, forced=force is not None)
            if isinstance(result, ColumnResult):
                return result
            mixed = strings_result(src, st)
            mixed.notes.insert(0, result)
            return mixed
        elif force is None and codes_like and rate >= 0.99:
            return strings_result(src, st, reason="leading_zeros")
    if force is None or force == ColumnKind.DATETIME:
        plan = dts.plan_dates(sample, st.dayfirst)
        if force is not None and plan is None:
            plan = dts.DatePlan(list(dts.PATTERNS), 0.0)
        if plan is not None and (force is not None or plan.rate >= 0.99):
            return _dates(converting(), plan, st, forced=force is not None)
    if force is not None:
        return forced_strings(src, force)
    return strings_result(src, st)


def _finish_bools(
    src: TextSource, mapping: dict[str, bool], *, forced: bool
) -> ColumnResult | None:
    conv = convert_bools(src, mapping)
    n_fail = src.count(conv.failed)
    n_ok = src.n_present - n_fail - src.count(conv.markers)
    if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
        return None
    values = src.expand(conv.values, np.nan)
    missing = np.isnan(values)
    arr = pd.array(values == 1.0, dtype="boolean")
    arr[missing] = pd.NA
    series = pd.Series(arr if missing.any() else values == 1.0, index=src.index, name=src.name)
    out = _common_notes(src, conv, ColumnKind.BOOLEAN)
    if not forced:
        out.insert(0, notes.inferred_kind(src.name, ColumnKind.BOOLEAN, "yes_no", {}))
    return ColumnResult(series, ColumnKind.BOOLEAN, out)


def _finish_numbers(
    src: TextSource,
    sample: pa.ChunkedArray,
    fmt: nums.NumberFormat,
    ambiguous: bool,
    *,
    forced: bool,
) -> ColumnResult | LoadNote:
    """The converted column, or (too many cells do not read) a note saying so."""
    conv = convert_numbers(src, fmt)
    n_fail = src.count(conv.failed)
    n_markers = src.count(conv.markers)
    n_ok = src.n_present - n_fail - n_markers
    if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
        examples = src.examples(conv.failed)
        return notes.mixed_values(src.name, ColumnKind.NUMERIC, n_fail, n_ok + n_fail, examples)
    values = nums.maybe_int(src.expand(conv.values, np.nan))
    series = pd.Series(values, index=src.index, name=src.name)
    percent = nums.has_percent(sample)
    out = [notes.converted_numbers(src.name, n_ok, fmt.describe(), ambiguous, percent)]
    out += _common_notes(src, conv, ColumnKind.NUMERIC)
    return ColumnResult(series, ColumnKind.NUMERIC, out)


def _dates(
    src: TextSource, plan: dts.DatePlan, st: Settings, *, forced: bool
) -> ColumnResult | PendingDates:
    def finish(dayfirst: bool) -> ColumnResult:
        conv, tz = convert_dates(src, plan, dayfirst)
        n_fail = src.count(conv.failed)
        n_ok = src.n_present - n_fail - src.count(conv.markers)
        if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
            res = strings_result(src, st)
            res.notes.insert(
                0,
                notes.mixed_values(
                    src.name, ColumnKind.DATETIME, n_fail, n_ok + n_fail, src.examples(conv.failed)
                ),
            )
            return res
        values = src.expand(conv.values, np.datetime64("NaT", "ns"))
        series = pd.Series(values, index=src.index, name=src.name)
        tz_kind = tz
        if tz and "|" in tz:
            tz_kind, tz_name = tz.split("|", 1)
            series = series.dt.tz_localize("UTC")
            if tz_kind == "fixed":
                series = series.dt.tz_convert(_fixed_tz(tz_name))
        out = [notes.date_format(src.name, n_ok, plan.families, tz_kind)]
        out += _common_notes(src, conv, ColumnKind.DATETIME)
        return ColumnResult(series, ColumnKind.DATETIME, out, date_families=plan.families)

    if "dmy" in plan.families:
        dts.gather_dayfirst_evidence(src.trimmed, plan)
        return PendingDates(plan, finish)
    return finish(bool(st.dayfirst))


def _fixed_tz(name: str) -> str | dt.tzinfo:
    m = re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", name)
    if not m:
        return "UTC"
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return dt.timezone(dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _common_notes(src: TextSource, conv: Converted, kind: ColumnKind) -> list[LoadNote]:
    out = []
    if conv.markers.size and (
        note := notes.missing_markers(src.name, src.counts_by_value(conv.markers))
    ):
        out.append(note)
    if conv.failed.size:
        out.append(
            notes.unconverted_cells(
                src.name,
                kind,
                src.count(conv.failed),
                src.examples(conv.failed),
                src.rows(conv.failed),
            )
        )
    return out


__all__ = [
    "analyse_text",
    "convert_bools",
    "convert_dates",
    "convert_numbers",
]
