"""Load any supported data file into a :class:`LoadedTable` — one entry point for all formats."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.io.source import Fingerprinter, unreadable
from workbench.io.table import LoadedTable, LoadOptions, OnRead, RawTable
from workbench.jobs import JobContext, ensure_context

EXCEL_FORMATS = frozenset({"xlsx", "xlsm", "xls", "ods"})
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def detect_format(path: str | os.PathLike[str]) -> str:
    """Tell the file's real format from its first bytes, not its name.

    People send a .xls renamed to .xlsx, or a CSV saved as .xls; the bytes decide.
    Returns one of ``xlsx``, ``xlsm``, ``xls``, ``ods``, ``encrypted`` or ``csv``.
    """
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise unreadable(p, exc) from exc
    if head.startswith(_OLE2_MAGIC):
        return "encrypted" if _is_encrypted_ooxml(p) else "xls"
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(p, suffix)
    return "csv"


def _is_encrypted_ooxml(path: Path) -> bool:
    """A password-protected .xlsx is an OLE2 file holding an ``EncryptedPackage`` stream."""
    with path.open("rb") as fh:
        data = fh.read(1 << 16)
    return "EncryptedPackage".encode("utf-16-le") in data


def _zip_format(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, EOFError, OSError) as exc:
        # a broken central directory, a member name that is not text, a corrupt stream
        raise DataLoadError(
            _("The file {name} looks like an Excel workbook but is damaged.").format(
                name=path.name
            ),
            _("Open it in Excel, save a new copy, and load that copy."),
        ) from exc
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsm" if suffix == "xlsm" else "xlsx"
    raise DataLoadError(
        _("The file {name} is a zip archive, not a table.").format(name=path.name),
        _("Unpack it and load the CSV or Excel file inside."),
    )


def read_raw(
    path: str | os.PathLike[str],
    options: LoadOptions | None = None,
    ctx: JobContext | None = None,
    on_read: OnRead | None = None,
) -> tuple[str, RawTable]:
    """Read ``path`` with the reader for its format; column kinds are not settled yet.

    ``on_read(offset, data)`` is offered the file's bytes as a text file's reader reads them.
    """
    fmt = detect_format(path)
    return fmt, _read_format(Path(path), fmt, options, ensure_context(ctx), on_read)


def _read_format(
    path: Path,
    fmt: str,
    options: LoadOptions | None,
    ctx: JobContext,
    on_read: OnRead | None,
) -> RawTable:
    """Read ``path``, known to be in format ``fmt``, with the reader for that format."""
    options = options or LoadOptions()
    if fmt == "encrypted":
        raise DataLoadError(
            _("The workbook {name} is protected by a password.").format(name=path.name),
            _(
                "Open it in Excel, remove the password (File > Info > Protect Workbook), save a "
                "copy and load that copy."
            ),
        )
    if fmt in EXCEL_FORMATS:
        # In a worker process: calamine aborts the process on some damaged workbooks.
        from workbench.io.excel_worker import read_excel_isolated

        return read_excel_isolated(path, fmt, options, ctx)
    from workbench.io.csv_reader import read_csv_raw

    return read_csv_raw(path, options, ctx, on_read)


def load_table(
    path: str | os.PathLike[str], options: LoadOptions | None = None, ctx: JobContext | None = None
) -> LoadedTable:
    """Load a CSV/TSV/TXT or Excel/ODS file; never changes the file.

    Raises :class:`DataLoadError` with a plain-language message for anything unreadable.
    """
    from workbench.io.types import settle_kinds

    ctx = ensure_context(ctx)
    fmt = detect_format(path)
    # Hashing a large file takes a while; it runs on a thread beside the read: from the bytes
    # the text reader reads anyway, or from its own read of a workbook.
    with Fingerprinter(path, fmt) as fingerprinter:
        if fmt in EXCEL_FORMATS:
            fingerprinter.reading_done()  # the workbook reader offers nothing: start now
        raw = _read_format(Path(path), fmt, options, ctx.sub(0.0, 0.7), fingerprinter.offer)
        fingerprinter.reading_done()  # what is left is hashed while the kinds are settled
        typed = settle_kinds(raw.frame, raw.options, ctx.sub(0.7, 1.0))
        source = fingerprinter.result()
    raw.options.dayfirst = typed.dayfirst
    return LoadedTable(
        frame=typed.frame,
        kinds=typed.kinds,
        source=source,
        options=raw.options,
        notes=[*raw.notes, *typed.notes],
        sheets=raw.sheets,
    )
