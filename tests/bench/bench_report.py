"""Benchmark: writing the Excel report of a 1,000,000-row analysis.

Run: ``python tests/bench/bench_report.py [--rows 1000000] [--reference 20000]``.
A production-like table (44 numeric columns, 5 categorical with Hangul levels, a time column and
an efficiency target) is generated in memory and analysed once with ``run_analysis`` (quick
model effort: the benchmark is about the report, not the fit). Then ``write_report`` is timed
three times on it and on a small reference analysis run in the same process: the report
summarizes, so its time must not grow with the rows (target, issue 4: "in seconds").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from workbench.analysis import run_analysis
from workbench.analysis_result import AnalysisResult
from workbench.report.report_xlsx import write_report
from workbench.steps.model_settings import ModelSettings
from workbench.tables.table import ColumnKind, LoadedTable, LoadOptions, SourceInfo

N_NUMERIC = 44
LEVELS = [["S1", "S2", "S3"], ["L1", "L2", "L3", "L4"], ["주간", "야간"], list("ABCDEFGH")]
LEVELS.append([f"lot{i:02d}" for i in range(40)])


def make_table(n: int, seed: int = 0) -> LoadedTable:
    """A line's data: numbers, categories, a time column and a target with real structure."""
    r = np.random.default_rng(seed)
    data: dict[str, object] = {}
    kinds: dict[str, ColumnKind] = {}
    data["시각"] = pd.date_range("2025-01-01", periods=n, freq="30s")
    kinds["시각"] = ColumnKind.DATETIME
    for j in range(N_NUMERIC):
        col = r.normal(size=n)
        col[r.random(n) < 0.02] = np.nan
        data[f"x{j:02d} [단위]"] = col
        kinds[f"x{j:02d} [단위]"] = ColumnKind.NUMERIC
    for j, levels in enumerate(LEVELS):
        data[f"cat{j}"] = pd.Categorical(r.choice(levels, n), categories=levels)
        kinds[f"cat{j}"] = ColumnKind.CATEGORICAL
    frame = pd.DataFrame(data)
    x0, x1, x2 = (np.nan_to_num(frame[f"x{j:02d} [단위]"].to_numpy()) for j in range(3))
    y = (
        x0
        + 0.8 * (x1 > 0.5)
        + 0.6 * x0 * x2
        + 0.7 * (frame["cat0"] == "S2").to_numpy()
        - 0.4 * (frame["cat2"] == "야간").to_numpy()
        + r.normal(0, 1.0, n)
    )
    frame["efficiency"] = 19.0 + 0.3 * y
    kinds["efficiency"] = ColumnKind.NUMERIC
    source = SourceInfo(f"generated_{n}.csv", 0, 0.0, "", "csv")
    return LoadedTable(frame, kinds, source, LoadOptions())


def analyse(n: int) -> tuple[AnalysisResult, float]:
    table = make_table(n)
    t = time.perf_counter()
    result = run_analysis(
        table, target="efficiency", time="시각", settings=ModelSettings(effort="quick")
    )
    return result, time.perf_counter() - t


def time_report(result: AnalysisResult, folder: Path, repeats: int = 3) -> tuple[float, int]:
    """Median wall seconds of ``write_report`` and the file size in bytes."""
    times = []
    path = folder / f"report_{len(result.frame)}.xlsx"
    for _ in range(repeats):
        t = time.perf_counter()
        write_report(result, path)
        times.append(time.perf_counter() - t)
    return statistics.median(times), path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reference", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = []
        seconds = {}
        for n in (args.reference, args.rows):
            result, fit_s = analyse(n)
            report_s, size = time_report(result, folder)
            seconds[n] = report_s
            groups = len(result.causes.groups) if result.causes is not None else 0
            lines.append(
                f"{n:>9,} rows x {result.table.n_columns} cols | analysis {fit_s:6.1f}s | "
                f"report {report_s:5.2f}s (median of 3) | {size / 1024:6.0f} KiB | "
                f"{len(result.quality.alerts)} alerts, {groups} groups"
            )
            print(lines[-1], flush=True)
        ratio = seconds[args.rows] / seconds[args.reference]
        print(
            f"report time at {args.rows:,} rows / at {args.reference:,} rows: {ratio:.2f}x "
            f"(rows x{args.rows / args.reference:.0f})"
        )


if __name__ == "__main__":
    main()
