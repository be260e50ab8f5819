"""The sampled in-process path on a Parquet file larger than memory (run from bench_analyze.py).

``python tests/bench/bench_analyze.py --sampled-rows 2000000,10000000 [--sample N]`` writes
(once) ``tests/bench/_data/analyze_<N>x50.parquet`` in chunks of 500,000 rows with pyarrow (the
table is never whole in memory): the columns of the CSV bench — a run id, 4 categorical columns
with Hangul levels, the numeric process columns and the target ``yield`` with its three planted
routes — with the last sensor replaced by a ``time`` column (one row every 3 s from 2025-01-01,
so 10M rows span a year: the sample is stratified by month).

Ours: :func:`workbench.big_analysis.analyze_file` (target ``yield``, focus ``top:5%``, run id as
ID, ``time`` as time), deciding from the machine's memory unless ``--sample N`` forces a size.
Reference, in the same run: one plain ``pyarrow.dataset`` scan of every column of the file
(the least any tool must spend to look at every row once). Each runs in its own subprocess;
peak memory is the subprocess's maximum resident set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 500_000
ROW_GROUP = 262_144


def parquet_path(data_dir: Path, n: int) -> Path:
    return data_dir / f"analyze_{n}x50.parquet"


def make_parquet(data_dir: Path, n: int, seed: int = 0) -> Path:
    """Write the table in chunks (once) and return its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.bench import bench_analyze as b

    path = parquet_path(data_dir, n)
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    start_time = np.datetime64("2025-01-01T00:00:00", "s")
    for k, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        rows = np.arange(start, start + m)
        cols = b.planted_columns(np.random.default_rng([seed, k]), rows, start_time)
        table = pa.table(cols)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=ROW_GROUP)
    assert writer is not None
    writer.close()
    tmp.replace(path)
    return path


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_sampled(path: Path, sample: int | None) -> dict:
    """Ours: the whole analysis of the file via the sampled path."""
    from workbench.big_analysis import analyze_file
    from workbench.steps.sampling import SampleChoice

    notices: list[str] = []
    t0 = time.perf_counter()
    result = analyze_file(
        path,
        target="yield",
        focus="top:5%",
        id_columns="run_id",
        time="time",
        choice=SampleChoice(rows=sample),
        notify=notices.append,
    )
    wall = time.perf_counter() - t0
    summary = result.summary()
    analysis = result.timings.get("total", 0.0)
    statement = result.sampling.to_dict() if result.sampling is not None else None
    if statement:
        statement.pop("strata", None)
    return {
        "wall_s": round(wall, 2),
        "read_and_sample_s": round(wall - analysis, 2),
        "steps": {k: round(v, 2) for k, v in result.timings.items()},
        "peak_mb": round(_peak_mb()),
        "sampled": statement,
        "notice": notices[0] if notices else None,
        "r2": round(float(result.fit.score), 4) if result.fit.score is not None else None,
        "validation": getattr(result.fit, "validation", None),
        "focus_rows": len(result.focus_rows),
        "groups": len(summary.get("clusters", [])),
        "noise_rows": summary.get("noise_rows"),
        "duplicate_rows": summary["quality"]["duplicate_rows"],
        "top_drivers": [d["column"] for d in summary.get("drivers", [])[:6]],
    }


def child_scan(path: Path) -> dict:
    """Reference: one plain scan of every column of every row."""
    import pyarrow.dataset as ds

    t0 = time.perf_counter()
    rows = 0
    for batch in ds.dataset(path, format="parquet").to_batches(batch_size=ROW_GROUP):
        rows += batch.num_rows
    return {
        "wall_s": round(time.perf_counter() - t0, 2),
        "rows": rows,
        "peak_mb": round(_peak_mb()),
    }


def run_child(kind: str, path: Path, sample: int | None, root: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), kind, str(path), str(sample or 0)]
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_WAIT_POLICY": "PASSIVE"}
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    out: dict = {"elapsed_s": round(time.perf_counter() - started, 2)}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if lines:
        out.update(json.loads(lines[-1]))
    if proc.returncode:
        out["error"] = (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return out


def run(
    sizes: list[int],
    data_dir: Path,
    sample: int | None,
    root: Path,
    dask_workers: int = 0,
    dask_timeout: float | None = None,
) -> list[dict]:
    """Generate, then ours and the reference scan per size; prints a table, returns the runs.

    ``dask_workers``: also run the cluster path (``--dask local:N``) on the same file."""
    runs = []
    for n in sizes:
        t0 = time.perf_counter()
        path = make_parquet(data_dir, n)
        size_mb = path.stat().st_size / 2**20
        print(
            f"\n## {n:,} rows × 50 columns from Parquet ({size_mb:,.0f} MB, ready in "
            f"{time.perf_counter() - t0:.0f} s), sampled in-process path"
        )
        scan = run_child("scan", path, None, root)
        ours = run_child("sampled", path, sample, root)
        print(f"reference scan: {scan}")
        print(f"ours: {json.dumps(ours, ensure_ascii=False)}")
        run_ = {"rows": n, "file_mb": round(size_mb), "scan": scan, "sampled": ours}
        if dask_workers:
            from tests.bench.bench_dask import run_child as run_dask_child

            cluster = run_dask_child("cluster", path, dask_workers, dask_timeout)
            cluster.pop("labels", None)
            print(f"cluster (local:{dask_workers}): {json.dumps(cluster, ensure_ascii=False)}")
            run_["cluster"] = cluster
        runs.append(run_)
    print("\n| rows | sample | read + sample s | analysis s | process s | peak MB | one scan s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        o, s = r["sampled"], r["scan"]
        rows = (o.get("sampled") or {}).get("rows_sampled")
        print(
            f"| {r['rows']:,} | {rows if rows is None else f'{rows:,}'} | "
            f"{o.get('read_and_sample_s')} | {o.get('steps', {}).get('total')} | "
            f"{o.get('elapsed_s')} | {o.get('peak_mb')} | {s.get('wall_s')} |"
        )
    clustered = [r for r in runs if "cluster" in r]
    if clustered:
        print(
            "\n| rows | path | process s | work s | peak MB (this computer) | "
            "peak MB per worker | rows modelled | R² | groups |"
        )
        print("|---:|---|---:|---:|---:|---|---:|---:|---:|")
    for r in clustered:
        o, c = r["sampled"], r["cluster"]
        rows = (o.get("sampled") or {}).get("rows_sampled")
        print(
            f"| {r['rows']:,} | sampled, in process | {o.get('elapsed_s')} | "
            f"{o.get('steps', {}).get('total')} | {o.get('peak_mb')} | — | {rows or 'all'} | "
            f"{o.get('r2')} | {o.get('groups')} |"
        )
        if c.get("timed_out"):
            print(f"| {r['rows']:,} | cluster | > {c['process_s']} (stopped) | | | | | | |")
            continue
        print(
            f"| {r['rows']:,} | cluster local:{dask_workers} | {c.get('process_s')} | "
            f"{c.get('work_s')} | {c.get('peak_mb')} | {c.get('worker_peak_mb')} | "
            f"{c.get('rows_modeled')} | {c.get('r2')} | {c.get('groups')} |"
        )
    return runs


if __name__ == "__main__":
    kind, file, size = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    data = child_scan(file) if kind == "scan" else child_sampled(file, size or None)
    print(json.dumps(data, default=str), flush=True)
