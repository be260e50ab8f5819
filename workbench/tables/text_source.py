"""A column of text as the kind inference sees it, and what a decision returns.

A :class:`TextSource` is either a whole text column or the distinct values (levels) of a
column plus row codes — a reader's categorical column, or a repeated text column encoded once
so every conversion reads each distinct value only once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables import dates as dts
from workbench.tables import numbers as nums
from workbench.tables.table import ColumnKind, LoadNote

SAMPLE_SIZE = 4000  # values examined to decide a column's kind
ID_SAMPLE_SIZE = 20_000  # values examined to call a column near-unique
MIN_ROWS_FOR_ID = 20
TOLERANCE = 0.001  # share of non-missing cells allowed to fail a conversion (reported)
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass
class Settings:
    decimal: str | None
    thousands: str | None
    dayfirst: bool | None
    date1904: bool = False


@dataclass
class ColumnResult:
    values: pd.Series | None  # None: keep the column exactly as it is
    kind: ColumnKind
    notes: list[LoadNote] = field(default_factory=list)
    date_families: list[str] = field(default_factory=list)


@dataclass
class PendingDates:
    """A column of day/month dates: finished once the file's day-first order is decided."""

    plan: dts.DatePlan
    finish: Callable[[bool], ColumnResult]


@dataclass
class TextSource:
    """A text column, or the levels of a categorical column plus the row codes."""

    name: str
    raw: pa.ChunkedArray  # values as in the file (or the category levels)
    index: pd.Index
    codes: np.ndarray | None = None  # row -> level; -1 = missing
    original: TextSource | None = None  # the plain column these levels were made from

    def __post_init__(self) -> None:
        self._levels: TextSource | None = None
        raw = nums.as_string_array(self.raw)
        if raw.num_chunks > 1:
            # A reader hands over one chunk per parse block. Several takes and samples follow,
            # and Arrow joins the chunks of a text column for each take: join them once.
            raw = pa.chunked_array([raw.combine_chunks()])
        self.raw = raw

    @cached_property
    def _weights(self) -> np.ndarray | None:
        """Rows per level (None for a plain column)."""
        if self.codes is None:
            return None
        return np.bincount(self.codes[self.codes >= 0], minlength=len(self.raw))

    @cached_property
    def trimmed(self) -> pa.ChunkedArray:
        """The values without padding spaces (computed on first use)."""
        return nums.normalize_text(self.raw)

    @property
    def n_present(self) -> int:
        """Rows that are not null."""
        if self._weights is None:
            return len(self.raw) - self.raw.null_count
        return int(self._weights.sum())

    def count(self, positions: np.ndarray) -> int:
        if self._weights is None:
            return len(positions)
        return int(self._weights[positions].sum())

    def counts_by_value(self, positions: np.ndarray) -> dict[str, int]:
        if self._weights is None:
            return nums.count_values(self.raw, positions)
        vals = self.raw.take(pa.array(positions)).to_pylist()
        out: dict[str, int] = {}
        for v, w in zip(vals, self._weights[positions], strict=True):
            key = v if v else "(blank)"
            out[key] = out.get(key, 0) + int(w)
        return out

    def rows(self, positions: np.ndarray, k: int = 5) -> list[int | str]:
        """Labels of the first ``k`` rows at ``positions`` (levels: the rows holding them)."""
        if self._weights is None or self.codes is None:
            return [_plain(i) for i in self.index[positions[:k]]]
        hit = np.flatnonzero(np.isin(self.codes, positions))[:k]
        return [_plain(i) for i in self.index[hit]]

    def examples(self, positions: np.ndarray, k: int = 3) -> list[str]:
        return [str(v) for v in self.raw.take(pa.array(positions[:k])).to_pylist()]

    def expand(self, values: np.ndarray, missing: object) -> np.ndarray:
        """Per-level values to per-row values (``missing`` where the code is -1)."""
        if self.codes is None:
            return values
        return np.append(values, np.array([missing], dtype=values.dtype))[self.codes]

    def as_levels(self) -> TextSource:
        """The same column as distinct values plus row codes: conversions then run per value."""
        if self.codes is not None:
            return self
        if self._levels is not None:
            return self._levels
        enc = pc.dictionary_encode(self.raw.combine_chunks())
        codes = np.asarray(
            pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        levels = pa.chunked_array([enc.dictionary])
        self._levels = TextSource(self.name, levels, self.index, codes=codes, original=self)
        return self._levels

    def sample(self, size: int = SAMPLE_SIZE) -> pa.ChunkedArray:
        """Evenly spread trimmed non-missing values (all levels for a categorical column)."""
        arr = self.raw
        n = len(arr)
        if self.codes is None and n > size:
            arr = arr.take(pa.array(np.linspace(0, n - 1, size).astype(np.int64)))
        arr = nums.normalize_text(arr).drop_null()
        markers = nums.marker_positions(arr)
        if markers.size:
            keep = np.ones(len(arr), dtype=bool)
            keep[markers] = False
            arr = arr.filter(pa.array(keep))
        return arr


def estimated_distinct(seen: int, drawn: int) -> float:
    """Distinct values in the whole column, estimated from ``seen`` distinct among ``drawn``.

    Solves seen = D * (1 - exp(-drawn / D)) for D (draws with replacement); a sample
    without repeats gives infinity.
    """
    if seen >= drawn:
        return float("inf")
    lo, hi = float(seen), float(seen) * 1e6
    for _ in range(60):
        mid = (lo + hi) / 2
        if mid * (1 - np.exp(-drawn / mid)) < seen:
            lo = mid
        else:
            hi = mid
    return lo


def _plain(i: object) -> int | str:
    return int(i) if isinstance(i, (int, np.integer)) else str(i)


@dataclass
class Converted:
    values: np.ndarray  # per position of the source (level or row)
    failed: np.ndarray  # positions that hold a value that could not be read
    markers: np.ndarray  # positions holding a missing marker


def leftovers(src: TextSource, unread: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split positions that did not read into missing markers and real failures."""
    present = np.asarray(src.trimmed.is_valid())
    unread = unread & present
    positions = np.flatnonzero(unread)
    if positions.size == 0:
        return positions, positions
    sub = src.trimmed.take(pa.array(positions))
    marker_local = nums.marker_positions(sub)
    is_marker = np.zeros(positions.size, dtype=bool)
    is_marker[marker_local] = True
    return positions[~is_marker], positions[is_marker]


def to_strings(col: pd.Series) -> np.ndarray:
    """Any values as text the way a spreadsheet shows them (12.0 -> "12"); missing stays None."""
    out = np.empty(len(col), dtype=object)
    for i, v in enumerate(col.to_numpy(dtype=object)):
        out[i] = _cell_text(v)
    return out


def _cell_text(v: object) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bool | np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float | np.floating):
        if np.isnan(v):
            return None
        x = float(v)
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.isoformat(sep=" ")
    return str(v)
