"""Benchmark settle_kinds on a 1,000,000-row x 50-column frame (not part of the test run).

Two frames, built in memory:

* ``reader-typed``: what the CSV reader hands over for the issue's benchmark file — numbers and
  timestamps already typed, low-cardinality text (Hangul labels) as categories, the rest as
  text: numbers with thousands separators and "-" for missing, Korean and day-first dates,
  IDs and free text.
* ``all-text``: every column as text (the worst case: a reader that typed nothing).

Prints the seconds settle_kinds takes for each, and, for reference, pandas.read_csv on the
same frame written to tests/bench/_data/ (once). If bench_csv.py already wrote its file there,
also times read_raw + settle_kinds on it against pandas.read_csv (the issue's load target).

Run: ``python tests/bench/bench_types.py [--rows N]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables.table import LoadOptions
from workbench.tables.types import settle_kinds

DATA = Path(__file__).parent / "_data"
STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _pool_column(rng: np.random.Generator, pool: list[str], n: int, missing: float) -> pd.Series:
    """Strings drawn from ``pool`` (fast: one pyarrow take), with ``missing`` share nulls."""
    idx = rng.integers(0, len(pool), n)
    arr = pa.array(pool, pa.large_string()).take(pa.array(idx))
    if missing:
        mask = pa.array(rng.random(n) < missing)
        arr = pc.if_else(mask, pa.scalar(None, pa.large_string()), arr)
    return pd.Series(pd.array(arr, dtype=STR))


def make_frame(n: int, *, all_text: bool, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, pd.Series] = {}
    miss = 0.05

    def numbers(scale: float) -> np.ndarray:
        v = rng.normal(100, scale, n)
        v[rng.random(n) < miss] = np.nan
        return v

    for i in range(24):
        cols[f"측정값_{i}"] = pd.Series(numbers(10 + i))
    for i in range(4):
        v = rng.integers(0, 500, n).astype(float)
        v[rng.random(n) < miss] = np.nan
        cols[f"count_{i}"] = pd.Series(v)
    labels = [["가공", "조립", "검사", "포장"], ["L1", "L2", "L3"], ["A조", "B조", "C조"]]
    for i in range(10):
        pool = [f"{w}{j}" for w in labels[i % 3] for j in range(1 + i)]
        cols[f"구분_{i}"] = _pool_column(rng, pool, n, miss).astype("category")
    cols["합격여부"] = _pool_column(rng, ["Y", "N"], n, miss).astype("category")
    start = np.datetime64("2026-01-01T00:00")
    cols["측정시각"] = pd.Series(start + np.arange(n).astype("timedelta64[m]"))
    # text the reader could not type
    pool = [f"{x:,.1f}" for x in rng.normal(5000, 2000, 20_000)] + ["-"]
    for i in range(3):
        cols[f"금액_{i}"] = _pool_column(rng, pool, n, miss)
    days = pd.date_range("2025-01-01", periods=700, freq="D")
    cols["생산일"] = _pool_column(rng, [f"{d.year}년 {d.month}월 {d.day}일" for d in days], n, miss)
    cols["출하일"] = _pool_column(rng, [d.strftime("%d/%m/%Y") for d in days], n, miss)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(n)), pa.large_string()), 7, "0")
    lot, sep = pa.scalar("LOT-", pa.large_string()), pa.scalar("", pa.large_string())
    ids = pc.binary_join_element_wise(lot, digits, sep)
    cols["로트번호"] = pd.Series(pd.array(ids, dtype=STR))
    words = ["표면", "긁힘", "발견", "재작업", "후", "양호", "용접부", "균열", "확인", "필요"]
    sentences = [" ".join(rng.choice(words, 6)) + f" #{k}" for k in range(50_000)]
    cols["비고"] = _pool_column(rng, sentences, n, 0.3)
    cols["순번"] = pd.Series(np.arange(1, n + 1))
    cols["온도"] = pd.Series(numbers(5))
    cols["압력"] = pd.Series(numbers(3))
    frame = pd.DataFrame(cols)
    if all_text:
        for c in frame.columns:
            if not isinstance(frame[c].dtype, pd.StringDtype):
                frame[c] = frame[c].astype(str).astype(STR).replace("nan", np.nan)
    return frame


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_reader_file(path: Path) -> None:
    """settle_kinds on what the CSV reader hands over for the CSV benchmark's own file."""
    from workbench.tables.loader import read_raw

    t_pd, _ = timed(lambda: pd.read_csv(path), repeat=1)
    t_raw, (_fmt, raw) = timed(lambda: read_raw(path), repeat=1)
    t_set, typed = timed(lambda: settle_kinds(raw.frame, raw.options))
    print(f"{path.name}: pandas.read_csv {t_pd:.2f} s, read_raw {t_raw:.2f} s, ")
    print(
        f"  settle_kinds {t_set:.3f} s = {t_set / t_pd:.1%} of read_csv; "
        f"read_raw + settle_kinds = {(t_raw + t_set) / t_pd:.2f}x read_csv"
    )
    kinds = pd.Series({k: str(v) for k, v in typed.kinds.items()}).value_counts().to_dict()
    print(f"  kinds: {kinds}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.rows
    reader_file = DATA / f"bench_{n}.csv"  # written by bench_csv.py
    if reader_file.exists():
        bench_reader_file(reader_file)
    frame = make_frame(n, all_text=False)
    print(f"frame: {n:,} rows x {frame.shape[1]} columns")
    DATA.mkdir(parents=True, exist_ok=True)
    csv = DATA / f"types_{n}.csv"
    if not csv.exists():
        frame.to_csv(csv, index=False)
    t_csv, _ = timed(lambda: pd.read_csv(csv), repeat=1)
    print(f"pandas.read_csv of the same table (reference): {t_csv:.2f} s")
    opts = LoadOptions(decimal=".", thousands=",")
    t_typed, typed = timed(lambda: settle_kinds(frame, opts))
    print(f"settle_kinds, reader-typed frame: {t_typed:.3f} s ({t_typed / t_csv:.1%} of read_csv)")
    kinds = pd.Series({k: str(v) for k, v in typed.kinds.items()}).value_counts().to_dict()
    print(f"  kinds: {kinds}; dayfirst={typed.dayfirst}; {len(typed.notes)} notes")
    text = make_frame(n, all_text=True)
    t_text, typed = timed(lambda: settle_kinds(text, LoadOptions()), repeat=1)
    print(f"settle_kinds, all-text frame:     {t_text:.3f} s ({t_text / t_csv:.1%} of read_csv)")
    kinds = pd.Series({k: str(v) for k, v in typed.kinds.items()}).value_counts().to_dict()
    print(f"  kinds: {kinds}; dayfirst={typed.dayfirst}")


if __name__ == "__main__":
    main()
