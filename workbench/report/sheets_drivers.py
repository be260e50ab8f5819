"""The Drivers sheet: every model column ranked by importance, with a native bar chart."""

from __future__ import annotations

import math
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
    paragraph,
    sig_format,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import write_table
from workbench.vocabulary import controllability_label

WIDTHS = {1: 7, 2: 30, 3: 14, 4: 11, 5: 14, 6: 26, 7: 30}
FULL = list(WIDTHS.values())
CHART_BARS = 15  # a chart with more bars gets unreadable; the table lists them all


def driver_rows(data: ReportData) -> list[list[Any]]:
    """(rank, column, importance, share of total, focus importance, role, changeable)."""
    from workbench.report.sheets_dictionary import role_text

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
                role_text(result, name),
                controllability_label(result.roles.controllability(name)),
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
    rows = driver_rows(data)
    # The chart first, then the table: a chart after the table printed on a page of its own
    # under the table's repeated (empty) dark header band.
    bars = min(len(rows), CHART_BARS)
    chart_rows = _chart_rows(bars) if rows else 0
    top = row + 1 + chart_rows
    head = w.labels(
        "col_rank",
        "col_column",
        "col_importance",
        "col_share_total",
        "col_focus_importance",
        "col_role",
        "col_changeable",
    )
    fmt = sig_format([r[2] for r in rows[:CHART_BARS]])
    last = write_table(
        ws, top, head, rows, number_formats={3: fmt, 4: "0.0%", 5: fmt}, wrap_columns=(2, 6, 7)
    )
    wrap_header(ws, top, len(head), WIDTHS)
    fit_table_heights(ws, top + 1, last, {2: WIDTHS[2], 6: WIDTHS[6], 7: WIDTHS[7]})
    # On screen the title stays; on paper the table's header repeats over its later pages.
    ws.freeze_panes = "A2"
    ws.print_title_rows = f"{top}:{top}"
    if rows:
        bar_chart(
            ws,
            title=w.label("chart_drivers_title"),
            label_col=2,
            value_col=3,
            first_row=top + 1,
            last_row=top + bars,
            anchor=f"B{row + 1}",
            axis_title=w.label("col_importance"),
            width_cm=22,
            height_cm=_chart_height_cm(bars),
            number_format=axis_format([r[2] for r in rows[:bars]]),
        )
    return ws


def _chart_height_cm(bars: int) -> float:
    return max(6.0, 2.5 + 0.6 * bars)


def _chart_rows(bars: int) -> int:
    """Rows of the default height (15 pt = 0.53 cm) the chart covers, and one of air."""
    return math.ceil(_chart_height_cm(bars) / 0.529) + 1
