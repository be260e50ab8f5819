"""The Goal pane on the demo data: target, focus with a live count, success, task, roles."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ui.controller import ProjectController
from ui.panes.goal_pane import GoalPane, parse_success
from ui.panes.goal_text import BY_SUGGESTION, BY_USER
from workbench.jobs import JobContext
from workbench.pipeline import load_data
from workbench.project import Project
from workbench.steps.goal import Direction, Task, parse_focus, select_focus
from workbench.tables.table import LoadOptions
from workbench.vocabulary import ColumnRole

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"


@pytest.fixture(scope="module")
def demo_table():
    return load_data(JobContext(None, threading.Event()), DEMO, LoadOptions())


@pytest.fixture
def pane(qtbot, demo_table):
    controller = ProjectController()
    project = Project()
    project.set_table(demo_table)
    controller.replace_project(project)
    pane = GoalPane(controller)
    qtbot.addWidget(pane)
    pane.resize(1100, 750)
    pane.show()
    yield pane
    controller.runner.shutdown()


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _prepared(pane: GoalPane) -> bool:
    return pane.is_prepared() and not pane.controller.runner.is_running("goal")


def _row(pane: GoalPane, column: str) -> int:
    table = pane.roles_table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == column)


def test_without_data_the_pane_points_to_the_data_step(qtbot):
    controller = ProjectController()
    pane = GoalPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.pages.currentWidget() is pane.empty
    assert pane.is_available() and not pane.is_complete()
    with qtbot.waitSignal(pane.data_requested, timeout=1000):
        qtbot.mouseClick(pane.data_button, Qt.MouseButton.LeftButton)


def test_target_and_focus_update_the_live_count_and_the_goal(qtbot, pane, demo_table):
    project = pane.project
    assert pane.pages.currentWidget() is pane.form
    assert project.goal is None
    _choose(pane.target_combo, "efficiency")
    goal = project.goal
    assert goal.target == "efficiency" and goal.direction == Direction.MAXIMIZE
    assert str(goal.focus) == "top:5%"
    target = demo_table.frame["efficiency"]
    n = len(select_focus(target, parse_focus("top:5%")))
    assert f"{n:,} of 10,100 rows" in pane.focus_count.text()
    assert int(pane.plot.focus_counts.sum()) == n  # the histogram highlights the same rows

    pane.focus_share.setValue(20.0)  # keyboard tracking is off: one write per committed value
    assert str(project.goal.focus) == "top:20%"
    n20 = len(select_focus(target, parse_focus("top:20%")))
    assert n20 > n and f"{n20:,} of 10,100 rows" in pane.focus_count.text()

    _choose(pane.direction_combo, pane.direction_combo.itemText(1))  # make it lower
    assert project.goal.direction == Direction.MINIMIZE
    assert str(project.goal.focus) == "bottom:20%"  # the share the user chose is kept
    low = len(select_focus(target, project.goal.focus))
    assert f"{low:,} of 10,100 rows" in pane.focus_count.text()
    assert pane.is_complete()
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)


def test_a_class_target_counts_the_chosen_class(qtbot, pane, demo_table):
    _choose(pane.target_combo, "shift")
    goal = pane.project.goal
    assert goal.direction == Direction.CLASS and goal.focus.kind == "class"
    assert pane.focus_class.isVisibleTo(pane) and not pane.focus_share.isVisibleTo(pane)
    shifts = demo_table.frame["shift"].astype(str)
    other = next(c for c in sorted(shifts.unique()) if c != goal.positive_class)
    _choose(pane.focus_class, other)
    assert str(pane.project.goal.focus) == f"class:{other}"
    assert pane.project.goal.positive_class == other
    assert f"{int((shifts == other).sum()):,} of 10,100 rows" in pane.focus_count.text()
    assert pane.task_combo.itemText(0).startswith("Automatic")
    _choose(pane.task_combo, pane.task_combo.itemText(3))  # several classes
    assert pane.project.goal.task == Task.MULTICLASS
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)


def test_success_criterion_is_parsed_or_refused_in_words(qtbot, pane):
    _choose(pane.target_combo, "efficiency")
    pane.success_edit.setText("+0.3")
    pane.success_edit.editingFinished.emit()
    assert pane.project.goal.success == pytest.approx(0.3)
    assert pane.success_edit.text() == "+0.3"
    pane.success_edit.setText("a lot")
    pane.success_edit.editingFinished.emit()
    assert "not a number" in pane.success_note.text()
    assert pane.project.goal.success == pytest.approx(0.3)
    assert parse_success("0,5%p") == 0.5 and parse_success("") is None
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)


def test_roles_show_suggestions_with_reasons_and_store_the_users_choice(qtbot, pane):
    _choose(pane.target_combo, "efficiency")
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)
    table = pane.roles_table
    assert table.rowCount() == len(pane.project.frame.columns) - 1  # every column but the target
    why = {table.item(r, 0).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    assert why["run_id"] == "an ID column"
    assert why["timestamp"] == "the time column"
    assert why["wafer_size_mm"] == "same value in every row"
    assert why["final_test_efficiency"] == "almost a copy of the target"  # from the quality check
    assert "copy of the target" in table.item(_row(pane, "final_test_efficiency"), 3).toolTip()

    row = _row(pane, "firing_temp")
    combo = table.cellWidget(row, 2)
    assert combo.currentData() == "feature" and table.item(row, 4).text() == BY_SUGGESTION
    _choose(combo, "Controllable setting")
    assert pane.project.roles == {"firing_temp": ColumnRole.CONTROLLABLE}
    row = _row(pane, "firing_temp")
    assert table.item(row, 4).text() == BY_USER
    assert table.cellWidget(row, 2).currentData() == "controllable"

    # Putting a flagged column back in is allowed, with a warning in the reason column.
    _choose(table.cellWidget(_row(pane, "final_test_efficiency"), 2), "Feature (in the model)")
    assert "kept in by you" in table.item(_row(pane, "final_test_efficiency"), 3).text()

    # Back to the suggestion clears the user's choice.
    combo = table.cellWidget(_row(pane, "firing_temp"), 2)
    _choose(combo, combo.itemText(combo.count() - 1))
    assert "firing_temp" not in pane.project.roles
    assert table.item(_row(pane, "firing_temp"), 4).text() == BY_SUGGESTION


def test_a_new_target_drops_its_own_role(qtbot, pane):
    _choose(pane.target_combo, "efficiency")
    combo = pane.roles_table.cellWidget(_row(pane, "humidity"), 2)
    _choose(combo, "Uncontrollable condition")
    assert pane.project.roles["humidity"] == ColumnRole.UNCONTROLLABLE
    _choose(pane.target_combo, "humidity")
    assert pane.project.goal.target == "humidity"
    assert "humidity" not in pane.project.roles
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)


def test_the_count_uses_the_cleaned_table(qtbot, pane, demo_table):
    from workbench.steps.recipe import Recipe

    pane.project.set_recipe(
        Recipe([{"op": "filter_rows", "column": "line", "operator": "==", "value": "L1"}])
    )
    _choose(pane.target_combo, "efficiency")
    qtbot.waitUntil(lambda: _prepared(pane), timeout=10_000)
    frame = demo_table.frame
    kept = frame.loc[frame["line"] == "L1", "efficiency"]
    n = len(select_focus(kept, parse_focus("top:5%")))
    assert f"{n:,} of {len(kept):,} rows" in pane.focus_count.text()
    assert int(pane.plot.focus_counts.sum() + pane.plot.rest_counts.sum()) == kept.notna().sum()


def test_the_quality_steps_report_feeds_the_suggestions_without_a_job(qtbot, demo_table):
    from workbench.analysis import make_goal
    from workbench.pipeline import assess_cleaned, clean_table
    from workbench.project import Section

    project = Project()
    project.set_table(demo_table)
    project.set_goal(make_goal(demo_table.frame, "efficiency"))
    ctx = JobContext(None, threading.Event())
    report = assess_cleaned(ctx, clean_table(ctx, demo_table, None), "efficiency", None)
    project.set_result(Section.QUALITY, report)
    controller = ProjectController()
    controller.replace_project(project)
    pane = GoalPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert not controller.runner.is_running("goal")  # nothing to replay, nothing to check
    assert pane.is_prepared()
    row = _row(pane, "final_test_efficiency")
    assert pane.roles_table.item(row, 3).text() == "almost a copy of the target"


def test_no_empty_chart_until_a_target_is_chosen(qtbot, pane):
    # Data but no target: a sentence where the chart goes, no axes and legend for nothing.
    assert pane.plot_pages.currentWidget() is pane.plot_placeholder
    assert pane.plot_placeholder.isVisible() and not pane.plot.isVisible()
    _choose(pane.target_combo, "efficiency")
    qtbot.waitUntil(lambda: pane.plot.isVisible())
    assert pane.plot.rest_counts.sum() + pane.plot.focus_counts.sum() > 0


def test_the_project_name_is_edited_on_the_goal_step(qtbot, pane):
    project = pane.project
    project.mark_saved()
    pane.name_edit.setText("  Line 3 firing  ")
    pane.name_edit.editingFinished.emit()
    assert project.name == "Line 3 firing" and project.dirty
