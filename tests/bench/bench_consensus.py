"""What the consensus of fits costs: the cause step with and without it, in the same run.

Run: ``python tests/bench/bench_consensus.py [--rows 12000] [--focus-rows 50000]``.

1. A planted table (tests/truth/generators.routes_regression, 5-fold validation): the product's
   model and SHAP once, then the cause step (a) on the final model alone — the single-fit path,
   what every analysis ran before — and (b) with the five fold models' SHAP of the focus rows
   (computed in the timing) and their consensus. Prints both times and the ratio.
2. A focus of ``--focus-rows`` SHAP-like rows (the 1M-row bench's 5%) grouped by the single-fit
   path and by the consensus of six fits, to show the grouping stays bounded at that size (the
   consensus itself runs on 3,000 rows; the 1M-row path has one fit, a holdout, and does not
   use it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def planted(rows: int) -> None:
    from tests.truth import generators as gen
    from workbench.steps.cause_consensus import fold_values
    from workbench.steps.causes import find_cause_groups
    from workbench.steps.explain import explain_model
    from workbench.steps.goal import Goal, select_focus
    from workbench.steps.modeling import fit_model
    from workbench.steps.roles import assign_roles
    from workbench.tables.loader import load_table

    p = gen.routes_regression(n=rows)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_consensus.csv"
    p.frame.to_csv(path, index=False)
    table = load_table(path)
    frame, kinds = table.frame, dict(table.kinds)
    goal = Goal(p.target, focus=p.focus)
    roles = assign_roles(frame, kinds, p.target)
    fit = fit_model(frame, kinds, goal, roles)
    focus_rows = select_focus(frame[p.target], goal.focus)
    focus = explain_model(fit, focus_rows).focus
    t0 = time.perf_counter()
    single = find_cause_groups(focus, frame, frame[p.target], roles, goal)
    single_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    folds = fold_values(fit, focus.rows, [str(c) for c in focus.columns])
    both = find_cause_groups(focus, frame, frame[p.target], roles, goal, alternates=folds)
    both_s = time.perf_counter() - t0
    print(
        f"planted routes, {rows:,} rows, {len(focus.rows):,} focus rows, "
        f"{len(folds)} fold models:\n"
        f"  cause step, final model alone: {single_s:.2f} s ({len(single.groups)} groups)\n"
        f"  cause step, consensus of {len(folds) + 1} fits (fold SHAP included): {both_s:.2f} s "
        f"({len(both.groups)} groups)\n  ratio {both_s / single_s:.2f}"
    )


def large_focus(n: int) -> None:
    from workbench.steps.cause_consensus import consensus_grouping
    from workbench.steps.cause_stability import auto_min_group_size, choose_grouping

    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (4, 10))
    truth = rng.integers(0, 4, n)
    base = centres[truth] + rng.normal(0, 0.6, (n, 10))
    fits = [base] + [base + rng.normal(0, 0.2, base.shape) for _ in range(5)]
    size = auto_min_group_size(n)
    t0 = time.perf_counter()
    choose_grouping(base, size)
    single_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    consensus_grouping(fits, size)
    both_s = time.perf_counter() - t0
    print(
        f"{n:,} focus rows x 10 columns: single-fit grouping {single_s:.2f} s, consensus of "
        f"6 fits {both_s:.2f} s, ratio {both_s / single_s:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--focus-rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    planted(args.rows)
    large_focus(args.focus_rows)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    raise SystemExit(main())
