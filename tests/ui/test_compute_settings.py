"""Settings ▸ Compute and the Model step on a real LocalCluster (2 worker processes)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("distributed")

from tests.core.dask_data import planted_table
from ui.compute_settings import ComputeSettingsDialog
from ui.controller import ProjectController
from ui.panes.model_pane import ModelPane
from ui.preferences import Preferences, load_preferences, save_preferences
from workbench.analysis import make_goal
from workbench.compute.cluster import open_cluster
from workbench.compute.target import ComputeTarget
from workbench.jobs import JobContext
from workbench.pipeline import load_data
from workbench.project import Project, Section
from workbench.steps.goal import ColumnRole
from workbench.steps.model_settings import ModelSettings
from workbench.tables.table import LoadOptions


@pytest.fixture(scope="module")
def scheduler():
    """A real cluster that the dialog and the Model step connect to by its address."""
    with open_cluster(ComputeTarget(workers=2)) as session:
        yield session


def _dialog(qtbot, choice: str = "") -> ComputeSettingsDialog:
    controller = ProjectController()
    dialog = ComputeSettingsDialog(choice, controller.runner)
    dialog.controller = controller  # the runner lives as long as the dialog (as in the app)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_bad_address_is_said_and_not_kept(qtbot):
    dialog = _dialog(qtbot)
    assert dialog.here.isChecked() and dialog.chosen() == ""
    qtbot.keyClicks(dialog.address, "http://nowhere")
    assert dialog.cluster.isChecked()
    dialog.accept()
    assert dialog.isVisible() and dialog.choice == ""
    assert "not a cluster address" in dialog.status.text()
    dialog.address.setText("local:3")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.choice == "local:3"


def test_check_shows_the_workers_and_the_dashboard_link(qtbot, scheduler):
    dialog = _dialog(qtbot)
    dialog.address.setText(scheduler.client.scheduler.address)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connected" in dialog.status.text(), timeout=60_000)
    assert "2 workers" in dialog.status.text()
    assert f'href="{scheduler.dashboard}"' in dialog.status.text()
    assert dialog.status.openExternalLinks()


def test_check_of_an_unreachable_scheduler_is_plain(qtbot, monkeypatch):
    monkeypatch.setattr("workbench.compute.cluster.CONNECT_TIMEOUT", "2s")
    dialog = _dialog(qtbot)
    dialog.address.setText("tcp://127.0.0.1:9")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=60_000)
    assert "Could not reach the cluster" in dialog.status.text()
    assert "Traceback" not in dialog.status.text()


def test_the_choice_is_kept_in_the_preferences():
    prefs = Preferences(compute="tcp://10.0.0.5:8786")
    save_preferences(prefs)
    assert load_preferences().compute == "tcp://10.0.0.5:8786"


def test_the_model_step_runs_on_the_chosen_cluster(qtbot, scheduler, tmp_path):
    path = tmp_path / "line.csv"
    planted_table(4_000).drop(columns=["grade"]).to_csv(path, index=False)
    project = Project()
    project.set_table(load_data(JobContext(None, threading.Event()), path, LoadOptions()))
    project.set_goal(make_goal(project.table.frame, "yield"))
    project.set_role("firing_temp", ColumnRole.CONTROLLABLE)
    project.set_settings(ModelSettings(effort="quick"))
    controller = ProjectController()
    controller.compute = scheduler.client.scheduler.address
    controller.replace_project(project)
    pane = ModelPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: project.result(Section.MODEL) is not None, timeout=180_000)
    qtbot.waitUntil(lambda: not pane.is_running(), timeout=10_000)
    result = project.result(Section.MODEL)
    assert result.fit.params["engine"] == "lightgbm.dask"
    assert result.fit.score > 0.5
    assert any(n.kind == "cluster" for n in result.table.notes)
    assert result.roles["firing_temp"] == ColumnRole.CONTROLLABLE
    assert pane.verdict_label.text() == result.fit.verdict_message


def test_settings_compute_in_the_window_is_kept_and_used(qtbot):
    from ui.app import build_window

    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.show()
    assert window.action_compute in window.menuBar().actions()[1].menu().actions()
    window.choose_compute()
    dialog = window.compute_dialog
    dialog.address.setText("local:2")
    dialog.cluster.setChecked(True)
    dialog.accept()
    assert window.controller.compute == "local:2"
    assert load_preferences().compute == "local:2"
    window.choose_compute()  # back to this computer
    window.compute_dialog.here.setChecked(True)
    window.compute_dialog.accept()
    assert window.controller.compute == "" and load_preferences().compute == ""


def test_a_file_changed_since_loading_is_refused_in_plain_words(tmp_path):
    from workbench.compute.model_job import run_model_on_cluster
    from workbench.errors import WorkbenchError
    from workbench.pipeline import AnalysisInputs

    path = tmp_path / "line.csv"
    planted_table(300).to_csv(path, index=False)
    project = Project()
    project.set_table(load_data(JobContext(None, threading.Event()), path, LoadOptions()))
    project.set_goal(make_goal(project.table.frame, "yield"))
    path.write_text(path.read_text(encoding="utf-8") + "1,2,3,4,5,S1,주간,0,20,good\n", "utf-8")
    with pytest.raises(WorkbenchError) as err:
        run_model_on_cluster(
            JobContext(None, threading.Event()), AnalysisInputs.from_project(project), "local:1"
        )
    assert "changed since it was loaded" in err.value.message
