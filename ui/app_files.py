"""The File menu's work: new, open, save, autosave and recovery, report — all in jobs.

A mixin of :class:`ui.app_window.WorkbenchWindow` (kept apart to keep each module short). A file
that cannot be opened leaves the current project as it was; a save records where the project
lives, clears the recovery copy, and keeps edits made during the save marked unsaved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.app_jobs import (
    AUTOSAVE_JOB,
    DATA_SUFFIXES,
    DEMO_PROJECT,
    FILE_JOB,
    PROJECT_SUFFIX,
    REPORT_JOB,
    autosave_job,
    open_job,
    report_job,
    save_job,
    save_masked_job,
    total_revision,
)
from ui.jobs import JobFailure
from ui.panes.data_pane import DataPane
from ui.panes.goal_pane import GoalPane
from workbench.i18n import _
from workbench.project import Project

if TYPE_CHECKING:
    from ui.app_window import WorkbenchWindow

    _Base = WorkbenchWindow
else:
    _Base = object


class ProjectFiles(_Base):
    """New, open, save, autosave, recovery and report for the application window."""

    # -- new and open ---------------------------------------------------------------------
    def new_project(self) -> None:
        """An empty project, on the Data step."""
        self.confirm_discard(self._start_new)

    def _start_new(self) -> None:
        self.controller.replace_project(Project())
        self.path = None
        self.show_loop(DataPane)

    def new_from_data(self, path: str | Path | None = None) -> None:
        """A new project reading ``path`` (asked when None) on the Data step."""
        if path is None:
            patterns = " ".join(f"*{s}" for s in DATA_SUFFIXES)
            chosen, _filter = QFileDialog.getOpenFileName(
                self,
                _("New project from a data file"),
                "",
                _("Data files ({patterns})").format(patterns=patterns),
            )
            if not chosen:
                return
            path = chosen
        data_path = Path(path)
        self.confirm_discard(lambda: self._start_from_data(data_path))

    def _start_from_data(self, path: Path) -> None:
        self._start_new()
        # A project is named after its data until the user names it (Goal step): the report
        # title, the window title and the library's entries carry the name.
        self.project.name = path.stem
        pane = self.pane(DataPane)
        if pane is not None:
            pane.load_file(path)
        else:  # no Data pane in this build: load with the default options
            from workbench.pipeline import load_data
            from workbench.tables.table import LoadOptions

            self.controller.runner.start(
                "data",
                load_data,
                path,
                LoadOptions(),
                on_success=self.project.set_table,
                on_failure=self._on_job_failed,
                on_progress=self.show_progress,
            )
        self._remember(path)

    def open_project_file(self, path: str | Path | None = None) -> None:
        """Open a saved project (asked when None); a damaged file keeps the current one."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("Open project"), "", _("Workbench projects (*.wbproj)")
            )
            if not chosen:
                return
            path = chosen
        project_path = Path(path)
        self.confirm_discard(lambda: self._open(project_path, remember=True))

    def open_demo(self) -> None:
        """The bundled demo project; saving it asks for a new place (never over the bundle)."""
        self.confirm_discard(lambda: self._open(DEMO_PROJECT, remember=False))

    def open_path(self, path: str | Path) -> None:
        """Open a project file or start a new project from a data file, by its extension."""
        path = Path(path)
        if path.suffix.lower() == PROJECT_SUFFIX:
            self.open_project_file(path)
        else:
            self.new_from_data(path)

    def _open(
        self, path: Path, *, remember: bool, after: Callable[[Project], None] | None = None
    ) -> None:
        def on_success(project: Project) -> None:
            self.controller.replace_project(project)
            self.path = path if remember else None
            if remember:
                self._remember(path)
            if after is not None:
                after(project)
            self.show_loop(GoalPane)
            check = project.source_check
            self.controller.status_message.emit(
                check.message
                if check is not None and check.changed
                else _("Opened {name}.").format(name=path.name)
            )

        self.controller.runner.start(
            FILE_JOB,
            open_job,
            path,
            on_success=on_success,
            on_failure=self._on_job_failed,
            on_progress=self.show_progress,
        )

    # -- save -----------------------------------------------------------------------------
    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the project's file, or ask where when it has none."""
        if self.path is None:
            self.save_as(then=then)
        else:
            self._save_to(self.path, then)

    def save_as(self, path: str | Path | None = None, then: Callable[[], None] | None = None):
        """Save to ``path`` (asked when None); ``.wbproj`` is added when missing."""
        if path is None:
            start = str(self.path or self.default_folder() / f"{self._file_stem()}.wbproj")
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save project as"), start, _("Workbench projects (*.wbproj)")
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        if target.suffix.lower() != PROJECT_SUFFIX:
            target = target.with_name(target.name + PROJECT_SUFFIX)
        if not self.project.name:  # a project is known by its file's name from now on
            self.project.name = target.stem
        self._save_to(target, then)

    def default_folder(self) -> Path:
        """Where Save and Export start: the project's folder, else the data file's folder (a
        first project is saved next to its data), else the home folder."""
        if self.path is not None:
            return self.path.parent
        table = self.project.table
        if table is not None and table.source.path:
            folder = Path(table.source.path).parent
            if folder.is_absolute() and folder.is_dir():
                return folder
        return Path.home()

    def _file_stem(self) -> str:
        """A file name from the project's name (characters Windows refuses replaced)."""
        import re

        name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", self.project.name).strip(" .")
        return name or "project"

    def save_masked_copy(self, path: str | Path | None = None) -> None:
        """Save a copy with personal data masked (asked where when None); the open project
        keeps its file, its data and its unsaved state."""
        from workbench.steps import pii_wording

        if path is None:
            stem = self.path.stem if self.path else self._file_stem()
            folder = self.default_folder()
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save a copy with personal data masked"),
                str(folder / f"{stem} ({_('masked')}).wbproj"),
                _("Workbench projects (*.wbproj)"),
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        if target.suffix.lower() != PROJECT_SUFFIX:
            target = target.with_name(target.name + PROJECT_SUFFIX)

        def on_success(columns: list[str]) -> None:
            said = pii_wording.saved_masked(columns) if columns else pii_wording.nothing_to_mask()
            self.controller.status_message.emit(said)

        self.controller.runner.start(
            FILE_JOB,
            save_masked_job,
            self.project,
            target,
            on_success=on_success,
            on_failure=self._on_job_failed,
            on_progress=self.show_progress,
        )

    def _save_to(self, path: Path, then: Callable[[], None] | None) -> None:
        project = self.project
        revision = total_revision(project)
        self.controller.runner.cancel(AUTOSAVE_JOB)

        def on_success(_written: Path) -> None:
            from workbench.store.autosave import discard_recovery

            if total_revision(project) != revision:
                project.dirty = True  # edited while saving: those edits are not in the file
            else:
                self._saved_revision = (id(project), revision)
            self.path = path
            self._remember(path)
            discard_recovery()
            self._update_title()
            self.controller.status_message.emit(_("Saved {name}.").format(name=path.name))
            if then is not None:
                then()

        self.controller.runner.start(
            FILE_JOB,
            save_job,
            project,
            path,
            on_success=on_success,
            on_failure=self._on_job_failed,
            on_progress=self.show_progress,
        )

    def autosave_now(self) -> None:
        """Write a recovery copy in the background when there are unsaved changes."""
        runner = self.controller.runner
        if not self.has_project or not self.project.dirty or runner.is_running(FILE_JOB):
            return
        if runner.is_running(AUTOSAVE_JOB):
            return
        project = self.project

        def failed(failure: JobFailure) -> None:
            # An autosave that fails must not interrupt the user with a box every minute.
            self.controller.status_message.emit(
                _("Autosave failed: {message}").format(message=failure.message)
            )
            self._after_autosave(project)

        runner.start(
            AUTOSAVE_JOB,
            autosave_job,
            project,
            None if self.path is None else str(self.path),
            on_success=lambda _path: self._after_autosave(project),
            on_cancel=lambda: self._after_autosave(project),  # a save cancels it, maybe late
            on_failure=failed,
        )

    def _after_autosave(self, project: Project) -> None:
        # An autosave marks the project unsaved when it ends; if the user's own save finished
        # meanwhile (and nothing changed since), the project is saved and needs no recovery.
        if project is not self.project:
            return
        if getattr(self, "_saved_revision", None) == (id(project), total_revision(project)):
            from workbench.store.autosave import discard_recovery

            project.dirty = False
            discard_recovery()
            self._update_title()

    def offer_recovery(self) -> bool:
        """After a crash: offer the autosaved work; True when a restore was started."""
        from workbench.store.autosave import discard_recovery, find_recovery

        recovery = find_recovery()
        if recovery is None:
            return False
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            _("Restore unsaved work?"),
            _(
                "Workbench was closed without saving the project {name}. An automatic copy "
                "from {time} (UTC) was kept. Restore it?"
            ).format(name=recovery.name or _("Untitled project"), time=recovery.saved_at),
            buttons.Yes | buttons.No,
            buttons.Yes,
        )
        if answer != buttons.Yes:
            discard_recovery()
            return False

        def restored(project: Project) -> None:
            project.dirty = True  # not saved by the user yet
            self.path = Path(recovery.original) if recovery.original else None

        self._open(recovery.path, remember=False, after=restored)
        return True

    # -- report and about -----------------------------------------------------------------
    def export_report(self, path: str | Path | None = None) -> None:
        """Write the Excel report of the project (asked where when None)."""
        if path is None:
            base = (
                self.path.with_suffix(".xlsx")
                if self.path
                else self.default_folder() / f"{self._file_stem()}.xlsx"
            )
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export report"), str(base), _("Excel workbooks (*.xlsx)")
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        self.controller.runner.start(
            REPORT_JOB,
            report_job,
            self.project,
            target,
            on_success=lambda p: self.controller.status_message.emit(
                _("Report written to {path}.").format(path=p)
            ),
            on_failure=self._on_job_failed,
            on_progress=self.show_progress,
        )
