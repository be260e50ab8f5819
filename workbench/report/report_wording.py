"""Every heading and sentence of the Excel report, in one place (marked for translation).

Sheet writers only place cells; what a cell says comes from here, with named placeholders so a
Korean catalog can reorder the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.i18n import N_, _, ngettext

#: Fixed headings, column titles and sentences, by key; :func:`label` translates one.
LABELS: dict[str, str] = {
    "sheet_summary": N_("Summary"),
    "sheet_quality": N_("Quality"),
    "sheet_drivers": N_("Drivers"),
    "sheet_groups": N_("Cause groups"),
    "sheet_actions": N_("Actions"),
    "sheet_dictionary": N_("Data dictionary"),
    "heading_goal": N_("Goal"),
    "heading_data": N_("Data used"),
    "heading_quality": N_("Data quality"),
    "heading_model": N_("How well the model predicts"),
    "heading_drivers": N_("Top drivers"),
    "heading_groups": N_("Cause groups"),
    "heading_actions": N_("Actions"),
    "label_file": N_("File"),
    "label_rows": N_("Rows and columns"),
    "label_rows_analyzed": N_("Rows analyzed"),
    "label_period": N_("Period"),
    "label_sheet": N_("Sheet"),
    "no_period": N_("No time column was set, so the period is not known."),
    "col_measure": N_("Measure"),
    "col_model": N_("Model"),
    "col_baseline": N_("Simple baseline"),
    "no_groups": N_("No cause groups were found."),
    "col_rank": N_("Rank"),
    "col_column": N_("Column"),
    "col_importance": N_("Importance (mean |SHAP|)"),
    "col_share_total": N_("Share of total"),
    "col_focus_importance": N_("Importance in the focus rows"),
    "col_role": N_("Role"),
    "col_changeable": N_("Can it be changed?"),
    "col_group": N_("Group"),
    "col_rows": N_("Rows"),
    "col_share_focus": N_("Share of focus"),
    "col_overall_mean": N_("Other rows"),
    "col_description": N_("What sets it apart"),
    "heading_alerts": N_("What the quality check found"),
    "heading_profile": N_("Every column at a glance"),
    "col_severity": N_("Severity"),
    "col_finding": N_("What we found"),
    "col_fix": N_("What to do"),
    "col_kind": N_("Kind"),
    "col_filled": N_("Filled"),
    "col_missing": N_("Missing"),
    "col_missing_pct": N_("Missing %"),
    "col_distinct": N_("Distinct values"),
    "col_min": N_("Lowest"),
    "col_mean": N_("Average"),
    "col_max": N_("Highest"),
    "col_common": N_("Most common values"),
    "no_alerts": N_("Nothing needs attention."),
    "chart_drivers_title": N_("Top drivers (mean |SHAP|)"),
    "heading_conditions": N_("What sets the group apart"),
    "stability": N_("Stability (how well the group comes back when redone)"),
    "col_condition": N_("Condition"),
    "col_in_group": N_("Share of the group"),
    "col_in_rest": N_("Share of the other rows"),
    "heading_group_drivers": N_("Drivers in this group"),
    "col_push": N_("Push toward the goal (mean SHAP)"),
    "effect_note": N_(
        "Measured out of fold: the table was split into five parts; for each part the "
        "group's conditions were found again without its rows, then checked on them. The "
        "model that formed the groups saw every row."
    ),
    "also_note": N_("also common in the group, but the model barely uses it"),
    "no_conditions": N_("No single range or level sets this group apart."),
    "col_action": N_("Action"),
    "col_change": N_("What to change"),
    "col_owner": N_("Owner"),
    "col_status": N_("Status"),
    "col_outcome": N_("Outcome"),
    "col_date": N_("Date"),
    "col_notes": N_("Notes"),
    "col_expected": N_("Expected from the data (out of fold)"),
    "col_success": N_("Against the success criterion"),
    "col_predicted": N_("Predicted by the what-if (model)"),
    "col_measured": N_("Measured (after − before)"),
    "dictionary_intro": N_(
        "Every column of the data, how it was read, and what the analysis did with it."
    ),
    "col_used": N_("In the model?"),
    "col_why": N_("Why left out"),
    "col_load_notes": N_("How it was read"),
    "yes": N_("yes"),
    "no": N_("no"),
    "heading_recipe": N_("Clean-up steps (applied in this order, the source file unchanged)"),
    "col_step": N_("Step"),
    "col_cleanup": N_("Clean-up"),
    "col_effect": N_("Effect"),
    "no_recipe": N_("No clean-up steps: the data was modeled as loaded."),
    "heading_load_notes": N_("Notes from reading the file"),
    "no_results": N_("This project has no analysis results yet, so there is nothing to report."),
    "no_results_hint": N_("Run the analysis first, then write the report."),
    "not_xlsx_hint": N_("Give a file name ending in .xlsx."),
    "progress_saving": N_("Saving the report"),
    "actions_intro": N_(
        "Every action tried or planned, including the ones that did not work: a failed "
        "test is knowledge too."
    ),
    "stale_results": N_(
        "The data, goal or settings changed after this analysis ran: the results below may be "
        "out of date. Run the analysis again before acting on them."
    ),
    "cannot_write_hint": N_(
        "If the file is open in Excel, close it and try again; otherwise choose a folder "
        "that exists and that you can write to."
    ),
}


def label(key: str) -> str:
    """The translated fixed text ``key`` of :data:`LABELS` (a KeyError names a typo)."""
    return _(LABELS[key])


def labels(*keys: str) -> list[str]:
    """Several labels, e.g. a table's column titles."""
    return [label(k) for k in keys]


# -- sheet names (≤ 31 characters; made valid by ``sheet_title``) ----------------------------


# -- summary ---------------------------------------------------------------------------------


def title(name: str) -> str:
    return _("Workbench report: {name}").format(name=name) if name else _("Workbench report")


def written(when: str, version: str) -> str:
    return _("Written {when} by Workbench {version}.").format(when=when, version=version)


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


def col_where_conditions_hold(target: str, label: str | None) -> str:
    """Summary table: the target where a group's conditions hold (all rows, out of fold)."""
    if label is not None:
        return _("Share of {target} = {label} where its conditions hold").format(
            target=target, label=label
        )
    return _("Average {target} where its conditions hold").format(target=target)


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


def severity_word(severity: str) -> str:
    words = {"error": _("serious"), "warning": _("check"), "info": _("for information")}
    return words.get(severity, severity)


def value_count(value: str, n: int) -> str:
    return _("{value} ({n:,})").format(value=value, n=n)


# -- drivers and groups ----------------------------------------------------------------------


def drivers_intro(target: str) -> str:
    return _(
        "How much each column moves the model's prediction of {target}, on average. A high "
        "rank means the column matters for the prediction; it does not prove cause."
    ).format(target=target)


def chart_group_title(group_id: int, toward_goal: bool = True, focus: str = "") -> str:
    """The group's driver chart; when its focus rows are the ones to avoid (a defect class,
    the worst rows), its drivers push toward the focus — away from the goal."""
    if toward_goal:
        return _("Group {id}: what pushes toward the goal").format(id=group_id)
    return _("Group {id}: what pushes toward {focus} (away from the goal)").format(
        id=group_id, focus=focus
    )


def col_push(toward_goal: bool = True, focus: str = "") -> str:
    """The drivers table's push column, named after where the drivers push."""
    if toward_goal:
        return label("col_push")
    return _("Push toward {focus}, away from the goal (mean SHAP)").format(focus=focus)


def groups_intro(focus: str, n: int) -> str:
    return ngettext(
        "The focus ({focus}, {n:,} row) was split into groups that got there in different ways.",
        "The focus ({focus}, {n:,} rows) was split into groups that got there in different ways.",
        n,
    ).format(focus=focus, n=n)


def group_heading(group_id: int, size: int, share: float) -> str:
    from workbench.claim_format import format_value

    return ngettext(
        "Group {id} — {size} row ({share} of the focus)",
        "Group {id} — {size} rows ({share} of the focus)",
        size,
    ).format(id=group_id, size=format_value("count", size), share=format_value("share", share))


def label_effect_rows() -> str:
    return _("Rows where its conditions hold (checked out of fold)")


def label_effect_meets(target: str, label: str | None) -> str:
    if label is not None:
        return _("Share of {target} = {label} where its conditions hold").format(
            target=target, label=label
        )
    return _("Average {target} where its conditions hold").format(target=target)


def label_effect_rest(target: str, label: str | None, n: str) -> str:
    if label is not None:
        return _("Share of {target} = {label} in the other {n} rows").format(
            target=target, label=label, n=n
        )
    return _("Average {target} in the other {n} rows").format(target=target, n=n)


def label_effect_difference(points: bool) -> str:
    if points:
        return _("Difference (percentage points)")
    return _("Difference")


def interval_text(low: str, high: str) -> str:
    return _("95% interval: {low} to {high}").format(low=low, high=high)


def label_overall(target: str, label: str | None) -> str:
    if label is not None:
        return _("Share of {target} = {label} over all rows").format(target=target, label=label)
    return _("Average {target} over all rows").format(target=target)


# -- actions ---------------------------------------------------------------------------------


def measured_change(diff: str, low: str, high: str) -> str:
    """The measured change of an action beside the what-if's prediction."""
    return _("{diff} (95% CI {low} to {high})").format(diff=diff, low=low, high=high)


def reason_not_tried(reason: str) -> str:
    return _("Why it could not be tried: {reason}").format(reason=reason)


def evidence_note(sentence: str) -> str:
    return _("Evidence: {sentence}").format(sentence=sentence)


# -- data dictionary -------------------------------------------------------------------------


# -- errors ----------------------------------------------------------------------------------


def cannot_write(path: str, reason: str) -> str:
    return _("Could not write the report {path} ({reason}).").format(path=path, reason=reason)


def not_xlsx(path: str) -> str:
    return _("The report must be an Excel .xlsx file, not {path}.").format(path=path)


def progress_sheet(name: str) -> str:
    return _("Writing the report: {sheet}").format(sheet=name)


def typical_values(group: str, rest: str) -> str:
    return _("typical values (10–90%): {group} in the group, {rest} in the other rows").format(
        group=group, rest=rest
    )


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
