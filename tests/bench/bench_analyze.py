"""End-to-end benchmark: ``run_analysis`` against a careful notebook, at 100k and 1M rows.

Run: ``python tests/bench/bench_analyze.py [--rows 100000,1000000] [--skip-reference]
[--reference-timeout 1200] [--json FILE] [--sampled-rows 10000000 [--sample N]
[--dask-workers 2 [--dask-timeout 3600]]]``.
``--sampled-rows`` adds the Parquet files larger than memory, via the sampled in-process path
(:mod:`tests.bench.bench_sampled`; ``--rows ""`` runs only those); ``--dask-workers N`` runs
the same files on a ``LocalCluster`` of N worker processes too (:mod:`tests.bench.bench_dask`:
every row modelled, peak memory per worker).

The first run writes CSVs of N rows × 50 columns (a run id, 44 numeric process columns with a
few missing values, 4 categorical columns with Hangul levels, and the target ``yield``) into
``tests/bench/_data/`` (gitignored); later runs reuse them. The target has three planted routes
to a high yield (supplier S2 with thin paste; hot with a slow belt; humidity in a window with
high gas flow) plus smooth effects and noise. Goal: maximise ``yield``, focus ``top:5%``.

Ours: ``run_analysis(path, target="yield", focus="top:5%", id_columns="run_id")`` end to end,
with its per-step timings (load, quality, clean, roles, fit, explain, causes).
Reference (same file, same machine, same run): the careful notebook of
:func:`child_reference_step` — pandas, LightGBM defaults with the same validation scheme as ours,
exact SHAP (``pred_contrib``) on the same rows, ``hdbscan`` with the same smallest group on the
same columns. A step that runs past ``--reference-timeout`` seconds is stopped.

Each pipeline runs in its own subprocess (fresh memory and caches), with peak memory measured;
"process" is the whole subprocess as a user runs it (interpreter start, imports, the work).
Both report their validation R² so a faster fit cannot hide a worse model. Quote ratios from
one run only: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent / "_data"
TARGET = "yield"
FOCUS = "top:5%"
LARGE_ROWS = 50_000  # ModelSettings.large_rows: above it, one holdout instead of 5 folds
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


def planted_columns(
    rng: np.random.Generator, rows: np.ndarray, time_start: np.datetime64 | None = None
) -> dict[str, object]:
    """The bench table's columns for the row numbers ``rows`` (the CSV, Parquet and cluster
    benches all write this one table): a run id, the numeric process columns with a few
    missing values, the categorical columns, the target with its three planted routes.
    ``time_start``: a ``time`` column (one row every 3 s from then) replaces the last sensor."""
    m = len(rows)
    num = rng.normal(size=(m, N_NUMERIC))
    thickness = 18 + 1.5 * num[:, 0]
    temp = 800 + 10 * num[:, 1]
    speed = 120 + 15 * num[:, 2]
    humidity = 50 + 12 * num[:, 3]
    gas = 10 + 2 * num[:, 4]
    values = [thickness, temp, speed, humidity, gas] + [num[:, j] for j in range(5, N_NUMERIC)]
    cats = {name: rng.choice(levels, size=m) for name, levels in CATEGORICAL.items()}
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
        + rng.normal(0, 0.35, m)
    )
    cols: dict[str, object] = {"run_id": np.char.add("R", rows.astype(str))}
    names = NUMERIC_NAMES
    if time_start is not None:
        cols["time"] = time_start + rows * np.timedelta64(3, "s")
        names = NUMERIC_NAMES[:-1]
    for name, v in zip(names, values[: len(names)], strict=True):
        v = np.round(v, 4)
        if name in ("humidity [%]", "sensor_07", "sensor_21"):
            v = np.where(rng.random(m) < 0.02, np.nan, v)
        cols[name] = v
    cols.update(cats)
    cols[TARGET] = np.round(y, 4)
    return cols


def make_csv(n: int, seed: int = 0) -> Path:
    """Write the benchmark table (once) and return its path."""
    path = data_path(n)
    if path.exists():
        return path
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cols = planted_columns(np.random.default_rng(seed), np.arange(n))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(pa.table(cols), tmp)
    tmp.replace(path)
    return path


# --- children: one pipeline per process ---------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(path: Path, root: Path = ROOT) -> dict:
    sys.path.insert(0, str(root))
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
        "fit_phases": {k: round(v, 2) for k, v in getattr(fit, "timings", {}).items()},
        "validation": getattr(fit, "validation", None),
        "r2": round(float(fit.score), 4) if fit is not None and fit.score is not None else None,
        "focus_rows": len(result.focus_rows),
        "shap_rows": int(exp.overall.n_rows + exp.focus.n_rows) if exp else 0,
        "shap_method": exp.focus.method if exp else None,
        "groups": len(summary.get("clusters", [])),
        "noise_rows": summary.get("noise_rows"),
        "top_drivers": [d["column"] for d in summary.get("drivers", [])[:6]],
    }
    return out


def child_reference_step(path: Path, report) -> None:
    """The careful notebook; ``report(step, seconds, extra)`` after each step.

    What an analyst who knows the tools writes by hand for the same question: pandas; a look at
    the data; LightGBM defaults validated the way ours is (5 shuffled folds up to 200k rows, one
    20% holdout above, then a final fit on every row); exact SHAP with LightGBM's own
    ``pred_contrib`` on the focus rows and a 5k sample; ``hdbscan.HDBSCAN`` with the same smallest
    group (5% of the focus rows, at least 10) on the columns holding 95% of mean |SHAP| (3-15).
    """
    import hdbscan
    import lightgbm as lgb
    import pandas as pd
    from sklearn.metrics import r2_score
    from sklearn.model_selection import KFold, train_test_split

    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    report("load", time.perf_counter() - t0, {})

    t0 = time.perf_counter()
    frame.isna().mean()
    frame.describe(include="all")
    frame.nunique()
    duplicates = int(frame.drop(columns=["run_id"]).duplicated().sum())
    report("quality", time.perf_counter() - t0, {"duplicates": duplicates})

    t0 = time.perf_counter()
    X = frame.drop(columns=["run_id", TARGET])
    for name in CATEGORICAL:
        X[name] = X[name].astype("category")
    X.columns = [f"c{i}" for i in range(X.shape[1])]  # LightGBM refuses [ ] " : , in names
    y = frame[TARGET].to_numpy()
    n = len(y)
    positions = np.arange(n)
    if n > LARGE_ROWS:
        train, test = train_test_split(positions, test_size=0.2, random_state=0)
        folds = [(train, test)]
    else:
        folds = list(KFold(n_splits=5, shuffle=True, random_state=0).split(positions))
    oof = np.full(n, np.nan)
    for train, test in folds:
        m = lgb.LGBMRegressor(verbose=-1).fit(X.iloc[train], y[train])
        oof[test] = m.predict(X.iloc[test])
    tested = ~np.isnan(oof)
    score = float(r2_score(y[tested], oof[tested]))
    model = lgb.LGBMRegressor(verbose=-1).fit(X, y)
    report("fit", time.perf_counter() - t0, {"trees": model.n_estimators_, "r2": round(score, 4)})

    t0 = time.perf_counter()
    focus = np.flatnonzero(y >= np.quantile(y, 0.95))
    rng = np.random.default_rng(0)
    sample = rng.choice(n, size=min(n, 5000), replace=False)
    rows = np.union1d(focus, sample)
    contrib = model.booster_.predict(X.iloc[rows], pred_contrib=True)[:, :-1]
    values = contrib[np.searchsorted(rows, focus)]
    report("explain", time.perf_counter() - t0, {"focus_rows": len(focus), "shap_rows": len(rows)})

    t0 = time.perf_counter()
    imp = np.abs(values).mean(axis=0)
    order = np.argsort(-imp, kind="stable")
    share = np.cumsum(imp[order]) / imp.sum()
    k = min(max(int(np.searchsorted(share, 0.95 - 1e-12)) + 1, 3), 15)
    size = max(10, round(0.05 * len(focus)))
    labels = hdbscan.HDBSCAN(min_cluster_size=size).fit_predict(values[:, np.sort(order[:k])])
    groups = len(set(labels.tolist()) - {-1})
    report(
        "causes",
        time.perf_counter() - t0,
        {"groups": groups, "noise_rows": int((labels < 0).sum())},
    )


def run_child(kind: str, path: Path, timeout: float | None, root: Path = ROOT) -> dict:
    """Run one pipeline in a subprocess; collect its JSON lines (partial on timeout)."""
    cmd = [sys.executable, __file__, "--child", kind, "--path", str(path), "--root", str(root)]
    # Both pipelines with passive OpenMP waits (workbench sets this itself), so a busy machine
    # does not turn LightGBM's spinning threads against the reference recipe.
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_WAIT_POLICY": "PASSIVE"}
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


def _table_rows(run: dict, who: str = "ours") -> list[tuple[str, float | None, float | None]]:
    """(label, ours, reference) per step, then the work, the whole process and peak memory."""
    o, r = run.get(who, {}), run.get("reference", {})
    os_, rs = o.get("steps", {}), r.get("steps", {})
    rows = [
        ("load s", os_.get("load"), rs.get("load")),
        (
            "quality s (+ clean, roles)",
            _sum(os_, "quality", "clean", "roles"),
            rs.get("quality"),
        ),
        ("fit s", os_.get("fit"), rs.get("fit")),
        ("explain s", os_.get("explain"), rs.get("explain")),
        ("cluster s", os_.get("causes"), rs.get("causes")),
        ("work s", o.get("wall_s"), r.get("wall_s")),
        ("process s (start to exit)", o.get("elapsed_s"), r.get("elapsed_s")),
        ("peak MB", o.get("peak_mb"), r.get("peak_mb")),
    ]
    return rows


def _sum(steps: dict, *names: str) -> float | None:
    values = [steps[n] for n in names if n in steps]
    return sum(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--skip-ours", action="store_true")
    parser.add_argument(
        "--before",
        type=Path,
        help="also run ours from this source tree (e.g. `git archive main | tar -x -C DIR`), "
        "to show a change against the code before it in the same run",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--reference-timeout", type=float, default=1200.0)
    parser.add_argument("--json", type=Path, default=DATA_DIR / "bench_analyze.json")
    parser.add_argument("--child", choices=["ours", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sampled-rows", default="", help="Parquet sizes for the sampled path")
    parser.add_argument("--sample", type=int, help="sampled path: force this sample size")
    parser.add_argument(
        "--dask-workers", type=int, default=0, help="Parquet sizes also via --dask local:N"
    )
    parser.add_argument("--dask-timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)

    if args.child == "ours":
        print(json.dumps(child_ours(args.path, args.root)), flush=True)
        return 0
    if args.child == "reference":
        t_start = time.perf_counter()

        def report(step: str, seconds: float, extra: dict) -> None:
            item = {"step": step, "seconds": seconds, "extra": extra}
            print(json.dumps(item), flush=True)

        child_reference_step(args.path, report)
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
        if args.before:
            before = run_child("ours", path, None, args.before.resolve())
            run["before"] = before
            print(
                f"before: {before.get('wall_s')} s total, process {before.get('elapsed_s'):.1f} s,"
                f" peak {before.get('peak_mb')} MB, fit {before.get('steps', {}).get('fit')} s, "
                f"R² {before.get('r2')}, {before.get('groups')} groups, "
                f"validation {before.get('validation')}"
            )
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
            print(f"      fit phases (s): {ours.get('fit_phases')}")
            if "error" in ours:
                print(f"      error: {ours['error']}")
        if not args.skip_reference:
            reference = run_child("reference", path, args.reference_timeout)
            run["reference"] = reference
            steps = reference.get("steps", {})
            total = reference.get("wall_s")
            if total:
                shown = f"{total} s total"
            elif reference.get("timed_out"):
                shown = f"> {args.reference_timeout:.0f} s (stopped)"
            else:
                shown = "failed"
            print(
                f"reference: {shown}, peak {reference.get('peak_mb')} MB | "
                + " | ".join(f"{k} {v:.1f}" for k, v in steps.items())
                + (" | next step stopped at the timeout" if reference.get("timed_out") else "")
            )
            print(
                f"      trees={reference.get('trees')} focus {reference.get('focus_rows')} rows -> "
                f"{reference.get('groups')} groups"
            )
            if "error" in reference:
                print(f"      error: {reference['error']}")
        results["runs"].append(run)

    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (a shared machine: ratios only)")
    print("\n| rows | step | before | ours | reference | reference / ours |")
    print("|---:|---|---:|---:|---:|---:|")
    for run in results["runs"]:
        before = dict((label, v) for label, v, _ in _table_rows(run, "before"))
        for label, ours_v, ref_v in _table_rows(run):
            ratio = f"{ref_v / ours_v:.2f}x" if ours_v and ref_v else "—"
            print(
                f"| {run['rows']:,} | {label} | {_fmt(before.get(label))} | {_fmt(ours_v)} "
                f"| {_fmt(ref_v)} | {ratio} |"
            )
        b, o, r = run.get("before", {}), run.get("ours", {}), run.get("reference", {})
        print(
            f"| {run['rows']:,} | validation R² | {b.get('r2')} | {o.get('r2')} | {r.get('r2')} | |"
            f"\n| {run['rows']:,} | groups (noise rows) | {b.get('groups')} ({b.get('noise_rows')})"
            f" | {o.get('groups')} ({o.get('noise_rows')}) | {r.get('groups')} "
            f"({r.get('noise_rows')}) | |"
        )
    if args.sampled_rows:  # files larger than memory: the sampled in-process path
        sys.path.insert(0, str(ROOT))
        from tests.bench.bench_sampled import run as run_sampled

        sampled = [int(s) for s in args.sampled_rows.split(",") if s]
        results["sampled"] = run_sampled(
            sampled, DATA_DIR, args.sample, args.root, args.dask_workers, args.dask_timeout
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nResults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
