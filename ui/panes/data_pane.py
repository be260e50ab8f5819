"""The Data pane: open a file, pick the sheet and header row, check the types, see the rows.

Loading always runs as a background job; the project's table is replaced only when it
succeeded, so a file that cannot be read leaves the previous data in place. Every choice
(sheet, header row, a column's kind) is a load option: changing one reloads the file.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes.base import Pane
from ui.panes.data_text import (
    CANCEL,
    COLUMN,
    FILE_DIALOG_TITLE,
    FILE_SHAPE,
    FILE_TYPES,
    HEADER_AUTO,
    HEADER_ROW,
    KIND,
    KIND_LABELS,
    KIND_OVERRIDDEN,
    LOAD_CANCELLED,
    LOADED,
    LOADING,
    NO_FILE,
    NOTES_TITLE,
    OPEN_FILE,
    SHEET,
    SOURCE_TITLE,
    TITLE,
    TYPES_TITLE,
    shape_text,
    source_lines,
)
from ui.widgets.failure_banner import FailureBanner
from ui.widgets.predicted_model import PredictedFrameModel
from workbench.jobs import JobContext
from workbench.tables.table import ColumnKind, LoadedTable, LoadOptions

JOB_OWNER = "data"
SIZE_SAMPLE_ROWS = 50  # rows looked at to size the preview's columns
FILE_FILTER = "*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods *.parquet"


# -- the job --------------------------------------------------------------------------------
def load_job(
    ctx: JobContext, path: str, options: LoadOptions, big: int | None = None
) -> LoadedTable:
    """Job: read ``path`` and make sure a workbook's sheet names are known; ``big``: the
    sample size of a file larger than memory (see :mod:`workbench.big_table`)."""
    from workbench.pipeline import load_data
    from workbench.tables.excel_book import list_sheets
    from workbench.tables.file_format import EXCEL_FORMATS

    if big is not None:
        from workbench.big_table import load_big_table

        return load_big_table(ctx, path, options, big)
    table = load_data(ctx, path, options)
    if not table.sheets and table.source.format in EXCEL_FORMATS:
        table.sheets = list_sheets(path)
    return table


def probe_job(ctx: JobContext, path: str, options: LoadOptions) -> tuple[int, str] | None:
    """Job: ``(sample size, notice)`` when ``path`` is larger than memory, else None."""
    from workbench.big_table import probe

    return probe(path, options)


class DataPane(Pane):
    """Load the data and check how it was read."""

    title = TITLE

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.open_button = QPushButton(OPEN_FILE)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.path_label = QLabel(NO_FILE)
        self.path_label.setWordWrap(True)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(160)
        self.sheet_combo.activated.connect(self._on_sheet_combo_activated)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(0, 10_000)
        self.header_spin.setSpecialValueText(HEADER_AUTO)
        self.header_spin.setMaximumWidth(180)
        self.sheet_label = QLabel(SHEET)
        self.header_spin.editingFinished.connect(self._on_header_spin_editing_finished)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(CANCEL)
        self.cancel_button.clicked.connect(lambda: self.controller.runner.cancel(JOB_OWNER))
        self.banner = FailureBanner()
        self._probe: Any = None  # the quick look that tells a file larger than memory apart

        self.model = PredictedFrameModel()  # shades the cells a recipe step predicted
        controller.predicted_changed.connect(self._on_controller_predicted_changed)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        # fixed row heights: the view never measures a million rows
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.verticalHeader().setDefaultSectionSize(22)
        self.grid.horizontalHeader().setDefaultSectionSize(110)

        self.notes_list = QListWidget()
        self.notes_list.setWordWrap(True)
        self.types_table = QTableWidget(0, 2)
        self.types_table.setHorizontalHeaderLabels([COLUMN, KIND])
        self.types_table.verticalHeader().hide()
        self.types_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.types_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_layout()
        self._set_busy(False)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.path_label, 1)
        options = QHBoxLayout()
        options.addWidget(self.sheet_label)
        options.addWidget(self.sheet_combo)
        options.addSpacing(16)
        options.addWidget(QLabel(HEADER_ROW))
        options.addWidget(self.header_spin)
        options.addStretch(1)
        options.addWidget(self.progress_label)
        options.addWidget(self.progress)
        options.addWidget(self.cancel_button)

        side = QVBoxLayout()
        for title, widget in (
            (NOTES_TITLE, self.notes_list),
            (TYPES_TITLE, self.types_table),
            (SOURCE_TITLE, self.source_label),
        ):
            box = QGroupBox(title)
            inner = QFormLayout(box) if widget is self.source_label else QVBoxLayout(box)
            inner.addWidget(widget) if isinstance(inner, QVBoxLayout) else inner.addRow(widget)
            side.addWidget(box, 0 if widget is self.source_label else 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        splitter = QSplitter()
        splitter.addWidget(self.grid)
        splitter.addWidget(side_widget)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 340])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

    # -- Pane ------------------------------------------------------------------------------
    def is_complete(self) -> bool:
        return self.project.table is not None

    def refresh(self) -> None:
        table = self.project.table
        blockers = [QSignalBlocker(w) for w in (self.sheet_combo, self.header_spin)]
        if self.model.frame is not (None if table is None else table.frame):
            self.model.set_frame(None if table is None else table.frame)
            self._size_columns()
            self._on_controller_predicted_changed()
        if table is None:
            self.path_label.setText(NO_FILE)
            self.sheet_combo.clear()
            self.header_spin.setValue(0)
            self.notes_list.clear()
            self.types_table.setRowCount(0)
            self.source_label.clear()
        else:
            self.path_label.setText(
                FILE_SHAPE.format(
                    name=Path(table.source.path).name,
                    shape=shape_text(table.n_rows, table.n_columns),
                )
            )
            self.sheet_combo.clear()
            self.sheet_combo.addItems(table.sheets)
            if table.options.sheet in table.sheets:
                self.sheet_combo.setCurrentText(table.options.sheet)
            self.header_spin.setValue(table.options.header_row or 0)
            self.notes_list.clear()
            self.notes_list.addItems([note.message for note in table.notes])
            self._fill_types(table)
            self.source_label.setText("\n".join(source_lines(table)))
        self.sheet_combo.setVisible(self.sheet_combo.count() > 0)
        self.sheet_label.setVisible(self.sheet_combo.count() > 0)
        self.header_spin.setEnabled(table is not None)
        del blockers

    def _on_controller_predicted_changed(self) -> None:
        self.model.set_marks(self.controller.predicted_for(self.project.table))

    def _size_columns(self) -> None:
        """Fit each column to its name and first rows (measured here: Qt's own sizing asks
        the model for every role of every sampled cell, ~8 ms a column at a million rows)."""
        metrics = self.grid.fontMetrics()
        header = self.grid.horizontalHeader()
        sample = range(min(SIZE_SAMPLE_ROWS, self.model.rowCount()))
        for column in range(self.model.columnCount()):
            texts = [self.model.cell_text(row, column) for row in sample]
            texts.append(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            width = max(metrics.horizontalAdvance(t) for t in texts) + 18
            header.resizeSection(column, min(max(width, 60), 260))

    def _fill_types(self, table: LoadedTable) -> None:
        self.types_table.setRowCount(len(table.kinds))
        overridden = table.options.column_kinds
        for row, (column, kind) in enumerate(table.kinds.items()):
            self.types_table.setItem(row, 0, QTableWidgetItem(column))
            combo = QComboBox()
            for k, label in KIND_LABELS.items():
                text = KIND_OVERRIDDEN.format(kind=label) if overridden.get(column) == k else label
                combo.addItem(text, str(k))
            combo.setCurrentIndex(combo.findData(str(kind)))
            combo.activated.connect(
                lambda _i, c=column, box=combo: self._on_kind_combo_activated(c, box)
            )
            self.types_table.setCellWidget(row, 1, combo)
        self.types_table.resizeColumnToContents(1)

    # -- loading ---------------------------------------------------------------------------
    def load_file(self, path: str | os.PathLike[str], options: LoadOptions | None = None) -> None:
        """Read ``path`` in a job; on success it becomes the project's table. A file larger
        than memory is told apart first (a quick look), and the pane says so before reading."""
        path = str(path)
        options = options or LoadOptions()
        self._set_busy(True, LOADING.format(name=Path(path).name))
        self._probe = self.controller.runner.start(
            JOB_OWNER,
            probe_job,
            path,
            options,
            on_success=lambda big: self._read_file(path, options, big),
            on_failure=self._on_load_failed,
            on_cancel=self._on_load_cancelled,
        )

    def _read_file(self, path: str, options: LoadOptions, big: tuple[int, str] | None) -> None:
        if self._probe is not None and self._probe.is_cancelled:  # Cancel came as it finished
            self._on_load_cancelled()
            return
        if big is not None:
            self.banner.show_text(big[1])  # before the long read starts
        self.controller.runner.start(
            JOB_OWNER,
            load_job,
            path,
            options,
            None if big is None else big[0],
            on_success=self._on_load_succeeded,
            on_failure=self._on_load_failed,
            on_progress=self._on_load_progress,
            on_cancel=self._on_load_cancelled,
        )

    def _reload(self, **changes: Any) -> None:
        table = self.project.table
        if table is None:
            return
        self.load_file(table.source.path, dataclasses.replace(table.options, **changes))

    def _on_load_succeeded(self, table: LoadedTable) -> None:
        from workbench.big_table import big_notice

        self._set_busy(False)
        self.banner.clear()
        if notice := big_notice(table):  # the notice stays while this table is shown
            self.banner.show_text(notice)
        self.project.set_table(table)
        self.refresh()
        self.controller.status_message.emit(
            LOADED.format(shape=shape_text(table.n_rows, table.n_columns))
        )

    def _on_load_failed(self, failure: JobFailure) -> None:
        self._set_busy(False)
        self.banner.show_failure(failure)
        self.refresh()  # put the controls back to what the kept data was read with

    def _on_load_cancelled(self) -> None:
        self._set_busy(False)
        self.banner.show_text(LOAD_CANCELLED)
        self.refresh()

    def _on_load_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.job_progress.emit(fraction, message)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.cancel_button.setVisible(busy)
        self.progress_label.setText(text)
        self.progress_label.setVisible(busy)

    # -- user intent -----------------------------------------------------------------------
    def _on_open_button_clicked(self) -> None:
        start = (
            "" if self.project.table is None else str(Path(self.project.table.source.path).parent)
        )
        path, _filter = QFileDialog.getOpenFileName(
            self, FILE_DIALOG_TITLE, start, FILE_TYPES.format(patterns=FILE_FILTER)
        )
        if path:
            self.load_file(path)

    def _on_sheet_combo_activated(self, _index: int) -> None:
        table = self.project.table
        sheet = self.sheet_combo.currentText()
        if table is None or sheet == table.options.sheet:
            return
        # another sheet is another table: find its header row and kinds afresh
        self.load_file(table.source.path, LoadOptions(sheet=sheet))

    def _on_header_spin_editing_finished(self) -> None:
        table = self.project.table
        row = self.header_spin.value() or None
        if table is None or row == table.options.header_row:
            return
        self.load_file(
            table.source.path,
            LoadOptions(
                sheet=table.options.sheet,
                header_row=row,
                # the user says this row holds the names, even if they look like values
                has_header=None if row is None else True,
                encoding=table.options.encoding,
            ),
        )

    def _on_kind_combo_activated(self, column: str, combo: QComboBox) -> None:
        table = self.project.table
        if table is None:
            return
        kind = ColumnKind(combo.currentData())
        if table.kinds.get(column) == kind and column not in table.options.column_kinds:
            return
        kinds = dict(table.options.column_kinds)
        kinds[column] = kind
        self._reload(column_kinds=kinds)


def main(argv: list[str] | None = None) -> int:
    """Preview: the pane on the demo data (``--screenshot FILE.png`` saves it and quits)."""
    import argparse

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot", default="")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    controller = ProjectController()
    pane = DataPane(controller)
    pane.resize(1300, 800)
    pane.show()
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"

    def on_changed(_section: object) -> None:
        if args.screenshot and controller.project.table is not None:
            QTimer.singleShot(400, lambda: (pane.grab().save(args.screenshot), app.quit()))

    controller.section_changed.connect(on_changed)
    pane.load_file(demo)
    code = app.exec()
    controller.runner.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
