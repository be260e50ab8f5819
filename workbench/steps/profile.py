"""Per-column profile, duplicate rows and the missing-value map, fast enough for 1M x 50.

Each column is read once: numbers are sorted once (quantiles, distinct count, extreme values
and outlier fences all come from that one sorted array); labels are encoded once into integer
codes (distinct count, top values and counts come from a ``bincount``). Every column also gives
an integer "identity" per row (bit pattern, code) that is mixed into a 64-bit row hash, so
duplicate rows are counted without ``DataFrame.duplicated``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from workbench.tables.table import ColumnKind

QUANTILES: dict[str, float] = {
    "p01": 0.01,
    "p05": 0.05,
    "p25": 0.25,
    "p50": 0.50,
    "p75": 0.75,
    "p95": 0.95,
    "p99": 0.99,
}
TOP_VALUES = 10
MAX_MAP_BLOCKS = 200


@dataclass
class ColumnProfile:
    """What one column holds. Numbers are plain floats; datetimes are ISO strings."""

    name: str
    kind: str
    count: int  # non-missing cells
    missing: int
    missing_pct: float
    distinct: int  # distinct non-missing values
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    std: float | None = None
    quantiles: dict[str, float] = field(default_factory=dict)
    top_values: list[tuple[Any, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["top_values"] = [[v, c] for v, c in self.top_values]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnProfile:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["top_values"] = [(v, int(c)) for v, c in data.get("top_values") or []]
        known["quantiles"] = dict(data.get("quantiles") or {})
        return cls(**known)


@dataclass
class MissingMap:
    """Share of missing cells per row block and column: ``fractions[block][column]``.

    Block ``b`` covers row positions ``block_edges[b]`` up to (not including)
    ``block_edges[b + 1]``.
    """

    columns: list[str]
    block_edges: list[int]
    fractions: list[list[float]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MissingMap:
        return cls(
            columns=list(data["columns"]),
            block_edges=[int(e) for e in data["block_edges"]],
            fractions=[[float(f) for f in row] for row in data["fractions"]],
        )


class Levels:
    """The distinct values of a label column, made Python objects only when read.

    Wraps a list, a pandas Index or a pyarrow Array (an ID column's million distinct strings
    stay in Arrow memory; only the few values a check reads are converted).
    """

    def __init__(self, values: Any) -> None:
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, i: int) -> Any:
        value = self._values[int(i)]
        return value.as_py() if hasattr(value, "as_py") else value

    def take(self, positions: Any) -> list[Any]:
        """The values at ``positions``, as a list."""
        if hasattr(self._values, "to_pylist"):
            return self._values.take(np.asarray(positions, dtype=np.int64)).to_pylist()
        return [self._values[int(i)] for i in positions]


@dataclass
class ColumnSummary:
    """A column's profile plus the arrays the alert checks reuse (not serialized).

    ``sorted_values`` holds the non-missing numbers sorted (numeric and datetime columns);
    ``levels``/``level_counts``/``codes`` describe label columns (``codes`` is -1 where
    missing); ``missing_rows`` holds the positions of missing cells.
    """

    profile: ColumnProfile
    kind: ColumnKind
    missing_rows: np.ndarray
    sorted_values: np.ndarray | None = None
    is_integer: bool = False  # an integer dtype (a float column may still hold whole numbers)
    levels: Levels | None = None
    level_counts: np.ndarray | None = None
    codes: np.ndarray | None = None


def json_value(value: Any) -> Any:
    """``value`` as something ``json.dumps`` accepts (NaN becomes None)."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(value, pd.Timestamp | datetime | date | np.datetime64):
        ts = pd.Timestamp(value)
        return None if pd.isna(ts) else ts.isoformat()
    if isinstance(value, str):
        return value
    return str(value)


def quantile_sorted(values: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile of an already sorted array (numpy's default method)."""
    pos = q * (len(values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    frac = pos - lo
    return float(values[lo] + (values[hi] - values[lo]) * frac)


def count_between(values: np.ndarray, lower: float, upper: float) -> int:
    """How many of the sorted ``values`` lie in ``[lower, upper]``."""
    lo = np.searchsorted(values, lower, side="left")
    hi = np.searchsorted(values, upper, side="right")
    return int(hi - lo)


def _distinct_sorted(values: np.ndarray) -> int:
    if len(values) == 0:
        return 0
    return 1 + int(np.count_nonzero(values[1:] != values[:-1]))


def _base_profile(name: str, kind: ColumnKind, n: int, missing: int) -> ColumnProfile:
    return ColumnProfile(
        name=name,
        kind=str(kind),
        count=n - missing,
        missing=missing,
        missing_pct=round(100.0 * missing / n, 4) if n else 0.0,
        distinct=0,
    )


def _float_bits(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Row identity of a float column: its bit pattern, one pattern for every NaN and zero."""
    clean = values + 0.0  # -0.0 becomes 0.0
    clean[missing] = np.nan
    return clean.view(np.uint64)


def _summarize_numeric(
    name: str, kind: ColumnKind, col: pd.Series
) -> tuple[ColumnSummary, np.ndarray]:
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        values = col.to_numpy().astype(np.float64)
        missing = np.zeros(len(values), dtype=bool)
        identity = col.to_numpy().astype(np.int64, copy=False).view(np.uint64)
        is_integer = True
    else:
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        identity = _float_bits(values, missing)
        is_integer = False
    n = len(values)
    missing_rows = np.flatnonzero(missing)
    valid = np.sort(values[~missing]) if len(missing_rows) else np.sort(values)
    if len(valid) and not (np.isfinite(valid[0]) and np.isfinite(valid[-1])):
        valid = valid[np.isfinite(valid)]  # infinities are kept out of the statistics
    prof = _base_profile(name, kind, n, len(missing_rows))
    if len(valid):
        prof.distinct = _distinct_sorted(valid)
        prof.min = float(valid[0])
        prof.max = float(valid[-1])
        prof.mean = float(valid.mean())
        prof.std = float(valid.std(ddof=1)) if len(valid) > 1 else 0.0
        prof.quantiles = {k: quantile_sorted(valid, q) for k, q in QUANTILES.items()}
    summary = ColumnSummary(prof, kind, missing_rows, sorted_values=valid, is_integer=is_integer)
    return summary, identity


def _summarize_datetime(
    name: str, kind: ColumnKind, col: pd.Series
) -> tuple[ColumnSummary, np.ndarray]:
    stamps = col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
    i8 = stamps.to_numpy().view(np.int64)
    missing = i8 == np.iinfo(np.int64).min
    missing_rows = np.flatnonzero(missing)
    valid = np.sort(i8[~missing]) if len(missing_rows) else np.sort(i8)
    prof = _base_profile(name, kind, len(i8), len(missing_rows))
    if len(valid):
        prof.distinct = _distinct_sorted(valid)
        prof.min = json_value(stamps.min())
        prof.max = json_value(stamps.max())
    summary = ColumnSummary(prof, kind, missing_rows, sorted_values=valid, is_integer=True)
    return summary, i8.view(np.uint64)


def _small_codes(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Codes in the smallest integer type that holds them: later gathers touch less memory."""
    dtype = np.int8 if n_levels < 127 else np.int16 if n_levels < 32767 else np.int32
    return codes.astype(dtype, copy=False)


def _encode_labels(col: pd.Series) -> tuple[np.ndarray, Levels]:
    """Integer codes (-1 = missing) and the distinct values, reading the column once."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        categories = col.cat.categories
        return _small_codes(col.cat.codes.to_numpy(), len(categories)), Levels(categories)
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(col.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        encoded = pc.dictionary_encode(arr)
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return _small_codes(codes, len(encoded.dictionary)), Levels(encoded.dictionary)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return _small_codes(codes, len(uniques)), Levels(uniques)


def _summarize_labels(
    name: str, kind: ColumnKind, col: pd.Series
) -> tuple[ColumnSummary, np.ndarray]:
    codes, levels = _encode_labels(col)
    counts = np.bincount(codes + 1, minlength=len(levels) + 1)
    missing_count = int(counts[0])
    counts = counts[1:]
    missing_rows = np.flatnonzero(codes < 0) if missing_count else np.empty(0, dtype=np.int64)
    prof = _base_profile(name, kind, len(codes), missing_count)
    prof.distinct = int(np.count_nonzero(counts))
    if prof.distinct:
        order = np.argsort(-counts, kind="stable")[:TOP_VALUES]
        prof.top_values = [(json_value(levels[i]), int(counts[i])) for i in order if counts[i]]
    summary = ColumnSummary(
        prof, kind, missing_rows, levels=levels, level_counts=counts, codes=codes
    )
    return summary, codes.astype(np.int64).view(np.uint64)


def fallback_kind(col: pd.Series) -> ColumnKind:
    """The kind of a column nobody settled yet, from its dtype alone."""
    if pd.api.types.is_bool_dtype(col):
        return ColumnKind.BOOLEAN
    if pd.api.types.is_numeric_dtype(col):
        return ColumnKind.NUMERIC
    if pd.api.types.is_datetime64_any_dtype(col):
        return ColumnKind.DATETIME
    return ColumnKind.CATEGORICAL


def summarize_column(
    name: str, col: pd.Series, kind: ColumnKind
) -> tuple[ColumnSummary, np.ndarray]:
    """Profile one column; also return its per-row identity (uint64) for row hashing."""
    if pd.api.types.is_bool_dtype(col):
        return _summarize_labels(name, kind, col)
    if pd.api.types.is_numeric_dtype(col):
        return _summarize_numeric(name, kind, col)
    if pd.api.types.is_datetime64_any_dtype(col):
        return _summarize_datetime(name, kind, col)
    return _summarize_labels(name, kind, col)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer: spreads every input bit over the whole 64-bit output.

    Works in place on ``z`` (a fresh array) with one scratch array: on a million rows the
    temporaries of the plain expression cost as much as the arithmetic.
    """
    tmp = np.empty_like(z)
    for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB), (31, 0)):
        np.right_shift(z, np.uint64(shift), out=tmp)
        np.bitwise_xor(z, tmp, out=z)
        if mult:
            np.multiply(z, np.uint64(mult), out=z)
    return z


def row_hash_part(position: int, identity: np.ndarray) -> np.ndarray:
    """One column's share of the row hash: its identities mixed with its position."""
    seed = np.uint64((position + 1) * 0x632BE59BD9B4E019 % 2**64)
    return mix64(identity + (seed ^ _GOLDEN))  # the sum is a fresh array, mixed in place


class RowHasher:
    """Accumulate a 64-bit hash per row, one column at a time.

    The row hash is the wrapping sum of the columns' :func:`row_hash_part`, so two rows get
    the same hash only if every column agrees (a collision between two different rows has a
    chance of about 2**-64). ``exclude`` columns are kept out of the second accumulator,
    ``inputs`` (used for "identical inputs").
    """

    def __init__(self, n_rows: int, exclude: set[str] | None = None) -> None:
        self.all = np.zeros(n_rows, dtype=np.uint64)
        self.exclude = exclude or set()
        self._excluded = np.zeros(n_rows, dtype=np.uint64) if self.exclude else None

    def add(self, name: str, part: np.ndarray) -> None:
        self.all += part
        if self._excluded is not None and name in self.exclude:
            self._excluded += part

    @property
    def inputs(self) -> np.ndarray:
        """Row hash over every column except the excluded ones."""
        if self._excluded is None:
            return self.all
        return self.all - self._excluded


def duplicate_mask(row_hash: np.ndarray) -> np.ndarray:
    """True for each row that repeats an earlier row (the first copy is kept)."""
    return pd.Series(row_hash, copy=False).duplicated(keep="first").to_numpy()


def count_duplicates(row_hash: np.ndarray) -> int:
    """How many rows repeat an earlier row."""
    if len(row_hash) < 2:
        return 0
    ordered = np.sort(row_hash)
    return int(np.count_nonzero(ordered[1:] == ordered[:-1]))


def block_edges(n_rows: int, max_blocks: int = MAX_MAP_BLOCKS) -> np.ndarray:
    """Row positions where the missing-map blocks start, plus ``n_rows`` at the end."""
    n_blocks = max(1, min(max_blocks, n_rows))
    return np.linspace(0, n_rows, n_blocks + 1).round().astype(np.int64)


def block_missing(missing_rows: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of missing cells in each block, from the positions of the missing cells."""
    sizes = np.diff(edges)
    if len(missing_rows) == 0:
        return np.zeros(len(sizes))
    per_block = np.diff(np.searchsorted(missing_rows, edges))
    return per_block / np.maximum(sizes, 1)


def build_missing_map(
    columns: list[str], per_column: list[np.ndarray], edges: np.ndarray
) -> MissingMap:
    grid = np.column_stack(per_column) if per_column else np.zeros((len(edges) - 1, 0))
    return MissingMap(
        columns=list(columns),
        block_edges=[int(e) for e in edges],
        fractions=np.round(grid, 4).tolist(),
    )
