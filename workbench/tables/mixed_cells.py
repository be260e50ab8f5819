"""Excel columns whose cells mix numbers, dates and text (object dtype from the reader).

The commonest case is a date column where some cells are real dates and others plain serial
numbers (cells formatted "General"): the numbers near the real dates are read as Excel serial
dates. A column of numbers with a few numbers-as-text cells reads as numbers. Anything else
becomes text, written the way the spreadsheet shows it, and is decided like any text column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.i18n import say_join
from workbench.tables import dates as dts
from workbench.tables import numbers as nums
from workbench.tables import type_notes as notes
from workbench.tables.table import ColumnKind
from workbench.tables.text_columns import analyse_text
from workbench.tables.text_source import (
    TOLERANCE,
    ColumnResult,
    PendingDates,
    Settings,
    TextSource,
    to_strings,
)

_WINDOW_DAYS = 5 * 366  # serial numbers this close to the column's real dates are dates

_MISSING, _NUMBER, _DATE, _TEXT, _OTHER = range(5)


def _cell_type(v: object) -> int:
    if v is None or v is pd.NA or v is pd.NaT:
        return _MISSING
    if isinstance(v, bool | np.bool_):
        return _OTHER
    if isinstance(v, int | float | np.integer | np.floating):
        return _MISSING if v != v else _NUMBER  # NaN
    if isinstance(v, dt.datetime | dt.date | np.datetime64):
        return _DATE
    if isinstance(v, str):
        return _TEXT
    return _OTHER


def analyse_mixed(
    name: str, col: pd.Series, st: Settings, force: ColumnKind | None
) -> ColumnResult | PendingDates:
    cells = col.to_numpy(dtype=object)
    types = np.fromiter((_cell_type(v) for v in cells), dtype=np.int8, count=len(cells))
    has = np.bincount(types, minlength=5)
    if force in (None, ColumnKind.DATETIME) and has[_DATE] and not has[_OTHER]:
        dates = _dates_with_serials(name, col, cells, types, st, forced=force is not None)
        if dates is not None:
            return dates
    if force in (None, ColumnKind.NUMERIC) and has[_NUMBER] and not has[_DATE] and not has[_OTHER]:
        numbers = _numbers_with_text(name, col, cells, types, st, forced=force is not None)
        if numbers is not None:
            return numbers
    text = TextSource(
        name, pa.chunked_array([pa.array(to_strings(col), pa.large_string())]), col.index
    )
    res = analyse_text(text, st, force=force)
    n_present = int((types != _MISSING).sum())
    stray = np.flatnonzero(types == _DATE)
    mostly_numbers = has[_NUMBER] > n_present / 2
    text_result = isinstance(res, ColumnResult) and res.kind != ColumnKind.NUMERIC
    if force is None and text_result and mostly_numbers and stray.size:
        # Excel turns a typed "3/4" into a date: say so instead of silently mixing
        assert isinstance(res, ColumnResult)
        examples = [str(v) for v in cells[stray[:3]]]
        note = notes.mixed_values(name, ColumnKind.NUMERIC, stray.size, n_present, examples)
        msg = say_join([note.message, notes.excel_dates_among_numbers()])
        res.notes.insert(0, dataclasses.replace(note, message=msg))
    return res


def _dates_with_serials(
    name: str,
    col: pd.Series,
    cells: np.ndarray,
    types: np.ndarray,
    st: Settings,
    *,
    forced: bool,
) -> ColumnResult | None:
    n = len(cells)
    out = np.full(n, np.datetime64("NaT", "ns"))
    is_date = types == _DATE
    out[is_date] = pd.to_datetime(pd.Series(cells[is_date]), errors="coerce").to_numpy(
        "datetime64[ns]"
    )
    real = out[is_date]
    real = real[~np.isnat(real)]
    failed = np.zeros(n, dtype=bool)
    is_num = types == _NUMBER
    n_serial = int(is_num.sum())
    if n_serial:
        serial = dts.excel_serial_to_datetime(cells[is_num].astype(np.float64), st.date1904)
        lo = real.min() - np.timedelta64(_WINDOW_DAYS, "D")
        hi = real.max() + np.timedelta64(_WINDOW_DAYS, "D")
        near = ~np.isnat(serial) & (serial >= lo) & (serial <= hi)
        if not forced and near.mean() < 0.99:
            return None  # numbers far from the dates: not serial dates
        serial[~near] = np.datetime64("NaT")
        out[is_num] = serial
        failed[np.flatnonzero(is_num)[~near]] = True
    markers = np.zeros(n, dtype=bool)
    is_text = types == _TEXT
    if is_text.any():
        src = TextSource(
            name,
            pa.chunked_array([pa.array(list(cells[is_text]), pa.large_string())]),
            col.index[is_text],
        )
        plan = dts.plan_dates(src.sample(), st.dayfirst) or dts.DatePlan(list(dts.PATTERNS), 0.0)
        parsed = dts.parse_dates(
            src.trimmed, ~np.asarray(src.trimmed.is_valid()), plan, bool(st.dayfirst)
        )
        vals = parsed.values
        if vals.dt.tz is not None:
            vals = vals.dt.tz_convert("UTC").dt.tz_localize(None)
        out[is_text] = vals.to_numpy("datetime64[ns]")
        text_pos = np.flatnonzero(is_text)
        marker_local = nums.marker_positions(src.trimmed)
        markers[text_pos[marker_local]] = True
        bad = parsed.failed.copy()
        bad[marker_local] = False
        failed[text_pos[bad]] = True
    n_present = int((types != _MISSING).sum()) - int(markers.sum())
    if not forced and failed.sum() > TOLERANCE * n_present:
        return None
    series = pd.Series(out, index=col.index)
    res = ColumnResult(series, ColumnKind.DATETIME, [], ["datetime", "excel_serial"])
    res.notes.append(
        notes.date_format(name, n_present - int(failed.sum()), ["datetime", "excel_serial"], None)
    )
    if n_serial:
        res.notes.append(
            notes.excel_serials(name, n_serial - int(failed[is_num].sum()), st.date1904)
        )
    _report(res, name, col, cells, failed, markers, ColumnKind.DATETIME)
    return res


def _numbers_with_text(
    name: str,
    col: pd.Series,
    cells: np.ndarray,
    types: np.ndarray,
    st: Settings,
    *,
    forced: bool,
) -> ColumnResult | None:
    n = len(cells)
    out = np.full(n, np.nan)
    is_num = types == _NUMBER
    out[is_num] = cells[is_num].astype(np.float64)
    is_text = types == _TEXT
    text_pos = np.flatnonzero(is_text)
    src = TextSource(
        name,
        pa.chunked_array([pa.array(list(cells[is_text]), pa.large_string())]),
        col.index[is_text],
    )
    fmt, _rate, ambiguous = nums.detect_format(src.sample(), st.decimal, st.thousands)
    parsed = nums.to_numpy_float(nums.parse_numbers(src.trimmed, fmt))
    out[is_text] = parsed
    marker_local = nums.marker_positions(src.trimmed)
    markers = np.zeros(n, dtype=bool)
    markers[text_pos[marker_local]] = True
    failed = np.zeros(n, dtype=bool)
    failed[text_pos[np.isnan(parsed)]] = True
    failed &= ~markers
    n_present = int((types != _MISSING).sum()) - int(markers.sum())
    if not forced and failed.sum() > TOLERANCE * n_present:
        return None
    res = ColumnResult(pd.Series(nums.maybe_int(out), index=col.index), ColumnKind.NUMERIC)
    n_text_ok = int(is_text.sum() - markers.sum() - failed.sum())
    if n_text_ok:
        res.notes.append(notes.converted_numbers(name, n_text_ok, fmt.describe(), ambiguous, False))
    _report(res, name, col, cells, failed, markers, ColumnKind.NUMERIC)
    return res


def _report(
    res: ColumnResult,
    name: str,
    col: pd.Series,
    cells: np.ndarray,
    failed: np.ndarray,
    markers: np.ndarray,
    kind: ColumnKind,
) -> None:
    if markers.any():
        counts: dict[str, int] = {}
        for v in cells[markers]:
            key = str(v).strip() or "(blank)"
            counts[key] = counts.get(key, 0) + 1
        if note := notes.missing_markers(name, counts):
            res.notes.append(note)
    if failed.any():
        pos = np.flatnonzero(failed)
        rows = [int(i) if isinstance(i, (int, np.integer)) else str(i) for i in col.index[pos[:5]]]
        res.notes.append(
            notes.unconverted_cells(
                name, kind, int(failed.sum()), [str(v) for v in cells[pos[:3]]], rows
            )
        )
