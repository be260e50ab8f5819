"""The Drivers sheet: every model column ranked by importance, with a native bar chart."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from workbench.report import report_wording as w
from workbench.report.sheets_common import (
    ReportData,
    axis_format,
    bar_chart,
    fit_table_heights,
    freeze_below,
    new_sheet,
    note,
    page_break_before,
    paragraph,
    sig_format,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import write_table

WIDTHS = {1: 7, 2: 30, 3: 14, 4: 11, 5: 14, 6: 28, 7: 24}
FULL = list(WIDTHS.values())
CHART_BARS = 15  # a chart with more bars gets unreadable; the table lists them all


def driver_rows(data: ReportData) -> list[list[Any]]:
    """(rank, column, importance, share of total, focus importance, role, changeable)."""
    from workbench.report.sheets_dictionary import column_role

    result = data.result
    explanation = result.explanation
    imp = explanation.importance
    focus = explanation.focus_importance
    total = float(imp.sum()) or 1.0
    rows = []
    for rank, (column, value) in enumerate(imp.items(), start=1):
        name = str(column)
        rows.append(
            [
                rank,
                name,
                float(value),
                float(value) / total,
                float(focus.get(column, float("nan"))),
                w.role_name(column_role(result, name)),
                w.controllability(result.roles.controllability(name)),
            ]
        )
    return rows


def write_drivers(wb: Any, title: str, data: ReportData) -> Worksheet:
    """Write the Drivers sheet (a sentence instead of a table when the model has no signal)."""
    result = data.result
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, title, len(WIDTHS))
    if result.explanation is None:
        row = paragraph(ws, 2, w.no_drivers(data.target), FULL)
        paragraph(ws, row, result.fit.verdict_message, FULL)
        freeze_below(ws, 2)
        return ws
    row = paragraph(ws, 2, w.drivers_intro(data.target), FULL)
    row = note(ws, row, result.explanation.describe(), FULL)
    top = row + 1
    head = w.labels(
        "col_rank",
        "col_column",
        "col_importance",
        "col_share_total",
        "col_focus_importance",
        "col_role",
        "col_changeable",
    )
    rows = driver_rows(data)
    fmt = sig_format([r[2] for r in rows[:CHART_BARS]])
    last = write_table(
        ws, top, head, rows, number_formats={3: fmt, 4: "0.0%", 5: fmt}, wrap_columns=(2, 6, 7)
    )
    wrap_header(ws, top, len(head), WIDTHS)
    fit_table_heights(ws, top + 1, last, {2: WIDTHS[2], 6: WIDTHS[6], 7: WIDTHS[7]})
    freeze_below(ws, top + 1)
    if rows:
        bars = min(len(rows), CHART_BARS)
        page_break_before(ws, last + 2)  # the chart prints whole, on a page of its own
        bar_chart(
            ws,
            title=w.label("chart_drivers_title"),
            label_col=2,
            value_col=3,
            first_row=top + 1,
            last_row=top + bars,
            anchor=f"B{last + 2}",
            axis_title=w.label("col_importance"),
            width_cm=22,
            number_format=axis_format([r[2] for r in rows[:bars]]),
        )
    return ws
