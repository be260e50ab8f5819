"""Build a frame's columns from Arrow column chunks as they arrive, block after block.

Each builder turns the chunks of one column into exactly what ``pyarrow.Table.to_pandas``
makes of the whole column (the CSV reader's frame must not depend on the path that read it):

* doubles and tz-naive timestamps fill one preallocated NumPy array (missing: NaN / NaT);
* whole numbers stay int64 unless a value is missing anywhere, then float64 (as to_pandas);
* dictionary-encoded text becomes a categorical whose categories are in order of first
  appearance (Arrow's dictionary unification), or plain text when any chunk holds more
  distinct values than Arrow's reader allows a dictionary (it falls back to plain text then);
* anything else (text, booleans, dates, all-empty columns) is kept as Arrow chunks and
  converted by to_pandas at the end.

Filling the arrays chunk by chunk keeps the parsed blocks small and short-lived and lets the
conversion run while other blocks are still being parsed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

_GROWTH = 1.5  # when the row estimate was too low


class _Builder:
    """Collects one column; ``add`` gets each chunk with its first row, in row order."""

    def add(self, chunk: pa.Array, start: int) -> None:
        raise NotImplementedError

    def finish(self, n: int) -> object:
        """The column's values for rows ``0..n`` (None: convert ``arrow_chunks`` with Arrow)."""
        raise NotImplementedError


def empty(capacity: int, dtype: np.dtype) -> np.ndarray:
    """An uninitialised array in memory from the system allocator.

    Pages never written cost no memory, so row estimates may be generous. Not ``np.empty``:
    NumPy asks Linux for transparent huge pages on large arrays, and on the machines measured
    (VMs) zeroing and compacting them cost 0.3 s more per million rows x 50 columns than
    ordinary page faults.
    """
    buffer = pa.allocate_buffer(capacity * dtype.itemsize, memory_pool=pa.system_memory_pool())
    return np.frombuffer(buffer, dtype=dtype)


def _grown(values: np.ndarray, end: int) -> np.ndarray:
    """``values``, or a copy with room for ``end`` rows (the row estimate was too low)."""
    if end <= len(values):
        return values
    bigger = empty(max(end, int(len(values) * _GROWTH)), values.dtype)
    bigger[: len(values)] = values
    return bigger


class _Filled(_Builder):
    """A NumPy array filled slice by slice."""

    def __init__(self, dtype: np.dtype, capacity: int) -> None:
        self.values = empty(capacity, dtype)

    def add(self, chunk: pa.Array, start: int) -> None:
        end = start + len(chunk)
        self.values = _grown(self.values, end)
        # to_numpy fills missing cells with NaN / NaT, as to_pandas does
        self.values[start:end] = chunk.to_numpy(zero_copy_only=False)

    def finish(self, n: int) -> object:
        return self.values[:n]


class _Integers(_Filled):
    """int64 while no value is missing; float64 from the first missing one (as to_pandas)."""

    def add(self, chunk: pa.Array, start: int) -> None:
        if chunk.null_count and self.values.dtype != np.float64:
            floats = empty(len(self.values), np.dtype(np.float64))
            floats[:start] = self.values[:start]  # the rows so far, once
            self.values = floats
        super().add(chunk, start)


class _Categories(_Builder):
    """Dictionary chunks to category codes against one growing list of labels."""

    def __init__(self, capacity: int, max_levels: int) -> None:
        self.codes = empty(capacity, np.dtype(np.int32))
        self.levels: dict[str, int] = {}
        self.chunks: list[pa.Array] = []  # kept in case the column must become plain text
        self.max_levels = max_levels
        self.plain = False

    def add(self, chunk: pa.Array, start: int) -> None:
        self.chunks.append(chunk)
        if self.plain:
            return
        dictionary = chunk.dictionary.to_pylist()
        if len(dictionary) > self.max_levels:
            self.plain = True  # Arrow's reader makes the whole column plain text then
            return
        end = start + len(chunk)
        self.codes = _grown(self.codes, end)
        setdefault = self.levels.setdefault
        remap = np.array([setdefault(v, len(self.levels)) for v in dictionary] + [-1], np.int32)
        indices = chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        self.codes[start:end] = remap[indices]  # -1 picks the trailing -1: missing

    def finish(self, n: int) -> object:
        if self.plain:
            return None
        codes = self.codes[:n]
        labels = pa.array(list(self.levels), pa.string())
        if not self.levels:  # no value at all: let Arrow say what such a column becomes
            indices = pa.array(codes, pa.int32(), mask=codes < 0)
            return pa.DictionaryArray.from_arrays(indices, labels).to_pandas().array
        # What to_pandas makes of the dictionary column, without its copy through Arrow:
        # the codes as they are (-1: missing), the labels as to_pandas gives text.
        dtype = pd.CategoricalDtype(pd.Index(labels.to_pandas()), ordered=False)
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)

    def arrow_chunks(self) -> list[pa.Array]:
        return [c.dictionary_decode() for c in self.chunks]


class _Chunks(_Builder):
    """Everything else: the chunks, converted together with to_pandas at the end."""

    def __init__(self) -> None:
        self.chunks: list[pa.Array] = []

    def add(self, chunk: pa.Array, start: int) -> None:
        self.chunks.append(chunk)

    def finish(self, n: int) -> object:
        return None

    def arrow_chunks(self) -> list[pa.Array]:
        return self.chunks


def builder_for(typ: pa.DataType, capacity: int, max_levels: int) -> _Builder:
    """The builder for a column of Arrow type ``typ``."""
    if pa.types.is_float64(typ):
        return _Filled(np.dtype(np.float64), capacity)
    if pa.types.is_int64(typ):
        return _Integers(np.dtype(np.int64), capacity)
    if pa.types.is_timestamp(typ) and typ.tz is None:
        return _Filled(np.dtype(f"datetime64[{typ.unit}]"), capacity)
    if pa.types.is_dictionary(typ) and pa.types.is_string(typ.value_type):
        return _Categories(capacity, max_levels)
    return _Chunks()


class Skipped(_Builder):
    """A column read again at the end by the table reader: its chunks are not kept."""

    def add(self, chunk: pa.Array, start: int) -> None:
        pass

    def finish(self, n: int) -> object:
        return None


def build_frame(
    names: list[str],
    types: list[pa.DataType],
    builders: list[_Builder],
    n: int,
    convert_rest: Callable[[pa.Table], pd.DataFrame],
    wider: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The frame of ``n`` rows; columns left to Arrow go through ``convert_rest`` together,
    skipped columns come from ``wider``."""
    columns: dict[str, object] = {}
    rest: dict[str, pa.ChunkedArray] = {}
    for name, typ, builder in zip(names, types, builders, strict=True):
        if isinstance(builder, Skipped):
            assert wider is not None
            columns[name] = wider[name].array
            continue
        values = builder.finish(n)
        if values is None:
            chunks = builder.arrow_chunks()  # type: ignore[attr-defined]
            value_type = typ.value_type if pa.types.is_dictionary(typ) else typ
            # One chunk: what reads the column next (kind settling) need not join them.
            rest[name] = pa.chunked_array([pa.concat_arrays(chunks)], value_type)
        columns[name] = values
    if rest:
        converted = convert_rest(pa.table(rest))
        for name in rest:
            columns[name] = converted[name].array
    return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)
