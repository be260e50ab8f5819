"""File → Apply to new data…: re-apply the open project to a new file and say what changed.

The re-application (load, replay the recipe, drift, scores, model check:
:func:`workbench.rerun.rerun_project`) runs as one job with progress and Cancel; the project
is changed only on the GUI thread, when the job succeeded: it keeps the findings
(:meth:`Project.set_rerun`), and gains the new rows only when the user asks for it. The scores
are exported from the result held here (they are not kept in the project). Opened without a
file it shows the project's last re-application, as kept in the project file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import rerun_text as t
from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.widgets.failure_banner import FailureBanner
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.project import Section

JOB = "rerun"  # one re-application at a time; a new one cancels the old


# -- jobs (pool thread; ctx first, as JobRunner calls them) --------------------------------
def rerun_job(ctx: JobContext, project: Any, path: Path) -> Any:
    """Load ``path`` with the project's type choices and re-apply the project to it."""
    from workbench.rerun import rerun_project
    from workbench.tables.loader import load_table
    from workbench.tables.table import LoadOptions

    kinds = project.table.options.column_kinds if project.table is not None else {}
    new = load_table(path, LoadOptions(column_kinds=dict(kinds)), ctx.sub(0.0, 0.3))
    return rerun_project(project, new, ctx=ctx.sub(0.3, 1.0))


def scores_job(ctx: JobContext, result: Any, path: Path) -> Path:
    from workbench.rerun import write_scores

    ctx.progress(0.0, _(t.EXPORT))
    return write_scores(result, path)


def append_job(ctx: JobContext, base: Any, new: Any) -> Any:
    from workbench.steps.replay import append_rows

    ctx.progress(0.0, _(t.APPENDING))
    return append_rows(base, new)


class ApplyDialog(QDialog):
    """Runs a re-application (or shows the last one) and offers its scores and rows."""

    applied = Signal(object)  # the RerunRecord kept in the project

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.result: Any = None  # the live RerunResult (None for a record read from the file)
        self.setWindowTitle(_(t.TITLE))
        self.setObjectName("apply_dialog")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.banner = FailureBanner()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        self.text = QTextBrowser()
        self.text.setObjectName("rerun_text")
        self.export_button = QPushButton(_(t.EXPORT))
        self.export_button.clicked.connect(lambda: self.export_scores())
        self.append_button = QPushButton(_(t.APPEND))
        self.append_button.clicked.connect(self.append_rows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.append_button)
        actions.addStretch(1)
        actions.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addLayout(running)
        layout.addWidget(self.text, 1)
        layout.addLayout(actions)
        self.resize(960, 620)
        self._set_running(False)
        self._set_live(False)

    @property
    def project(self) -> Any:
        return self.controller.project

    # -- state ------------------------------------------------------------------------------
    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setValue(0)
            self.export_button.setEnabled(False)
            self.append_button.setEnabled(False)

    def _set_live(self, live: bool) -> None:
        """Scores and rows can be offered only while the new table is held here."""
        self.export_button.setEnabled(live)
        appended = self.project.rerun is not None and self.project.rerun.appended is not None
        self.append_button.setEnabled(live and not appended)

    def _show(self, record: Any) -> None:
        changed = record.model_changed(self.project.result(Section.MODEL))
        self.heading.hide()  # the page's own title says it
        self.text.setHtml(t.record_html(record, model_changed=changed))

    def is_running(self) -> bool:
        return self.controller.runner.is_running(JOB)

    # -- a new file -------------------------------------------------------------------------
    def run_file(self, path: str | Path) -> None:
        """Re-apply the open project to ``path`` in the background."""
        from workbench.rerun import saved_analysis

        path = Path(path)
        self.result = None
        self.banner.clear()
        self.text.clear()
        self._set_live(False)
        try:
            saved_analysis(self.project)  # no model: said at once, nothing started
        except WorkbenchError as exc:
            self.banner.show_failure(JobFailure(exc.message, exc.hint, "", expected=True))
            return
        self.heading.setText(_(t.RUNNING).format(file=path.name))
        self.heading.show()
        self._set_running(True)
        self.controller.runner.start(
            JOB,
            rerun_job,
            self.project,
            path,
            on_success=self._on_job_succeeded,
            on_failure=self._on_job_failed,
            on_cancel=self._on_job_cancelled,
            on_progress=self._on_job_progress,
        )

    def _on_job_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        if message:
            self.progress.setFormat(f"{message} %p%")

    def _on_job_succeeded(self, result: Any) -> None:
        from workbench.rerun_record import record_rerun

        self._set_running(False)
        self.result = result
        record = record_rerun(result)
        self.project.set_rerun(record)  # on the GUI thread: kept, saved with the project
        self._show(record)
        self._set_live(True)
        self.applied.emit(record)

    def _on_job_failed(self, failure: JobFailure) -> None:
        self._set_running(False)
        self.heading.setText(_(t.TITLE))
        self.heading.show()
        self.banner.show_failure(failure)
        if self.project.rerun is not None:  # the last findings stay readable
            self._show(self.project.rerun)

    def _on_job_cancelled(self) -> None:
        self._set_running(False)
        self.heading.setText(_(t.TITLE))
        self.heading.show()
        self.banner.show_text(_(t.CANCELLED))

    def cancel(self) -> None:
        """Stop the running job (its late result is dropped; the project is unchanged)."""
        if self.is_running():
            self.controller.runner.cancel(JOB)
            self._on_job_cancelled()

    # -- the project's last re-application --------------------------------------------------
    def show_last(self) -> None:
        """Show what the project keeps of its last re-application (or say there is none)."""
        self.result = None
        self._set_live(False)
        record = self.project.rerun
        if record is None:
            self.heading.setText(_(t.TITLE))
            self.heading.show()
            self.text.setHtml(t.no_record_html())
            return
        self._show(record)
        self.banner.show_text(_(t.ROWS_GONE))

    # -- what the result offers -------------------------------------------------------------
    def export_scores(self, path: str | Path | None = None) -> None:
        """Write the new rows with their predictions (.xlsx or .csv; asked when None)."""
        if self.result is None:
            return
        if path is None:
            source = Path(str(self.result.table.source.path))
            start = source.with_name(_(t.SCORES_NAME).format(stem=source.stem) + ".xlsx")
            chosen, chosen_filter = QFileDialog.getSaveFileName(
                self, _(t.EXPORT), str(start), _(t.EXPORT_FILTER)
            )
            if not chosen:
                return
            path = chosen
            if Path(chosen).suffix.lower() not in (".csv", ".xlsx"):
                path = chosen + (".csv" if "csv" in chosen_filter.lower() else ".xlsx")
        target = Path(path)
        self.controller.runner.start(
            "rerun-scores",
            scores_job,
            self.result,
            target,
            on_success=lambda p: self.banner.show_text(_(t.EXPORTED).format(path=p)),
            on_failure=self.banner.show_failure,
            on_progress=self._on_job_progress,
        )

    def append_rows(self) -> None:
        """Add the new rows to the project's data (rows already there are skipped); the
        saved model then shows as out of date until it is run again."""
        if self.result is None or self.project.table is None:
            return
        result, project = self.result, self.project
        self.append_button.setEnabled(False)

        def appended(outcome: Any) -> None:
            if project is not self.project:  # another project was opened meanwhile
                return
            project.set_table(outcome.table)
            record = project.rerun.with_appended(
                outcome.added, outcome.duplicates, outcome.table.n_rows
            )
            project.set_rerun(record)
            self._show(record)
            self.banner.show_text(outcome.message)
            self.applied.emit(record)

        self.controller.runner.start(
            "rerun-append",
            append_job,
            project.table,
            result.conformed,
            on_success=appended,
            on_failure=self.banner.show_failure,
        )

    def reject(self) -> None:  # Close, Escape, the window's ×: a running re-application stops
        self.cancel()
        # the new table is let go (an export or append already started holds what it needs)
        self.result = None
        super().reject()


def open_apply_dialog(
    controller: ProjectController,
    parent: QWidget | None,
    path: str | Path | None,
    dialog: ApplyDialog | None = None,
) -> ApplyDialog:
    """Show ``dialog`` (a new one when None) window-modal, so the project is not edited while
    it runs; ``path`` None: the last re-application is shown. The window keeps one dialog and
    passes it back here: an export or an append still running after Close reports to it."""
    if dialog is None:
        dialog = ApplyDialog(controller, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.banner.clear()
    dialog.show()
    dialog.raise_()
    if path is None:
        dialog.show_last()
    else:
        dialog.run_file(path)
    return dialog


def main(argv: list[str]) -> int:
    """Preview: the demo project re-applied to next week's file (as the tests build it):
    ``python -m ui.apply_dialog [--screenshot FILE.png]``."""
    import tempfile

    from tests.core.next_week import DEMO_PROJECT, write_next_week
    from ui.app import run_preview
    from workbench.store.project_file import open_project

    folder = tempfile.mkdtemp(prefix="workbench-apply-")

    def build() -> ApplyDialog:
        controller = ProjectController()
        controller.replace_project(open_project(DEMO_PROJECT))
        dialog = ApplyDialog(controller)
        dialog.run_file(write_next_week(Path(folder)))
        return dialog

    return run_preview(build, argv[1:])


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
