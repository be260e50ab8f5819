"""The dialog that adds or edits one action of the log: plan, change, and later the outcome.

:meth:`ActionDialog.values` returns the fields as :class:`workbench.feedback.actions.Action` names
them;
:meth:`ActionDialog.changed_fields` only those that differ from the action being edited, so the
action's history records what the user actually changed.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import JobRunner
from ui.panes.evidence_box import EvidenceBox
from workbench.feedback.actions import Action
from workbench.feedback.actions_wording import (
    change_text,
    expected_effect_short,
)
from workbench.feedback.evidence import evidence_sentence
from workbench.i18n import _
from workbench.steps.whatif_wording import predicted_short
from workbench.vocabulary import Outcome, Status, result_label, status_label

# -- the dialog's sentences ----------------------------------------------------------------------
ADD_TITLE = _("New action")
EDIT_TITLE = _("Edit action")
LABELS = {
    "title": _("Title"),
    "hypothesis": _("Hypothesis: why it should work"),
    "changes": _("What to change"),
    "owner": _("Owner"),
    "planned_date": _("Planned date"),
    "status": _("Status"),
    "outcome": _("Outcome"),
    "measured_effect": _("Measured effect"),
    "notes": _("Notes"),
    "reason_not_tried": _("Reason it could not be tried"),
    "expected_effect": _("Expected from the data"),
    "predicted_effect": _("Predicted by the what-if"),
}
EXPECTED_NOTE = _(
    "{effect}. Measured over the whole table; each row was checked against conditions found "
    "without it."
)
CHANGE_HEADERS = [_("Factor"), _("From"), _("To")]
ADD_CHANGE = _("Add a change")
REMOVE_CHANGE = _("Remove the selected change")
DATE_SET = _("set")
EFFECT_PLACEHOLDER = _("after − before, in the goal's unit (e.g. 0.3)")
REASON_PLACEHOLDER = _("e.g. equipment limit, supplier contract")
TITLE_NEEDED = _("Give the action a short title.")
TAB_ACTION = _("Action")
TAB_EVIDENCE = _("Evidence")
TAB_HISTORY = _("History")
HISTORY_FIELDS = {
    "created": _("Created"),
    "outcome_date": _("Outcome logged on"),
    "evidence": _("Evidence"),
    "redefine_goal": _("Redefine the goal"),
    "redefine_note": _("Note on redefining the goal"),
}
HISTORY_HEADERS = [_("When (UTC)"), _("What changed"), _("Was"), _("Became")]
EFFECT_NOT_NUMBER = _("The measured effect must be a number, such as 0.3 or -1.2 (or left empty).")


def _parse_number(text: str) -> float | None:
    """``0.3``, ``-1,2``, ``+0.4%p`` → a number; empty → None; raises ValueError otherwise."""
    cleaned = text.strip().removesuffix("%p").removesuffix("%").strip().replace(",", ".")
    if not cleaned:
        return None
    value = float(cleaned)
    if value != value or abs(value) == float("inf"):
        raise ValueError(text)
    return value


def _history_value(field: str, value: Any) -> str:
    """A history value in words: status and outcome words, the evidence sentence, changes."""
    if value is None or value == "":
        return ""
    if field == "status":
        return status_label(str(value))
    if field == "outcome":
        return result_label(str(value))
    if field == "evidence" and isinstance(value, dict):
        return evidence_sentence(value)
    if field == "changes" and isinstance(value, list):
        return "; ".join(change_text(c) for c in value if isinstance(c, dict))
    if isinstance(value, str) and field.endswith("_date"):
        return str(value).replace("T", " ").removesuffix("+00:00")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def history_table(action: Action | None) -> QTableWidget:
    """The action's history, read-only, newest first: when, what, old and new value."""
    entries = list(reversed(action.history)) if action is not None else []
    table = QTableWidget(len(entries), len(HISTORY_HEADERS))
    table.setObjectName("history")
    table.setHorizontalHeaderLabels(HISTORY_HEADERS)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    for r, entry in enumerate(entries):
        when = str(entry.get("when", "")).replace("T", " ").removesuffix("+00:00")
        field = str(entry.get("field", ""))
        name = HISTORY_FIELDS.get(field) or LABELS.get(field, field)
        old, new = (_history_value(field, entry.get(k)) for k in ("old", "new"))
        for c, text in enumerate([when, name, old, new]):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    return table


class ActionDialog(QDialog):
    """Edit the fields of one action; :attr:`error` shows what to fix before OK is accepted."""

    def __init__(
        self,
        action: Action | None = None,
        parent: QWidget | None = None,
        runner: JobRunner | None = None,
        *,
        proposed: bool = False,
    ) -> None:
        """``proposed``: ``action`` is a new action pre-filled for the user (from a cause
        group), not yet in the log — the dialog says "New action" and OK adds it."""
        super().__init__(parent)
        self.action = action
        self.proposed = proposed
        self.setWindowTitle(EDIT_TITLE if action is not None and not proposed else ADD_TITLE)
        self.setMinimumWidth(560)
        self.resize(760, 600)  # room for a group's ranges ("16.79 to 19.98 (usual)") unclipped
        self.title_edit = QLineEdit()
        self.hypothesis_edit = QPlainTextEdit()
        self.hypothesis_edit.setMaximumHeight(110)
        self.changes_table = QTableWidget(0, 3)
        self.changes_table.setHorizontalHeaderLabels(CHANGE_HEADERS)
        self.changes_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes_table.verticalHeader().hide()
        self.changes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_table.setMaximumHeight(120)
        add_change = QPushButton(ADD_CHANGE)
        add_change.clicked.connect(lambda: self._add_change_row("", "", ""))
        remove_change = QPushButton(REMOVE_CHANGE)
        remove_change.clicked.connect(self._on_remove_change_clicked)
        self.owner_edit = QLineEdit()
        self.date_check = QCheckBox(DATE_SET)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_check.toggled.connect(self.date_edit.setEnabled)
        self.status_combo = QComboBox()
        for status in Status:
            self.status_combo.addItem(status_label(status), str(status))
        self.status_combo.currentIndexChanged.connect(self._update_reason_enabled)
        self.outcome_combo = QComboBox()
        self.outcome_combo.addItem(result_label(None), None)
        for outcome in Outcome:
            self.outcome_combo.addItem(result_label(outcome), str(outcome))
        self.effect_edit = QLineEdit()
        self.effect_edit.setPlaceholderText(EFFECT_PLACEHOLDER)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(80)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(REASON_PLACEHOLDER)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a50f15;")
        self.error.hide()

        change_buttons = QHBoxLayout()
        change_buttons.addWidget(add_change)
        change_buttons.addWidget(remove_change)
        change_buttons.addStretch(1)
        changes = QVBoxLayout()
        changes.addWidget(self.changes_table)
        changes.addLayout(change_buttons)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_check)
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)
        form = QFormLayout()
        form.addRow(LABELS["title"], self.title_edit)
        form.addRow(LABELS["hypothesis"], self.hypothesis_edit)
        form.addRow(LABELS["changes"], changes)
        effect = expected_effect_short(action.expected_effect) if action is not None else ""
        self.expected_label = QLabel(EXPECTED_NOTE.format(effect=effect) if effect else "")
        self.expected_label.setObjectName("expected_effect")
        self.expected_label.setWordWrap(True)
        if effect:  # the measured claim behind the hypothesis' numbers, read-only
            form.addRow(LABELS["expected_effect"], self.expected_label)
        predicted = predicted_short(getattr(action, "predicted_effect", None))
        self.predicted_label = QLabel(predicted)
        self.predicted_label.setObjectName("predicted_effect")
        self.predicted_label.setWordWrap(True)
        if predicted:  # the what-if setting the action came from, read-only
            form.addRow(LABELS["predicted_effect"], self.predicted_label)
        form.addRow(LABELS["owner"], self.owner_edit)
        form.addRow(LABELS["planned_date"], date_row)
        form.addRow(LABELS["status"], self.status_combo)
        form.addRow(LABELS["outcome"], self.outcome_combo)
        form.addRow(LABELS["measured_effect"], self.effect_edit)
        form.addRow(LABELS["reason_not_tried"], self.reason_edit)
        form.addRow(LABELS["notes"], self.notes_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.evidence_box = EvidenceBox(action.evidence if action else None, runner)
        self.history_table = history_table(action)
        plan = QWidget()
        plan.setLayout(form)
        self.tabs = QTabWidget()
        self.tabs.addTab(plan, TAB_ACTION)
        self.tabs.addTab(self.evidence_box, TAB_EVIDENCE)
        self.tabs.addTab(self.history_table, TAB_HISTORY)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._load(action)

    def _load(self, action: Action | None) -> None:
        if action is None:
            self.date_check.setChecked(False)
            self.date_edit.setEnabled(False)
            self._update_reason_enabled()
            return
        self.title_edit.setText(action.title)
        self.title_edit.setCursorPosition(0)  # a long title shows its beginning
        self.hypothesis_edit.setPlainText(action.hypothesis)
        for change in action.changes:
            self._add_change_row(change["factor"], change["from"], change["to"])
        self.owner_edit.setText(action.owner)
        date = QDate.fromString(action.planned_date or "", "yyyy-MM-dd")
        self.date_check.setChecked(date.isValid())
        self.date_edit.setEnabled(date.isValid())
        if date.isValid():
            self.date_edit.setDate(date)
        self.status_combo.setCurrentIndex(self.status_combo.findData(str(action.status)))
        outcome = None if action.outcome is None else str(action.outcome)
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(outcome))
        if action.measured_effect is not None:
            self.effect_edit.setText(f"{action.measured_effect:g}")
        self.notes_edit.setPlainText(action.notes)
        self.reason_edit.setText(action.reason_not_tried)
        self._update_reason_enabled()

    def _add_change_row(self, factor: str, old: str, new: str) -> None:
        row = self.changes_table.rowCount()
        self.changes_table.insertRow(row)
        for col, text in enumerate((factor, old, new)):
            self.changes_table.setItem(row, col, QTableWidgetItem(text))

    def _on_remove_change_clicked(self) -> None:
        row = self.changes_table.currentRow()
        if row >= 0:
            self.changes_table.removeRow(row)

    def _update_reason_enabled(self, _index: int = 0) -> None:
        self.reason_edit.setEnabled(self.status_combo.currentData() == str(Status.COULD_NOT_TRY))

    def _changes(self) -> list[dict[str, str]]:
        out = []
        for row in range(self.changes_table.rowCount()):
            cells = [self.changes_table.item(row, c) for c in range(3)]
            factor, old, new = (c.text().strip() if c is not None else "" for c in cells)
            if factor or old or new:
                out.append({"factor": factor, "from": old, "to": new})
        return out

    def values(self) -> dict[str, Any]:
        """The fields as entered (raises ValueError with a plain sentence when one is not valid)."""
        title = self.title_edit.text().strip()
        if not title:
            raise ValueError(TITLE_NEEDED)
        try:
            effect = _parse_number(self.effect_edit.text())
        except ValueError:
            raise ValueError(EFFECT_NOT_NUMBER) from None
        date = self.date_edit.date().toString("yyyy-MM-dd") if self.date_check.isChecked() else None
        return {
            "title": title,
            "hypothesis": self.hypothesis_edit.toPlainText().strip(),
            "changes": self._changes(),
            "owner": self.owner_edit.text().strip(),
            "planned_date": date,
            "status": self.status_combo.currentData(),
            "outcome": self.outcome_combo.currentData(),
            "measured_effect": effect,
            "notes": self.notes_edit.toPlainText().strip(),
            "reason_not_tried": self.reason_edit.text().strip(),
            "evidence": self.evidence_box.evidence,
        }

    def changed_fields(self) -> dict[str, Any]:
        """The fields that differ from the action being edited (all of them for a new action)."""
        values = self.values()
        if self.action is None:
            return values
        plain = self.action.to_dict()
        return {k: v for k, v in values.items() if plain.get(k) != v}

    def accept(self) -> None:
        try:
            self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
