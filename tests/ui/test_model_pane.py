"""The Model pane: a real quick fit through the pane, cancel, the threshold slider, staleness."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from ui.controller import ProjectController
from ui.panes.model_pane import ModelPane, threshold_metrics
from ui.panes.model_text import CANCELLED
from workbench.analysis import make_goal
from workbench.jobs import JobContext
from workbench.pipeline import load_data
from workbench.project import Project, Section
from workbench.steps.metrics import binary_metrics
from workbench.steps.model_settings import ModelSettings
from workbench.tables.table import LoadOptions
from workbench.vocabulary import ColumnRole

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
ROWS = 1200  # a real fit, small enough for a few seconds


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model_pane")
    frame = pd.read_csv(DEMO, nrows=ROWS)
    regression = folder / "solar_small.csv"
    frame.to_csv(regression, index=False)
    defect = frame.drop(columns=["efficiency", "final_test_efficiency"])
    low = frame["efficiency"] < frame["efficiency"].quantile(0.25)
    defect["defect"] = np.where(low, "yes", "no")
    classification = folder / "solar_defect.csv"
    defect.to_csv(classification, index=False)
    return regression, classification


def _pane(qtbot, path: Path, target: str, *, effort: str = "quick") -> ModelPane:
    project = Project()
    project.set_table(load_data(JobContext(None, threading.Event()), path, LoadOptions()))
    project.set_goal(make_goal(project.table.frame, target))
    project.set_role("firing_temp", ColumnRole.CONTROLLABLE)
    project.set_settings(ModelSettings(effort=effort))
    controller = ProjectController()
    controller.replace_project(project)
    pane = ModelPane(controller)
    pane.cluster_in_worker = False  # a tiny focus: skip the worker process start-up
    qtbot.addWidget(pane)
    pane.resize(1100, 750)
    pane.show()
    return pane


def _run(qtbot, pane: ModelPane) -> None:
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    assert pane.is_running() and pane.cancel_button.isEnabled()
    assert not pane.run_button.isEnabled()
    qtbot.waitUntil(lambda: pane.project.result(Section.MODEL) is not None, timeout=60_000)
    qtbot.waitUntil(lambda: not pane.is_running(), timeout=10_000)


def test_a_fit_shows_the_verdict_metrics_and_plot_and_goes_stale_on_edits(qtbot, data_files):
    pane = _pane(qtbot, data_files[0], "efficiency")
    project = pane.project
    assert pane.is_available() and not pane.is_complete()
    assert not pane.stale_banner.isVisibleTo(pane)
    _run(qtbot, pane)
    result = project.result(Section.MODEL)
    fit = result.fit
    assert pane.verdict_label.text() == fit.verdict_message
    assert "efficiency" in fit.verdict_message
    table = pane.metrics_table
    values = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert values["Share of variation explained (R²)"] == f"{fit.metrics['r2']:.3f}"
    assert pane.plots.currentWidget() is pane.fit_plot
    assert pane.fit_plot.n_dots == len(fit.oof_pred)
    assert pane.is_complete() and not pane.needs_attention()
    assert not pane.stale_banner.isVisibleTo(pane)
    assert pane.run_button.isEnabled() and not pane.cancel_button.isEnabled()

    project.set_goal(make_goal(project.table.frame, "efficiency", focus="top:20%"))
    assert project.is_stale(Section.MODEL)
    assert pane.stale_banner.isVisibleTo(pane) and "Out of date" in pane.stale_banner.text()
    assert pane.needs_attention() and not pane.is_complete()
    assert pane.verdict_label.text() == fit.verdict_message  # the old result is still shown

    # Settings in plain words write the project's ModelSettings.
    pane.effort_combo.setCurrentIndex(pane.effort_combo.findData("thorough"))
    pane.effort_combo.activated.emit(pane.effort_combo.currentIndex())
    pane.validation_combo.setCurrentIndex(pane.validation_combo.findData("k-fold"))
    pane.validation_combo.activated.emit(pane.validation_combo.currentIndex())
    assert project.settings.effort == "thorough" and project.settings.validation == "k-fold"


def test_cancel_mid_fit_leaves_no_result_and_no_running_job(qtbot, data_files):
    pane = _pane(qtbot, data_files[0], "efficiency", effort="thorough")
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.progress.value() > 0, timeout=30_000)
    clicked = time.perf_counter()
    qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    assert not pane.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: pane.progress_label.text() == CANCELLED, timeout=10_000)
    assert time.perf_counter() - clicked < 5.0  # promptly (generous: the machine is shared)
    qtbot.waitUntil(lambda: not pane.is_running(), timeout=5_000)
    assert pane.project.result(Section.MODEL) is None
    # the cancelled job's thread ends at LightGBM's next callback: on a busy machine that is
    # a moment after the pane stopped showing it as running
    qtbot.waitUntil(lambda: pane.controller.runner.active_count == 0, timeout=5_000)
    assert pane.run_button.isEnabled()


def test_the_threshold_slider_recomputes_recall_and_precision_and_is_saved(qtbot, data_files):
    pane = _pane(qtbot, data_files[1], "defect")
    project = pane.project
    _run(qtbot, pane)
    fit = project.result(Section.MODEL).fit
    assert pane.plots.currentWidget() is pane.tradeoff
    assert pane.threshold_slider.value() == round(100 * fit.threshold)

    def shown() -> dict[str, str]:
        t = pane.metrics_table
        return {t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())}

    y, p = pane._binary
    pane.threshold_slider.setValue(10)
    low = shown()
    pane.threshold_slider.setValue(60)
    high = shown()
    recall = "Problem rows caught (recall)"
    precision = "Alarms that are right (precision)"
    assert low[recall] != high[recall] and low[precision] != high[precision]
    expected = binary_metrics(y, p, 0.6)
    assert high[recall] == f"{100 * expected['recall']:.1f}%"
    assert high["Alarm threshold"] == "0.60"
    assert pane.tradeoff_plot.marker_at == pytest.approx(
        (expected["false_alarm_rate"], expected["miss_rate"])
    )
    assert "0.60" in pane.threshold_label.text()
    assert threshold_metrics(y, p, 0.1)["recall"] >= threshold_metrics(y, p, 0.6)["recall"]

    # The chosen threshold is saved, and the model (which it does not change) stays current.
    assert project.settings.threshold == pytest.approx(0.6)
    assert not project.is_stale(Section.MODEL)
    assert not pane.stale_banner.isVisibleTo(pane)


def test_a_refused_target_shows_a_plain_failure_and_keeps_no_result(qtbot, data_files, monkeypatch):
    import ui.widgets.error_dialog as error_dialog

    shown = []
    monkeypatch.setattr(error_dialog, "show_failure", lambda parent, failure: shown.append(failure))
    pane = _pane(qtbot, data_files[0], "wafer_size_mm")  # the same value in every row
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    qtbot.waitUntil(lambda: not pane.is_running(), timeout=5_000)
    assert shown[0].expected and "wafer_size_mm" in shown[0].message
    assert "Traceback" not in shown[0].message
    assert pane.project.result(Section.MODEL) is None
    assert pane.run_button.isEnabled()


def test_several_classes_show_per_class_recall(qtbot, data_files):
    pane = _pane(qtbot, data_files[0], "shift")
    _run(qtbot, pane)
    fit = pane.project.result(Section.MODEL).fit
    assert fit.task == "multiclass"
    assert pane.plots.currentWidget() is pane.note_label
    t = pane.metrics_table
    names = [t.item(r, 0).text() for r in range(t.rowCount())]
    for label in fit.classes:
        assert f"Class “{label}” recognised" in names
