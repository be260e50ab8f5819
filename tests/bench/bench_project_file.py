"""Benchmark: save and reopen a project built on 1,000,000 × 50 rows.

Runs the real analysis once (quick model effort) on a generated table, then times
``save_project`` and ``open_project`` (with fitting, SHAP and clustering patched to fail: a
reopen must not recompute them), ``workbench info`` (JSON only), and — as the reference measured
in the same run — writing and reading the bare snapshot as Parquet with pandas.

Run: ``python tests/bench/bench_project_file.py [--rows N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def make_table(n: int, seed: int = 0):
    """50 columns: 40 numbers, 6 categories, a flag, a time, an ID, and the target."""
    from workbench.tables.table import ColumnKind, LoadedTable, LoadOptions, SourceInfo

    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    kinds: dict[str, ColumnKind] = {}
    data["run_id"] = pd.array([f"R{i:07d}" for i in range(n)], dtype="str")
    kinds["run_id"] = ColumnKind.ID
    data["시각"] = pd.date_range("2025-01-01", periods=n, freq="min").as_unit("ns")
    kinds["시각"] = ColumnKind.DATETIME
    x = rng.normal(size=(n, 40))
    x[rng.random((n, 40)) < 0.01] = np.nan
    for j in range(40):
        name = f"센서_{j:02d}[℃]" if j % 2 else f"sensor_{j:02d}"
        data[name] = x[:, j].round(3)
        kinds[name] = ColumnKind.NUMERIC
    for j, levels in enumerate([3, 4, 6, 12, 30, 90]):
        codes = rng.integers(0, levels, n)
        cats = pd.Index([f"L{k}" for k in range(levels)], dtype="str")
        data[f"cat_{j}"] = pd.Categorical.from_codes(codes, categories=cats)
        kinds[f"cat_{j}"] = ColumnKind.CATEGORICAL
    data["flag"] = pd.array(rng.random(n) < 0.3, dtype="boolean")
    kinds["flag"] = ColumnKind.BOOLEAN
    c0 = np.asarray(data["cat_0"].codes)
    y = (
        0.8 * np.nan_to_num(x[:, 0])
        - 0.5 * np.nan_to_num(x[:, 1])
        + 0.6 * ((np.nan_to_num(x[:, 2]) > 1) & (c0 == 1))
        + rng.normal(0, 0.5, n)
    )
    data["efficiency"] = y.round(4)
    kinds["efficiency"] = ColumnKind.NUMERIC
    frame = pd.DataFrame(data)
    source = SourceInfo("generated.csv", 0, 0.0, "0" * 64, "csv")
    return LoadedTable(frame, kinds, source, LoadOptions())


def _refuse(*args, **kwargs):
    raise AssertionError("reopening called a fitting / SHAP / clustering function")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--trees", type=int, default=60, help="most trees of the quick model")
    ap.add_argument("--keep", type=Path, default=None, help="keep the project file here")
    args = ap.parse_args()

    import lightgbm

    import workbench.steps.causes as causes_mod
    import workbench.steps.explain as explain_mod
    import workbench.steps.modeling as modeling_mod
    from workbench.analysis import run_analysis
    from workbench.pipeline import project_from_analysis
    from workbench.project import Section
    from workbench.steps.model_settings import ModelSettings
    from workbench.store.project_file import open_project, save_project
    from workbench.store.project_info import describe_project

    t0 = time.perf_counter()
    table = make_table(args.rows)
    print(
        f"table: {table.n_rows:,} rows x {table.n_columns} columns "
        f"({table.frame.memory_usage(deep=True).sum() / 1e6:,.0f} MB in memory), "
        f"made in {time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    result = run_analysis(
        table,
        target="efficiency",
        id_columns="run_id",
        time="시각",
        controllable="sensor_00,센서_01[℃],sensor_02",
        settings=ModelSettings(effort="quick", max_trees=args.trees),
    )
    analysis_s = time.perf_counter() - t0
    compute_s = sum(result.timings.get(k, 0.0) for k in ("fit", "explain", "causes"))
    groups = 0 if result.causes is None else len(result.causes.groups)
    print(
        f"analysis: {analysis_s:.1f} s (fit + SHAP + groups {compute_s:.1f} s); "
        f"verdict {result.fit.verdict}, {len(result.focus_rows):,} focus rows, {groups} groups"
    )
    print("  steps (s):", {k: round(v, 1) for k, v in result.timings.items()})
    project = project_from_analysis(result, name="bench")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="wb_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.wbproj"

    # Reference: the bare snapshot through pandas + pyarrow (what any Parquet save costs).
    ref = folder / "snapshot_ref.parquet"
    t0 = time.perf_counter()
    table.frame.to_parquet(ref, engine="pyarrow", compression="zstd")
    ref_write = time.perf_counter() - t0
    t0 = time.perf_counter()
    pd.read_parquet(ref, engine="pyarrow")
    ref_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    c0 = time.process_time()
    save_project(project, path)
    save_s, save_cpu = time.perf_counter() - t0, time.process_time() - c0
    size = path.stat().st_size

    saved = (
        lightgbm.train,
        modeling_mod.fit_model,
        explain_mod.compute_shap,
        explain_mod.explain_model,
        causes_mod.find_cause_groups,
    )
    lightgbm.train = modeling_mod.fit_model = _refuse  # type: ignore[assignment]
    explain_mod.compute_shap = explain_mod.explain_model = _refuse  # type: ignore[assignment]
    causes_mod.find_cause_groups = _refuse  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        c0 = time.process_time()
        back = open_project(path)
        open_s, open_cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        (
            lightgbm.train,
            modeling_mod.fit_model,
            explain_mod.compute_shap,
            explain_mod.explain_model,
            causes_mod.find_cause_groups,
        ) = saved
    got = back.result(Section.MODEL)
    assert got.fit.booster.model_to_string() == result.fit.booster.model_to_string()
    np.testing.assert_array_equal(got.explanation.focus.values, result.explanation.focus.values)
    pd.testing.assert_frame_equal(got.frame, result.frame)
    sample = result.frame.iloc[:10_000]
    np.testing.assert_array_equal(got.fit.predict(sample), result.fit.predict(sample))

    t0 = time.perf_counter()
    describe_project(path, check_source_file=False)
    info_s = time.perf_counter() - t0

    mb = size / 1e6
    print(
        f"save: {save_s:.1f} s wall, {save_cpu:.1f} s CPU -> {mb:,.0f} MB "
        f"(reference Parquet write {ref_write:.1f} s, {ref.stat().st_size / 1e6:,.0f} MB; "
        f"ratio {save_s / ref_write:.2f})"
    )
    print(
        f"open: {open_s:.1f} s wall, {open_cpu:.1f} s CPU, nothing refitted "
        f"(reference Parquet read {ref_read:.1f} s, ratio {open_s / ref_read:.2f}; "
        f"fit + SHAP + groups took {compute_s:.1f} s: {compute_s / open_s:.1f}x the reopen)"
    )
    print(f"info (JSON only): {info_s:.2f} s")
    if args.keep is None:
        for p in folder.iterdir():
            p.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
