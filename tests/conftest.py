"""Shared fixtures: a recording JobContext and an isolated user config folder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The language follows the system; tests assert English unless they switch on purpose.
os.environ["WORKBENCH_LANG"] = "en"

from workbench.jobs import JobContext


class RecordingContext(JobContext):
    """A JobContext that keeps every progress report, to assert on them."""

    def __init__(self) -> None:
        self.reports: list[tuple[float, str]] = []
        super().__init__(lambda f, m: self.reports.append((f, m)))


@pytest.fixture
def ctx() -> RecordingContext:
    return RecordingContext()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep app preferences, autosave and the experiment library out of the real home."""
    home = tmp_path_factory.mktemp("userhome")
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    yield
