"""Settings ▸ Experiment library: the personal library, or a shared team folder.

Several engineers can point at the same network folder. The library keeps that safe by itself
(:mod:`workbench.feedback.library`): every write is one ``BEGIN IMMEDIATE`` transaction with a busy
timeout, and on a network share it uses SQLite's rollback journal instead of WAL (WAL needs
shared memory on one machine). The dialog checks the folder by opening the library there, in a
job, before the choice is kept: a folder that cannot be used is said at once, not at the first
logged outcome.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import JobFailure, JobRunner
from workbench.i18n import _

TITLE = _("Experiment library")
INTRO = _(
    "The experiment library keeps every action logged with an outcome, across projects. Keep "
    "it on this computer, or in a folder your team shares (a network drive): then everyone "
    "sees what the others tried. Several people can log outcomes at the same time; each change "
    "is written whole, one after the other."
)
PERSONAL = _("On this computer: {path}")
SHARED = _("In a shared team folder:")
BROWSE = _("Choose…")
FOLDER_PLACEHOLDER = _(r"e.g. \\server\process\workbench or S:\Workbench")
NEED_FOLDER = _("Choose the shared folder first.")
CHECKING = _("Checking the folder…")
JOB = "library-settings"


def _open_library(_ctx, folder: str | None) -> str:
    """Job: open (and create if needed) the library in ``folder``; returns its file path."""
    from workbench.feedback.library import Library

    return str(Library(folder).path)


class LibrarySettingsDialog(QDialog):
    """Choose the personal library or a shared folder; :attr:`folder` is the choice ("" =
    personal) once the dialog is accepted."""

    def __init__(self, folder: str, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from workbench.feedback.library import default_library_path
        from workbench.paths import user_data_dir

        self.setWindowTitle(TITLE)
        self.setMinimumWidth(560)
        self.runner = runner
        self.folder = folder
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        personal_path = default_library_path(user_data_dir())
        self.personal = QRadioButton(PERSONAL.format(path=personal_path))
        self.shared = QRadioButton(SHARED)
        group = QButtonGroup(self)
        group.addButton(self.personal)
        group.addButton(self.shared)
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setPlaceholderText(FOLDER_PLACEHOLDER)
        self.folder_edit.textEdited.connect(lambda _t: self.shared.setChecked(True))
        browse = QPushButton(BROWSE)
        browse.clicked.connect(self._on_browse_clicked)
        (self.shared if folder else self.personal).setChecked(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a50f15;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.personal)
        layout.addWidget(self.shared)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_folder(self) -> str:
        """The folder as chosen now ("" = the personal library)."""
        return self.folder_edit.text().strip() if self.shared.isChecked() else ""

    def _on_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, TITLE, self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)
            self.shared.setChecked(True)

    def accept(self) -> None:
        """Check the chosen library in a job; the dialog closes only when it can be used."""
        folder = self.chosen_folder()
        if self.shared.isChecked() and not folder:
            self._say(NEED_FOLDER)
            return
        self.ok_button.setEnabled(False)
        self._say(CHECKING, error=False)
        self.runner.start(
            JOB,
            _open_library,
            folder or None,
            on_success=lambda _path: self._accept_now(folder),
            on_failure=self._on_failed,
        )

    def _accept_now(self, folder: str) -> None:
        self.folder = folder
        self.ok_button.setEnabled(True)
        super().accept()

    def _on_failed(self, failure: JobFailure) -> None:
        self.ok_button.setEnabled(True)
        self._say(f"{failure.message} {failure.hint}".strip())

    def _say(self, text: str, *, error: bool = True) -> None:
        self.error.setStyleSheet("color: #a50f15;" if error else "color: #444;")
        self.error.setText(text)
        self.error.show()
