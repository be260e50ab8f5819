"""Guards against known-bad Qt bindings (pinned in pyproject.toml)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    progress = Signal(float, str)


def test_signal_emits_do_not_leak_references_to_true(qapp):
    # PySide6 6.12.0 lost a reference to True per emit; Python 3.11 then aborts the app.
    emitter = _Emitter()
    seen: list[float] = []
    emitter.progress.connect(lambda f, m: seen.append(f))
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.progress.emit(0.5, "x")
    assert len(seen) == 2000
    assert sys.getrefcount(True) >= before - 10
