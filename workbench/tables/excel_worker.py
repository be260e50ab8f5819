"""Read an untrusted workbook in a worker process, so a native crash cannot take the app down.

calamine (Rust) aborts the whole process when a damaged workbook asks it for an impossible
allocation (a stray cell at XFD1048576 makes it reserve 549 GB; a cell beyond Excel's limits,
1.5 PB): no ``except`` can catch an abort. The whole sheet read — opening, finding the table,
loading the cells — therefore runs in a spawned child (:func:`workbench.procs.run_in_process`,
which also cancels promptly), and a child that dies becomes the usual "this workbook is
damaged" message. On Linux and macOS the child's address space is capped
(``RLIMIT_AS``) so a file cannot push the laptop into swap either; Windows has no such limit
in the standard library (a Job Object would be the way), there the child still protects the app.

Cost, measured with ``tests/bench/bench_xlsx.py`` (200,000 x 20 workbook, 26 MB, on a busy
2-core machine): starting the worker and its imports take 1.4 s the first time, sending the
frame back 0.2 s (pickle between our own two processes: the result is built by our code, never
bytes of the user's file). The worker is kept (:class:`workbench.procs.Worker`), so later
reads pay only the transfer; it is replaced after a crash or a cancel.
"""

from __future__ import annotations

import functools
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from workbench.errors import DataLoadError, WorkbenchError
from workbench.i18n import _, current_language, set_language
from workbench.jobs import JobContext, ensure_context
from workbench.procs import Worker
from workbench.tables.table import LoadOptions, RawTable

# Virtual memory includes what pyarrow and NumPy reserve without using; 3/4 of the RAM, and
# never less than 4 GB, leaves any real workbook room while refusing a runaway one.
MIN_CAP_BYTES = 4 * 1024**3


def memory_cap() -> int | None:
    """The child's address-space limit in bytes (None where it cannot be set)."""
    if not hasattr(os, "sysconf") or sys.platform == "win32":
        return None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return MIN_CAP_BYTES
    return max(MIN_CAP_BYTES, total * 3 // 4)


def _set_up_worker(cap: int | None) -> None:
    """Runs once in the worker: cap its memory, silence calamine's own stderr notes ("memory
    allocation of … bytes failed", "repeat count capped": the user gets our message)."""
    if cap is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    import workbench.tables.excel_reader  # noqa: F401  (imported while the app waits anyway)


def _read_in_child(path: str, fmt: str, options: LoadOptions, language: str) -> tuple[str, Any]:
    """Runs in the worker: read the sheet; errors come back as plain data (a WorkbenchError's
    hint would not survive pickling)."""
    set_language(language)
    from workbench.tables.excel_reader import read_excel_raw

    try:
        return "ok", read_excel_raw(Path(path), fmt, options)
    except WorkbenchError as exc:
        return "error", (exc.message, exc.hint)


@functools.cache
def _worker() -> Worker:
    return Worker(_set_up_worker, (memory_cap(),))


def read_excel_isolated(
    path: Path, fmt: str, options: LoadOptions, ctx: JobContext | None = None
) -> RawTable:
    """:func:`~workbench.tables.excel_reader.read_excel_raw` in a worker process (see above)."""
    ctx = ensure_context(ctx)
    path = Path(path)
    message = _("Reading the workbook…")
    ctx.progress(0.0, message)
    try:
        kind, value = _worker().run(
            _read_in_child, str(path), fmt, options, current_language(), ctx=ctx, message=message
        )
    except (BrokenProcessPool, MemoryError) as exc:
        raise crashed_error(path) from exc
    if kind == "error":
        raise DataLoadError(*value)
    ctx.progress(1.0, _("Sheet read."))
    return value


def crashed_error(path: Path) -> DataLoadError:
    return DataLoadError(
        _(
            "The workbook {name} could not be read: it looks damaged, or it would need more "
            "memory than this computer has (the reader stopped)."
        ).format(name=path.name),
        _(
            "Open it in Excel or LibreOffice, save a new copy (File > Save As), and load "
            "that copy. If it came by e-mail or download, fetch it again."
        ),
    )
