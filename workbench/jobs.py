"""Progress reporting and cancellation for long steps, without Qt.

Every long core step takes a :class:`JobContext`. It calls ``ctx.progress(fraction, message)``
between chunks of work; that call raises :class:`Cancelled` once the user asked to stop.
``ctx.sub(a, b)`` hands the slice ``[a, b]`` of the progress bar to a sub-step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ReportFn = Callable[[float, str], None]


class Cancelled(Exception):  # noqa: N818 - reads naturally: ``except Cancelled``
    """The user cancelled the running job."""


class JobContext:
    """Progress callback plus cancel token handed to every long step."""

    def __init__(
        self,
        report: ReportFn | None = None,
        cancel_event: threading.Event | None = None,
        *,
        start: float = 0.0,
        end: float = 1.0,
    ) -> None:
        self._report = report
        self.cancel_event = cancel_event if cancel_event is not None else threading.Event()
        self._start = start
        self._end = end

    def cancel(self) -> None:
        """Ask the running step to stop at its next check."""
        self.cancel_event.set()

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self.cancel_event.is_set():
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        """Report ``fraction`` (0..1) of this context's slice done; raise if cancelled."""
        self.check()
        if self._report is not None:
            f = min(max(fraction, 0.0), 1.0)
            self._report(self._start + (self._end - self._start) * f, message)

    def sub(self, a: float, b: float) -> JobContext:
        """A context for a sub-step that owns the slice ``[a, b]`` of this one."""
        span = self._end - self._start
        return JobContext(
            self._report,
            self.cancel_event,
            start=self._start + span * a,
            end=self._start + span * b,
        )


def ensure_context(ctx: JobContext | None) -> JobContext:
    """Return ``ctx`` or a silent context that is never cancelled."""
    return ctx if ctx is not None else JobContext()
