"""Every plain-language sentence of the cleaning recipe: what a step does, what it did, why not.

The core decides and counts; this module only words it, through ``_()`` / ``ngettext`` so the
Korean catalog can translate it. Column names and labels are shown in ‘quotes’ exactly as the
user sees them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from workbench.i18n import N_, _, ngettext, say, say_n
from workbench.steps import predict_wording

if TYPE_CHECKING:
    from workbench.steps.recipe_report import StepReport
    from workbench.tables.table import ColumnKind

MAX_LISTED = 5  # longer lists end in "and N more"


def q(name: Any) -> str:
    """A column name or label in quotes."""
    return f"‘{name}’"


def value(v: Any) -> str:
    """A value as the user would type it: numbers bare (3, not 3.0), text in quotes."""
    if isinstance(v, bool):
        return _("true") if v else _("false")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int | float):
        return f"{v:g}" if abs(v) >= 1e15 or 0 < abs(v) < 1e-4 else str(v)
    if v is None:
        return _("empty")
    return q(v)


def listing(items: Sequence[Any], show: Callable[[Any], str] = value) -> str:
    shown = [show(i) for i in items[:MAX_LISTED]]
    rest = len(items) - len(shown)
    text = ", ".join(shown)
    if rest > 0:
        text += " " + ngettext("and {n} more", "and {n} more", rest).format(n=rest)
    return text


_KIND_NAMES = {
    "numeric": N_("numbers"),
    "categorical": N_("categories (labels)"),
    "boolean": N_("yes/no values"),
    "datetime": N_("dates and times"),
    "text": N_("free text"),
    "id": N_("identifiers"),
}


def kind_name(kind: ColumnKind | str) -> str:
    """A column kind in words (a :class:`Said`, so a saved sentence can be said again)."""
    return say(_KIND_NAMES[str(kind)]) if str(kind) in _KIND_NAMES else str(kind)


# --------------------------------------------------------------------------------------------
# What a step does
# --------------------------------------------------------------------------------------------


def _filter_sentence(column: str, operator: str, v: Any) -> str:
    c = q(column)
    if operator == "is_missing":
        return _("Keep only rows where {column} is missing").format(column=c)
    if operator == "not_missing":
        return _("Keep only rows where {column} has a value").format(column=c)
    if operator == "between":
        return _("Keep only rows where {column} is between {low} and {high}").format(
            column=c, low=value(v[0]), high=value(v[1])
        )
    if operator == "in":
        return _("Keep only rows where {column} is one of {values}").format(
            column=c, values=listing(v)
        )
    if operator == "not_in":
        return _("Remove rows where {column} is one of {values}").format(
            column=c, values=listing(v)
        )
    templates = {
        "==": _("Keep only rows where {column} is {value}"),
        "!=": _("Remove rows where {column} is {value}"),
        "<": _("Keep only rows where {column} is below {value}"),
        "<=": _("Keep only rows where {column} is at most {value}"),
        ">": _("Keep only rows where {column} is above {value}"),
        ">=": _("Keep only rows where {column} is at least {value}"),
    }
    return templates[operator].format(column=c, value=value(v))


def describe_step(step: dict[str, Any]) -> str:
    """One sentence saying what ``step`` does, e.g. "Treat -999 in ‘humidity’ as missing"."""
    op = step["op"]
    column = step.get("column")
    c = q(column)
    if op == "drop_columns":
        cols = step["columns"]
        return ngettext(
            "Remove the column {columns}", "Remove the columns {columns}", len(cols)
        ).format(columns=listing(cols, q))
    if op == "drop_duplicate_rows":
        return _("Remove repeated rows (keep the first of each)")
    if op == "sentinel_to_missing":
        return _("Treat {values} in {column} as missing").format(
            values=listing(step["values"]), column=c
        )
    if op == "impute":
        method = step["method"]
        if method == "median":
            return _("Fill missing {column} with the median").format(column=c)
        if method == "mode":
            return _("Fill missing {column} with its most frequent value").format(column=c)
        if method == "constant":
            return _("Fill missing {column} with {value}").format(
                column=c, value=value(step["value"])
            )
        return _("Fill missing {column} with values predicted from the other columns").format(
            column=c
        )
    if op == "predict_missing":
        return predict_wording.describe(step)
    if op == "filter_rows":
        return _filter_sentence(str(column), step["operator"], step.get("value"))
    if op == "cast":
        return _("Treat {column} as {kind}").format(column=c, kind=kind_name(step["kind"]))
    if op == "rename":
        return _("Rename {column} to {new}").format(column=c, new=q(step["to"]))
    if op == "merge_categories":
        pairs = [f"{q(old)} → {q(new)}" for old, new in step["mapping"].items()]
        return _("In {column}, merge labels: {pairs}").format(column=c, pairs=listing(pairs, str))
    if op == "clip":
        lower, upper = step.get("lower"), step.get("upper")
        if lower is not None and upper is not None:
            return _("Limit {column} to between {low} and {high}").format(
                column=c, low=value(lower), high=value(upper)
            )
        if lower is not None:
            return _("Raise {column} values below {low} to {low}").format(
                column=c, low=value(lower)
            )
        return _("Lower {column} values above {high} to {high}").format(column=c, high=value(upper))
    return op


# --------------------------------------------------------------------------------------------
# What a step did
# --------------------------------------------------------------------------------------------


def rows_removed(n: int, left: int) -> str:
    return ngettext("Removed {n} row ({left} left).", "Removed {n} rows ({left} left).", n).format(
        n=f"{n:,}", left=f"{left:,}"
    )


def cells_changed(n: int) -> str:
    return ngettext("Changed {n} cell.", "Changed {n} cells.", n).format(n=f"{n:,}")


def reword_report(report: StepReport) -> StepReport:
    """The report with its description and effect said in the current language."""
    if report.step is None:
        return report
    try:
        described = dataclasses.replace(report, description=describe_step(report.step))
        return dataclasses.replace(described, effect=describe_effect(described))
    except (KeyError, TypeError, ValueError):
        return report


def describe_effect(report: StepReport) -> str:
    """One or two sentences with the step's numbers, e.g. "Removed 12 rows (988 left)."."""
    if report.skipped:
        return _("Skipped: nothing was changed.")
    if report.op == "predict_missing" and report.step is not None:
        return predict_wording.effect(report.details, report.step["column"])
    parts: list[str] = []
    if report.columns_removed:
        parts.append(
            ngettext(
                "Removed {n} column.", "Removed {n} columns.", len(report.columns_removed)
            ).format(n=len(report.columns_removed))
        )
    if report.rows_removed:
        parts.append(rows_removed(report.rows_removed, report.rows_after))
        missing = report.details.get("removed_missing", 0)
        if missing:
            parts.append(
                ngettext(
                    "{n} of them had no value in this column.",
                    "{n} of them had no value in this column.",
                    missing,
                ).format(n=f"{missing:,}")
            )
    if report.op == "impute" and report.cells_changed:
        parts.append(
            ngettext(
                "Filled {n} missing cell.", "Filled {n} missing cells.", report.cells_changed
            ).format(n=f"{report.cells_changed:,}")
        )
        features = report.details.get("features")
        if features:
            parts.append(
                ngettext(
                    "The model learned from {rows} rows and {n} other column.",
                    "The model learned from {rows} rows and {n} other columns.",
                    len(features),
                ).format(rows=f"{report.details.get('trained_on', 0):,}", n=len(features))
            )
    elif report.op == "sentinel_to_missing" and report.cells_changed:
        parts.append(
            ngettext(
                "{n} cell is now missing.", "{n} cells are now missing.", report.cells_changed
            ).format(n=f"{report.cells_changed:,}")
        )
    elif report.op == "cast" and report.cells_changed:
        parts.append(
            ngettext("Converted {n} value.", "Converted {n} values.", report.cells_changed).format(
                n=f"{report.cells_changed:,}"
            )
        )
    elif report.cells_changed:
        parts.append(cells_changed(report.cells_changed))
    if report.op == "rename" and report.details.get("renamed"):
        parts.append(_("Renamed the column."))
    if not parts:
        return _("Nothing needed changing.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Why a step was skipped or needs attention
# --------------------------------------------------------------------------------------------


def missing_column(column: str) -> str:
    return say(
        "{column} is not in the table any more (an earlier step may have renamed or removed "
        "it, or the source file changed), so this step was skipped.",
        column=q(column),
    )


def columns_not_found(columns: Sequence[str]) -> str:
    return say_n(
        "{columns} is not in the table any more, so it could not be removed.",
        "{columns} are not in the table any more, so they could not be removed.",
        len(columns),
        columns=listing(columns, q),
    )


def name_taken(column: str, new: str) -> str:
    return say(
        "{column} was not renamed: the table already has a column called {new}.",
        column=q(column),
        new=q(new),
    )


def not_labels(column: str) -> str:
    return say(
        "{column} holds numbers or dates, not labels, so there are no labels to merge; "
        "this step was skipped.",
        column=q(column),
    )


def labels_not_found(column: str, labels: Sequence[str]) -> str:
    return say_n(
        "The label {labels} does not occur in {column}.",
        "The labels {labels} do not occur in {column}.",
        len(labels),
        labels=listing(labels, q),
        column=q(column),
    )


def not_numeric(column: str) -> str:
    return say(
        "{column} does not hold numbers or dates, so its values cannot be limited; "
        "this step was skipped.",
        column=q(column),
    )


def cannot_order(column: str) -> str:
    return say(
        "{column} holds labels, which have no order, so ‘above’, ‘below’ or ‘between’ "
        "cannot be used on it; this step was skipped.",
        column=q(column),
    )


def bounds_reversed(column: str) -> str:
    return say(
        "The lower bound for {column} is above the upper bound; this step was skipped.",
        column=q(column),
    )


def value_does_not_fit(column: str, v: Any) -> str:
    return say(
        "{value} cannot be compared with the values of {column} (a number or date was "
        "expected); this step was skipped.",
        value=value(v),
        column=q(column),
    )


def cannot_cast(column: str, kind: ColumnKind | str) -> str:
    return say(
        "{column} cannot be turned into {kind}; this step was skipped.",
        column=q(column),
        kind=kind_name(kind),
    )


def cast_failed(column: str, kind: ColumnKind | str, n: int) -> str:
    return say_n(
        "{n} value in {column} could not be read as {kind} and is now missing.",
        "{n} values in {column} could not be read as {kind} and are now missing.",
        n,
        n=f"{n:,}",
        column=q(column),
        kind=kind_name(kind),
    )


def nothing_to_fill_from(column: str) -> str:
    return say(
        "{column} has no values at all, so there is nothing to fill it from; this step was "
        "skipped.",
        column=q(column),
    )


def median_needs_numbers(column: str) -> str:
    return say(
        "{column} does not hold numbers, so it has no median: it was filled with its most "
        "frequent value instead.",
        column=q(column),
    )


def model_needs_numbers_or_labels(column: str) -> str:
    return say(
        "Only numbers and labels can be predicted from the other columns, not the free text "
        "or identifiers in {column}; this step was skipped.",
        column=q(column),
    )


def model_fallback(column: str, reason: str, used: str, known: int, needed: int) -> str:
    instead = say("the median") if used == "median" else say("its most frequent value")
    if reason == "few_rows":
        why = say_n(
            "only {n} row has a value in {column}, and at least {needed} are needed to learn "
            "from the other columns",
            "only {n} rows have a value in {column}, and at least {needed} are needed to learn "
            "from the other columns",
            known,
            n=known,
            column=q(column),
            needed=needed,
        )
    elif reason == "no_features":
        why = say("no other column can help predict {column}", column=q(column))
    else:
        why = say("dates cannot be predicted from the other columns")
    return say(
        "{column} was filled with {instead}: {why}.", column=q(column), instead=instead, why=why
    )
