"""A plain failure message above a pane's content, with the technical details one click away.

Never a traceback in sight: the message and what to do are shown in words; the details go
to the shell's error dialog (or a message box until that exists) behind a "Details" button.
The banner does not block, so work on the pane continues.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui.jobs import JobFailure
from workbench.i18n import _

DETAILS = _("Details…")
FAILURE_TEXT = _("{message} {hint}")
FAILURE_DETAILS_TITLE = _("What went wrong")


def show_failure_details(parent: QWidget, failure: JobFailure) -> None:
    """The friendly failure dialog, with the technical details behind its button."""
    try:
        from ui.widgets.error_dialog import show_failure
    except ImportError:  # the shell's dialog has not landed yet
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(FAILURE_DETAILS_TITLE)
        box.setText(failure.message)
        box.setInformativeText(failure.hint)
        box.setDetailedText(failure.details)
        box.open()
        return
    show_failure(parent, failure)


class FailureBanner(QWidget):
    """A plain message above the pane's content, with the details one click away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.failure: JobFailure | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPushButton(DETAILS)
        self.details.clicked.connect(self._on_details_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details)
        self.setStyleSheet("background: #fdebd3; border: 1px solid #d55e00;")
        self.hide()

    def _on_details_clicked(self) -> None:
        if self.failure is not None:
            show_failure_details(self, self.failure)

    def show_failure(self, failure: JobFailure) -> None:
        self.failure = failure
        self.label.setText(FAILURE_TEXT.format(message=failure.message, hint=failure.hint))
        self.details.setVisible(bool(failure.details))
        self.show()

    def show_text(self, text: str) -> None:
        self.failure = None
        self.label.setText(text)
        self.details.hide()
        self.show()

    def clear(self) -> None:
        self.failure = None
        self.hide()
