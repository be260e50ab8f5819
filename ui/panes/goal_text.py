"""The Goal pane's sentences, in one place (a Korean catalog translates them)."""

from __future__ import annotations

from workbench.i18n import _, ngettext
from workbench.steps.goal import Direction, Task
from workbench.tables.table import ColumnKind
from workbench.vocabulary import ColumnRole, role_label

TITLE = _("Goal")
NO_DATA = _("There is no data yet. Load a data file first; then choose what to improve here.")
GO_TO_DATA = _("Go to the Data step")
NO_TARGET = _("Choose the column you want to improve.")
NAME_HINT = _("e.g. Line 3 firing efficiency (used in the report and the library)")
PLOT_PLACEHOLDER = _(
    "Choose the target on the left: its values are drawn here, with the rows you study highlighted."
)
DIRECTIONS = {
    Direction.MAXIMIZE: _("Make it higher"),
    Direction.MINIMIZE: _("Make it lower"),
    Direction.CLASS: _("Predict (and reduce) one class"),
}
FOCUS_KINDS = {
    "top": _("Top share of rows"),
    "bottom": _("Bottom share of rows"),
    "class": _("A class"),
}
TASKS = {
    Task.REGRESSION: _("a number (regression)"),
    Task.BINARY: _("two classes"),
    Task.MULTICLASS: _("several classes"),
}
TASK_AUTO = _("Automatic: {task}")
SUCCESS_HINT = _("e.g. +0.3 (optional)")
SUCCESS_BAD = _("“{text}” is not a number. Write the change you hope for, e.g. +0.3 or -2.")
ROLES_INTRO = _(
    "Every column goes into the model unless it is kept out. Mark the settings the line can "
    "change as controllable: only those can become actions."
)
ROLES_NEED_TARGET = _("Choose the target first; the roles depend on it.")
ROLE_HEADERS = [_("Column"), _("Type"), _("Role"), _("Why"), _("Chosen by")]
ROLES = {role: role_label(role) for role in ColumnRole}  # the words of workbench.vocabulary
BACK_TO_SUGGESTION = _("↺ Use the suggestion")
BY_USER = _("You")
BY_SUGGESTION = _("Suggested")
SHORT_REASONS = {
    "id": _("an ID column"),
    "time": _("the time column"),
    "excluded": _("excluded by you"),
    "constant": _("same value in every row"),
    "id_like": _("looks like an ID"),
    "leakage": _("almost a copy of the target"),
    "empty": _("empty"),
    "text": _("free text"),
    "datetime": _("a date/time"),
    "high_cardinality": _("nearly one value per row"),
}
FORCED = _("⚠ kept in by you, though {reason}")
KIND_WORDS = {
    ColumnKind.NUMERIC: _("number"),
    ColumnKind.CATEGORICAL: _("category"),
    ColumnKind.BOOLEAN: _("yes/no"),
    ColumnKind.DATETIME: _("date/time"),
    ColumnKind.TEXT: _("text"),
    ColumnKind.ID: _("ID"),
}
PLOT_NOTE = _("Dark orange: the rows in the focus. Light blue: the other rows.")


def focus_count_text(n: int, total: int, description: str) -> str:
    return ngettext(
        "{n} of {total} rows is in the focus: {what}.",
        "{n} of {total} rows are in the focus: {what}.",
        n,
    ).format(n=f"{n:,}", total=f"{total:,}", what=description)
