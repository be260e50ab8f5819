"""Read a CSV/TSV/TXT file into a :class:`RawTable`: detect how it is written, then parse it.

The plan is made from a sample of the first bytes (:mod:`workbench.tables.csv_plan`, with the
guesses of :mod:`workbench.tables.text_sniff`); the user's overrides in :class:`LoadOptions` always
win. The file is read through a small stream that transcodes non-UTF-8 text, reports progress
and stops on cancel, and parsed by pyarrow: block by block on all cores, each block converted
into the frame while the next ones are parsed (:mod:`workbench.tables.csv_blocks`), or, when a
column's type changes past the first block or quoted values span lines, by pyarrow's table
reader, which gives the same frame. Files Arrow cannot take as they are (rows of uneven width,
every line wrapped in quotes) go through Python's csv module instead and arrive as strings.

Numbers and ISO dates that parse cleanly arrive typed; everything else (including numbers with
thousands separators) arrives as strings for :func:`workbench.tables.types.settle_kinds`, which
reads the decimal and thousands marks recorded in the options. Low-cardinality text columns
arrive as pandas ``category``. The index is each row's 0-based position among the file's data
rows (blank lines, which Arrow skips, are not counted); dropped empty rows leave gaps in it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from workbench.errors import DataLoadError
from workbench.i18n import _, say_n
from workbench.jobs import JobContext, ensure_context
from workbench.tables import text_sniff as sniff
from workbench.tables.csv_blocks import ArrowOptions, NotFast, read_in_blocks
from workbench.tables.csv_finish import finish_table
from workbench.tables.csv_plan import (
    MAX_COLUMNS,
    CsvPlan,
    delimiter_name,
    encoding_note,
    line_prefix,
    make_plan,
    too_wide_error,
)
from workbench.tables.punctuation_rows import has_content
from workbench.tables.table import LoadNote, LoadOptions, OnRead, RawTable

_SAMPLE = 1 << 18  # bytes read to plan the parse
_BLOCK = 1 << 21  # bytes per read and per Arrow parse block (measured: 1-2 MB beat 4 MB)
_RAGGED_LIMIT = 0.1  # above this share of uneven rows, the separator is wrong, not the rows
_DICT_LIMIT = 1000  # distinct values per block up to which Arrow reads text as categories


def read_csv_raw(
    path: Path, options: LoadOptions, ctx: JobContext | None = None, on_read: OnRead | None = None
) -> RawTable:
    """Read the delimited text file ``path`` (never modified); see the module docstring.

    ``on_read`` is offered every piece of the file as it is read (to hash it on the way).
    """
    ctx = ensure_context(ctx)
    ctx.progress(0.0, _("Reading {name}").format(name=path.name))
    on_read = on_read or _ignore
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_SAMPLE)
        on_read(0, head)
        plan = make_plan(path.name, head, size, options)
        ctx.progress(0.02)
        frame, plan, notes = _read(path, plan, size, ctx, on_read)
        table = finish_table(path, frame, plan, notes, options)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    ctx.progress(1.0)
    return table


def _ignore(offset: int, data: bytes) -> None:
    pass


def _os_error(path: Path, exc: OSError) -> DataLoadError:
    if isinstance(exc, FileNotFoundError):
        return DataLoadError(
            _(
                "The file {name} was not found (it may have been moved or deleted while it was "
                "being read)."
            ).format(name=path.name),
            _("Check that it still exists and was not moved or renamed, then load it again."),
        )
    if isinstance(exc, PermissionError):
        return DataLoadError(
            _("The file {name} could not be read: access was refused.").format(name=path.name),
            _("Close it in other programs (Excel keeps files locked) and try again."),
        )
    return DataLoadError(
        _("The file {name} could not be read ({reason}).").format(
            name=path.name, reason=exc.strerror or exc
        ),
        _("Copy it to a local folder, close other programs using it, and try again."),
    )


# -- reading -------------------------------------------------------------------------------------


def _read(
    path: Path, plan: CsvPlan, size: int, ctx: JobContext, on_read: OnRead
) -> tuple[pd.DataFrame, CsvPlan, list[LoadNote]]:
    notes = list(plan.notes)
    try:
        frame, more = _parse(path, plan, size, ctx, on_read)
    except _WrongEncoding:
        plan = _redetect_encoding(path, plan, notes)
        try:
            frame, more = _parse(path, plan, size, ctx, on_read)
        except _WrongEncoding as exc:
            raise _not_decodable(path.name, plan.encoding) from exc
    if frame.shape[1] > MAX_COLUMNS:  # a row past the sample was wider still
        raise too_wide_error(path.name, frame.shape[1])
    return frame, plan, notes + more


def _parse(
    path: Path, plan: CsvPlan, size: int, ctx: JobContext, on_read: OnRead
) -> tuple[pd.DataFrame, list[LoadNote]]:
    """Arrow's block reader, else its table reader (the same frame, slower, more memory);
    Python's csv module when Arrow cannot take the file as it is."""
    arrow_ctx = ctx.sub(0.02, 0.95)
    if not plan.unwrap:
        try:
            if not plan.multiline:  # blocks end at line ends, as the table reader's do then
                with contextlib.suppress(NotFast):  # ragged rows, no data, long lines, ...
                    return _read_blocks(path, plan, size, arrow_ctx, on_read), []
            return _read_arrow(path, plan, size, arrow_ctx, on_read), []
        except _Fallback:
            pass
    return _read_python(path, plan, arrow_ctx, on_read)


class _Fallback(Exception):  # noqa: N818 - internal signal, never leaves this module
    """Arrow cannot take the file as it is: read it with Python's csv module."""


class _WrongEncoding(Exception):  # noqa: N818
    """Bytes past the sample are not valid in the encoding guessed from it."""


class _Source:
    """A read-only stream over ``path`` from ``offset``, as UTF-8, for Arrow.

    Reports progress and raises ``Cancelled`` from inside Arrow's read; transcodes other
    encodings chunk by chunk (cp949 never uses a newline byte inside a character, and the
    incremental decoder carries split characters over).
    """

    def __init__(
        self,
        path: Path,
        offset: int,
        size: int,
        codec: str,
        ctx: JobContext,
        on_read: OnRead = _ignore,
    ):
        self._fh = path.open("rb")
        self._fh.seek(offset)
        self._offset = offset
        self._on_read = on_read
        self._size = max(size, 1)
        self._ctx = ctx
        self._decoder = None if codec == "utf-8" else codecs.getincrementaldecoder(codec)("strict")
        self._pending = bytearray()  # transcoded bytes not handed out yet
        self._eof = False
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        want = _BLOCK if n is None or n < 0 else n
        if self._decoder is None:
            out = self._raw(want)
        else:  # UTF-8 is longer than cp949: never hand out more than asked for
            while len(self._pending) < want and not self._eof:
                raw = self._raw(_BLOCK)
                self._eof = not raw
                self._pending += self._decoder.decode(raw, final=self._eof).encode("utf-8")
            out = bytes(self._pending[:want])
            del self._pending[:want]
        self._ctx.progress(self._fh.tell() / self._size)
        return out

    def _raw(self, n: int) -> bytes:
        data = self._fh.read(n)
        self._on_read(self._offset, data)
        self._offset += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._fh.close()
        self.closed = True

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _arrow_options(plan: CsvPlan) -> ArrowOptions:
    names = [f"c{j}" for j in range(plan.width)]
    return ArrowOptions(
        read=pacsv.ReadOptions(column_names=names, block_size=_BLOCK),
        parse=pacsv.ParseOptions(delimiter=plan.delimiter, newlines_in_values=plan.multiline),
        convert=pacsv.ConvertOptions(
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            decimal_point=plan.decimal,
            auto_dict_encode=True,
            auto_dict_max_cardinality=_DICT_LIMIT,
            column_types={names[j]: pa.string() for j in plan.string_columns},
            # Text transcoded by _Source is valid UTF-8 by construction: skip checking it again.
            check_utf8=plan.encoding.codec == "utf-8",
        ),
    )


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    return _plain_types(table).to_pandas(
        memory_pool=_memory_pool(), date_as_object=False, split_blocks=True, self_destruct=True
    )


def _read_blocks(
    path: Path, plan: CsvPlan, size: int, ctx: JobContext, on_read: OnRead
) -> pd.DataFrame:
    """Parsed block by block on all cores (csv_blocks), from the stream the table reader
    would get; the size without the head estimates the rows (roughly, when transcoded)."""
    options = _arrow_options(plan)

    def reread(names: list[str]) -> pd.DataFrame:
        """Columns wider than their first block: the table reader on them alone."""
        quiet = JobContext(cancel_event=ctx.cancel_event)  # progress already reached the end
        some = _arrow_options(plan)
        some.convert.include_columns = names
        try:
            with _Source(path, plan.data_offset, size, plan.encoding.codec, quiet) as src:
                table = pacsv.read_csv(
                    src, some.read, some.parse, some.convert, memory_pool=_memory_pool()
                )
        except pa.ArrowInvalid as exc:
            raise NotFast() from exc
        if any(map(_is_binary, table.schema.types)):
            raise NotFast()
        return _to_pandas(table)

    try:
        with _Source(path, plan.data_offset, size, plan.encoding.codec, ctx, on_read) as src:
            frame = read_in_blocks(
                src.read,
                options,
                _BLOCK,
                size - plan.data_offset,
                _block_pool(),
                _to_pandas,
                reread,
            )
    except UnicodeDecodeError as exc:
        raise _WrongEncoding() from exc
    ctx.check()
    return frame


def _read_arrow(
    path: Path, plan: CsvPlan, size: int, ctx: JobContext, on_read: OnRead = _ignore
) -> pd.DataFrame:
    options = _arrow_options(plan)
    names = options.read.column_names
    read_options, parse_options, convert_options = options.read, options.parse, options.convert
    try:
        with _Source(path, plan.data_offset, size, plan.encoding.codec, ctx, on_read) as src:
            table = pacsv.read_csv(
                src, read_options, parse_options, convert_options, memory_pool=_memory_pool()
            )
    except UnicodeDecodeError as exc:
        raise _WrongEncoding() from exc
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return pd.DataFrame({n: pd.Series(dtype="str") for n in names})
        if "newlines_in_values" in str(exc) and not plan.multiline:
            # A quoted value spans lines past the sample: parse again with that allowed.
            return _read_arrow(path, replace(plan, multiline=True), size, ctx, on_read)
        raise _Fallback() from exc
    if plan.encoding.codec == "utf-8" and any(map(_is_binary, table.schema.types)):
        raise _WrongEncoding()  # Arrow keeps invalid UTF-8 as bytes
    ctx.check()
    return _to_pandas(table)


@functools.cache
def _memory_pool() -> pa.MemoryPool:
    """jemalloc told to hand freed memory back at once, where pyarrow ships it.

    Measured on 1M x 50: peak memory 2.6x the frame instead of 3.0x with the default pool,
    which keeps the parse buffers while the frame is built.
    """
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowNotImplementedError):  # e.g. Windows wheels
        return pa.default_memory_pool()
    return pool


def _block_pool() -> pa.MemoryPool:
    """The block reader holds little at a time: a pool that reuses freed pages beats one
    that hands them back to the system and faults them in again for the next block."""
    return pa.default_memory_pool()


def _is_binary(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.types.is_binary(typ) or pa.types.is_large_binary(typ)


def _plain_types(table: pa.Table) -> pa.Table:
    """Times of day and dates as kinds pandas handles: text and datetime64."""
    for j, typ in enumerate(table.schema.types):
        if pa.types.is_time(typ):
            table = table.set_column(j, table.field(j).name, table.column(j).cast(pa.string()))
        elif pa.types.is_date(typ):
            table = table.set_column(
                j, table.field(j).name, table.column(j).cast(pa.timestamp("s"))
            )
    return table


def _redetect_encoding(path: Path, plan: CsvPlan, notes: list[LoadNote]) -> CsvPlan:
    """The sample fit one encoding, a later part does not: decide from the whole file."""
    if plan.encoding_chosen:
        raise _not_decodable(path.name, plan.encoding)
    data = path.read_bytes()
    enc = sniff.detect_encoding(data, complete=True, file_name=path.name)
    if enc.codec == plan.encoding.codec:
        raise _not_decodable(path.name, plan.encoding)
    prefix = line_prefix(data[enc.bom :].decode(enc.codec), plan.data_line)
    notes[:] = [encoding_note(enc), *(n for n in notes if n.kind != "encoding")]
    return replace(plan, encoding=enc, data_offset=enc.bom + len(prefix.encode(enc.codec)))


def _not_decodable(name: str, enc: sniff.EncodingGuess) -> DataLoadError:
    return DataLoadError(
        _("Part of the file {name} is not readable as {encoding} text.").format(
            name=name, encoding=enc.label
        ),
        _(
            "Choose another encoding (Korean files are often cp949), or save the file again as "
            "UTF-8 from the program it came from."
        ),
    )


def _read_python(
    path: Path, plan: CsvPlan, ctx: JobContext, on_read: OnRead
) -> tuple[pd.DataFrame, list[LoadNote]]:
    """The slow, forgiving path: uneven rows, whole-line quotes. Everything arrives as text."""
    data = path.read_bytes()
    on_read(0, data)
    ctx.progress(0.2)
    try:
        text = data[plan.data_offset :].decode(plan.encoding.codec)
    except UnicodeDecodeError as exc:
        raise _WrongEncoding() from exc
    del data
    lines = sniff.split_lines(text)
    del text
    if plan.unwrap:
        lines = [sniff.unwrap_quoted_line(ln) for ln in lines]
    rows = list(csv.reader(lines, delimiter=plan.delimiter, quotechar='"', strict=False))
    ctx.progress(0.7)
    rows = [r for r in rows if r]  # blank lines
    width = plan.width
    # rows of separators and punctuation (";;;;;;,,,,,") are empty rows, whatever their width
    short = [i for i, r in enumerate(rows) if len(r) < width and any(map(has_content, r))]
    long = [i for i, r in enumerate(rows) if len(r) > width and any(map(has_content, r[width:]))]
    uneven = len(short) + len(long)
    if rows and uneven > max(2, _RAGGED_LIMIT * len(rows)):
        raise DataLoadError(
            _(
                "{n} of the {total} rows of {name} have a different number of values than the "
                "header ({width}); the separator ({sep}) is probably not the right one."
            ).format(
                n=uneven,
                total=len(rows),
                name=path.name,
                width=width,
                sep=delimiter_name(plan.delimiter),
            ),
            _("Choose the separator yourself, or export the table again."),
        )
    notes: list[LoadNote] = []
    if long:
        width = max(len(r) for r in rows)
        notes.append(_uneven_note("extra_values", long, plan))
    if short:
        notes.append(_uneven_note("short_rows", short, plan))
    columns: list[list[str | None]] = [[] for _j in range(width)]
    for r in rows:
        for j in range(width):
            v = r[j] if j < len(r) else ""
            columns[j].append(v if v != "" else None)
    frame = pd.DataFrame(
        {f"c{j}": pd.Series(col, dtype="str") for j, col in enumerate(columns)},
        index=pd.RangeIndex(len(rows)),
    )
    return frame, notes


def _uneven_note(kind: str, rows: list[int], plan: CsvPlan) -> LoadNote:
    shown = ", ".join(str(i + 1) for i in rows[:5]) + (", …" if len(rows) > 5 else "")
    if kind == "extra_values":
        message = say_n(
            "{n} row has more values than there are column names (data rows {rows}); the "
            "extra values are kept in added columns.",
            "{n} rows have more values than there are column names (data rows {rows}); the "
            "extra values are kept in added columns.",
            len(rows),
            n=len(rows),
            rows=shown,
        )
    else:
        message = say_n(
            "{n} row has fewer values than there are columns (data rows {rows}); the missing "
            "cells are left empty.",
            "{n} rows have fewer values than there are columns (data rows {rows}); the missing "
            "cells are left empty.",
            len(rows),
            n=len(rows),
            rows=shown,
        )
    return LoadNote(
        kind,
        message,
        details={"rows": rows[:100], "count": len(rows), "separator": plan.delimiter},
    )
