"""The Actions pane: the log of what the line tries because of the analysis, and what came of it.

Each row is one :class:`workbench.feedback.actions.Action` of ``project.actions`` (a saved project
may
hold them as plain dicts; they are read with :func:`workbench.feedback.actions.actions_from_json`).
Add and Edit open :class:`~ui.panes.action_dialog.ActionDialog`; an edit goes through
:func:`workbench.feedback.actions.update_action`, so every change is kept in the action's history,
and
the project is marked as changed. Below the table, the selected action's hypothesis, changes,
outcome and history are shown in words.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.panes.action_dialog import ActionDialog
from ui.panes.base import Pane
from ui.widgets.record_table import record_table
from workbench.errors import WorkbenchError
from workbench.feedback.actions import Action, actions_from_json, new_action, update_action
from workbench.feedback.actions_wording import (
    added_to_library,
    change_text,
)
from workbench.feedback.success_check import action_success_check
from workbench.i18n import _, ngettext
from workbench.project import Section
from workbench.vocabulary import result_label, status_label

# -- the pane's sentences ------------------------------------------------------------------------
TITLE = _("Actions")
INTRO = _(
    "Each action is an experiment on the line. Log what happened — improved, no change, worse, "
    "or could not be tried and why: what did not work is worth as much as what did."
)
EMPTY = _("No actions yet. Create one from a cause group on the Causes step, or add one by hand.")
HEADERS = [
    _("Title"),
    _("What to change"),
    _("Owner"),
    _("Planned"),
    _("Status"),
    _("Outcome"),
    _("Measured effect"),
    _("Success criterion"),
]
ADD = _("Add action…")
EDIT = _("Edit…")
DETAILS_BOX = _("The selected action")
NO_SELECTION = _("Select an action to see its details.")
DETAIL_HYPOTHESIS = _("Hypothesis: {text}")
DETAIL_CHANGES = _("Change: {text}")
DETAIL_REASON = _("Could not be tried because: {text}")
DETAIL_NOTES = _("Notes: {text}")
DETAIL_GROUP = _("From cause group {id}.")
SAVED_EDIT = _("Updated the action “{title}”.")
SAVED_NEW = _("Added the action “{title}” to the log.")


LIBRARY_FAILED = _(
    "The outcome is saved in the project, but not in the experiment library: {message} {hint}"
)
#: Edits that change what the library holds about a logged action.
LIBRARY_FIELDS = frozenset(
    {"status", "outcome", "evidence", "reason_not_tried", "measured_effect", "notes", "title"}
)


def _add_to_library(library_type: Any, entry: Any) -> tuple[str, str | None]:
    """Runs in a job: store ``entry``; returns the library's path and its notice (if any)."""
    library = library_type()
    library.add(entry)
    return str(library.path), library.notice


def _history_line(n: int) -> str:
    return ngettext(
        "{n} change recorded in its history.", "{n} changes recorded in its history.", n
    ).format(n=n)


def action_row(action: Action, goal: Any = None) -> list[str]:
    """The table cells of one action, in :data:`HEADERS` order (``goal``: the project's goal,
    whose success criterion judges the action's evidence)."""
    effect = "" if action.measured_effect is None else f"{action.measured_effect:+g}"
    check = action_success_check(action, goal)
    return [
        action.title,
        "; ".join(change_text(c) for c in action.changes),
        action.owner,
        action.planned_date or "",
        status_label(action.status),
        result_label(action.result_kind) if action.is_logged else "",
        effect,
        "" if check is None else check.short,
    ]


def action_details(action: Action, goal: Any = None) -> str:
    """The selected action in words, one fact per line."""
    lines = []
    if action.hypothesis:
        lines.append(DETAIL_HYPOTHESIS.format(text=action.hypothesis))
    for change in action.changes:
        lines.append(DETAIL_CHANGES.format(text=change_text(change)))
    if action.reason_not_tried:
        lines.append(DETAIL_REASON.format(text=action.reason_not_tried))
    if action.notes:
        lines.append(DETAIL_NOTES.format(text=action.notes))
    if action.source_group is not None:
        lines.append(DETAIL_GROUP.format(id=action.source_group.group_id))
    check = action_success_check(action, goal)
    if check is not None:
        lines.append(check.text)
    lines.append(_history_line(len(action.history)))
    return "\n".join(lines)


MIN_COLUMN_WIDTH = 90
MAX_COLUMN_WIDTH = 220  # long titles and changes wrap; a 1280-px window shows all 8 columns


class ActionsPane(Pane):
    """The action log: a table with Add and Edit, and the selected action's details."""

    title = TITLE

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("empty")
        self.empty.setWordWrap(True)
        self.table = record_table(HEADERS, "actions")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_editor(row))
        self.add_button = QPushButton(ADD)
        self.add_button.clicked.connect(lambda: self.open_editor(None))
        self.edit_button = QPushButton(EDIT)
        self.edit_button.clicked.connect(lambda: self.open_editor(self.table.currentRow()))
        self.details = QLabel(NO_SELECTION)
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dialog: ActionDialog | None = None
        self.library_note = QLabel()
        self.library_note.setObjectName("library_note")
        self.library_note.setWordWrap(True)
        self.library_note.setTextFormat(Qt.TextFormat.PlainText)
        self.library_note.setStyleSheet("color: #7a4b00;")
        self.library_note.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.library_note)
        details_box = QGroupBox(DETAILS_BOX)
        details_layout = QVBoxLayout(details_box)
        details_layout.addWidget(self.details)
        layout.addWidget(details_box, 1)

    # -- state read from the project ----------------------------------------------------------
    def project_actions(self) -> list[Action]:
        """The project's actions as :class:`Action` objects (saved dicts are read, not changed)."""
        try:
            return actions_from_json(self.project.actions)
        except WorkbenchError:
            return [a for a in self.project.actions if isinstance(a, Action)]

    def is_available(self) -> bool:
        return True  # an action can be logged by hand at any time

    def is_complete(self) -> bool:
        return any(a.is_logged for a in self.project_actions())

    def refresh(self) -> None:
        actions = self.project_actions()
        current = self.table.currentRow()
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(actions))
            for r, action in enumerate(actions):
                for c, text in enumerate(action_row(action, self.project.goal)):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.table.setItem(r, c, item)
            if actions:
                self.table.selectRow(current if 0 <= current < len(actions) else len(actions) - 1)
        self.table.resizeColumnsToContents()
        # Long titles and changes wrap instead of widening forever; an empty log still shows
        # readable columns, and the last one takes the rest of the width.
        for c in range(len(HEADERS) - 1):
            width = min(self.table.columnWidth(c), MAX_COLUMN_WIDTH)
            self.table.setColumnWidth(c, max(MIN_COLUMN_WIDTH, width))
        self.table.resizeRowsToContents()
        self.empty.setVisible(not actions)
        self.edit_button.setEnabled(bool(actions))
        self._show_details()

    def _show_details(self) -> None:
        actions = self.project_actions()
        row = self.table.currentRow()
        self.details.setText(
            action_details(actions[row], self.project.goal)
            if 0 <= row < len(actions)
            else NO_SELECTION
        )

    # -- user intent ------------------------------------------------------------------------------
    def open_editor(self, row: int | None) -> ActionDialog | None:
        """Open the dialog for action ``row`` (None: a new action); returns it (tests fill it)."""
        actions = self.project_actions()
        if row is not None and not 0 <= row < len(actions):
            return None
        action = None if row is None else actions[row]
        dialog = ActionDialog(action, self, runner=self.controller.runner)
        dialog.accepted.connect(lambda: self._apply_dialog(dialog, row))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def propose(self, action: Action) -> ActionDialog:
        """Open the dialog pre-filled with ``action`` (made from a cause group); OK adds it to
        the log with the user's edits, Cancel adds nothing. Returns the dialog (tests fill it)."""
        dialog = ActionDialog(action, self, runner=self.controller.runner, proposed=True)
        dialog.accepted.connect(lambda: self._apply_proposal(dialog, action))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _apply_proposal(self, dialog: ActionDialog, action: Action) -> None:
        try:
            changes = dialog.changed_fields()
            if changes:  # the user's edits of the proposal are kept in its history
                action = update_action(action, **changes)
        except WorkbenchError as exc:
            QMessageBox.warning(self, TITLE, f"{exc.message}\n\n{exc.hint}")
            return
        actions = self.project_actions()
        actions.append(action)
        self.project.actions = actions
        self.project.touch(Section.ACTIONS)
        self.controller.status_message.emit(SAVED_NEW.format(title=action.title))
        if action.is_logged:
            self.record_in_library(action)
        self.table.selectRow(len(self.project_actions()) - 1)
        self._show_details()

    def _apply_dialog(self, dialog: ActionDialog, row: int | None) -> None:
        project = self.project
        actions = self.project_actions()
        changes: dict[str, Any] = {}
        try:
            if row is None:
                values = dialog.values()
                action = new_action(values.pop("title"), **values)
                actions.append(action)
                message = SAVED_NEW
            else:
                changes = dialog.changed_fields()
                if not changes:
                    return
                action = update_action(actions[row], **changes)
                actions[row] = action
                message = SAVED_EDIT
        except WorkbenchError as exc:
            QMessageBox.warning(self, TITLE, f"{exc.message}\n\n{exc.hint}")
            return
        project.actions = actions  # saved dicts become Actions once the log is edited
        project.touch(Section.ACTIONS)
        self.controller.status_message.emit(message.format(title=action.title))
        if action.is_logged and (row is None or LIBRARY_FIELDS & set(changes)):
            self.record_in_library(action)
        if row is None:
            self.table.selectRow(len(self.project_actions()) - 1)
            self._show_details()

    def record_in_library(self, action: Action) -> None:
        """Keep a logged action in the experiment library, in a job (the library may sit on a
        slow network folder); a library that cannot be used is said below the table."""
        from workbench.feedback.library import Library
        from workbench.feedback.library_entry import entry_from_action
        from workbench.feedback.library_search import PROJECT_FILE

        entry = entry_from_action(action, self.project)  # read the project on the GUI thread
        saved = self.controller.project_path
        if saved is not None:  # so the Library view can open the project again
            entry = dataclasses.replace(
                entry, extra={**entry.extra, PROJECT_FILE: str(Path(saved).resolve())}
            )
        path = self.controller.library_path
        self.controller.runner.start(
            f"library-{action.id}",
            lambda _ctx: _add_to_library(lambda: Library(path), entry),
            on_success=self._on_library_recorded,
            on_failure=self._on_library_failed,
        )

    def _on_library_recorded(self, result: tuple[str, str | None]) -> None:
        path, notice = result
        self.library_note.setText(notice or "")
        self.library_note.setVisible(bool(notice))
        self.controller.status_message.emit(added_to_library(path))

    def _on_library_failed(self, failure: Any) -> None:
        self.library_note.setText(
            LIBRARY_FAILED.format(message=failure.message, hint=failure.hint).strip()
        )
        self.library_note.show()

    def _on_table_current_cell_changed(self, *_args: Any) -> None:
        self._show_details()


def main(argv: list[str]) -> int:
    """Preview: ``python -m ui.panes.actions_pane [--screenshot FILE.png [--dialog]]``.

    The demo is analysed, an action is made from each of its first two cause groups, and the
    first one gets an outcome, so the log looks as it does after a few weeks on the line.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.panes.causes_pane import demo_project_with_result
    from workbench.feedback.actions import action_from_group

    app = QApplication.instance() or QApplication(argv)
    controller = ProjectController()
    project = demo_project_with_result()
    result = project.result(Section.MODEL)
    groups = result.causes.groups if result.causes is not None else []
    for group in groups[:2]:
        project.actions.append(action_from_group(group, goal=project.goal, roles=project.roles))
    if project.actions:
        project.actions[0] = update_action(
            project.actions[0],
            owner="김민수",
            planned_date="2026-04-06",
            outcome="improved",
            measured_effect=0.31,
            notes=_("Two weeks on line L3."),
        )
    controller.replace_project(project)
    pane = ActionsPane(controller)
    pane.resize(1180, 640)
    pane.show()
    if "--screenshot" in argv:
        path = argv[argv.index("--screenshot") + 1]

        def grab() -> None:
            # --dialog: the edit dialog of the first action instead of the pane
            widget = pane.open_editor(0) if "--dialog" in argv else pane
            if widget is not pane:
                QTimer.singleShot(500, lambda: (widget.grab().save(path), app.quit()))
                return
            pane.grab().save(path)
            app.quit()

        QTimer.singleShot(1200, grab)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
