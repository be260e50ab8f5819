"""The Data pane's sentences, and the plain wording of sizes, shapes and sources."""

from __future__ import annotations

import datetime as dt

from workbench.i18n import _, ngettext
from workbench.tables.table import ColumnKind, LoadedTable

# -- the pane's sentences -----------------------------------------------------------------
TITLE = _("Data")
OPEN_FILE = _("Open data file…")
NO_FILE = _("No data loaded yet. Open a CSV, text or Excel file; the file itself is never changed.")
SHEET = _("Sheet:")
HEADER_ROW = _("Column names in row:")
HEADER_AUTO = _("found automatically")
CANCEL = _("Cancel")
NOTES_TITLE = _("What was found while reading")
TYPES_TITLE = _("Column types (change one to reload the file with it)")
SOURCE_TITLE = _("Source file")
COLUMN = _("Column")
KIND = _("Kind")
FILE_DIALOG_TITLE = _("Open a data file")
FILE_TYPES = _("Data files ({patterns})")
LOADING = _("Reading {name}…")
FILE_SHAPE = _("{name} — {shape}")
LOADED = _("Loaded {shape}.")
LOAD_CANCELLED = _("Loading was cancelled; the previous data is kept.")
KIND_LABELS = {
    ColumnKind.NUMERIC: _("numbers"),
    ColumnKind.CATEGORICAL: _("categories"),
    ColumnKind.BOOLEAN: _("yes / no"),
    ColumnKind.DATETIME: _("dates and times"),
    ColumnKind.TEXT: _("free text"),
    ColumnKind.ID: _("identifiers"),
}
KIND_OVERRIDDEN = _("{kind} (your choice)")


def shape_text(rows: int, columns: int) -> str:
    """E.g. "10,100 rows × 18 columns"."""
    rows_text = ngettext("{n} row", "{n} rows", rows).format(n=f"{rows:,}")
    cols_text = ngettext("{n} column", "{n} columns", columns).format(n=f"{columns:,}")
    return _("{rows} × {columns}").format(rows=rows_text, columns=cols_text)


def size_text(size: int) -> str:
    """A file size in plain units."""
    if size < 1024:
        return _("{n} bytes").format(n=size)
    if size < 1024**2:
        return _("{n:.1f} KB").format(n=size / 1024)
    if size < 1024**3:
        return _("{n:.1f} MB").format(n=size / 1024**2)
    return _("{n:.2f} GB").format(n=size / 1024**3)


def source_lines(table: LoadedTable) -> list[str]:
    """Where the data came from, one fact per line."""
    src = table.source
    modified = dt.datetime.fromtimestamp(src.modified).strftime("%Y-%m-%d %H:%M")
    lines = [
        _("File: {path}").format(path=src.path),
        _("Size: {size}, last changed {when}").format(size=size_text(src.size), when=modified),
        _("Fingerprint (SHA-256): {short}…").format(short=src.sha256[:12]),
        _("Loaded: {shape}").format(shape=shape_text(table.n_rows, table.n_columns)),
    ]
    if table.options.sheet:
        lines.append(_("Sheet: {sheet}").format(sheet=table.options.sheet))
    return lines
