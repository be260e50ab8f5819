"""SHAP benchmark: our ``compute_shap`` against ``shap.TreeExplainer`` on the same rows.

Run: ``python tests/bench/bench_shap.py [--train-rows 200000] [--quick] [--json FILE]`` (the
shap reference comes with ``pip install -e ".[bench]"``).

1. Speed and agreement: LightGBM models of realistic size (200 trees, 31 and 63 leaves,
   50 features with categoricals and missing values, trained on 200k rows); on the same 5,000
   and 50,000 rows, time ``compute_shap`` (compiled kernel, checked against LightGBM) and
   ``shap.TreeExplainer(model).shap_values`` (explainer construction timed apart); report rows/s,
   the ratio and the largest absolute difference.
2. Capacity: how SHAP cost grows with num_leaves / max_depth / trees, so the model settings can
   be picked with the SHAP step in view: per model, trees, mean leaves and depth, the TreeSHAP
   cost proxy (trees × leaves × depth²), our rows/s and LightGBM ``pred_contrib``'s rows/s, and
   the time to explain 55,000 rows (the 5% focus of 1M rows plus the 5,000-row sample).

Wall times are on this machine with all cores; CPU seconds are printed too, since a busy
machine inflates wall time. The load average at the start is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.steps import shap_native
from workbench.steps.explain import compute_shap, model_shape

DATA_DIR = Path(__file__).resolve().parent / "_data"
N_FEATURES = 50
N_CATEGORICAL = 5


def make_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """50 features (45 numeric, 5 categorical), some missing, a target with planted structure."""
    rng = np.random.default_rng(seed)
    n_num = N_FEATURES - N_CATEGORICAL
    X = pd.DataFrame(rng.normal(size=(n, n_num)), columns=[f"f{i}" for i in range(n_num)])
    for i in range(0, n_num, 5):
        X.loc[rng.random(n) < 0.05, f"f{i}"] = np.nan
    for j in range(N_CATEGORICAL):
        levels = [f"L{k}" for k in range(3 + 4 * j)]
        X[f"f{n_num + j}"] = pd.Categorical(rng.choice(levels, size=n), categories=levels)
    c0 = X[f"f{n_num}"].cat.codes.to_numpy()
    c1 = X[f"f{n_num + 1}"].cat.codes.to_numpy()
    f = X.fillna(0.0, inplace=False).iloc[:, :n_num].to_numpy()
    y = (
        2.0 * f[:, 0]
        + np.sin(2 * f[:, 1])
        + 1.5 * (f[:, 2] > 0) * (f[:, 3] > 0.5)
        + 0.7 * f[:, 4] * f[:, 5]
        + 1.2 * (c0 == 1)
        + 0.8 * (c1 % 3 == 0) * (f[:, 6] < 0)
        + 0.3 * f[:, 7:20].sum(axis=1) / 4
        + rng.normal(0, 0.5, n)
    )
    return X, y


def train(frame: pd.DataFrame, y: np.ndarray, leaves: int, depth: int, trees: int) -> tuple:
    params = {
        "objective": "regression",
        "num_leaves": leaves,
        "max_depth": depth,
        "learning_rate": 0.1,
        "max_bin": 63,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "min_data_in_leaf": 20,
        "verbose": -1,
        "seed": 0,
        "num_threads": os.cpu_count() or 1,
    }
    t0 = time.perf_counter()
    booster = lgb.train(params, lgb.Dataset(frame, y), trees)
    return booster, time.perf_counter() - t0


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def shap_reference(booster: lgb.Booster, frame: pd.DataFrame):
    import shap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explainer, t_build, _ = timed(lambda: shap.TreeExplainer(booster))
        values, t_wall, t_cpu = timed(lambda: np.asarray(explainer.shap_values(frame)))
    return values, t_build, t_wall, t_cpu


def speed_section(frame, y, row_counts, leaves_list, trees, results) -> None:
    print("\n## Speed and agreement (same rows, all cores)\n")
    print(
        "| model | rows | ours s (cpu) | ours rows/s | shap build s | shap values s (cpu) "
        "| shap rows/s | speed-up | max abs diff |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(1)
    for leaves in leaves_list:
        booster, fit_s = train(frame, y, leaves, -1, trees)
        shape = model_shape(booster)
        name = f"{trees} trees, {leaves} leaves (depth {shape['mean_depth']:.1f})"
        for n in row_counts:
            rows = frame.index[np.sort(rng.choice(len(frame), size=n, replace=False))]
            ours, o_wall, o_cpu = timed(lambda rows=rows, b=booster: compute_shap(b, frame, rows))
            ref, s_build, s_wall, s_cpu = shap_reference(booster, frame.loc[rows])
            diff = float(np.abs(ours.values - ref).max())
            s_total = s_build + s_wall
            row = {
                "model": name,
                "leaves": leaves,
                "trees": trees,
                "fit_s": round(fit_s, 2),
                "rows": n,
                "ours_s": round(o_wall, 3),
                "ours_cpu_s": round(o_cpu, 3),
                "ours_rows_per_s": round(n / o_wall),
                "ours_method": ours.method,
                "shap_build_s": round(s_build, 3),
                "shap_values_s": round(s_wall, 3),
                "shap_cpu_s": round(s_cpu, 3),
                "shap_rows_per_s": round(n / s_total),
                "speedup": round(s_total / o_wall, 2),
                "max_abs_diff": diff,
            }
            results["speed"].append(row)
            print(
                f"| {name} | {n:,} | {o_wall:.2f} ({o_cpu:.2f}) | {n / o_wall:,.0f} "
                f"| {s_build:.2f} | {s_wall:.2f} ({s_cpu:.2f}) | {n / s_total:,.0f} "
                f"| {s_total / o_wall:.1f}x | {diff:.1e} |",
                flush=True,
            )


def capacity_section(frame, y, grid, rows_per_model, results) -> None:
    print("\n## SHAP cost by model capacity (LightGBM pred_contrib vs ours, all cores)\n")
    print(
        "| leaves | max_depth | trees | fit s | mean depth | T·L·D² per row | ours rows/s "
        "| pred_contrib rows/s | ours: 55k rows s | pred_contrib: 55k rows s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = frame.index[:rows_per_model]
    small = frame.index[: max(500, rows_per_model // 10)]
    for leaves, depth, trees in grid:
        booster, fit_s = train(frame, y, leaves, depth, trees)
        shape = model_shape(booster)
        _, o_wall, _ = timed(lambda b=booster: compute_shap(b, frame, rows))
        _, n_wall, _ = timed(lambda b=booster: compute_shap(b, frame, small, method="lightgbm"))
        ours_rps = len(rows) / o_wall
        native_rps = len(small) / n_wall
        row = {
            "leaves": leaves,
            "max_depth": depth,
            "trees": trees,
            "fit_s": round(fit_s, 2),
            "mean_leaves": round(shape["mean_leaves"], 1),
            "mean_depth": round(shape["mean_depth"], 2),
            "cost_per_row": shape["cost_per_row"],
            "ours_rows_per_s": round(ours_rps),
            "pred_contrib_rows_per_s": round(native_rps),
            "ours_55k_s": round(55_000 / ours_rps, 1),
            "pred_contrib_55k_s": round(55_000 / native_rps, 1),
        }
        results["capacity"].append(row)
        print(
            f"| {leaves} | {depth} | {trees} | {fit_s:.1f} | {shape['mean_depth']:.1f} "
            f"| {shape['cost_per_row']:,.0f} | {ours_rps:,.0f} | {native_rps:,.0f} "
            f"| {55_000 / ours_rps:.1f} | {55_000 / native_rps:.1f} |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="fewer rows and models")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-capacity", action="store_true")
    parser.add_argument("--leaves", default="31,63", help="speed section: num_leaves list")
    parser.add_argument("--rows", default="5000,50000", help="speed section: row counts")
    parser.add_argument("--grid", choices=["full", "small"], default="full")
    parser.add_argument("--json", type=Path, default=DATA_DIR / "bench_shap.json")
    args = parser.parse_args(argv)

    n = 30_000 if args.quick else args.train_rows
    row_counts = [2_000, 10_000] if args.quick else [int(r) for r in args.rows.split(",")]
    leaves_list = [31] if args.quick else [int(v) for v in args.leaves.split(",")]
    trees = 50 if args.quick else 200
    print(f"# SHAP benchmark — {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"LightGBM {lgb.__version__}; training rows {n:,}, {N_FEATURES} features")
    _, compile_s, _ = timed(shap_native.warm_up)
    print(f"Kernel compile (or cache load): {compile_s:.1f} s")
    X, y = make_data(n)
    results: dict = {
        "cores": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "train_rows": n,
        "compile_s": round(compile_s, 2),
        "speed": [],
        "capacity": [],
    }
    if not args.skip_speed:
        speed_section(X, y, row_counts, leaves_list, trees, results)
    if not args.skip_capacity:
        if args.quick:
            grid = [(15, -1, 50), (31, 8, 50)]
        elif args.grid == "small":
            grid = [(15, 6, 150), (31, 8, 200), (31, -1, 200), (63, 10, 200), (63, -1, 200)]
        else:
            grid = [
                (15, -1, 200),
                (31, -1, 200),
                (31, 8, 200),
                (31, 6, 200),
                (63, -1, 200),
                (63, 8, 200),
                (127, -1, 200),
                (31, -1, 100),
                (31, -1, 300),
            ]
        capacity_section(X, y, grid, 5_000 if args.quick else 20_000, results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nResults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
