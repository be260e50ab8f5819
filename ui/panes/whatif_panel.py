"""The what-if profiler on the Causes step: one small curve per controllable factor for the
chosen rows (the selected cause group, the focus rows, all rows or one row), a marker and a box
to set each factor, the model's answer in a sentence, and "Create action from this setting".

Everything is computed in the job runner (:mod:`workbench.steps.whatif`): the band's refits
once per model run, the curves once per choice of rows, and each setting when it is made, so
the window never waits. The panel computes only while it is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes import whatif_text as text
from ui.plots.whatif_plot import WhatIfPlot
from workbench.claim_rows import Selection
from workbench.steps import whatif_wording as words

OWNER = "whatif"
OWNER_SETTING = "whatif_setting"
WARNING_STYLE = "color: #8a4b00;"


def _compute_profile(ctx: Any, result: Any, rows: Selection, row: Any, band: Any) -> Any:
    """(band, profile) for the chosen rows; the band's refits only when not given."""
    from workbench.steps.whatif import profile_rows
    from workbench.steps.whatif_band import fit_band_models

    if band is None:
        band = fit_band_models(result.fit, ctx.sub(0.0, 0.7))
    labels = None if result.causes is None else result.causes.labels
    profile = profile_rows(
        result.fit,
        result.frame,
        result.roles,
        rows,
        row=row,
        groups=labels,
        band=band,
        ctx=ctx.sub(0.7, 1.0),
    )
    return band, profile


def _compute_setting(
    ctx: Any, result: Any, profile: Any, column: str, value: Any, band: Any
) -> Any:
    from workbench.steps.whatif import evaluate_setting

    ctx.progress(0.0, words.progress_setting())
    return evaluate_setting(
        result.fit,
        result.frame,
        column,
        value,
        profile.rows,
        row=profile.row,
        groups=None if result.causes is None else result.causes.labels,
        band=band,
        step=profile.step,
    )


class WhatIfPanel(QWidget):
    """The profiler; the Causes pane feeds it with :meth:`show_for`."""

    action_requested = Signal(object)  # the proposed workbench.feedback.actions.Action

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._result: Any = None
        self._group: Any = None
        self._band: tuple[Any, Any] | None = None  # (result, BandModels)
        self._asked: tuple[Any, ...] | None = None  # (result, rows key) of the shown profile
        self.profile: Any = None
        self.claim: Any = None
        self.active: str | None = None
        self.plots: dict[str, WhatIfPlot] = {}
        self.editors: dict[str, QWidget] = {}

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.rows_combo = QComboBox()
        for key, label in text.ROWS_CHOICES.items():
            self.rows_combo.addItem(label, key)
        self.rows_combo.activated.connect(self._on_rows_combo_activated)
        self.row_spin = QSpinBox()
        self.row_spin.setToolTip(text.ROW_TOOLTIP)
        self.row_spin.setEnabled(False)
        self.row_spin.editingFinished.connect(self._on_row_spin_editing_finished)
        self.status = QLabel()
        self.status.setObjectName("whatif_status")
        self.status.setWordWrap(True)
        self.grid = QGridLayout()
        holder = QWidget()
        holder.setLayout(self.grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.sentence = QLabel()
        self.sentence.setObjectName("whatif_sentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setStyleSheet("font-weight: bold;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = QLabel()
        self.warning.setObjectName("whatif_warning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.create_button = QPushButton(text.CREATE_ACTION)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self._on_create_button_clicked)

        top = QHBoxLayout()
        top.addWidget(QLabel(text.ROWS_LABEL))
        top.addWidget(self.rows_combo)
        top.addWidget(self.row_spin)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.sentence)
        layout.addWidget(self.details)
        layout.addWidget(self.warning)
        layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignRight)

    # -- fed by the Causes pane ---------------------------------------------------------------
    def show_for(self, result: Any, group: Any) -> None:
        """Show the what-if for ``result``'s model and the selected ``group`` (or None)."""
        if result is not self._result:
            self._band = None
            index = result.frame.index if result is not None else None
            if index is not None and len(index) and str(index.dtype).startswith("int"):
                with QSignalBlocker(self.row_spin):
                    # numbered as the data grid numbers rows: the label + 1
                    self.row_spin.setRange(int(index.min()) + 1, int(index.max()) + 1)
        self._result, self._group = result, group
        if result is not None:
            self.intro.setText(text.INTRO.format(target=result.goal.target))
        if self.isVisible():
            self._update()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._update()

    # -- which rows ----------------------------------------------------------------------------
    def _request(self) -> tuple[Selection, Any] | None:
        choice = self.rows_combo.currentData()
        result = self._result
        if choice == "group":
            if self._group is None:
                return None
            return Selection(base="group", group=int(self._group.id)), None
        if choice == "focus":
            goal = result.goal
            return Selection(base="focus", focus=str(goal.focus), target=goal.target), None
        if choice == "row":
            return Selection(), int(self.row_spin.value()) - 1
        return Selection(), None

    def _update(self) -> None:
        """Start the curves for the current choice of rows, unless they are already shown."""
        self.row_spin.setEnabled(self.rows_combo.currentData() == "row")
        if self._result is None:
            self._asked = None
            self._clear("")
            return
        request = self._request()
        if request is None:
            self._asked = None
            self._clear(text.NO_GROUP)
            return
        rows, row = request
        asked = (self._result, rows, row)
        if self._asked is not None and self._asked[0] is asked[0] and self._asked[1:] == asked[1:]:
            return
        self._asked = asked
        band = self._band[1] if self._band and self._band[0] is self._result else None
        self._clear(text.COMPUTING)
        self.controller.runner.cancel(OWNER_SETTING)
        self.controller.runner.start(
            OWNER,
            _compute_profile,
            self._result,
            rows,
            row,
            band,
            on_success=lambda out, result=self._result: self._on_profile_succeeded(result, out),
            on_failure=self._on_job_failed,
        )

    def _clear(self, message: str) -> None:
        self.profile = self.claim = None
        self.status.setText(message)
        self.sentence.clear()
        self.details.clear()
        self.warning.clear()
        self.create_button.setEnabled(False)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.plots.clear()
        self.editors.clear()

    # -- results ---------------------------------------------------------------------------------
    def _on_profile_succeeded(self, result: Any, out: tuple[Any, Any]) -> None:
        band, profile = out
        self._band = (result, band)
        if result is not self._result:
            return
        self._clear("")
        self.profile = profile
        self.status.setText(words.held_sentence(profile.held))
        unit = profile.target
        if profile.label is not None:
            unit = text.UNIT_RATE.format(label=profile.label)
        for i, curve in enumerate(profile.curves):
            self.grid.addWidget(self._factor_box(curve, profile.now, unit), i // 2, i % 2)
        first = profile.curves[0]
        self.set_value(first.column, first.current if first.current is not None else first.grid[0])

    def _factor_box(self, curve: Any, now: float, unit: str) -> QGroupBox:
        box = QGroupBox(curve.column)
        plot = WhatIfPlot()
        plot.show_curve(curve, now, rate=self.profile.label is not None, unit_label=unit)
        plot.value_chosen.connect(lambda v, c=curve.column: self.set_value(c, v))
        editor: QWidget
        if curve.range.categorical:
            combo = QComboBox()
            combo.addItems([str(v) for v in curve.grid])
            combo.setCurrentText(str(curve.current if curve.current is not None else curve.grid[0]))
            combo.activated.connect(
                lambda _i, c=curve.column, w=combo: self.set_value(c, w.currentText())
            )
            editor = combo
        else:
            spin = QDoubleSpinBox()
            rng = curve.range
            width = max(rng.high - rng.low, 1e-9)
            spin.setDecimals(_decimals(width))
            # Wider than the data on purpose: a value outside it is answered with a warning.
            spin.setRange(rng.low - width, rng.high + width)
            spin.setSingleStep(width / 50)
            spin.setValue(float(curve.current if curve.current is not None else curve.grid[0]))
            spin.editingFinished.connect(
                lambda c=curve.column, w=spin: self.set_value(c, w.value())
            )
            editor = spin
        row = QHBoxLayout()
        row.addWidget(QLabel(text.SET_LABEL))
        row.addWidget(editor, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(plot, 1)
        layout.addLayout(row)
        self.plots[curve.column] = plot
        self.editors[curve.column] = editor
        return box

    def set_value(self, column: str, value: Any) -> None:
        """Set ``column`` to ``value`` (the user moved a marker or typed) and ask the model."""
        if self.profile is None or column not in self.plots:
            return
        editor = self.editors[column]
        if isinstance(editor, QDoubleSpinBox):  # a dragged marker: the box's precision
            value = round(float(value), editor.decimals())
        self.active = column
        self._show_value(column, value)
        band = self._band[1] if self._band else None
        self.controller.runner.start(
            OWNER_SETTING,
            _compute_setting,
            self._result,
            self.profile,
            column,
            value,
            band,
            on_success=lambda claim, p=self.profile: self._on_setting_succeeded(p, claim),
            on_failure=self._on_setting_failed,
        )

    def _show_value(self, column: str, value: Any) -> None:
        editor = self.editors[column]
        with QSignalBlocker(editor):
            if isinstance(editor, QComboBox):
                editor.setCurrentText(str(value))
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(value))
        # Outside the curve the marker stops at its edge; the sentence warns.
        self.plots[column].set_marker(value)

    def _on_setting_succeeded(self, profile: Any, claim: Any) -> None:
        if profile is not self.profile:
            return
        self.claim = claim
        self.sentence.setText(words.setting_sentence(claim))
        self.details.setText(
            "\n".join([words.similar_sentence(claim), words.band_sentence(claim), words.caveat()])
        )
        self.warning.setText("\n".join(words.warnings(claim)))
        self.warning.setVisible(bool(self.warning.text()))
        self.create_button.setEnabled(True)

    def _on_job_failed(self, failure: JobFailure) -> None:
        self._clear(_failure_text(failure))

    def _on_setting_failed(self, failure: JobFailure) -> None:
        """The curves stay; the setting's answer is replaced by what went wrong."""
        self.claim = None
        self.sentence.clear()
        self.details.clear()
        self.warning.setText(_failure_text(failure))
        self.warning.setVisible(True)
        self.create_button.setEnabled(False)

    # -- user intent -----------------------------------------------------------------------------
    def _on_rows_combo_activated(self, _index: int) -> None:
        self._update()

    def _on_row_spin_editing_finished(self) -> None:
        self._update()

    def _on_create_button_clicked(self) -> None:
        """Propose an action that tries the setting, with the prediction as its expected effect."""
        from workbench.feedback.whatif_action import action_from_whatif

        if self.claim is None or self.profile is None:
            return
        curve = self.profile.curve(self.claim.column)
        group = self._group if self.claim.group is not None else None
        action = action_from_whatif(
            self.claim, goal=self._result.goal, group=group, current=curve.current
        )
        self.action_requested.emit(action)


def _failure_text(failure: JobFailure) -> str:
    if failure.expected:
        return failure.message + (f" {failure.hint}" if failure.hint else "")
    return text.FAILED.format(message=failure.message)


def _decimals(width: float) -> int:
    """Decimals for a factor's box: about three significant digits of its range."""
    import math

    return max(0, min(6, 3 - math.floor(math.log10(width))))
