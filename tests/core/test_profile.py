"""Per-column profile, duplicate rows and missing-value map, checked against plain pandas."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.steps.profile import (
    QUANTILES,
    ColumnProfile,
    RowHasher,
    block_edges,
    count_duplicates,
    duplicate_mask,
    fallback_kind,
    row_hash_part,
    summarize_column,
)
from workbench.steps.quality import assess_quality
from workbench.tables.table import ColumnKind


def profile(col: pd.Series, kind: ColumnKind = ColumnKind.NUMERIC) -> ColumnProfile:
    return summarize_column(str(col.name), col, kind)[0].profile


def test_numeric_profile_matches_pandas():
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 3.0, 5000).round(2)
    values[rng.random(5000) < 0.07] = np.nan
    col = pd.Series(values, name="pressure")
    p = profile(col)
    assert p.count == col.count()
    assert p.missing == col.isna().sum()
    assert p.missing_pct == pytest.approx(100 * col.isna().mean(), abs=1e-3)
    assert p.distinct == col.nunique()
    assert p.min == col.min() and p.max == col.max()
    assert p.mean == pytest.approx(col.mean())
    assert p.std == pytest.approx(col.std())
    assert set(p.quantiles) == set(QUANTILES)
    for key, q in QUANTILES.items():
        assert p.quantiles[key] == pytest.approx(col.quantile(q)), key
    assert p.top_values == []


def test_integer_and_nullable_integer_columns():
    p = profile(pd.Series([3, 1, 2, 2, 5], name="n"))
    assert (p.count, p.missing, p.distinct, p.min, p.max) == (5, 0, 4, 1.0, 5.0)
    q = profile(pd.Series([1, None, 4], dtype="Int64", name="m"))
    assert (q.count, q.missing, q.distinct, q.max) == (2, 1, 2, 4.0)


def test_label_profile_top_values_and_counts():
    col = pd.Series(["조립", "도장", "조립", None, "검사", "조립", "도장"], name="공정")
    p = profile(col, ColumnKind.CATEGORICAL)
    assert (p.count, p.missing, p.distinct) == (6, 1, 3)
    assert p.top_values[0] == ("조립", 3)
    assert dict(p.top_values) == {"조립": 3, "도장": 2, "검사": 1}
    cat = profile(col.astype("category"), ColumnKind.CATEGORICAL)
    assert dict(cat.top_values) == dict(p.top_values)
    assert cat.distinct == 3


def test_top_values_keep_at_most_ten():
    col = pd.Series([f"v{i % 25}" for i in range(500)], name="code")
    assert len(profile(col, ColumnKind.CATEGORICAL).top_values) == 10


def test_unused_categories_are_not_counted_as_distinct():
    col = pd.Series(pd.Categorical(["a", "a"], categories=["a", "b", "c"]), name="c")
    p = profile(col, ColumnKind.CATEGORICAL)
    assert p.distinct == 1
    assert p.top_values == [("a", 2)]


def test_datetime_profile_gives_iso_range():
    col = pd.Series(pd.to_datetime(["2026-03-02 13:00", None, "2026-03-01 08:30"]), name="t")
    p = profile(col, ColumnKind.DATETIME)
    assert (p.count, p.missing, p.distinct) == (2, 1, 2)
    assert p.min == "2026-03-01T08:30:00"
    assert p.max == "2026-03-02T13:00:00"
    tz = profile(col.dt.tz_localize("Asia/Seoul"), ColumnKind.DATETIME)
    assert tz.min == "2026-03-01T08:30:00"


def test_boolean_and_all_missing_columns():
    p = profile(pd.Series([True, False, True], name="ok"), ColumnKind.BOOLEAN)
    assert dict(p.top_values) == {True: 2, False: 1}
    empty = profile(pd.Series([np.nan, np.nan], name="e"))
    assert (empty.count, empty.missing, empty.distinct, empty.min) == (0, 2, 0, None)


def test_mixed_object_column_from_excel():
    col = pd.Series([1.5, "N/A", 2.0, None, 1.5], dtype=object, name="x")
    p = profile(col, ColumnKind.CATEGORICAL)
    assert (p.count, p.missing, p.distinct) == (4, 1, 3)
    assert p.top_values[0] == (1.5, 2)


def test_profile_json_round_trip():
    col = pd.Series(["a", "b", "a"], name="c")
    p = profile(col, ColumnKind.CATEGORICAL)
    again = ColumnProfile.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again == p


def _hash_rows(frame: pd.DataFrame) -> np.ndarray:
    hasher = RowHasher(len(frame))
    for i, name in enumerate(frame.columns):
        _, identity = summarize_column(name, frame[name], fallback_kind(frame[name]))
        hasher.add(name, row_hash_part(i, identity))
    return hasher.all


def test_duplicates_match_pandas_with_missing_values():
    frame = pd.DataFrame(
        {
            "a": [1.0, 1.0, np.nan, np.nan, 2.0, 1.0],
            "b": ["x", "x", None, None, "x", "y"],
            "c": pd.to_datetime(["2026-01-01"] * 4 + [None, "2026-01-01"]),
        }
    )
    hashes = _hash_rows(frame)
    assert count_duplicates(hashes) == frame.duplicated().sum() == 2
    assert duplicate_mask(hashes).tolist() == frame.duplicated().tolist()


def test_duplicates_see_column_order_and_zero_sign():
    frame = pd.DataFrame({"a": [1, 2], "b": [2, 1]})  # swapped values are not duplicates
    assert count_duplicates(_hash_rows(frame)) == 0
    signed = pd.DataFrame({"a": [0.0, -0.0]})
    assert count_duplicates(_hash_rows(signed)) == signed.duplicated().sum() == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-3, 3)),
            st.one_of(st.none(), st.sampled_from(["가", "나", "a"])),
            st.one_of(st.none(), st.floats(-2, 2, allow_nan=False).map(lambda f: round(f, 1))),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_duplicate_count_equals_pandas(rows):
    frame = pd.DataFrame(rows, columns=["i", "s", "f"])
    frame["f"] = frame["f"].astype(float)
    assert count_duplicates(_hash_rows(frame)) == frame.duplicated().sum()


def test_a_unique_column_rules_out_duplicates():
    frame = pd.DataFrame({"x": [1.0] * 50, "lot": [f"L{i}" for i in range(50)], "y": [2] * 50})
    report = assess_quality(frame, {})
    assert report.duplicate_rows == frame.duplicated().sum() == 0
    doubled = frame.drop(columns="lot")
    assert assess_quality(doubled, {}).duplicate_rows == 49


def test_missing_map_fractions_and_edges():
    n = 1000
    frame = pd.DataFrame({"a": np.arange(n, dtype=float), "b": np.ones(n)})
    frame.loc[:99, "a"] = np.nan  # first tenth missing
    frame.loc[n - 1, "b"] = np.nan
    report = assess_quality(frame, {})
    mmap = report.missing_map
    assert mmap.columns == ["a", "b"]
    assert mmap.block_edges[0] == 0 and mmap.block_edges[-1] == n
    assert len(mmap.fractions) == len(mmap.block_edges) - 1 <= 200
    grid = np.array(mmap.fractions)
    sizes = np.diff(mmap.block_edges)
    assert (grid[:, 0] * sizes).sum() == pytest.approx(100)
    assert grid[0, 0] == 1.0 and grid[-1, 0] == 0.0
    assert grid[-1, 1] > 0 and grid[:-1, 1].sum() == 0


def test_missing_map_stays_small_on_long_tables():
    edges = block_edges(1_000_000)
    assert len(edges) == 201 and edges[-1] == 1_000_000
    assert len(block_edges(7)) == 8  # one block per row when there are few rows
