"""Committing the frame's memory ahead of the fill: contents never change, pages arrive."""

from __future__ import annotations

import sys
import time

import numpy as np
import pyarrow as pa
import pytest

from workbench.tables.csv_columns import empty
from workbench.tables.prefault import Prefaulter


def _resident_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


def test_values_already_written_are_kept_and_the_rest_stays_writable():
    arrays = [empty(300_000, np.dtype(np.float64)), empty(300_000, np.dtype(np.int32))]
    for a in arrays:
        a[:150_000] = np.arange(150_000)
    prefaulter = Prefaulter(arrays, 300_000)
    prefaulter.stop()
    for a in arrays:
        assert (a[:150_000] == np.arange(150_000)).all()
        a[150_000:] = 7
        assert (a[150_000:] == 7).all()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise is Linux's")
def test_the_pages_are_committed_before_anything_is_written():
    values = np.frombuffer(
        pa.allocate_buffer(64 << 20, memory_pool=pa.system_memory_pool()), np.uint8
    )
    before = _resident_bytes()
    prefaulter = Prefaulter([values], len(values), ahead=len(values))
    deadline = time.monotonic() + 10
    while _resident_bytes() - before < (64 << 20) - 8192 and time.monotonic() < deadline:
        time.sleep(0.01)
    prefaulter.stop()
    assert _resident_bytes() - before >= (64 << 20) - 8192


def test_stopping_early_is_safe():
    arrays = [empty(2_000_000, np.dtype(np.float64)) for _ in range(4)]
    Prefaulter(arrays, 2_000_000).stop()  # may stop before or after the last step


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise is Linux's")
def test_it_stays_a_bounded_distance_ahead_of_the_rows_written():
    """A row estimate far too high must not take memory for rows that never come."""
    values = np.frombuffer(
        pa.allocate_buffer(64 << 20, memory_pool=pa.system_memory_pool()), np.uint8
    )
    before = _resident_bytes()
    prefaulter = Prefaulter([values], len(values), ahead=4 << 20)
    time.sleep(0.3)
    assert _resident_bytes() - before < 8 << 20  # 4 MB ahead of nothing written, one step more
    prefaulter.written(32 << 20)
    deadline = time.monotonic() + 10
    while _resident_bytes() - before < 36 << 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    grown = _resident_bytes() - before
    prefaulter.stop()
    assert 36 << 20 <= grown < 40 << 20
