"""The Data dictionary sheet: every column with its kind and role, why a column was left out,
how the file was read, and the clean-up steps in words."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from workbench.report import report_wording as w
from workbench.report.sheets_common import (
    ReportData,
    fit_table_heights,
    freeze_below,
    heading,
    new_sheet,
    paragraph,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import write_table
from workbench.steps.pii import note_message, personal_columns
from workbench.vocabulary import ColumnRole, role_label, target_label

WIDTHS = {1: 26, 2: 18, 3: 26, 4: 10, 5: 48, 6: 10, 7: 44}
FULL = list(WIDTHS.values())


def column_role(result: Any, column: str) -> ColumnRole | None:
    """The role ``column`` played in the analysis (None: the goal's column, the target)."""
    if column == result.goal.target:
        return None
    role = result.roles.get(column)
    exclusion = result.roles.exclusion(column)
    if role is not None and exclusion is None:
        return ColumnRole(role)
    if exclusion is not None and exclusion.reason in (ColumnRole.ID, ColumnRole.TIME):
        return ColumnRole(exclusion.reason)
    return ColumnRole.EXCLUDED


def role_text(result: Any, column: str) -> str:
    """The role of ``column`` in the words of the Goal step's role picker."""
    role = column_role(result, column)
    return target_label() if role is None else role_label(role)


def _exclusion_text(result: Any, column: str) -> str | None:
    exclusion = result.roles.exclusion(column)
    if exclusion is None:
        for e in getattr(result.fit, "excluded", []) or []:
            if e.column == column:
                exclusion = e
                break
    if exclusion is None or exclusion.reason == "target":
        return None
    return exclusion.message or exclusion.reason


def _missing_pct(result: Any, column: str) -> float | None:
    try:
        return float(result.quality.profile(column).missing_pct) / 100.0
    except KeyError:
        return None


def dictionary_rows(result: Any) -> list[list[Any]]:
    """One row per column of the loaded table, in the file's order."""
    from workbench.steps.recipe_wording import kind_name

    table = result.table
    notes: dict[str, list[str]] = {}
    personal = personal_columns(result.quality.alerts)
    for n in table.notes:
        if n.column:
            notes.setdefault(str(n.column), []).append(note_message(n, personal))
    model_columns = set(getattr(result.fit.features, "columns", []) or [])
    if not model_columns:
        model_columns = set(result.roles.model_columns)
    rows = []
    for column in table.frame.columns:
        name = str(column)
        kind = result.kinds.get(name, table.kinds.get(name))
        rows.append(
            [
                name,
                kind_name(kind) if kind is not None else None,
                role_text(result, name),
                w.label("yes") if name in model_columns else w.label("no"),
                _exclusion_text(result, name),
                _missing_pct(result, name),
                "\n".join(notes.get(name, [])) or None,
            ]
        )
    return rows


def recipe_rows(data: ReportData) -> list[list[Any]]:
    """(step, what it does, effect) of the clean-up steps applied before modeling."""
    if data.recipe_steps is not None and not data.result.cleaning:
        from workbench.steps.recipe_wording import describe_step

        return [[i, describe_step(s), None] for i, s in enumerate(data.recipe_steps, start=1)]
    return [
        [i, r.description, r.effect or None] for i, r in enumerate(data.result.cleaning, start=1)
    ]


def write_dictionary(wb: Any, title: str, data: ReportData) -> Worksheet:
    """Write the Data dictionary sheet."""
    result = data.result
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, title, len(WIDTHS))
    row = paragraph(ws, 2, w.label("dictionary_intro"), FULL)
    top = row + 1
    head = w.labels(
        "col_column",
        "col_kind",
        "col_role",
        "col_used",
        "col_why",
        "col_missing_pct",
        "col_load_notes",
    )
    rows = dictionary_rows(result)
    last = write_table(ws, top, head, rows, number_formats={6: "0.0%"}, wrap_columns=(1, 3, 5, 7))
    wrap_header(ws, top, len(head), WIDTHS)
    fit_table_heights(ws, top + 1, last, {c: WIDTHS[c] for c in (1, 3, 5, 7)})
    freeze_below(ws, top + 1)

    row = heading(ws, last + 2, w.label("heading_recipe"))
    steps = recipe_rows(data)
    if steps:
        widths = {1: WIDTHS[1], 2: sum(FULL[1:4]), 3: sum(FULL[4:])}
        head2 = w.labels("col_step", "col_cleanup", "col_effect")
        end = _spanning_table(ws, row, head2, steps, spans=((2, 4), (5, 7)))
        fit_table_heights(ws, row + 1, end, {2: widths[2], 5: widths[3]})
        row = end + 1
    else:
        row = paragraph(ws, row, w.label("no_recipe"), FULL)

    general = [n.message for n in result.table.notes if not n.column]
    if general:
        row = heading(ws, row + 1, w.label("heading_load_notes"))
        for message in general:
            row = paragraph(ws, row, f"• {message}", FULL)
    return ws


def _spanning_table(
    ws: Worksheet,
    top: int,
    head: list[str],
    rows: list[list[Any]],
    spans: tuple[tuple[int, int], ...],
) -> int:
    """A table whose 2nd and later columns each span several sheet columns (merged)."""
    from openpyxl.styles import Alignment

    from workbench.report.xlsx_style import GRID, HEADER, HEADER_FILL, WRAP, put

    top_align = Alignment(vertical="top")
    starts = [1] + [a for a, _ in spans]
    for j, text in enumerate(head):
        put(
            ws,
            top,
            starts[j],
            text,
            HEADER,
            fill=HEADER_FILL,
            alignment=Alignment(vertical="center"),
        )
    for a, b in spans:
        for col in range(a + 1, b + 1):
            ws.cell(row=top, column=col).fill = HEADER_FILL
        ws.merge_cells(start_row=top, start_column=a, end_row=top, end_column=b)
    r = top
    for r, values in enumerate(rows, start=top + 1):
        for j, value in enumerate(values):
            put(ws, r, starts[j], value, border=GRID, alignment=WRAP if j else top_align)
        for a, b in spans:
            ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
    return r
