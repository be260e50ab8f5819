"""A file larger than memory in the app (a forced small memory budget makes a 30,000-row Parquet
file one): the Data pane says so before reading, the Quality step reports every row, and the
Model step trains on the stated sample that keeps every focus row, and says so."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from tests.core.test_stream_profile import plant_frame, write_parquet
from ui.controller import ProjectController
from ui.panes.data_pane import DataPane
from ui.panes.model_pane import ModelPane
from workbench.analysis import make_goal
from workbench.big_analysis import focus_of
from workbench.big_table import BIG_FILE_NOTE
from workbench.jobs import JobContext
from workbench.pipeline import assess_cleaned, clean_table
from workbench.project import Section
from workbench.steps.goal import parse_focus, select_focus
from workbench.steps.model_settings import ModelSettings
from workbench.steps.sampling import ENV_BUDGET, MIN_SAMPLE_ROWS
from workbench.vocabulary import ColumnRole

ROWS = 30_000


@pytest.fixture(scope="module")
def frame():
    return plant_frame(ROWS)


@pytest.fixture(scope="module")
def big_file(frame, tmp_path_factory):
    return write_parquet(frame, tmp_path_factory.mktemp("big") / "plant.parquet")


@pytest.fixture
def controller(monkeypatch):
    monkeypatch.setenv(ENV_BUDGET, "1000")  # nothing fits: the sampled path
    controller = ProjectController()
    yield controller
    controller.runner.shutdown()


def test_the_data_pane_says_so_before_reading_and_keeps_the_whole_file_profile(
    qtbot, controller, big_file, frame
):
    pane = DataPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    seen: list[tuple[bool, str]] = []  # (table loaded yet?, banner text) when the notice shows
    original = pane.banner.show_text

    def spy(text: str) -> None:
        seen.append((pane.project.table is not None, text))
        original(text)

    pane.banner.show_text = spy
    pane.load_file(big_file)
    qtbot.waitUntil(lambda: pane.project.table is not None, timeout=60_000)
    qtbot.waitUntil(lambda: not controller.runner.is_running("data"), timeout=5_000)
    loaded_yet, notice = seen[0]
    assert not loaded_yet  # said before the long read started
    assert notice.startswith("This file has about 30,000 rows — more than fits in memory.")
    assert f"stratified sample of {MIN_SAMPLE_ROWS:,} rows, keeping every focus row" in notice
    assert pane.banner.isVisibleTo(pane) and pane.banner.label.text() == notice
    table = pane.project.table
    assert table.whole_file is not None and table.whole_file.n_rows == ROWS
    assert len(table.frame) == MIN_SAMPLE_ROWS  # a uniform sample is shown and cleaned
    assert table.notes[0].kind == BIG_FILE_NOTE
    pd_rows = frame.loc[table.frame.index, "yield"]  # the rows are the file's, by position
    assert (pd_rows.to_numpy() == table.frame["yield"].to_numpy()).all()
    # the Quality step reports every row of the file
    ctx = JobContext(None, threading.Event())
    cleaned = clean_table(ctx, table, None, frozenset({"yield"}))
    report = assess_cleaned(ctx, cleaned, "yield", None, None, table)
    assert report.n_rows == ROWS
    assert report.profile("yield").count == ROWS
    assert report.duplicate_rows == int(frame.duplicated().sum())


def test_the_model_step_trains_on_the_stated_sample(qtbot, controller, big_file, frame):
    from workbench.big_table import load_big_table
    from workbench.tables.table import LoadOptions

    project = controller.project
    project.set_table(load_big_table(None, big_file, LoadOptions(), MIN_SAMPLE_ROWS))
    project.set_goal(make_goal(project.table.frame, "yield"))
    project.set_role("time", ColumnRole.TIME)
    project.set_settings(ModelSettings(effort="quick"))
    pane = ModelPane(controller)
    pane.cluster_in_worker = False
    qtbot.addWidget(pane)
    pane.show()
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: project.result(Section.MODEL) is not None, timeout=120_000)
    qtbot.waitUntil(lambda: not pane.is_running(), timeout=10_000)
    result = project.result(Section.MODEL)
    statement = result.sampling
    assert statement is not None and statement.rows_total == ROWS
    assert statement.strata_kind == "month"
    whole_focus = set(select_focus(frame["yield"], parse_focus("top:5%")))
    assert set(result.focus_rows) == whole_focus  # the recipe is empty: nothing was dropped
    assert focus_of(result.goal) == parse_focus("top:5%")
    text = pane.validation_label.text()
    assert f"Trained on {statement.rows_sampled:,} of 30,000 rows" in text
    assert "stratified by month of time" in text
