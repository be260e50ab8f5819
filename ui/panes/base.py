"""What every pane shares: access to the project and jobs, and a completeness signal."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.controller import ProjectController
from workbench.project import Project


class Pane(QWidget):
    """One step of the loop. Holds no state of its own beyond widgets: it reads the Project.

    Subclasses set :attr:`title`, implement :meth:`refresh` (rebuild widgets from the project),
    and override :meth:`is_available` / :meth:`is_complete` / :meth:`needs_attention`.
    """

    title = ""
    completeness_changed = Signal()
    # A running job's progress (fraction, message) for the window's status bar; the main window
    # connects it, so a pane never asks its window what it can do.
    job_progress = Signal(float, str)

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.project_replaced.connect(lambda _p: self._on_project_changed())
        controller.section_changed.connect(lambda _s: self._on_project_changed())

    @property
    def project(self) -> Project:
        return self.controller.project

    def is_available(self) -> bool:
        """True when the pane's inputs exist (its step can be opened)."""
        return True

    def is_complete(self) -> bool:
        """True when the step is done and the next may start."""
        return False

    def needs_attention(self) -> bool:
        """True when the step has something the user should look at (stale result, error)."""
        return False

    def refresh(self) -> None:
        """Rebuild the widgets from the project."""

    def _on_project_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        self.completeness_changed.emit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.refresh()
        super().showEvent(event)
