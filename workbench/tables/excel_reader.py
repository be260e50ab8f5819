"""Read one sheet of an Excel (.xlsx/.xlsm/.xls) or OpenDocument (.ods) workbook into a RawTable.

The cells come from calamine (Rust, through fastexcel) straight to Arrow, far faster than
openpyxl. Before the full read the reader finds the table: which sheet (the first that holds a
table, unless the user named one), which rows hold the column names (titles, notes and blank
rows above are skipped; multi-row and merged headers are joined into one name) — see
:mod:`workbench.tables.header_detect`.

What arrives in the frame:

* Numbers as floats, date-formatted cells as datetimes, TRUE/FALSE as booleans; formulas as the
  value Excel last calculated (formulas saved without a result are reported).
* Error cells (``#DIV/0!``, ``#N/A``, ...) as missing, counted per column in ``error_cells``
  notes.
* A column that mixes real dates with plain numbers near them (dates typed as serial numbers)
  as datetimes, converted with the workbook's own date system (1900 or 1904). If such a column
  also holds text, its cells are handed over as an object column of datetimes, floats and
  strings, for :func:`workbench.tables.types.settle_kinds` to decide (``frame.attrs["date1904"]``
  tells it the date system).
* Anything else mixed (numbers and text, numbers stored as text) as strings, for
  ``settle_kinds`` to judge.
* Notes and total rows under the table are left out (and reported).

The index is the 0-based position of the row below the header; empty rows are dropped but keep
their place in the numbering, so index ``i`` is Excel row ``frame.attrs["first_data_row"] + i``.

This module stitches the steps together; the parts live beside it:
:mod:`~workbench.tables.excel_book`
(opening the workbook, its errors, loading cells), :mod:`~workbench.tables.excel_layout` (finding
the
table and the sheet), :mod:`~workbench.tables.excel_cells` (what the cells mean) and
:mod:`~workbench.tables.excel_notes` (the notes).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.tables import excel_notes
from workbench.tables.excel_book import (
    Book,
    is_damage,
    load_batch,
    open_book,
    translate_error,
)
from workbench.tables.excel_cells import (
    classify_cell_errors,
    footer,
    is_empty_mask,
    mixed_dates,
    relabel_newer_errors,
)
from workbench.tables.excel_layout import SAMPLE_ROWS, choose_sheet, sample_grid
from workbench.tables.header_detect import HeaderLayout
from workbench.tables.names import make_unique_names
from workbench.tables.table import LoadNote, LoadOptions, RawTable

MIN_DATA_ROWS = 2


def read_excel_raw(
    path: Path, fmt: str, options: LoadOptions, ctx: JobContext | None = None
) -> RawTable:
    """Read one sheet of the workbook at ``path`` (format ``fmt``) into a :class:`RawTable`.

    ``options.sheet`` and ``options.header_row`` (1-based Excel row) are user overrides; the
    values actually used are filled into the returned options.
    """
    ctx = ensure_context(ctx)
    path = Path(path)
    ctx.progress(0.0, _("Opening the workbook…"))
    try:
        book = open_book(path, fmt)
        try:
            return _read(book, options, ctx)
        finally:
            book.close()
    except DataLoadError:
        raise
    except BaseException as exc:
        # zlib, zipfile, XML and calamine's panics on a damaged file: the plain message
        if is_damage(exc):
            raise translate_error(path, exc) from exc
        raise


@dataclasses.dataclass
class _Cells:
    """The sheet's cells below the header, as calamine read them, and what was found in them."""

    batch: pa.RecordBatch
    positions: list[int]  # the sheet column (0 = A) of each column of the batch
    excel_errors: dict[int, Counter[str]]  # batch column -> Excel error codes and their counts
    error_rows: dict[int, dict[str, list[int]]]  # batch column -> code -> data positions
    footer: tuple[int, list[tuple[int, str]]] | None  # notes and totals under the table


@dataclasses.dataclass
class _Columns:
    """The columns kept for the frame, and what happened to the others."""

    arrays: list[pa.Array] = dataclasses.field(default_factory=list)
    raw_names: list[str] = dataclasses.field(default_factory=list)
    positions: list[int] = dataclasses.field(default_factory=list)  # sheet columns kept
    sources: list[int] = dataclasses.field(default_factory=list)  # batch columns kept
    dropped: list[int] = dataclasses.field(default_factory=list)  # empty sheet columns
    serials: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (k, n serials)
    objects: dict[int, np.ndarray] = dataclasses.field(default_factory=dict)  # mixed cells


def _read(book: Book, options: LoadOptions, ctx: JobContext) -> RawTable:
    notes: list[LoadNote] = []
    sheet, layout = choose_sheet(book, options, notes)
    ctx.progress(0.05, _("Reading the sheet “{sheet}”…").format(sheet=sheet))
    uncalculated: dict[tuple[int, int], bool] = {}
    if book.xlsx is not None:
        sample_grid(book, sheet, layout.data_start + SAMPLE_ROWS, uncalculated)

    cells = _load_cells(book, sheet, layout.data_start, ctx)
    ctx.progress(0.75, _("Tidying the table…"))

    first_data_row = layout.data_start + 1  # Excel row number of data position 0
    header_rows_excel = [r + 1 for r in layout.header_rows]
    batch, empty_rows = _trim_empty_rows(cells.batch)
    keep_rows = ~empty_rows
    columns = _take_columns(batch, cells.positions, layout, book.date1904, keep_rows)
    names, name_notes = make_unique_names(columns.raw_names)
    n_rows = int(keep_rows.sum())
    if not columns.arrays or n_rows < MIN_DATA_ROWS:
        raise _too_small(book.path, sheet, n_rows, header_rows_excel)

    frame = _to_frame(columns, names, keep_rows)
    frame.attrs["first_data_row"] = first_data_row
    frame.attrs["sheet"] = sheet
    frame.attrs["date1904"] = book.date1904  # serial numbers left to settle_kinds count from it

    notes.extend(_table_notes(book, layout, cells, columns, names, empty_rows, uncalculated))
    notes.extend(name_notes)

    used = dataclasses.replace(
        options,
        sheet=sheet,
        header_row=header_rows_excel[0] if header_rows_excel else None,
        has_header=layout.has_header,
        column_kinds=dict(options.column_kinds),
    )
    ctx.progress(1.0, _("Sheet read."))
    return RawTable(frame=frame, options=used, notes=notes, sheets=list(book.sheets))


def _load_cells(book: Book, sheet: str, data_start: int, ctx: JobContext) -> _Cells:
    """Read the sheet below the header; read again as text the columns calamine could not keep
    in one type, and again without the notes and totals under the table."""
    batch, errors, columns_info = load_batch(book, sheet, data_start, {})
    ctx.check()
    positions = [c.absolute_index for c in columns_info][: batch.num_columns]
    excel_errors, extra = classify_cell_errors(errors, batch.num_columns)
    forced: dict[str, str] = {}
    if extra["mismatched"]:
        # calamine could not keep some values in the column's type: read those as text
        forced = {columns_info[c].name: "string" for c in extra["mismatched"]}
        batch, errors, columns_info = load_batch(book, sheet, data_start, forced)
        positions = [c.absolute_index for c in columns_info][: batch.num_columns]
        excel_errors, extra = classify_cell_errors(errors, batch.num_columns)
    found_footer = footer(batch)
    if found_footer is not None:
        # notes under the table would turn number columns into text: read again without them
        batch, errors, columns_info = load_batch(
            book, sheet, data_start, forced, n_rows=found_footer[0]
        )
        positions = [c.absolute_index for c in columns_info][: batch.num_columns]
        excel_errors, extra = classify_cell_errors(errors, batch.num_columns)
    if book.newer_errors.get(sheet):
        relabel_newer_errors(
            excel_errors, extra["rows"], positions, data_start, book.newer_errors[sheet]
        )
    return _Cells(batch, positions, excel_errors, extra["rows"], found_footer)


def _trim_empty_rows(batch: pa.RecordBatch) -> tuple[pa.RecordBatch, np.ndarray]:
    """The batch without the empty rows at its end, and the mask of its remaining empty rows.

    Empty rows are dropped later but keep their place in the numbering; those after the last
    row of data (before notes, say) are not worth a note.
    """
    empty_rows = is_empty_mask(batch) if batch.num_rows else np.zeros(0, dtype=bool)
    filled = np.flatnonzero(~empty_rows)
    if len(filled) and filled[-1] + 1 < batch.num_rows:
        batch = batch.slice(0, int(filled[-1]) + 1)
        empty_rows = empty_rows[: batch.num_rows]
    return batch, empty_rows


def _take_columns(
    batch: pa.RecordBatch,
    positions: list[int],
    layout: HeaderLayout,
    date1904: bool,
    keep_rows: np.ndarray,
) -> _Columns:
    """The columns worth keeping, with dates settled and the empty rows filtered out."""
    n_empty = int((~keep_rows).sum())
    out = _Columns()
    for j, pos in enumerate(positions):
        col = batch.column(j)
        name = layout.names.get(pos, "")
        has_values = col.null_count < len(col)
        if not has_values and not name.strip():
            out.dropped.append(pos)
            continue
        if pa.types.is_date32(col.type) or pa.types.is_date64(col.type):
            col = pc.cast(col, pa.timestamp("ms"))
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            mixed = mixed_dates(col, date1904)
            if mixed is not None and mixed[0] == "datetime":
                col = mixed[1]
                out.serials.append((len(out.arrays), mixed[2]))
            elif mixed is not None:
                out.objects[len(out.arrays)] = mixed[1][keep_rows] if n_empty else mixed[1]
                col = pa.nulls(len(col), pa.null())
        if n_empty:
            col = col.filter(pa.array(keep_rows))
        out.arrays.append(col)
        out.raw_names.append(name)
        out.positions.append(pos)
        out.sources.append(j)
    return out


def _to_frame(columns: _Columns, names: list[str], keep_rows: np.ndarray) -> pd.DataFrame:
    """The kept columns as a frame indexed by data position (empty rows leave gaps)."""
    arrays = columns.arrays
    table = pa.Table.from_arrays(arrays, names=[f"c{k}" for k in range(len(arrays))])
    frame = table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    for k, cells in columns.objects.items():
        frame.isetitem(k, pd.Series(cells, index=frame.index, dtype=object))
    frame.columns = pd.Index(names, dtype=object)
    if not keep_rows.all():
        frame.index = pd.Index(np.flatnonzero(keep_rows), dtype="int64")
    return frame


def _table_notes(
    book: Book,
    layout: HeaderLayout,
    cells: _Cells,
    columns: _Columns,
    names: list[str],
    empty_rows: np.ndarray,
    uncalculated: dict[tuple[int, int], bool],
) -> list[LoadNote]:
    """The notes on the header, dates, footer, empty rows and columns, error cells, formulas."""
    notes: list[LoadNote] = []
    first_data_row = layout.data_start + 1
    header_rows_excel = [r + 1 for r in layout.header_rows]
    if layout.has_header:
        notes.extend(excel_notes.header_notes(layout, header_rows_excel, columns.positions, names))
    else:
        notes.append(excel_notes.no_header_note(first_data_row))
    for k, n_serial in columns.serials:
        notes.append(excel_notes.serial_dates_note(names[k], n_serial, book.date1904))
    if cells.footer is not None:
        notes.append(excel_notes.footer_note(cells.footer[1], first_data_row))
    if empty_rows.any():
        notes.append(excel_notes.empty_rows_note(empty_rows, first_data_row))
    # empty columns around the table (beside a title, say) go silently; those inside it are noted
    kept = columns.positions
    inner = [p for p in columns.dropped if kept and kept[0] < p < kept[-1]]
    if inner:
        notes.append(excel_notes.empty_columns_note(inner))
    name_of_source = {src: names[k] for k, src in enumerate(columns.sources)}
    notes.extend(
        excel_notes.error_cell_notes(
            cells.excel_errors, cells.error_rows, name_of_source, first_data_row
        )
    )
    name_of_position = dict(zip(columns.positions, names, strict=False))
    notes.extend(
        excel_notes.uncalculated_formula_notes(
            uncalculated, layout.data_start, name_of_position, SAMPLE_ROWS
        )
    )
    return notes


def _too_small(path: Path, sheet: str, n_rows: int, header_rows: list[int]) -> DataLoadError:
    if n_rows == 0:
        message = _("The sheet “{sheet}” of {name} has column names but no data below them.")
    else:
        message = _(
            "The sheet “{sheet}” of {name} holds only one row of data; at least two are needed."
        )
    hint = _("Check that this is the right sheet and that the data was saved in it.")
    if header_rows:
        hint += " " + _(
            "The column names were taken from row {row}; if that is wrong, choose the header "
            "row yourself."
        ).format(row=header_rows[0])
    return DataLoadError(message.format(sheet=sheet, name=path.name), hint)
