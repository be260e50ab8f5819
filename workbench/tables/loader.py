"""Load any supported data file into a :class:`LoadedTable` — one entry point for all formats."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.tables.file_format import EXCEL_FORMATS, detect_format
from workbench.tables.source import Fingerprinter
from workbench.tables.table import LoadedTable, LoadOptions, OnRead, RawTable


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
        from workbench.tables.excel_worker import read_excel_isolated

        return read_excel_isolated(path, fmt, options, ctx)
    if fmt == "parquet":
        from workbench.tables.parquet_reader import read_parquet_raw

        return read_parquet_raw(path, options, ctx, on_read)
    from workbench.tables.csv_reader import read_csv_raw

    return read_csv_raw(path, options, ctx, on_read)


def load_table(
    path: str | os.PathLike[str], options: LoadOptions | None = None, ctx: JobContext | None = None
) -> LoadedTable:
    """Load a CSV/TSV/TXT, Excel/ODS or Parquet file; never changes the file.

    Raises :class:`DataLoadError` with a plain-language message for anything unreadable.
    """
    from workbench.tables.types import settle_kinds

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
