"""Give memory freed by one analysis step back to the system before the next one needs it.

Why: a step's large temporaries (the CSV reader's Arrow buffers, LightGBM's bins, the fit's
row arrays) are freed when it ends, but the allocators keep much of that memory for later
instead of returning it: pyarrow's memory pool (mimalloc) and, on Linux, glibc's malloc arenas.
The process's resident memory then stays at the step's high-water mark, and the next step's
own peak (HDBSCAN's neighbour lists in the cause groups) lands on top of it. Measured at 1M x 50
(tests/bench/bench_analyze.py, docs/scale.md): 60-140 MB returned after the load and the fit.

Only memory already freed is returned; no data changes. Windows' heap returns large blocks by
itself, so there only the Arrow pool is asked.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys


def release_unused_memory() -> None:
    """Return freed memory held by pyarrow's pool and glibc's malloc to the system."""
    pyarrow = sys.modules.get("pyarrow")  # only if loaded: importing it costs more than it frees
    if pyarrow is not None:
        with contextlib.suppress(Exception):  # a courtesy of the allocator, never fatal
            pyarrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # a libc without malloc_trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)
