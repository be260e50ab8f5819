"""Find the table in a workbook: sample the top of a sheet, locate its header, choose the sheet.

One job: where the table is. :func:`sample_grid` reads the first rows of a sheet as a grid
(from the xlsx XML when it can, with the cells' real types, else through calamine),
:func:`workbench.tables.header_detect.detect_header` finds the column names in it (merged cells are
read only when the header needs them), and :func:`choose_sheet` takes the sheet the user named
or the first that holds a table, noting the choice.
"""

from __future__ import annotations

import zipfile

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables import excel_notes, xlsx_peek
from workbench.tables.excel_book import Book, translate_error
from workbench.tables.header_detect import HeaderLayout, Merge, detect_header
from workbench.tables.table import LoadNote, LoadOptions

SAMPLE_ROWS = 120  # rows read from the top of a sheet to find its table


def sample_grid(
    book: Book,
    sheet: str,
    n_rows: int = SAMPLE_ROWS,
    uncalculated: dict[tuple[int, int], bool] | None = None,
) -> tuple[list[list[object]], bool]:
    """The first rows of ``sheet`` as a grid; True when the cells carry their real types."""
    if book.xlsx is not None and book.zf is not None:
        info = book.xlsx.sheet(sheet)
        if info is not None and info.part:
            try:
                peeked = xlsx_peek.peek_rows(book.zf, book.xlsx, info, n_rows, uncalculated)
                return peeked, True
            except (KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile, EOFError):
                pass  # fall back to calamine, which may cope (or explain)
    try:
        sheet_obj = book.reader.load_sheet(
            sheet,
            header_row=None,
            skip_rows=0,
            n_rows=n_rows,
            dtypes="string",
            whitespace_as_null=True,
        )
        batch = sheet_obj.to_arrow()
        cols_info = sheet_obj.selected_columns
    except Exception as exc:
        raise translate_error(book.path, exc) from exc
    positions = [c.absolute_index for c in cols_info]
    width = (max(positions) + 1) if positions else 0
    grid: list[list[object]] = [[None] * width for _ in range(batch.num_rows)]
    for j, pos in enumerate(positions[: batch.num_columns]):
        for i, v in enumerate(batch.column(j).to_pylist()):
            grid[i][pos] = v
    return grid, False


def _needs_merges(layout: HeaderLayout, grid: list[list[object]]) -> bool:
    if not layout.header_rows:
        return False
    if layout.joined:
        return True
    top = layout.header_rows[0]
    if top > 0 and any(v not in (None, "") for v in grid[top - 1]):
        return True
    return any(not layout.names.get(c, "").strip() for c in layout.columns)


def _find_table(
    book: Book,
    sheet: str,
    options: LoadOptions,
    uncalculated: dict[tuple[int, int], bool] | None = None,
) -> tuple[HeaderLayout, int]:
    """Detect the layout of ``sheet``; returns it and the number of data rows in the sample."""
    header_row = max(options.header_row - 1, 0) if options.header_row else None
    grid, _typed = sample_grid(book, sheet, SAMPLE_ROWS + (header_row or 0), uncalculated)
    if header_row is not None and header_row >= len(grid):
        raise DataLoadError(
            _("The sheet “{sheet}” of {name} has no row {row}: its last row is {last}.").format(
                sheet=sheet, name=book.path.name, row=header_row + 1, last=len(grid)
            ),
            _("Choose a header row within the table."),
        )
    layout = detect_header(grid, header_row=header_row, has_header=options.has_header)
    if book.xlsx is not None and book.zf is not None and _needs_merges(layout, grid):
        info = book.xlsx.sheet(sheet)
        merges: list[Merge] | None = None
        if info is not None:
            try:
                merges = xlsx_peek.scan_merges(book.zf, info, max_row=len(grid))
            except (KeyError, OSError, zipfile.BadZipFile, EOFError):
                merges = None
        if merges is not None:
            layout = detect_header(
                grid, header_row=header_row, has_header=options.has_header, merges=merges
            )
    data_rows = sum(
        1 for r in range(layout.data_start, len(grid)) if any(v not in (None, "") for v in grid[r])
    )
    return layout, data_rows


def choose_sheet(
    book: Book, options: LoadOptions, notes: list[LoadNote]
) -> tuple[str, HeaderLayout]:
    """The sheet to read and its layout: the one the user named, else the first with a table."""
    if options.sheet is not None:
        return _named_sheet(book, options.sheet, options, notes)
    return _first_sheet_with_table(book, options, notes)


def _named_sheet(
    book: Book, sheet: str, options: LoadOptions, notes: list[LoadNote]
) -> tuple[str, HeaderLayout]:
    names = book.sheets
    if sheet not in names:
        raise DataLoadError(
            _("The workbook {name} has no sheet called “{sheet}”.").format(
                name=book.path.name, sheet=sheet
            ),
            _("Its sheets are: {sheets}. Choose one of them.").format(
                sheets=", ".join(f"“{s}”" for s in names)
            ),
        )
    layout, _n_data = _find_table(book, sheet, options)
    if not layout.found:
        others = [s for s in names if s != sheet]
        hint = (
            _("Choose another sheet: {sheets}.").format(sheets=", ".join(f"“{s}”" for s in others))
            if others
            else _("Check that this is the right file.")
        )
        raise DataLoadError(
            _("The sheet “{sheet}” of {name} is empty: it holds no table.").format(
                sheet=sheet, name=book.path.name
            ),
            hint,
        )
    if len(names) > 1:
        notes.append(excel_notes.chosen_sheet_note(sheet, names))
    return sheet, layout


def _first_sheet_with_table(
    book: Book, options: LoadOptions, notes: list[LoadNote]
) -> tuple[str, HeaderLayout]:
    names = book.sheets
    order = [s for s in names if s not in book.hidden] + [s for s in names if s in book.hidden]
    skipped: list[str] = []
    fallback: tuple[str, HeaderLayout] | None = None
    first_error: DataLoadError | None = None
    for sheet in order:
        try:
            layout, n_data = _find_table(book, sheet, options)
        except DataLoadError as exc:  # one unreadable sheet (a chart, say) need not stop us
            first_error = first_error or exc
            skipped.append(sheet)
            continue
        # a table: column names over at least one row, or two rows of data
        if layout.found and n_data >= (1 if layout.has_header else 2):
            if skipped or len(names) > 1:
                notes.append(excel_notes.detected_sheet_note(sheet, names, skipped))
            return sheet, layout
        if layout.found and fallback is None:
            fallback = (sheet, layout)
        skipped.append(sheet)
    if fallback is not None:
        return fallback
    if first_error is not None:
        raise first_error
    if len(names) <= 1:
        raise DataLoadError(
            _("The workbook {name} is empty: its sheet holds no table.").format(
                name=book.path.name
            ),
            _("Check that this is the right file, or save the data in it again."),
        )
    raise DataLoadError(
        _("None of the {n} sheets of {name} holds a table ({sheets}).").format(
            n=len(names), name=book.path.name, sheets=", ".join(f"“{s}”" for s in names)
        ),
        _("Check that this is the right file, or save the data in it again."),
    )
