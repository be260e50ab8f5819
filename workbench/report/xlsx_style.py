"""Safe, finished-looking cells for the Excel report.

Every value that comes from user data goes through :func:`safe_value`: text that Excel would
take for a formula (=, +, -, @, tab, CR at the start) is written as plain text, never run, and
carries Excel's quote prefix so that editing the cell cannot turn it into a formula either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.text_width import display_width
from workbench.vocabulary import Result

FONT_NAME = "Malgun Gothic"  # ships with Windows; renders Hangul and Latin alike
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_CELL_TEXT = 32_767

BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True, color="1F3864")
HEADING = Font(name=FONT_NAME, size=12, bold=True, color="1F3864")
HEADER = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
MUTED = Font(name=FONT_NAME, size=9, italic=True, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
BAND_FILL = PatternFill("solid", fgColor="F2F2F2")
SEVERITY_FILLS = {
    "error": PatternFill("solid", fgColor="F8CBAD"),
    "warning": PatternFill("solid", fgColor="FFE699"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
#: One fill per result of an action (an action with no result yet stays plain).
OUTCOME_FILLS: dict[Result, PatternFill] = {
    Result.IMPROVED: PatternFill("solid", fgColor="C6EFCE"),
    Result.NO_CHANGE: PatternFill("solid", fgColor="EDEDED"),
    Result.WORSE: PatternFill("solid", fgColor="F8CBAD"),
    Result.INCONCLUSIVE: PatternFill("solid", fgColor="FFE699"),
    Result.NOT_TRIED: PatternFill("solid", fgColor="D9D2E9"),
}
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")
HEAD_ALIGN_RIGHT = Alignment(wrap_text=True, vertical="center", horizontal="right")
TOP_RIGHT = Alignment(vertical="top", horizontal="right")
TOP_LEFT = Alignment(vertical="top", horizontal="left")
WRAP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def safe_value(value: Any) -> Any:
    """A value openpyxl writes as data, never as a formula, and never as invalid XML."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return safe_value(value.item())
    text = _ILLEGAL_XML.sub("", str(value))[:MAX_CELL_TEXT]
    return text


def put(ws: Worksheet, row: int, col: int, value: Any, font: Font = BODY, **style: Any) -> Cell:
    """Write one cell safely; text starting like a formula stays text."""
    cell = ws.cell(row=row, column=col)
    safe = safe_value(value)
    cell.value = safe
    if isinstance(safe, str) and safe.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # a string cell: Excel shows it, never evaluates it
        # Excel's quote prefix ('): editing the cell later (F2, Enter) keeps it text instead
        # of turning "=HYPERLINK(...)" or "-1+2" into a live formula.
        cell.quotePrefix = True
    cell.font = font
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def write_table(
    ws: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    number_formats: dict[int, str] | None = None,
    wrap_columns: Iterable[int] = (),
) -> int:
    """Write a header row and data rows from ``top``; returns the last row written.

    A column of numbers (Excel sets them flush right) gets its header flush right too, and its
    placeholders ("–") with it: a left header over right-aligned numbers read as belonging to
    the next column."""
    rows = [list(values) for values in rows]
    numeric = {j for j in range(1, len(headers) + 1) if _is_number_column(rows, j - 1)}
    # Text right after a number column starts one indent in: "0.4533 input you can change",
    # not "0.4533input you can change".
    spaced = {j for j in range(2, len(headers) + 1) if j - 1 in numeric and j not in numeric}
    for j, name in enumerate(headers, start=1):
        align = HEAD_ALIGN_RIGHT if j in numeric else HEAD_ALIGN
        if j in spaced:
            align = Alignment(wrap_text=True, vertical="center", horizontal="left", indent=1)
        put(ws, top, j, name, HEADER, fill=HEADER_FILL, alignment=align)
    wrap = set(wrap_columns)
    r = top
    for r, values in enumerate(rows, start=top + 1):
        for j, value in enumerate(values, start=1):
            # Top-aligned: a row made tall by one wrapped cell still reads left to right.
            if j in numeric:
                align = TOP_RIGHT
            elif isinstance(value, int | float) and not isinstance(value, bool):
                # A number among text (a date's column, "–"): on the header's side, the left.
                align = WRAP_LEFT if j in wrap else TOP_LEFT
            else:
                align = WRAP if j in wrap else TOP
            if j in spaced:
                align = Alignment(wrap_text=j in wrap, vertical="top", horizontal="left", indent=1)
            cell = put(ws, r, j, value, border=GRID, alignment=align)
            if number_formats and j in number_formats:
                cell.number_format = number_formats[j]
    return r


_PLACEHOLDERS = ("", "–", "-", "—")


def _is_number_column(rows: Sequence[Sequence[Any]], index: int) -> bool:
    """True when the column holds at least one number and otherwise only blanks or dashes."""
    seen = False
    for values in rows:
        value = values[index] if index < len(values) else None
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float) or (
            hasattr(value, "item") and not isinstance(value, str)
        ):
            seen = True
        elif value is not None and str(value).strip() not in _PLACEHOLDERS:
            return False
    return seen


def set_widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    """Column widths in characters (Hangul counts about double: give it room)."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def fit_widths(ws: Worksheet, min_width: float = 8, max_width: float = 60) -> None:
    """Size each column to its longest value, counting wide (CJK) characters twice."""
    best: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = str(cell.value)
            longest = max((display_width(line) for line in text.splitlines()), default=0)
            best[cell.column] = max(best.get(cell.column, 0), longest)
    for col, width in best.items():
        ws.column_dimensions[get_column_letter(col)].width = min(
            max(width + 2, min_width), max_width
        )


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name: ≤ 31 characters, none of []:*?/\\."""
    base = _INVALID_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
        k += 1
    return title
