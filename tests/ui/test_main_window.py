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
