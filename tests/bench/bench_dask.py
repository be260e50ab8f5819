"""The cluster path against the in-process path on the same Parquet file, in one run.

Run: ``python tests/bench/bench_dask.py [--rows 1000000,3000000] [--workers 2] [--json FILE]``.

Writes (once, in chunks, so the generator itself stays small) ``tests/bench/_data/
dask_<N>x50.parquet``: the table of ``bench_analyze.py`` (44 numeric process columns with a few
missing values, 4 categorical columns with Hangul levels, a run id, the target ``yield`` with
three planted routes). Each path runs in its own subprocess:

* **in-process**: ``pandas.read_parquet`` → ``run_analysis`` (the laptop path, every row in
  memory);
* **cluster**: ``workbench analyze … --dask local:N`` as the CLI runs it: a ``LocalCluster`` of
  N worker processes (one thread each), the table read and persisted on the workers, the fit by
  ``lightgbm.dask``, SHAP per partition, cause groups on this computer.

Reported per path: wall seconds per step and for the whole process, peak memory of the process
(for the cluster: of the client, and of each worker, read from the workers' own ``ru_maxrss``),
validation R², group count; and the agreement of the two (ARI of the focus rows' groups, top
drivers). The machine is shared: quote ratios from one run only.
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
sys.path.insert(0, str(ROOT))
from tests.bench.bench_analyze import DATA_DIR, FOCUS, TARGET, planted_columns  # noqa: E402

CHUNK = 500_000


def data_path(n: int) -> Path:
    return DATA_DIR / f"dask_{n}x50.parquet"


def make_parquet(n: int, seed: int = 0) -> Path:
    """Write the benchmark table as Parquet (once), ``CHUNK`` rows at a time."""
    path = data_path(n)
    if path.exists():
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        rows = np.arange(start, start + m)
        cols = planted_columns(np.random.default_rng([seed, start]), rows)
        table = pa.table(cols)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=250_000)
    assert writer is not None
    writer.close()
    tmp.replace(path)
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_peak_mb() -> float:
    import resource as res

    return res.getrusage(res.RUSAGE_SELF).ru_maxrss / 1024


def _summary(result, wall: float) -> dict:
    fit, exp = result.fit, result.explanation
    return {
        "wall_s": round(wall, 2),
        "steps": {k: round(v, 2) for k, v in result.timings.items()},
        "r2": round(float(fit.score), 4),
        "validation": fit.validation,
        "trees": fit.n_trees,
        "rows_modeled": fit.rows,
        "groups": len(result.causes.groups) if result.causes else 0,
        "top_drivers": [d["column"] for d in exp.drivers(6)] if exp else [],
        "labels": {str(k): int(v) for k, v in result.causes.labels.items()}
        if result.causes
        else {},
    }


def child_in_process(path: Path) -> dict:
    import pandas as pd

    from workbench.analysis import run_analysis
    from workbench.compute.dask_table import fingerprint
    from workbench.steps.profile import fallback_kind
    from workbench.tables.table import LoadedTable, LoadOptions

    t0 = time.perf_counter()
    frame = pd.read_parquet(path)
    kinds = {c: fallback_kind(frame[c]) for c in frame.columns}
    table = LoadedTable(frame, kinds, fingerprint(path, "parquet"), LoadOptions())
    result = run_analysis(table, target=TARGET, focus=FOCUS, id_columns="run_id")
    out = _summary(result, time.perf_counter() - t0)
    out["peak_mb"] = round(_peak_mb())
    return out


def child_cluster(path: Path, workers: int) -> dict:
    import pyarrow.parquet as pq

    from workbench.compute.cluster import open_cluster
    from workbench.compute.dask_analysis import run_dask_analysis
    from workbench.compute.target import ComputeTarget

    # bench_sampled's files carry a ``time`` column: the same time-ordered check as its path
    timed = {"time": "time"} if "time" in pq.read_schema(path).names else {}
    t0 = time.perf_counter()
    with open_cluster(ComputeTarget(workers=workers)) as session:
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        result = run_dask_analysis(
            path, session, target=TARGET, focus=FOCUS, id_columns="run_id", **timed
        )
        work = time.perf_counter() - t1
        worker_peaks = session.client.run(_worker_peak_mb)
    out = _summary(result, time.perf_counter() - t0)
    out["cluster_start_s"] = round(started, 2)
    out["work_s"] = round(work, 2)
    out["peak_mb"] = round(_peak_mb())
    out["worker_peak_mb"] = sorted(round(v) for v in worker_peaks.values())
    return out


def run_child(kind: str, path: Path, workers: int, timeout: float | None = None) -> dict:
    """One path in its own subprocess (and process group: a stopped run takes its workers)."""
    import signal

    t0 = time.perf_counter()
    extra = f", {workers}" if kind == "cluster" else ""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
        f"from tests.bench.bench_dask import child_{kind} as f; from pathlib import Path; "
        f"print('RESULT ' + json.dumps(f(Path({str(path)!r}){extra})))"
    )
    env = dict(os.environ, WORKBENCH_LANG="en")
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"timed_out": True, "process_s": round(time.perf_counter() - t0, 2)}
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"{kind} failed:\n{stderr[-3000:]}")
    out = json.loads(line[len("RESULT ") :])
    out["process_s"] = round(time.perf_counter() - t0, 2)
    return out


def _ari(a: dict, b: dict) -> float | None:
    from sklearn.metrics import adjusted_rand_score

    rows = sorted(set(a) & set(b))
    if not rows:
        return None
    return float(adjusted_rand_score([a[r] for r in rows], [b[r] for r in rows]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    report = []
    for n in [int(x) for x in args.rows.split(",")]:
        path = make_parquet(n)
        print(f"\n{n:,} rows × 50 ({path.stat().st_size / 1e6:.0f} MB Parquet)", flush=True)
        load = os.getloadavg()[0]
        cluster = run_child("cluster", path, args.workers)
        local = None if args.skip_in_process else run_child("in_process", path, args.workers)
        row = {"rows": n, "load_avg": round(load, 1), "cluster": cluster, "in_process": local}
        steps = sorted(set(cluster["steps"]) | set(local["steps"] if local else {}))
        print(f"{'step':<12}{'in-process':>12}{'cluster':>12}{'ratio':>8}")
        for s in steps:
            a = local["steps"].get(s) if local else None
            b = cluster["steps"].get(s)
            ratio = f"{a / b:.2f}×" if a and b else ""
            print(
                f"{s:<12}{a if a is not None else '':>12}{b if b is not None else '':>12}{ratio:>8}"
            )
        a = local["process_s"] if local else None
        print(f"{'process':<12}{a or '':>12}{cluster['process_s']:>12}")
        print(
            f"cluster start {cluster['cluster_start_s']} s; peak MB client {cluster['peak_mb']}, "
            f"workers {cluster['worker_peak_mb']}; in-process peak MB "
            f"{local['peak_mb'] if local else '-'}"
        )
        print(
            f"R² in-process {local['r2'] if local else '-'} "
            f"({local['validation'] if local else ''}), cluster {cluster['r2']} "
            f"({cluster['validation']}, {cluster['trees']} trees)"
        )
        if local:
            row["ari"] = _ari(local["labels"], cluster["labels"])
            print(
                f"groups {local['groups']} vs {cluster['groups']}, ARI {row['ari']:.3f}; "
                f"drivers {local['top_drivers'][:4]} vs {cluster['top_drivers'][:4]}"
            )
        for side in (cluster, local):
            if side:
                side.pop("labels", None)
        report.append(row)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
