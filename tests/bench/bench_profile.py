"""Quality-profile benchmark: ``assess_quality`` against ``pandas.read_csv`` of the same table.

Run: ``python tests/bench/bench_profile.py [--rows N] [--repeat K]``. Builds a 1,000,000-row ×
50-column frame in memory (float, int, Hangul category columns, a datetime, an ID, 5% missing
cells, a few sentinels, outliers and label variants), writes it once as CSV to
``tests/bench/_data/`` (gitignored), then in the same run times:

* ``pandas.read_csv`` of that CSV (the reference; the goal is a ratio below 1.0),
* ``assess_quality`` without a target (profile, duplicate rows, missing map, all alerts),
* the same frame with every column made non-unique (no shortcut possible anywhere),
* ``assess_quality`` with a numeric target, with a target and a time column (drift), and with
  a class target and its focus class (the leakage families check one focus).

Each round runs every case once; the best wall time and the median ratio to read_csv over
the rounds are printed, for wall time and for CPU time (all threads), which stays meaningful
when other jobs share the machine. Memory: the most ``assess_quality`` holds at once on
top of the frame (tracemalloc sees NumPy's allocations, not Arrow's), and the run's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import inspect
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.steps.quality import assess_quality  # noqa: E402
from workbench.tables.table import ColumnKind  # noqa: E402

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


def timed(fn) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds (all threads) and the result of one run."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - t0, time.process_time() - c0, result


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

    no_unique = frame.drop(columns=["LOT_ID"]).assign(
        생산일시=frame["생산일시"].dt.floor("h"), LOT=frame["라인"]
    )
    no_unique_kinds = {c: kinds.get(c, ColumnKind.CATEGORICAL) for c in no_unique.columns}
    target, when = "효율(%)", "생산일시"
    # the leakage check's focus (older versions of assess_quality took none: then the default)
    takes_focus = "focus" in inspect.signature(assess_quality).parameters
    focus = {"focus": "class:불량"} if takes_focus else {}
    cases = {
        "pandas.read_csv (reference)": lambda: pd.read_csv(csv),
        "assess_quality, no target": lambda: assess_quality(frame, kinds),
        "  ... no unique column (all rows hashed)": lambda: assess_quality(
            no_unique, no_unique_kinds
        ),
        "assess_quality, numeric target": lambda: assess_quality(frame, kinds, target=target),
        "assess_quality, target + time (drift)": lambda: assess_quality(
            frame, kinds, target=target, time=when
        ),
        "assess_quality, class target (등급 불량)": lambda: assess_quality(
            frame, kinds, target="등급", **focus
        ),
    }
    # Rounds run every case back to back, so each ratio compares runs that saw the same load
    # on the machine; the median ratio over the rounds is reported.
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    results: dict[str, Any] = {}
    for _ in range(args.repeat):
        for name, fn in cases.items():
            w, c, results[name] = timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    ref = "pandas.read_csv (reference)"
    print(f"{'':42s} {'best wall':>9s} {'ratio':>6s} {'CPU':>6s} {'ratio':>6s}")
    for name in cases:
        ratio = np.median(np.array(wall[name]) / np.array(wall[ref]))
        cpu_ratio = np.median(np.array(cpu[name]) / np.array(cpu[ref]))
        print(
            f"{name:42s} {min(wall[name]):8.2f}s {ratio:6.2f} {min(cpu[name]):5.2f}s"
            f" {cpu_ratio:6.2f}"
        )
    for name, report in results.items():
        if name != ref:
            seen = ", ".join(sorted({a.kind for a in report.alerts}))
            print(f"  {name.strip(' .')}: {len(report.alerts)} alerts ({seen})")
    tracemalloc.start()
    assess_quality(frame, kinds, target=target, time=when)
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
