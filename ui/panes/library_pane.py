"""The Library view: every action logged with an outcome, across projects, searchable.

Search by words (title, hypothesis, notes, reasons, factors …), by factor, by outcome and by
project; the selected entry is shown in words, and "Open its project" opens the project file
it came from when that file is at hand (:func:`workbench.feedback.library_search.source_project`).
Reads run as jobs — the library may sit on a shared network folder (Settings ▸ Experiment
library) — and a library that cannot be read only says so here; it never stops the loop.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes.base import Pane
from ui.panes.library_text import (
    ANY,
    COUNT,
    DETAIL_CHANGE,
    DETAIL_CONDITIONS,
    DETAIL_EFFECT,
    DETAIL_EVIDENCE,
    DETAIL_GOAL,
    DETAIL_HYPOTHESIS,
    DETAIL_NOTES,
    DETAIL_PERIOD,
    DETAIL_PROJECT,
    DETAIL_REASON,
    EMPTY_LIBRARY,
    FACTOR_LABEL,
    HEADERS,
    INTRO,
    LOCATION_PERSONAL,
    LOCATION_SHARED,
    NO_HITS,
    NO_SELECTION,
    NOT_AT_HAND,
    OPEN_PROJECT,
    OUTCOME_LABEL,
    PROJECT_LABEL,
    SEARCH_LABEL,
    SEARCH_PLACEHOLDER,
    SEARCHING,
    TITLE,
)
from ui.widgets.record_table import record_table
from workbench.feedback.actions_wording import change_text
from workbench.feedback.library_search import (
    LibraryQuery,
    LibraryView,
    browse_library,
    source_project,
)
from workbench.vocabulary import Result, result_label

JOB = "library-view"
TYPING_PAUSE_MS = 300  # search once the user stops typing, not at every key


def entry_row(entry: Any) -> list[str]:
    """The table cells of one entry, in :data:`HEADERS` order."""
    return [
        (entry.logged_at or "")[:10],
        entry.title,
        result_label(entry.outcome),
        entry.project,
        ", ".join(entry.factors),
    ]


def entry_details(entry: Any) -> str:
    """The entry in words, one fact per line."""
    lines = [DETAIL_PROJECT.format(project=entry.project or "—")]
    if entry.goal_target:
        lines.append(DETAIL_GOAL.format(target=entry.goal_target))
    if entry.data_period:
        lines.append(DETAIL_PERIOD.format(period=entry.data_period))
    if entry.hypothesis:
        lines.append(DETAIL_HYPOTHESIS.format(text=entry.hypothesis))
    for change in entry.changes:
        lines.append(DETAIL_CHANGE.format(text=change_text(change)))
    conditions = [str(c.get("text", "")) for c in entry.conditions if c.get("text")]
    if conditions:
        lines.append(DETAIL_CONDITIONS.format(text="; ".join(conditions)))
    if entry.reason:
        lines.append(DETAIL_REASON.format(text=entry.reason))
    if entry.measured_effect is not None:
        lines.append(DETAIL_EFFECT.format(effect=f"{entry.measured_effect:+g}"))
    if entry.evidence and entry.evidence.get("text"):
        lines.append(DETAIL_EVIDENCE.format(text=entry.evidence["text"]))
    if entry.notes:
        lines.append(DETAIL_NOTES.format(text=entry.notes))
    return "\n".join(lines)


class LibraryPane(Pane):
    """Search the experiment library; open the project an entry came from."""

    title = TITLE
    open_project_requested = Signal(object)  # a Path to a .wbproj

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.view: LibraryView | None = None
        self._pending: LibraryQuery | None = None
        # Set by the window: the recent files, where an entry's project may be found.
        self.recent_files: Callable[[], list[str]] = list
        self._source: Path | None = None  # the selected entry's project file, if at hand
        self.location = QLabel()
        self.location.setObjectName("location")
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self.search_edit.textEdited.connect(lambda _t: self._typing.start())
        self.search_edit.returnPressed.connect(self.search)
        self.factor_combo = QComboBox()
        self.outcome_combo = QComboBox()
        self.outcome_combo.addItem(ANY, "")
        for result in Result:  # "could not try" too: the library keeps those
            self.outcome_combo.addItem(result_label(result), str(result))
        self.project_combo = QComboBox()
        for combo in (self.factor_combo, self.outcome_combo, self.project_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.activated.connect(lambda _i: self.search())
        self._fill_choice(self.factor_combo, [])
        self._fill_choice(self.project_combo, [])
        self.table = record_table(HEADERS, "entries")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_a: self._show_details())
        self.details = QLabel(NO_SELECTION)
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(OPEN_PROJECT)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.open_note = QLabel()
        self.open_note.setWordWrap(True)
        self.open_note.setStyleSheet("color: #555;")
        # Another library chosen: read it now if shown (a hidden pane reads when it shows).
        controller.library_changed.connect(lambda: self.search() if self.isVisible() else None)
        self._build_layout()

    def _build_layout(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(SEARCH_LABEL))
        filters.addWidget(self.search_edit, 1)
        for label, combo in (
            (FACTOR_LABEL, self.factor_combo),
            (OUTCOME_LABEL, self.outcome_combo),
            (PROJECT_LABEL, self.project_combo),
        ):
            filters.addSpacing(8)
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        details_box = QGroupBox(NO_SELECTION)
        self.details_box = details_box
        details_layout = QVBoxLayout(details_box)
        scroll = QScrollArea()  # a long entry scrolls instead of being cut at the bottom
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.details)
        details_layout.addWidget(scroll, 1)
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_note, 1)
        open_row.addWidget(self.open_button)
        details_layout.addLayout(open_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(details_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.location)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    # -- the pane contract ---------------------------------------------------------------------
    def is_available(self) -> bool:
        return True  # the library is there whatever project is open

    def is_complete(self) -> bool:
        return False  # not a step to finish

    def refresh(self) -> None:
        self.search()

    def _on_project_changed(self) -> None:
        # A project edit does not change the library (an outcome logged does, through the
        # Actions pane's job); only the completeness signal is passed on.
        self.completeness_changed.emit()

    # -- searching -----------------------------------------------------------------------------
    def query(self) -> LibraryQuery:
        return LibraryQuery(
            text=self.search_edit.text().strip(),
            factor=self.factor_combo.currentData() or "",
            outcome=self.outcome_combo.currentData() or "",
            project=self.project_combo.currentData() or "",
        )

    def search(self) -> None:
        """Run the current query in a job; the table fills when it is done."""
        query = self.query()
        self._pending = query
        self.message.setText(SEARCHING)
        self.controller.runner.start(
            JOB,
            lambda _ctx, q=query, p=self.controller.library_path: browse_library(q, p),
            on_success=lambda view, q=query: self._on_searched(q, view),
            on_failure=self._on_failed,
        )

    def is_searching(self) -> bool:
        return self.controller.runner.is_running(JOB)

    def _on_searched(self, query: LibraryQuery, view: LibraryView) -> None:
        if query != self._pending:
            return  # an older search; a newer one is on its way
        self.view = view
        shared = self.controller.library_path is not None
        self.location.setText(
            (LOCATION_SHARED if shared else LOCATION_PERSONAL).format(path=view.path)
        )
        self._fill_choice(self.factor_combo, view.factors)
        self._fill_choice(self.project_combo, view.projects)
        if view.total == 0:
            text = EMPTY_LIBRARY
        elif not view.hits:
            text = NO_HITS
        else:
            text = COUNT.format(shown=len(view.hits), total=view.total)
        self.message.setText("\n".join(t for t in (view.notice, text) if t))
        current = self.table.currentRow()
        self.table.setRowCount(len(view.hits))
        for r, entry in enumerate(view.hits):
            for c, value in enumerate(entry_row(entry)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        if view.hits:
            self.table.selectRow(current if 0 <= current < len(view.hits) else 0)
        self._show_details()

    def _on_failed(self, failure: JobFailure) -> None:
        self.view = None
        self.table.setRowCount(0)
        self.message.setText(f"{failure.message} {failure.hint}".strip())
        self._show_details()

    @staticmethod
    def _fill_choice(combo: QComboBox, values: list[str]) -> None:
        """``combo`` offers "any" and ``values``, keeping the chosen one when still there."""
        chosen = combo.currentData() or ""
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ANY, "")
        for value in values:
            combo.addItem(value, value)
        if chosen and chosen not in values:
            combo.addItem(chosen, chosen)  # keep the filter the user set, even with no hits
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    # -- the selected entry --------------------------------------------------------------------
    def selected_entry(self) -> Any | None:
        hits = self.view.hits if self.view is not None else []
        row = self.table.currentRow()
        return hits[row] if 0 <= row < len(hits) else None

    def _show_details(self) -> None:
        entry = self.selected_entry()
        self.details_box.setTitle(entry.title if entry is not None else NO_SELECTION)
        self.details.setText(entry_details(entry) if entry is not None else "")
        found = source_project(entry, self.recent_files()) if entry is not None else None
        self._source = found
        self.open_button.setEnabled(found is not None)
        self.open_button.setToolTip(str(found) if found is not None else "")
        self.open_note.setText(
            "" if entry is None or found is not None else NOT_AT_HAND.format(name=entry.project)
        )

    def _on_open_button_clicked(self) -> None:
        if self._source is not None:
            self.open_project_requested.emit(Path(self._source))


def main(argv: list[str]) -> int:
    """Preview on a library filled from the demo project: ``python -m ui.panes.library_pane``."""
    import os
    import tempfile

    from ui.app import run_preview
    from workbench.feedback.library import Library
    from workbench.store.project_file import open_project

    os.environ.setdefault("WORKBENCH_HOME", tempfile.mkdtemp(prefix="workbench-library-"))
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.wbproj"
    Library().record_project(open_project(demo))

    def build() -> LibraryPane:
        pane = LibraryPane(ProjectController())
        pane.resize(1180, 680)
        return pane

    return run_preview(build, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
