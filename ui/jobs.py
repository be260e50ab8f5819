"""The one way to run core work off the GUI thread: progress, cancel, friendly failures.

A :class:`JobRunner` starts a core step ``fn(ctx, *args)`` on a QThreadPool. Its signals
object is created on the GUI thread, so every slot runs there; results are applied to the
Project only in ``succeeded`` slots. Each owner (a pane) has at most one running job:
starting a new one cancels the old, whose late result is then dropped.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import Cancelled, JobContext

_PROGRESS_STEP = 0.01  # emit at most about a hundred progress signals per job


@dataclass(frozen=True)
class JobFailure:
    """What went wrong, in words for the user, with technical details kept aside."""

    message: str
    hint: str
    details: str  # traceback text, shown only behind a "Details" button
    expected: bool  # True for a WorkbenchError (bad input), False for a bug


class JobSignals(QObject):
    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)  # JobFailure
    cancelled = Signal()
    finished = Signal()


class Job:
    """One run of a core step; talk to it through :attr:`signals` and :meth:`cancel`.

    A plain object handed to the pool as a callable: Python subclasses of QRunnable have
    crashed PySide6 at interpreter exit, plain callables have not.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.signals = JobSignals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._cancel = threading.Event()
        self._last_progress = -1.0
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, fraction: float, message: str) -> None:
        if fraction >= 1.0 or fraction - self._last_progress >= _PROGRESS_STEP:
            self._last_progress = fraction
            self.signals.progress.emit(fraction, message)

    def run(self) -> None:  # runs on a pool thread
        ctx = JobContext(self._report, self._cancel)
        try:
            result = self._fn(ctx, *self._args, **self._kwargs)
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        except Cancelled:
            self.signals.cancelled.emit()
        except WorkbenchError as exc:
            self.signals.failed.emit(
                JobFailure(exc.message, exc.hint, traceback.format_exc(), expected=True)
            )
        except Exception:  # a bug: say so plainly, keep the details for the report
            self.signals.failed.emit(
                JobFailure(
                    _("Something went wrong inside Workbench; your data and project are safe."),
                    _("Try again. If it happens again, send the details to the Workbench team."),
                    traceback.format_exc(),
                    expected=False,
                )
            )
        finally:
            self.done.set()
            self.signals.finished.emit()


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when ``callback`` is a method of a widget Qt has already deleted (a closed pane)."""
    receiver = getattr(callback, "__self__", None)
    return not isinstance(receiver, QObject) or shiboken6.isValid(receiver)


class JobRunner(QObject):
    """Starts jobs per owner, keeps them alive until they finish, cancels them on close."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._current: dict[str, Job] = {}
        self._alive: set[Job] = set()

    def start(
        self,
        owner: str,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[JobFailure], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Job:
        """Run ``fn(ctx, *args, **kwargs)`` for ``owner``, cancelling its previous job."""
        self.cancel(owner)
        job = Job(fn, *args, **kwargs)
        current = self._current

        def settle(callback: Callable[..., None] | None) -> Callable[..., None]:
            # The outcome is delivered on the GUI thread; only from here on is the job
            # no longer running for its owner, so a check never sees "done" before the
            # result has been applied.
            def deliver(*outcome: Any) -> None:
                if current.get(owner) is not job:
                    return
                del current[owner]
                if callback and _receiver_alive(callback):
                    callback(*outcome)

            return deliver

        job.signals.succeeded.connect(settle(on_success))
        job.signals.failed.connect(settle(on_failure))
        job.signals.cancelled.connect(settle(on_cancel))
        if on_progress:
            job.signals.progress.connect(
                lambda f, m: on_progress(f, m) if current.get(owner) is job else None
            )
        job.signals.finished.connect(lambda: self._on_job_finished(job))
        self._current[owner] = job
        self._alive.add(job)
        self.busy_changed.emit(True)
        self._pool.start(job.run)
        return job

    def cancel(self, owner: str) -> None:
        """Ask ``owner``'s running job to stop; its result will be ignored."""
        job = self._current.get(owner)
        if job is not None:
            job.cancel()

    def is_running(self, owner: str) -> bool:
        """True until ``owner``'s latest job has delivered its outcome on the GUI thread."""
        return owner in self._current

    @property
    def active_count(self) -> int:
        """Jobs whose threads have not yet reported back, cancelled ones included."""
        return len(self._alive)

    def _on_job_finished(self, job: Job) -> None:
        self._alive.discard(job)
        if not self._alive:
            self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every job and wait for the pool; True when all stopped in time.

        Outcomes that arrive later are not delivered: their panes may be deleted by then.
        """
        self._current.clear()
        for job in list(self._alive):
            job.cancel()
        return self._pool.waitForDone(timeout_ms)
