"""Benchmark: the ``predict_missing`` recipe step against a plain LightGBM notebook, same run.

Run: ``python tests/bench/bench_predict.py [--rows 200000,1000000]``.

A frame of N rows × 20 columns (16 numbers, 3 labels with Hangul levels, the goal ``yield``)
where ``belt_speed`` follows four columns and a label, with 10% of its cells missing.

- ours: ``apply_recipe`` with ``{"op": "predict_missing", "column": "belt_speed"}`` (a sample of
  at most 50,000 known rows, 40 + 8×80 small trees, conformal 80% ranges);
- reference: what a careful notebook does — LightGBM defaults (100 trees) fitted on every known
  row, a point model and two quantile models (10%, 90%), predicting the missing cells;
- also: the older ``impute method=model`` (no confidence), for scale.

Each prints seconds, the fill's mean absolute error against the hidden true values and the
share of true values inside the stated 80% range, so a faster step cannot hide worse fills.
Quote ratios from one run only: the machine is shared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def make_frame(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = {f"x{i:02d}": rng.normal(0, 1, n) for i in range(16)}
    data["line"] = rng.choice(["1라인", "2라인", "3라인"], n)
    data["shift"] = rng.choice(["주간", "야간"], n)
    data["supplier"] = rng.choice(["S1", "S2", "S3", "S4"], n)
    frame = pd.DataFrame(data)
    speed = (
        2
        + 0.5 * frame["x00"]
        - 0.3 * frame["x01"]
        + 0.2 * frame["x02"] * frame["x03"]
        + (frame["line"] == "2라인") * 0.4
        + rng.normal(0, 0.1, n)
    ).to_numpy()
    frame["belt_speed"] = speed
    frame["yield"] = 20 + speed + rng.normal(0, 0.2, n)
    holes = rng.random(n) < 0.1
    frame.loc[holes, "belt_speed"] = np.nan
    for c in ("line", "shift", "supplier"):
        frame[c] = frame[c].astype("category")
    return frame, speed, holes


def ours(frame: pd.DataFrame) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    from workbench.steps.recipe import Recipe, apply_recipe

    recipe = Recipe([{"op": "predict_missing", "column": "belt_speed"}])
    start = time.perf_counter()
    result = apply_recipe(frame, {}, recipe, keep_out={"yield"})
    seconds = time.perf_counter() - start
    mark = result.predicted["belt_speed"]
    return seconds, mark.values.astype(float), mark.low, mark.high


def impute_model(frame: pd.DataFrame) -> tuple[float, np.ndarray]:
    from workbench.steps.recipe import Recipe, apply_recipe

    recipe = Recipe([{"op": "impute", "column": "belt_speed", "method": "model"}])
    holes = frame["belt_speed"].isna().to_numpy()
    start = time.perf_counter()
    result = apply_recipe(frame, {}, recipe, keep_out={"yield"})
    return time.perf_counter() - start, result.frame["belt_speed"].to_numpy()[holes]


def reference(frame: pd.DataFrame) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    import lightgbm as lgb

    start = time.perf_counter()
    x = frame.drop(columns=["belt_speed", "yield"])
    known = frame["belt_speed"].notna().to_numpy()
    y = frame["belt_speed"].to_numpy()[known]
    models = [
        lgb.LGBMRegressor(verbose=-1),
        lgb.LGBMRegressor(objective="quantile", alpha=0.1, verbose=-1),
        lgb.LGBMRegressor(objective="quantile", alpha=0.9, verbose=-1),
    ]
    guess, low, high = (m.fit(x[known], y).predict(x[~known]) for m in models)
    return time.perf_counter() - start, guess, low, high


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="200000")
    args = parser.parse_args(argv)
    import lightgbm  # noqa: F401 - imported once before timing, for both sides

    for n in (int(v) for v in args.rows.split(",")):
        frame, truth, holes = make_frame(n)
        true = truth[holes]
        t_ref, g_ref, lo_ref, hi_ref = reference(frame)
        t_ours, g_ours, lo, hi = ours(frame)
        t_imp, g_imp = impute_model(frame)
        print(f"rows {n:,} (missing {int(holes.sum()):,})")
        for name, t, g, a, b in (
            ("reference", t_ref, g_ref, lo_ref, hi_ref),
            ("predict_missing", t_ours, g_ours, lo, hi),
            ("impute model", t_imp, g_imp, None, None),
        ):
            cover = "" if a is None else f", in 80% range {np.mean((true >= a) & (true <= b)):.3f}"
            mae = np.mean(np.abs(g - true))
            print(f"  {name:16s} {t:7.2f} s  ({t / t_ref:.2f}× reference), MAE {mae:.4f}{cover}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
