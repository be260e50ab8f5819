"""Parse a delimited file block by block on worker threads; build the frame as blocks arrive.

Why not one ``pyarrow.csv.read_csv`` call: its table reader keeps every parsed block until
the end (a later block may change a column's type and force all blocks to be converted
again), and ``to_pandas`` then copies the whole table once more on one thread. Measured on
1,000,000 rows x 50 columns: 2.8x the frame's size at the peak, and the copy is time nothing
else runs in. Here each block is parsed with the column types fixed, converted into the
frame's arrays while the next blocks are being parsed, and then dropped (peak 1.6x).

It earns its place by memory, not speed (tests/bench/bench_csv.py, "arrow-table" row, measured
2026-12-07 on 1,000,000 x 50 with the machine at load 11): load_table's peak was 333 MB above
the imports against 717 MB with pyarrow's own table reader (2.2x less), while the times were
within noise (best of three 0.73x / 0.96x for UTF-8 / cp949, median of each round's ratio
1.16x / 1.52x). The 1.2 GB budget for a whole 1M-row analysis needs the memory.

The frame is the one the table reader makes, by construction:

* blocks are cut where Arrow's reader cuts them (``block_size`` bytes per read, then the last
  line end; a "\r\n" split by a read boundary is one line end), so rules Arrow applies per
  block (the dictionary size limit) decide the same;
* column types are Arrow's own inference on the first block. Arrow widens a type when a
  later block does not fit it (an integer column meeting "1.5"); here such a column is
  read again at the end by the table reader, on that column alone;
* :mod:`workbench.tables.csv_columns` turns the chunks into what ``to_pandas`` makes of them.

The caller hands over the UTF-8 stream the table reader would get and leaves files with
quoted line breaks to the table reader (whose blocks then follow the quotes).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from workbench.tables.csv_columns import Skipped, build_frame, builder_for

_BOM = b"\xef\xbb\xbf"
_GROUP = 4  # blocks per task: a few parse calls per hand-over keep the threads busy
_MAX_WORKERS = 8
_AHEAD = 2  # groups queued per worker: parsing goes on while the frame takes the last one


class NotFast(Exception):  # noqa: N818 - a signal to the caller, like StopIteration
    """The block reader cannot promise the table reader's frame: use the table reader."""


@dataclass(frozen=True)
class ArrowOptions:
    """The options of the table reader, which the blocks are parsed with too."""

    read: pacsv.ReadOptions
    parse: pacsv.ParseOptions
    convert: pacsv.ConvertOptions


def _buffers(read: Callable[[int], bytes], block: int) -> Iterator[bytes]:
    """What Arrow's reader gets from the stream: ``block``-byte reads, a leading byte-order
    mark dropped, and a "\\n" dropped when the read before ended in "\\r"."""
    first, trailing_cr = True, False
    while data := read(block):
        start = 0
        if first and data.startswith(_BOM):
            start = len(_BOM)
        first = False
        if trailing_cr and data[start : start + 1] == b"\n":
            start += 1
        trailing_cr = data.endswith(b"\r")
        if start == len(data):
            return  # Arrow takes an empty buffer for the end of the stream
        yield data[start:] if start else data


def cut_blocks(read: Callable[[int], bytes], block: int) -> Iterator[bytes]:
    """The blocks Arrow's reader parses: each read up to its last line end, the rest of the
    line carried into the next block; the last read whole."""
    carry = b""
    buffers = _buffers(read, block)
    current = next(buffers, None)
    while current is not None:
        following = next(buffers, None)
        if following is None:
            yield carry + current
            return
        cut = max(current.rfind(b"\n"), current.rfind(b"\r")) + 1
        if cut == 0:
            raise NotFast()  # a line longer than a block: Arrow's reader has its own rules
        yield carry + memoryview(current)[:cut]  # one copy of the block, not two
        carry = current[cut:]
        current = following


def read_in_blocks(
    read: Callable[[int], bytes],
    options: ArrowOptions,
    block: int,
    size: int,
    pool: pa.MemoryPool,
    to_pandas: Callable[[pa.Table], pd.DataFrame],
    reread: Callable[[list[str]], pd.DataFrame],
) -> pd.DataFrame:
    """The frame of the stream ``read`` (``size``: its length in bytes, for the row estimate).

    A column whose later block does not fit the first block's type is read again at the end
    by ``reread`` (the table reader on those columns only), which widens the type the way the
    whole-file read would. Raises :class:`NotFast` when the table reader must read the whole
    file instead. ``read`` reports progress and raises ``Cancelled``; it is only called on
    the calling thread.
    """
    blocks = cut_blocks(read, block)
    first = next(blocks, None)
    if first is None:
        raise NotFast()  # no data: the table reader explains an empty file
    one = pacsv.ReadOptions(
        column_names=options.read.column_names, block_size=4 * block + 1, use_threads=False
    )
    try:
        table = _Parser(one, options.parse, options.convert, pool)(first)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise NotFast() from exc
    if table.num_rows == 0 or any(map(_is_binary, table.schema.types)):
        raise NotFast()  # the table reader explains invalid UTF-8 (kept as bytes)
    estimate = int(size / max(len(first), 1) * table.num_rows)
    frame = _Frame(table.schema, options, one, pool, int(estimate * 1.1) + 1024)
    frame.add(table)
    del table
    workers = max(1, min(pa.cpu_count(), _MAX_WORKERS))
    pending: deque[_Task] = deque()

    def collect_oldest() -> None:
        frame.collect(pending.popleft())

    with ThreadPoolExecutor(workers, thread_name_prefix="csv-block") as executor:
        try:
            group: list[bytes] = []
            for data in blocks:
                group.append(data)
                if len(group) == _GROUP:
                    pending.append(frame.submit(executor, group))
                    group = []
                while len(pending) > _AHEAD * workers:
                    collect_oldest()
            if group:
                pending.append(frame.submit(executor, group))
            while pending:
                collect_oldest()
        finally:
            for task in pending:
                task.future.cancel()
    return frame.finish(to_pandas, reread)


class _Parser:
    """Parses one block with the cheapest options that give the same table.

    A block without a quote character is parsed with quoting off, and a block that is
    valid UTF-8 as a whole without checking each text value again (measured: each saves
    about a tenth of the parse time). Called on worker threads; pyarrow lets go of the GIL.
    """

    def __init__(
        self,
        read: pacsv.ReadOptions,
        parse: pacsv.ParseOptions,
        convert: pacsv.ConvertOptions,
        pool: pa.MemoryPool,
    ) -> None:
        self.read, self.parse, self.convert, self.pool = read, parse, convert, pool
        self.unquoted = _copy(parse, quote_char=False)
        self.unchecked = _copy(convert, check_utf8=False)

    def __call__(self, data: bytes) -> pa.Table:
        quoted = self.parse.quote_char and data.find(self.parse.quote_char.encode()) >= 0
        parse = self.parse if quoted else self.unquoted
        checked = self.convert.check_utf8 and not _valid_utf8(data)
        convert = self.convert if checked else self.unchecked
        return pacsv.read_csv(
            pa.BufferReader(data), self.read, parse, convert, memory_pool=self.pool
        )

    def all(self, group: list[bytes]) -> list[pa.Table]:
        """One call per block, so each block keeps its own chunk."""
        return [self(data) for data in group]


def _valid_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, checked at once (blocks end at line ends, never inside
    a character) rather than value by value as Arrow's check does."""
    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _copy(options: Any, **changes: object) -> Any:
    """A copy of pyarrow CSV ``options`` with ``changes`` (every setting, whatever this
    pyarrow version has)."""
    copy = type(options)()
    for name in dir(options):
        value = changes.get(name, getattr(options, name))
        # Only settings that differ: setting some to their default is not a no-op (a None
        # invalid_row_handler would be installed and called).
        if not name.startswith("_") and not callable(value) and value != getattr(copy, name):
            setattr(copy, name, value)
    return copy


@dataclass
class _Task:
    future: Future[list[pa.Table]]
    group: list[bytes]  # kept to parse again when a column turns out wider
    parser: _Parser


class _Frame:
    """The frame being built: one builder per column, the parser blocks go through."""

    def __init__(
        self,
        schema: pa.Schema,
        options: ArrowOptions,
        read: pacsv.ReadOptions,
        pool: pa.MemoryPool,
        capacity: int,
    ) -> None:
        self.names: list[str] = schema.names
        self.types: list[pa.DataType] = schema.types
        max_levels = options.convert.auto_dict_max_cardinality
        self.builders = [builder_for(t, capacity, max_levels) for t in self.types]
        # Every column's type fixed to the first block's. Arrow caps a dictionary's size
        # only while it infers a type; csv_columns applies the cap per block instead.
        typed = _copy(options.convert, column_types=dict(zip(self.names, self.types, strict=True)))
        self.parser = _Parser(read, options.parse, typed, pool)
        self.deferred: list[int] = []  # columns the table reader reads again at the end
        self.rows = 0

    def submit(self, executor: ThreadPoolExecutor, group: list[bytes]) -> _Task:
        return _Task(executor.submit(self.parser.all, group), group, self.parser)

    def collect(self, task: _Task) -> None:
        """Add a parsed group; a column that does not fit its type is deferred, the group
        parsed again (here, on this thread: it is rare)."""
        try:
            tables = task.future.result()
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            parser = task.parser
            while True:
                self._defer(exc, parser.convert)
                parser = self.parser
                try:
                    tables = parser.all(task.group)
                    break
                except (pa.ArrowInvalid, pa.ArrowTypeError) as again:
                    exc = again
        for table in tables:
            self.add(table)

    def _defer(self, exc: Exception, convert: pacsv.ConvertOptions) -> None:
        """Read column j again at the end; parse it as text meanwhile."""
        match = _COLUMN_ERROR.match(str(exc))
        if match is None:
            raise NotFast() from exc  # not a conversion: a ragged row, a stray quote, ...
        j = int(match.group(1))
        if j >= len(self.names) or convert.column_types[self.names[j]] == pa.string():
            raise NotFast() from exc  # even text fails: invalid UTF-8
        if j not in self.deferred:
            self.deferred.append(j)
            self.builders[j] = Skipped()
            old = self.parser
            types = dict(old.convert.column_types) | {self.names[j]: pa.string()}
            typed = _copy(old.convert, column_types=types)
            self.parser = _Parser(old.read, old.parse, typed, old.pool)

    def add(self, table: pa.Table) -> None:
        """Hand each column's chunks to its builder."""
        for builder, column in zip(self.builders, table.columns, strict=True):
            row = self.rows
            for chunk in column.chunks:
                builder.add(chunk, row)
                row += len(chunk)
        self.rows += table.num_rows

    def finish(
        self,
        to_pandas: Callable[[pa.Table], pd.DataFrame],
        reread: Callable[[list[str]], pd.DataFrame],
    ) -> pd.DataFrame:
        wider = None
        if self.deferred:
            wider = reread([self.names[j] for j in sorted(self.deferred)])
            if len(wider) != self.rows:
                raise NotFast()
        return build_frame(self.names, self.types, self.builders, self.rows, to_pandas, wider)


_COLUMN_ERROR = re.compile(r"In CSV column #(\d+): (?:Row #\d+: )?CSV conversion error")


def _is_binary(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.types.is_binary(typ)
