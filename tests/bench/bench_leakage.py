"""Leakage-check benchmark: what the leakage families cost inside the quality profile.

Run: ``python tests/bench/bench_leakage.py [--rows N] [--repeat K]``. Builds the 50-column plant
table of ``bench_profile.py`` (1,000,000 rows by default), plants a failure-mode family (three
0/1 flags whose OR is a 2% "불량" class, next to each other), then in the same run times:

* ``assess_quality`` without a target (the reference: profile and every per-column alert),
* ``assess_quality`` with the class target and its focus (all target checks, leakage included),
* the leakage check alone (near-copies + one-sided flags + families), class focus,
* the leakage check alone on the numeric target without a focus (top and bottom 5% checked).

Each round runs every case once; the best CPU time (all threads: meaningful when other jobs
share the machine) and the median ratio to the reference over the rounds are printed, with
the columns the check flagged (the three planted flags, nothing else).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_profile import make_frame  # noqa: E402

from workbench.steps.goal import parse_focus  # noqa: E402
from workbench.steps.leakage import check_leakage  # noqa: E402
from workbench.steps.profile import summarize_column  # noqa: E402
from workbench.steps.quality import assess_quality  # noqa: E402
from workbench.tables.table import ColumnKind  # noqa: E402

FLAGS = ["고장_A", "고장_B", "고장_C"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    frame, kinds = make_frame(args.rows)
    rng = np.random.default_rng(1)
    failed = rng.random(args.rows) < 0.02
    mode = rng.integers(0, len(FLAGS), args.rows)
    frame["판정"] = np.where(failed, "불량", "양호")
    kinds["판정"] = ColumnKind.CATEGORICAL
    for i, name in enumerate(FLAGS):
        frame[name] = (failed & (mode == i)).astype(np.int64)
        kinds[name] = ColumnKind.NUMERIC
    summaries = {c: summarize_column(str(c), frame[c], kinds[c])[0] for c in frame.columns}
    not_inputs = {c for c, k in kinds.items() if k in (ColumnKind.ID, ColumnKind.DATETIME)}
    focus = parse_focus("class:불량")
    cases = {
        "assess_quality, no target (reference)": lambda: assess_quality(frame, kinds),
        "assess_quality, class target + focus": lambda: assess_quality(
            frame, kinds, target="판정", focus=focus
        ),
        "leakage check alone, class focus": lambda: check_leakage(
            frame, summaries, "판정", not_inputs, focus
        ),
        "leakage check alone, numeric, no focus": lambda: check_leakage(
            frame, summaries, "효율(%)", not_inputs | {"판정"}, None
        ),
    }
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    found: dict[str, list[str]] = {}
    for _ in range(args.repeat):
        for name, fn in cases.items():
            c0 = time.process_time()
            result = fn()
            cpu[name].append(time.process_time() - c0)
            alerts = result.alerts if hasattr(result, "alerts") else result
            found[name] = sorted(str(a.column) for a in alerts if a.kind == "leakage")
    ref = "assess_quality, no target (reference)"
    print(f"{args.rows:,} rows x {frame.shape[1]} columns; CPU seconds (all threads)")
    print(f"{'':40s} {'best CPU':>9s} {'ratio':>6s}  leakage alerts")
    for name in cases:
        ratio = np.median(np.array(cpu[name]) / np.array(cpu[ref]))
        flagged = ", ".join(found[name]) or "-"
        print(f"{name:40s} {min(cpu[name]):8.2f}s {ratio:6.2f}  {flagged}")


if __name__ == "__main__":
    main()
