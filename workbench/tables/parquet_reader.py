"""Read a Parquet file into a :class:`RawTable`, and turn Arrow tables into frames the way the
CSV reader does (so :func:`workbench.tables.types.settle_kinds` sees the same dtypes).

Parquet carries its own types: numbers, timestamps and booleans arrive typed; text arrives as
strings (low-cardinality text as pandas ``category``). The index is the row's 0-based position
in the file. Files larger than memory do not come here whole: see
:mod:`workbench.tables.big_source`, which reads them in record batches.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.tables.table import LoadNote, LoadOptions, OnRead, RawTable

CATEGORY_SHARE = 0.5  # text with fewer distinct values than this share of rows is a category


def damaged_parquet(path: Path, exc: Exception) -> DataLoadError:
    """The plain message for a Parquet file Arrow cannot read."""
    return DataLoadError(
        _("The file {name} looks like a Parquet file but could not be read ({reason}).").format(
            name=path.name, reason=str(exc)[:200]
        ),
        _("Export it again from the source system, or save the table as CSV and load that."),
    )


def plain_arrow(table: pa.Table) -> pa.Table:
    """Types pandas and the kind checks handle: times of day as text, dates as timestamps,
    dictionaries decoded, large strings as strings."""
    for j, typ in enumerate(table.schema.types):
        col = table.column(j)
        if pa.types.is_dictionary(typ):
            col = col.cast(typ.value_type)
            typ = typ.value_type
        if pa.types.is_time(typ):
            col = col.cast(pa.string())
        elif pa.types.is_date(typ):
            col = col.cast(pa.timestamp("s"))
        elif pa.types.is_large_string(typ):
            col = col.cast(pa.string())
        elif pa.types.is_timestamp(typ) and typ.tz is not None:
            col = col.cast(pa.timestamp(typ.unit))  # wall-clock time, as the CSV reader gives
        if col is not table.column(j):
            table = table.set_column(j, table.field(j).name, col)
    return table


def arrow_to_frame(table: pa.Table, index: pd.Index | None = None) -> pd.DataFrame:
    """A pandas frame of ``table``: text with few distinct values as ``category``, other text
    as Python strings, numbers and timestamps as numpy dtypes."""
    table = plain_arrow(table)
    n = table.num_rows
    for j, typ in enumerate(table.schema.types):
        if pa.types.is_string(typ) and n:
            col = table.column(j)
            if pc.count_distinct(col).as_py() <= max(1, CATEGORY_SHARE * n):
                table = table.set_column(j, table.field(j).name, pc.dictionary_encode(col))
    frame = table.to_pandas(date_as_object=False, split_blocks=True)
    frame.index = index if index is not None else pd.RangeIndex(n)
    return frame


def read_parquet_raw(
    path: Path, options: LoadOptions, ctx: JobContext | None = None, on_read: OnRead | None = None
) -> RawTable:
    """Read the whole Parquet file ``path`` (never modified). ``on_read`` is not offered the
    bytes (Arrow reads the file itself); the fingerprint reads it separately."""
    import pyarrow.parquet as pq

    ctx = ensure_context(ctx)
    ctx.progress(0.0, _("Reading {name}").format(name=path.name))
    try:
        table = pq.read_table(path)
    except OSError as exc:  # a missing or locked file, or bytes that are no Parquet
        if isinstance(exc, FileNotFoundError | PermissionError):
            from workbench.tables.source import unreadable

            raise unreadable(path, exc) from exc
        raise damaged_parquet(path, exc) from exc
    except (pa.ArrowException, ValueError) as exc:
        raise damaged_parquet(path, exc) from exc
    ctx.check()
    if table.num_rows == 0:
        raise DataLoadError(
            _("The file {name} has column names but no rows of data.").format(name=path.name),
            _("Check that the export finished, or that you picked the right file."),
        )
    frame = arrow_to_frame(table)
    frame.columns = [str(c) for c in frame.columns]
    note = LoadNote(
        "file_format",
        _("Read as Parquet: column types come from the file."),
        details={"format": "parquet"},
    )
    ctx.progress(1.0)
    return RawTable(frame=frame, options=options, notes=[note])
