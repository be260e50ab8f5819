"""Bridges the Qt-free Project to Qt signals, and owns the job runner the panes share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.jobs import JobRunner
from workbench.project import Project, Section

LIBRARY_ENV = "WORKBENCH_LIBRARY"
_STARTING_LIBRARY_ENV = os.environ.get(LIBRARY_ENV)


class ProjectController(QObject):
    """Holds the open project; re-emits its change events as Qt signals on the GUI thread."""

    project_replaced = Signal(object)  # the new Project
    library_changed = Signal()  # another library folder was chosen
    section_changed = Signal(str)  # a Section value
    status_message = Signal(str)
    predicted_changed = Signal()  # a recipe replay found other predicted cells

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = JobRunner(self)
        # Where the experiment library is (None: the personal one in the user's data folder;
        # a team folder from Settings) and where the open project was saved (None: not yet):
        # both are the app's, not the project's, and go with every library entry written.
        self.library_path: str | None = None
        self.project_path: Path | None = None
        self.compute = ""  # where model runs go (Settings ▸ Compute): "" = this computer
        self._project = Project()
        self._predicted: tuple[Any, dict[str, Any]] = (None, {})
        self._unsubscribe = self._project.subscribe(self._on_project_section)

    @property
    def project(self) -> Project:
        return self._project

    def replace_project(self, project: Project) -> None:
        """Make ``project`` the open one (New, Open, demo); cancels running jobs."""
        for owner in ("data", "quality", "model", "causes"):
            self.runner.cancel(owner)
        self._unsubscribe()
        self._project = project
        self._unsubscribe = project.subscribe(self._on_project_section)
        self.project_replaced.emit(project)

    def set_predicted(self, table: Any, predicted: dict[str, Any]) -> None:
        """The cells the recipe's predict steps filled on ``table`` (from the last replay)."""
        self._predicted = (table, dict(predicted))
        self.predicted_changed.emit()

    def predicted_for(self, table: Any) -> dict[str, Any]:
        """Predicted cells of ``table`` (empty when the last replay was of another table)."""
        known, predicted = self._predicted
        return predicted if known is table and table is not None else {}

    def _on_project_section(self, section: Section) -> None:
        self.section_changed.emit(str(section))

    def set_library_path(self, path: str | None) -> None:
        """Use the library at ``path`` (a team folder) from now on; None: the personal one.

        The core's own default (``WORKBENCH_LIBRARY``) follows, so the report's "Tried
        before" lines read the same library the panes do; None restores what the environment
        said when the app started."""
        self.library_path = path or None
        if self.library_path is not None:
            os.environ[LIBRARY_ENV] = self.library_path
        elif _STARTING_LIBRARY_ENV is not None:
            os.environ[LIBRARY_ENV] = _STARTING_LIBRARY_ENV
        else:
            os.environ.pop(LIBRARY_ENV, None)
        self.library_changed.emit()
