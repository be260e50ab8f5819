"""The Quality pane: what needs attention before modeling, and the cleaning recipe that fixes it.

The report is always computed on the cleaned table (the loaded data after the recipe). When
the data, the recipe or the goal changes, the pane replays the recipe in a job — which gives
the "rows left" count quickly — and then checks the cleaned table in a second job. Fixes are
added to the recipe, never applied to the source file.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes.base import Pane
from ui.panes.cleaned_export import CleanedExportButton
from ui.panes.data_text import KIND_LABELS
from ui.panes.quality_alerts import AlertCard, AlertGroupCard, severity_icon
from ui.panes.quality_checks import JOB_OWNER, QualityChecks
from ui.panes.quality_groups import AlertGroup, group_alerts
from ui.panes.quality_predict import PredictMissing
from ui.panes.quality_text import (
    ALERTS_TITLE,
    CHECKING,
    DOWN,
    MISSING_CELLS,
    MISSING_TAB,
    NO_ALERTS,
    OUT_OF_DATE,
    PROFILE_HEADERS,
    PROFILE_TAB,
    RECIPE_EMPTY,
    RECIPE_TITLE,
    REMOVE,
    ROWS_COUNTING,
    ROWS_LEFT,
    STEP_LINE,
    STEP_LINE_PENDING,
    STEP_WARNING,
    TITLE,
    UP,
    number_text,
    summary_text,
    without_settled_role_fixes,
)
from ui.plots.column_plot import ColumnPlot
from ui.plots.missing_map import MissingMapPlot
from ui.widgets.failure_banner import FailureBanner
from workbench.numbers_format import is_year_range
from workbench.project import Section
from workbench.steps.quality_checks import severity_rank


class QualityPane(Pane):
    """Check the data, see each column, and build the cleaning recipe."""

    title = TITLE

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.checks = QualityChecks(controller, self)
        self.checks.replayed.connect(self._on_checks_replayed)
        self.checks.failed.connect(self._on_checks_failed)
        self.checks.progress.connect(self._on_checks_progress)
        self.checks.state_changed.connect(self._on_checks_state_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(200)
        self.banner = FailureBanner()
        self.alerts_box = QWidget()
        self.alerts_layout = QVBoxLayout(self.alerts_box)
        self.alerts_scroll = QScrollArea()
        self.alerts_scroll.setWidgetResizable(True)
        self.alerts_scroll.setWidget(self.alerts_box)
        self.recipe_list = QListWidget()
        self.recipe_list.setWordWrap(True)
        self.recipe_list.currentRowChanged.connect(lambda _r: self._update_recipe_buttons())
        # drag a step to reorder it; the project's recipe is changed, and the list rebuilt
        self.recipe_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.recipe_list.model().rowsMoved.connect(self._on_recipe_rows_moved)
        self.rows_left = QLabel()
        self.export_button = CleanedExportButton(controller)
        self.remove_button = QPushButton(REMOVE)
        self.up_button = QPushButton(UP)
        self.down_button = QPushButton(DOWN)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.up_button.clicked.connect(lambda: self._move_selected(-1))
        self.down_button.clicked.connect(lambda: self._move_selected(+1))
        self.profile_table = QTableWidget(0, len(PROFILE_HEADERS))
        self.profile_table.setHorizontalHeaderLabels(PROFILE_HEADERS)
        self.profile_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.profile_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.profile_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.profile_table.verticalHeader().hide()
        self.profile_table.itemSelectionChanged.connect(self._on_profile_selection_changed)
        self.column_plot = ColumnPlot()
        self.missing_map = MissingMapPlot()
        self.predict = PredictMissing(controller, self)
        self._build_layout()

    def _build_layout(self) -> None:
        alerts = QGroupBox(ALERTS_TITLE)
        QVBoxLayout(alerts).addWidget(self.alerts_scroll)
        recipe = QGroupBox(RECIPE_TITLE)
        recipe_layout = QVBoxLayout(recipe)
        recipe_layout.addWidget(self.recipe_list, 1)
        buttons = QHBoxLayout()
        for button in (self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        recipe_layout.addLayout(buttons)
        rows_line = QHBoxLayout()
        rows_line.addWidget(self.rows_left, 1)
        rows_line.addWidget(self.export_button)
        recipe_layout.addLayout(rows_line)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(alerts)
        left.addWidget(recipe)
        left.setSizes([520, 260])

        columns = QSplitter(Qt.Orientation.Vertical)
        columns.addWidget(self._with_predict_row(self.profile_table))
        columns.addWidget(self.column_plot)
        columns.setSizes([400, 300])
        self.tabs = QTabWidget()
        self.tabs.addTab(columns, PROFILE_TAB)
        self.tabs.addTab(self.missing_map, MISSING_TAB)
        body = QSplitter()
        body.addWidget(left)
        body.addWidget(self.tabs)
        body.setSizes([560, 640])

        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.status)
        head.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addWidget(body, 1)

    def _with_predict_row(self, table: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        row.addWidget(self.predict.button)
        row.addWidget(self.predict.sentence, 1)
        layout.addLayout(row)
        return box

    # -- Pane ------------------------------------------------------------------------------
    def is_available(self) -> bool:
        return self.project.table is not None

    def is_complete(self) -> bool:
        return self.project.table is not None and self._report_is_current()

    def needs_attention(self) -> bool:
        report = self.project.result(Section.QUALITY)
        if report is None or self.project.table is None:
            return False
        return not self._report_is_current() or any(a.severity == "error" for a in report.alerts)

    def refresh(self) -> None:
        project = self.project
        report = project.result(Section.QUALITY)
        self._fill_recipe()
        if report is None:
            self.summary.setText("")
            self._fill_alerts([])
            self.profile_table.setRowCount(0)
            self.column_plot.clear_plot()
        else:
            self.summary.setText(summary_text(report))
            alerts = without_settled_role_fixes(report.alerts, project.roles)
            self._fill_alerts(alerts, [str(p.name) for p in report.profiles])
            self._fill_profiles(report)
            self.missing_map.show_map(report.missing_map)
        if report is not None and self._report_is_current():
            self.banner.clear()  # a failure about other inputs no longer applies
        self._maybe_recheck()
        self._update_status()

    # -- building widgets ------------------------------------------------------------------
    def _recipe_steps(self) -> list[dict[str, Any]]:
        return [] if self.project.recipe is None else self.project.recipe.steps

    def _fill_alerts(self, alerts: list[Any], columns: list[str] | None = None) -> None:
        """One card per alert, alike ones together (``columns``: the table's order)."""
        from workbench.steps.recipe_check import validate_step

        while self.alerts_layout.count():
            item = self.alerts_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        steps = self._recipe_steps()

        def in_recipe(alert: Any) -> bool:
            return alert.fix_step is not None and validate_step(alert.fix_step) in steps

        for item in sorted(group_alerts(alerts, columns), key=lambda a: severity_rank(a.severity)):
            if isinstance(item, AlertGroup):
                missing = sum(not in_recipe(a) for a in item.alerts)
                card = AlertGroupCard(item, missing, self.add_fixes, self.select_column)
            else:
                card = AlertCard(
                    item, in_recipe(item), self.add_fix, self.select_column, self._put_back(item)
                )
            self.alerts_layout.addWidget(card)
        if not alerts and self.project.result(Section.QUALITY) is not None:
            self.alerts_layout.addWidget(QLabel(NO_ALERTS))
        self.alerts_layout.addStretch(1)

    def _put_back(self, alert: Any) -> tuple[bool, Any] | None:
        """For a leak (kept out of the model by default): whether the user put it back, and
        the action of the button that toggles it."""
        if alert.kind != "leakage" or alert.column is None:
            return None
        from workbench.steps.goal import MODEL_ROLES
        from workbench.vocabulary import ColumnRole

        role = self.project.roles.get(alert.column)
        is_back = role is not None and ColumnRole(role) in MODEL_ROLES
        return is_back, self.put_back

    def put_back(self, column: str, back: bool) -> None:
        """Put a flagged column back into the model (the user's role: feature), or clear that
        choice so the flag keeps it out again."""
        from workbench.vocabulary import ColumnRole

        self.project.set_role(column, ColumnRole.FEATURE if back else None)
        self.refresh()

    def _fill_profiles(self, report: Any) -> None:
        selected = self.selected_column()
        blocker = QSignalBlocker(self.profile_table)
        self.profile_table.setRowCount(len(report.profiles))
        for row, p in enumerate(report.profiles):
            cells = [
                p.name,
                KIND_LABELS.get(p.kind, p.kind),
                MISSING_CELLS.format(n=f"{p.missing:,}", pct=p.missing_pct),
                f"{p.distinct:,}",
                number_text(p.min, p.name, is_year_range(p.min, p.max)),
                number_text(p.max, p.name, is_year_range(p.min, p.max)),
                number_text(p.mean, p.name, is_year_range(p.min, p.max)),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.profile_table.setItem(row, column, item)
        # sized once after filling: a ResizeToContents header re-measures on every setItem
        self.profile_table.resizeColumnsToContents()
        del blocker
        names = [p.name for p in report.profiles]
        if names:
            self.select_column(selected if selected in names else names[0])

    def _fill_recipe(self) -> None:
        steps = self._recipe_steps()
        current = self.recipe_list.currentRow()
        blocker = QSignalBlocker(self.recipe_list)
        self.recipe_list.clear()
        replay = self._current_replay()
        from workbench.steps.recipe_wording import describe_step

        for i, step in enumerate(steps):
            report = replay.reports[i] if replay is not None else None
            description = describe_step(step)
            if report is None:
                line = STEP_LINE_PENDING.format(n=i + 1, description=description)
            elif report.warning:
                line = STEP_WARNING.format(n=i + 1, description=description, warning=report.warning)
            else:
                line = STEP_LINE.format(n=i + 1, description=description, effect=report.effect)
            self.recipe_list.addItem(line)
            if report is not None and report.warning:
                self.recipe_list.item(i).setIcon(severity_icon("warning", 16))
        if not steps:
            self.recipe_list.addItem(RECIPE_EMPTY)
            self.recipe_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        elif 0 <= current < len(steps):
            self.recipe_list.setCurrentRow(current)
        del blocker
        table = self.project.table
        report = self.project.result(Section.QUALITY)
        if replay is not None:
            left: int | None = replay.rows_left
        elif report is not None and table is not None and self._report_is_current():
            left = report.n_rows  # the report was computed on the cleaned table
        else:
            left = None
        if table is None:
            self.rows_left.setText("")
        elif left is None:
            self.rows_left.setText(ROWS_COUNTING)
        else:
            self.rows_left.setText(ROWS_LEFT.format(left=f"{left:,}", total=f"{table.n_rows:,}"))
        self._update_recipe_buttons()

    def _update_recipe_buttons(self) -> None:
        n = len(self._recipe_steps())
        row = self.recipe_list.currentRow() if n else -1
        self.remove_button.setEnabled(0 <= row < n)
        self.up_button.setEnabled(0 < row < n)
        self.down_button.setEnabled(0 <= row < n - 1)

    def _update_status(self) -> None:
        running = self.controller.runner.is_running(JOB_OWNER)
        self.progress.setVisible(running)
        if running and not self._report_is_current():
            stale = self.project.result(Section.QUALITY) is not None
            self.status.setText(OUT_OF_DATE if stale else CHECKING)
        else:
            self.status.setText("")

    # -- column selection ------------------------------------------------------------------
    def selected_column(self) -> str | None:
        rows = self.profile_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.profile_table.item(rows[0].row(), 0)
        return None if item is None else item.text()

    def select_column(self, column: str) -> None:
        """Select ``column`` in the profile table and draw it."""
        for row in range(self.profile_table.rowCount()):
            item = self.profile_table.item(row, 0)
            if item is not None and item.text() == column:
                self.profile_table.selectRow(row)
                self.profile_table.scrollToItem(item)
                self.tabs.setCurrentIndex(0)
                self._on_profile_selection_changed()
                return

    def _on_profile_selection_changed(self) -> None:
        column = self.selected_column()
        report = self.project.result(Section.QUALITY)
        profiles = {p.name: p for p in report.profiles} if report is not None else {}
        self.predict.set_column(profiles.get(column) if column is not None else None)
        replay = self._current_replay()
        frame = replay.frame if replay is not None else self.project.frame
        if column is None or frame is None or column not in frame.columns:
            self.column_plot.clear_plot()
            return
        kinds = replay.kinds if replay is not None else self.project.kinds
        self.column_plot.show_column(frame[column], str(kinds.get(column, "")))

    # -- recipe editing (user intent) ------------------------------------------------------
    def _edited_recipe(self) -> Any:
        from workbench.steps.recipe import Recipe

        return Recipe(self._recipe_steps())

    def add_fix(self, alert: Any) -> None:
        """Add ``alert``'s fix step at the end of the project's recipe."""
        self.add_fixes([alert])

    def add_fixes(self, alerts: list[Any]) -> None:
        """Add the fix steps of ``alerts`` not in the recipe yet, as one change."""
        from workbench.steps.recipe_check import validate_step

        recipe = self._edited_recipe()
        present = recipe.steps
        new = [a.fix_step for a in alerts if a.fix_step is not None]
        new = [step for step in new if validate_step(step) not in present]
        for step in new:
            recipe.add(step)
        if new:
            self.project.set_recipe(recipe)

    def _on_remove_button_clicked(self) -> None:
        row = self.recipe_list.currentRow()
        recipe = self._edited_recipe()
        if 0 <= row < len(recipe):
            recipe.remove(row)
            self.project.set_recipe(recipe)
            self.recipe_list.setCurrentRow(min(row, len(recipe) - 1))

    def _on_recipe_rows_moved(
        self, _parent: Any, start: int, _end: int, _dest: Any, row: int
    ) -> None:
        new_index = row if row < start else row - 1
        n = len(self._recipe_steps())
        if not (0 <= start < n and 0 <= new_index < n) or new_index == start:
            return

        def apply() -> None:  # after the view finished its own move
            recipe = self._edited_recipe()
            recipe.move(start, new_index)
            self.project.set_recipe(recipe)
            self.recipe_list.setCurrentRow(new_index)

        QTimer.singleShot(0, apply)

    def _move_selected(self, delta: int) -> None:
        row = self.recipe_list.currentRow()
        recipe = self._edited_recipe()
        if 0 <= row < len(recipe) and 0 <= row + delta < len(recipe):
            recipe.move(row, row + delta)
            self.project.set_recipe(recipe)
            self.recipe_list.setCurrentRow(row + delta)

    # -- background checks -----------------------------------------------------------------
    def _report_is_current(self) -> bool:
        return self.checks.report_is_current()

    def _current_replay(self) -> Any:
        return self.checks.current_replay()

    def _maybe_recheck(self) -> None:
        if self.checks.maybe_recheck():
            self.banner.clear()

    def _on_checks_replayed(self) -> None:
        self.predict.on_replayed(self._current_replay())
        self._fill_recipe()
        self._on_profile_selection_changed()

    def _on_checks_failed(self, failure: JobFailure) -> None:
        self.banner.show_failure(failure)

    def _on_checks_state_changed(self) -> None:
        self._update_status()  # a hidden pane is rebuilt when shown (Pane.showEvent)

    def _on_checks_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.job_progress.emit(fraction, message)


def main(argv: list[str] | None = None) -> int:
    """Preview: the pane on the demo data, with two of its fixes in the recipe.

    ``--screenshot FILE.png`` saves the pane once checked and quits; ``--missing`` shows the
    missing-value map instead of the column profiles.
    """
    import argparse
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from workbench.steps.goal import Goal
    from workbench.steps.recipe import Recipe
    from workbench.tables.loader import load_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot", default="")
    parser.add_argument("--missing", action="store_true")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    controller = ProjectController()
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
    project = controller.project
    project.set_table(load_table(demo))
    project.set_goal(Goal(target="efficiency"))
    project.set_recipe(
        Recipe(
            [
                {"op": "drop_duplicate_rows"},
                {"op": "sentinel_to_missing", "column": "humidity", "values": [-999]},
            ]
        )
    )
    pane = QualityPane(controller)
    pane.resize(1300, 820)

    def on_changed(section: str) -> None:
        if section == Section.QUALITY and args.screenshot:
            pane.select_column("humidity")
            if args.missing:
                pane.tabs.setCurrentIndex(1)
            QTimer.singleShot(500, lambda: (pane.grab().save(args.screenshot), app.quit()))

    controller.section_changed.connect(on_changed)
    pane.show()
    code = app.exec()
    controller.runner.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
