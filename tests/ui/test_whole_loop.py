"""The whole loop through the GUI on the demo data, then save, close, reopen (issue 5)."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.app import build_window
from ui.app_window import resource_path
from ui.panes.quality_pane import AlertCard
from ui.preferences import Preferences
from workbench.feedback.actions import Action
from workbench.project import Section
from workbench.vocabulary import ColumnRole

CONTROLLABLE = ("firing_temp", "belt_speed", "paste_thickness", "n2_flow", "supplier")
UNCONTROLLABLE = ("humidity", "ambient_temp", "line", "shift", "작업자", "paste_lot")


def _window(qtbot):
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.resize(1280, 800)
    window.show()
    return window


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _role_combo(goal_pane, column: str):
    table = goal_pane.roles_table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == column)
    return table.cellWidget(row, 2)


def _cards(quality_pane) -> list[AlertCard]:
    layout = quality_pane.alerts_layout
    items = (layout.itemAt(i).widget() for i in range(layout.count()))
    return [w for w in items if isinstance(w, AlertCard)]


def _action(entry) -> Action:
    return Action.from_dict(entry) if isinstance(entry, dict) else entry


def _checked(window) -> bool:
    project = window.project
    return (
        project.result(Section.QUALITY) is not None
        and not project.is_stale(Section.QUALITY)
        and not window.controller.runner.is_running("quality")
    )


def test_the_whole_loop_through_the_gui_survives_save_close_and_reopen(
    qtbot, tmp_path, monkeypatch
):
    data = tmp_path / "solar_cells.csv"
    shutil.copy(resource_path("demo", "solar_cells.csv"), data)
    window = _window(qtbot)
    runner = window.controller.runner

    # Load: a new project from the data file, from the start page.
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(data), ""))
    )
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=30_000)
    assert window.project.table.n_rows == 10_100

    # Goal and roles.
    window.go(0)
    goal_pane = window.panes[0]
    _choose(goal_pane.target_combo, "efficiency")
    qtbot.waitUntil(
        lambda: goal_pane.is_prepared() and not runner.is_running("goal"), timeout=30_000
    )
    for column in CONTROLLABLE:
        _choose(_role_combo(goal_pane, column), "Controllable setting")
    for column in UNCONTROLLABLE:
        _choose(_role_combo(goal_pane, column), "Uncontrollable condition")
    _choose(_role_combo(goal_pane, "final_test_efficiency"), "Excluded")
    assert window.project.roles["final_test_efficiency"] == ColumnRole.EXCLUDED
    assert window.project.goal.target == "efficiency"

    # Quality: accept the fix for the repeated rows.
    window.go(2)
    quality_pane = window.panes[2]
    qtbot.waitUntil(lambda: _checked(window), timeout=30_000)
    card = next(c for c in _cards(quality_pane) if c.alert.kind == "duplicate_rows")
    qtbot.mouseClick(card.fix_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _checked(window), timeout=30_000)
    assert window.project.recipe.steps == [{"op": "drop_duplicate_rows"}]
    assert window.project.result(Section.QUALITY).n_rows == 10_000

    # Model: fit, explain, cause groups.
    window.go(3)
    model_pane = window.panes[3]
    qtbot.mouseClick(model_pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.project.result(Section.MODEL) is not None and not model_pane.is_running(),
        timeout=120_000,
    )
    assert not window.project.is_stale(Section.MODEL)

    # Causes: see the groups, turn one into an action.
    window.go(4)
    causes_pane = window.panes[4]
    qtbot.waitUntil(lambda: causes_pane.groups.count() > 0, timeout=10_000)
    causes_pane.groups.setCurrentRow(0)
    qtbot.mouseClick(causes_pane.create_button, Qt.MouseButton.LeftButton)
    window.panes[5].dialog.accept()  # the pre-filled action dialog: OK as proposed
    assert len(window.project.actions) == 1
    assert window.stack.currentWidget() is window.panes[5]

    # Save, close (nothing left unsaved: no question), reopen.
    project = window.project
    result = project.result(Section.MODEL)
    groups = [g.description for g in result.causes.groups]
    path = tmp_path / "loop.wbproj"
    window.save_as(path)
    qtbot.waitUntil(lambda: window.path == path and not project.dirty, timeout=30_000)

    def no_question(*args, **kwargs):
        raise AssertionError("asked about unsaved changes after saving")

    monkeypatch.setattr(QMessageBox, "question", staticmethod(no_question))
    window.close()
    assert not window.isVisible()

    again = _window(qtbot)
    again.open_project_file(path)
    qtbot.waitUntil(lambda: again.has_project, timeout=30_000)
    reopened = again.project
    assert reopened is not project and not reopened.dirty
    assert reopened.table.n_rows == 10_100
    assert reopened.recipe.steps == project.recipe.steps
    assert reopened.goal.target == "efficiency" and reopened.goal.focus == project.goal.focus
    assert reopened.roles == project.roles
    assert not reopened.is_stale(Section.QUALITY) and not reopened.is_stale(Section.MODEL)
    again_result = reopened.result(Section.MODEL)
    assert [g.description for g in again_result.causes.groups] == groups
    assert again_result.fit.score == result.fit.score
    # Saved actions come back as plain entries; as Actions they are the same, field by field.
    assert [_action(a).to_dict() for a in reopened.actions] == [
        _action(a).to_dict() for a in project.actions
    ]

    # And the panes show it as it was.
    again.go(4)
    qtbot.waitUntil(lambda: again.panes[4].groups.count() == len(groups), timeout=10_000)
    again.go(5)
    assert again.panes[5].table.rowCount() == 1
    assert again.steps.item(3).text().endswith("✓")  # the model step is done, not stale
