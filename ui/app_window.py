"""The application window: the loop's MainWindow plus menus, files, start page and autosave.

Everything that touches a file runs as a job (open, save, autosave, report) with progress in
the status bar; a file that cannot be opened leaves the current project as it was. The window
keeps only which file the project was saved to (``path``) and whether a project is open (the
start page otherwise); everything else lives in the Project.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSignalBlocker, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from ui.about_dialog import AboutDialog
from ui.app_apply import ApplyToNewData
from ui.app_files import ProjectFiles
from ui.app_jobs import (  # noqa: F401 - DEMO_PROJECT and resource_path re-exported
    AUTOSAVE_JOB,
    DATA_SUFFIXES,
    DEMO_PROJECT,
    FILE_JOB,
    PROJECT_SUFFIX,
    WARM_UP_JOB,
    freeze_start_up_objects,
    resource_path,
    warm_up_job,
)
from ui.controller import ProjectController
from ui.hints import HintBar
from ui.jobs import JobFailure
from ui.language_menu import LanguageMenu, start_again
from ui.main_window import MainWindow
from ui.panes.base import Pane
from ui.panes.goal_pane import GoalPane
from ui.panes.library_pane import LibraryPane
from ui.preferences import Preferences, save_preferences
from ui.start_page import StartPage
from ui.widgets.error_dialog import show_failure
from workbench import __version__
from workbench.i18n import _
from workbench.project import Project


class WorkbenchWindow(ApplyToNewData, ProjectFiles, MainWindow):
    """The main window with the File and Help menus, drag and drop, autosave and recovery."""

    def __init__(
        self, controller: ProjectController, panes: list[Pane], prefs: Preferences
    ) -> None:
        super().__init__(controller, panes)
        self.prefs = prefs
        controller.set_library_path(prefs.library_folder or None)
        controller.compute = prefs.compute
        self.path = None  # where the open project was last saved by the user
        self._close_confirmed = False
        self._restart_on_close = False  # set by a language change that asked to restart
        self.setAcceptDrops(True)

        # The loop (step list + panes) and the start page share the central area.
        self.hint_bar = HintBar()
        self.hint_bar.dismissed.connect(self._on_hint_bar_dismissed)
        self.loop = QWidget()
        loop_layout = QVBoxLayout(self.loop)
        loop_layout.setContentsMargins(0, 0, 0, 0)
        hint_holder = QVBoxLayout()
        hint_holder.setContentsMargins(9, 6, 9, 0)  # line up with the panes below
        hint_holder.addWidget(self.hint_bar)
        loop_layout.addLayout(hint_holder)
        loop_layout.addWidget(self.takeCentralWidget(), 1)
        self.stack.currentChanged.connect(lambda _i: self._update_hint())
        self.start_page = StartPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.loop)
        self.setCentralWidget(self.pages)
        self.start_page.open_demo_requested.connect(self.open_demo)
        self.start_page.new_from_data_requested.connect(lambda: self.new_from_data())
        self.start_page.open_project_requested.connect(lambda: self.open_project_file())
        self.start_page.open_recent_requested.connect(self.open_path)
        self.start_page.library_requested.connect(self.show_library)

        self._build_menus()
        self.library_pane = self.pane(LibraryPane)
        if self.library_pane is not None:
            self.library_pane.recent_files = self.prefs.existing_recent
            self.library_pane.open_project_requested.connect(self.open_project_file)
        controller.project_replaced.connect(lambda _p: self._update_title())
        controller.section_changed.connect(self._on_controller_section_changed)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(max(1, prefs.autosave_seconds) * 1000)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        if prefs.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(prefs.window_geometry.encode("ascii")))
        else:
            self.fit_to_screen()
        self.show_start_page()

    def fit_to_screen(self) -> None:
        """At first start, no larger than the screen's free area (1280×800 would hang past
        the bottom of a 1280×720 laptop screen, its buttons out of reach)."""
        screen = self.screen()
        if screen is None:
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width = min(self.width(), free.width() - frame.width())
        height = min(self.height(), free.height() - max(frame.height(), 30))
        self.resize(max(width, 640), max(height, 480))
        self.move(free.topLeft())

    def start_warm_up(self) -> None:
        """Load the heavy libraries in the background (the app calls this at start-up)."""
        self.controller.runner.start(WARM_UP_JOB, warm_up_job, on_success=freeze_start_up_objects)

    # -- menus ----------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        # Save As and Quit have no standard key on Windows: the common ones are set instead.
        self.action_new = self._action(_("&New project"), self.new_project, keys.New)
        self.action_open = self._action(
            _("&Open project…"), lambda: self.open_project_file(), keys.Open
        )
        self.action_new_from_data = self._action(
            _("New project from a &data file…"), lambda: self.new_from_data()
        )
        self.action_save = self._action(_("&Save"), self.save, keys.Save)
        self.action_save_as = self._action(_("Save &as…"), lambda: self.save_as(), "Ctrl+Shift+S")
        self.action_save_masked = self._action(
            _("Save a copy with personal data &masked…"), lambda: self.save_masked_copy()
        )
        self.action_export = self._action(
            _("&Export report…"), lambda: self.export_report(), "Ctrl+E"
        )
        self.action_apply = self._action(_("A&pply to new data…"), lambda: self.apply_to_new_data())
        self.action_what_changed = self._action(
            _("What &changed since the last analysis…"), self.show_what_changed
        )
        self.action_quit = self._action(_("&Quit"), self.close, "Ctrl+Q")
        self.action_demo = self._action(_("Open &demo project"), self.open_demo)
        self.action_library = self._action(_("Experiment &library"), self.show_library, "Ctrl+L")
        self.action_about = self._action(_("&About Workbench"), self.show_about)

        self._project_actions = (
            self.action_save,
            self.action_save_as,
            self.action_save_masked,
            self.action_export,
            self.action_apply,
            self.action_what_changed,
        )
        file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addActions([self.action_new, self.action_new_from_data, self.action_open])
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.action_save, self.action_save_as, self.action_save_masked])
        file_menu.addAction(self.action_export)
        file_menu.addSeparator()
        file_menu.addActions([self.action_apply, self.action_what_changed])
        file_menu.addSeparator()
        file_menu.addAction(self.action_library)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        settings_menu = self.menuBar().addMenu(_("S&ettings"))
        self.language_menu = LanguageMenu(self.prefs, self)
        self.language_menu.restart_requested.connect(self.restart_for_language)
        settings_menu.addMenu(self.language_menu)
        self.action_library_folder = self._action(
            _("Experiment &library folder…"), self.choose_library_folder
        )
        settings_menu.addAction(self.action_library_folder)
        self.action_compute = self._action(_("&Compute…"), self.choose_compute)
        settings_menu.addAction(self.action_compute)
        self.action_hints = QAction(_("Show &tips"), self)
        self.action_hints.setCheckable(True)
        self.action_hints.setChecked(self.prefs.show_hints)
        self.action_hints.toggled.connect(self.set_show_hints)
        settings_menu.addAction(self.action_hints)
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addActions([self.action_demo, self.action_about])
        self._fill_recent_menu()

    def show_library(self) -> None:
        """The Library view; with no project open, an empty one is started to hold it."""
        if not self.has_project:
            self.controller.replace_project(Project())
            self.path = None
        self.show_loop(LibraryPane)

    def choose_library_folder(self) -> None:
        """Settings: the personal library or a shared team folder (checked before kept)."""
        from ui.library_settings import LibrarySettingsDialog

        dialog = LibrarySettingsDialog(self.prefs.library_folder, self.controller.runner, self)
        self.library_dialog = dialog  # tests drive it
        dialog.accepted.connect(lambda: self._set_library_folder(dialog.folder))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def choose_compute(self) -> None:
        """Settings: fit models on this computer or on a Dask cluster (ui/compute_settings)."""
        from ui.compute_settings import ComputeSettingsDialog

        dialog = ComputeSettingsDialog(self.prefs.compute, self.controller.runner, self)
        self.compute_dialog = dialog  # tests drive it
        dialog.accepted.connect(lambda: self._set_compute(dialog.choice))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _set_compute(self, choice: str) -> None:
        self.prefs.compute = choice
        save_preferences(self.prefs)
        self.controller.compute = choice

    def _set_library_folder(self, folder: str) -> None:
        self.prefs.library_folder = folder
        save_preferences(self.prefs)
        self.controller.set_library_path(folder or None)

    def restart_for_language(self) -> None:
        """Start again in the newly chosen language, reopening the saved project file."""
        self._restart_on_close = True
        closed = self.close()
        if not closed and not self.controller.runner.is_running(FILE_JOB):
            self._restart_on_close = False  # the user chose Cancel in the unsaved prompt
        # Save in that prompt closes the window when the save ends; closeEvent restarts then.

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
    def path(self) -> Path | None:
        """Where the open project was last saved by the user (kept by the controller, so the
        library entries of its actions can point back at the file)."""
        return self.controller.project_path

    @path.setter
    def path(self, value: Path | None) -> None:
        self.controller.project_path = value

    @property
    def project(self) -> Project:
        return self.controller.project

    @property
    def has_project(self) -> bool:
        return self.pages.currentWidget() is self.loop

    def show_start_page(self) -> None:
        self._fill_recent_menu()
        self.pages.setCurrentWidget(self.start_page)
        for action in self._project_actions:
            action.setEnabled(False)
        self._update_title()

    def show_loop(self, pane_class: type[Pane] = GoalPane) -> None:
        """The loop's steps, on the pane of ``pane_class`` (the first step if there is none)."""
        self.pages.setCurrentWidget(self.loop)
        for action in self._project_actions:
            action.setEnabled(True)
        pane = self.pane(pane_class)
        index = 0 if pane is None else self.panes.index(pane)
        self.steps.setCurrentRow(index)
        self._update_hint()
        self._update_title()

    def _update_hint(self) -> None:
        pane = self.stack.currentWidget()
        # Tips on every project (a first project of one's own needs them more than the demo)
        # until the user hides them; Settings ▸ Show tips brings them back.
        if self.prefs.show_hints and isinstance(pane, Pane):
            self.hint_bar.show_for(pane)
        else:
            self.hint_bar.hide()

    def _on_hint_bar_dismissed(self) -> None:
        self.set_show_hints(False)

    def set_show_hints(self, on: bool) -> None:
        """Show or hide the tips above each step, remembered between sessions."""
        self.prefs.show_hints = on
        save_preferences(self.prefs)
        with QSignalBlocker(self.action_hints):
            self.action_hints.setChecked(on)
        self._update_hint()

    def _on_controller_section_changed(self, section: str) -> None:
        # Data loaded into a project without a name (New, then Open data file on the Data
        # step): named after the file, as a project started from a data file is.
        table = self.project.table
        if section == "data" and not self.project.name and table is not None:
            self.project.name = Path(table.source.path).stem
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
            from workbench.store.autosave import discard_recovery

            self.controller.runner.cancel(AUTOSAVE_JOB)
            discard_recovery()
            proceed()

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
        from workbench.store.autosave import discard_recovery

        self.autosave_timer.stop()
        self.prefs.window_geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        save_preferences(self.prefs)
        super().closeEvent(event)  # cancels and waits for running jobs
        discard_recovery()  # closed on purpose: saved or let go, nothing to restore
        if self._restart_on_close:
            self._restart_on_close = False
            start_again(str(self.path) if self.has_project and self.path is not None else None)

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.close()
