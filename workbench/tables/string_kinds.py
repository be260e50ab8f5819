"""Text columns that stay text: categorical, free text (sentences) or identifiers.

Categorical columns keep their labels exactly (also "finishing " with its space: the quality
check reports such variants); labels that are missing markers ("-", "N/A") become missing and
are reported. Free text and identifiers stay pandas strings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables import numbers as nums
from workbench.tables import type_notes as notes
from workbench.tables.table import ColumnKind, LoadNote
from workbench.tables.text_source import (
    ID_SAMPLE_SIZE,
    MIN_ROWS_FOR_ID,
    STR_DTYPE,
    ColumnResult,
    Settings,
    TextSource,
)

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
        codes = (
            src.codes.astype(np.int32) if len(categories) > 32_000 else src.codes.astype(np.int16)
        )
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
