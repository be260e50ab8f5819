"""A friendly failure box: what went wrong and what to do, technical details behind a button."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.jobs import JobFailure
from workbench.errors import WorkbenchError
from workbench.i18n import _


def failure_box(parent: QWidget | None, failure: JobFailure) -> QMessageBox:
    """The message box for ``failure`` (not shown yet): tests and callers may inspect it."""
    box = QMessageBox(parent)
    box.setObjectName("failure_box")
    # A bad input is a warning the user can act on; a bug is an error we own.
    box.setIcon(QMessageBox.Icon.Warning if failure.expected else QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Workbench"))
    box.setText(failure.message)
    if failure.hint:
        box.setInformativeText(failure.hint)
    if failure.details:
        # QMessageBox puts the details behind its own "Show Details..." button.
        box.setDetailedText(failure.details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_failure(parent: QWidget | None, failure: JobFailure) -> None:
    """Tell the user plainly what went wrong; never a raw traceback on the face of the box."""
    failure_box(parent, failure).exec()


def failure_from_error(error: WorkbenchError, details: str = "") -> JobFailure:
    """A JobFailure for a WorkbenchError caught on the GUI thread (e.g. a bad dropped file)."""
    return JobFailure(error.message, error.hint, details, expected=True)
