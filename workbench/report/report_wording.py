"""Every heading and sentence of the Excel report, in one place (marked for translation).

Sheet writers only place cells; what a cell says comes from here, with named placeholders so a
Korean catalog can reorder the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.i18n import _, ngettext

# -- sheet names (≤ 31 characters; made valid by ``sheet_title``) ----------------------------


def sheet_summary() -> str:
    return _("Summary")


def sheet_quality() -> str:
    return _("Quality")


def sheet_drivers() -> str:
    return _("Drivers")


def sheet_groups() -> str:
    return _("Cause groups")


def sheet_actions() -> str:
    return _("Actions")


def sheet_dictionary() -> str:
    return _("Data dictionary")


# -- summary ---------------------------------------------------------------------------------


def title(name: str) -> str:
    return _("Workbench report: {name}").format(name=name) if name else _("Workbench report")


def written(when: str, version: str) -> str:
    return _("Written {when} by Workbench {version}.").format(when=when, version=version)


def heading_goal() -> str:
    return _("Goal")


def heading_data() -> str:
    return _("Data used")


def heading_quality() -> str:
    return _("Data quality")


def heading_model() -> str:
    return _("How well the model predicts")


def heading_drivers() -> str:
    return _("Top drivers")


def heading_groups() -> str:
    return _("Cause groups")


def heading_actions() -> str:
    return _("Actions")


def goal_sentence(direction: str, target: str, positive_class: str | None) -> str:
    if direction == "minimize":
        return _("Lower {target} (smaller is better).").format(target=target)
    if direction == "class":
        if positive_class:
            return _("Understand when {target} is {label}.").format(
                target=target, label=positive_class
            )
        return _("Understand what decides {target}.").format(target=target)
    return _("Raise {target} (larger is better).").format(target=target)


def focus_sentence(description: str, n: int) -> str:
    return ngettext(
        "The analysis looks closely at {description}: {n:,} row.",
        "The analysis looks closely at {description}: {n:,} rows.",
        n,
    ).format(description=description, n=n)


def success_sentence(success: float, target: str) -> str:
    return _("Success means a change of {value:+g} in {target}.").format(
        value=success, target=target
    )


def label_file() -> str:
    return _("File")


def label_rows() -> str:
    return _("Rows and columns")


def label_rows_analyzed() -> str:
    return _("Rows analyzed")


def label_period() -> str:
    return _("Period")


def label_sheet() -> str:
    return _("Sheet")


def rows_columns(rows: int, columns: int) -> str:
    return _("{rows:,} rows × {columns:,} columns").format(rows=rows, columns=columns)


def rows_analyzed(rows: int, removed: int) -> str:
    if removed <= 0:
        return ngettext("{rows:,} row", "{rows:,} rows", rows).format(rows=rows)
    return ngettext(
        "{rows:,} rows ({removed:,} row removed by the clean-up)",
        "{rows:,} rows ({removed:,} rows removed by the clean-up)",
        removed,
    ).format(rows=rows, removed=removed)


def period(start: str, end: str, column: str) -> str:
    return _("{start} to {end} (from the column {column})").format(
        start=start, end=end, column=column
    )


def no_period() -> str:
    return _("No time column was set, so the period is not known.")


def quality_headline(errors: int, warnings: int, infos: int) -> str:
    total = errors + warnings + infos
    if total == 0:
        return _("The quality check found nothing that needs attention.")
    return ngettext(
        "The quality check found {n} thing to look at: {errors} serious, {warnings} to "
        "check, {infos} for information.",
        "The quality check found {n} things to look at: {errors} serious, {warnings} to "
        "check, {infos} for information.",
        total,
    ).format(n=total, errors=errors, warnings=warnings, infos=infos)


def cleaning_headline(n: int) -> str:
    return ngettext(
        "{n} clean-up was applied before modeling (the source file was not changed):",
        "{n} clean-ups were applied before modeling (the source file was not changed):",
        n,
    ).format(n=n)


def see_sheet(name: str) -> str:
    return _("Details: sheet “{sheet}”.").format(sheet=name)


def col_measure() -> str:
    return _("Measure")


def col_model() -> str:
    return _("Model")


def col_baseline() -> str:
    return _("Simple baseline")


def baseline_note(column: str | None) -> str:
    if column:
        return _(
            "The simple baseline is the better of two guesses: always the average, or a rule "
            "on the single best column ({column})."
        ).format(column=column)
    return _("The simple baseline always guesses the average (or the most common class).")


def verdict_word(verdict: str) -> str:
    words = {
        "useful": _("The model finds real structure."),
        "weak": _("The model finds only a weak pattern; treat its drivers with care."),
        "no_signal": _("The model finds no usable pattern."),
    }
    return words.get(verdict, verdict)


def no_drivers(target: str) -> str:
    return _(
        "The model could not predict {target} better than the simple baseline, so there are "
        "no drivers or cause groups to show. More rows, or columns that describe the process "
        "better, may help."
    ).format(target=target)


def no_groups() -> str:
    return _("No cause groups were found.")


def col_rank() -> str:
    return _("Rank")


def col_column() -> str:
    return _("Column")


def col_importance() -> str:
    return _("Importance (mean |SHAP|)")


def col_share_total() -> str:
    return _("Share of total")


def col_focus_importance() -> str:
    return _("Importance in the focus rows")


def col_role() -> str:
    return _("Role")


def col_changeable() -> str:
    return _("Can it be changed?")


def col_group() -> str:
    return _("Group")


def col_rows() -> str:
    return _("Rows")


def col_share_focus() -> str:
    return _("Share of focus")


def col_group_mean(target: str) -> str:
    return _("Average {target} in group").format(target=target)


def col_group_rate(target: str) -> str:
    return _("Share of the focus class in group ({target})").format(target=target)


def col_overall_mean() -> str:
    return _("Overall")


def col_description() -> str:
    return _("What sets it apart")


def controllability(kind: str) -> str:
    words = {
        "controllable": _("yes — a setting you can change"),
        "uncontrollable": _("no — outside your control"),
        "unknown": _("not set yet"),
        "mixed": _("partly"),
    }
    return words.get(kind, kind)


def role_name(role: str) -> str:
    words = {
        "target": _("target (the goal)"),
        "feature": _("input (changeable: not set)"),
        "controllable": _("input you can change"),
        "uncontrollable": _("input outside your control"),
        "id": _("identifier"),
        "time": _("time"),
        "excluded": _("left out"),
    }
    return words.get(role, role)


def actions_status(total: int, counts: Sequence[tuple[str, int]]) -> str:
    if total == 0:
        return _(
            "No actions are logged yet. Turn a cause group into an action (what to change, who, "
            "when) and log the result here after trying it on the line."
        )
    parts = ", ".join(_("{label}: {n}").format(label=label, n=n) for label, n in counts)
    return ngettext("{n} action logged — {parts}.", "{n} actions logged — {parts}.", total).format(
        n=total, parts=parts
    )


# -- quality sheet ---------------------------------------------------------------------------


def heading_alerts() -> str:
    return _("What the quality check found")


def heading_profile() -> str:
    return _("Every column at a glance")


def col_severity() -> str:
    return _("Severity")


def col_finding() -> str:
    return _("What we found")


def col_fix() -> str:
    return _("What to do")


def severity_word(severity: str) -> str:
    words = {"error": _("serious"), "warning": _("check"), "info": _("for information")}
    return words.get(severity, severity)


def col_kind() -> str:
    return _("Kind")


def col_filled() -> str:
    return _("Filled")


def col_missing() -> str:
    return _("Missing")


def col_missing_pct() -> str:
    return _("Missing %")


def col_distinct() -> str:
    return _("Distinct values")


def col_min() -> str:
    return _("Lowest")


def col_mean() -> str:
    return _("Average")


def col_max() -> str:
    return _("Highest")


def col_common() -> str:
    return _("Most common values")


def value_count(value: str, n: int) -> str:
    return _("{value} ({n:,})").format(value=value, n=n)


def no_alerts() -> str:
    return _("Nothing needs attention.")


# -- drivers and groups ----------------------------------------------------------------------


def drivers_intro(target: str) -> str:
    return _(
        "How much each column moves the model's prediction of {target}, on average. A high "
        "rank means the column matters for the prediction; it does not prove cause."
    ).format(target=target)


def chart_drivers_title() -> str:
    return _("Top drivers (mean |SHAP|)")


def chart_group_title(group_id: int) -> str:
    return _("Group {id}: what pushes toward the goal").format(id=group_id)


def groups_intro(focus: str, n: int) -> str:
    return ngettext(
        "The focus ({focus}, {n:,} row) was split into groups that got there in different ways.",
        "The focus ({focus}, {n:,} rows) was split into groups that got there in different ways.",
        n,
    ).format(focus=focus, n=n)


def group_heading(group_id: int, size: int, share: float) -> str:
    return ngettext(
        "Group {id} — {size:,} row ({share:.0%} of the focus)",
        "Group {id} — {size:,} rows ({share:.0%} of the focus)",
        size,
    ).format(id=group_id, size=size, share=share)


def label_group_mean(target: str) -> str:
    return _("Average {target} in this group").format(target=target)


def label_group_rate(target: str) -> str:
    return _("Share of the focus class ({target}) in this group").format(target=target)


def label_overall_mean(target: str) -> str:
    return _("Average {target} over all rows").format(target=target)


def label_overall_rate(target: str) -> str:
    return _("Share of the focus class ({target}) over all rows").format(target=target)


def heading_conditions() -> str:
    return _("What sets the group apart")


def col_condition() -> str:
    return _("Condition")


def col_in_group() -> str:
    return _("Share of the group")


def col_in_rest() -> str:
    return _("Share of the other rows")


def heading_group_drivers() -> str:
    return _("Drivers in this group")


def col_push() -> str:
    return _("Push toward the goal (mean SHAP)")


def also_note() -> str:
    return _("also common in the group, but the model barely uses it")


def no_conditions() -> str:
    return _("No single range or level sets this group apart.")


# -- actions ---------------------------------------------------------------------------------


def actions_intro() -> str:
    return _(
        "Every action tried or planned, including the ones that did not work: a failed test "
        "is knowledge too."
    )


def col_action() -> str:
    return _("Action")


def col_change() -> str:
    return _("What to change")


def col_owner() -> str:
    return _("Owner")


def col_status() -> str:
    return _("Status")


def col_outcome() -> str:
    return _("Outcome")


def col_date() -> str:
    return _("Date")


def col_notes() -> str:
    return _("Notes")


def outcome_word(outcome: str) -> str:
    words = {
        "improved": _("improved"),
        "no_change": _("no change"),
        "worse": _("worse"),
        "inconclusive": _("inconclusive"),
        "not_tried": _("could not be tried"),
        "pending": _("not tried yet"),
    }
    return words.get(outcome, outcome)


def status_word(status: str) -> str:
    words = {
        "planned": _("planned"),
        "proposed": _("proposed"),
        "in_progress": _("in progress"),
        "running": _("in progress"),
        "done": _("done"),
        "closed": _("done"),
        "cancelled": _("cancelled"),
        "abandoned": _("abandoned"),
    }
    return words.get(status, status)


# -- data dictionary -------------------------------------------------------------------------


def dictionary_intro() -> str:
    return _("Every column of the data, how it was read, and what the analysis did with it.")


def col_used() -> str:
    return _("In the model?")


def col_why() -> str:
    return _("Why left out")


def col_load_notes() -> str:
    return _("How it was read")


def yes() -> str:
    return _("yes")


def no() -> str:
    return _("no")


def heading_recipe() -> str:
    return _("Clean-up steps (applied in this order, the source file unchanged)")


def col_step() -> str:
    return _("Step")


def col_effect() -> str:
    return _("Effect")


def no_recipe() -> str:
    return _("No clean-up steps: the data was modeled as loaded.")


def heading_load_notes() -> str:
    return _("Notes from reading the file")


# -- errors ----------------------------------------------------------------------------------


def no_results() -> str:
    return _("This project has no analysis results yet, so there is nothing to report.")


def no_results_hint() -> str:
    return _("Run the analysis first, then write the report.")


def cannot_write(path: str, reason: str) -> str:
    return _("Could not write the report {path} ({reason}).").format(path=path, reason=reason)


def cannot_write_hint() -> str:
    return _(
        "If the file is open in Excel, close it and try again; otherwise choose a folder that "
        "exists and that you can write to."
    )


def not_xlsx(path: str) -> str:
    return _("The report must be an Excel .xlsx file, not {path}.").format(path=path)


def not_xlsx_hint() -> str:
    return _("Give a file name ending in .xlsx.")


def progress_sheet(name: str) -> str:
    return _("Writing the report: {sheet}").format(sheet=name)


def progress_saving() -> str:
    return _("Saving the report")


def metric_name(name: str) -> str:
    """A metric's name as the report shows it (the model wording's labels, plus rates)."""
    from workbench.steps.model_wording import METRIC_LABELS

    extra = {
        "recall": _("caught (recall)"),
        "miss_rate": _("missed (miss rate)"),
        "precision": _("alarms that were right (precision)"),
        "false_alarm_rate": _("false alarm rate"),
    }
    if name in extra:
        return extra[name]
    return _(METRIC_LABELS.get(name, name))


def group_name(group_id: int) -> str:
    return _("Group {id}").format(id=group_id)


def noise_rows(n: int) -> str:
    return ngettext(
        "{n:,} focus row fits no group (set aside as noise).",
        "{n:,} focus rows fit no group (set aside as noise).",
        n,
    ).format(n=n)
