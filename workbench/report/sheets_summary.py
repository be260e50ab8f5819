"""The Summary sheet: the one page a manager reads — goal, data, quality, model, drivers,
cause groups and the state of the actions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from workbench import __version__
from workbench.feedback.library import tried_before_lines
from workbench.report import report_wording as w
from workbench.report.sheets_actions import outcome_counts
from workbench.report.sheets_common import (
    ReportData,
    fit_table_heights,
    heading,
    keep_blocks_together,
    new_sheet,
    note,
    paragraph,
    round_sig,
    sig_format,
    title_row,
)
from workbench.report.xlsx_style import BOLD, SEVERITY_FILLS, WRAP, put, write_table
from workbench.vocabulary import controllability_label

WIDTHS = {1: 24, 2: 14, 3: 14, 4: 30, 5: 12, 6: 52}
TEXT = [WIDTHS[c] for c in range(2, 7)]  # a value spanning columns B–F
FULL = list(WIDTHS.values())
TOP_DRIVERS = 8
METRICS = {
    "regression": ("r2", "mae", "rmse"),
    "binary": ("roc_auc", "pr_auc", "recall", "precision", "false_alarm_rate"),
    "multiclass": ("macro_roc_auc", "balanced_accuracy"),
}


def write_summary(wb: Any, title: str, data: ReportData, sheet_names: dict[str, str]) -> Worksheet:
    """Write the Summary sheet; ``sheet_names`` are the titles of the detail sheets."""
    ws = new_sheet(wb, title, WIDTHS)
    result = data.result
    title_row(ws, w.title(data.name), len(WIDTHS))
    when = data.written.strftime("%Y-%m-%d %H:%M")
    row = note(ws, 2, w.written(when, __version__), FULL)
    for warning in data.warnings:
        ws.cell(row=row, column=1).fill = SEVERITY_FILLS["warning"]
        row = paragraph(ws, row, warning, FULL, font=BOLD)
    if data.notes:
        row = paragraph(ws, row, data.notes, FULL)
    row += 1
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"

    row = _goal(ws, row, data)
    row = _data_used(ws, row + 1, result)
    row = _quality(ws, row + 1, result, sheet_names)
    blocks = []  # sections kept whole on a printed page when they fit one
    start = row + 1
    row = _model(ws, start, result)
    blocks.append((start, row - 1))
    start = row + 1
    row = _drivers(ws, start, result, sheet_names)
    blocks.append((start, row - 1))
    start = row + 1
    row = _groups(ws, start, data, sheet_names)
    blocks.append((start, row - 1))
    start = row + 1
    row = heading(ws, start, w.label("heading_actions"))
    total, counts = outcome_counts(data.actions)
    row = paragraph(ws, row, w.actions_status(total, counts), FULL)
    if total:
        row = note(ws, row, w.see_sheet(sheet_names["actions"]), FULL)
    blocks.append((start, row - 1))
    keep_blocks_together(ws, blocks)
    return ws


def _pair(ws: Worksheet, row: int, label: str, value: str) -> int:
    put(ws, row, 1, label, BOLD, alignment=WRAP)
    return paragraph(ws, row, value, TEXT, first_col=2)


def _goal(ws: Worksheet, row: int, data: ReportData) -> int:
    result = data.result
    goal = result.goal
    row = heading(ws, row, w.label("heading_goal"))
    text = w.goal_sentence(str(goal.direction), data.target, goal.positive_class)
    rule = goal.focus
    text += " " + w.focus_sentence(rule.describe(data.target), len(result.focus_rows))
    now = data.current_goal  # the criterion may have been set after the analysis ran
    success = now.success if getattr(now, "target", None) == goal.target else goal.success
    if success is not None:
        text += " " + w.success_sentence(float(success), data.target)
    return paragraph(ws, row, text, FULL)


def _data_used(ws: Worksheet, row: int, result: Any) -> int:
    table = result.table
    row = heading(ws, row, w.label("heading_data"))
    row = _pair(ws, row, w.label("label_file"), Path(table.source.path).name)
    if table.options.sheet:
        row = _pair(ws, row, w.label("label_sheet"), str(table.options.sheet))
    row = _pair(ws, row, w.label("label_rows"), w.rows_columns(table.n_rows, table.n_columns))
    analyzed = len(result.frame)
    row = _pair(
        ws, row, w.label("label_rows_analyzed"), w.rows_analyzed(analyzed, table.n_rows - analyzed)
    )
    return _pair(ws, row, w.label("label_period"), period_text(result))


def time_column(result: Any) -> str | None:
    """The analysis' time column, if one was set or found."""
    roles = result.roles
    name = getattr(roles, "time", None) or getattr(result.quality, "time", None)
    return name or getattr(result.fit, "time_column", None)


def period_text(result: Any) -> str:
    """First and last time of the data, from the time column (min/max: fast at any size)."""
    column = time_column(result)
    frame = result.table.frame
    if not column or column not in frame.columns:
        return w.label("no_period")
    values = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce", format="mixed")
    start, end = values.min(), values.max()
    if pd.isna(start) or pd.isna(end):
        return w.label("no_period")
    short = (end - start) >= pd.Timedelta(days=2)
    fmt = "%Y-%m-%d" if short else "%Y-%m-%d %H:%M"
    return w.period(start.strftime(fmt), end.strftime(fmt), column)


def _quality(ws: Worksheet, row: int, result: Any, names: dict[str, str]) -> int:
    row = heading(ws, row, w.label("heading_quality"))
    alerts = list(result.quality.alerts)
    counts = {s: sum(1 for a in alerts if a.severity == s) for s in ("error", "warning", "info")}
    row = paragraph(
        ws, row, w.quality_headline(counts["error"], counts["warning"], counts["info"]), FULL
    )
    if result.cleaning:
        row = paragraph(ws, row, w.cleaning_headline(len(result.cleaning)), FULL)
        for step in result.cleaning:
            text = (
                f"• {step.description}: {step.effect}" if step.effect else f"• {step.description}"
            )
            row = paragraph(ws, row, text, TEXT, first_col=2)
    return note(ws, row, w.see_sheet(names["quality"]), FULL)


def model_rows(fit: Any) -> list[tuple[str, Any, Any]]:
    """(metric, model value, baseline value) for the metrics that suit the task."""
    baselines = [b for b in (fit.baseline or {}).values() if isinstance(b, dict)]
    best: dict[str, Any] = {}
    primary = fit.metric
    for b in baselines:
        v = b.get(primary)
        if isinstance(v, int | float) and (not best or v > best.get(primary, -math.inf)):
            best = b
    rows = []
    for name in METRICS.get(str(fit.task), (primary,)):
        value = (fit.metrics or {}).get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        base = best.get(name)
        rows.append((w.metric_name(name), value, base if isinstance(base, int | float) else None))
    return rows


def _model(ws: Worksheet, row: int, result: Any) -> int:
    fit = result.fit
    row = heading(ws, row, w.label("heading_model"))
    row = paragraph(ws, row, fit.verdict_message or w.verdict_word(fit.verdict), FULL)
    if getattr(fit, "validation_message", ""):
        row = paragraph(ws, row, fit.validation_message, FULL)
    from workbench.steps.sampling_wording import sampled_sentence_of

    if sampled := sampled_sentence_of(result):  # trained on a sample of a larger file
        row = paragraph(ws, row, sampled, FULL)
    rows = model_rows(fit)
    if rows:
        head = w.labels("col_measure", "col_model", "col_baseline")
        values = [round_sig(v) for r in rows for v in r[1:] if v is not None]
        last = write_table(
            ws, row, head, rows, number_formats={2: sig_format(values), 3: sig_format(values)}
        )
        row = last + 1
    column = fit.rule_column if (fit.baseline or {}).get("one_feature") else None
    return note(ws, row, w.baseline_note(column), FULL)


def _drivers(ws: Worksheet, row: int, result: Any, names: dict[str, str]) -> int:
    row = heading(ws, row, w.label("heading_drivers"))
    explanation = result.explanation
    if explanation is None:
        return paragraph(ws, row, w.no_drivers(str(result.goal.target)), FULL)
    imp = explanation.importance
    total = float(imp.sum()) or 1.0
    rows = [
        (str(c), float(v), float(v) / total, controllability_label(result.roles.controllability(c)))
        for c, v in imp.iloc[:TOP_DRIVERS].items()
    ]
    head = w.labels("col_column", "col_importance", "col_share_total", "col_changeable")
    last = write_table(
        ws,
        row,
        head,
        rows,
        number_formats={2: sig_format([r[1] for r in rows]), 3: "0%"},
        wrap_columns=(1,),
    )
    _header_wrap(ws, row, len(head))
    fit_table_heights(ws, row + 1, last, {1: WIDTHS[1]})
    return note(ws, last + 1, w.see_sheet(names["drivers"]), FULL)


def _header_wrap(ws: Worksheet, row: int, n: int) -> None:
    from workbench.report.sheets_common import wrap_header

    wrap_header(ws, row, n, {c: WIDTHS[c] for c in range(1, n + 1)})


def _groups(ws: Worksheet, row: int, data: ReportData, names: dict[str, str]) -> int:
    result = data.result
    causes = result.causes
    # The groups are the findings a manager reads: kept whole on a page (never a heading
    # stranded at the foot of page 1) by keep_blocks_together, not a page of their own.
    row = heading(ws, row, w.label("heading_groups"))
    if causes is None or not causes.groups:
        message = (causes.message if causes is not None else "") or result.causes_message
        return paragraph(ws, row, message or w.label("no_groups"), FULL)
    target = data.target
    effects = [g.claims.get("effect") for g in causes.groups]
    label = next((e.label for e in effects if e is not None), None)
    head = [
        w.label("col_group"),
        w.label("col_rows"),
        w.label("col_share_focus"),
        w.col_where_conditions_hold(target, label),
        w.label("col_overall_mean"),
        w.label("col_description"),
    ]
    # Past actions on a group's factors that did not help sit under its description, so
    # nobody pays for the same failed experiment twice (a library problem never stops this).
    tried, _notice = tried_before_lines(causes.groups)
    rows = [
        (
            w.group_name(g.id),
            g.size,
            g.share,
            None if e is None else round_sig(e.value + (e.comparison or 0.0), 6),
            None if e is None else round_sig(e.comparison, 6),
            "\n".join([_description_body(g.description), *tried.get(int(g.id), [])]),
        )
        for g, e in zip(causes.groups, effects, strict=True)
    ]
    means = [r[3] for r in rows if r[3] is not None] + [r[4] for r in rows if r[4] is not None]
    mean_fmt = "0.0%" if label is not None else sig_format(means, digits=4)
    last = write_table(
        ws,
        row,
        head,
        rows,
        number_formats={2: "#,##0", 3: "0%", 4: mean_fmt, 5: mean_fmt},
        wrap_columns=(6,),
    )
    _header_wrap(ws, row, len(head))
    fit_table_heights(ws, row + 1, last, {6: WIDTHS[6]})
    row = last + 1
    if causes.noise_rows:
        row = note(ws, row, w.noise_rows(int(causes.noise_rows)), FULL)
    return note(ws, row, w.see_sheet(names["groups"]), FULL)


def _description_body(description: str) -> str:
    """The group's description without its headline (the table's columns say that part)."""
    head, sep, body = description.partition(": ")
    return body if sep and len(head) < 160 else description
