"""Run a GIL-holding step (e.g. HDBSCAN) in a worker process, with progress and cancel.

Threads keep the GUI responsive only while the work releases the GIL (LightGBM, NumPy do;
HDBSCAN's Cython does not). Such steps run here in a spawned process — spawn works the same in
a frozen Windows build — while the calling job thread waits, checking for cancel.
The function and its arguments travel to our own child process only; nothing read from a
user's file is ever deserialized this way.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
from collections.abc import Callable
from typing import Any, TypeVar

from workbench.jobs import Cancelled, JobContext, ensure_context

T = TypeVar("T")
_POLL_SECONDS = 0.05


def run_in_process(
    fn: Callable[..., T], *args: Any, ctx: JobContext | None = None, message: str = ""
) -> T:
    """Call ``fn(*args)`` in a fresh process; raise :class:`Cancelled` promptly on cancel.

    ``fn`` must be a top-level function and ``args`` plain data (arrays, numbers, strings).
    """
    ctx = ensure_context(ctx)
    ctx.check()
    pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"))
    try:
        future = pool.submit(fn, *args)
        while True:
            try:
                return future.result(timeout=_POLL_SECONDS)
            except cf.TimeoutError:
                if ctx.is_cancelled:
                    _kill_workers(pool)
                    raise Cancelled() from None
                if message:
                    ctx.progress(0.0, message)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public kill; terminating its children is the only prompt stop.
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()
