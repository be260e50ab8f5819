"""Judge the cells calamine read: error cells, dates mixed with serial numbers, footer, empty rows.

One job: what the values of a loaded sheet mean, before they become a frame. Excel error cells
(``#DIV/0!``, ``#N/A``...) are told apart from values that lost their column's type
(:func:`classify_cell_errors`); a text column of real dates mixed with plain numbers is read as
dates typed as serial numbers, or handed over cell by cell (:func:`mixed_dates`); notes and total
rows under the table are found (:func:`footer`); empty rows are masked (:func:`is_empty_mask`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, TypedDict

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables.header_detect import CellKind, classify

_ERROR_NAMES = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Value": "#VALUE!",
    "Ref": "#REF!",
    "Name": "#NAME?",
    "Num": "#NUM!",
    "Null": "#NULL!",
    "GettingData": "#GETTING_DATA",
}
_ERROR_RE = re.compile(r"got '(?:Error|CellError)\((\w+)\)'")
_BLANK_STRING_RE = re.compile(r"""got 'String\("\s*"\)'""")
_ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$"
# plain numbers read as dates only inside Excel's plausible range: 1901-01-01 .. 9999-12-31
_SERIAL_MIN, _SERIAL_MAX = 367.0, 2_958_465.0
_SERIAL_WINDOW_DAYS = 5 * 366  # serial numbers this close to the column's real dates are dates
_EPOCHS = {False: np.datetime64("1899-12-30", "ms"), True: np.datetime64("1904-01-01", "ms")}
_MAX_FOOTER_ROWS = 5
_NOTE_RE = re.compile(
    r"^\s*(※|\*|note|notes|remark|비고|참고|주\s*[:)）]|출처|source)", re.IGNORECASE
)
_TOTAL_RE = re.compile(
    r"^\s*(total|totals|grand total|sub-?total|sum|average|avg|mean|"
    r"합\s*계|소\s*계|총\s*계|총\s*합|누\s*계|평\s*균|계)\s*[:：]?\s*$",
    re.IGNORECASE,
)


class CellProblems(TypedDict):
    """Per column: values calamine could not keep in the column's type, and the rows (from the
    data start) of each Excel error code."""

    mismatched: dict[int, int]
    rows: dict[int, dict[str, list[int]]]


def classify_cell_errors(errors: Any, n_cols: int) -> tuple[dict[int, Counter[str]], CellProblems]:
    """Split calamine's cell errors into Excel error cells and values that lost their type."""
    excel: dict[int, Counter[str]] = {}
    rows: dict[int, dict[str, list[int]]] = {}
    mismatched: dict[int, int] = {}
    if errors is None:
        return excel, {"mismatched": mismatched, "rows": rows}
    for err in errors.errors:
        col = err.position[1]
        if not 0 <= col < n_cols:
            continue
        m = _ERROR_RE.search(err.detail)
        if m:
            code = _ERROR_NAMES.get(m.group(1), "#" + m.group(1).upper())
            excel.setdefault(col, Counter())[code] += 1
            rows.setdefault(col, {}).setdefault(code, []).append(err.offset_position[0])
        elif not _BLANK_STRING_RE.search(err.detail):
            mismatched[col] = mismatched.get(col, 0) + 1
    return excel, {"mismatched": mismatched, "rows": rows}


def mixed_dates(col: pa.Array, date1904: bool) -> tuple[str, Any, int] | None:
    """Look at a text column holding real date cells (which calamine wrote as ISO text).

    * dates plus plain numbers near them (dates typed as serial numbers, cells formatted
      "General"): decided here -> ``("datetime", timestamp array, number of serials)``;
    * dates plus other text or far-off numbers: the cells are handed over with their types
      (datetimes, floats, strings in an object array) for settle_kinds to decide ->
      ``("object", numpy object array, 0)``;
    * anything else: ``None`` (stays text).
    """
    valid = col.drop_null()
    if len(valid) == 0:
        return None
    is_date = pc.match_substring_regex(valid, _ISO_DATETIME)
    n_date = pc.sum(is_date).as_py() or 0
    if n_date == 0 or n_date == len(valid):
        return None
    is_num = pc.match_substring_regex(valid, _PLAIN_NUMBER)
    n_num = pc.sum(is_num).as_py() or 0
    if n_num == 0:
        return None  # dates among text: text-date parsing handles it
    date_mask = pc.fill_null(pc.match_substring_regex(col, _ISO_DATETIME), False)
    num_mask = pc.fill_null(pc.match_substring_regex(col, _PLAIN_NUMBER), False)
    texts = pc.if_else(date_mask, col, None)
    parsed = pd.to_datetime(
        pd.Series(texts.to_numpy(zero_copy_only=False)), format="ISO8601", errors="coerce"
    ).to_numpy("datetime64[ms]")
    numbers = pc.cast(pc.if_else(num_mask, col, None), pa.float64()).to_numpy(zero_copy_only=False)
    is_serial = ~np.isnan(numbers)
    real = parsed[~np.isnat(parsed)]
    if n_date + n_num == len(valid) and len(real):
        serial = numbers[is_serial]
        if serial.min() >= _SERIAL_MIN and serial.max() <= _SERIAL_MAX:
            ms = np.round(np.nan_to_num(numbers) * 86_400_000).astype("int64")
            from_serial = _EPOCHS[date1904] + ms.astype("timedelta64[ms]")
            window = np.timedelta64(_SERIAL_WINDOW_DAYS, "D")
            near = (from_serial[is_serial] >= real.min() - window) & (
                from_serial[is_serial] <= real.max() + window
            )
            if near.all():
                out = np.where(is_serial, from_serial, parsed)
                return "datetime", pa.array(out, type=pa.timestamp("ms")), n_num
    cells = np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)
    dmask = date_mask.to_numpy(zero_copy_only=False)
    cells[dmask] = list(pd.DatetimeIndex(parsed[dmask]).to_pydatetime())
    cells[is_serial] = numbers[is_serial].tolist()
    cells[pd.isna(cells)] = None
    return "object", cells, 0


def footer(batch: pa.RecordBatch) -> tuple[int, list[tuple[int, str]]] | None:
    """Notes and total rows under the table: (first footer position, [(position, text)]).

    A footer is the last few rows when they are notes (one or a few text cells, after an empty
    row or starting with a note mark such as "※") and/or total rows ("Total", "합계", "평균"...).
    """
    n, ncols = batch.num_rows, batch.num_columns
    if n < 3 or ncols == 0:
        return None
    counts = np.zeros(n, dtype=np.int32)
    for col in batch.columns:
        counts += col.is_valid().to_numpy(zero_copy_only=False)
    filled = np.flatnonzero(counts > 0)
    if len(filled) < 3:
        return None

    def row_values(i: int) -> list[object]:
        return [v for v in (batch.column(j)[i].as_py() for j in range(ncols)) if v is not None]

    found: list[tuple[int, str]] = []
    k = len(filled) - 1
    # notes: a block of sparse all-text rows at the very end
    block: list[int] = []
    while k >= 1 and len(block) < _MAX_FOOTER_ROWS:
        i = int(filled[k])
        vals = row_values(i)
        sparse = counts[i] <= max(1, ncols // 4) and ncols >= 2
        if not (sparse and all(isinstance(v, str) and classify(v) == CellKind.TEXT for v in vals)):
            break
        block.append(i)
        k -= 1
    if block:
        top = block[-1]
        first_text = str(row_values(top)[0])
        separated = k >= 0 and int(filled[k]) < top - 1
        if separated or _NOTE_RE.match(first_text):
            found.extend((i, " ".join(str(v) for v in row_values(i))) for i in reversed(block))
        else:
            k += len(block)
    # totals: the last rows before the notes, starting with "Total", "합계"...
    totals: list[int] = []
    while k >= 1 and len(totals) < 2:
        i = int(filled[k])
        vals = row_values(i)
        if not (vals and isinstance(vals[0], str) and _TOTAL_RE.match(vals[0])):
            break
        totals.append(i)
        k -= 1
    found = [(i, " ".join(str(v) for v in row_values(i))) for i in reversed(totals)] + found
    if not found:
        return None
    return found[0][0], found


def is_empty_mask(batch: pa.RecordBatch) -> np.ndarray:
    """True for each row of ``batch`` whose cells are all empty."""
    empty = np.ones(batch.num_rows, dtype=bool)
    for col in batch.columns:
        if col.null_count == 0:
            return np.zeros(batch.num_rows, dtype=bool)
        empty &= col.is_null().to_numpy(zero_copy_only=False)
    return empty


def relabel_newer_errors(
    excel: dict[int, Counter[str]],
    rows: dict[int, dict[str, list[int]]],
    positions: list[int],
    data_start: int,
    cells: dict[tuple[int, int], str],
) -> None:
    """Give error cells that were read as ``#N/A`` from a patched copy (calamine does not know
    #SPILL!, #CALC!, ...) their own code back, in place."""
    column_of = {pos: j for j, pos in enumerate(positions)}
    for (row, col), code in cells.items():
        j = column_of.get(col)
        if j is None or j not in rows:
            continue
        na = rows[j].get("#N/A", [])
        if row - data_start in na:
            na.remove(row - data_start)
            rows[j].setdefault(code, []).append(row - data_start)
            excel[j]["#N/A"] -= 1
            excel[j][code] += 1
            if not excel[j]["#N/A"]:
                del excel[j]["#N/A"]
                rows[j].pop("#N/A", None)
