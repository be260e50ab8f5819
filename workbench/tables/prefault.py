"""Commit the memory of arrays about to be filled, on a thread of its own.

The first write to each page of a fresh array stops the writing thread for the kernel to
find and zero a page. Filling a frame of 1,000,000 rows x 50 columns so costs the one thread
that fills it 85,000 such stops (measured: 0.12 s, and up to 0.45 s on a busy VM). Asking the
kernel to commit the pages ahead of time (``MADV_POPULATE_WRITE``, Linux 5.14+) does that
work on another core while the rows are still being parsed; it never changes what an array
holds, so it may run beside the writes. Elsewhere it is a no-op.
"""

from __future__ import annotations

import ctypes
import sys
import threading

import numpy as np

_POPULATE_WRITE = 23  # MADV_POPULATE_WRITE
_PAGE = 4096
_STEP_ROWS = 1 << 16  # rows committed per array before moving on: stays ahead of the fill
_AHEAD_ROWS = 1 << 18  # how far ahead of the written rows (a few groups of blocks)


def _madvise() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.madvise
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_MADVISE = _madvise()


class Prefaulter:
    """Commits rows ``0..rows`` of ``arrays`` in row order on a background thread, never more
    than ``ahead`` rows past the rows written so far (told with :meth:`written`): a row
    estimate that was too high must not turn into memory taken for nothing."""

    def __init__(self, arrays: list[np.ndarray], rows: int, ahead: int = _AHEAD_ROWS) -> None:
        self._stop = False
        self._written = 0
        self._ahead = ahead
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        if _MADVISE is None or not arrays or rows <= 0:
            return
        self._thread = threading.Thread(
            target=self._run, args=(arrays, rows), name="prefault", daemon=True
        )
        self._thread.start()

    def written(self, rows: int) -> None:
        """Rows ``0..rows`` are written: the thread may go on up to ``rows + ahead``."""
        with self._changed:
            self._written = rows
            self._changed.notify()

    def _wait_for(self, end: int) -> bool:
        """Wait until rows up to ``end`` may be committed; False when stopped."""
        with self._changed:
            self._changed.wait_for(lambda: self._stop or end <= self._written + self._ahead)
            return not self._stop

    def _run(self, arrays: list[np.ndarray], rows: int) -> None:
        for start in range(0, rows, _STEP_ROWS):
            end = min(start + _STEP_ROWS, rows)
            if not self._wait_for(end):
                return
            for values in arrays:
                if not _populate(values, start, min(end, len(values)), end >= len(values)):
                    return  # an older kernel: the writes fault the pages in as before

    def stop(self) -> None:
        """Stop (the arrays are full, or the read ended) and wait for the thread."""
        with self._changed:
            self._stop = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join()


def _populate(values: np.ndarray, start: int, end: int, last: bool) -> bool:
    """Commit the pages of rows ``start..end`` of ``values`` (False: the kernel cannot).

    Steps are cut at page boundaries, so consecutive steps cover every whole page of the
    array once; the partial pages at its two ends are left to the writes.
    """
    address, size = values.ctypes.data, values.itemsize
    low = -(-address // _PAGE) * _PAGE
    high = (address + values.nbytes) // _PAGE * _PAGE
    first = max(low, (address + start * size) // _PAGE * _PAGE)
    stop = high if last else min(high, (address + end * size) // _PAGE * _PAGE)
    if stop <= first:
        return True
    return _MADVISE(first, stop - first, _POPULATE_WRITE) == 0  # type: ignore[operator]
