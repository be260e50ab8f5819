"""Find the table in a grid of spreadsheet cells: where its column names are and where data starts.

People send sheets with a title and notes above the table, blank rows and columns around it,
group labels in merged cells over several columns ("Temperature" over "Zone 1" and "Zone 2")
and a row of units under the names. :func:`detect_header` looks at the first rows of a sheet
(a *grid*: a list of rows, each a list of cell values, row 0 = the sheet's first row, column 0 =
column A) and tells which rows hold the column names and how the names read, joining the parts
of a multi-row header with " / " ("Temperature / Zone 1").

Rules (kept simple so they can be explained to a user):

* A cell is *empty*, *text*, a *number*, a *date*, a *boolean* or an *error*; text that reads as a
  number ("12.5", "1,234") or an ISO date counts as a number / date.
* A candidate header row, among the first :data:`SEARCH_ROWS`, has mostly text cells
  (:data:`MIN_TEXT_SHARE`; text such as "2024" over real numbers counts as text) covering at
  least half of the columns used by the rows below it. The header is the first candidate that
  names nearly as many columns as the best one (:data:`BEST_SHARE`): a title, a note or an
  "exported on ..." line names one or two cells and is skipped. If a row of mostly numbers or
  dates covering the table comes before any candidate, the table has no header.
* Rows directly above the header row that label groups of its columns (merged cells, or several
  text cells with gaps between them) join the header, as do rows directly below it that hold only
  text where the data below is numbers or dates (units, sub-names), or that fill the header
  row's gaps. At most :data:`MAX_HEADER_ROWS` rows in all.
* A merged range (when the caller knows them) gives every cell it covers the range's value,
  except a merged cell alone in its row (a title across the table). When no merge touches the
  header, a group label is carried right over the empty cells after it, as far as the row below
  has names.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

SEARCH_ROWS = 60  # look for the header among this many first rows of the sheet
LOOKAHEAD_ROWS = 30  # non-empty rows below a candidate examined to judge it
MIN_TEXT_SHARE = 0.6  # share of a header row's cells that must be text
MIN_COVERAGE = 0.5  # share of the data's columns a header row must name
MAX_HEADER_ROWS = 3
BEST_SHARE = 0.75  # a header row names at least this share of what the best candidate names
JOIN = " / "


class CellKind(IntEnum):
    EMPTY = 0
    TEXT = 1
    NUMBER = 2
    DATE = 3
    BOOL = 4
    ERROR = 5


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error cell such as ``#DIV/0!`` (a value, not text)."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive: rows ``r0..r1``, columns ``c0..c1``."""

    r0: int
    c0: int
    r1: int
    c1: int


@dataclass
class HeaderLayout:
    """Where the column names are and where the data begins (0-based sheet rows / columns)."""

    header_rows: list[int]  # rows holding column names, top to bottom; empty: no header
    data_start: int  # first row below the header (or the first row of a header-less table)
    names: dict[int, str] = field(default_factory=dict)  # column -> name as read (may be "")
    columns: list[int] = field(default_factory=list)  # columns used by the header or the data
    filled_columns: list[int] = field(default_factory=list)  # name took a merged/group label
    found: bool = True  # False: the grid holds nothing that looks like a table
    detected: bool = True  # False: the caller fixed the header row

    @property
    def has_header(self) -> bool:
        return bool(self.header_rows)

    @property
    def joined(self) -> bool:
        """True when names are built from more than one row."""
        return len(self.header_rows) > 1


_NUMBER_RE = re.compile(
    r"^\s*[-+(]?\s*[$€£¥₩]?\s*(\d{1,3}([,. \u00a0']\d{3})+|\d+)([.,]\d+)?\s*\)?\s*%?\s*$"
    r"|^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
)
_DATE_RE = re.compile(
    r"^\s*\d{4}[-./년]\s*\d{1,2}[-./월]\s*\d{1,2}일?([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$"
    r"|^\s*\d{1,2}[-./]\d{1,2}[-./]\d{2,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
_ERROR_CODES = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)


def classify(value: object) -> CellKind:
    """The kind of one cell value as a reader hands it over (text is looked at too)."""
    if value is None:
        return CellKind.EMPTY
    if isinstance(value, ErrorValue):
        return CellKind.ERROR
    if isinstance(value, bool):
        return CellKind.BOOL
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:
            return CellKind.EMPTY
        return CellKind.NUMBER
    if isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        return CellKind.DATE
    text = str(value)
    if not text.strip():
        return CellKind.EMPTY
    if _NUMBER_RE.match(text):
        return CellKind.NUMBER
    if _DATE_RE.match(text):
        return CellKind.DATE
    if text.strip() in _ERROR_CODES:
        return CellKind.ERROR
    return CellKind.TEXT


def cell_text(value: object) -> str:
    """A header cell as a name: ``3.0`` reads ``3``, a date reads as ISO date."""
    if value is None or isinstance(value, CellKind):
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


class _Grid:
    def __init__(self, rows: Sequence[Sequence[object]]) -> None:
        self.rows = [list(r) for r in rows]
        self.n_rows = len(self.rows)
        self.n_cols = max((len(r) for r in self.rows), default=0)
        self.kinds = [[classify(v) for v in r] for r in self.rows]

    def value(self, r: int, c: int) -> object:
        row = self.rows[r]
        return row[c] if c < len(row) else None

    def kind(self, r: int, c: int) -> CellKind:
        row = self.kinds[r]
        return row[c] if c < len(row) else CellKind.EMPTY

    def cells(self, r: int) -> list[int]:
        return [c for c, k in enumerate(self.kinds[r]) if k != CellKind.EMPTY]

    def set(self, r: int, c: int, value: object) -> None:
        row = self.rows[r]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
            self.kinds[r].extend([CellKind.EMPTY] * (c + 1 - len(self.kinds[r])))
        row[c] = value
        self.kinds[r][c] = classify(value)


def _apply_merges(grid: _Grid, merges: Iterable[Merge]) -> set[tuple[int, int]]:
    """Copy each merged range's value into the cells it covers; return the filled cells.

    A merge that is the only thing in its row(s) is a title across the table: left alone.
    """
    filled: set[tuple[int, int]] = set()
    for m in merges:
        if m.r0 >= grid.n_rows or (m.r0 == m.r1 and m.c0 == m.c1):
            continue
        value = grid.value(m.r0, m.c0)
        if classify(value) == CellKind.EMPTY:
            continue
        others = [c for c in grid.cells(m.r0) if not m.c0 <= c <= m.c1]
        if not others and m.r0 == m.r1:
            continue  # a title merged across the table
        for r in range(m.r0, min(m.r1, grid.n_rows - 1) + 1):
            for c in range(m.c0, m.c1 + 1):
                if (r, c) != (m.r0, m.c0) and grid.kind(r, c) == CellKind.EMPTY:
                    grid.set(r, c, value)
                    filled.add((r, c))
    return filled


def _rows_below(grid: _Grid, r: int, limit: int = LOOKAHEAD_ROWS) -> list[int]:
    out = []
    for rr in range(r + 1, grid.n_rows):
        if grid.cells(rr):
            out.append(rr)
            if len(out) >= limit:
                break
    return out


def _data_columns(grid: _Grid, rows: Iterable[int]) -> set[int]:
    cols: set[int] = set()
    for rr in rows:
        cols.update(grid.cells(rr))
    return cols


def _column_is_measured(grid: _Grid, c: int, rows: Sequence[int]) -> bool:
    """True when the column's cells in ``rows`` are mostly numbers/dates/booleans."""
    kinds = [grid.kind(rr, c) for rr in rows]
    filled = [k for k in kinds if k not in (CellKind.EMPTY, CellKind.ERROR)]
    if not filled:
        return False
    measured = sum(k in (CellKind.NUMBER, CellKind.DATE, CellKind.BOOL) for k in filled)
    return measured >= 0.6 * len(filled)


def _text_share(grid: _Grid, r: int, below: Sequence[int] = ()) -> float:
    """Share of the row's cells that are text.

    Text that reads as a number ("2024") counts as text when the column below holds real
    numbers: names typed as text over typed values (years as column names).
    """
    cells = grid.cells(r)
    if not cells:
        return 0.0
    n = 0
    for c in cells:
        kind = grid.kind(r, c)
        if kind == CellKind.TEXT:
            n += 1
        elif kind == CellKind.NUMBER and isinstance(grid.value(r, c), str) and below:
            typed = [grid.value(rr, c) for rr in below]
            numbers = [v for v in typed if isinstance(v, int | float) and not isinstance(v, bool)]
            filled = [v for v in typed if classify(v) != CellKind.EMPTY]
            n += bool(filled) and len(numbers) >= 0.6 * len(filled)
    return n / len(cells)


def _judge_row(grid: _Grid, r: int) -> tuple[bool, bool, float]:
    """Return (could be the header row, is a data row covering the table, coverage)."""
    cells = grid.cells(r)
    if not cells:
        return False, False, 0.0
    below = _rows_below(grid, r)
    cols = _data_columns(grid, below) | set(cells)
    coverage = len(cells) / len(cols)
    wide = coverage >= MIN_COVERAGE and (len(cells) >= 2 or len(cols) == 1)
    if not wide:
        return False, False, coverage
    text_share = _text_share(grid, r, below)
    if text_share >= MIN_TEXT_SHARE and below:
        return True, False, coverage
    return False, text_share < 0.5, coverage


def _gap_filling(grid: _Grid, upper: int, lower: int) -> bool:
    """True when ``lower`` names columns left empty in ``upper`` inside its span."""
    up = grid.cells(upper)
    if not up:
        return False
    lo = grid.cells(lower)
    return any(c > up[0] and grid.kind(upper, c) == CellKind.EMPTY for c in lo)


def _is_continuation(grid: _Grid, header: list[int], r: int) -> bool:
    """Is row ``r`` (directly below the header rows) part of the header?"""
    cells = grid.cells(r)
    if not cells or any(grid.kind(r, c) != CellKind.TEXT for c in cells):
        return False
    if _gap_filling(grid, header[-1], r):
        return True
    below = _rows_below(grid, r)
    if not below:
        return False
    return any(_column_is_measured(grid, c, below) for c in cells)


def _is_group_row(grid: _Grid, r: int, header: int, merged_rows: set[int]) -> bool:
    """Is row ``r`` (directly above ``header``) a row of labels over groups of columns?"""
    cells = grid.cells(r)
    if not cells or any(grid.kind(r, c) != CellKind.TEXT for c in cells):
        return False
    head_cells = set(grid.cells(header))
    if not set(cells) <= head_cells | set(range(min(head_cells), max(head_cells) + 1)):
        return False
    if r in merged_rows and len(cells) >= 2:
        return True
    if len(cells) < 2:
        return False
    # labels with gaps after them, where the header row below has names
    return any(
        grid.kind(r, c) == CellKind.EMPTY and c in head_cells and c > cells[0]
        for c in range(cells[0], max(head_cells) + 1)
    )


def _carry_labels_right(grid: _Grid, header_rows: list[int]) -> set[tuple[int, int]]:
    """Without merge information: carry a group label over the empty cells after it."""
    filled: set[tuple[int, int]] = set()
    last = header_rows[-1]
    for r in header_rows[:-1]:
        current: object = None
        for c in range(grid.n_cols):
            if grid.kind(r, c) != CellKind.EMPTY:
                current = grid.value(r, c)
            elif current is not None and grid.kind(last, c) != CellKind.EMPTY:
                grid.set(r, c, current)
                filled.add((r, c))
            else:
                current = None
    return filled


def detect_header(
    rows: Sequence[Sequence[object]],
    *,
    header_row: int | None = None,
    has_header: bool | None = None,
    merges: Iterable[Merge] | None = None,
) -> HeaderLayout:
    """Find the header rows and the first data row in ``rows`` (the top of a sheet).

    ``header_row`` (0-based) fixes where the header starts; rows directly below it that
    continue the header (units, sub-names) are still joined, so a reload with the header row
    that was detected reads the same names. ``has_header=False`` reads every row as data.
    ``merges`` are the sheet's merged ranges when the reader knows them; when none touches the
    header rows, group labels are carried right over the empty cells after them.
    """
    grid = _Grid(rows)
    merge_list = list(merges) if merges is not None else []
    filled = _apply_merges(grid, merge_list)
    merged_rows = {m.r0 for m in merge_list if m.c1 > m.c0}
    nonempty = [r for r in range(grid.n_rows) if grid.cells(r)]
    if not nonempty:
        return HeaderLayout([], 0, found=False, detected=header_row is None)

    detected = header_row is None
    header: list[int] = []
    if has_header is False:
        start = header_row if header_row is not None else nonempty[0]
        data_start = start
    elif header_row is not None:
        header = [header_row]
    else:
        candidates: list[tuple[int, float]] = []
        for r in nonempty:
            if r >= SEARCH_ROWS:
                break
            could_be_header, is_data, coverage = _judge_row(grid, r)
            if is_data:
                break
            if could_be_header:
                candidates.append((r, coverage))
        if candidates:
            # a title or note row names few of the table's columns: take the first row that
            # names nearly as many as the best candidate
            best = max(cov for _r, cov in candidates)
            header = [next(r for r, cov in candidates if cov >= BEST_SHARE * best)]
        if header:
            # group labels directly above
            while len(header) < MAX_HEADER_ROWS and header[0] - 1 >= 0:
                up = header[0] - 1
                if not _is_group_row(grid, up, header[-1], merged_rows):
                    break
                header.insert(0, up)
        elif has_header is True:
            header = [nonempty[0]]
        else:
            data_start = next(
                (r for r in nonempty if _judge_row(grid, r)[1]),
                nonempty[0],
            )

    if header:
        while len(header) < MAX_HEADER_ROWS and header[-1] + 1 < grid.n_rows:
            nxt = header[-1] + 1
            if not _is_continuation(grid, header, nxt):
                break
            header.append(nxt)
        data_start = header[-1] + 1

    merged_header = any(m.r0 <= r <= m.r1 for m in merge_list for r in header)
    if header and len(header) > 1 and not merged_header:
        # no merge information for the header (or labels simply typed over their groups)
        filled |= _carry_labels_right(grid, header)

    data_rows = [r for r in nonempty if r >= data_start]
    columns = sorted(_data_columns(grid, data_rows) | {c for r in header for c in grid.cells(r)})
    names: dict[int, str] = {}
    filled_columns: list[int] = []
    for c in columns:
        parts: list[str] = []
        for r in header:
            text = cell_text(grid.value(r, c)).strip() if grid.kind(r, c) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        if len(parts) == 1 and header and grid.kind(header[-1], c) != CellKind.EMPTY:
            # a single part keeps the cell exactly (spaces and all)
            parts = [cell_text(grid.value(header[-1], c))]
        names[c] = JOIN.join(parts)
        if any((r, c) in filled for r in header):
            filled_columns.append(c)
    return HeaderLayout(
        header_rows=header,
        data_start=data_start,
        names=names,
        columns=columns,
        filled_columns=filled_columns,
        found=bool(data_rows) or bool(header),
        detected=detected,
    )
