"""The Actions pane says whether a logged action met the goal's success criterion."""

from __future__ import annotations

import dataclasses

import pytest

from ui.controller import ProjectController
from ui.panes.actions_pane import HEADERS, ActionsPane
from workbench.feedback.actions import new_action, update_action
from workbench.feedback.evidence import compare
from workbench.project import Project
from workbench.steps.goal import Direction, Goal

BEFORE = "19.4 19.5 19.6 19.5 19.4 19.6 19.5 19.5"
AFTER = "20.1 20.0 20.2 20.1 20.0 20.2 20.1 20.1"  # up by about 0.6


@pytest.fixture
def controller(qtbot):
    controller = ProjectController()
    project = Project(name="line 3")
    project.goal = Goal("efficiency", Direction.MAXIMIZE, success=0.3)
    evidence = compare(BEFORE, AFTER)
    action = new_action("Thinner paste", goal={"target": "efficiency"})
    project.actions.append(
        update_action(
            action,
            outcome="improved",
            evidence=evidence.to_dict(),
            measured_effect=evidence.difference,
        )
    )
    project.mark_saved()
    controller.replace_project(project)
    yield controller
    controller.runner.shutdown()


def test_the_pane_shows_the_verdict_and_follows_the_criterion(controller, qtbot):
    pane = ActionsPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    column = HEADERS.index("Success criterion")
    assert pane.table.item(0, column).text() == "criterion met"
    assert "Success criterion +0.3" in pane.details.text() and ": met" in pane.details.text()

    # Raising the criterion above the whole interval changes the verdict at once.
    project = controller.project
    project.set_goal(dataclasses.replace(project.goal, success=2.0))
    assert pane.table.item(0, column).text() == "criterion not met"
    assert "not met" in pane.details.text()

    project.set_goal(dataclasses.replace(project.goal, success=None))  # no criterion: no verdict
    assert pane.table.item(0, column).text() == ""
    assert "Success criterion" not in pane.details.text()


def test_typing_a_criterion_on_the_goal_step_keeps_the_model_current(qtbot):
    import threading
    from pathlib import Path

    from ui.panes.goal_pane import GoalPane
    from workbench.analysis import make_goal
    from workbench.jobs import JobContext
    from workbench.pipeline import load_data
    from workbench.project import Section
    from workbench.tables.table import LoadOptions

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
    table = load_data(JobContext(None, threading.Event()), demo, LoadOptions())
    controller = ProjectController()
    project = Project()
    project.set_table(table)
    project.set_goal(make_goal(table.frame, "efficiency"))
    # Only the stamp matters here (tests/core/test_success_check.py uses a real fit).
    project.set_result(Section.MODEL, {"stand_in": "model result"})
    controller.replace_project(project)
    pane = GoalPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    try:
        pane.success_edit.setText("+0.3")
        pane.success_edit.editingFinished.emit()
        assert project.goal.success == pytest.approx(0.3)
        assert not project.is_stale(Section.MODEL)
        pane.success_edit.setText("-0.5%p")
        pane.success_edit.editingFinished.emit()
        assert project.goal.success == pytest.approx(-0.5)
        assert not project.is_stale(Section.MODEL)
        project.set_goal(dataclasses.replace(project.goal, focus="top:10%"))
        assert project.is_stale(Section.MODEL)  # a real goal change still counts
    finally:
        controller.runner.shutdown()
