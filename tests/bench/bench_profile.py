"""Quality-profile benchmark: ``assess_quality`` against ``pandas.read_csv`` of the same table.

Run: ``python tests/bench/bench_profile.py [--rows N] [--repeat K]``. Builds a 1,000,000-row ×
50-column frame in memory (float, int, Hangul category columns, a datetime, an ID, 5% missing
cells, a few sentinels, outliers and label variants), writes it once as CSV to
``tests/bench/_data/`` (gitignored), then in the same run times:

* ``pandas.read_csv`` of that CSV (the reference; the goal is a ratio below 1.0),
* ``assess_quality`` without a target (profile, duplicate rows, missing map, all alerts),
* the same frame with every column made non-unique (no shortcut possible anywhere),
* ``assess_quality`` with a numeric target, and with a target and a time column (drift).

Timings are the best of ``--repeat`` runs. Memory: the most ``assess_quality`` holds at once on
top of the frame (tracemalloc sees NumPy's allocations, not Arrow's), and the run's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.io.table import ColumnKind  # noqa: E402
from workbench.steps.quality import assess_quality  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "_data"

LINES = ["성형1라인", "성형2라인", "조립A", "조립B", "도장", "검사"]
SHIFTS = ["주간", "야간", "특근"]
GRADES = ["A", "B", "C", "불량"]
SUPPLIERS = [f"협력사{i:02d}" for i in range(40)]
STEPS = ["finishing", "finishing ", "Finishing", "grinding", "polishing", "grindng"]


def make_frame(n: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, ColumnKind]]:
    """A plant-like table: 30 floats, 8 ints, 9 Hangul categories, a datetime, an ID."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    kinds: dict[str, ColumnKind] = {}

    def holes(values: np.ndarray) -> np.ndarray:
        values = values.astype(np.float64)
        values[rng.random(n) < 0.05] = np.nan
        return values

    cols["LOT_ID"] = pd.array([f"LOT-{i:07d}" for i in range(n)], dtype="str")
    kinds["LOT_ID"] = ColumnKind.ID
    cols["생산일시"] = pd.Series(
        np.datetime64("2025-01-01T00:00:00") + np.arange(n) * np.timedelta64(30, "s")
    )
    kinds["생산일시"] = ColumnKind.DATETIME
    for i in range(14):
        values = np.round(rng.normal(200, 15, n), 2)
        if i == 0:
            values[rng.random(n) < 0.003] = -999.0  # a sentinel
        if i == 1:
            values[rng.random(n) < 0.0005] *= 40  # unit errors: outliers
        cols[f"온도_{i + 1}[℃]"] = holes(values)
    for i in range(13):
        cols[f"압력_{i + 1}(bar)"] = holes(np.round(rng.gamma(4, 2.5, n), 3))
    for i in range(3):
        cols[f"속도_{i + 1}"] = holes(np.round(rng.uniform(10, 90, n), 1))
    for i in range(8):
        cols[f"count_{i + 1}"] = rng.integers(0, 500 if i % 2 else 20, n)
    for name, levels in [
        ("라인", LINES),
        ("교대", SHIFTS),
        ("등급", GRADES),
        ("협력사", SUPPLIERS),
        ("공정", STEPS),
        ("설비_1", [f"설비{j}" for j in range(12)]),
        ("설비_2", [f"설비{j}" for j in range(12)]),
        ("설비_3", [f"설비{j}" for j in range(12)]),
        ("금형", [f"M-{j:03d}" for j in range(120)]),
    ]:
        codes = rng.integers(0, len(levels), n)
        codes[rng.random(n) < 0.05] = -1
        cols[name] = pd.Categorical.from_codes(codes, categories=levels)
    y = 0.3 * np.nan_to_num(cols["온도_3[℃]"], nan=200) + rng.normal(0, 3, n)
    cols["효율(%)"] = np.round(y, 2)
    frame = pd.DataFrame(cols)
    for name in frame.columns:
        if name not in kinds:
            numeric = pd.api.types.is_numeric_dtype(frame[name])
            kinds[name] = ColumnKind.NUMERIC if numeric else ColumnKind.CATEGORICAL
    assert frame.shape[1] == 50, frame.shape
    return frame, kinds


def best_of(repeat: int, fn) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def cpu_of(fn) -> float:
    """CPU seconds of one run: steadier than wall time when other jobs share the machine."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    frame, kinds = make_frame(args.rows)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    csv = DATA_DIR / f"profile_{args.rows}x50.csv"
    if not csv.exists():
        frame.to_csv(csv, index=False)
    mb = frame.memory_usage(deep=True).sum() / 1e6
    print(f"frame: {args.rows:,} rows x {frame.shape[1]} columns, {mb:,.0f} MB in memory")
    print(f"csv:   {csv.stat().st_size / 1e6:,.0f} MB at {csv.relative_to(ROOT)}")

    t_csv, _ = best_of(args.repeat, lambda: pd.read_csv(csv))
    cpu_csv = cpu_of(lambda: pd.read_csv(csv))
    print(f"pandas.read_csv (reference)        {t_csv:6.2f} s  (CPU {cpu_csv:5.2f} s)")

    t_plain, report = best_of(args.repeat, lambda: assess_quality(frame, kinds))
    cpu_plain = cpu_of(lambda: assess_quality(frame, kinds))
    kinds_seen = sorted({a.kind for a in report.alerts})
    print(
        f"assess_quality, no target          {t_plain:6.2f} s  ratio {t_plain / t_csv:4.2f}"
        f"  (CPU {cpu_plain:5.2f} s, ratio {cpu_plain / cpu_csv:4.2f})"
    )
    print(f"    {len(report.alerts)} alerts: {', '.join(kinds_seen)}")

    no_unique = frame.drop(columns=["LOT_ID"]).assign(
        생산일시=frame["생산일시"].dt.floor("h"), LOT=frame["라인"]
    )
    no_unique_kinds = {c: kinds.get(c, ColumnKind.CATEGORICAL) for c in no_unique.columns}
    t_dup, rep2 = best_of(args.repeat, lambda: assess_quality(no_unique, no_unique_kinds))
    cpu_dup = cpu_of(lambda: assess_quality(no_unique, no_unique_kinds))
    print(
        f"  ... no unique column             {t_dup:6.2f} s  ratio {t_dup / t_csv:4.2f}"
        f"  (CPU {cpu_dup:5.2f} s, ratio {cpu_dup / cpu_csv:4.2f};"
        f" every row hashed, {rep2.duplicate_rows:,} duplicate rows)"
    )

    target = "효율(%)"
    t_target, rep3 = best_of(args.repeat, lambda: assess_quality(frame, kinds, target=target))
    extra = sorted({a.kind for a in rep3.alerts} - set(kinds_seen))
    print(f"assess_quality, numeric target     {t_target:6.2f} s  ratio {t_target / t_csv:4.2f}")
    print(f"    target-aware checks add {t_target - t_plain:5.2f} s; new kinds: {extra}")

    t_time, rep4 = best_of(
        args.repeat, lambda: assess_quality(frame, kinds, target=target, time="생산일시")
    )
    drifted = [a.column for a in rep4.alerts if a.kind == "drift"]
    print(f"assess_quality, target + time      {t_time:6.2f} s  ratio {t_time / t_csv:4.2f}")
    print(f"    drift check adds {t_time - t_target:5.2f} s; drifted columns: {drifted}")
    tracemalloc.start()
    assess_quality(frame, kinds, target=target, time="생산일시")
    extra_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(
        f"memory assess_quality allocates at its peak: {extra_peak:,.0f} MB"
        f" = {extra_peak / mb:.2f}x the frame (on top of the frame itself)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"peak memory of this whole run (ru_maxrss): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
