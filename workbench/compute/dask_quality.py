"""Whole-table counts as dask aggregations: rows, missing cells per column, duplicate rows.

The quality alerts themselves come from the in-process checks (:mod:`workbench.steps.quality`)
run on the rows gathered to this computer; when those rows are a sample, the counts a sample
cannot give (how many rows, how many missing, how many duplicates) are replaced by the
cluster's exact counts, so the report's numbers are about every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TableCounts:
    """Exact counts over every row of the table."""

    rows: int
    missing: dict[str, int]
    duplicate_rows: int  # rows equal to an earlier row in every column


def _row_hashes(part: pd.DataFrame) -> pd.Series:
    # 64-bit hashes: two different rows share one with odds ~ n² / 2⁶⁵ (1e-5 at 10M rows)
    return pd.util.hash_pandas_object(part, index=False)


def count_table(frame: Any) -> TableCounts:
    """Rows, missing per column and duplicate rows of a dask DataFrame, in one pass."""
    import dask

    missing = frame.isna().sum()
    rows = frame.map_partitions(len).sum()
    hashes = frame.map_partitions(_row_hashes, meta=pd.Series(dtype="uint64"))
    repeats = hashes.value_counts()
    extra = (repeats - 1).sum()
    missing_v, rows_v, extra_v = dask.compute(missing, rows, extra)
    return TableCounts(
        rows=int(rows_v),
        missing={str(k): int(v) for k, v in missing_v.items()},
        duplicate_rows=int(extra_v),
    )


def use_whole_table_counts(report: Any, counts: TableCounts) -> None:
    """Put the cluster's exact counts into a quality report made on a sample (in place)."""
    report.n_rows = counts.rows
    report.duplicate_rows = counts.duplicate_rows
    for profile in report.profiles:
        if profile.name in counts.missing:
            profile.missing = counts.missing[profile.name]
            profile.count = counts.rows - profile.missing
            profile.missing_pct = round(100.0 * profile.missing / max(counts.rows, 1), 4)


def _hashes_with_labels(part: pd.DataFrame, replay: Any) -> pd.DataFrame:
    part = replay(part)
    return pd.DataFrame({"hash": _row_hashes(part).to_numpy()}, index=part.index)


def duplicate_labels(frame: Any, replay: Any) -> np.ndarray:
    """Labels of the rows equal (after ``replay``) to a row with a smaller label: what
    ``drop_duplicate_rows`` drops, found over every row of the table on the cluster."""
    meta = pd.DataFrame({"hash": pd.Series(dtype="uint64")}, index=pd.RangeIndex(0))
    hashes = frame.map_partitions(_hashes_with_labels, replay, meta=meta)
    counts = hashes["hash"].value_counts()
    repeated = counts[counts > 1].index.compute().to_numpy()
    if not len(repeated):
        return np.zeros(0, dtype=np.int64)
    rows = hashes[hashes["hash"].isin(repeated)].compute().sort_index()
    return rows.index[rows["hash"].duplicated(keep="first").to_numpy()].to_numpy(np.int64)
