"""The whole-file scan of a file larger than memory against Arrow's own aggregation.

Run: ``python tests/bench/bench_stream_profile.py [PARQUET]`` (default: the 2M-row file that
``bench_analyze.py --sampled-rows 2000000`` writes). In one process, in turn:

- *plain scan*: every column of every row read once with ``pyarrow.dataset`` (the floor);
- *Arrow aggregate*: Acero's ``aggregate`` over the dataset scan — count, min, max, mean,
  stddev per number column and an exact ``count_distinct`` per column (what the library gives
  without duplicates, a missing map or a distinct cap);
- *ours*: :func:`workbench.tables.stream_profile.scan_file` (all of that, plus duplicate rows,
  the missing map, capped distinct counts, top values, the uniform sample's positions).

Prints seconds and the ratios to the plain scan. A shared machine: quote ratios of one run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "tests" / "bench" / "_data" / "analyze_2000000x50.parquet"


def plain_scan(path: Path) -> int:
    import pyarrow.dataset as ds

    return sum(b.num_rows for b in ds.dataset(path, format="parquet").to_batches())


def arrow_aggregate(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.acero as ac
    import pyarrow.dataset as ds

    dataset = ds.dataset(path, format="parquet")
    aggregates = []
    for field in dataset.schema:
        numeric = pa.types.is_integer(field.type) or pa.types.is_floating(field.type)
        funcs = ["count", "min", "max", "mean", "stddev"] if numeric else ["count"]
        for fn in [*funcs, "count_distinct"]:
            aggregates.append((field.name, fn, None, f"{field.name}:{fn}"))
    plan = ac.Declaration.from_sequence(
        [
            ac.Declaration("scan", ac.ScanNodeOptions(dataset)),
            ac.Declaration("aggregate", ac.AggregateNodeOptions(aggregates)),
        ]
    )
    return plan.to_table().num_columns


def ours(path: Path) -> int:
    from workbench.tables.big_source import open_big_source
    from workbench.tables.stream_profile import scan_file

    return scan_file(open_big_source(path)).n_rows


def main() -> int:
    sys.path.insert(0, str(ROOT))
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    timings = {}
    for name, fn in (
        ("plain scan", plain_scan),
        ("Arrow aggregate", arrow_aggregate),
        ("ours", ours),
    ):
        t0 = time.perf_counter()
        fn(path)
        timings[name] = time.perf_counter() - t0
    base = timings["plain scan"]
    print(f"# {path.name}")
    for name, seconds in timings.items():
        print(f"{name:16s} {seconds:7.1f} s  {seconds / base:5.2f}x the plain scan")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
