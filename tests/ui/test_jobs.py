from __future__ import annotations

import time

from ui.jobs import JobFailure, JobRunner
from workbench.errors import AnalysisError


def _count(ctx, n):
    for i in range(n):
        ctx.progress(i / n, f"step {i}")
        time.sleep(0.002)
    return n * 2


def _slow(ctx):
    for i in range(2000):
        ctx.progress(i / 2000, "working")
        time.sleep(0.005)
    return "finished"


def test_success_arrives_on_the_gui_thread_with_throttled_progress(qtbot):
    runner = JobRunner()
    seen: list[float] = []
    results: list[int] = []
    job = runner.start(
        "pane", _count, 500, on_success=results.append, on_progress=lambda f, m: seen.append(f)
    )
    with qtbot.waitSignal(job.signals.finished, timeout=10_000):
        pass
    assert results == [1000]
    assert 5 <= len(seen) <= 101


def test_cancel_stops_the_job_and_drops_its_result(qtbot):
    runner = JobRunner()
    results, cancelled = [], []
    job = runner.start(
        "pane", _slow, on_success=results.append, on_cancel=lambda: cancelled.append(True)
    )
    qtbot.waitUntil(lambda: runner.is_running("pane"), timeout=5000)
    start = time.perf_counter()
    with qtbot.waitSignal(job.signals.finished, timeout=5000):
        runner.cancel("pane")
    assert time.perf_counter() - start < 2
    assert results == [] and cancelled == [True]


def test_starting_a_second_job_cancels_the_first(qtbot):
    runner = JobRunner()
    results = []
    runner.start("pane", _slow, on_success=results.append)
    runner.start("pane", _count, 10, on_success=results.append)
    qtbot.waitUntil(lambda: runner.active_count == 0, timeout=10_000)
    assert results == [20]


def test_failures_become_plain_messages(qtbot):
    def refuse(ctx):
        raise AnalysisError("Too few rows to learn from.", "Load more data.")

    def bug(ctx):
        return 1 / 0

    runner = JobRunner()
    failures: list[JobFailure] = []
    for owner, fn in (("a", refuse), ("b", bug)):
        runner.start(owner, fn, on_failure=failures.append)
        qtbot.waitUntil(lambda: runner.active_count == 0, timeout=5000)
    assert failures[0].expected and failures[0].message == "Too few rows to learn from."
    assert not failures[1].expected
    assert "ZeroDivisionError" in failures[1].details
    assert "Traceback" not in failures[1].message


def _failing_when_released(ctx, release):
    release.wait(10)
    raise AnalysisError("the file changed")


def test_an_outcome_for_a_closed_pane_is_dropped_not_raised(qtbot):
    """A job that fails after its pane was deleted must not touch the dead widgets."""
    import threading

    import shiboken6
    from PySide6.QtWidgets import QLabel

    class Pane(QLabel):
        def on_failed(self, failure: JobFailure) -> None:
            self.setText(failure.message)

    runner = JobRunner()
    pane = Pane()
    release = threading.Event()
    job = runner.start("pane", _failing_when_released, release, on_failure=pane.on_failed)
    shiboken6.delete(pane)
    release.set()
    with qtbot.waitSignal(job.signals.finished, timeout=10_000):
        pass
    qtbot.wait(50)  # the delivery is queued to the GUI thread
    assert not runner.is_running("pane")
