"""The block reader (csv_blocks) gives the table reader's frame, on files cut into many blocks.

Each test reads a file twice: the normal way (which must go through the block reader) and with
the block reader switched off (pyarrow's table reader), and compares the raw tables exactly.
Small ``_BLOCK`` sizes make even tiny files span many blocks and parallel tasks.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.jobs import Cancelled, JobContext
from workbench.tables import csv_blocks, csv_reader
from workbench.tables.table import LoadOptions


class Spy:
    """Counts block reads that finished, and re-reads of wider columns."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.blocks = 0
        self.reread: list[list[str]] = []
        real = csv_reader.read_in_blocks

        def read_in_blocks(read, options, block, size, pool, to_pandas, reread):
            def spied(names):
                self.reread.append(names)
                return reread(names)

            frame = real(read, options, block, size, pool, to_pandas, spied)
            self.blocks += 1
            return frame

        monkeypatch.setattr(csv_reader, "read_in_blocks", read_in_blocks)


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch, **options):
    """The raw table through the block reader, and through the table reader."""
    spy = Spy(monkeypatch)
    fast = csv_reader.read_csv_raw(path, LoadOptions(**options), JobContext())
    assert spy.blocks == 1, "the block reader was not used"

    def table_reader_only(*args, **kwargs):
        raise csv_blocks.NotFast()

    with monkeypatch.context() as m:
        m.setattr(csv_reader, "_read_blocks", table_reader_only)
        slow = csv_reader.read_csv_raw(path, LoadOptions(**options), JobContext())
    assert_same(fast, slow)
    return fast, spy


def assert_same(fast, slow) -> None:
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    for name in fast.frame.columns:
        if isinstance(fast.frame[name].dtype, pd.CategoricalDtype):
            assert list(fast.frame[name].cat.categories) == list(slow.frame[name].cat.categories)
    assert fast.options == slow.options
    assert [n.message for n in fast.notes] == [n.message for n in slow.notes]


def rows_text(n: int, eol: str = "\n") -> str:
    lines = ["번호,라인,온도,시각,비고"]
    for i in range(n):
        line = ["성형1", "성형2", "조립"][i % 3]
        note = "" if i % 7 else "재작업"
        lines.append(f"{i},{line},{200 + i % 13 * 0.5},2026-03-01 08:{i % 60:02d}:00,{note}")
    return eol.join(lines) + eol


@pytest.mark.parametrize("block", [97, 1000, 1 << 21])
@pytest.mark.parametrize(
    ("encoding", "eol", "title"),
    [
        ("utf-8", "\n", ""),
        ("utf-8-sig", "\r\n", ""),
        ("cp949", "\r\n", "생산 실적\n\n"),  # transcoded, data past an offset
        ("utf-8", "\r", "보고서,,,,\n"),
        ("utf-16", "\n", ""),
    ],
)
def test_block_reader_gives_the_table_readers_frame(
    tmp_path, monkeypatch, block, encoding, eol, title
):
    monkeypatch.setattr(csv_reader, "_BLOCK", block)
    path = tmp_path / "t.csv"
    path.write_bytes((title + rows_text(600, eol)).encode(encoding))
    table, spy = both_ways(path, monkeypatch)
    assert len(table.frame) == 600
    assert isinstance(table.frame["라인"].dtype, pd.CategoricalDtype)
    assert spy.reread == []


def test_crlf_split_by_a_read_boundary(tmp_path, monkeypatch):
    text = rows_text(300, "\r\n")
    data = text.encode()
    block = data.index(b"\r\n", 500) + 1  # the first read ends between "\r" and "\n"
    monkeypatch.setattr(csv_reader, "_BLOCK", block)
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    table, _spy = both_ways(path, monkeypatch)
    assert len(table.frame) == 300


def test_columns_wider_than_the_first_block_are_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 256)
    lines = ["n,count,later,flag"]
    for i in range(800):
        count = "2.5" if i == 700 else str(i % 50)  # int64 until row 700
        later = str(i) if i > 400 else ""  # empty in the first block
        flag = "N/A" if i == 650 else str(i % 2)  # a marker among numbers
        lines.append(f"{i},{count},{later},{flag}")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table, spy = both_ways(path, monkeypatch)
    assert spy.reread == [["c1", "c2", "c3"]]
    assert table.frame["count"].iloc[700] == 2.5
    assert table.frame["flag"].iloc[650] == "N/A"


def test_whole_numbers_missing_past_the_first_block_become_floats(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 200)
    lines = ["n,gaps,full,when"]
    for i in range(500):
        gaps = "" if i in (300, 499) else str(i * 3)
        when = "" if i == 450 else f"2026-03-01 08:{i % 60:02d}:00"
        lines.append(f"{i},{gaps},{i},{when}")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table, spy = both_ways(path, monkeypatch)
    assert spy.reread == []
    assert table.frame["gaps"].dtype == "float64"
    assert table.frame["gaps"].iloc[299] == 897.0 and pd.isna(table.frame["gaps"].iloc[300])
    assert table.frame["full"].dtype == "int64"
    assert pd.isna(table.frame["when"].iloc[450])


def test_more_rows_than_the_first_block_promised(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 4096)
    long = ["n,v,t,c"] + [f"{i},{i}.5,2026-03-01 08:00:00,{'x' * 150}" for i in range(40)]
    short = [f"{i},{i % 9},,{'ab'[i % 2]}" for i in range(40, 12_000)]  # arrays must grow
    path = tmp_path / "t.csv"
    path.write_text("\n".join(long + short) + "\n")
    table, _spy = both_ways(path, monkeypatch)
    assert len(table.frame) == 12_000
    assert table.frame["v"].iloc[-1] == 11_999 % 9


def test_dictionary_limit_is_applied_per_block_as_arrow_does(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 400)
    monkeypatch.setattr(csv_reader, "_DICT_LIMIT", 8)
    lines = ["n,few,grows,spread"]
    for i in range(900):
        grows = f"g{i}" if i > 600 else f"g{i % 3}"  # many distinct values late only
        spread = f"s{i // 40}"  # few per block, many over the file
        lines.append(f"{i},{'ab'[i % 2]},{grows},{spread}")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table, _spy = both_ways(path, monkeypatch)
    assert isinstance(table.frame["few"].dtype, pd.CategoricalDtype)
    assert not isinstance(table.frame["grows"].dtype, pd.CategoricalDtype)
    assert isinstance(table.frame["spread"].dtype, pd.CategoricalDtype)


def test_bytes_invalid_in_utf8_past_the_first_block(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_SAMPLE", 2048)
    monkeypatch.setattr(csv_reader, "_BLOCK", 1000)
    text = "code,name\n" + "".join(f"{i},item\n" for i in range(500)) + "500,불량품\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("cp949"))
    table = csv_reader.read_csv_raw(path, LoadOptions(), JobContext())
    assert table.options.encoding == "cp949"
    assert table.frame["name"].astype(str).iloc[-1] == "불량품"


def test_cancel_while_blocks_are_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 512)
    path = tmp_path / "t.csv"
    path.write_text(rows_text(3000))
    stop = threading.Event()
    ctx = JobContext(lambda fraction, _message: stop.set() if fraction > 0.5 else None, stop)
    with pytest.raises(Cancelled):
        csv_reader.read_csv_raw(path, LoadOptions(), ctx)
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-block")]


_CELLS = {
    "int": st.integers(-(10**6), 10**6).map(str),
    "float": st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:.4g}"),
    "word": st.sampled_from(["성형", "조립", "A", "b c", "N/A", "-", "true", "FALSE"]),
    "date": st.dates().map(str),
    "code": st.integers(0, 999).map(lambda v: f"{v:05d}"),
    "quoted": st.sampled_from(['"a,b"', '"x"', '"say ""hi"""', '"12"']),
}


@st.composite
def mixed_files(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(_CELLS)), min_size=1, max_size=5))
    n = draw(st.integers(1, 400))
    rows = []
    for _ in range(n):
        row = []
        for kind in kinds:
            # a column's kind may change anywhere: a block reads it differently from the first
            cell_kind = draw(st.sampled_from([kind] * 9 + sorted(_CELLS)))
            row.append("" if draw(st.integers(0, 19)) == 0 else draw(_CELLS[cell_kind]))
        rows.append(",".join(row))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    block = draw(st.sampled_from([64, 150, 512, 4096]))
    header = ",".join(f"{k}{j}" for j, k in enumerate(kinds))
    return eol.join([header, *rows]) + eol, block


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=mixed_files())
def test_any_file_reads_the_same_both_ways(tmp_path, monkeypatch, case):
    text, block = case
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(csv_reader, "_BLOCK", block)
        fast = _read_or_error(path)
        m.setattr(csv_reader, "_read_blocks", _table_reader_only)
        slow = _read_or_error(path)
    if isinstance(fast, Exception) or isinstance(slow, Exception):
        assert (type(fast), str(fast)) == (type(slow), str(slow))
    else:
        assert_same(fast, slow)


def _table_reader_only(*args, **kwargs):
    raise csv_blocks.NotFast()


def _read_or_error(path: Path):
    try:
        return csv_reader.read_csv_raw(path, LoadOptions(), JobContext())
    except Exception as exc:  # both ways must fail alike
        return exc
