"""The demo tables: reproducible from their script, small, with the planted routes and traps."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"


def load_make_demo():
    """Import resources/demo/make_demo.py (it is a script, not part of the package)."""
    name = "workbench_make_demo"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DEMO_DIR / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo():
    return load_make_demo().make_demo()


def test_shipped_csvs_are_what_the_script_writes(tmp_path):
    md = load_make_demo()
    md.write_demo(tmp_path)
    for name in (md.REGRESSION_FILE, md.DEFECTS_FILE):
        shipped = (DEMO_DIR / name).read_bytes()
        assert shipped == (tmp_path / name).read_bytes(), f"re-run make_demo.py to refresh {name}"
        assert len(shipped) <= 2_200_000


def test_regression_table_has_its_planted_routes(demo):
    cells, truth = demo.cells, demo.truth
    assert 8_000 <= len(cells) <= 12_000
    assert list(truth.index) == list(cells.index)
    counts = truth["route"].value_counts()
    for route in ("A", "B", "C"):
        assert counts[route] >= 250
    top = cells["efficiency"] >= cells["efficiency"].quantile(0.95)
    in_focus = truth.loc[top, "route"].value_counts()
    # Every route is well represented in the top 5%, none dominates.
    for route in ("A", "B", "C"):
        assert 0.2 <= in_focus.get(route, 0) / top.sum() <= 0.5
    # The rules evaluated on the shipped values agree with the truth wherever they can be placed.
    md = load_make_demo()
    seen = md.planted_routes(cells)
    placeable = cells["humidity"].ge(0) & cells["paste_thickness"].notna()
    assert (seen[placeable] == truth.loc[placeable, "route"]).all()


def test_defect_table_is_about_five_percent_defects(demo):
    share = (demo.defects["defect"] == "yes").mean()
    assert 0.04 <= share <= 0.07
    routes = demo.truth.loc[demo.defects["defect"] == "yes", "defect_route"].value_counts()
    for route in ("D1", "D2", "D3"):
        assert routes[route] >= 50


def test_traps_are_planted(demo):
    cells = demo.cells
    # leakage: final test ≈ efficiency
    assert cells["final_test_efficiency"].corr(cells["efficiency"]) > 0.99
    # constant column
    assert cells["wafer_size_mm"].nunique() == 1
    # sentinel -999 in humidity, in stretches
    sentinel = cells["humidity"] == -999
    assert 50 <= sentinel.sum() <= 300
    # ~1% exact duplicate rows
    dup = cells.duplicated().sum()
    assert 0.005 * len(cells) <= dup <= 0.02 * len(cells)
    # confounder: the night shift runs hotter, but shift adds nothing once temperature is known
    by_shift = cells.groupby("shift")["firing_temp"].mean()
    assert by_shift["C"] - by_shift[["A", "B"]].max() > 3
    # missing values, o2_flow mostly on line L3
    o2_missing = cells["o2_flow"].isna()
    assert o2_missing.sum() > 100
    assert (cells.loc[o2_missing, "line"] == "L3").mean() > 0.7
    # Hangul in column names and values
    assert "작업자" in cells.columns and "비고" in cells.columns
    assert demo.defects["final_inspection"].eq("NG").sum() > 0


def test_demo_is_deterministic():
    md = load_make_demo()
    a, b = md.make_demo(seed=7, n=500), md.make_demo(seed=7, n=500)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    pd.testing.assert_frame_equal(a.truth, b.truth)
