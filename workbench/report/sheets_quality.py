"""The Quality sheet: the alerts with what to do, then every column's profile.

Severity and missing share are highlighted with conditional formatting, so the colors stay
right when a reader sorts or filters the rows.
"""

from __future__ import annotations

from typing import Any

from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from workbench.report import report_wording as w
from workbench.report.sheets_common import (
    ReportData,
    fit_table_heights,
    freeze_below,
    heading,
    keep_blocks_together,
    new_sheet,
    paragraph,
    round_sig,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import SEVERITY_FILLS, write_table
from workbench.steps.pii import personal_columns
from workbench.steps.pii_wording import masked_columns
from workbench.steps.quality_checks import severity_rank

WIDTHS = {1: 22, 2: 20, 3: 11, 4: 11, 5: 11, 6: 11, 7: 12, 8: 12, 9: 12, 10: 40}
# The alerts table spans the same columns: finding across C–H, what to do across I–J.
FULL = list(WIDTHS.values())
MAX_COMMON = 3


def _excel_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _severity_colors(ws: Worksheet, first: int, last: int) -> None:
    """Color each alert row by its severity word (conditional formatting, survives sorting)."""
    if last < first:
        return
    area = f"A{first}:J{last}"
    for severity, fill in SEVERITY_FILLS.items():
        word = _excel_text(w.severity_word(severity))
        rule = FormulaRule(formula=[f"$A{first}={word}"], fill=fill, stopIfTrue=True)
        ws.conditional_formatting.add(area, rule)


def _alerts(ws: Worksheet, top: int, alerts: list[Any]) -> int:
    """The alerts table (merged cells for the long texts); returns the last row."""
    from openpyxl.styles import Alignment

    from workbench.report.xlsx_style import GRID, HEADER, HEADER_FILL, WRAP, put

    spans = ((1, 1), (2, 2), (3, 8), (9, 10))
    head = w.labels("col_severity", "col_column", "col_finding", "col_fix")
    for (a, b), text in zip(spans, head, strict=True):
        put(ws, top, a, text, HEADER, fill=HEADER_FILL, alignment=Alignment(vertical="center"))
        for col in range(a + 1, b + 1):
            ws.cell(row=top, column=col).fill = HEADER_FILL
        if b > a:
            ws.merge_cells(start_row=top, start_column=a, end_row=top, end_column=b)
    ordered = sorted(alerts, key=lambda a: severity_rank(a.severity))
    r = top
    width_find = sum(WIDTHS[c] for c in range(3, 9))
    width_fix = WIDTHS[9] + WIDTHS[10]
    for r, alert in enumerate(ordered, start=top + 1):
        values = [w.severity_word(alert.severity), alert.column, alert.message, alert.fix]
        for (a, b), value in zip(spans, values, strict=True):
            put(ws, r, a, value, border=GRID, alignment=WRAP)
            if b > a:
                ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
        fit_table_heights(ws, r, r, {2: WIDTHS[2], 3: width_find, 9: width_fix})
    _severity_colors(ws, top + 1, r)
    return r


def _common(profile: Any) -> str | None:
    values = list(profile.top_values or [])[:MAX_COMMON]
    if not values or profile.kind == "numeric":
        return None
    return ", ".join(w.value_count(str(v), int(n)) for v, n in values)


def _shown(value: Any) -> Any:
    """Numbers rounded for reading; ISO timestamps as "2026-03-02 06:00"."""
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        text = value.replace("T", " ")
        if text.endswith(" 00:00:00") or len(text) == 10:
            return text[:10]
        return text[:16]
    return round_sig(value)


def profile_rows(quality: Any) -> list[list[Any]]:
    """One row per column: kind, filled, missing, missing share, distinct, range, common values."""
    from workbench.steps.recipe_wording import kind_name

    rows = []
    for p in quality.profiles:
        rows.append(
            [
                p.name,
                kind_name(p.kind),
                p.count,
                p.missing,
                p.missing_pct / 100.0,
                p.distinct,
                _shown(p.min),
                round_sig(p.mean),
                _shown(p.max),
                _common(p),
            ]
        )
    return rows


def write_quality(wb: Any, title: str, data: ReportData) -> Worksheet:
    """Write the Quality sheet."""
    quality = data.result.quality
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, title, len(WIDTHS))
    alerts = list(quality.alerts)
    errors, warnings = (sum(1 for a in alerts if a.severity == s) for s in ("error", "warning"))
    row = paragraph(
        ws, 2, w.quality_headline(errors, warnings, len(alerts) - errors - warnings), FULL
    )
    personal = personal_columns(alerts)
    if personal:  # the report says which columns it shows masked
        row = paragraph(ws, row, masked_columns(personal), FULL)
    freeze_below(ws, row)

    alerts_start = row + 1
    row = heading(ws, alerts_start, w.label("heading_alerts"))
    row = _alerts(ws, row, alerts) + 1 if alerts else paragraph(ws, row, w.label("no_alerts"), FULL)

    profile_start = row + 1
    row = heading(ws, profile_start, w.label("heading_profile"))
    head = w.labels(
        "col_column",
        "col_kind",
        "col_filled",
        "col_missing",
        "col_missing_pct",
        "col_distinct",
        "col_min",
        "col_mean",
        "col_max",
        "col_common",
    )
    rows = profile_rows(quality)
    last = write_table(
        ws,
        row,
        head,
        rows,
        number_formats={3: "#,##0", 4: "#,##0", 5: "0.0%", 6: "#,##0"},
        wrap_columns=(1, 2, 7, 9, 10),
    )
    wrap_header(ws, row, len(head), WIDTHS)
    fit_table_heights(ws, row + 1, last, {c: WIDTHS[c] for c in (1, 2, 7, 9, 10)})
    if last > row:
        # White at 0% to orange at 50% and more: gaps stand out without hiding the number.
        scale = ColorScaleRule(
            start_type="num",
            start_value=0,
            start_color="FFFFFF",
            end_type="num",
            end_value=0.5,
            end_color="F4B183",
        )
        ws.conditional_formatting.add(f"E{row + 1}:E{last}", scale)
    ws.auto_filter.ref = f"A{row}:J{last}"
    # The column table starts a page when it would otherwise be cut from its header.
    keep_blocks_together(ws, [(alerts_start, profile_start - 2), (profile_start, last)])
    return ws
