""" "Predict the missing values…": the short dialog that asks for a confidence threshold.

It builds the ``predict_missing`` recipe step; nothing runs here. For the goal's own column it
also offers (off by default) to use the predicted outcomes in the model as if measured.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.i18n import _

TITLE = _("Predict the missing values")
DEFAULT_THRESHOLD = 80  # percent


def explanation(column: str, missing: int, known: int) -> str:
    return _(
        "Workbench learns ‘{column}’ from the {known:,} rows where it is known and fills its "
        "{missing:,} missing cells. It reads the other columns only: never the goal's column, "
        "nor the columns flagged as leaking it.\n\nEach filled cell gets a confidence. For a "
        "label: its chance of being right, measured on rows held out of the model. For a "
        "number: how much narrower its 80% range is than the column's usual spread. Filled "
        "cells are shaded in the data grid and marked in exports; the data file is never "
        "changed."
    ).format(column=column, known=known, missing=missing)


THRESHOLD = _("Leave a cell empty when its confidence is below")
TARGET_NOTE = _(
    "This is the goal's column: rows whose outcome is predicted, not measured, are kept out of "
    "the model fit and the cause groups."
)
TRAIN_ON_PREDICTED = _("Use the predicted outcomes in the model as if measured (not advised)")


class PredictMissingDialog(QDialog):
    """Asks how to predict one column's missing values; :meth:`step` is the recipe step."""

    def __init__(
        self,
        column: str,
        missing: int,
        known: int,
        is_target: bool,
        exclude: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.column = column
        self.exclude = exclude
        self.is_target = is_target
        text = QLabel(explanation(column, missing, known))
        text.setWordWrap(True)
        self.threshold_box = QCheckBox(THRESHOLD)
        self.threshold_spin = QSpinBox()
        self.threshold_spin.setRange(1, 99)
        self.threshold_spin.setSuffix("%")
        self.threshold_spin.setValue(DEFAULT_THRESHOLD)
        self.threshold_spin.setEnabled(False)
        self.threshold_box.toggled.connect(self.threshold_spin.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.threshold_box)
        row.addWidget(self.threshold_spin)
        row.addStretch(1)
        self.train_box = QCheckBox(TRAIN_ON_PREDICTED)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        if is_target:
            note = QLabel(TARGET_NOTE)
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addWidget(self.train_box)
        self.train_box.setVisible(is_target)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def set_threshold(self, percent: int | None) -> None:
        """Ask for a threshold (``None``: fill every cell)."""
        self.threshold_box.setChecked(percent is not None)
        if percent is not None:
            self.threshold_spin.setValue(percent)

    def step(self) -> dict[str, Any]:
        """The ``predict_missing`` step the user asked for."""
        step: dict[str, Any] = {"op": "predict_missing", "column": self.column}
        if self.threshold_box.isChecked():
            step["min_confidence"] = self.threshold_spin.value() / 100
        if self.exclude:
            # recorded in the step, so every replay (GUI, CLI, rerun) reads the same columns
            step["exclude"] = list(self.exclude)
        if self.is_target and self.train_box.isChecked():
            step["train_on_predicted"] = True
        step["source"] = "predict_missing"
        return step
