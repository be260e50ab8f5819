"""Re-applying a project at scale: scoring and drift against plain references, in one run.

Run: ``python tests/bench/bench_rerun.py [--rows 1000000] [--json FILE]``.

1. Scoring: ``score_rows`` (the saved FeatureSet's encoding of the user's table, then the
   booster) on ``--rows`` rows × 50 columns (45 numbers, 5 categories, some missing) against the
   reference ``booster.predict`` on an already prepared frame (model columns, category dtypes)
   — the reference skips the encoding a user's table needs, so the ratio shows what it costs.
2. Drift: ``measure_drift`` of ``--rows`` new rows against ``--rows`` training rows, 50 columns,
   against a plain NumPy PSI (decile edges, ``searchsorted``, ``bincount``; category codes
   counted) over the same columns. Both return the same PSI values (checked).

Wall and process-CPU seconds are printed; the load average at the start says how busy the
machine was (a busy machine inflates wall times of both sides alike).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.steps.drift import measure_drift
from workbench.steps.goal import Direction, Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.steps.scoring import score_rows
from workbench.tables.table import ColumnKind

N_NUM, N_CAT = 45, 5


def make_frame(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for i in range(N_NUM):
        col = rng.normal(shift if i % 10 == 0 else 0.0, 1.0, n)
        col[rng.random(n) < 0.03] = np.nan
        data[f"온도_{i}"] = col
    for j in range(N_CAT):
        levels = [f"L{k}" for k in range(3 + 4 * j)]
        data[f"lot_{j}"] = pd.Categorical(rng.choice(levels, n), categories=levels)
    frame = pd.DataFrame(data)
    y = 2 * np.nan_to_num(frame["온도_0"].to_numpy()) + np.sin(
        np.nan_to_num(frame["온도_1"].to_numpy())
    )
    frame["y"] = y + (frame["lot_0"].cat.codes.to_numpy() == 1) + rng.normal(0, 0.3, n)
    return frame


def kinds_of(frame: pd.DataFrame) -> dict[str, ColumnKind]:
    return {
        c: ColumnKind.CATEGORICAL if isinstance(frame[c].dtype, pd.CategoricalDtype) else
        ColumnKind.NUMERIC
        for c in frame.columns
    }  # fmt: skip


def timed(fn):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def plain_psi(ref: pd.DataFrame, new: pd.DataFrame, columns: list[str]) -> dict[str, float]:
    out = {}
    for c in columns:
        if isinstance(ref[c].dtype, pd.CategoricalDtype):
            k = len(ref[c].cat.categories) + 1
            p = np.bincount(ref[c].cat.codes.to_numpy() + 1, minlength=k) / len(ref)
            q = np.bincount(new[c].cat.codes.to_numpy() + 1, minlength=k) / len(new)
        else:
            a, b = ref[c].to_numpy(), new[c].to_numpy()
            edges = np.unique(np.nanquantile(a, np.arange(1, 10) / 10))
            k = len(edges) + 2
            ia = np.where(np.isnan(a), k - 1, np.searchsorted(edges, a))
            ib = np.where(np.isnan(b), k - 1, np.searchsorted(edges, b))
            p = np.bincount(ia, minlength=k) / len(a)
            q = np.bincount(ib, minlength=k) / len(b)
        p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
        out[c] = float(np.sum((q - p) * np.log(q / p)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--train-rows", type=int, default=50_000)
    ap.add_argument("--json")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}")
    results: dict[str, object] = {"rows": args.rows, "load": os.getloadavg()}

    train = make_frame(args.train_rows, seed=0)
    fit = fit_model(
        train,
        kinds_of(train),
        Goal("y", Direction.MAXIMIZE, "top:5%"),
        settings=ModelSettings(effort="quick", large_rows=10_000),
    )
    print(f"model: {fit.n_trees} trees on {args.train_rows:,} rows, R² {fit.score:.3f}")

    new = make_frame(args.rows, seed=1, shift=0.5)
    prepared = fit.features.transform(new)  # the reference starts from model-ready columns
    ref_pred, ref_wall, ref_cpu = timed(lambda: fit.booster.predict(prepared))
    scores, our_wall, our_cpu = timed(lambda: score_rows(fit, new))
    ours = scores.frame.iloc[:, 0].to_numpy()
    assert np.allclose(ours, ref_pred, atol=1e-9), "scores differ from the reference"
    print(
        f"scoring {args.rows:,} rows: ours {our_wall:.2f}s wall ({our_cpu:.2f}s CPU), "
        f"booster.predict on a prepared frame {ref_wall:.2f}s ({ref_cpu:.2f}s CPU); "
        f"ratio {our_wall / ref_wall:.2f}x wall, {our_cpu / max(ref_cpu, 1e-9):.2f}x CPU"
    )
    results["scoring"] = {"ours": our_wall, "reference": ref_wall, "ratio": our_wall / ref_wall}

    reference = make_frame(args.rows, seed=2)
    columns = [c for c in reference.columns if c != "y"]
    plain, p_wall, p_cpu = timed(lambda: plain_psi(reference, new, columns))
    report, d_wall, d_cpu = timed(
        lambda: measure_drift(reference, new, kinds_of(reference), columns)
    )
    for d in report.columns:
        assert abs(d.score - plain[d.column]) < 1e-9, (d.column, d.score, plain[d.column])
    moved = [d.column for d in report.columns]
    print(
        f"drift {args.rows:,} vs {args.rows:,} rows × {len(columns)} columns: ours {d_wall:.2f}s "
        f"wall ({d_cpu:.2f}s CPU), plain NumPy PSI {p_wall:.2f}s ({p_cpu:.2f}s CPU); ratio "
        f"{d_wall / p_wall:.2f}x wall, {d_cpu / max(p_cpu, 1e-9):.2f}x CPU; moved: {moved}"
    )
    results["drift"] = {"ours": d_wall, "reference": p_wall, "ratio": d_wall / p_wall}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
