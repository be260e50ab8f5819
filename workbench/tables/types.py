"""Settle each column's kind (numeric, categorical, boolean, datetime, text, ID).

Readers hand over a frame whose clean columns may already be typed; the rest is text (or,
from Excel, objects mixing numbers, dates and text). :func:`settle_kinds` decides every
column from a sample, converts the whole column once with vectorised code, and reports every
decision as a :class:`LoadNote`. User overrides (``options.column_kinds``) always win.

Rules that are not obvious (each reported when it applies):

* Typed number columns stay numeric, except: only 0/1 values **and** a flag-like name
  ("is_…", "has_…", "…flag…", "…여부", "…_yn", "…유무") → boolean; whole numbers like 20260301
  in a column named like a date ("date", "day", "일자", "날짜", "일시", "…_dt") → datetime;
  whole numbers counting up one by one (≥ 20 rows, no gaps beyond 5%) → ID, or every value
  different and an ID-like name ("id", "no", "번호", "serial", "code", "코드", "lot") → ID.
  A 0/1 column without such a name stays numeric: a model treats it the same and nothing is lost.
* Text: yes/no words (true/false, yes/no, Y/N, O/X, 예/아니오, on/off, 있음/없음) → boolean
  ("OK/NG" and "pass/fail" are outcomes and stay categorical); numbers and dates when (nearly)
  every value reads — at most 0.1% of the non-missing cells may fail, each one reported, else
  the column stays text and is reported as mixed; otherwise nearly unique values (≥ 95% in a
  sample of 20,000, ≥ 20 rows) → ID, or free text when most values are sentences (3+ words or
  40+ characters); anything else → categorical.
* Categorical columns from the reader stay categorical unless all their levels read as
  yes/no words, numbers or dates; levels that are missing markers ("-", "N/A", ...) become
  missing. Leading/trailing spaces in labels are kept (the quality check reports variants).
* Day-first vs month-first is decided once per file over all columns (see
  :func:`workbench.tables.dates.decide_dayfirst`) and returned so a reload decides the same way.
* Excel: a column mixing real dates and plain numbers reads the numbers as Excel serial
  dates when they fall within five years of the real dates (the 1904 system when the frame's
  ``attrs["date1904"]`` or ``options.date1904`` says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.tables import dates as dts
from workbench.tables import type_notes as notes
from workbench.tables.string_kinds import category_as_strings_result
from workbench.tables.table import ColumnKind, LoadNote, LoadOptions
from workbench.tables.text_columns import analyse_text
from workbench.tables.text_source import (
    MIN_ROWS_FOR_ID,
    ColumnResult,
    PendingDates,
    Settings,
    TextSource,
    to_strings,
)

FLAG_NAME = re.compile(r"(^is[_ ]|^has[_ ]|flag|여부|(^|[_ ])yn$|유무)", re.IGNORECASE)
DATE_NAME = re.compile(r"(date|day|일자|날짜|일시|(^|_)dt$)", re.IGNORECASE)
ID_NAME = re.compile(
    r"(^id$|[_ ]id$|^id[_ ]|번호|serial|^no\.?$|[_ ]no\.?$|code|코드|lot)", re.IGNORECASE
)


@dataclass
class TypedFrame:
    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    notes: list[LoadNote] = field(default_factory=list)
    dayfirst: bool | None = None


def settle_kinds(
    frame: pd.DataFrame, options: LoadOptions, ctx: JobContext | None = None
) -> TypedFrame:
    """Return the frame with converted columns, each column's kind, and notes."""
    ctx = ensure_context(ctx)
    date1904 = bool(frame.attrs.get("date1904") or getattr(options, "date1904", False))
    st = Settings(options.decimal, options.thousands, options.dayfirst, date1904)
    overrides = dict(options.column_kinds or {})
    out_notes: list[LoadNote] = [
        notes.override_unknown_column(c) for c in overrides if c not in frame.columns
    ]
    results: dict[str, ColumnResult | PendingDates] = {}
    n = max(frame.shape[1], 1)
    for i, name in enumerate(frame.columns):
        if i % 5 == 0:
            ctx.progress(0.9 * i / n, _("Checking column types"))
        col = frame[name]
        force = overrides.get(name)
        res = analyse_column(str(name), col, st, force=force)
        results[name] = res
    pending = {k: r for k, r in results.items() if isinstance(r, PendingDates)}
    dayfirst = options.dayfirst
    if pending:
        if options.dayfirst is None:
            dayfirst, how = dts.decide_dayfirst([p.plan for p in pending.values()])
        else:
            how = "user"
        proofs = (
            sum(p.plan.proves_dayfirst for p in pending.values()),
            sum(p.plan.proves_monthfirst for p in pending.values()),
        )
        out_notes.append(notes.dayfirst(bool(dayfirst), how, [str(c) for c in pending], proofs))
        for k, p in pending.items():
            results[k] = p.finish(bool(dayfirst))
    ctx.progress(0.95, _("Checking column types"))
    new = frame.copy(deep=False)
    kinds: dict[str, ColumnKind] = {}
    for name, res in results.items():
        assert isinstance(res, ColumnResult)
        force = overrides.get(name)
        if force is not None:
            out_notes.append(notes.kind_override(str(name), force, None))
        out_notes.extend(res.notes)
        kinds[name] = res.kind
        if res.values is not None:
            values = res.values
            if not values.index.equals(frame.index):
                values = values.set_axis(frame.index)
            new[name] = values
    ctx.progress(1.0, _("Checking column types"))
    return TypedFrame(new, kinds, out_notes, dayfirst)


# --- one column ---------------------------------------------------------------------------------


def analyse_column(
    name: str, col: pd.Series, st: Settings, *, force: ColumnKind | None = None
) -> ColumnResult | PendingDates:
    """Decide (or, with ``force``, convert to) the kind of one column."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical(name, col, st, force)
    if pd.api.types.is_bool_dtype(dtype):
        return _typed(name, col, ColumnKind.BOOLEAN, st, force)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _typed(name, col, ColumnKind.DATETIME, st, force)
    if pd.api.types.is_numeric_dtype(dtype):
        return _numeric(name, col, st, force)
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        res = _objects(name, col, st, force)
        if force is None and isinstance(res, ColumnResult) and res.kind == ColumnKind.NUMERIC:
            res = _recheck_numbers(name, res, st)
        return res
    if pd.api.types.is_timedelta64_dtype(dtype):
        return _typed(name, col, ColumnKind.NUMERIC, st, force)
    return _typed(name, col, ColumnKind.CATEGORICAL, st, force)


def _typed(
    name: str, col: pd.Series, kind: ColumnKind, st: Settings, force: ColumnKind | None
) -> ColumnResult | PendingDates:
    if force is None or force == kind:
        return ColumnResult(None, kind)
    if kind == ColumnKind.BOOLEAN and force == ColumnKind.NUMERIC:
        return ColumnResult(col.astype("float64"), force)
    if kind == ColumnKind.BOOLEAN and force == ColumnKind.CATEGORICAL:
        return ColumnResult(col.astype("category"), force)
    if kind == ColumnKind.DATETIME and force == ColumnKind.NUMERIC:
        # A date is not a number; keep the dates rather than lose them all.
        res = ColumnResult(None, kind)
        res.notes.append(notes.unconverted_cells(name, force, int(col.notna().sum()), [], []))
        return res
    return analyse_text(_as_text_source(name, col), st, force=force)


def _float_values(col: pd.Series) -> np.ndarray:
    if col.dtype == np.float64:
        return col.to_numpy()  # a view, no copy
    return col.to_numpy(dtype=np.float64, na_value=np.nan)


def _numeric(
    name: str, col: pd.Series, st: Settings, force: ColumnKind | None
) -> ColumnResult | PendingDates:
    values = _float_values(col)
    if force == ColumnKind.DATETIME:
        return _numbers_to_dates(name, col, values, st)
    if force == ColumnKind.BOOLEAN:
        present = ~np.isnan(values)
        ok = np.isin(values, (0.0, 1.0))
        failed = np.flatnonzero(present & ~ok)
        arr = pd.array(values == 1.0, dtype="boolean")
        arr[~ok] = pd.NA
        res = ColumnResult(pd.Series(arr, index=col.index), force)
        if failed.size:
            examples = values[failed[:3]].tolist()
            res.notes.append(
                notes.unconverted_cells(name, force, failed.size, examples, _rows(col, failed))
            )
        return res
    if force is not None and force != ColumnKind.NUMERIC:
        return _typed(name, col, ColumnKind.NUMERIC, st, force)
    kind, reason, details = _numeric_kind(name, values)
    if force is not None or kind == ColumnKind.NUMERIC:
        return ColumnResult(None, ColumnKind.NUMERIC)
    note = notes.inferred_kind(name, kind, reason, details)
    present = ~np.isnan(values)
    if kind == ColumnKind.BOOLEAN:
        arr = pd.array(values == 1.0, dtype="boolean")
        arr[~present] = pd.NA
        series = pd.Series(arr if not present.all() else values == 1.0, index=col.index)
        return ColumnResult(series, kind, [note])
    if kind == ColumnKind.DATETIME:
        series = pd.Series(dts.yyyymmdd_to_datetime(values), index=col.index)
        fmt = notes.date_format(name, int(present.sum()), ["yyyymmdd"], None)
        return ColumnResult(series, kind, [note, fmt], ["yyyymmdd"])
    return ColumnResult(None, kind, [note])


def _numeric_kind(name: str, values: np.ndarray) -> tuple[ColumnKind, str, dict[str, object]]:
    """Numbers that are really yes/no flags, dates (20260301) or row counters."""
    if values.size == 0:
        return ColumnKind.NUMERIC, "", {}
    head = values[:2000]
    head = head[~np.isnan(head)]
    if head.size and not (head == np.round(head)).all():
        return ColumnKind.NUMERIC, "", {}  # fractions: plain numbers (the common case, cheap)
    lo, hi = float(np.fmin.reduce(values)), float(np.fmax.reduce(values))  # NaN-skipping, fast
    if np.isnan(lo):
        return ColumnKind.NUMERIC, "", {}  # all missing

    def present() -> np.ndarray:  # a copy of the column: only made for a name that asks
        return values[~np.isnan(values)]

    if lo >= 0 and hi <= 1 and FLAG_NAME.search(name) and np.isin(present(), (0.0, 1.0)).all():
        return ColumnKind.BOOLEAN, "flag_name", {}
    if (
        lo >= 18000101
        and hi <= 22001231
        and DATE_NAME.search(name)
        and not np.isnat(dts.yyyymmdd_to_datetime(present())).any()
    ):
        return ColumnKind.DATETIME, "yyyymmdd", {}
    n = values.size
    counter_range = hi - lo + 1 <= 1.05 * n
    if n >= MIN_ROWS_FOR_ID and (counter_range or ID_NAME.search(name)):
        if np.isnan(values).any() or not (values == np.round(values)).all():
            return ColumnKind.NUMERIC, "", {}
        if counter_range:
            steps = np.diff(values)
            if (steps > 0).all() or (steps < 0).all():
                return ColumnKind.ID, "counter", {"first": lo, "last": hi}
        if ID_NAME.search(name) and len(np.unique(values)) == n:
            return ColumnKind.ID, "unique_integers", {}
    return ColumnKind.NUMERIC, "", {}


def _recheck_numbers(name: str, res: ColumnResult, st: Settings) -> ColumnResult:
    """Numbers read from text get the same flag/date/counter rules as typed numbers."""
    if res.values is None:
        return res
    again = _numeric(name, res.values, st, None)
    if not isinstance(again, ColumnResult) or again.kind == ColumnKind.NUMERIC:
        return res
    values = again.values if again.values is not None else res.values
    return ColumnResult(values, again.kind, res.notes + again.notes, again.date_families)


def _numbers_to_dates(name: str, col: pd.Series, values: np.ndarray, st: Settings) -> ColumnResult:
    """User said datetime for numbers: digits like 20260301, else Excel serial day numbers."""
    present = ~np.isnan(values)
    as_digits = dts.yyyymmdd_to_datetime(values)
    if (~np.isnat(as_digits[present])).mean() >= 0.99 if present.any() else False:
        converted, family = as_digits, "yyyymmdd"
    else:
        converted, family = dts.excel_serial_to_datetime(values, st.date1904), "excel_serial"
    failed = np.flatnonzero(present & np.isnat(converted))
    res = ColumnResult(pd.Series(converted, index=col.index), ColumnKind.DATETIME, [], [family])
    res.notes.append(notes.date_format(name, int(present.sum()) - failed.size, [family], None))
    if failed.size:
        res.notes.append(
            notes.unconverted_cells(
                name,
                ColumnKind.DATETIME,
                failed.size,
                values[failed[:3]].tolist(),
                _rows(col, failed),
            )
        )
    return res


def _rows(col: pd.Series, positions: np.ndarray, k: int = 5) -> list[object]:
    return [
        int(i) if isinstance(i, (int, np.integer)) else str(i) for i in col.index[positions[:k]]
    ]


def _categorical(
    name: str, col: pd.Series, st: Settings, force: ColumnKind | None
) -> ColumnResult | PendingDates:
    cats = col.cat.categories
    if not (pd.api.types.is_string_dtype(cats.dtype) or pd.api.types.is_object_dtype(cats.dtype)):
        if force is None or force == ColumnKind.CATEGORICAL:
            return ColumnResult(None, ColumnKind.CATEGORICAL)
        return analyse_column(name, col.astype(cats.dtype), st, force=force)
    if force == ColumnKind.CATEGORICAL:
        return category_as_strings_result(name, col)
    levels = pa.chunked_array([pa.array(np.asarray(cats, dtype=object), pa.large_string())])
    src = TextSource(name, levels, col.index, codes=col.cat.codes.to_numpy())
    return analyse_text(src, st, force=force)


def _objects(
    name: str, col: pd.Series, st: Settings, force: ColumnKind | None
) -> ColumnResult | PendingDates:
    if isinstance(col.dtype, pd.StringDtype):
        return analyse_text(_as_text_source(name, col), st, force=force)
    inferred = pd.api.types.infer_dtype(col, skipna=True)
    if inferred in ("string", "empty"):
        return analyse_text(_as_text_source(name, col), st, force=force)
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
        numbers = pd.to_numeric(col, errors="coerce").astype("float64")
        return _numeric(name, numbers, st, force)
    if inferred in ("boolean", "datetime", "datetime64", "date"):
        typed: pd.Series
        if inferred == "boolean":
            kind, typed = ColumnKind.BOOLEAN, col.astype("boolean")
            typed = typed.astype(bool) if not typed.isna().any() else typed
        else:
            kind, typed = ColumnKind.DATETIME, pd.to_datetime(col, errors="coerce")
        res = _typed(name, typed, kind, st, force)
        if isinstance(res, ColumnResult) and res.values is None:
            res.values = typed  # the typed column replaces the objects
        return res
    from workbench.tables.mixed_cells import analyse_mixed

    return analyse_mixed(name, col, st, force)


def _as_text_source(name: str, col: pd.Series) -> TextSource:
    if isinstance(col.dtype, pd.StringDtype) and hasattr(col.array, "__arrow_array__"):
        arr = pa.chunked_array(col.array.__arrow_array__())  # zero-copy
    else:
        arr = pa.chunked_array([pa.array(to_strings(col), pa.large_string())])
    return TextSource(name, arr, col.index)


__all__ = ["TypedFrame", "analyse_column", "settle_kinds"]
