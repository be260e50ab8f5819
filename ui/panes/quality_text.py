"""The Quality pane's sentences, and the plain wording of its counts and numbers."""

from __future__ import annotations

from typing import Any

from ui.panes.data_text import shape_text
from workbench.i18n import _, ngettext
from workbench.numbers_format import format_number

# -- sentences -----------------------------------------------------------------
TITLE = _("Quality")
ALERTS_TITLE = _("What needs attention")
NO_ALERTS = _("No problems found. The data looks ready for modeling.")
ADD_FIX = _("Add fix to recipe")
FIX_ADDED = _("In the recipe")
FIX_PREFIX = _("Suggested fix: {fix}")
PUT_BACK = _("Put back into the model")
KEEP_OUT_AGAIN = _("Keep out of the model again")
PUT_BACK_TIP = _(
    "Flagged columns are kept out of the model by default. Put one back only if you know it is "
    "measured before the result; the model will then say it was flagged."
)
RECIPE_TITLE = _("Cleaning recipe (replayed on the loaded data; the file is never changed)")
RECIPE_EMPTY = _("No cleaning steps yet. Add fixes from the list above.")
REMOVE = _("Remove step")
UP = _("Move up")
DOWN = _("Move down")
STEP_LINE = _("{n}. {description} — {effect}")
STEP_LINE_PENDING = _("{n}. {description}")
STEP_WARNING = _("{n}. {description} — {warning}")
ROWS_LEFT = _("Rows left after cleaning: {left} of {total}")
ROWS_COUNTING = _("Counting the rows left after cleaning…")
CHECKING = _("Checking the data…")
OUT_OF_DATE = _("The data, recipe or goal changed since this check; checking again…")
PROFILE_TAB = _("Columns")
MISSING_CELLS = _("{n} ({pct:.1f}%)")
MISSING_TAB = _("Missing values")
SUMMARY = _("{shape} checked: {errors}, {warnings}, {notes}.")
PROFILE_HEADERS = [
    _("Column"),
    _("Kind"),
    _("Missing"),
    _("Distinct values"),
    _("Lowest"),
    _("Highest"),
    _("Average"),
]
GROUP_COLUMNS_SHOWN = 8  # column names listed on a group card before "…"
SEVERITY_NAMES = {"error": _("Problem"), "warning": _("Warning"), "info": _("Note")}


def summary_text(report: Any) -> str:
    counts = {s: sum(a.severity == s for a in report.alerts) for s in ("error", "warning", "info")}
    return SUMMARY.format(
        shape=shape_text(report.n_rows, report.n_columns),
        errors=ngettext("{n} problem", "{n} problems", counts["error"]).format(n=counts["error"]),
        warnings=ngettext("{n} warning", "{n} warnings", counts["warning"]).format(
            n=counts["warning"]
        ),
        notes=ngettext("{n} note", "{n} notes", counts["info"]).format(n=counts["info"]),
    )


def number_text(value: Any, column: object = None, year: bool = False) -> str:
    """A profile value: a number as every surface writes it, a date without its "T"."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return format_number(value, column=column, year=year)
    # ISO datetimes from the profile: a space reads better than "T", seconds rarely matter
    if len(value) >= 16 and value[4] == "-" and value[10] == "T":
        return value[:16].replace("T", " ")
    return value


def group_message(group: Any) -> str:
    """The sentence of a card that stands for alike alerts."""
    low, high = group.share_range()
    columns = group.columns
    shown = ", ".join(f"“{c}”" for c in columns[:GROUP_COLUMNS_SHOWN])
    if len(columns) > GROUP_COLUMNS_SHOWN:
        shown += ", …"
    share = f"{low:.1f}%" if round(low, 1) == round(high, 1) else f"{low:.1f}–{high:.1f}%"
    return ngettext(
        "{n} column is missing {share} of its values, spread over the rows rather than "
        "bunched in one group: {columns}.",
        "{n} columns are each missing {share} of their values, spread over the rows rather "
        "than bunched in one group: {columns}.",
        len(columns),
    ).format(n=len(columns), share=share, columns=shown)


def group_fix_button(n: int) -> str:
    return ngettext("Add the fix to recipe", "Add the {n} fixes to recipe", n).format(n=n)


ROLE_ALREADY_ID = _(
    "Nothing to do: “{column}” already has the role ID on the Goal step, so it is kept to find "
    "rows and left out of the model."
)
#: The roles that already keep an ID-like column out of the model.
_KEPT_OUT = ("id", "excluded", "time")


def without_settled_role_fixes(alerts: list[Any], roles: dict[str, Any]) -> list[Any]:
    """``alerts`` with the "give it the role ID" fix of an ID-like column replaced by a note
    when the column already has that role — set by the user, or by the Goal step's automatic
    roles, which give every ID-like column the role ID unless the user chose another role.
    Suggesting what is already so made users wonder what they had missed."""
    import dataclasses

    out = []
    for alert in alerts:
        role = roles.get(alert.column) if alert.column is not None else None
        if alert.kind == "id_like" and (role is None or str(role) in _KEPT_OUT):
            alert = dataclasses.replace(
                alert, fix=ROLE_ALREADY_ID.format(column=alert.column), fix_step=None
            )
        out.append(alert)
    return out
