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
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from workbench.jobs import Cancelled, JobContext, ensure_context

T = TypeVar("T")
_POLL_SECONDS = 0.05


def _new_pool(
    initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(
        max_workers=1,
        mp_context=mp.get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    )


def _wait(
    pool: cf.ProcessPoolExecutor,
    fn: Callable[..., T],
    args: tuple[Any, ...],
    ctx: JobContext,
    message: str,
) -> T:
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


def run_in_process(
    fn: Callable[..., T], *args: Any, ctx: JobContext | None = None, message: str = ""
) -> T:
    """Call ``fn(*args)`` in a fresh process; raise :class:`Cancelled` promptly on cancel.

    ``fn`` must be a top-level function and ``args`` plain data (arrays, numbers, strings).
    """
    ctx = ensure_context(ctx)
    ctx.check()
    pool = _new_pool()
    try:
        return _wait(pool, fn, args, ctx, message)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class Worker:
    """One spawned process kept for reuse (its start and imports cost about a second), set up
    once by ``initializer``. A worker that died (a native crash in it) or was stopped by a
    cancel is replaced on the next call; a call made while it is busy gets a process of its
    own, so one caller's cancel never stops another's work."""

    def __init__(
        self, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
    ) -> None:
        self._initializer = initializer
        self._initargs = initargs
        self._pool: cf.ProcessPoolExecutor | None = None
        self._busy = threading.Lock()

    def run(
        self, fn: Callable[..., T], *args: Any, ctx: JobContext | None = None, message: str = ""
    ) -> T:
        """Call ``fn(*args)`` in the worker (see :func:`run_in_process` for the rules)."""
        ctx = ensure_context(ctx)
        ctx.check()
        if not self._busy.acquire(blocking=False):
            pool = _new_pool(self._initializer, self._initargs)
            try:
                return _wait(pool, fn, args, ctx, message)
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        try:
            if self._pool is None:
                self._pool = _new_pool(self._initializer, self._initargs)
            try:
                return _wait(self._pool, fn, args, ctx, message)
            except (Cancelled, BrokenProcessPool):
                self.close()
                raise
        finally:
            self._busy.release()

    def close(self) -> None:
        """Stop the worker process (a later call starts a new one)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            _kill_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public kill; terminating its children is the only prompt stop.
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()
