"""Open an Excel/ODS workbook through fastexcel (calamine) and read cells from it.

One job: the workbook as a file. Opening it (a wrong suffix is read by content), turning the
library's failures into plain :class:`DataLoadError` messages (password, damaged, missing,
locked), listing its sheets, the workbook facts the reader needs (:class:`Book`: hidden sheets,
the 1900/1904 date system, read from the zip for xlsx and from the OLE2 DATEMODE record for
xls), and loading a sheet's cells into an Arrow record batch (:func:`load_batch`).
"""

from __future__ import annotations

import dataclasses
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables import xlsx_peek

# What a damaged workbook raises on its way through zipfile, zlib, XML and calamine. calamine's
# Rust panics arrive as pyo3's PanicException, a BaseException (``except Exception`` misses it).
_DAMAGE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    OverflowError,
    SyntaxError,  # xml.etree's ParseError
    RecursionError,
    MemoryError,
    struct.error,
    OSError,
)


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` is how a damaged workbook fails (not a bug of ours, not a cancel)."""
    return isinstance(exc, _DAMAGE_ERRORS) or type(exc).__name__ == "PanicException"


_UNSUPPORTED_RE = re.compile(r"could not determine dtype for column (.+?)\s*$", re.MULTILINE)

# --------------------------------------------------------------------------- opening


def _fastexcel() -> ModuleType:
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


def translate_error(path: Path, exc: BaseException) -> DataLoadError:
    """The plain-language error for a failure of the Excel library (or of the file system)."""
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
        raise translate_error(path, exc) from exc


def list_sheets(path: str | Path) -> list[str]:
    """The names of the workbook's sheets, in workbook order (``[]`` for a CSV/text file)."""
    from workbench.tables.file_format import EXCEL_FORMATS, detect_format

    p = Path(path)
    fmt = detect_format(p)
    if fmt == "encrypted":
        raise _password_error(p)
    if fmt not in EXCEL_FORMATS:
        return []  # a text file: no sheets
    try:
        return list(_open(p, fmt).sheet_names)
    except DataLoadError:
        raise
    except BaseException as exc:
        if is_damage(exc) or isinstance(exc, Exception):
            raise translate_error(p, exc) from exc
        raise


# --------------------------------------------------------------------------- workbook facts


@dataclasses.dataclass
class Book:
    """An open workbook and the facts the reader needs about it; ``close`` it when done."""

    path: Path
    fmt: str
    reader: Any
    sheets: list[str]
    hidden: set[str]
    date1904: bool
    zf: zipfile.ZipFile | None = None
    xlsx: xlsx_peek.XlsxBook | None = None
    # sheet -> {(row, column) 0-based: code} of error cells calamine does not know (#SPILL!,
    # #CALC!, ...), read as #N/A from a patched copy and given their own code back in the notes
    newer_errors: dict[str, dict[tuple[int, int], str]] = dataclasses.field(default_factory=dict)

    def close(self) -> None:
        if self.zf is not None:
            self.zf.close()


def open_book(path: Path, fmt: str) -> Book:
    """Open the workbook at ``path`` (format ``fmt``) and read its sheets and date system."""
    reader = _open(path, fmt)
    try:
        sheets = list(reader.sheet_names)
    except Exception as exc:  # calamine may fail late on a broken workbook part
        raise translate_error(path, exc) from exc
    book = Book(path, fmt, reader, sheets, set(), False)
    if fmt in ("xlsx", "xlsm"):
        try:
            zf = zipfile.ZipFile(path)
            xb = xlsx_peek.read_book(zf)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
            raise translate_error(path, exc) from exc
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


# --------------------------------------------------------------------------- cells


def load_batch(
    book: Book, sheet: str, skip: int, dtypes: dict[str, str], n_rows: int | None = None
) -> tuple[pa.RecordBatch, Any, list[Any]]:
    """Read the sheet from row ``skip`` (0-based) on; return the batch, cell errors, columns."""
    fe = _fastexcel()
    dtypes = dict(dtypes)
    all_text = False
    for _attempt in range(1000):
        try:
            sheet_obj = book.reader.load_sheet(  # (replaced by a patched copy, see below)
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
        except fe.CalamineCellError as exc:
            # an error cell (#NAME?) calamine cannot type its column around: read the column
            # as numbers (the error cell stays missing and is noted), else as text
            m = _UNSUPPORTED_RE.search(str(exc))
            if all_text or not m:
                raise _damaged_error(book.path, exc) from exc
            column = m.group(1)
            if column not in dtypes:
                dtypes[column] = "float"
            elif dtypes[column] == "float":
                dtypes[column] = "string"
            else:
                all_text = True
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
            if "Unsupported cell error value" in str(exc) and _patch_newer_errors(book):
                continue  # read again from the patched copy
            raise translate_error(book.path, exc) from exc
    raise _damaged_error(book.path, "column types")


# Error values of newer Excel versions (dynamic arrays, data types, Python in Excel).
_NEWER_ERROR_RE = re.compile(
    rb"<v>(#(?:SPILL!|CALC!|GETTING_DATA|FIELD!|UNKNOWN!|BLOCKED!|CONNECT!|BUSY!|EXTERNAL!"
    rb"|PYTHON!))</v>"
)
_CELL_START_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"')


def _patch_newer_errors(book: Book) -> bool:
    """Give calamine an in-memory copy of the workbook where error values it does not know
    read ``#N/A``, remembering where each was; False when there is nothing to patch."""
    if book.zf is None or book.xlsx is None or book.newer_errors:
        return False
    parts = {s.part: s.name for s in book.xlsx.sheets if s.part}
    found: dict[str, dict[tuple[int, int], str]] = {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in book.zf.infolist():
            data = book.zf.read(info)
            if info.filename in parts:
                cells: dict[tuple[int, int], str] = {}
                for match in _NEWER_ERROR_RE.finditer(data):
                    start = data.rfind(b"<c ", 0, match.start())
                    ref = _CELL_START_RE.match(data, start) if start >= 0 else None
                    if ref is not None:
                        row = int(ref.group(2)) - 1
                        col = xlsx_peek.column_index(ref.group(1).decode())
                        cells[(row, col)] = match.group(1).decode()
                if cells:
                    found[parts[info.filename]] = cells
                    data = _NEWER_ERROR_RE.sub(rb"<v>#N/A</v>", data)
            out.writestr(info, data)
    if not found:
        return False
    book.reader = _fastexcel().read_excel(buf.getvalue())
    book.newer_errors = found
    return True
