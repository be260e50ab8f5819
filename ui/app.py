"""Start the Workbench desktop application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from workbench import __version__
from workbench.i18n import _


def build_main_window() -> QMainWindow:
    """The main window (an empty shell until the panes arrive)."""
    window = QMainWindow()
    window.setWindowTitle(_("Workbench {version}").format(version=__version__))
    label = QLabel(_("Open a data file to start."))
    label.setMargin(24)
    window.setCentralWidget(label)
    window.resize(1100, 720)
    return window


def main(argv: list[str] | None = None) -> int:
    """Run the app until its window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    window = build_main_window()
    window.show()
    return app.exec()
