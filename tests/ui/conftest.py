"""UI test fixtures: one shared JobRunner per test, and nothing may be left running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool


@pytest.fixture(autouse=True)
def _no_job_left_running(qapp):
    yield
    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(20_000), "a background job was still running after the test"


@pytest.fixture(autouse=True)
def _library_env_restored(monkeypatch):
    """A team library folder chosen in a test sets WORKBENCH_LIBRARY (so the report reads the
    same library); it must not leak into the next test."""
    monkeypatch.delenv("WORKBENCH_LIBRARY", raising=False)
