from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from workbench.jobs import Cancelled, JobContext
from workbench.procs import run_in_process


def test_result_comes_back_from_the_worker_process():
    out = run_in_process(np.cumsum, np.arange(5))
    assert out.tolist() == [0, 1, 3, 6, 10]


def test_cancel_stops_a_long_step_promptly():
    ctx = JobContext()
    threading.Timer(1.0, ctx.cancel).start()
    start = time.perf_counter()
    with pytest.raises(Cancelled):
        run_in_process(time.sleep, 60, ctx=ctx)
    assert time.perf_counter() - start < 10


def test_errors_in_the_worker_reach_the_caller():
    with pytest.raises(ValueError):
        run_in_process(int, "not a number")


def test_a_worker_is_reused_and_replaced_after_a_native_crash():
    import os
    from concurrent.futures.process import BrokenProcessPool

    from workbench.procs import Worker

    worker = Worker()
    try:
        first = worker.run(os.getpid)
        assert worker.run(os.getpid) == first  # kept: no second start-up
        with pytest.raises(BrokenProcessPool):
            worker.run(os.abort)  # SIGABRT in the worker, as calamine does
        third = worker.run(os.getpid)
        assert third not in (first, os.getpid())  # a fresh worker; this process survived
    finally:
        worker.close()


def test_a_cancelled_worker_stops_promptly_and_a_new_one_serves_the_next_call():
    import os

    from workbench.procs import Worker

    worker = Worker()
    ctx = JobContext()
    try:
        threading.Timer(1.0, ctx.cancel).start()
        start = time.perf_counter()
        with pytest.raises(Cancelled):
            worker.run(time.sleep, 60, ctx=ctx)
        assert time.perf_counter() - start < 10
        assert worker.run(os.getpid) != os.getpid()
    finally:
        worker.close()
