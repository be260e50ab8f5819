"""The Evidence part of the action dialog: before/after numbers, pasted or read from a data
file's column, compared with :func:`workbench.feedback.evidence.compare` into one plain sentence.

The outcome the engineer picks stays theirs; the evidence sits beside it. :attr:`EvidenceBox.
evidence` is what the action stores (``Evidence.to_dict()``), or None.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import JobFailure, JobRunner
from workbench.errors import WorkbenchError
from workbench.feedback.evidence import evidence_texts
from workbench.i18n import _

# -- the box's sentences -------------------------------------------------------------------------
INTRO = _(
    "Paste the measurements from before and after the change (or control and trial), one number "
    "a line, or read them from a column of a data file. For a defect rate, use 1 for a defect "
    "and 0 for a good part."
)
SIDES = {"before": _("Before (or control)"), "after": _("After (or trial)")}
PASTE_HINT = _("e.g.\n18.2\n18.5\n18.1")
COLUMN_LABEL = _("Column in the data file:")
COLUMN_HINT = _("e.g. efficiency")
FROM_FILE = {"before": _("Before from a file…"), "after": _("After from a file…")}
KIND_LABEL = _("Compare as:")
KINDS = {
    "auto": _("decide from the numbers"),
    "mean": _("measurements (averages)"),
    "proportion": _("a rate (0/1 values)"),
}
COMPARE = _("Compare")
NO_EVIDENCE = _("No evidence yet. The outcome you pick is yours; evidence sits beside it.")
COLUMN_NEEDED = _("Write the name of the column to read first.")
READING = _("Reading {file}…")
READ_FROM = _("{n} values read from {source}.")
FILE_FILTER = _("Data files (*.csv *.txt *.xlsx *.xlsm *.xls);;All files (*)")


class EvidenceBox(QWidget):
    """Before/after samples, the kind of comparison, and the result in words."""

    def __init__(
        self,
        evidence: dict[str, Any] | None = None,
        runner: JobRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.evidence = dict(evidence) if evidence else None
        self.runner = runner
        self._from_file: dict[str, tuple[str, Any]] = {}  # side -> (text shown, Sample)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.edits = {side: QPlainTextEdit() for side in SIDES}
        for edit in self.edits.values():
            edit.setPlaceholderText(PASTE_HINT)
            edit.setMaximumHeight(110)
        self.column_edit = QLineEdit()
        self.column_edit.setPlaceholderText(COLUMN_HINT)
        self.file_buttons = {side: QPushButton(FROM_FILE[side]) for side in SIDES}
        for side, button in self.file_buttons.items():
            button.clicked.connect(lambda _c=False, s=side: self._on_file_clicked(s))
        self.kind_combo = QComboBox()
        for key, text in KINDS.items():
            self.kind_combo.addItem(text, key)
        self.compare_button = QPushButton(COMPARE)
        self.compare_button.clicked.connect(self.compare_now)
        self.result = QLabel()
        self.result.setObjectName("evidence_result")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("evidence_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a50f15;")
        self.error.hide()

        grid = QGridLayout()
        for col, side in enumerate(SIDES):
            grid.addWidget(QLabel(SIDES[side]), 0, col)
            grid.addWidget(self.edits[side], 1, col)
            grid.addWidget(self.file_buttons[side], 2, col)
        column_row = QHBoxLayout()
        column_row.addWidget(QLabel(COLUMN_LABEL))
        column_row.addWidget(self.column_edit, 1)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(KIND_LABEL))
        kind_row.addWidget(self.kind_combo)
        kind_row.addStretch(1)
        kind_row.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(column_row)
        layout.addLayout(kind_row)
        layout.addWidget(self.error)
        layout.addWidget(self.result, 1)
        self._show(self.evidence)

    # -- showing ------------------------------------------------------------------------------
    def _show(self, evidence: dict[str, Any] | None) -> None:
        if not evidence:
            self.result.setText(NO_EVIDENCE)
            return
        text, test, warnings = evidence_texts(evidence)
        lines = [text, test, *(f"⚠ {w}" for w in warnings)]
        self.result.setText("\n".join(line for line in lines if line))

    def _say_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- samples from a file (read in a job: a large file takes seconds) ---------------------
    def _on_file_clicked(self, side: str) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, FROM_FILE[side], "", FILE_FILTER)
        if path:
            self.load_file(side, path, self.column_edit.text().strip())

    def load_file(self, side: str, path: str, column: str) -> None:
        """Read ``column`` of ``path`` into the ``side`` box (in a job when there is a runner)."""
        from pathlib import Path

        from workbench.feedback.evidence_samples import sample_from_file

        if not column:
            self._say_error(COLUMN_NEEDED)
            return
        self._say_error("")
        self.result.setText(READING.format(file=Path(path).name))
        if self.runner is None:
            try:
                self._loaded(side, sample_from_file(path, column))
            except WorkbenchError as exc:
                self._failed(JobFailure(exc.message, exc.hint, "", expected=True))
            return
        self.runner.start(
            f"evidence-{side}-{id(self)}",
            lambda ctx: sample_from_file(path, column, ctx),
            on_success=lambda sample: self._loaded(side, sample),
            on_failure=self._failed,
        )

    def _loaded(self, side: str, sample: Any) -> None:
        text = "\n".join(f"{v:g}" for v in sample.values)
        self.edits[side].setPlainText(text)
        self._from_file[side] = (text, sample)  # keeps the file and column as the source
        self.result.setText(READ_FROM.format(n=len(sample), source=sample.source))

    def _failed(self, failure: JobFailure) -> None:
        self._say_error(f"{failure.message} {failure.hint}".strip())
        self._show(self.evidence)

    # -- comparing ----------------------------------------------------------------------------
    def _sample(self, side: str) -> Any:
        text = self.edits[side].toPlainText()
        shown, sample = self._from_file.get(side, (None, None))
        return sample if sample is not None and text == shown else text

    def compare_now(self) -> dict[str, Any] | None:
        """Compare the two sides; on success the result is shown and becomes :attr:`evidence`."""
        from workbench.feedback.evidence import compare

        try:
            result = compare(
                self._sample("before"), self._sample("after"), self.kind_combo.currentData()
            )
        except WorkbenchError as exc:
            self._say_error(f"{exc.message} {exc.hint}".strip())
            return None
        self._say_error("")
        self.evidence = result.to_dict()
        self._show(self.evidence)
        return self.evidence
