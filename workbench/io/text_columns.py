"""Columns of text: decide from a sample what they hold, then convert the whole column once.

A :class:`TextSource` is either a whole text column or the levels of a categorical column
(then ``codes`` map rows to levels and every conversion runs on the few levels only).

Decision order on a sample of non-missing values: yes/no words → numbers → dates → strings
(categorical, free text or identifier). A conversion is kept only when at most
``TOLERANCE`` of the non-missing cells fail to read (each failure is reported); otherwise the
column stays text and the quality check reports its mixed values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io import dates as dts
from workbench.io import numbers as nums
from workbench.io import type_notes as notes
from workbench.io.table import ColumnKind, LoadNote

SAMPLE_SIZE = 4000  # values examined to decide a column's kind
ID_SAMPLE_SIZE = 20_000  # values examined to call a column near-unique
MIN_ROWS_FOR_ID = 20
TOLERANCE = 0.001  # share of non-missing cells allowed to fail a conversion (reported)
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)

# Pairs of yes/no words (lower case). "OK/NG" and "pass/fail" are outcomes, kept categorical.
BOOL_PAIRS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"true", "t"}), frozenset({"false", "f"})),
    (frozenset({"yes", "y"}), frozenset({"no", "n"})),
    (frozenset({"o"}), frozenset({"x"})),
    (frozenset({"예", "네"}), frozenset({"아니오", "아니요"})),
    (frozenset({"on"}), frozenset({"off"})),
    (frozenset({"있음", "유"}), frozenset({"없음", "무"})),
)
_SURE_BOOL_WORDS = frozenset({"true", "false", "yes", "no", "예", "아니오", "아니요"})


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
        self.raw = nums.as_string_array(self.raw)

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

    def rows(self, positions: np.ndarray, k: int = 5) -> list[int]:
        if self._weights is None:
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


def _leftovers(src: TextSource, unread: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


# --- conversions ------------------------------------------------------------------------------


def convert_numbers(src: TextSource, fmt: nums.NumberFormat) -> Converted:
    parsed = nums.to_numpy_float(nums.parse_numbers(src.trimmed, fmt))
    failed, markers = _leftovers(src, np.isnan(parsed))
    # "nan" text reads as NaN in Arrow's cast; it is a marker, never a number
    return Converted(parsed, failed, markers)


def bool_mapping(sample_tokens: set[str]) -> dict[str, bool] | None:
    """The yes/no pair the tokens belong to, as token -> value; None if they are not yes/no."""
    for true_words, false_words in BOOL_PAIRS:
        if sample_tokens and sample_tokens <= (true_words | false_words):
            if len(sample_tokens) == 1 and not (sample_tokens & _SURE_BOOL_WORDS):
                return None
            return {**dict.fromkeys(true_words, True), **dict.fromkeys(false_words, False)}
    return None


ALL_BOOL_WORDS: dict[str, bool] = {
    **{w: True for t, _f in BOOL_PAIRS for w in t},
    **{w: False for _t, f in BOOL_PAIRS for w in f},
    "1": True,
    "0": False,
}


def convert_bools(src: TextSource, mapping: dict[str, bool]) -> Converted:
    lowered = pc.utf8_lower(src.trimmed)
    trues = [k for k, v in mapping.items() if v]
    falses = [k for k, v in mapping.items() if not v]
    is_true = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(trues)), False))
    is_false = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(falses)), False))
    values = np.where(is_true, 1.0, np.where(is_false, 0.0, np.nan))
    failed, markers = _leftovers(src, ~(is_true | is_false))
    return Converted(values, failed, markers)


def convert_dates(
    src: TextSource, plan: dts.DatePlan, dayfirst: bool
) -> tuple[Converted, str | None]:
    present = np.asarray(src.trimmed.is_valid())
    parsed = dts.parse_dates(src.trimmed, ~present, plan, dayfirst)
    failed, markers = _leftovers(src, parsed.failed)
    values = parsed.values
    if values.dt.tz is not None:
        tz_values = values
        arr = tz_values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
        return Converted(arr, failed, markers), f"{parsed.tz_note}|{values.dt.tz}"
    return Converted(values.to_numpy("datetime64[ns]"), failed, markers), parsed.tz_note


# --- deciding ---------------------------------------------------------------------------------


def analyse_text(
    src: TextSource, st: Settings, *, force: ColumnKind | None = None
) -> ColumnResult | PendingDates:
    """Decide what a text column holds and convert it (``force``: the user's choice)."""
    sample = src.sample()
    big = src.codes is None and len(src.raw) > 4 * SAMPLE_SIZE and len(sample)
    if big and estimated_distinct(len(pc.unique(sample)), len(sample)) < len(src.raw) / 4:
        # values repeat: a conversion reads each distinct value once
        return _analyse_decided(src, sample, st, force, lambda: src.as_levels())
    return _analyse_decided(src, sample, st, force, lambda: src)


def _analyse_decided(
    plain: TextSource,
    sample: pa.ChunkedArray,
    st: Settings,
    force: ColumnKind | None,
    converting: Callable[[], TextSource],
) -> ColumnResult | PendingDates:
    src = plain
    if force is None or force == ColumnKind.BOOLEAN:
        tokens = (
            set(pc.unique(pc.utf8_lower(sample)).to_pylist()) if len(sample) <= 50_000 else set()
        )
        mapping = bool_mapping(tokens) if force is None else ALL_BOOL_WORDS
        if mapping is not None and (force is None or force == ColumnKind.BOOLEAN):
            res = _finish_bools(converting(), mapping, forced=force is not None)
            if res is not None:
                return res
    if force is None or force == ColumnKind.NUMERIC:
        codes_like = force is None and nums.looks_like_codes(sample)
        fmt, rate, ambiguous = nums.detect_format(sample, st.decimal, st.thousands)
        if force is not None or (not codes_like and rate >= 0.99 and len(sample)):
            result = _finish_numbers(converting(), sample, fmt, ambiguous, forced=force is not None)
            if isinstance(result, ColumnResult):
                return result
            mixed = strings_result(src, st)
            mixed.notes.insert(0, result)
            return mixed
        elif force is None and codes_like and rate >= 0.99:
            return strings_result(src, st, reason="leading_zeros")
    if force is None or force == ColumnKind.DATETIME:
        plan = dts.plan_dates(sample, st.dayfirst)
        if force is not None and plan is None:
            plan = dts.DatePlan(list(dts.PATTERNS), 0.0)
        if plan is not None and (force is not None or plan.rate >= 0.99):
            return _dates(converting(), plan, st, forced=force is not None)
    if force is not None:
        return forced_strings(src, force)
    return strings_result(src, st)


def _finish_bools(
    src: TextSource, mapping: dict[str, bool], *, forced: bool
) -> ColumnResult | None:
    conv = convert_bools(src, mapping)
    n_fail = src.count(conv.failed)
    n_ok = src.n_present - n_fail - src.count(conv.markers)
    if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
        return None
    values = src.expand(conv.values, np.nan)
    missing = np.isnan(values)
    arr = pd.array(values == 1.0, dtype="boolean")
    arr[missing] = pd.NA
    series = pd.Series(arr if missing.any() else values == 1.0, index=src.index, name=src.name)
    out = _common_notes(src, conv, ColumnKind.BOOLEAN)
    if not forced:
        out.insert(0, notes.inferred_kind(src.name, ColumnKind.BOOLEAN, "yes_no", {}))
    return ColumnResult(series, ColumnKind.BOOLEAN, out)


def _finish_numbers(
    src: TextSource,
    sample: pa.ChunkedArray,
    fmt: nums.NumberFormat,
    ambiguous: bool,
    *,
    forced: bool,
) -> ColumnResult | LoadNote:
    """The converted column, or (too many cells do not read) a note saying so."""
    conv = convert_numbers(src, fmt)
    n_fail = src.count(conv.failed)
    n_markers = src.count(conv.markers)
    n_ok = src.n_present - n_fail - n_markers
    if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
        examples = src.examples(conv.failed)
        return notes.mixed_values(src.name, ColumnKind.NUMERIC, n_fail, n_ok + n_fail, examples)
    values = nums.maybe_int(src.expand(conv.values, np.nan))
    series = pd.Series(values, index=src.index, name=src.name)
    percent = nums.has_percent(sample)
    out = [notes.converted_numbers(src.name, n_ok, fmt.describe(), ambiguous, percent)]
    out += _common_notes(src, conv, ColumnKind.NUMERIC)
    return ColumnResult(series, ColumnKind.NUMERIC, out)


def _dates(
    src: TextSource, plan: dts.DatePlan, st: Settings, *, forced: bool
) -> ColumnResult | PendingDates:
    def finish(dayfirst: bool) -> ColumnResult:
        conv, tz = convert_dates(src, plan, dayfirst)
        n_fail = src.count(conv.failed)
        n_ok = src.n_present - n_fail - src.count(conv.markers)
        if not forced and n_fail > TOLERANCE * (n_ok + n_fail):
            res = strings_result(src, st)
            res.notes.insert(
                0,
                notes.mixed_values(
                    src.name, ColumnKind.DATETIME, n_fail, n_ok + n_fail, src.examples(conv.failed)
                ),
            )
            return res
        values = src.expand(conv.values, np.datetime64("NaT", "ns"))
        series = pd.Series(values, index=src.index, name=src.name)
        tz_kind = tz
        if tz and "|" in tz:
            tz_kind, tz_name = tz.split("|", 1)
            series = series.dt.tz_localize("UTC")
            if tz_kind == "fixed":
                series = series.dt.tz_convert(_fixed_tz(tz_name))
        out = [notes.date_format(src.name, n_ok, plan.families, tz_kind)]
        out += _common_notes(src, conv, ColumnKind.DATETIME)
        return ColumnResult(series, ColumnKind.DATETIME, out, date_families=plan.families)

    if "dmy" in plan.families:
        dts.gather_dayfirst_evidence(src.trimmed, plan)
        return PendingDates(plan, finish)
    return finish(bool(st.dayfirst))


def _fixed_tz(name: str) -> object:
    import datetime as dt

    m = re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", name)
    if not m:
        return "UTC"
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return dt.timezone(dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _common_notes(src: TextSource, conv: Converted, kind: ColumnKind) -> list[LoadNote]:
    out = []
    if conv.markers.size and (
        note := notes.missing_markers(src.name, src.counts_by_value(conv.markers))
    ):
        out.append(note)
    if conv.failed.size:
        out.append(
            notes.unconverted_cells(
                src.name,
                kind,
                src.count(conv.failed),
                src.examples(conv.failed),
                src.rows(conv.failed),
            )
        )
    return out


# --- strings: categorical, free text, identifiers ------------------------------------------------


def _looks_like_sentences(sample: pa.ChunkedArray) -> bool:
    if len(sample) == 0:
        return False
    words = np.asarray(pc.count_substring_regex(sample, r"\S+").to_numpy(zero_copy_only=False))
    lengths = np.asarray(pc.utf8_length(sample).to_numpy(zero_copy_only=False))
    return bool(np.mean(words >= 3) >= 0.5 or lengths.mean() >= 40)


def _distinct_ratio(src: TextSource) -> float:
    arr = src.raw
    n = len(arr)
    if n > ID_SAMPLE_SIZE:
        arr = arr.take(pa.array(np.linspace(0, n - 1, ID_SAMPLE_SIZE).astype(np.int64)))
    arr = arr.drop_null()
    return len(pc.unique(arr)) / len(arr) if len(arr) else 0.0


def strings_result(src: TextSource, st: Settings, reason: str | None = None) -> ColumnResult:
    """Keep a column as strings: categorical, free text or identifier."""
    if src.codes is not None and src.original is None:
        return _categorical_levels(src)  # the reader's categorical column
    plain = src.original or src
    sample = plain.sample()
    ratio = _distinct_ratio(plain) if len(sample) else 0.0
    sentences = _looks_like_sentences(sample)
    if plain.n_present >= MIN_ROWS_FOR_ID and ratio >= 0.95:
        kind = ColumnKind.TEXT if sentences else ColumnKind.ID
        why = reason or ("sentences" if sentences else "unique_codes")
    elif sentences and ratio >= 0.5:
        kind, why = ColumnKind.TEXT, reason or "sentences"
    else:
        result = _categorical(src if src.codes is not None else (plain._levels or plain))
        if reason:
            note = notes.inferred_kind(src.name, ColumnKind.CATEGORICAL, reason, {})
            result.notes.insert(0, note)
        return result
    series, out = _plain_strings(plain)
    out.insert(0, notes.inferred_kind(src.name, kind, why, {"distinct_ratio": round(ratio, 4)}))
    return ColumnResult(series, kind, out)


def _plain_strings(plain: TextSource) -> tuple[pd.Series, list[LoadNote]]:
    """The column as pandas strings with missing markers made missing (and reported)."""
    markers = nums.marker_positions(plain.raw)
    raw = plain.raw
    out: list[LoadNote] = []
    if markers.size:
        keep = np.ones(len(raw), dtype=bool)
        keep[markers] = False
        raw = pc.if_else(pa.array(keep), raw, pa.scalar(None, raw.type))
        if note := notes.missing_markers(plain.name, plain.counts_by_value(markers)):
            out.append(note)
    series = pd.Series(pd.array(raw, dtype=STR_DTYPE), index=plain.index, name=plain.name)
    return series, out


def _categorical(src: TextSource) -> ColumnResult:
    """A categorical column from plain text or from its levels; marker levels made missing."""
    if src.codes is None:
        encoded = src.raw.dictionary_encode().unify_dictionaries()
        cat = encoded.to_pandas()
        series = pd.Series(cat.array, index=src.index, name=src.name)
    else:
        categories = pd.Index(pd.array(src.raw, dtype=STR_DTYPE))
        codes = src.codes.astype(np.int32 if len(categories) > 32_000 else np.int16)
        cat = pd.Categorical.from_codes(codes, categories=categories)
        series = pd.Series(cat, index=src.index, name=src.name)
    return _drop_marker_levels(src.name, series)


def _categorical_levels(src: TextSource) -> ColumnResult:
    """A reader's categorical column that stays categorical: drop marker levels only."""
    if nums.marker_positions(src.raw).size == 0:
        return ColumnResult(None, ColumnKind.CATEGORICAL)
    return _categorical(src)


def _drop_marker_levels(name: str, series: pd.Series, *, unchanged: bool = False) -> ColumnResult:
    levels = series.cat.categories
    if not (pd.api.types.is_string_dtype(levels.dtype) or levels.dtype == object):
        return ColumnResult(None if unchanged else series, ColumnKind.CATEGORICAL)
    found = nums.marker_positions(pa.array(levels.astype(str).to_numpy(), pa.large_string()))
    if found.size == 0:
        return ColumnResult(None if unchanged else series, ColumnKind.CATEGORICAL)
    marker_levels = [levels[i] for i in found]
    codes = series.cat.codes.to_numpy()
    counts = np.bincount(codes[codes >= 0], minlength=len(levels))
    by_marker = {(lv if lv else "(blank)"): int(counts[levels.get_loc(lv)]) for lv in marker_levels}
    series = series.cat.remove_categories(marker_levels)
    note = notes.missing_markers(name, by_marker)
    return ColumnResult(series, ColumnKind.CATEGORICAL, [note] if note else [])


def category_as_strings_result(name: str, series: pd.Series) -> ColumnResult:
    """A categorical column that stays categorical: only missing markers are removed."""
    return _drop_marker_levels(name, series, unchanged=True)


def forced_strings(src: TextSource, kind: ColumnKind) -> ColumnResult:
    """The user chose categorical, text or ID: keep every value, markers become missing."""
    if kind == ColumnKind.CATEGORICAL:
        res = _categorical(src)
        return ColumnResult(res.values, kind, res.notes)
    if src.original is not None:
        src = src.original
    if src.codes is not None:  # the reader's categorical column, as plain text
        if len(src.raw) == 0:
            raw = pa.chunked_array([pa.nulls(len(src.codes), pa.large_string())])
        else:
            raw = src.raw.take(pa.array(np.where(src.codes < 0, 0, src.codes)))
            raw = pc.if_else(pa.array(src.codes >= 0), raw, pa.scalar(None, raw.type))
        src = TextSource(src.name, raw, src.index)
    series, out = _plain_strings(src)
    return ColumnResult(series, kind, out)
