"""The Goal pane: what to improve, which rows to study, and what every column is.

The engineer picks the target (its values drawn below), the direction, the focus segment with
a live count of the rows in it, an optional success criterion and the model's task, then checks
the role of every column: suggestions come from :func:`workbench.steps.roles.assign_roles`
(ID-like, time, constant, leakage …) with a short reason; a role the user picks is stored in
``project.roles`` and marked as theirs.

Counts and suggestions use the *cleaned* table (the recipe replayed), which a small background
job prepares; until it is ready the loaded table stands in.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import pandas as pd
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes.base import Pane
from ui.panes.goal_roles import RolesTable
from ui.panes.goal_text import (
    DIRECTIONS,
    FOCUS_KINDS,
    GO_TO_DATA,
    NAME_HINT,
    NO_DATA,
    NO_TARGET,
    PLOT_NOTE,
    PLOT_PLACEHOLDER,
    ROLES_INTRO,
    ROLES_NEED_TARGET,
    SUCCESS_BAD,
    SUCCESS_HINT,
    TASK_AUTO,
    TASKS,
    TITLE,
    focus_count_text,
)
from ui.plots.target_plot import TargetPlot
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.numbers_format import format_label
from workbench.project import Section
from workbench.steps.goal import (
    ColumnRole,
    Direction,
    FocusRule,
    Goal,
    Task,
    infer_task,
)

#: Above this many rows the pane does not run its own quality check for the role suggestions
#: (seconds of work); it waits for the Quality step's report.
OWN_QUALITY_ROWS = 300_000


def prepare_goal_table(
    ctx: JobContext,
    table: Any,
    recipe: Any,
    target: str | None,
    need_quality: bool,
    cache: Any = None,
) -> Any:
    """Job: the cleaned frame, its kinds, and, when ``need_quality`` (no Quality report for this
    target yet) on a table that is not huge, a quality report whose leakage / ID-like /
    constant flags feed the role suggestions."""
    from workbench.pipeline import clean_table
    from workbench.steps.quality import assess_quality

    keep_out = frozenset({target}) if target else frozenset()  # filling never reads the target
    cleaned = clean_table(ctx.sub(0.0, 0.4), table, recipe, keep_out, cache)
    frame, kinds = cleaned.frame, dict(cleaned.kinds)
    quality = None
    usable = target is not None and target in frame.columns and len(frame) <= OWN_QUALITY_ROWS
    if need_quality and usable:
        quality = assess_quality(frame, kinds, target=target, ctx=ctx.sub(0.4, 1.0))
    return frame, kinds, quality


class GoalPane(Pane):
    """Target, direction, focus with a live row count, success criterion, task, roles."""

    title = TITLE
    data_requested = Signal()  # the user asked for the Data step

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        # A cache of derived data (never user state): (key, frame, kinds, quality).
        self._prepared: tuple[Any, pd.DataFrame, dict, Any] | None = None
        self._pending: Any = None  # the key of the preparing job
        self._build()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.empty = QWidget()
        empty_box = QVBoxLayout(self.empty)
        self.empty_label = QLabel(NO_DATA)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setMinimumWidth(420)  # a centred wrapped label needs a width to wrap at
        self.data_button = QPushButton(GO_TO_DATA)
        self.data_button.clicked.connect(self._on_data_button_clicked)
        empty_box.addStretch(1)
        empty_box.addWidget(self.empty_label, 0, Qt.AlignmentFlag.AlignCenter)
        empty_box.addWidget(self.data_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_box.addStretch(2)

        self.target_combo = QComboBox()
        self.target_combo.activated.connect(self._on_target_combo_activated)
        self.direction_combo = QComboBox()
        for direction, text in DIRECTIONS.items():
            self.direction_combo.addItem(text, str(direction))
        self.direction_combo.activated.connect(self._on_direction_combo_activated)
        self.focus_kind = QComboBox()
        for kind, text in FOCUS_KINDS.items():
            self.focus_kind.addItem(text, kind)
        self.focus_kind.activated.connect(self._on_focus_changed)
        self.focus_share = QDoubleSpinBox()
        self.focus_share.setRange(0.1, 100.0)
        self.focus_share.setDecimals(1)
        self.focus_share.setSuffix(" %")
        self.focus_share.setKeyboardTracking(False)  # write on Enter/arrows, not per keystroke
        self.focus_share.valueChanged.connect(self._on_focus_changed)
        self.focus_class = QComboBox()
        self.focus_class.activated.connect(self._on_focus_changed)
        focus_row = QHBoxLayout()
        for w in (self.focus_kind, self.focus_share, self.focus_class):
            focus_row.addWidget(w)
        focus_row.addStretch(1)
        self.focus_count = QLabel()
        self.focus_count.setWordWrap(True)
        self.success_edit = QLineEdit()
        self.success_edit.setPlaceholderText(SUCCESS_HINT)
        self.success_edit.editingFinished.connect(self._on_success_edit_editing_finished)
        self.success_note = QLabel()
        self.success_note.setStyleSheet("color: #b00020;")
        self.task_combo = QComboBox()
        self.task_combo.activated.connect(self._on_task_combo_activated)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("project_name")
        self.name_edit.setPlaceholderText(NAME_HINT)
        self.name_edit.editingFinished.connect(self._on_name_edit_editing_finished)
        form = QFormLayout()
        form.addRow(_("Project name:"), self.name_edit)
        form.addRow(_("Target (what to improve):"), self.target_combo)
        form.addRow(_("Direction:"), self.direction_combo)
        form.addRow(_("Rows to study (focus):"), focus_row)
        form.addRow("", self.focus_count)
        form.addRow(_("Success means a change of:"), self.success_edit)
        form.addRow("", self.success_note)
        form.addRow(_("Kind of model:"), self.task_combo)
        self.plot = TargetPlot()
        plot_note = QLabel(PLOT_NOTE)
        plot_note.setWordWrap(True)
        plotted = QWidget()
        plot_box = QVBoxLayout(plotted)
        plot_box.setContentsMargins(0, 0, 0, 0)
        plot_box.addWidget(self.plot, 1)
        plot_box.addWidget(plot_note)
        # Until a target is chosen there is nothing to draw: a sentence, not an empty chart
        # with a legend for bars that are not there.
        self.plot_placeholder = QLabel(PLOT_PLACEHOLDER)
        self.plot_placeholder.setObjectName("plot_placeholder")
        self.plot_placeholder.setWordWrap(True)
        self.plot_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plot_placeholder.setStyleSheet("color: #555;")
        self.plot_pages = QStackedWidget()
        self.plot_pages.addWidget(self.plot_placeholder)
        self.plot_pages.addWidget(plotted)
        self.plot_pages.setMaximumHeight(340)
        top = QHBoxLayout()
        goal_box = QGroupBox(_("What to improve"))
        goal_layout = QVBoxLayout(goal_box)
        goal_layout.addLayout(form)
        goal_layout.addStretch(1)
        top.addWidget(goal_box, 1)
        top.addWidget(self.plot_pages, 1)

        self.roles_intro = QLabel(ROLES_INTRO)
        self.roles_intro.setWordWrap(True)
        self.roles_intro.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.roles_table = RolesTable()
        self.roles_table.role_chosen.connect(self._on_roles_table_role_chosen)
        roles_box = QGroupBox(_("Column roles"))
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.addWidget(self.roles_intro)
        roles_layout.addWidget(self.roles_table)

        self.form = QWidget()
        body = QVBoxLayout(self.form)
        body.addLayout(top, 0)
        body.addWidget(roles_box, 1)
        self.pages = QStackedLayout(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.form)

    # -- the pane contract ---------------------------------------------------------------------
    def is_available(self) -> bool:
        return True

    def is_complete(self) -> bool:
        goal = self.project.goal
        return (
            goal is not None
            and self.project.frame is not None
            and goal.target in self.project.frame
        )

    # -- derived data --------------------------------------------------------------------------
    def _key(self) -> tuple:
        p = self.project
        target = p.goal.target if p.goal is not None else None
        return (id(p), id(p.table), p.revision(Section.DATA), p.revision(Section.RECIPE), target)

    def is_prepared(self) -> bool:
        """True when the cleaned table for the current data, recipe and target is ready."""
        return self._prepared is not None and self._prepared[0] == self._key()

    def cleaned(self) -> tuple[pd.DataFrame, dict, Any]:
        """The cleaned frame, kinds and quality report when ready; else the loaded table's."""
        key = self._key()
        p = self.project
        target = key[-1]
        if self._prepared is not None and self._prepared[0] == key:
            quality = self._prepared[3] or _quality_for(p.result(Section.QUALITY), target)
            return self._prepared[1], self._prepared[2], quality
        project_quality = _quality_for(p.result(Section.QUALITY), target)
        if not p.recipe and (target is None or project_quality is not None):
            # Nothing to replay or check: the loaded table is the cleaned one.
            self._prepared = (key, p.table.frame, dict(p.table.kinds), None)
            return p.table.frame, dict(p.table.kinds), project_quality
        if not self.controller.runner.is_running("goal") or self._pending != key:
            self._pending = key
            self.controller.runner.start(
                "goal",
                prepare_goal_table,
                p.table,
                p.recipe,
                target,
                project_quality is None,
                p.recipe_cache,
                on_success=lambda r, k=key: self._on_prepared(k, r),
                on_failure=self._on_job_failed,
            )
        return p.table.frame, dict(p.table.kinds), project_quality

    def _on_prepared(self, key: tuple, result: tuple) -> None:
        self._prepared = (key, *result)
        if self._key() == key:
            self.refresh()

    def _on_name_edit_editing_finished(self) -> None:
        name = self.name_edit.text().strip()
        if name != self.project.name:
            self.project.name = name
            self.project.touch(Section.META)

    def _on_job_failed(self, failure: JobFailure) -> None:
        QMessageBox.warning(self, TITLE, f"{failure.message}\n\n{failure.hint}")

    # -- refresh -------------------------------------------------------------------------------
    def refresh(self) -> None:
        p = self.project
        if p.table is None:
            self.pages.setCurrentWidget(self.empty)
            return
        self.pages.setCurrentWidget(self.form)
        if not self.name_edit.hasFocus():
            with QSignalBlocker(self.name_edit):
                self.name_edit.setText(p.name)
        frame, kinds, quality = self.cleaned()
        goal = p.goal if p.goal is not None and p.goal.target in frame.columns else None
        blockers = [
            QSignalBlocker(w)
            for w in (
                self.target_combo,
                self.direction_combo,
                self.focus_kind,
                self.focus_share,
                self.focus_class,
                self.success_edit,
                self.task_combo,
            )
        ]
        self.target_combo.clear()
        self.target_combo.addItems([str(c) for c in frame.columns])
        self.target_combo.setCurrentIndex(
            -1 if goal is None else frame.columns.get_loc(goal.target)
        )
        self.target_combo.setPlaceholderText(NO_TARGET)
        for w in (self.direction_combo, self.focus_kind, self.focus_share, self.focus_class):
            w.setEnabled(goal is not None)
        self.success_edit.setEnabled(goal is not None)
        self.task_combo.setEnabled(goal is not None)
        if goal is None:
            self.focus_count.setText(NO_TARGET)
            self.plot.clear_values()
            self.plot_pages.setCurrentIndex(0)
            self.task_combo.clear()
            self._fill_roles(None, frame, kinds, quality)
            del blockers
            return
        self._fill_goal(goal, frame[goal.target])
        del blockers
        self._fill_roles(goal, frame, kinds, quality)

    def _fill_goal(self, goal: Goal, target: pd.Series) -> None:
        from workbench.steps.goal import select_focus

        self.direction_combo.setCurrentIndex(self.direction_combo.findData(str(goal.direction)))
        labels = sorted({format_label(v) for v in target.dropna().unique()[:200]})
        self.focus_class.clear()
        self.focus_class.addItems(labels)
        focus_rows = None
        try:
            rule = goal.focus
            self.focus_kind.setCurrentIndex(self.focus_kind.findData(rule.kind))
            if rule.kind == "class":
                self.focus_class.setCurrentText(str(rule.value))
            else:
                self.focus_share.setValue(float(rule.value) * 100)
            focus_rows = select_focus(target, rule)
            self.focus_count.setStyleSheet("")
            self.focus_count.setText(
                focus_count_text(len(focus_rows), len(target), rule.describe(goal.target))
            )
        except WorkbenchError as exc:
            self.focus_count.setStyleSheet("color: #b00020;")
            self.focus_count.setText(f"{exc.message} {exc.hint}".strip())
        is_class = self.focus_kind.currentData() == "class"
        self.focus_share.setVisible(not is_class)
        self.focus_class.setVisible(is_class)
        self.success_edit.setText("" if goal.success is None else f"{goal.success:+g}")
        self.task_combo.clear()
        inferred = infer_task(target, dataclasses.replace(goal, task=None))
        self.task_combo.addItem(TASK_AUTO.format(task=TASKS[inferred]), None)
        for task, text in TASKS.items():
            self.task_combo.addItem(text, str(task))
        self.task_combo.setCurrentIndex(
            0 if goal.task is None else self.task_combo.findData(str(goal.task))
        )
        self.plot.show_values(target, focus_rows)
        self.plot_pages.setCurrentIndex(1)

    def _fill_roles(
        self, goal: Goal | None, frame: pd.DataFrame, kinds: dict, quality: Any
    ) -> None:
        self.roles_intro.setText(ROLES_INTRO if goal is not None else ROLES_NEED_TARGET)
        self.roles_table.setEnabled(goal is not None)
        self.roles_table.setVisible(goal is not None)  # no empty grid before there are roles
        if goal is None:
            self.roles_table.setRowCount(0)
            return
        problem = self.roles_table.fill(goal.target, frame, kinds, quality, self.project.roles)
        if problem:
            self.roles_intro.setText(problem)

    # -- user intent ---------------------------------------------------------------------------
    def _write_goal(self, **changes: Any) -> None:
        self.project.set_goal(dataclasses.replace(self.project.goal, **changes))

    def _on_target_combo_activated(self, index: int) -> None:
        from workbench.analysis import make_goal

        frame, _kinds, _q = self.cleaned()
        target = str(frame.columns[index])
        old = self.project.goal
        try:
            goal = make_goal(frame, target)
        except WorkbenchError as exc:
            QMessageBox.information(self, TITLE, f"{exc.message}\n\n{exc.hint}")
            return
        if old is not None:
            goal = dataclasses.replace(goal, success=old.success if old.target == target else None)
        if target in self.project.roles:  # the target cannot also have a role
            self.project.set_role(target, None)
        self.project.set_goal(goal)

    def _on_direction_combo_activated(self, _index: int) -> None:
        from workbench.analysis import make_goal

        goal = self.project.goal
        frame, _kinds, _q = self.cleaned()
        direction = Direction(self.direction_combo.currentData())
        try:
            new = make_goal(frame, goal.target, direction)
        except WorkbenchError as exc:
            QMessageBox.information(self, TITLE, f"{exc.message}\n\n{exc.hint}")
            return
        old_rule, new_rule = goal.focus, new.focus
        if {old_rule.kind, new_rule.kind} <= {"top", "bottom"}:
            # Flipping higher/lower keeps the share the user chose, on the other side.
            new = dataclasses.replace(new, focus=FocusRule(new_rule.kind, old_rule.value))
        self._write_goal(
            direction=new.direction, focus=new.focus, positive_class=new.positive_class
        )

    def _on_focus_changed(self, *_args: Any) -> None:
        kind = self.focus_kind.currentData()
        if kind == "class":
            label = self.focus_class.currentText()
            if not label:
                return
            self._write_goal(focus=FocusRule("class", label), positive_class=label)
        else:
            share = self.focus_share.value() / 100.0
            self._write_goal(focus=FocusRule(kind, share), positive_class=None)

    def _on_success_edit_editing_finished(self) -> None:
        text = self.success_edit.text().strip()
        value = parse_success(text)
        if text and value is None:
            self.success_note.setText(SUCCESS_BAD.format(text=text))
            return
        self.success_note.setText("")
        if value != self.project.goal.success:
            self._write_goal(success=value)

    def _on_task_combo_activated(self, _index: int) -> None:
        data = self.task_combo.currentData()
        self._write_goal(task=None if data is None else Task(data))

    def _on_roles_table_role_chosen(self, column: str, role: str | None) -> None:
        self.project.set_role(column, None if role is None else ColumnRole(role))

    def _on_data_button_clicked(self) -> None:
        self.data_requested.emit()
        window = self.window()
        for i, pane in enumerate(getattr(window, "panes", [])):
            if type(pane).__name__ == "DataPane":
                window.go(i)


def parse_success(text: str) -> float | None:
    """``+0.3``, ``-2``, ``0,3``, ``+0.3%p`` → a number; anything else → None."""
    cleaned = text.strip().removesuffix("%p").removesuffix("%").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _quality_for(report: Any, target: str | None) -> Any:
    """The Quality step's report when it checked the same target (its leakage flags fit)."""
    return report if report is not None and getattr(report, "target", None) == target else None


def demo_project() -> Any:
    """The demo data with a goal and the line's roles (for previews and screenshots)."""
    import threading
    from pathlib import Path

    from workbench.analysis import make_goal
    from workbench.pipeline import load_data
    from workbench.project import Project
    from workbench.tables.table import LoadOptions

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
    project = Project(name="demo")
    project.set_table(load_data(JobContext(None, threading.Event()), demo, LoadOptions()))
    project.set_goal(make_goal(project.table.frame, "efficiency"))
    for column in ("firing_temp", "belt_speed", "paste_thickness"):
        project.set_role(column, ColumnRole.CONTROLLABLE)
    project.set_role("humidity", ColumnRole.UNCONTROLLABLE)
    return project


def main(argv: list[str]) -> int:
    """Preview on the demo data: ``python -m ui.panes.goal_pane [--screenshot FILE.png]``."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv)
    controller = ProjectController()
    controller.replace_project(demo_project())
    pane = GoalPane(controller)
    pane.resize(1180, 760)
    pane.show()
    if "--screenshot" in argv:
        path = argv[argv.index("--screenshot") + 1]

        def grab() -> None:
            if controller.runner.is_running("goal"):
                QTimer.singleShot(200, grab)
                return
            pane.grab().save(path)
            app.quit()

        QTimer.singleShot(1500, grab)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
