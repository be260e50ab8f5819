from __future__ import annotations

from PySide6.QtCore import Qt

from ui.controller import ProjectController
from ui.main_window import DONE_MARK, MainWindow
from ui.panes.base import Pane
from workbench.project import Section


class _First(Pane):
    title = "First"

    def is_complete(self) -> bool:
        return self.project.goal is not None


class _Second(Pane):
    title = "Second"

    def is_available(self) -> bool:
        return self.project.goal is not None


def test_steps_unlock_and_mark_done_as_the_project_fills(qtbot):
    controller = ProjectController()
    window = MainWindow(controller, [_First(controller), _Second(controller)])
    qtbot.addWidget(window)
    window.show()
    second = window.steps.item(1)
    assert not second.flags() & Qt.ItemFlag.ItemIsEnabled
    assert not window.next.isEnabled()
    window.go(1)
    assert window.stack.currentIndex() == 0  # not available yet

    controller.project.set_goal({"target": "efficiency"})
    assert second.flags() & Qt.ItemFlag.ItemIsEnabled
    assert window.steps.item(0).text().endswith(DONE_MARK)
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == 1
    assert controller.project.revision(Section.GOAL) == 1


def test_a_finished_jobs_last_progress_line_leaves_the_status_bar(qtbot):
    controller = ProjectController()
    window = MainWindow(controller, [_First(controller)])
    qtbot.addWidget(window)
    window.show()

    def work(ctx):
        ctx.progress(0.5, "Removing repeated rows")
        return 1

    controller.runner.start("pane", work, on_progress=window.show_progress)
    qtbot.waitUntil(lambda: controller.runner.active_count == 0, timeout=5000)
    assert window.statusBar().currentMessage() == ""
    controller.status_message.emit("Opened demo.wbproj")
    controller.runner.start("pane", lambda ctx: 1)
    qtbot.waitUntil(lambda: controller.runner.active_count == 0, timeout=5000)
    assert window.statusBar().currentMessage() == "Opened demo.wbproj"


class _Renamed(Pane):
    """A pane subclass: found by its type, whatever its class is called."""

    title = "Renamed data step"


def test_panes_are_found_by_type_and_ask_the_window_for_other_steps(qtbot):
    from ui.panes.data_pane import DataPane
    from ui.panes.goal_pane import GoalPane

    class SubclassedData(DataPane):
        pass

    controller = ProjectController()
    goal, data = GoalPane(controller), SubclassedData(controller)
    window = MainWindow(controller, [goal, _Renamed(controller), data])
    qtbot.addWidget(window)
    window.show()
    assert window.pane(GoalPane) is goal
    assert window.pane(DataPane) is data  # a subclass answers for its step
    assert window.pane(_First) is None
    assert window.stack.currentWidget() is goal
    qtbot.mouseClick(goal.data_button, Qt.MouseButton.LeftButton)  # "load data first"
    assert window.stack.currentWidget() is data


def test_a_pane_alone_keeps_its_requests_to_itself(qtbot):
    from ui.panes.goal_pane import GoalPane

    controller = ProjectController()
    goal = GoalPane(controller)
    qtbot.addWidget(goal)
    with qtbot.waitSignal(goal.data_requested):  # no window: nothing answers, nothing breaks
        qtbot.mouseClick(goal.data_button, Qt.MouseButton.LeftButton)


def test_a_panes_job_progress_reaches_the_status_bar(qtbot):
    controller = ProjectController()
    pane = _First(controller)
    window = MainWindow(controller, [pane])
    qtbot.addWidget(window)
    window.show()
    pane.job_progress.emit(0.4, "Fitting fold 2 of 5")
    assert window.progress.isVisible() and window.progress.value() == 40
    assert window.statusBar().currentMessage() == "Fitting fold 2 of 5"
