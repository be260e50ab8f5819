"""Memory stays bounded by what a project really needs, however its bytes lie.

Each crafted file is refused as damaged, and a child process that opens all of them peaks
below :data:`CAP_MB` and within 150 MB of a child that opens the good project (VmHWM).
Before, the understated zip entry inflated 1 GB before its checksum failed (2.2 GB peak), and
the Parquet entries decoded to as much as they liked (up to 3.2 GB).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tests.hostile.hostile_kit import (
    entries,
    patch_sizes,
    peak_rss_mb,
    write_entries,
    write_zeros_entry,
)

CAP_MB = 400  # the child opening all of them; it peaked at 2.2-3.2 GB before, ~140 MB now
SNAPSHOT = "data/snapshot.parquet"

OPEN_ALL = """
import sys
from workbench.errors import ProjectFileError
from workbench.store.project_file import open_project
for path in sys.argv[1:]:
    try:
        open_project(path, check_source_file=False)
        print("OPENED", path, flush=True)
    except ProjectFileError as exc:
        print("REFUSED", path, exc.message, flush=True)
"""


def _parquet(table: pa.Table, **kwargs) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", **kwargs)
    return buf.getvalue()


def _many_rows(n_groups: int = 50) -> bytes:
    """50 million zeros: a few hundred KB of Parquet, 400 MB decoded."""
    buf = io.BytesIO()
    chunk = pa.table({"c0": pa.array(np.zeros(1_000_000, dtype=np.int64))})
    with pq.ParquetWriter(buf, chunk.schema, compression="zstd") as writer:
        for _ in range(n_groups):
            writer.write_table(chunk)
    return buf.getvalue()


def _long_text(rows: int, *, store_schema: bool) -> bytes:
    """``rows`` cells of one 4 MB text, dictionary-encoded: KBs stored, rows x 4 MB decoded."""
    column = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["a" * (4 << 20)])
    )
    return _parquet(pa.table({"c0": column}), store_schema=store_schema)


def crafted_files(saved_project, folder) -> dict[str, str]:
    parts = entries(saved_project)
    rows = json.loads(parts["project.json"])["data"]["rows"]
    files = {}
    understated = write_zeros_entry(folder / "understated.wbproj", parts, "project.json", 1 << 30)
    patch_sizes(understated, "project.json", 1000)
    files["understated_entry"] = understated
    files["understated_model"] = write_zeros_entry(
        folder / "understated_model.wbproj", parts, "model/model.txt", 1 << 30
    )
    patch_sizes(files["understated_model"], "model/model.txt", 5000)
    huge_json = b'{"pad": "' + b"x" * (70 << 20) + b'"}'
    files["json_70mb_stored"] = write_entries(
        folder / "json.wbproj", {**parts, "project.json": huge_json}, stored=True
    )
    files["parquet_50m_rows"] = write_entries(
        folder / "rows.wbproj", {**parts, SNAPSHOT: _many_rows()}, stored=True
    )
    files["parquet_long_text"] = write_entries(
        folder / "text.wbproj",
        {**parts, SNAPSHOT: _long_text(rows, store_schema=False)},
        stored=True,
    )
    files["parquet_long_text_dictionary"] = write_entries(
        folder / "dict.wbproj",
        {**parts, SNAPSHOT: _long_text(rows, store_schema=True)},
        stored=True,
    )
    files["result_table_long_text"] = write_entries(
        folder / "result.wbproj",
        {**parts, "results/oof.parquet": _long_text(rows, store_schema=False)},
        stored=True,
    )
    return {k: str(v) for k, v in files.items()}


def test_bombs_are_refused_within_the_memory_cap(saved_project, tmp_path):
    files = crafted_files(saved_project, tmp_path)
    for path in files.values():  # each is small on disk
        assert (tmp_path / path).stat().st_size < 80 << 20
    base_mb, base_out = peak_rss_mb(OPEN_ALL, str(saved_project))
    assert "OPENED" in base_out, base_out
    peak_mb, out = peak_rss_mb(OPEN_ALL, *files.values())
    refused = [line for line in out.splitlines() if line.startswith("REFUSED")]
    assert len(refused) == len(files), out
    assert "damaged" in out and "Traceback" not in out
    assert peak_mb < CAP_MB and peak_mb < base_mb + 150, (base_mb, peak_mb, out)


def test_results_kept_after_smaller_data_was_loaded_still_open(saved_project, tmp_path):
    """The row bound is the largest table the project declares: a model run's own table may
    be larger than data loaded after it (its results are then out of date, not damaged)."""
    from tests.hostile.hostile_kit import write_plant_csv
    from workbench.project import Section
    from workbench.store.project_file import open_project, save_project
    from workbench.tables.loader import load_table

    project = open_project(saved_project)
    project.set_table(load_table(write_plant_csv(tmp_path / "small.csv", n=60, seed=1)))
    path = save_project(project, tmp_path / "stale.wbproj")
    again = open_project(path)
    assert again.table.n_rows == 60
    assert again.result(Section.MODEL).table.n_rows == 300
    assert again.is_stale(Section.MODEL)
