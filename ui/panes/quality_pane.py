"""The Quality pane: what needs attention before modeling, and the cleaning recipe that fixes it.

The report is always computed on the cleaned table (the loaded data after the recipe). When
the data, the recipe or the goal changes, the pane replays the recipe in a job — which gives
the "rows left" count quickly — and then checks the cleaned table in a second job. Fixes are
added to the recipe, never applied to the source file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
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
from ui.panes.data_text import KIND_LABELS
from ui.panes.quality_alerts import AlertCard, severity_icon
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
)
from ui.plots.column_plot import ColumnPlot
from ui.plots.missing_map import MissingMapPlot
from ui.widgets.failure_banner import FailureBanner
from workbench.jobs import JobContext
from workbench.project import Section

JOB_OWNER = "quality"


# -- jobs -----------------------------------------------------------------------------------
def replay_job(ctx: JobContext, table: Any, recipe: Any) -> Any:
    """Job: the recipe replayed on the loaded table (a RecipeResult)."""
    from workbench.workflow import cleaned_table

    return cleaned_table(ctx, table, recipe)


def assess_job(ctx: JobContext, cleaned: Any, target: str | None, time: str | None) -> Any:
    """Job: the quality report of the cleaned table (target checks when a target is set)."""
    from workbench.steps.quality import assess_quality

    columns = cleaned.frame.columns
    return assess_quality(
        cleaned.frame,
        cleaned.kinds,
        target=target if target in columns else None,
        time=time if time in columns else None,
        ctx=ctx,
    )


@dataclass
class _Replay:
    """The last recipe replay, and the table and steps it came from (a view cache).

    Compared by identity and value, not by revision numbers: a newly opened project starts
    its revisions afresh, and must not be shown another project's replay.
    """

    result: Any
    table: Any
    steps: list[dict[str, Any]]


class QualityPane(Pane):
    """Check the data, see each column, and build the cleaning recipe."""

    title = TITLE

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._replay: _Replay | None = None
        self._running: Any = None  # the inputs of the check under way (see _wanted)
        self._failed: Any = None  # the inputs whose check failed (no retry loop)
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
        recipe_layout.addWidget(self.rows_left)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(alerts)
        left.addWidget(recipe)
        left.setSizes([520, 260])

        columns = QSplitter(Qt.Orientation.Vertical)
        columns.addWidget(self.profile_table)
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
            self._fill_alerts(report.alerts)
            self._fill_profiles(report)
            self.missing_map.show_map(report.missing_map)
        if report is not None and self._report_is_current():
            self.banner.clear()  # a failure about other inputs no longer applies
        self._maybe_recheck()
        self._update_status()

    # -- building widgets ------------------------------------------------------------------
    def _recipe_steps(self) -> list[dict[str, Any]]:
        return [] if self.project.recipe is None else self.project.recipe.steps

    def _fill_alerts(self, alerts: list[Any]) -> None:
        from workbench.steps.recipe import validate_step

        while self.alerts_layout.count():
            item = self.alerts_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        steps = self._recipe_steps()
        order = {"error": 0, "warning": 1, "info": 2}
        for alert in sorted(alerts, key=lambda a: order.get(a.severity, 3)):
            in_recipe = alert.fix_step is not None and validate_step(alert.fix_step) in steps
            self.alerts_layout.addWidget(
                AlertCard(alert, in_recipe, self.add_fix, self.select_column)
            )
        if not alerts and self.project.result(Section.QUALITY) is not None:
            self.alerts_layout.addWidget(QLabel(NO_ALERTS))
        self.alerts_layout.addStretch(1)

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
                number_text(p.min),
                number_text(p.max),
                number_text(p.mean),
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

    def _current_replay(self) -> Any:
        """The last replay if it came from the current data and recipe."""
        if self._replay is None:
            return None
        replay = self._replay
        same = replay.table is self.project.table and replay.steps == self._recipe_steps()
        return replay.result if same else None

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
        if alert.fix_step is None:
            return
        recipe = self._edited_recipe()
        recipe.add(alert.fix_step)
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
    def _wanted(self) -> tuple[int, tuple[tuple[str, int], ...], str | None]:
        """What a current report must come from: project, input revisions and time column."""
        from workbench.workflow import time_column

        stamp = self.project.input_stamp(Section.QUALITY)
        return id(self.project), tuple(sorted(stamp.items())), time_column(self.project.roles)

    def _report_is_current(self) -> bool:
        """The report exists, its inputs did not change, and it used the time column now set.

        The time role is not one of the project's quality inputs, but drift is checked
        against it, so a changed time column also calls for a new check.
        """
        project = self.project
        report = project.result(Section.QUALITY)
        if report is None or project.is_stale(Section.QUALITY):
            return False
        time = self._wanted()[2]
        replay = self._current_replay()
        columns = replay.frame.columns if replay is not None else project.frame.columns
        return report.time == time or (time is not None and time not in columns)

    def _maybe_recheck(self) -> None:
        """Start replay + check when the report is missing or out of date (once per input)."""
        project = self.project
        if project.table is None:
            return
        stamp = project.input_stamp(Section.QUALITY)
        wanted = self._wanted()
        if wanted == self._running and self.controller.runner.is_running(JOB_OWNER):
            return
        if self._report_is_current():
            if project.recipe and self._current_replay() is None:
                self._start_replay_only(stamp)  # a reopened project: show each step's effect
            return
        if wanted == self._failed:
            return
        self._running = wanted
        self.banner.clear()
        replay = self._current_replay()
        if replay is not None:
            self._start_assess(replay, stamp)
            return
        source = (project.table, self._recipe_steps())
        self.controller.runner.start(
            JOB_OWNER,
            replay_job,
            project.table,
            project.recipe,
            on_success=lambda result: self._on_replay_succeeded(result, stamp, source),
            on_failure=lambda f: self._on_job_failed(f, stamp),
            on_progress=lambda f, m: self._on_job_progress(f * 0.3, m),
            on_cancel=self._on_job_cancelled,
        )
        self._update_status()

    def _start_replay_only(self, stamp: dict[str, int]) -> None:
        self._running = self._wanted()
        table, steps = self.project.table, self._recipe_steps()

        def done(result: Any) -> None:
            self._running = None
            self._replay = _Replay(result, table, steps)
            self._fill_recipe()
            self._on_profile_selection_changed()
            self._update_status()

        self.controller.runner.start(
            JOB_OWNER,
            replay_job,
            self.project.table,
            self.project.recipe,
            on_success=done,
            on_failure=lambda f: self._on_job_failed(f, stamp),
            on_progress=self._on_job_progress,
            on_cancel=self._on_job_cancelled,
        )

    def _on_replay_succeeded(
        self, result: Any, stamp: dict[str, int], source: tuple[Any, list[dict[str, Any]]]
    ) -> None:
        self._replay = _Replay(result, *source)
        self._fill_recipe()
        self._start_assess(result, stamp)

    def _start_assess(self, cleaned: Any, stamp: dict[str, int]) -> None:
        from workbench.workflow import time_column

        goal = self.project.goal
        self.controller.runner.start(
            JOB_OWNER,
            assess_job,
            cleaned,
            None if goal is None else goal.target,
            time_column(self.project.roles),
            on_success=lambda report: self._on_assess_succeeded(report, stamp),
            on_failure=lambda f: self._on_job_failed(f, stamp),
            on_progress=lambda f, m: self._on_job_progress(0.3 + 0.7 * f, m),
            on_cancel=self._on_job_cancelled,
        )
        self._update_status()

    def _on_assess_succeeded(self, report: Any, stamp: dict[str, int]) -> None:
        self._running = None
        # stamped with the inputs the job started from: edits made meanwhile show as stale
        self.project.set_result(Section.QUALITY, report, inputs=stamp)
        if not self.isVisible():
            self.refresh()

    def _on_job_failed(self, failure: JobFailure, stamp: dict[str, int]) -> None:
        self._running = None
        self._failed = self._wanted()
        self.banner.show_failure(failure)
        self._update_status()

    def _on_job_cancelled(self) -> None:
        self._running = None
        self._update_status()

    def _on_job_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        window = self.window()
        if hasattr(window, "show_progress"):
            window.show_progress(fraction, message)


def main(argv: list[str] | None = None) -> int:
    """Preview: the pane on the demo data, with two of its fixes in the recipe.

    ``--screenshot FILE.png`` saves the pane once checked and quits; ``--missing`` shows the
    missing-value map instead of the column profiles.
    """
    import argparse
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from workbench.io.loader import load_table
    from workbench.steps.goal import Goal
    from workbench.steps.recipe import Recipe

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
