"""``workbench analyze`` on the demo file: this tree against another commit, in the same run.

Run: ``python tests/bench/bench_pipeline.py [--base main] [--this REF] [--repeat 5] [--rows N]``.

The base commit is exported with ``git archive`` into a temporary folder; both trees then run
``python -m workbench.cli analyze <demo> --target efficiency … --project … --json …`` in fresh
subprocesses, alternating (base, this, base, this, …) so a busy machine slows both alike. It
prints each tree's median wall time (interpreter start, imports, the analysis, the writes) and
the medians of the analysis' own step timings (``--json``), then the ratio this/base of each
alternating pair (wall, and the analysis' ``total``) and their median.
``--rows`` cuts the demo to its first N rows (both trees read the same file).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "solar_cells.csv"
OPTIONS = [
    "--target=efficiency",
    "--id=run_id",
    "--time=timestamp",
    "--exclude=final_test_efficiency,비고",
]


def export(ref: str, folder: Path) -> Path:
    """The tree of ``ref`` as plain files in ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_once(tree: Path, data: Path, out: Path) -> tuple[float, dict[str, float]]:
    """(wall seconds, the analysis' own step timings) of one ``analyze`` in a fresh process."""
    summary = out / "summary.json"
    command = [sys.executable, "-m", "workbench.cli", "analyze", str(data), *OPTIONS]
    command += [f"--project={out / 'p.wbproj'}", f"--json={summary}"]
    started = time.perf_counter()
    subprocess.run(command, cwd=tree, check=True, capture_output=True)
    wall = time.perf_counter() - started
    return wall, json.loads(summary.read_text(encoding="utf-8"))["timings"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="main", help="the commit to compare with")
    parser.add_argument("--this", default=None, help="a commit instead of the working tree")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "base").mkdir()
        base = export(args.base, (tmp_path / "base").resolve())
        data = DEMO
        if args.rows:
            data = tmp_path / "demo.csv"
            lines = DEMO.read_text(encoding="utf-8-sig").splitlines()[: args.rows + 1]
            data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        this = ROOT
        if args.this:  # a fixed commit: edits made while the bench runs do not leak in
            (tmp_path / "this").mkdir()
            this = export(args.this, (tmp_path / "this").resolve())
        trees = {"base": base, "this": this}
        runs: dict[str, list[tuple[float, dict[str, float]]]] = {name: [] for name in trees}
        for tree in trees.values():  # warm the numba cache and the OS file cache
            run_once(tree, data, Path(tempfile.mkdtemp(dir=tmp)))
        for _ in range(args.repeat):
            for name, tree in trees.items():
                runs[name].append(run_once(tree, data, Path(tempfile.mkdtemp(dir=tmp))))
    for name, r in runs.items():
        wall = statistics.median(w for w, _t in r)
        steps = {k: statistics.median(t.get(k, 0.0) for _w, t in r) for k in r[0][1]}
        print(f"{name:>5}: wall {wall:6.2f} s   steps (median s): ", end="")
        print(", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    for key in ("wall", "total"):
        ratios = []
        for (w_base, t_base), (w_this, t_this) in zip(runs["base"], runs["this"], strict=True):
            ratios.append(w_this / w_base if key == "wall" else t_this["total"] / t_base["total"])
        print(
            f"ratio this/base, {key}: median {statistics.median(ratios):.2f} "
            f"(pairs: {', '.join(f'{x:.2f}' for x in ratios)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
