"""The application window: the loop's MainWindow plus menus, files, start page and autosave.

Everything that touches a file runs as a job (open, save, autosave, report) with progress in
the status bar; a file that cannot be opened leaves the current project as it was. The window
keeps only which file the project was saved to (``path``) and whether a project is open (the
start page otherwise); everything else lives in the Project.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStackedWidget

from ui.about_dialog import AboutDialog
from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.main_window import MainWindow
from ui.panes.base import Pane
from ui.preferences import Preferences, save_preferences
from ui.start_page import StartPage
from ui.widgets.error_dialog import show_failure
from workbench import __version__
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.project import Project, Section

PROJECT_SUFFIX = ".wbproj"
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
FILE_JOB = "project"  # open and save share one owner: a new one cancels the old
AUTOSAVE_JOB = "autosave"
REPORT_JOB = "report"
WARM_UP_JOB = "warm-up"


def resource_path(*parts: str) -> Path:
    """A bundled resource, from the source tree or a PyInstaller folder."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
    return base.joinpath("resources", *parts)


DEMO_PROJECT = resource_path("demo", "demo.wbproj")


# -- job functions (run on a pool thread; ctx first, as JobRunner calls them) -------------
def open_job(ctx: JobContext, path: Path) -> Project:
    from workbench.io.project_file import open_project

    return open_project(path, ctx)


def save_job(ctx: JobContext, project: Project, path: Path) -> Path:
    from workbench.io.project_file import save_project

    return save_project(project, path, ctx)


def autosave_job(ctx: JobContext, project: Project, original: str | None) -> Path | None:
    from workbench.autosave import autosave

    return autosave(project, original, ctx)


def report_job(ctx: JobContext, project: Project, path: Path) -> Path:
    from workbench.report.report_xlsx import write_report

    return write_report(project, path, ctx)


def warm_up_job(ctx: JobContext) -> None:
    """Import the model libraries and load the compiled SHAP kernel ahead of the first run.

    Both hold the GIL for a few hundred milliseconds (imports, numba's cache load); done while
    the start page is shown, that pause is invisible, whereas in the middle of a model run it
    would freeze the progress bar.
    """
    import lightgbm  # noqa: F401

    ctx.progress(0.5, "")
    from workbench.steps import shap_native

    shap_native.warm_up()
    import workbench.analysis  # noqa: F401


def _total_revision(project: Project) -> int:
    return sum(project.revision(s) for s in Section)


class WorkbenchWindow(MainWindow):
    """The main window with the File and Help menus, drag and drop, autosave and recovery."""

    def __init__(
        self, controller: ProjectController, panes: list[Pane], prefs: Preferences
    ) -> None:
        super().__init__(controller, panes)
        self.prefs = prefs
        self.path: Path | None = None  # where the open project was last saved by the user
        self._close_confirmed = False
        self.setAcceptDrops(True)

        # The loop (step list + panes) and the start page share the central area.
        self.loop = self.takeCentralWidget()
        self.start_page = StartPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.loop)
        self.setCentralWidget(self.pages)
        self.start_page.open_demo_requested.connect(self.open_demo)
        self.start_page.new_from_data_requested.connect(lambda: self.new_from_data())
        self.start_page.open_project_requested.connect(lambda: self.open_project_file())
        self.start_page.open_recent_requested.connect(self.open_path)

        self._build_menus()
        controller.project_replaced.connect(lambda _p: self._update_title())
        controller.section_changed.connect(lambda _s: self._update_title())
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(max(1, prefs.autosave_seconds) * 1000)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        if prefs.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(prefs.window_geometry.encode("ascii")))
        self.show_start_page()

    def start_warm_up(self) -> None:
        """Load the heavy libraries in the background (the app calls this at start-up)."""
        self.controller.runner.start(WARM_UP_JOB, warm_up_job)

    # -- menus ----------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        self.action_new = self._action(_("&New project"), self.new_project, keys.New)
        self.action_open = self._action(
            _("&Open project…"), lambda: self.open_project_file(), keys.Open
        )
        self.action_new_from_data = self._action(
            _("New project from a &data file…"), lambda: self.new_from_data()
        )
        self.action_save = self._action(_("&Save"), self.save, keys.Save)
        self.action_save_as = self._action(_("Save &as…"), lambda: self.save_as(), keys.SaveAs)
        self.action_export = self._action(
            _("&Export report…"), lambda: self.export_report(), "Ctrl+E"
        )
        self.action_quit = self._action(_("&Quit"), self.close, keys.Quit)
        self.action_demo = self._action(_("Open &demo project"), self.open_demo)
        self.action_about = self._action(_("&About Workbench"), self.show_about)

        file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addActions([self.action_new, self.action_new_from_data, self.action_open])
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.action_save, self.action_save_as, self.action_export])
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addActions([self.action_demo, self.action_about])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.prefs.existing_recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not recent:
            empty = self.recent_menu.addAction(_("No recent files"))
            empty.setEnabled(False)
        self.start_page.set_recent(recent)

    def _remember(self, path: Path) -> None:
        self.prefs.add_recent(path)
        save_preferences(self.prefs)
        self._fill_recent_menu()

    # -- pages and title ------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.controller.project

    @property
    def has_project(self) -> bool:
        return self.pages.currentWidget() is self.loop

    def show_start_page(self) -> None:
        self._fill_recent_menu()
        self.pages.setCurrentWidget(self.start_page)
        for action in (self.action_save, self.action_save_as, self.action_export):
            action.setEnabled(False)
        self._update_title()

    def show_loop(self, pane_class: str = "GoalPane") -> None:
        self.pages.setCurrentWidget(self.loop)
        for action in (self.action_save, self.action_save_as, self.action_export):
            action.setEnabled(True)
        index = next((i for i, p in enumerate(self.panes) if type(p).__name__ == pane_class), 0)
        self.steps.setCurrentRow(index)
        self._update_title()

    def _update_title(self) -> None:
        if not self.has_project:
            self.setWindowTitle(_("Workbench {version}").format(version=__version__))
            self.setWindowModified(False)
            return
        name = self.project.name or (self.path.stem if self.path else _("Untitled project"))
        self.setWindowTitle(
            _("{name}[*] — Workbench {version}").format(name=name, version=__version__)
        )
        self.setWindowModified(self.project.dirty)

    def has_unsaved_changes(self) -> bool:
        # An autosave runs only while there are changes (and briefly marks the project saved).
        return self.has_project and (
            self.project.dirty or self.controller.runner.is_running(AUTOSAVE_JOB)
        )

    # -- unsaved changes ------------------------------------------------------------------
    def confirm_discard(self, proceed: Callable[[], None]) -> None:
        """Run ``proceed`` once unsaved changes are saved or the user let them go."""
        if not self.has_unsaved_changes():
            proceed()
            return
        buttons = QMessageBox.StandardButton
        question = (
            _("The project {name} has changes that are not saved. Save them first?").format(
                name=self.project.name
            )
            if self.project.name
            else _("This project has changes that are not saved. Save them first?")
        )
        answer = QMessageBox.question(
            self,
            _("Unsaved changes"),
            question,
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            self.save(then=proceed)
        elif answer == buttons.Discard:
            from workbench.autosave import discard_recovery

            self.controller.runner.cancel(AUTOSAVE_JOB)
            discard_recovery()
            proceed()

    # -- new and open ---------------------------------------------------------------------
    def new_project(self) -> None:
        """An empty project, on the Data step."""
        self.confirm_discard(self._start_new)

    def _start_new(self) -> None:
        self.controller.replace_project(Project())
        self.path = None
        self.show_loop("DataPane")

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
        pane = next((p for p in self.panes if type(p).__name__ == "DataPane"), None)
        if pane is not None and hasattr(pane, "load_file"):
            pane.load_file(path)
        else:  # no Data pane in this build: load with the default options
            from workbench.io.table import LoadOptions
            from workbench.workflow import load_data

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
            self.show_loop("GoalPane")
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
            start = str(self.path or Path.home() / f"{self.project.name or 'project'}.wbproj")
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save project as"), start, _("Workbench projects (*.wbproj)")
            )
            if not chosen:
                return
            path = chosen
        target = Path(path)
        if target.suffix.lower() != PROJECT_SUFFIX:
            target = target.with_name(target.name + PROJECT_SUFFIX)
        self._save_to(target, then)

    def _save_to(self, path: Path, then: Callable[[], None] | None) -> None:
        project = self.project
        revision = _total_revision(project)
        self.controller.runner.cancel(AUTOSAVE_JOB)

        def on_success(_written: Path) -> None:
            from workbench.autosave import discard_recovery

            if _total_revision(project) != revision:
                project.dirty = True  # edited while saving: those edits are not in the file
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
        runner.start(
            AUTOSAVE_JOB,
            autosave_job,
            self.project,
            None if self.path is None else str(self.path),
            # An autosave that fails must not interrupt the user with a box every minute.
            on_failure=lambda f: self.controller.status_message.emit(
                _("Autosave failed: {message}").format(message=f.message)
            ),
        )

    def offer_recovery(self) -> bool:
        """After a crash: offer the autosaved work; True when a restore was started."""
        from workbench.autosave import discard_recovery, find_recovery

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
            base = self.path.with_suffix(".xlsx") if self.path else Path.home() / "report.xlsx"
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

    def show_about(self) -> None:
        AboutDialog(self).exec()

    def _on_job_failed(self, failure: JobFailure) -> None:
        self.progress.hide()
        show_failure(self, failure)

    # -- drag and drop --------------------------------------------------------------------
    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        for url in urls:
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() in (PROJECT_SUFFIX, *DATA_SUFFIXES):
                    return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Opened after the drop finishes: a modal question inside a drop handler upsets some
        # platforms' drag-and-drop loops.
        QTimer.singleShot(0, lambda: self.open_path(path))

    # -- close ----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._close_confirmed and self.has_unsaved_changes():
            answered_now: list[bool] = []

            def proceed() -> None:
                # Discard answers at once (close this event); Save closes when the save ends.
                if closing:
                    answered_now.append(True)
                else:
                    self._close_now()

            closing = True
            self.confirm_discard(proceed)
            closing = False
            if not answered_now:
                event.ignore()
                return
        from workbench.autosave import discard_recovery

        self.autosave_timer.stop()
        self.prefs.window_geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        save_preferences(self.prefs)
        super().closeEvent(event)  # cancels and waits for running jobs
        discard_recovery()  # closed on purpose: saved or let go, nothing to restore

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.close()
