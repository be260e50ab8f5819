"""UI test fixtures: one shared JobRunner per test, and nothing may be left running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool


@pytest.fixture(autouse=True)
def _no_job_left_running(qapp):
    yield
    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(20_000), "a background job was still running after the test"
