"""End-to-end benchmark: ``run_analysis`` against the naive recipe, at 100k and 1M rows.

Run: ``python tests/bench/bench_analyze.py [--rows 100000,1000000] [--skip-naive]
[--naive-timeout 1200] [--json FILE]``.

The first run writes CSVs of N rows × 50 columns (a run id, 44 numeric process columns with a
few missing values, 4 categorical columns with Hangul levels, and the target ``yield``) into
``tests/bench/_data/`` (gitignored); later runs reuse them. The target has three planted routes
to a high yield (supplier S2 with thin paste; hot with a slow belt; humidity in a window with
high gas flow) plus smooth effects and noise. Goal: maximise ``yield``, focus ``top:5%``.

Ours: ``run_analysis(path, target="yield", focus="top:5%", id_columns="run_id")`` end to end,
with its per-step timings (load, quality, clean, roles, fit, explain, causes).
Naive (same file, same machine, same run): ``pandas.read_csv``; ``lightgbm.LGBMRegressor()``
with default settings on every row; ``shap.TreeExplainer(model).shap_values`` on the focus rows;
``sklearn.cluster.HDBSCAN()`` (defaults) on those SHAP values. A step that runs past
``--naive-timeout`` seconds is stopped and reported as "> timeout".

Each pipeline runs in its own subprocess (fresh memory and caches), with peak memory measured.
Targets (issue 3): ours ≤ 3 min at 1M rows on 2 cores and ≥ 2× faster than the naive recipe.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent / "_data"
TARGET = "yield"
FOCUS = "top:5%"
N_NUMERIC = 44
CATEGORICAL = {
    "supplier": ["S1", "S2", "S3"],
    "line": ["L1", "L2", "L3", "L4"],
    "shift": ["주간", "야간", "특근"],
    "paste_lot": [f"lot{i:02d}" for i in range(30)],
}
NUMERIC_NAMES = [
    "paste_thickness [µm]",
    "firing_temp [°C]",
    "belt_speed [mm/s]",
    "humidity [%]",
    "gas_flow_N2 [slm]",
] + [f"sensor_{i:02d}" for i in range(N_NUMERIC - 5)]


def data_path(n: int) -> Path:
    return DATA_DIR / f"analyze_{n}x50.csv"


def make_csv(n: int, seed: int = 0) -> Path:
    """Write the benchmark table (once) and return its path."""
    path = data_path(n)
    if path.exists():
        return path
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {"run_id": np.char.add("R", np.arange(n).astype(str))}
    num = rng.normal(size=(n, N_NUMERIC))
    thickness = 18 + 1.5 * num[:, 0]
    temp = 800 + 10 * num[:, 1]
    speed = 120 + 15 * num[:, 2]
    humidity = 50 + 12 * num[:, 3]
    gas = 10 + 2 * num[:, 4]
    values = [thickness, temp, speed, humidity, gas] + [num[:, j] for j in range(5, N_NUMERIC)]
    cats = {name: rng.choice(levels, size=n) for name, levels in CATEGORICAL.items()}
    route_a = (cats["supplier"] == "S2") & (thickness < 17.0)
    route_b = (temp > 812) & (speed < 110)
    route_c = (np.abs(humidity - 40) < 6) & (gas > 12)
    y = (
        18.0
        + 0.15 * num[:, 5]
        - 0.1 * num[:, 6]
        + 0.05 * (cats["line"] == "L2")
        + 1.6 * route_a
        + 1.6 * route_b
        + 1.6 * route_c
        + rng.normal(0, 0.35, n)
    )
    for name, v in zip(NUMERIC_NAMES, values, strict=True):
        v = np.round(v, 4)
        if name in ("humidity [%]", "sensor_07", "sensor_21"):
            v = np.where(rng.random(n) < 0.02, np.nan, v)
        cols[name] = v
    cols.update(cats)
    cols[TARGET] = np.round(y, 4)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(pa.table(cols), tmp)
    tmp.replace(path)
    return path


# --- children: one pipeline per process ---------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from workbench.analysis import run_analysis

    t0 = time.perf_counter()
    result = run_analysis(path, target=TARGET, focus=FOCUS, id_columns="run_id")
    wall = time.perf_counter() - t0
    summary = result.summary()
    exp = result.explanation
    fit = result.fit
    out = {
        "wall_s": round(wall, 2),
        "steps": {k: round(v, 2) for k, v in result.timings.items()},
        "peak_mb": round(_peak_mb()),
        "model": summary.get("model"),
        "trees": getattr(fit, "n_trees", None),
        "validation": getattr(fit, "validation", None),
        "focus_rows": len(result.focus_rows),
        "shap_rows": int(exp.overall.n_rows + exp.focus.n_rows) if exp else 0,
        "shap_method": exp.focus.method if exp else None,
        "groups": len(summary.get("clusters", [])),
        "noise_rows": summary.get("noise_rows"),
        "top_drivers": [d["column"] for d in summary.get("drivers", [])[:6]],
    }
    return out


def child_naive_step(path: Path, report) -> None:
    """The naive recipe; ``report(step, seconds, extra)`` after each step."""
    import lightgbm as lgb
    import pandas as pd
    import shap
    from sklearn.cluster import HDBSCAN

    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    report("load", time.perf_counter() - t0, {})

    t0 = time.perf_counter()
    X = frame.drop(columns=["run_id", TARGET])
    for name in CATEGORICAL:
        X[name] = X[name].astype("category")
    X.columns = [f"c{i}" for i in range(X.shape[1])]  # LightGBM refuses [ ] " : , in names
    y = frame[TARGET]
    model = lgb.LGBMRegressor(verbose=-1)
    model.fit(X, y)
    report("fit", time.perf_counter() - t0, {"trees": model.n_estimators_})

    t0 = time.perf_counter()
    cutoff = y.quantile(0.95)
    focus = X[y >= cutoff]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = np.asarray(shap.TreeExplainer(model).shap_values(focus))
    report("explain", time.perf_counter() - t0, {"focus_rows": len(focus)})

    t0 = time.perf_counter()
    labels = HDBSCAN().fit_predict(values)
    groups = len(set(labels.tolist()) - {-1})
    report("causes", time.perf_counter() - t0, {"groups": groups})


def run_child(kind: str, path: Path, timeout: float | None) -> dict:
    """Run one pipeline in a subprocess; collect its JSON lines (partial on timeout)."""
    cmd = [sys.executable, __file__, "--child", kind, "--path", str(path)]
    # Both pipelines with passive OpenMP waits (workbench sets this itself), so a busy machine
    # does not turn LightGBM's spinning threads against the naive recipe.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_WAIT_POLICY": "PASSIVE"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        timed_out = True
    result: dict = {"steps": {}, "timed_out": timed_out, "elapsed_s": time.perf_counter() - started}
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if "step" in item:
            result["steps"][item["step"]] = round(item["seconds"], 2)
            result.update(item.get("extra", {}))
        else:
            result.update(item)
    if proc.returncode not in (0, None) and not timed_out:
        result["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else "failed"
    return result


def _fmt(v) -> str:
    return "—" if v is None else f"{v:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-ours", action="store_true")
    parser.add_argument("--naive-timeout", type=float, default=1200.0)
    parser.add_argument("--json", type=Path, default=DATA_DIR / "bench_analyze.json")
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "ours":
        print(json.dumps(child_ours(args.path)), flush=True)
        return 0
    if args.child == "naive":
        t_start = time.perf_counter()

        def report(step: str, seconds: float, extra: dict) -> None:
            item = {"step": step, "seconds": seconds, "extra": extra}
            print(json.dumps(item), flush=True)

        child_naive_step(args.path, report)
        wall = time.perf_counter() - t_start
        print(json.dumps({"wall_s": round(wall, 2), "peak_mb": round(_peak_mb())}), flush=True)
        return 0

    sizes = [int(s) for s in args.rows.split(",") if s]
    print(f"# End-to-end analyze benchmark — {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    results: dict = {"cores": os.cpu_count(), "load_average": os.getloadavg()[0], "runs": []}
    for n in sizes:
        t0 = time.perf_counter()
        path = make_csv(n)
        print(
            f"\n## {n:,} rows × 50 columns ({path.name}, ready in {time.perf_counter() - t0:.0f} s)"
        )
        run: dict = {"rows": n}
        if not args.skip_ours:
            ours = run_child("ours", path, None)
            run["ours"] = ours
            steps = ours.get("steps", {})
            print(
                f"ours: {ours.get('wall_s')} s total, peak {ours.get('peak_mb')} MB | "
                + " | ".join(f"{k} {v:.1f}" for k, v in steps.items() if k != "total")
            )
            print(
                f"      model {ours.get('model')} trees={ours.get('trees')} "
                f"validation={ours.get('validation')}; SHAP rows {ours.get('shap_rows')} "
                f"({ours.get('shap_method')}); focus {ours.get('focus_rows')} rows -> "
                f"{ours.get('groups')} groups, noise {ours.get('noise_rows')}; "
                f"drivers {ours.get('top_drivers')}"
            )
            if "error" in ours:
                print(f"      error: {ours['error']}")
        if not args.skip_naive:
            naive = run_child("naive", path, args.naive_timeout)
            run["naive"] = naive
            steps = naive.get("steps", {})
            total = naive.get("wall_s")
            if total:
                shown = f"{total} s total"
            elif naive.get("timed_out"):
                shown = f"> {args.naive_timeout:.0f} s (stopped)"
            else:
                shown = "failed"
            print(
                f"naive: {shown}, peak {naive.get('peak_mb')} MB | "
                + " | ".join(f"{k} {v:.1f}" for k, v in steps.items())
                + (" | next step stopped at the timeout" if naive.get("timed_out") else "")
            )
            print(
                f"      trees={naive.get('trees')} focus {naive.get('focus_rows')} rows -> "
                f"{naive.get('groups')} groups"
            )
            if "error" in naive:
                print(f"      error: {naive['error']}")
        if "ours" in run and "naive" in run:
            ours_total = run["ours"].get("wall_s")
            naive_total = run["naive"].get("wall_s") or run["naive"]["elapsed_s"]
            if ours_total and "error" not in run["naive"]:
                bound = "≥ " if run["naive"].get("timed_out") else ""
                run["speedup"] = round(naive_total / ours_total, 2)
                print(f"speed-up: {bound}{naive_total / ours_total:.1f}x")
        results["runs"].append(run)

    print("\n| rows | step | ours s | naive s |")
    print("|---:|---|---:|---:|")
    for run in results["runs"]:
        o = run.get("ours", {}).get("steps", {})
        v = run.get("naive", {}).get("steps", {})
        for step in ("load", "quality", "clean", "roles", "fit", "explain", "causes", "total"):
            naive_v = v.get(step)
            if step == "total":
                naive_v = run.get("naive", {}).get("wall_s")
            print(f"| {run['rows']:,} | {step} | {_fmt(o.get(step))} | {_fmt(naive_v)} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nResults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
