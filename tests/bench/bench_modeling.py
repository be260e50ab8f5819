"""Benchmark: the model step (features, validation fits, refit, baselines) at 100k and 1M rows.

Run: ``python tests/bench/bench_modeling.py [--rows 100000,1000000] [--effort standard]``.
The table is generated in memory: 50 columns (44 numeric, 5 categorical with Hangul levels, a
few missing values) plus a regression target with an interaction, a threshold effect and noise,
like a production line. Prints the time of each phase and how it grows from 100k to 1M rows.
Target (issue 3): the whole fit for 1M x 50 under ~90 s on the 2-core reference machine, so the
whole ``workbench analyze`` stays within 3 minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from workbench.steps.goal import Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.tables.table import ColumnKind

N_NUMERIC = 44
N_CATEGORICAL = 5


def make_table(n: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, ColumnKind]]:
    r = np.random.default_rng(seed)
    data: dict[str, object] = {}
    kinds: dict[str, ColumnKind] = {}
    for j in range(N_NUMERIC):
        col = r.normal(size=n).astype(np.float64)
        col[r.random(n) < 0.02] = np.nan
        data[f"x{j:02d} [단위]"] = col
        kinds[f"x{j:02d} [단위]"] = ColumnKind.NUMERIC
    levels = [["S1", "S2", "S3"], ["L1", "L2", "L3", "L4"], ["주간", "야간"], list("ABCDEFGH")]
    levels.append([f"lot{i:02d}" for i in range(40)])
    for j, lv in enumerate(levels):
        name = f"cat{j}"
        data[name] = pd.Categorical(r.choice(lv, n), categories=lv)
        kinds[name] = ColumnKind.CATEGORICAL
    frame = pd.DataFrame(data)
    x0 = np.nan_to_num(frame.iloc[:, 0].to_numpy())
    x1 = np.nan_to_num(frame.iloc[:, 1].to_numpy())
    x2 = np.nan_to_num(frame.iloc[:, 2].to_numpy())
    y = (
        1.0 * x0
        + 0.8 * np.where(x1 > 0.5, 1.0, 0.0)
        + 0.6 * x0 * x2
        + 0.7 * (frame["cat0"] == "S2").to_numpy()
        - 0.4 * (frame["cat2"] == "야간").to_numpy()
        + r.normal(0, 1.0, n)
    )
    frame["efficiency"] = 19.0 + 0.3 * y
    kinds["efficiency"] = ColumnKind.NUMERIC
    return frame, kinds


def run(n: int, effort: str) -> dict[str, float]:
    t = time.perf_counter()
    frame, kinds = make_table(n)
    gen = time.perf_counter() - t
    settings = ModelSettings(effort=effort)  # type: ignore[arg-type]
    t = time.perf_counter()
    cpu = time.process_time()
    fit = fit_model(frame, kinds, Goal("efficiency"), None, settings)
    total = time.perf_counter() - t
    cpu = time.process_time() - cpu
    phases = dict(fit.timings)
    print(
        f"{n:>9,} rows x {frame.shape[1] - 1} cols | generate {gen:5.1f}s | "
        f"validation={fit.validation} folds={fit.n_folds} trees={fit.n_trees} "
        f"threads={fit.params.get('num_threads')} | R² {fit.score:.3f} "
        f"(rule {fit.baseline['one_feature'].get('r2'):.3f} on {fit.rule_column}) "
        f"verdict={fit.verdict}"
    )
    order = ["prepare", "dataset", "validation", "refit", "baseline"]
    cpus = fit.cpu_timings
    print(
        "    wall "
        + " | ".join(f"{k} {phases[k]:6.2f}s" for k in order)
        + f" | TOTAL {total:6.2f}s"
    )
    print("    cpu  " + " | ".join(f"{k} {cpus[k]:6.2f}s" for k in order) + f" | TOTAL {cpu:6.2f}s")
    print(f"    ({cpu / total:.2f} cores busy on average; wall > cpu/cores: the machine is shared)")
    phases["total"] = total
    return phases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--effort", default="standard")
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",")]
    print(f"cores: {os.cpu_count()}  effort: {args.effort}")
    results = {n: run(n, args.effort) for n in sizes}
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        print(f"growth {a:,} -> {b:,} rows ({b / a:.0f}x):")
        for key in ["prepare", "dataset", "validation", "refit", "baseline", "total"]:
            ra, rb = results[a][key], results[b][key]
            print(f"    {key:<10} {ra:7.2f}s -> {rb:7.2f}s  ({rb / max(ra, 1e-9):5.1f}x)")


if __name__ == "__main__":
    main()
