"""The Goal pane's roles table: one row per column with a role dropdown and the reason.

Suggestions come from :func:`workbench.steps.roles.assign_roles`; a role the user picks is
reported through :attr:`RolesTable.role_chosen` (the pane stores it in ``project.roles``) and
shown in bold as theirs. The table holds no state: :meth:`RolesTable.fill` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ui.panes.goal_text import (
    BACK_TO_SUGGESTION,
    BY_SUGGESTION,
    BY_USER,
    FORCED,
    KIND_WORDS,
    ROLE_HEADERS,
    ROLES,
    SHORT_REASONS,
)
from workbench.errors import WorkbenchError
from workbench.vocabulary import ColumnRole

#: Table columns.
NAME, KIND, ROLE, WHY, BY = range(5)


class RolesTable(QTableWidget):
    """Every column but the target: type, role dropdown, why it was suggested, who chose it."""

    role_chosen = Signal(str, object)  # column, role value (str) or None = back to suggestion

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(ROLE_HEADERS), parent)
        self.setHorizontalHeaderLabels(ROLE_HEADERS)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)

    def fill(
        self,
        target: str,
        frame: pd.DataFrame,
        kinds: Mapping[str, Any],
        quality: Any,
        user_roles: Mapping[str, Any],
    ) -> str:
        """Rebuild the rows; returns a plain message when the roles cannot be worked out."""
        from workbench.steps.roles import assign_roles

        self.setRowCount(0)
        explicit = {
            c: ColumnRole(r) for c, r in user_roles.items() if c in frame.columns and c != target
        }
        try:
            assignment = assign_roles(frame, kinds, target, quality=quality, explicit=explicit)
        except WorkbenchError as exc:
            return f"{exc.message} {exc.hint}".strip()
        forced = {f.column: f for f in assignment.forced}
        columns = [c for c in frame.columns if c != target]
        self.setRowCount(len(columns))
        for row, column in enumerate(columns):
            self.setItem(row, NAME, QTableWidgetItem(str(column)))
            self.setItem(row, KIND, QTableWidgetItem(KIND_WORDS.get(kinds.get(column), "")))
            combo = QComboBox()
            for role, text in ROLES.items():
                combo.addItem(text, str(role))
            if column in explicit:
                combo.addItem(BACK_TO_SUGGESTION, None)
            combo.setCurrentIndex(combo.findData(str(assignment[column])))
            combo.activated.connect(
                lambda _i, c=column, w=combo: self.role_chosen.emit(c, w.currentData())
            )
            self.setCellWidget(row, ROLE, combo)
            why = QTableWidgetItem("")
            ex = assignment.exclusion(column)
            if column in forced:
                f = forced[column]
                why.setText(FORCED.format(reason=SHORT_REASONS.get(f.reason, f.reason)))
                why.setToolTip(f.message)
            elif ex is not None:
                why.setText(_short_reason(ex))
                why.setToolTip(ex.message)
            self.setItem(row, WHY, why)
            by = QTableWidgetItem(BY_USER if column in explicit else BY_SUGGESTION)
            if column in explicit:
                font = by.font()
                font.setBold(True)
                by.setFont(font)
            self.setItem(row, BY, by)
        return ""


def _short_reason(ex: Any) -> str:
    """The few words of the "why" cell; a leak that is not a near-copy of the target (a flag set
    only in the focus rows, or its family) is not called "almost a copy"."""
    from workbench.steps.model_wording import flag_name

    if ex.reason == "leakage" and ex.details.get("method") not in (None, "groups", "correlation"):
        return flag_name("leakage")
    return SHORT_REASONS.get(ex.reason, ex.reason)
