"""The main window: step list on the left, the current pane in the middle, a status bar.

Panes never look each other up: a pane that needs another step (the Goal step's "load data"
link, the Causes step's "create action") emits a signal, and the window — which holds every
pane by its type (:meth:`MainWindow.pane`) — connects it to the pane that answers.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.panes.actions_pane import ActionsPane
from ui.panes.base import Pane
from ui.panes.causes_pane import CausesPane
from ui.panes.data_pane import DataPane
from ui.panes.goal_pane import GoalPane
from workbench import __version__
from workbench.feedback.actions import Action
from workbench.i18n import _

DONE_MARK = "✓"
ATTENTION_MARK = "!"

P = TypeVar("P", bound=Pane)


class MainWindow(QMainWindow):
    """Hosts the panes of the loop; menus and file handling are added by :mod:`ui.app`."""

    closing = Signal()

    def __init__(self, controller: ProjectController, panes: list[Pane]) -> None:
        super().__init__()
        self.controller = controller
        self.panes = panes
        self.setWindowTitle(_("Workbench {version}").format(version=__version__))
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setFixedWidth(200)
        self.stack = QStackedWidget()
        for pane in panes:
            self.steps.addItem(QListWidgetItem(pane.title))
            self.stack.addWidget(pane)
            pane.completeness_changed.connect(self._update_steps)
            pane.job_progress.connect(self.show_progress)
        self.steps.currentRowChanged.connect(self._on_steps_current_row_changed)

        self.back = QPushButton(_("◀ Back"))
        self.next = QPushButton(_("Next ▶"))
        self.back.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next.clicked.connect(lambda: self.go(self.stack.currentIndex() + 1))
        nav = QHBoxLayout()
        nav.addStretch(1)
        nav.addWidget(self.back)
        nav.addWidget(self.next)

        centre = QVBoxLayout()
        centre.addWidget(self.stack, 1)
        centre.addLayout(nav)
        body = QHBoxLayout()
        body.addWidget(self.steps)
        body.addLayout(centre, 1)
        root = QWidget()
        root.setLayout(body)
        self.setCentralWidget(root)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        controller.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        controller.runner.busy_changed.connect(self._on_runner_busy_changed)
        self.resize(1280, 800)
        if panes:
            self.steps.setCurrentRow(0)
        self._update_steps()
        self._connect_panes()

    def _connect_panes(self) -> None:
        """Answer the panes' requests for other steps (a pane missing from this window: the
        asking pane falls back to what it can do alone, e.g. a preview)."""
        goal, data = self.pane(GoalPane), self.pane(DataPane)
        if goal is not None and data is not None:
            goal.data_requested.connect(lambda: self.show_pane(data))
        causes, actions = self.pane(CausesPane), self.pane(ActionsPane)
        if causes is not None and actions is not None:
            causes.action_proposed.connect(
                lambda action: self._on_causes_action_proposed(causes, actions, action)
            )

    def go(self, index: int) -> None:
        """Show pane ``index`` if it exists and its inputs are there."""
        if 0 <= index < len(self.panes) and self.panes[index].is_available():
            self.steps.setCurrentRow(index)

    def pane(self, kind: type[P]) -> P | None:
        """This window's pane of type ``kind`` (None: the window has no such step)."""
        return next((p for p in self.panes if isinstance(p, kind)), None)

    def show_pane(self, pane: Pane) -> None:
        """Show ``pane`` (one of this window's) if its inputs are there."""
        self.go(self.panes.index(pane))

    def _on_causes_action_proposed(
        self, causes: CausesPane, actions: ActionsPane, action: Action
    ) -> None:
        """Open the Actions step with the proposal in its dialog; OK adds it to the log."""
        self.show_pane(actions)
        dialog = actions.propose(action)
        # After the pane added it (connected first): the action as the user accepted it.
        dialog.accepted.connect(lambda: causes.action_created.emit(actions.project_actions()[-1]))

    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.show()
        self.progress.setValue(int(fraction * 100))
        if message:
            self._progress_message = message
            self.statusBar().showMessage(message)

    def _on_runner_busy_changed(self, busy: bool) -> None:
        if not busy:
            self.progress.hide()
            # A step's last progress line ("Remove repeated rows…") is stale once all work
            # is done; a message meant to stay (e.g. "Opened …") is left alone.
            if self.statusBar().currentMessage() == getattr(self, "_progress_message", None):
                self.statusBar().clearMessage()

    def _on_steps_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if not self.panes[row].is_available():
            # Keep the user where they are; the step list shows why the step is greyed out.
            self.steps.setCurrentRow(self.stack.currentIndex())
            return
        self.stack.setCurrentIndex(row)
        self._update_nav()

    def _update_nav(self) -> None:
        i = self.stack.currentIndex()
        self.back.setEnabled(i > 0)
        self.next.setEnabled(i + 1 < len(self.panes) and self.panes[i + 1].is_available())

    def _update_steps(self) -> None:
        for i, pane in enumerate(self.panes):
            item = self.steps.item(i)
            mark = ""
            if pane.needs_attention():
                mark = ATTENTION_MARK
            elif pane.is_complete():
                mark = DONE_MARK
            item.setText(f"{i + 1}. {pane.title}  {mark}".rstrip())
            available = pane.is_available()
            flags = item.flags()
            item.setFlags(
                flags | Qt.ItemFlag.ItemIsEnabled
                if available
                else flags & ~Qt.ItemFlag.ItemIsEnabled
            )
        self._update_nav()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.closing.emit()
        self.controller.runner.shutdown()
        super().closeEvent(event)
