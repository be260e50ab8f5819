"""Export the cleaned table (the loaded data with the recipe replayed) as CSV or Excel.

A button for the Quality step: the file dialog starts next to the data file, the work runs as a
job (the recipe is replayed on the loaded table, then the file is written and renamed into
place), and the status bar says where the table went and how many rows it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from ui.controller import ProjectController
from ui.jobs import JobFailure
from workbench.i18n import _, ngettext
from workbench.jobs import JobContext

EXPORT = _("Export cleaned table…")
EXPORT_TIP = _(
    "Save the data as it is after the cleaning recipe, as CSV or Excel (the data file itself "
    "is never changed)."
)
DIALOG_TITLE = _("Export the cleaned table")
FILTERS = _("CSV, UTF-8 (*.csv);;Excel workbook (*.xlsx)")
JOB = "export-table"


def written(path: Path, rows: int) -> str:
    return ngettext(
        "Cleaned table written to {path} ({rows:,} row).",
        "Cleaned table written to {path} ({rows:,} rows).",
        rows,
    ).format(path=path, rows=rows)


def export_cleaned_job(
    ctx: JobContext,
    table: Any,
    recipe: Any,
    path: Path,
    keep_out: frozenset[str] = frozenset(),
    cache: Any = None,
) -> tuple[Path, int]:
    """Job: replay the recipe on ``table`` (through the project's ``cache``) and write the
    result to ``path``; predicted cells get a confidence column. ``keep_out``: never read when
    filling by model (as in the model run, so the exported fills are the ones the model saw)."""
    from workbench.pipeline import clean_table
    from workbench.tables.table_export import export_table

    cleaned = clean_table(ctx.sub(0.0, 0.5), table, recipe, keep_out, cache)
    frame = cleaned.frame
    return export_table(frame, path, ctx.sub(0.5, 1.0), cleaned.predicted), len(frame)


def default_export_path(project: Any) -> Path:
    """``<data name>_cleaned.csv`` in the data file's folder (the home folder otherwise)."""
    source = Path(project.table.source.path) if project.table is not None else Path("data")
    folder = source.parent if source.parent.is_absolute() and source.parent.is_dir() else None
    return (folder or Path.home()) / f"{source.stem}_cleaned.csv"


class CleanedExportButton(QPushButton):
    """ "Export cleaned table…": asks where, then writes the file in a job."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(EXPORT, parent)
        self.controller = controller
        self.setToolTip(EXPORT_TIP)
        self.clicked.connect(lambda: self.export())

    def export(self, path: str | Path | None = None) -> None:
        """Write the cleaned table to ``path`` (asked when None; ``.csv`` added if no suffix)."""
        project = self.controller.project
        if project.table is None:
            return
        if path is None:
            chosen, chosen_filter = QFileDialog.getSaveFileName(
                self, DIALOG_TITLE, str(default_export_path(project)), FILTERS
            )
            if not chosen:
                return
            path = chosen
            if not Path(path).suffix:
                path = f"{path}{'.xlsx' if 'xlsx' in chosen_filter else '.csv'}"
        target = Path(path)
        if not target.suffix:
            target = target.with_name(target.name + ".csv")
        from workbench.pipeline import not_predictors

        self.setEnabled(False)
        self.controller.runner.start(
            JOB,
            export_cleaned_job,
            project.table,
            project.recipe,
            target,
            not_predictors(project),
            project.recipe_cache,
            on_success=self._on_written,
            on_failure=self._on_failed,
            on_cancel=lambda: self.setEnabled(True),
        )

    def _on_written(self, result: tuple[Path, int]) -> None:
        self.setEnabled(True)
        path, rows = result
        self.controller.status_message.emit(written(path, rows))

    def _on_failed(self, failure: JobFailure) -> None:
        self.setEnabled(True)
        QMessageBox.warning(self, DIALOG_TITLE, f"{failure.message}\n\n{failure.hint}".strip())
