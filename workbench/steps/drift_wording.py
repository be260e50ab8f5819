"""Sentences about re-applying a project: drift, model drift, the new file's columns, scoring.

Every number in a sentence comes from the record passed in (:class:`~workbench.steps.drift.
ColumnDrift`, :class:`~workbench.steps.scoring.ModelDrift`, …), so a test can recompute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.i18n import _, ngettext
from workbench.numbers_format import format_number
from workbench.steps.features import OTHER_LEVEL

NAMED = 5


def _pct(share: float | None) -> str:
    return format_number(100.0 * (share or 0.0), digits=3)


def _pair(a: float | None, b: float | None, column: str) -> tuple[str, str]:
    """Two numbers written so that they read different when they are (more digits if needed)."""
    for digits in (4, 6, 8):
        x, y = (
            format_number(a, digits=digits, column=column),
            format_number(b, digits=digits, column=column),
        )
        if x != y:
            return x, y
    return x, y


def _than(period: str, new_period: str = "") -> str:
    if period and new_period and new_period != period:
        return _("in {new_period} than in {period}").format(new_period=new_period, period=period)
    if period:
        return _("than in {period}").format(period=period)
    return _("than in the training data")


def _in(period: str) -> str:
    if period:
        return _("in {period}").format(period=period)
    return _("in the training data")


def period_span(first: str, last: str) -> str:
    """A span of months: "2026-03 to 2026-05"."""
    return _("{first} to {last}").format(first=first, last=last)


def level_word(level: str) -> str:
    return _("large change") if level == "large" else _("moderate change")


def drift_message(d: Any) -> str:
    """One sentence for a moved column (a :class:`~workbench.steps.drift.ColumnDrift`), e.g.
    "belt_speed runs higher than in 2026-03: median 2.7 vs 2.3 (large change, PSI 0.41)."."""
    than = _than(d.period, d.new_period)
    tail = _("({level}, PSI {psi})").format(
        level=level_word(d.level), psi=format_number(d.score, digits=2)
    )
    if d.kind == "numeric":
        new, ref = _pair(d.new_median, d.reference_median, d.column)
        if d.direction == "higher":
            text = _("{column} runs higher {than}: median {new} vs {ref}").format(
                column=d.column, than=than, new=new, ref=ref
            )
        elif d.direction == "lower":
            text = _("{column} runs lower {than}: median {new} vs {ref}").format(
                column=d.column, than=than, new=new, ref=ref
            )
        else:
            text = _("{column} is spread differently {than} (median {new} vs {ref})").format(
                column=d.column, than=than, new=new, ref=ref
            )
        if abs(d.new_missing - d.reference_missing) >= 0.05:
            text += _("; missing in {new}% of the new rows vs {ref}%").format(
                new=_pct(d.new_missing), ref=_pct(d.reference_missing)
            )
        return f"{text} {tail}."
    if d.direction == "new_levels":
        names = ", ".join(f"“{v}”" for v in d.new_levels[:NAMED])
        more = len(d.new_levels) - NAMED
        if more > 0:
            names += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
        text = ngettext(
            "{column} has a value never seen {within}: {names} ({share}% of the new rows)",
            "{column} has values never seen {within}: {names} ({share}% of the new rows)",
            len(d.new_levels),
        ).format(column=d.column, within=_in(d.period), names=names, share=_pct(d.new_levels_share))
        return f"{text} {tail}."
    if d.level_name is None:
        text = _("{column} is missing more often {than}: {new}% of rows vs {ref}%").format(
            column=d.column, than=than, new=_pct(d.new_share), ref=_pct(d.reference_share)
        )
    elif (d.new_share or 0.0) >= (d.reference_share or 0.0):
        text = _("{column} is more often “{value}” {than}: {new}% of rows vs {ref}%").format(
            column=d.column,
            value=d.level_name,
            than=than,
            new=_pct(d.new_share),
            ref=_pct(d.reference_share),
        )
    else:
        text = _("{column} is less often “{value}” {than}: {new}% of rows vs {ref}%").format(
            column=d.column,
            value=d.level_name,
            than=than,
            new=_pct(d.new_share),
            ref=_pct(d.reference_share),
        )
    return f"{text} {tail}."


def no_drift(checked: int, period: str) -> str:
    return ngettext(
        "None of the {n} column checked moved {than} (PSI below 0.1).",
        "None of the {n} columns checked moved {than} (PSI below 0.1).",
        checked,
    ).format(n=checked, than=_than(period))


def drift_headline(moved: int, checked: int) -> str:
    return ngettext(
        "Drift: {moved} of {checked} columns moved (PSI 0.1 or more; 0.25 or more is large):",
        "Drift: {moved} of {checked} columns moved (PSI 0.1 or more; 0.25 or more is large):",
        moved,
    ).format(moved=moved, checked=checked)


def progress_checking(column: str) -> str:
    return _("Comparing {column} with the training data").format(column=column) if column else ""


# ---------------------------------------------------------------------------------------------
# The new file's columns (replay)


def missing_column(column: str, in_model: bool) -> str:
    if in_model:
        return _(
            "{column} is not in the new file; the model reads it, so its predictions treat it "
            "as missing in every row."
        ).format(column=column)
    return _("{column} is not in the new file (the model does not read it).").format(column=column)


def new_column(column: str) -> str:
    return _(
        "{column} is new in this file; the saved model does not know it (it is kept in the "
        "data, not in the predictions)."
    ).format(column=column)


def changed_type(column: str, was: str, now: str, unreadable: int, examples: Sequence[str]) -> str:
    text = _("{column} held {was} in the training data but reads as {now} here").format(
        column=column, was=was, now=now
    )
    if unreadable:
        shown = ", ".join(f"“{e}”" for e in examples[:3])
        text += "; " + ngettext(
            "{n} cell is not a number (e.g. {examples}) and counts as missing",
            "{n} cells are not numbers (e.g. {examples}) and count as missing",
            unreadable,
        ).format(n=f"{unreadable:,}", examples=shown)
    return text + "."


def new_levels(column: str, levels: Sequence[str], rows: int, lumped: bool = False) -> str:
    names = ", ".join(f"“{v}”" for v in levels[:NAMED])
    more = len(levels) - NAMED
    if more > 0:
        names += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
    if lumped:  # the model has a bin for rare levels: unknown ones land there
        return ngettext(
            "{column} has a value the model never saw: {names} ({rows} rows); the model counts "
            "it with the rare values (“{other}”).",
            "{column} has values the model never saw: {names} ({rows} rows); the model counts "
            "them with the rare values (“{other}”).",
            len(levels),
        ).format(column=column, names=names, rows=f"{rows:,}", other=OTHER_LEVEL)
    return ngettext(
        "{column} has a value the model never saw: {names} ({rows} rows); the model treats "
        "it as missing.",
        "{column} has values the model never saw: {names} ({rows} rows); the model treats "
        "them as missing.",
        len(levels),
    ).format(column=column, names=names, rows=f"{rows:,}")


def schema_headline(n: int) -> str:
    return ngettext(
        "The new file differs from the training data in {n} way:",
        "The new file differs from the training data in {n} ways:",
        n,
    ).format(n=n)


def schema_same() -> str:
    return _("The new file has the same columns and types as the training data.")


def appended(added: int, duplicates: int, total: int) -> str:
    text = ngettext(
        "Added {added} row to the project's data ({total} rows now).",
        "Added {added} rows to the project's data ({total} rows now).",
        added,
    ).format(added=f"{added:,}", total=f"{total:,}")
    if duplicates:
        text += " " + ngettext(
            "{n} row of the new file was already in the project's data (the same value in "
            "every column) and was not added again.",
            "{n} rows of the new file were already in the project's data (the same value in "
            "every column) and were not added again.",
            duplicates,
        ).format(n=f"{duplicates:,}")
    return text


def appended_note(rows: int, file: str, first_row: int) -> str:
    """The data's load note after ``--append`` (said again in the reader's language)."""
    from workbench.i18n import say_n

    return say_n(
        "{rows} row from {file} was added (row labels from {first}).",
        "{rows} rows from {file} were added (row labels from {first}).",
        rows,
        rows=f"{rows:,}",
        file=file,
        first=f"{first_row:,}",
    )


def kind_words(kind: str) -> str:
    return {
        "numeric": _("numbers"),
        "categorical": _("categories"),
        "boolean": _("yes/no values"),
        "datetime": _("dates"),
        "text": _("free text"),
        "id": _("identifiers"),
    }.get(kind, kind)


# ---------------------------------------------------------------------------------------------
# Scoring and model drift


def scored(rows: int, removed: int) -> str:
    text = ngettext(
        "Scored {rows} row with the saved model (no refit).",
        "Scored {rows} rows with the saved model (no refit).",
        rows,
    ).format(rows=f"{rows:,}")
    if removed:
        text += " " + ngettext(
            "{n} row was removed by the project's cleaning recipe and has no prediction.",
            "{n} rows were removed by the project's cleaning recipe and have no prediction.",
            removed,
        ).format(n=f"{removed:,}")
    return text


def progress_scoring() -> str:
    return _("Scoring the new rows with the saved model")


def progress_model_check() -> str:
    return _("Checking the saved model on the new labelled rows")


def prediction_column(target: str) -> str:
    return _("predicted {target}").format(target=target)


def probability_column(target: str, label: str) -> str:
    return _("probability {target} = {label}").format(target=target, label=label)


def threshold_column() -> str:
    return _("threshold")


def metric_name(metric: str) -> str:
    return {"r2": "R²", "roc_auc": "ROC-AUC", "macro_roc_auc": _("macro ROC-AUC")}.get(
        metric, metric
    )


def model_drift_message(md: Any) -> str:
    """The saved model on the new labelled rows vs its validation, and what to do."""
    name = metric_name(md.metric)
    new = format_number(md.new_score, digits=3)
    val = format_number(md.validation_score, digits=3)
    low, high = (format_number(v, digits=3) for v in md.validation_range)
    head = ngettext(
        "On the {rows} new row with a measured {target}, the saved model scores {metric} {new}; "
        "in validation it scored {val} (folds {low} to {high}).",
        "On the {rows} new rows with a measured {target}, the saved model scores {metric} {new}; "
        "in validation it scored {val} (folds {low} to {high}).",
        md.rows,
    ).format(
        rows=f"{md.rows:,}", target=md.target, metric=name, new=new, val=val, low=low, high=high
    )
    if md.refit_recommended is None:
        return (
            head
            + " "
            + _("Too few labelled rows to judge (fewer than {n}); no recommendation.").format(
                n=md.min_rows
            )
        )
    if md.refit_recommended:
        return (
            head
            + " "
            + _(
                "Refit recommended: the new score is below the lowest validation score, so the "
                "process has changed since the model learned it."
            )
        )
    return (
        head + " " + _("No refit needed: the new score is within or above the validation spread.")
    )


def no_labels(target: str) -> str:
    return _(
        "The new rows carry no measured {target}, so the model's accuracy on them cannot be "
        "checked yet."
    ).format(target=target)


def model_refitted_since() -> str:
    return _(
        "The model has been fitted again since; these findings were measured against the model "
        "as it was then."
    )
