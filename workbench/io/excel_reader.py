"""Read one sheet of an Excel (.xlsx/.xlsm/.xls) or OpenDocument (.ods) workbook into a RawTable.

The cells come from calamine (Rust, through fastexcel) straight to Arrow, far faster than
openpyxl. Before the full read the reader finds the table: which sheet (the first that holds a
table, unless the user named one), which rows hold the column names (titles, notes and blank
rows above are skipped; multi-row and merged headers are joined into one name) — see
:mod:`workbench.io.header_detect`.

What arrives in the frame:

* Numbers as floats, date-formatted cells as datetimes, TRUE/FALSE as booleans; formulas as the
  value Excel last calculated (formulas saved without a result are reported).
* Error cells (``#DIV/0!``, ``#N/A``, ...) as missing, counted per column in ``error_cells``
  notes.
* A column that mixes real dates with plain numbers near them (dates typed as serial numbers)
  as datetimes, converted with the workbook's own date system (1900 or 1904). If such a column
  also holds text, its cells are handed over as an object column of datetimes, floats and
  strings, for :func:`workbench.io.types.settle_kinds` to decide (``frame.attrs["date1904"]``
  tells it the date system).
* Anything else mixed (numbers and text, numbers stored as text) as strings, for
  ``settle_kinds`` to judge.
* Notes and total rows under the table are left out (and reported).

The index is the 0-based position of the row below the header; empty rows are dropped but keep
their place in the numbering, so index ``i`` is Excel row ``frame.attrs["first_data_row"] + i``.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import DataLoadError
from workbench.i18n import _, say, say_join, say_n
from workbench.io import xlsx_peek
from workbench.io.header_detect import CellKind, HeaderLayout, Merge, classify, detect_header
from workbench.io.names import make_unique_names
from workbench.io.table import LoadNote, LoadOptions, RawTable
from workbench.jobs import JobContext, ensure_context

SAMPLE_ROWS = 120  # rows read from the top of a sheet to find its table
MIN_DATA_ROWS = 2
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
_UNSUPPORTED_RE = re.compile(r"could not determine dtype for column (.+?)\s*$", re.MULTILINE)
_ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$"
# plain numbers read as dates only inside Excel's plausible range: 1901-01-01 .. 9999-12-31
_SERIAL_MIN, _SERIAL_MAX = 367.0, 2_958_465.0
_MAX_FOOTER_ROWS = 5
_NOTE_RE = re.compile(
    r"^\s*(※|\*|note|notes|remark|비고|참고|주\s*[:)）]|출처|source)", re.IGNORECASE
)
_TOTAL_RE = re.compile(
    r"^\s*(total|totals|grand total|sub-?total|sum|average|avg|mean|"
    r"합\s*계|소\s*계|총\s*계|총\s*합|누\s*계|평\s*균|계)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_SERIAL_WINDOW_DAYS = 5 * 366  # serial numbers this close to the column's real dates are dates
_EPOCHS = {False: np.datetime64("1899-12-30", "ms"), True: np.datetime64("1904-01-01", "ms")}


# --------------------------------------------------------------------------- opening


def _fastexcel():
    import fastexcel

    return fastexcel


def _password_error(path: Path) -> DataLoadError:
    return DataLoadError(
        _("The workbook {name} is protected by a password.").format(name=path.name),
        _(
            "Open it in Excel, remove the password (File > Info > Protect Workbook), save a "
            "copy and load that copy."
        ),
    )


def _damaged_error(path: Path, reason: object = "") -> DataLoadError:
    detail = str(reason).strip().splitlines()[0] if str(reason).strip() else ""
    message = _("The workbook {name} could not be read: it looks damaged or incomplete.").format(
        name=path.name
    )
    if detail:
        message += " " + _("(Details: {detail})").format(detail=detail)
    return DataLoadError(
        message,
        _(
            "Open it in Excel or LibreOffice, save a new copy (File > Save As), and load "
            "that copy. If it came by e-mail or download, fetch it again."
        ),
    )


def _translate_error(path: Path, exc: Exception) -> DataLoadError:
    text = str(exc)
    low = text.lower()
    if "password" in low or "encrypt" in low:
        return _password_error(path)
    if isinstance(exc, FileNotFoundError) or "no such file" in low:
        return DataLoadError(
            _("The file {name} was not found.").format(name=path.name),
            _("Check that it still exists and was not moved or renamed."),
        )
    if isinstance(exc, PermissionError) or "permission denied" in low:
        return DataLoadError(
            _("The file {name} could not be opened: access was refused.").format(name=path.name),
            _("Close it in other programs (Excel keeps files locked) and try again."),
        )
    return _damaged_error(path, text)


_SUFFIXES = {
    "xlsx": {".xlsx", ".xlsm"},
    "xlsm": {".xlsx", ".xlsm"},
    "xls": {".xls"},
    "ods": {".ods"},
}


def _open(path: Path, fmt: str | None = None) -> Any:
    fe = _fastexcel()
    try:
        if fmt is not None and path.suffix.lower() not in _SUFFIXES.get(fmt, set()):
            # calamine picks its parser from the file name; a .xls saved as .xlsx is read from
            # its bytes, where calamine goes by the content
            return fe.read_excel(path.read_bytes())
        return fe.read_excel(path)
    except (fe.FastExcelError, OSError, ValueError) as exc:
        raise _translate_error(path, exc) from exc


def list_sheets(path: str | Path) -> list[str]:
    """The names of the workbook's sheets, in workbook order (``[]`` for a CSV/text file)."""
    from workbench.io.loader import EXCEL_FORMATS, detect_format

    p = Path(path)
    fmt = detect_format(p)
    if fmt == "encrypted":
        raise _password_error(p)
    if fmt not in EXCEL_FORMATS:
        return []  # a text file: no sheets
    reader = _open(p, fmt)
    try:
        return list(reader.sheet_names)
    except Exception as exc:
        raise _translate_error(p, exc) from exc


# --------------------------------------------------------------------------- workbook facts


@dataclasses.dataclass
class _Book:
    path: Path
    fmt: str
    reader: Any
    sheets: list[str]
    hidden: set[str]
    date1904: bool
    zf: zipfile.ZipFile | None = None
    xlsx: xlsx_peek.XlsxBook | None = None

    def close(self) -> None:
        if self.zf is not None:
            self.zf.close()


def _open_book(path: Path, fmt: str) -> _Book:
    reader = _open(path, fmt)
    try:
        sheets = list(reader.sheet_names)
    except Exception as exc:  # calamine may fail late on a broken workbook part
        raise _translate_error(path, exc) from exc
    book = _Book(path, fmt, reader, sheets, set(), False)
    if fmt in ("xlsx", "xlsm"):
        try:
            zf = zipfile.ZipFile(path)
            xb = xlsx_peek.read_book(zf)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
            raise _translate_error(path, exc) from exc
        book.zf, book.xlsx = zf, xb
        book.date1904 = xb.date1904
        book.hidden = {s.name for s in xb.sheets if s.hidden}
    elif fmt == "ods":
        book.date1904 = False  # ODS keeps real dates; serial numbers count from 1899-12-30
    elif fmt == "xls":
        book.date1904 = _xls_date1904(path)
    return book


def _xls_date1904(path: Path) -> bool:
    """Read the DATEMODE record of a BIFF8 workbook (True: 1904 date system)."""
    try:
        stream = _ole_stream(path, ("Workbook", "Book"))
    except (OSError, ValueError, IndexError):
        return False
    if stream is None:
        return False
    pos = 0
    while pos + 4 <= len(stream):
        rec, size = (
            int.from_bytes(stream[pos : pos + 2], "little"),
            int.from_bytes(stream[pos + 2 : pos + 4], "little"),
        )
        if rec == 0x0022 and size >= 2:  # DATEMODE
            return int.from_bytes(stream[pos + 4 : pos + 6], "little") == 1
        if rec == 0x000A and pos > 0:  # EOF of the workbook globals
            break
        pos += 4 + size
    return False


def _ole_stream(path: Path, names: tuple[str, ...]) -> bytes | None:
    """A stream of an OLE2 compound file, read with the minimum of the format (no library)."""
    data = path.read_bytes()
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None
    sector_size = 1 << int.from_bytes(data[30:32], "little")
    mini_size = 1 << int.from_bytes(data[32:34], "little")
    n_fat = int.from_bytes(data[44:48], "little")
    dir_start = int.from_bytes(data[48:52], "little")
    mini_cutoff = int.from_bytes(data[56:60], "little")
    minifat_start = int.from_bytes(data[60:64], "little")
    difat_start = int.from_bytes(data[68:72], "little")
    n_difat = int.from_bytes(data[72:76], "little")

    def sector(i: int) -> bytes:
        off = (i + 1) * sector_size
        return data[off : off + sector_size]

    fat_sectors = [int.from_bytes(data[76 + 4 * k : 80 + 4 * k], "little") for k in range(109)]
    nxt = difat_start
    for _k in range(n_difat):
        if nxt >= 0xFFFFFFFA:
            break
        block = sector(nxt)
        ints = [int.from_bytes(block[4 * k : 4 * k + 4], "little") for k in range(len(block) // 4)]
        fat_sectors.extend(ints[:-1])
        nxt = ints[-1]
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        block = sector(s)
        fat.extend(
            int.from_bytes(block[4 * k : 4 * k + 4], "little") for k in range(len(block) // 4)
        )

    def chain(start: int, table: list[int]) -> list[int]:
        out, seen = [], set()
        while start < 0xFFFFFFFA and start not in seen and start < len(table):
            seen.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(dir_start, fat))
    entries = []
    for k in range(len(directory) // 128):
        e = directory[128 * k : 128 * (k + 1)]
        name_len = int.from_bytes(e[64:66], "little")
        name = e[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
        start = int.from_bytes(e[116:120], "little")
        size = int.from_bytes(e[120:124], "little")
        entries.append((name, e[66], start, size))
    root_start = entries[0][2] if entries else 0
    for name, _kind, start, size in entries:
        if name not in names:
            continue
        if size >= mini_cutoff:
            return b"".join(sector(s) for s in chain(start, fat))[:size]
        minifat_raw = b"".join(sector(s) for s in chain(minifat_start, fat))
        minifat = [
            int.from_bytes(minifat_raw[4 * k : 4 * k + 4], "little")
            for k in range(len(minifat_raw) // 4)
        ]
        mini_stream = b"".join(sector(s) for s in chain(root_start, fat))
        return b"".join(
            mini_stream[m * mini_size : (m + 1) * mini_size] for m in chain(start, minifat)
        )[:size]
    return None


# --------------------------------------------------------------------------- finding the table


def _sample_grid(
    book: _Book,
    sheet: str,
    n_rows: int = SAMPLE_ROWS,
    uncalculated: dict[tuple[int, int], bool] | None = None,
) -> tuple[list[list[object]], bool]:
    """The first rows of ``sheet`` as a grid; True when the cells carry their real types."""
    if book.xlsx is not None and book.zf is not None:
        info = book.xlsx.sheet(sheet)
        if info is not None and info.part:
            try:
                grid = xlsx_peek.peek_rows(book.zf, book.xlsx, info, n_rows, uncalculated)
                return grid, True
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
        raise _translate_error(book.path, exc) from exc
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
    book: _Book,
    sheet: str,
    options: LoadOptions,
    uncalculated: dict[tuple[int, int], bool] | None = None,
) -> tuple[HeaderLayout, int]:
    """Detect the layout of ``sheet``; returns it and the number of data rows in the sample."""
    header_row = max(options.header_row - 1, 0) if options.header_row else None
    grid, _typed = _sample_grid(book, sheet, SAMPLE_ROWS + (header_row or 0), uncalculated)
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


def _choose_sheet(
    book: _Book, options: LoadOptions, notes: list[LoadNote]
) -> tuple[str, HeaderLayout]:
    names = book.sheets
    if options.sheet is not None:
        if options.sheet not in names:
            raise DataLoadError(
                _("The workbook {name} has no sheet called “{sheet}”.").format(
                    name=book.path.name, sheet=options.sheet
                ),
                _("Its sheets are: {sheets}. Choose one of them.").format(
                    sheets=", ".join(f"“{s}”" for s in names)
                ),
            )
        layout, n_data = _find_table(book, options.sheet, options)
        if not layout.found:
            others = [s for s in names if s != options.sheet]
            hint = (
                _("Choose another sheet: {sheets}.").format(
                    sheets=", ".join(f"“{s}”" for s in others)
                )
                if others
                else _("Check that this is the right file.")
            )
            raise DataLoadError(
                _("The sheet “{sheet}” of {name} is empty: it holds no table.").format(
                    sheet=options.sheet, name=book.path.name
                ),
                hint,
            )
        if len(names) > 1:
            notes.append(
                LoadNote(
                    "sheet",
                    say(
                        "Read the sheet “{sheet}”, as chosen ({n} sheets in the workbook).",
                        sheet=options.sheet,
                        n=len(names),
                    ),
                    details={"sheet": options.sheet, "sheets": names, "chosen_by": "user"},
                )
            )
        return options.sheet, layout

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
                if skipped:
                    message = say_n(
                        "Read the sheet “{sheet}”: the sheet before it ({skipped}) holds no table.",
                        "Read the sheet “{sheet}”: the sheets before it ({skipped}) hold no table.",
                        len(skipped),
                        sheet=sheet,
                        skipped=", ".join(f"“{s}”" for s in skipped),
                    )
                else:
                    message = say(
                        "Read the sheet “{sheet}”, the first of {n} sheets; choose another "
                        "sheet if this is not the right one.",
                        sheet=sheet,
                        n=len(names),
                    )
                notes.append(
                    LoadNote(
                        "sheet",
                        message,
                        details={
                            "sheet": sheet,
                            "sheets": names,
                            "skipped": skipped,
                            "chosen_by": "detected",
                        },
                    )
                )
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


# --------------------------------------------------------------------------- full read


def _load_batch(
    book: _Book, sheet: str, skip: int, dtypes: dict[str, str], n_rows: int | None = None
) -> tuple[pa.RecordBatch, Any, list[Any]]:
    """Read the sheet from row ``skip`` (0-based) on; return the batch, cell errors, columns."""
    reader = book.reader
    fe = _fastexcel()
    dtypes = dict(dtypes)
    all_text = False
    for _attempt in range(1000):
        try:
            sheet_obj = reader.load_sheet(
                sheet,
                header_row=None,
                skip_rows=skip,
                n_rows=n_rows,
                schema_sample_rows=None,
                dtype_coercion="coerce",
                dtypes="string" if all_text else (dtypes or None),
                whitespace_as_null=True,
                skip_whitespace_tail_rows=True,
            )
            batch, errors = sheet_obj.to_arrow_with_errors()
            return batch, errors, sheet_obj.selected_columns
        except fe.UnsupportedColumnTypeCombinationError as exc:
            # e.g. numbers and durations in one column: read that column as text
            m = _UNSUPPORTED_RE.search(str(exc))
            if all_text:
                raise _damaged_error(book.path, exc) from exc
            if not m or m.group(1) in dtypes:
                all_text = True
            else:
                dtypes[m.group(1)] = "string"
        except fe.FastExcelError as exc:
            raise _translate_error(book.path, exc) from exc
    raise _damaged_error(book.path, "column types")


def _classify_cell_errors(errors: Any, n_cols: int) -> tuple[dict[int, Counter], dict[int, dict]]:
    """Split calamine's cell errors into Excel error cells and values that lost their type."""
    excel: dict[int, Counter] = {}
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


def _mixed_dates(col: pa.Array, date1904: bool) -> tuple[str, Any, int] | None:
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


def _footer(batch: pa.RecordBatch) -> tuple[int, list[tuple[int, str]]] | None:
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


def _is_empty_mask(batch: pa.RecordBatch) -> np.ndarray:
    empty = np.ones(batch.num_rows, dtype=bool)
    for col in batch.columns:
        if col.null_count == 0:
            return np.zeros(batch.num_rows, dtype=bool)
        empty &= col.is_null().to_numpy(zero_copy_only=False)
    return empty


def _excel_rows(positions: np.ndarray | list[int], first_data_row: int, limit: int = 5) -> str:
    shown = [str(first_data_row + int(p)) for p in list(positions)[:limit]]
    if len(positions) > limit:
        shown.append("…")
    return ", ".join(shown)


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
    book = _open_book(path, fmt)
    try:
        return _read(book, options, ctx)
    finally:
        book.close()


def _read(book: _Book, options: LoadOptions, ctx: JobContext) -> RawTable:
    notes: list[LoadNote] = []
    path = book.path
    sheet, layout = _choose_sheet(book, options, notes)
    ctx.progress(0.05, _("Reading the sheet “{sheet}”…").format(sheet=sheet))
    uncalculated: dict[tuple[int, int], bool] = {}
    if book.xlsx is not None:
        _sample_grid(book, sheet, layout.data_start + SAMPLE_ROWS, uncalculated)

    batch, errors, columns_info = _load_batch(book, sheet, layout.data_start, {})
    ctx.check()
    positions = [c.absolute_index for c in columns_info][: batch.num_columns]
    excel_errors, extra = _classify_cell_errors(errors, batch.num_columns)
    forced: dict[str, str] = {}
    if extra["mismatched"]:
        # calamine could not keep some values in the column's type: read those as text
        forced = {columns_info[c].name: "string" for c in extra["mismatched"]}
        batch, errors, columns_info = _load_batch(book, sheet, layout.data_start, forced)
        positions = [c.absolute_index for c in columns_info][: batch.num_columns]
        excel_errors, extra = _classify_cell_errors(errors, batch.num_columns)
    footer = _footer(batch)
    if footer is not None:
        # notes under the table would turn number columns into text: read again without them
        batch, errors, columns_info = _load_batch(
            book, sheet, layout.data_start, forced, n_rows=footer[0]
        )
        positions = [c.absolute_index for c in columns_info][: batch.num_columns]
        excel_errors, extra = _classify_cell_errors(errors, batch.num_columns)
    ctx.progress(0.75, _("Tidying the table…"))

    first_data_row = layout.data_start + 1  # Excel row number of data position 0
    header_rows_excel = [r + 1 for r in layout.header_rows]

    # empty rows: dropped, but they keep their place in the numbering; those after the last
    # row of data (before notes, say) are not worth a note
    empty_rows = _is_empty_mask(batch) if batch.num_rows else np.zeros(0, dtype=bool)
    filled = np.flatnonzero(~empty_rows)
    if len(filled) and filled[-1] + 1 < batch.num_rows:
        batch = batch.slice(0, int(filled[-1]) + 1)
        empty_rows = empty_rows[: batch.num_rows]
    keep_rows = ~empty_rows
    n_empty = int(empty_rows.sum())

    arrays: list[pa.Array] = []
    raw_names: list[str] = []
    kept_positions: list[int] = []
    kept_src: list[int] = []
    dropped_cols: list[int] = []
    serial_notes: list[tuple[int, int]] = []
    object_cols: dict[int, np.ndarray] = {}  # cells of mixed types, for settle_kinds
    for j, pos in enumerate(positions):
        col = batch.column(j)
        name = layout.names.get(pos, "")
        has_values = col.null_count < len(col)
        if not has_values and not name.strip():
            dropped_cols.append(pos)
            continue
        if pa.types.is_date32(col.type) or pa.types.is_date64(col.type):
            col = pc.cast(col, pa.timestamp("ms"))
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            mixed = _mixed_dates(col, book.date1904)
            if mixed is not None and mixed[0] == "datetime":
                col = mixed[1]
                serial_notes.append((len(arrays), mixed[2]))
            elif mixed is not None:
                object_cols[len(arrays)] = mixed[1][keep_rows] if n_empty else mixed[1]
                col = pa.nulls(len(col), pa.null())
        if n_empty:
            col = col.filter(pa.array(keep_rows))
        arrays.append(col)
        raw_names.append(name)
        kept_positions.append(pos)
        kept_src.append(j)

    names, name_notes = make_unique_names(raw_names)
    n_rows = int(keep_rows.sum())
    if not arrays or n_rows < MIN_DATA_ROWS:
        raise _too_small(path, sheet, n_rows, header_rows_excel)

    table = pa.Table.from_arrays(arrays, names=[f"c{k}" for k in range(len(arrays))])
    frame = table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    for k, cells in object_cols.items():
        frame.isetitem(k, pd.Series(cells, index=frame.index, dtype=object))
    frame.columns = pd.Index(names, dtype=object)
    if n_empty:
        frame.index = pd.Index(np.flatnonzero(keep_rows), dtype="int64")
    frame.attrs["first_data_row"] = first_data_row
    frame.attrs["sheet"] = sheet
    frame.attrs["date1904"] = book.date1904  # serial numbers left to settle_kinds count from it

    # ---- notes
    if layout.has_header:
        notes.extend(_header_notes(layout, header_rows_excel, kept_positions, names))
    else:
        notes.append(
            LoadNote(
                "no_header",
                say(
                    "No row of column names was found; the columns are called “Column 1”, "
                    "“Column 2”, …, and the data starts in row {row}.",
                    row=first_data_row,
                ),
                details={"data_start_row": first_data_row},
            )
        )
    for k, n_serial in serial_notes:
        notes.append(
            LoadNote(
                "serial_dates",
                say_n(
                    "Column “{col}” mixes dates with {n} plain number; it was read as a date "
                    "serial number ({system} date system).",
                    "Column “{col}” mixes dates with {n} plain numbers; they were read as date "
                    "serial numbers ({system} date system).",
                    n_serial,
                    col=names[k],
                    n=n_serial,
                    system="1904" if book.date1904 else "1900",
                ),
                column=names[k],
                details={"count": n_serial, "date1904": book.date1904},
            )
        )
    if footer is not None:
        rows = [first_data_row + i for i, _text in footer[1]]
        texts = [text for _i, text in footer[1]]
        notes.append(
            LoadNote(
                "dropped_footer_rows",
                say_n(
                    "{n} row under the table (a note or a total) was left out: row {rows} "
                    "(“{text}”).",
                    "{n} rows under the table (notes or totals) were left out: rows {rows} "
                    "(“{text}”…).",
                    len(rows),
                    n=len(rows),
                    rows=", ".join(map(str, rows)),
                    text=texts[0][:60],
                ),
                details={"rows": rows, "texts": texts},
            )
        )
    if n_empty:
        where = np.flatnonzero(empty_rows)
        notes.append(
            LoadNote(
                "dropped_empty_rows",
                say_n(
                    "{n} empty row was left out (row {rows}).",
                    "{n} empty rows were left out (rows {rows}).",
                    n_empty,
                    n=n_empty,
                    rows=_excel_rows(where, first_data_row),
                ),
                details={"count": n_empty, "rows": [first_data_row + int(p) for p in where[:100]]},
            )
        )
    # empty columns around the table (beside a title, say) go silently; those inside it are noted
    inner = [
        p for p in dropped_cols if kept_positions and kept_positions[0] < p < kept_positions[-1]
    ]
    if inner:
        letters = [xlsx_peek.column_letter(p) for p in inner]
        notes.append(
            LoadNote(
                "dropped_empty_columns",
                say_n(
                    "{n} empty column without a name was left out ({cols}).",
                    "{n} empty columns without a name were left out ({cols}).",
                    len(inner),
                    n=len(inner),
                    cols=", ".join(letters),
                ),
                details={"count": len(inner), "columns": letters},
            )
        )
    src_to_name = {src: names[k] for k, src in enumerate(kept_src)}
    for j, codes in sorted(excel_errors.items()):
        if j not in src_to_name:
            continue
        total = sum(codes.values())
        kinds = ", ".join(f"{code} ×{n}" for code, n in codes.most_common())
        rows = sorted(p for lst in extra["rows"].get(j, {}).values() for p in lst)
        notes.append(
            LoadNote(
                "error_cells",
                say_n(
                    "Column “{col}” has {n} Excel error cell ({kinds}); it is treated as missing.",
                    "Column “{col}” has {n} Excel error cells ({kinds}); they are treated as "
                    "missing.",
                    total,
                    col=src_to_name[j],
                    n=total,
                    kinds=kinds,
                ),
                column=src_to_name[j],
                details={
                    "count": total,
                    "codes": dict(codes),
                    "rows": [first_data_row + p for p in rows[:100]],
                },
            )
        )
    name_of_position = dict(zip(kept_positions, names, strict=False))
    blank_formulas = Counter(
        name_of_position[c]
        for (r, c) in uncalculated
        if r >= layout.data_start and c in name_of_position
    )
    for col_name, count in blank_formulas.items():
        notes.append(
            LoadNote(
                "uncalculated_formulas",
                say_n(
                    "Column “{col}” has {n} formula whose result was never saved (the file was "
                    "written by a program, not by Excel); it reads as empty. Open the file in "
                    "Excel, save it, and load it again to get the results.",
                    "Column “{col}” has {n} formulas whose results were never saved (the file "
                    "was written by a program, not by Excel); they read as empty. Open the file "
                    "in Excel, save it, and load it again to get the results.",
                    count,
                    col=col_name,
                    n=count,
                ),
                column=col_name,
                details={"count": count, "in_first_rows": layout.data_start + SAMPLE_ROWS},
            )
        )
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


def _header_notes(
    layout: HeaderLayout, header_rows: list[int], positions: list[int], names: list[str]
) -> list[LoadNote]:
    notes: list[LoadNote] = []
    first, last = header_rows[0], header_rows[-1]
    rows_text = str(first) if first == last else f"{first}–{last}"
    if layout.detected:
        parts = [
            say("The column names are in row {rows}.", rows=rows_text)
            if first == last
            else say("The column names are in rows {rows}.", rows=rows_text)
        ]
        if first > 1:
            parts.append(
                say_n(
                    "The {n} row above the names (a title, a note or blank) was skipped.",
                    "The {n} rows above the names (titles, notes or blank rows) were skipped.",
                    first - 1,
                    n=first - 1,
                )
            )
        message = say_join(parts)
    else:
        message = say("The column names are read from row {rows}, as chosen.", rows=rows_text)
    notes.append(
        LoadNote(
            "header_row",
            message,
            details={
                "header_row": first,
                "header_rows": header_rows,
                "skipped_rows": first - 1,
                "detected": layout.detected,
            },
        )
    )
    name_of = dict(zip(positions, names, strict=False))
    if layout.joined or layout.filled_columns:
        examples = [name_of[c] for c in layout.columns if c in name_of and " / " in name_of[c]][
            :3
        ] or [name_of[c] for c in layout.filled_columns if c in name_of][:3]
        notes.append(
            LoadNote(
                "merged_header",
                say(
                    "The column names span rows {rows} (merged or grouped header cells); their "
                    "parts are joined with “ / ”, e.g. {examples}.",
                    rows=rows_text,
                    examples=", ".join(f"“{e}”" for e in examples),
                ),
                details={"header_rows": header_rows, "examples": examples},
            )
        )
    return notes
