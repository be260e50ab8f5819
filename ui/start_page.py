"""The start page shown when no project is open: demo, new from data, open, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.i18n import _


def _texts() -> dict[str, str]:
    # The page's sentences, together in one place.
    return {
        "title": _("Welcome to Workbench {version}").format(version=__version__),
        "intro": _(
            "Turn your plant data into tested improvements: set a goal, check the data, let a "
            "model find what drives the result, and log the actions you try."
        ),
        "demo": _("Open demo project"),
        "demo_tip": _("A solar cell line with a ready analysis: walk the whole loop in minutes."),
        "new": _("New project from a data file…"),
        "new_tip": _("Start from a CSV, TSV or Excel file. The file itself is never changed."),
        "open": _("Open project…"),
        "open_tip": _("Open a saved Workbench project (.wbproj)."),
        "recent": _("Recent projects and files"),
        "no_recent": _("Nothing opened yet. Files you open will be listed here."),
        "drop": _("You can also drop a data file or a project file onto this window."),
        "library": _("Experiment library: what was tried before"),
    }


class StartPage(QWidget):
    """Big buttons for the first steps; emits what the user asked for, the shell does it."""

    open_demo_requested = Signal()
    new_from_data_requested = Signal()
    open_project_requested = Signal()
    open_recent_requested = Signal(str)
    library_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        t = _texts()
        title = QLabel(t["title"])
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(t["intro"])
        intro.setWordWrap(True)

        self.demo_button = self._big_button(t["demo"], t["demo_tip"])
        self.new_button = self._big_button(t["new"], t["new_tip"])
        self.open_button = self._big_button(t["open"], t["open_tip"])
        self.demo_button.setDefault(True)
        self.demo_button.clicked.connect(self.open_demo_requested)
        self.new_button.clicked.connect(self.new_from_data_requested)
        self.open_button.clicked.connect(self.open_project_requested)

        buttons = QVBoxLayout()
        for button, tip in (
            (self.demo_button, t["demo_tip"]),
            (self.new_button, t["new_tip"]),
            (self.open_button, t["open_tip"]),
        ):
            buttons.addWidget(button)
            label = QLabel(tip)
            label.setWordWrap(True)
            label.setContentsMargins(8, 0, 0, 12)
            buttons.addWidget(label)
        buttons.addStretch(1)

        recent_title = QLabel(t["recent"])
        bold = QFont(recent_title.font())
        bold.setBold(True)
        recent_title.setFont(bold)
        self.recent = QListWidget()
        self.recent.setObjectName("recent_files")
        self.recent.setSpacing(4)
        self.recent.itemClicked.connect(self._on_recent_item_activated)
        self.no_recent = QLabel(t["no_recent"])
        self.no_recent.setWordWrap(True)
        self.no_recent.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The list and its "nothing yet" note share one place, so the column keeps its shape.
        self.recent_stack = QStackedWidget()
        self.recent_stack.addWidget(self.recent)
        self.recent_stack.addWidget(self.no_recent)
        recent = QVBoxLayout()
        recent.addWidget(recent_title)
        recent.addWidget(self.recent_stack, 1)
        self.library_button = QPushButton(t["library"])
        self.library_button.clicked.connect(self.library_requested)
        recent.addWidget(self.library_button, 0, Qt.AlignmentFlag.AlignLeft)

        columns = QHBoxLayout()
        columns.addLayout(buttons, 1)
        columns.addSpacing(32)
        columns.addLayout(recent, 1)

        drop = QLabel(t["drop"])
        drop.setEnabled(False)  # greyed: a hint, not an instruction
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 32)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(24)
        layout.addLayout(columns, 1)
        layout.addWidget(drop)
        self.set_recent([])

    @staticmethod
    def _big_button(text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setMinimumHeight(56)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = QFont(button.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        button.setFont(font)
        return button

    def set_recent(self, paths: list[str]) -> None:
        """Show ``paths`` (newest first): the file name, with the full path as a tooltip."""
        self.recent.clear()
        for path in paths:
            p = Path(path)
            item = QListWidgetItem(f"{p.name}  —  {p.parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent_stack.setCurrentWidget(self.recent if paths else self.no_recent)

    def _on_recent_item_activated(self, item: QListWidgetItem) -> None:
        self.open_recent_requested.emit(item.data(Qt.ItemDataRole.UserRole))


if __name__ == "__main__":
    from ui.app import run_preview
    from ui.preferences import load_preferences

    def _page() -> StartPage:
        page = StartPage()
        page.set_recent(load_preferences().existing_recent())
        page.resize(1100, 700)
        return page

    run_preview(_page)
