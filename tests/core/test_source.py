"""The source fingerprint: the SHA-256 of the whole file, from the reader's own reads."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from workbench.errors import DataLoadError
from workbench.jobs import Cancelled, JobContext
from workbench.tables.loader import load_table, read_raw
from workbench.tables.source import Fingerprinter


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pieces_in_any_order_or_repeated_give_the_file_hash(tmp_path):
    path = tmp_path / "data.bin"
    data = np.random.default_rng(1).bytes(300_000)
    path.write_bytes(data)
    with Fingerprinter(path, "csv") as fp:
        fp.offer(0, data[:1000])
        fp.offer(500, data[500:5000])  # overlaps what was taken: only the new part counts
        fp.offer(0, data[:4000])  # read again: passed over
        fp.offer(9000, data[9000:20000])  # a gap: passed over, read from the file at the end
        fp.offer(5000, data[5000:9000])
        source = fp.result()
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)


def test_a_reader_that_read_nothing_still_gets_the_hash(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"a,b\n1,2\n")
    with Fingerprinter(path, "csv") as fp:
        assert fp.result().sha256 == sha256(path)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _many_rows(n: int) -> str:
    rows = "".join(f"{i},{i * 0.5},라인{i % 7},품번-{i:07d}\n" for i in range(n))
    return "번호,값,라인,품번\n" + rows


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("blocks.csv", _many_rows(120_000), "utf-8"),  # several 2 MB blocks
        ("cp949.csv", _many_rows(60_000), "cp949"),  # transcoded on the way
        ("bom.csv", "\ufeff온도,압력\n1,2\n3,4\n", "utf-8"),
        ("title.csv", "생산 실적 2026년 3월\n\n라인,수량\nA,1\nB,2\nC,3\n", "utf-8"),
        ("quoted.csv", 'id,note\n1,"two\nlines"\n2,plain\n3,"x"\n', "utf-8"),  # table reader
        ("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11\n12,13,14\n", "utf-8"),  # csv module
    ],
)
def test_loaded_csv_records_the_hash_of_the_whole_file(tmp_path, name, text, encoding):
    path = _write(tmp_path, name, text, encoding)
    source = load_table(path).source
    assert source.sha256 == sha256(path)
    assert source.size == path.stat().st_size
    assert source.format == "csv"


def test_loaded_workbook_records_the_hash_of_the_whole_file(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["라인", "수량"])
    for i in range(50):
        ws.append([f"L{i % 3}", i])
    wb.save(path)
    source = load_table(path).source
    assert source.sha256 == sha256(path)
    assert source.format == "xlsx"


def test_a_failed_read_leaves_no_hashing_thread_behind(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 64)
    before = {t.ident for t in threading.enumerate() if t.name == "fingerprint"}
    with pytest.raises(DataLoadError):
        load_table(path)
    after = {t.ident for t in threading.enumerate() if t.name == "fingerprint"}
    assert after <= before


def test_the_csv_reader_offers_every_byte_it_reads(tmp_path):
    """The hash comes from the reader's own reads: the file is not read a second time."""
    path = _write(tmp_path, "blocks.csv", "생산 실적\n" + _many_rows(120_000))
    pieces: list[tuple[int, bytes]] = []
    read_raw(path, on_read=lambda offset, data: pieces.append((offset, data)))
    covered = 0
    for offset, data in pieces:
        assert offset <= covered  # no gap
        covered = max(covered, offset + len(data))
    assert covered == path.stat().st_size


def test_a_load_cancelled_part_way_stops_its_helper_threads(tmp_path):
    """Cancel while blocks are parsed: the hashing and parse threads all end."""
    path = _write(tmp_path, "blocks.csv", _many_rows(400_000))  # about a dozen 2 MB blocks
    seen = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0.3:
            ctx.cancel()

    ctx = JobContext(progress)
    helpers = ("fingerprint", "csv-block")
    with pytest.raises(Cancelled):
        load_table(path, ctx=ctx)
    assert max(seen) < 0.9  # stopped part-way, not at the end
    left = [t.name for t in threading.enumerate() if t.name.startswith(helpers)]
    assert left == []


def test_a_file_removed_after_every_byte_was_read_keeps_its_hash(tmp_path):
    path = tmp_path / "data.csv"
    data = b"a,b\n" + b"1,2\n" * 1000
    path.write_bytes(data)
    with Fingerprinter(path, "csv") as fp:
        fp.offer(0, data)
        path.unlink()  # e.g. a temporary export cleaned up while the kinds were settled
        source = fp.result()
    assert source.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_removed_before_it_was_read_is_reported_plainly(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with Fingerprinter(path, "csv") as fp:
        path.unlink()
        with pytest.raises(DataLoadError) as err:
            fp.result()
    assert "data.csv" in err.value.message
