"""The user's table as a dask DataFrame on the cluster (Parquet or CSV on a shared folder).

Rows carry their 0-based position in the file as their label (the same labels the in-process
loader gives), so rows gathered from the cluster point at the user's rows. The frame is
persisted on the workers: it is read from the shared folder once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.compute import wording as words
from workbench.errors import DataLoadError
from workbench.tables.table import SourceInfo

PARQUET = (".parquet", ".pq")
TEXT = (".csv", ".tsv", ".txt")
BLOCK_SIZE = "64MB"  # one CSV partition: small enough for a laptop-sized worker to hold many
_HEAD_BYTES = 1 << 20


@dataclass
class DaskTable:
    """The persisted dask DataFrame, its row count and where it came from."""

    frame: Any  # dask.dataframe.DataFrame, index = 0-based row position
    n_rows: int
    source: SourceInfo


def file_format(path: Path) -> str:
    """``parquet`` or ``csv`` (a folder of Parquet parts is Parquet); else a plain error."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in PARQUET:
        return "parquet"
    if suffix in TEXT:
        return "csv"
    raise DataLoadError(*words.unsupported_format(path.name))


def fingerprint(path: Path, fmt: str) -> SourceInfo:
    """Size, time and SHA-256 of the file (of a folder: of its parts' names, sizes, times)."""
    try:
        digest = hashlib.sha256()
        if path.is_dir():
            parts = sorted(p for p in path.rglob("*") if p.is_file())
            for p in parts:
                st = p.stat()
                digest.update(f"{p.relative_to(path)}\0{st.st_size}\0{st.st_mtime}\n".encode())
            size = sum(p.stat().st_size for p in parts)
        else:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    digest.update(chunk)
            size = path.stat().st_size
        modified = path.stat().st_mtime
    except OSError as exc:
        raise DataLoadError(*words.not_shared_file(str(path))) from exc
    return SourceInfo(str(path.resolve()), size, modified, digest.hexdigest(), fmt)


def _csv_options(path: Path) -> dict[str, Any]:
    """Encoding and separator from the file's first megabyte (the in-process loader's sniffers)."""
    from workbench.tables.text_sniff import detect_delimiter, detect_encoding

    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
        complete = not fh.read(1)
    guess = detect_encoding(head, complete=complete, file_name=path.name)
    text = head.decode(guess.codec, errors="ignore")
    cut = text.rfind("\n")
    delimiter = detect_delimiter(text[: cut if cut > 0 else len(text)]).delimiter
    return {"encoding": guess.option, "sep": delimiter or ","}


def _relabel(part: pd.DataFrame, offsets: list[int], partition_info: Any = None) -> pd.DataFrame:
    start = offsets[partition_info["number"]] if partition_info else 0
    return part.set_axis(pd.RangeIndex(start, start + len(part)), axis=0)


def read_dask_table(path: str | os.PathLike[str], client: Any) -> DaskTable:
    """Read ``path`` on the cluster and persist it there, rows labelled by file position."""
    import dask.dataframe as dd

    p = Path(path)
    if not p.exists():
        raise DataLoadError(*words.not_shared_file(str(p)))
    fmt = file_format(p)
    source = fingerprint(p, fmt)
    try:
        if fmt == "parquet":
            frame = dd.read_parquet(str(p))
        else:
            opts = _csv_options(p)
            frame = dd.read_csv(
                str(p), blocksize=BLOCK_SIZE, assume_missing=True, sample=_HEAD_BYTES, **opts
            )
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        if frame.npartitions < 2 * workers:  # a small file is one partition: one busy worker
            frame = frame.repartition(npartitions=2 * workers)
        lengths = frame.map_partitions(len).compute().tolist()
    except (OSError, ValueError) as exc:
        raise DataLoadError(*words.not_shared_file(str(p))) from exc
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int).tolist()
    meta = frame._meta.set_axis(pd.RangeIndex(0), axis=0)
    frame = frame.map_partitions(_relabel, offsets, meta=meta, clear_divisions=True)
    frame = client.persist(frame)
    return DaskTable(frame, int(sum(lengths)), source)


def _sample_part(
    part: pd.DataFrame, share: float, seed: int, partition_info: Any = None
) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    rng = np.random.default_rng([seed, number])
    return part[rng.random(len(part)) < share]


def gather_rows(table: DaskTable, limit: int, seed: int = 0) -> tuple[pd.DataFrame, bool]:
    """Every row when the table has at most ``limit`` rows; else a seeded uniform sample of
    about ``limit`` rows. Returns the pandas frame and whether it is a sample."""
    if table.n_rows <= limit:
        return table.frame.compute(), False
    share = limit / table.n_rows
    sample = table.frame.map_partitions(_sample_part, share, seed, meta=table.frame._meta)
    return sample.compute(), True
