"""Write the cleaned table to a CSV or Excel file, for colleagues and other tools.

The file is written beside its final name and renamed into place, so a failed or cancelled
export never leaves half a file. CSV is UTF-8 with a byte-order mark (Excel on a Korean
Windows then reads Hangul right, and pandas reads it back as it was). In an Excel file a text
that starts with "=" stays text: openpyxl would otherwise store it as a formula that Excel runs.
Cells a recipe step predicted are marked (see :mod:`workbench.tables.predicted_export`).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.atomic import write_bytes_atomic
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.steps.predicted_cells import PredictedCells
from workbench.tables.predicted_export import MarkedFrame, with_marks

#: Excel's sheet limit, the header row included.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
FORMATS = (".csv", ".xlsx")
_CHUNK = 5_000  # rows between progress reports (and cancel checks)
PREDICTED_FILL = "DDEBF7"  # light blue, as in the data grid: a value Workbench predicted


def _unknown_format(path: Path) -> WorkbenchError:
    return WorkbenchError(
        _("Workbench cannot write a {suffix} file.").format(suffix=path.suffix or "?"),
        _("Choose a name ending in .csv or .xlsx."),
    )


def _cannot_write(path: Path, exc: OSError) -> WorkbenchError:
    return WorkbenchError(
        _("The table could not be written to {path}: {reason}").format(
            path=path, reason=exc.strerror or exc
        ),
        _(
            "Check that the folder exists, that you may write to it, and that the file is not "
            "open in Excel."
        ),
    )


def export_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    ctx: JobContext,
    predicted: dict[str, PredictedCells] | None = None,
) -> Path:
    """Write ``frame`` (no index) to ``path``: ``.csv`` or ``.xlsx``; returns the path.

    ``predicted`` (a recipe result's predicted cells) adds a confidence column beside each
    column with predicted values."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise _unknown_format(path)
    try:
        if suffix == ".csv":
            ctx.progress(0.1, _("Writing {name}…").format(name=path.name))
            marked = with_marks(frame, predicted, as_text=True).frame
            text = marked.to_csv(index=False, lineterminator="\r\n")
            ctx.progress(0.8, "")
            write_bytes_atomic(path, text.encode("utf-8-sig"))
        else:
            _write_xlsx(with_marks(frame, predicted, as_text=False), path, ctx)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    ctx.progress(1.0, "")
    return path


def _cell_value(value: Any) -> Any:
    """A value openpyxl writes as it is: plain numbers, datetimes, text; missing → empty."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, pd.Timedelta):
        return str(value)
    return value


def _write_xlsx(marked: MarkedFrame, path: Path, ctx: JobContext) -> None:
    frame = marked.frame
    if len(frame) + 1 > EXCEL_MAX_ROWS or frame.shape[1] > EXCEL_MAX_COLUMNS:
        raise WorkbenchError(
            _("The table has {rows:,} rows; an Excel sheet holds at most {limit:,}.").format(
                rows=len(frame), limit=EXCEL_MAX_ROWS - 1
            ),
            _("Export it as CSV instead (no row limit)."),
        )
    # The temporary file first: a folder that cannot be written fails before any work.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    try:
        _fill_book(marked, path, ctx).save(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _fill_book(marked: MarkedFrame, path: Path, ctx: JobContext) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    frame = marked.frame
    shade = PatternFill("solid", start_color=PREDICTED_FILL, end_color=PREDICTED_FILL)
    shaded = [marked.shaded.get(str(c)) for c in frame.columns]
    percents = [str(c) in marked.percent_columns for c in frame.columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cleaned data"))
    sheet.append([str(c) for c in frame.columns])
    columns = [
        frame[c].astype(object) if frame[c].dtype == "category" else frame[c] for c in frame.columns
    ]
    n = len(frame)
    for start in range(0, n, _CHUNK):
        ctx.progress(0.9 * start / max(n, 1), _("Writing {name}…").format(name=path.name))
        block = [col.iloc[start : start + _CHUNK].tolist() for col in columns]
        for offset, row in enumerate(zip(*block, strict=True)):
            cells = []
            for j, value in enumerate(row):
                value = _cell_value(value)
                mask = shaded[j]
                if isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula Excel would run
                    cells.append(cell)
                elif (mask is not None and mask[start + offset]) or (
                    percents[j] and value is not None
                ):
                    cell = WriteOnlyCell(sheet, value=value)
                    if percents[j]:
                        cell.number_format = "0%"
                    else:
                        cell.fill = shade  # a predicted value, not a measured one
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    if marked.notes:
        about = book.create_sheet(_("About predicted values"))
        for line in marked.notes:
            about.append([line])
    return book
