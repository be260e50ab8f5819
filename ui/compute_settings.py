"""Settings ▸ Compute: run the model on this computer, or on a Dask cluster at an address.

The choice is kept in the preferences (``compute``: "" = this computer, else ``local:N`` or the
scheduler's address) and read by the Model step when it starts a run
(:func:`workbench.compute.model_job.run_model_on_cluster`). *Check* connects once, in a job,
and shows how many workers answered and the cluster's dashboard link.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
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

TITLE = _("Compute")
INTRO = _(
    "Where the model is fitted and explained. On this computer is right for most tables. For "
    "tables too large for it, a Dask cluster can do the work: the data file must then be "
    "Parquet or CSV in a folder every machine of the cluster can read."
)
HERE = _("On this computer")
CLUSTER = _("On a cluster at an address:")
ADDRESS_PLACEHOLDER = _("e.g. tcp://10.0.0.5:8786, or local:4 for 4 processes here")
CHECK = _("Check")
CHECKING = _("Connecting…")
CONNECTED = _("Connected: {workers} workers. Dashboard: {link}")
CONNECTED_NO_LINK = _("Connected: {workers} workers (this cluster shows no dashboard).")
NEED_ADDRESS = _("Write the cluster's address first.")
JOB = "compute-settings"


class ComputeSettingsDialog(QDialog):
    """Choose where models run; :attr:`choice` holds it ("" = this computer) once accepted."""

    def __init__(self, choice: str, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(560)
        self.runner = runner
        self.choice = choice
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.here = QRadioButton(HERE)
        self.cluster = QRadioButton(CLUSTER)
        group = QButtonGroup(self)
        group.addButton(self.here)
        group.addButton(self.cluster)
        self.address = QLineEdit(choice)
        self.address.setPlaceholderText(ADDRESS_PLACEHOLDER)
        self.address.textEdited.connect(lambda _t: self.cluster.setChecked(True))
        self.check_button = QPushButton(CHECK)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        (self.cluster if choice else self.here).setChecked(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setOpenExternalLinks(True)  # the dashboard opens in the browser
        self.status.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.address, 1)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.here)
        layout.addWidget(self.cluster)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def chosen(self) -> str:
        """The choice as it stands ("" = this computer)."""
        return self.address.text().strip() if self.cluster.isChecked() else ""

    def accept(self) -> None:
        """Keep the choice when it reads as an address (a connection is checked by *Check*)."""
        from workbench.compute.target import parse_target
        from workbench.errors import WorkbenchError

        text = self.chosen()
        if self.cluster.isChecked():
            if not text:
                self._say(NEED_ADDRESS)
                return
            try:
                text = parse_target(text).to_text()
            except WorkbenchError as exc:
                self._say(f"{exc.message} {exc.hint}")
                return
        self.choice = text
        super().accept()

    def _on_check_button_clicked(self) -> None:
        from workbench.compute.model_job import check_cluster

        text = self.address.text().strip()
        if not text:
            self._say(NEED_ADDRESS)
            return
        self.cluster.setChecked(True)
        self.check_button.setEnabled(False)
        self._say(CHECKING, error=False)
        self.runner.start(
            JOB, check_cluster, text, on_success=self._on_checked, on_failure=self._on_failed
        )

    def _on_checked(self, outcome: tuple[int, str]) -> None:
        from html import escape

        workers, link = outcome
        self.check_button.setEnabled(True)
        if link:
            anchor = f'<a href="{escape(link)}">{escape(link)}</a>'
            self._say(CONNECTED.format(workers=workers, link=anchor), error=False)
        else:
            self._say(escape(CONNECTED_NO_LINK.format(workers=workers)), error=False)

    def _on_failed(self, failure: JobFailure) -> None:
        self.check_button.setEnabled(True)
        self._say(f"{failure.message} {failure.hint}".strip())

    def _say(self, text: str, *, error: bool = True) -> None:
        self.status.setStyleSheet("color: #a50f15;" if error else "color: #444;")
        self.status.setText(text)
        self.status.show()
