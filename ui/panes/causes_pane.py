"""The Causes pane: what the model leans on, and the distinct ways the focus rows got there.

It reads the model run of the Model pane (``Section.MODEL``, an
:class:`~workbench.analysis_result.AnalysisResult`) and computes nothing heavy itself: driver
importance bars (all rows vs focus rows), a SHAP beeswarm, the dependence plot of the selected
driver, the cause groups with their plain-language descriptions and controllable marks, and a
group-vs-rest comparison of the selected group. "Create action" turns the selected group into a
planned action (:func:`workbench.feedback.actions.action_from_group`) and opens the Actions step.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from PySide6.QtCore import QMetaMethod, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.panes.base import Pane
from ui.panes.causes_text import (
    ACTION_CREATED,
    BEESWARM_BOX,
    COMPARE_BOX,
    COMPARE_HEADERS,
    CREATE_ACTION,
    DEPENDENCE_BOX,
    DRIVER_LABEL,
    DRIVERS_BOX,
    GROUPS_BOX,
    MARKS_LEGEND,
    NO_GROUP_SELECTED,
    NO_SIGNAL,
    NO_SIGNAL_HINT,
    NOT_RUN,
    SAMPLED,
    SCOPE_LABEL,
    SCOPES,
    STALE,
    TITLE,
    comparison_rows,
    group_item_text,
)
from ui.panes.whatif_panel import WhatIfPanel
from ui.panes.whatif_text import DRIVERS_TAB
from ui.panes.whatif_text import TAB as WHATIF_TAB
from ui.plots.beeswarm_plot import MAX_LANES, BeeswarmWidget
from ui.plots.dependence_plot import DependencePlot
from ui.plots.importance_plot import ImportancePlot
from ui.widgets.paragraph_list import ParagraphList
from workbench.project import Section

MAX_SHOWN = 5_000  # dots per beeswarm lane and in the dependence plot


class CausesPane(Pane):
    """Drivers, beeswarm, dependence, cause groups and "Create action" for one model run."""

    title = TITLE
    action_created = Signal(object)  # the new workbench.feedback.actions.Action
    # A proposal made from the selected group, for the Actions step's dialog (the main window
    # connects it; the action is added, as the user edited it, only on OK: action_created).
    action_proposed = Signal(object)

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._shown: tuple[Any, str] | None = None  # (result, scope) the plots were drawn for
        self.stale_banner = QLabel(STALE)
        self.stale_banner.setObjectName("stale_banner")
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet(
            "background: #fff3cd; color: #4d3800; border: 1px solid #d9b44a; padding: 6px;"
        )
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.scope_combo = QComboBox()
        for key, text in SCOPES.items():
            self.scope_combo.addItem(text, key)
        self.scope_combo.activated.connect(self._on_scope_combo_activated)
        self.driver_combo = QComboBox()
        self.driver_combo.setMinimumWidth(160)
        self.driver_combo.activated.connect(self._on_driver_combo_activated)
        self.importance = ImportancePlot()
        self.importance.driver_clicked.connect(self.select_driver)
        self.beeswarm = BeeswarmWidget()
        self.beeswarm.plot.driver_clicked.connect(self.select_driver)
        self.dependence = DependencePlot()
        self.sample_note = QLabel()
        self.sample_note.setObjectName("sample_note")
        self.sample_note.setWordWrap(True)
        self.sample_note.hide()

        self.groups = ParagraphList()  # every line of a group's paragraph, at any width
        self.groups.setObjectName("groups")
        self.groups.setSpacing(3)
        self.groups.currentRowChanged.connect(self._on_groups_current_row_changed)
        self.library_note = QLabel()
        self.library_note.setObjectName("library_note")
        self.library_note.setWordWrap(True)
        self.library_note.setTextFormat(Qt.TextFormat.PlainText)
        self.library_note.hide()
        self.comparison = QTableWidget(0, len(COMPARE_HEADERS))
        self.comparison.setHorizontalHeaderLabels(COMPARE_HEADERS)
        self.comparison.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comparison.verticalHeader().hide()
        self.comparison.setWordWrap(True)
        # The numbers keep their width; the condition and the typical values share the rest
        # and wrap, so neither is cut (the typical values were, even at 1600 px).
        header = self.comparison.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # As wide as its header's longest line, never narrower: the values wrap below it.
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
        metrics = header.fontMetrics()
        lines = COMPARE_HEADERS[4].split("\n")
        self.comparison.setColumnWidth(4, max(metrics.horizontalAdvance(t) for t in lines) + 24)
        header.setMinimumSectionSize(60)
        self.comparison.setTextElideMode(Qt.TextElideMode.ElideNone)  # long names wrap
        self.comparison.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.compare_note = QLabel(NO_GROUP_SELECTED)
        self.compare_note.setWordWrap(True)
        self.create_button = QPushButton(CREATE_ACTION)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.whatif = WhatIfPanel(controller)  # the what-if profiler, in its own tab
        self.whatif.action_requested.connect(self._propose)
        self._build_layout()

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel(SCOPE_LABEL))
        controls.addWidget(self.scope_combo)
        controls.addSpacing(16)
        controls.addWidget(QLabel(DRIVER_LABEL))
        controls.addWidget(self.driver_combo)
        controls.addStretch(1)

        drivers_box = _box(DRIVERS_BOX, self.importance)
        dependence_box = _box(DEPENDENCE_BOX, self.dependence)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(drivers_box)
        lower.addWidget(dependence_box)
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(_box(BEESWARM_BOX, self.beeswarm))
        plots.addWidget(lower)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(controls)
        right_layout.addWidget(self.sample_note)
        right_layout.addWidget(plots, 1)

        legend = QLabel(MARKS_LEGEND)
        legend.setWordWrap(True)
        groups_box = QGroupBox(GROUPS_BOX)
        groups_layout = QVBoxLayout(groups_box)
        groups_layout.addWidget(self.groups, 1)
        groups_layout.addWidget(legend)
        groups_layout.addWidget(self.library_note)
        compare_box = QGroupBox(COMPARE_BOX)
        compare_layout = QVBoxLayout(compare_box)
        compare_layout.addWidget(self.compare_note)
        compare_layout.addWidget(self.comparison, 1)
        compare_layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignRight)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(groups_box)
        left.addWidget(compare_box)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)

        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(right, DRIVERS_TAB)
        self.right_tabs.addTab(self.whatif, WHATIF_TAB)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.right_tabs)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 5)
        body.setSizes([560, 700])
        self.body = body
        layout = QVBoxLayout(self)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.message)
        layout.addWidget(body, 1)

    # -- state read from the project ----------------------------------------------------------
    def _result(self) -> Any:
        return self.project.result(Section.MODEL)

    def _usable(self, result: Any) -> bool:
        return (
            result is not None
            and result.explanation is not None
            and getattr(result.fit, "verdict", "") != "no_signal"
        )

    def is_available(self) -> bool:
        return self._result() is not None

    def is_complete(self) -> bool:
        result = self._result()
        return self._usable(result) and not self.project.is_stale(Section.MODEL)

    def needs_attention(self) -> bool:
        return self._result() is not None and self.project.is_stale(Section.MODEL)

    def cause_groups(self) -> list[Any]:
        """The groups shown in the list, in order."""
        result = self._result()
        if not self._usable(result) or result.causes is None:
            return []
        return list(result.causes.groups)

    def selected_group(self) -> Any | None:
        groups = self.cause_groups()
        row = self.groups.currentRow()
        return groups[row] if 0 <= row < len(groups) else None

    # -- refresh --------------------------------------------------------------------------------
    def refresh(self) -> None:
        result = self._result()
        self.stale_banner.setVisible(self.needs_attention())
        usable = self._usable(result)
        self.body.setVisible(usable)
        if result is None:
            self.message.setText(NOT_RUN)
        elif not usable:
            self.message.setText(
                NO_SIGNAL.format(target=result.goal.target) + "\n" + NO_SIGNAL_HINT
            )
        else:
            notes = [
                result.causes.message if result.causes is not None else "",
                result.causes_message,
            ]
            self.message.setText("\n".join(n for n in notes if n))
        self.message.setVisible(bool(self.message.text()))
        if not usable:
            self._shown = None
            self._fill_groups([])
            self.driver_combo.clear()
            self.importance.clear()
            self.beeswarm.plot.clear()
            self.dependence.clear_plot()
            self.whatif.show_for(None, None)
            return
        scope = self.scope_combo.currentData()
        if self._shown is None or self._shown[0] is not result or self._shown[1] != scope:
            self._draw(result, scope)
            self._fill_groups(self.cause_groups())
            self._shown = (result, scope)
        else:
            self._refresh_tried_lines()  # an outcome logged since may now be "tried before"
        self.whatif.show_for(result, self.selected_group())

    def _shown_shap(self, result: Any, scope: str) -> Any:
        """The SHAP values drawn: all explained rows of ``scope``, or a fixed random sample of
        :data:`MAX_SHOWN` (a 5% focus of a million rows is 50,000 dots per lane: seconds of a
        frozen window to draw, and no clearer than 5,000)."""
        explanation = result.explanation
        shap = explanation.focus if scope == "focus" else explanation.overall
        if shap.n_rows <= MAX_SHOWN:
            return shap
        pick = np.sort(np.random.default_rng(0).choice(shap.n_rows, MAX_SHOWN, replace=False))
        return shap.subset(shap.rows[pick])

    def _draw(self, result: Any, scope: str) -> None:
        explanation = result.explanation
        focus = scope == "focus"
        full = explanation.focus if focus else explanation.overall
        shap = self._shown_shap(result, scope)
        self.sample_note.setText(
            SAMPLED.format(shown=shap.n_rows, total=full.n_rows) if shap is not full else ""
        )
        self.sample_note.setVisible(shap is not full)
        order = [
            str(c)
            for c in (explanation.focus_importance if focus else explanation.importance).index
        ]
        categorical = set(explanation.categorical)
        self.importance.show_importance(explanation.importance, explanation.focus_importance)
        lanes = order[:MAX_LANES]
        values = {c: explanation.feature_values(c, shap.rows) for c in lanes}
        self.beeswarm.plot.show_shap(
            shap.values, list(shap.columns), values, order=lanes, categorical=categorical
        )
        previous = self.driver_combo.currentText()
        with QSignalBlocker(self.driver_combo):
            self.driver_combo.clear()
            self.driver_combo.addItems(order)
            index = self.driver_combo.findText(previous)
            self.driver_combo.setCurrentIndex(index if index >= 0 else 0)
        self._draw_dependence()

    def _draw_dependence(self) -> None:
        result = self._result()
        column = self.driver_combo.currentText()
        if not self._usable(result) or not column:
            self.dependence.clear_plot()
            return
        explanation = result.explanation
        shap = self._shown_shap(result, self.scope_combo.currentData())
        self.dependence.show_dependence(
            column,
            explanation.feature_values(column, shap.rows),
            shap.column(column),
            categorical=explanation.is_categorical(column),
        )

    def _fill_groups(self, groups: list[Any]) -> None:
        previous = self.groups.currentRow()
        tried = self._tried_before(groups)
        with QSignalBlocker(self.groups):
            self.groups.clear()
            for group in groups:
                item = QListWidgetItem(group_item_text(group, tried.get(int(group.id), [])))
                item.setData(Qt.ItemDataRole.UserRole, group.id)
                self.groups.addItem(item)
            if groups:
                self.groups.setCurrentRow(previous if 0 <= previous < len(groups) else 0)
        self.groups.fit_rows()
        self._fill_comparison()

    def _refresh_tried_lines(self) -> None:
        groups = self.cause_groups()
        tried = self._tried_before(groups)
        for row, group in enumerate(groups):
            item = self.groups.item(row)
            if item is not None:
                item.setText(group_item_text(group, tried.get(int(group.id), [])))
        self.groups.fit_rows()

    def _tried_before(self, groups: list[Any]) -> dict[int, list[str]]:
        """The library's "Tried before: ..." lines per group id. Queried here, on the GUI
        thread: it is one small SQLite read (~20 ms) per model run shown. A missing, damaged
        or unreachable library only shows its notice; it never breaks the pane."""
        from workbench.feedback.library import tried_before_lines

        path = self.controller.library_path
        lines, notice = tried_before_lines(groups, path) if groups else ({}, None)
        self.library_note.setText(notice or "")
        self.library_note.setVisible(bool(notice))
        return lines

    def _fill_comparison(self) -> None:
        group = self.selected_group()
        rows = comparison_rows(group) if group is not None else []
        self.comparison.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c in (2, 3):  # shares line up on the right
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.comparison.setItem(r, c, item)
        self.comparison.resizeRowsToContents()  # long ranges wrap instead of being cut off
        self.compare_note.setVisible(group is None)
        self.create_button.setEnabled(group is not None)

    # -- user intent ------------------------------------------------------------------------------
    def select_driver(self, column: str) -> None:
        """Show ``column`` in the dependence plot (from the combo, a bar or a beeswarm lane)."""
        index = self.driver_combo.findText(column)
        if index < 0:
            return
        with QSignalBlocker(self.driver_combo):
            self.driver_combo.setCurrentIndex(index)
        self._draw_dependence()

    def _on_driver_combo_activated(self, _index: int) -> None:
        self._draw_dependence()

    def _on_scope_combo_activated(self, _index: int) -> None:
        self.refresh()

    def _on_groups_current_row_changed(self, _row: int) -> None:
        self._fill_comparison()
        self.whatif.show_for(self._result(), self.selected_group())

    def _on_create_button_clicked(self) -> None:
        """Open the Actions step with the action dialog pre-filled from the selected group:
        the engineer reads and adjusts the proposal; OK adds it to the log, Cancel nothing."""
        from workbench.feedback.actions import action_from_group

        group = self.selected_group()
        if group is None:
            return
        self._propose(action_from_group(group, goal=self.project.goal, roles=self.project.roles))

    def _propose(self, action: Any) -> None:
        """Open the Actions step with ``action`` proposed (from a group or a what-if setting)."""
        project = self.project
        if self.isSignalConnected(QMetaMethod.fromSignal(self.action_proposed)):
            self.action_proposed.emit(action)  # the window opens it in the Actions step
            return
        # the pane alone (a preview): add the proposal as it is
        project.actions.append(action)
        project.touch(Section.ACTIONS)
        self.controller.status_message.emit(ACTION_CREATED.format(title=action.title))
        self.action_created.emit(action)


def _box(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


def demo_project_with_result() -> Any:
    """The demo data analysed (quick effort) into a project, for previews and screenshots."""
    from pathlib import Path

    from workbench.analysis import project_from_options
    from workbench.pipeline import analyze_project
    from workbench.steps.model_settings import ModelSettings

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
    project = project_from_options(
        demo,
        target="efficiency",
        controllable=["firing_temp", "belt_speed", "paste_thickness"],
        uncontrollable=["humidity"],
        settings=ModelSettings(effort="quick"),
        name="demo",
    )
    analyze_project(project)
    return project


def main(argv: list[str]) -> int:
    """Preview on the demo data: ``python -m ui.panes.causes_pane [--screenshot FILE.png]``."""
    from ui.app import run_preview

    def build() -> CausesPane:
        controller = ProjectController()
        controller.replace_project(demo_project_with_result())
        pane = CausesPane(controller)
        pane.resize(1280, 800)
        return pane

    return run_preview(build, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
