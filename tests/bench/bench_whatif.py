"""What the what-if costs, as ratios to the model fit it explains (measured in the same run).

Run: ``python tests/bench/bench_whatif.py [--rows 10000,100000]``.

For each size: a line table like tests/core/test_whatif.py's (three controllable factors, one
uncontrollable, a category), analysed with ``run_analysis`` (quick effort). Then, each timed
with ``time.perf_counter`` (best of three):

* reference: the fit itself (``FitResult.timings["total"]``, validation + final refit);
* band: :func:`workbench.steps.whatif_band.fit_band_models` (5 bootstrap refits);
* curves: :func:`workbench.steps.whatif.profile_rows` on all rows (a sample of 2,000), with the
  band (3 factors × 25 grid values × 6 models);
* setting: one :func:`workbench.steps.whatif.evaluate_setting` with the band.

Quote ratios from one run only: the machine is shared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(rows: int) -> dict[str, float]:
    from tests.core.test_whatif import analyse, line_table
    from workbench.claim_rows import Selection
    from workbench.steps.whatif import evaluate_setting, profile_rows
    from workbench.steps.whatif_band import fit_band_models

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "line.csv"
        line_table(rows).to_csv(path, index=False)
        result = analyse(path)
    fit, frame, roles = result.fit, result.frame, result.roles
    band = fit_band_models(fit)
    out = {
        "fit": float(fit.timings["total"]),
        "band": _best(lambda: fit_band_models(fit), 1),
        "curves": _best(lambda: profile_rows(fit, frame, roles, Selection(), band=band)),
        "setting": _best(
            lambda: evaluate_setting(fit, frame, "belt_speed", 2.5, Selection(), band=band)
        ),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000")
    args = parser.parse_args(argv)
    for rows in (int(r) for r in args.rows.split(",")):
        t = bench(rows)
        print(
            f"{rows:>9,} rows: fit {t['fit']:.2f}s | band {t['band']:.2f}s "
            f"({t['band'] / t['fit']:.2f}x fit) | curves {t['curves']:.3f}s "
            f"({t['curves'] / t['fit']:.2f}x fit) | setting {t['setting']:.3f}s "
            f"({t['setting'] / t['fit']:.3f}x fit)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
