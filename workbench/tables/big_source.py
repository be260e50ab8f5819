"""A data file read in record batches, never whole: the way in for files larger than memory.

Parquet is read row group by row group (``pyarrow.parquet.ParquetFile.iter_batches``: only the
columns asked for are read; the row count comes from the file's metadata; measured against
``pyarrow.dataset`` in :meth:`BigSource._parquet_batches`). A CSV/TSV file is planned from its
first bytes exactly as the in-memory reader plans it (:func:`workbench.tables.csv_plan.make_plan`:
encoding, separator, header row, decimal mark) and streamed by pyarrow's CSV reader, which
converts each block to the types it inferred from the first block. A column whose values change
type further down (numbers, then text) stops the stream with a plain message: the in-memory
reader would read it as text.

:func:`estimate_frame_bytes` tells how much memory the loaded table would take, from a sample
of its first rows, so the caller can decide between loading it and sampling it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables.table import LoadOptions

BATCH_ROWS = 262_144  # rows per record batch of a Parquet scan
CSV_BLOCK = 8 << 20  # bytes per CSV block; the first one decides the column types
_HEAD_BYTES = 1 << 18
HEAD_ROWS = 20_000  # rows read to estimate the memory a row takes


@dataclass
class BigSource:
    """A file to be read in batches: its format, column names and (estimated) row count."""

    path: Path
    format: str  # "parquet" | "csv"
    columns: list[str]
    rows: int  # exact for Parquet; for CSV estimated from the size and the first rows
    rows_exact: bool
    options: LoadOptions = field(default_factory=LoadOptions)
    _plan: Any = None  # the CSV plan (workbench.tables.csv_plan.CsvPlan)

    def batches(self, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """The file's rows in order, batch by batch (only ``columns``, when given)."""
        try:
            if self.format == "parquet":
                yield from self._parquet_batches(columns)
            else:
                yield from self._csv_batches(columns)
        except pa.ArrowInvalid as exc:
            raise DataLoadError(
                _("{name} could not be read to the end in pieces ({reason}).").format(
                    name=self.path.name, reason=str(exc)[:200]
                ),
                _(
                    "A column probably changes from numbers to text further down. Load a "
                    "smaller part of the file, or save it as Parquet from the source system."
                ),
            ) from exc

    def _parquet_batches(self, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
        import pyarrow.parquet as pq

        # Row group by row group. Measured on 10M x 50 (1.5 GB file, 2 busy cores): peak
        # 520 MB in 20 s, against 3,931 MB in 42 s for pyarrow.dataset's scanner with its
        # default read-ahead (2,122-2,467 MB with read-ahead cut to 1-4 batches).
        with pq.ParquetFile(self.path, pre_buffer=False) as parquet:
            yield from parquet.iter_batches(
                batch_size=BATCH_ROWS, columns=columns, use_threads=True
            )

    def _csv_batches(self, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
        import pyarrow.csv as pacsv

        plan = self._plan
        names = list(self.columns)
        read = pacsv.ReadOptions(
            column_names=names,
            skip_rows=plan.data_line,
            block_size=CSV_BLOCK,
            encoding=plan.encoding.codec,
        )
        parse = pacsv.ParseOptions(
            delimiter=plan.delimiter,
            newlines_in_values=plan.multiline,
        )
        convert = pacsv.ConvertOptions(
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            decimal_point=plan.decimal,
            include_columns=columns,
            column_types={names[j]: pa.string() for j in plan.string_columns},
        )
        with pacsv.open_csv(
            self.path, read_options=read, parse_options=parse, convert_options=convert
        ) as reader:
            for batch in reader:
                if batch.num_rows:
                    yield batch

    def head(self, rows: int = HEAD_ROWS) -> pa.Table:
        """The first ``rows`` rows (or fewer), all columns."""
        taken: list[pa.RecordBatch] = []
        n = 0
        for batch in self.batches():
            taken.append(batch.slice(0, rows - n))
            n += taken[-1].num_rows
            if n >= rows:
                break
        if not taken:
            raise DataLoadError(
                _("The file {name} has column names but no rows of data.").format(
                    name=self.path.name
                ),
                _("Check that the export finished, or that you picked the right file."),
            )
        return pa.Table.from_batches(taken)


def open_big_source(path: str | os.PathLike[str], options: LoadOptions | None = None) -> BigSource:
    """Open ``path`` (Parquet or delimited text) for reading in batches.

    Raises :class:`DataLoadError` for a workbook (those are read whole) or a damaged file.
    """
    from workbench.tables.file_format import detect_format

    p = Path(path)
    fmt = detect_format(p)
    options = options or LoadOptions()
    if fmt == "parquet":
        return _open_parquet(p, options)
    if fmt != "csv":
        raise DataLoadError(
            _("{name} is a workbook; only Parquet and CSV files are read in pieces.").format(
                name=p.name
            ),
            _("Excel holds at most 1,048,576 rows per sheet: load the workbook as usual."),
        )
    return _open_csv(p, options)


def _open_parquet(path: Path, options: LoadOptions) -> BigSource:
    import pyarrow.parquet as pq

    from workbench.tables.parquet_reader import damaged_parquet

    try:
        meta = pq.ParquetFile(path)
        names = [str(n) for n in meta.schema_arrow.names]
        rows = int(meta.metadata.num_rows)
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise damaged_parquet(path, exc) from exc
    return BigSource(path, "parquet", names, rows, True, options)


def _open_csv(path: Path, options: LoadOptions) -> BigSource:
    from workbench.tables.csv_plan import make_plan
    from workbench.tables.names import make_unique_names
    from workbench.tables.source import unreadable

    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    plan = make_plan(path.name, head, size, options)
    header = list(plan.header) + [""] * (plan.width - len(plan.header))
    names, _notes = make_unique_names(header if plan.has_header else [""] * plan.width)
    # Rows from the size: the bytes of the data lines in the sample over their count.
    sample = head[plan.data_offset :]
    lines = max(1, sample.count(b"\n"))
    per_line = max(1.0, (sample.rfind(b"\n") + 1) / lines)
    rows = max(1, int((size - plan.data_offset) / per_line))
    return BigSource(path, "csv", names, rows, len(head) >= size, options, plan)


def estimate_frame_bytes(source: BigSource, rows: int = HEAD_ROWS) -> int:
    """Memory the whole table would take as a pandas frame, from its first ``rows`` rows."""
    from workbench.tables.parquet_reader import arrow_to_frame

    head = source.head(rows)
    frame = arrow_to_frame(head)
    per_row = frame.memory_usage(deep=True, index=False).sum() / max(1, len(frame))
    return int(per_row * source.rows)
