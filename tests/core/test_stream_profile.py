"""Files larger than memory, read in record batches: the whole-file profile and quality report
must say what the in-memory check says about the same file (real Parquet and cp949 CSV files,
read in many small batches so the merging across batches is what is tested)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.errors import DataLoadError
from workbench.steps.quality import assess_quality
from workbench.steps.stream_quality import SAMPLED_CHECKS, whole_file_quality
from workbench.tables import big_source, stream_profile
from workbench.tables.big_source import open_big_source
from workbench.tables.file_format import detect_format
from workbench.tables.loader import load_table
from workbench.tables.stream_profile import scan_file

ROWS = 30_000


def plant_frame(n: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """A messy plant table: gaps, a sentinel, Hangul labels, duplicated rows, a time column."""
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(size=n), 4)
    b = np.round(rng.normal(size=n), 4)
    supplier = rng.choice(["S1", "S2", "공급3"], n)
    y = 10 + a + 2 * ((supplier == "S2") & (b < -0.5)) + rng.normal(0, 0.3, n)
    frame = pd.DataFrame(
        {
            "time": pd.date_range("2025-01-01", periods=n, freq="10min"),
            "a": a,
            "b": b,
            "count": rng.integers(0, 50, n),
            "supplier": supplier,
            "shift": rng.choice(["주간", "야간"], n),
            "defect": np.where(rng.random(n) < 0.08, "NG", "OK"),
            "yield": np.round(y, 4),
        }
    )
    frame.loc[rng.random(n) < 0.03, "a"] = np.nan
    frame.loc[rng.random(n) < 0.01, "supplier"] = None
    frame.loc[rng.choice(n, n // 500, replace=False), "b"] = -999.0
    dup_from = rng.choice(n // 2, 40, replace=False)
    frame.iloc[n // 2 + np.arange(40)] = frame.iloc[dup_from].to_numpy()
    return frame


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_parquet(path, row_group_size=4_000)
    return path


def write_cp949_csv(frame: pd.DataFrame, path: Path) -> Path:
    text = frame.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S")
    path.write_bytes(text.encode("cp949"))
    return path


@pytest.fixture(params=["parquet", "csv"])
def plant_file(request, tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(big_source, "BATCH_ROWS", 3_000)  # many batches to merge
    monkeypatch.setattr(big_source, "CSV_BLOCK", 1 << 17)
    frame = plant_frame()
    if request.param == "parquet":
        return write_parquet(frame, tmp_path / "plant.parquet")
    return write_cp949_csv(frame, tmp_path / "plant.csv")


def test_parquet_is_told_by_its_bytes_and_loads(tmp_path):
    path = write_parquet(plant_frame(500), tmp_path / "named.csv")  # the name lies
    assert detect_format(path) == "parquet"
    table = load_table(path)
    assert table.n_rows == 500 and table.source.format == "parquet"
    assert str(table.kinds["yield"]) == "numeric" and str(table.kinds["time"]) == "datetime"
    assert str(table.kinds["supplier"]) == "categorical"


def test_a_damaged_parquet_file_gets_a_plain_message(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100)
    with pytest.raises(DataLoadError, match="Parquet"):
        load_table(path)
    with pytest.raises(DataLoadError, match="Parquet"):
        open_big_source(path)


def test_batches_cover_every_row_once(plant_file):
    source = open_big_source(plant_file)
    sizes = [b.num_rows for b in source.batches()]
    assert len(sizes) > 3 and sum(sizes) == ROWS
    assert source.columns == list(plant_frame(1_000).columns)


def test_profiles_equal_the_in_memory_ones(plant_file):
    table = load_table(plant_file)
    memory = assess_quality(table.frame, table.kinds)
    scan = scan_file(open_big_source(plant_file), uniform_rows=5_000)
    assert scan.n_rows == memory.n_rows == ROWS
    assert scan.duplicate_rows == memory.duplicate_rows >= 40
    for expected in memory.profiles:
        got = scan.profile(expected.name, expected.kind)
        assert (got.count, got.missing, got.missing_pct) == (
            expected.count,
            expected.missing,
            expected.missing_pct,
        ), expected.name
        assert got.distinct == expected.distinct, expected.name
        if expected.kind == "numeric":
            assert got.min == expected.min and got.max == expected.max
            assert got.mean == pytest.approx(expected.mean, rel=1e-9)
            assert got.std == pytest.approx(expected.std, rel=1e-9)
        elif expected.kind == "datetime":
            assert (got.min, got.max) == (expected.min, expected.max)
        else:
            assert dict(got.top_values) == dict(expected.top_values), expected.name


def test_missing_map_counts_every_missing_cell(plant_file):
    frame = plant_frame()
    scan = scan_file(open_big_source(plant_file), uniform_rows=1_000)
    grid = np.array(scan.missing_map.fractions)
    sizes = np.diff(scan.missing_map.block_edges)
    assert scan.missing_map.block_edges[0] == 0 and scan.missing_map.block_edges[-1] == ROWS
    for j, name in enumerate(scan.missing_map.columns):
        # fractions are rounded to 4 decimals: a block of ~150 rows is exact to 0.02 rows
        assert (grid[:, j] * sizes).sum() == pytest.approx(frame[name].isna().sum(), abs=3)


def test_distinct_counts_stop_at_the_cap_and_say_so(tmp_path, monkeypatch):
    monkeypatch.setattr(stream_profile, "DISTINCT_CAP", 500)
    frame = plant_frame(5_000)
    frame["serial"] = [f"SN{i:06d}" for i in range(len(frame))]
    scan = scan_file(open_big_source(write_parquet(frame, tmp_path / "s.parquet")))
    assert set(scan.capped()) >= {"serial", "a", "b", "time", "yield"}
    assert "supplier" not in scan.capped()
    assert scan.profile("serial", "id").distinct == 500


def test_whole_file_quality_states_whole_file_numbers(plant_file):
    table = load_table(plant_file)
    memory = assess_quality(table.frame, table.kinds, target="yield")
    scan = scan_file(open_big_source(plant_file), uniform_rows=8_000, seed=1)
    uniform = table.frame.iloc[scan.uniform_positions]
    report = whole_file_quality(scan, uniform, dict(table.kinds), target="yield")
    assert report.n_rows == ROWS and report.duplicate_rows == memory.duplicate_rows
    missing = {a.column: a.details["missing"] for a in report.alerts if a.kind == "missing"}
    assert missing == {a.column: a.details["missing"] for a in memory.alerts if a.kind == "missing"}
    dup = next(a for a in report.alerts if a.kind == "duplicate_rows")
    assert dup.details["rows"] == memory.duplicate_rows
    note = next(a for a in report.alerts if a.kind == SAMPLED_CHECKS)
    assert note.details == {"rows": ROWS, "sample_rows": 8_000, "capped_columns": []}
    assert "8,000" in note.message and "30,000" in note.message
    # quantiles are estimated from the uniform sample: within 2 percentile points of rank
    values = np.sort(table.frame["yield"].to_numpy())
    for key, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95)):
        estimate = report.profile("yield").quantiles[key]
        rank = np.searchsorted(values, estimate) / len(values)
        assert abs(rank - q) < 0.02, key
    # the row-level checks ran (on the sample): the -999 sentinel in b is found
    assert any(a.kind == "sentinel" and a.column == "b" for a in report.alerts)
