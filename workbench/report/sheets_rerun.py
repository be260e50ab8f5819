"""The report page "What changed since the last analysis": the new file's differences, the
drift table and the model's check on the new labelled rows, from the project's last
re-application (a :class:`~workbench.rerun_record.RerunRecord`, kept in the project file, so a
report written later from the reopened project still has the page)."""

from __future__ import annotations

from typing import Any

from workbench.i18n import _
from workbench.report.sheets_common import (
    fit_table_heights,
    freeze_below,
    heading,
    new_sheet,
    paragraph,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import sheet_title, write_table
from workbench.steps import drift_wording as words

WIDTHS: dict[int, float] = {1: 22, 2: 13, 3: 10, 4: 12, 5: 14, 6: 14, 7: 70}
FULL = list(WIDTHS.values())


def write_rerun(wb: Any, title: str, rerun: Any, model_changed: bool = False) -> None:
    """The page itself: headline, the new file's differences, drift table, model drift.
    ``model_changed``: the model was fitted again after these findings (said on the page)."""
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, _("What changed since the last analysis"), len(WIDTHS))
    row = 3
    row = paragraph(
        ws,
        row,
        _(
            "New file: {file}, {rows} rows, applied on {day}. Compared with the {ref} rows the "
            "model was trained on."
        ).format(
            file=rerun.file_name,
            rows=f"{rerun.rows:,}",
            day=rerun.day,
            ref=f"{rerun.drift.reference_rows:,}",
        ),
        FULL,
    )
    if model_changed:
        row = paragraph(ws, row, words.model_refitted_since(), FULL)
    row = paragraph(ws, row, rerun.scored_line(), FULL)
    if rerun.appended_line() is not None:
        row = paragraph(ws, row, rerun.appended_line(), FULL)
    row += 1
    row = heading(ws, row, _("The new file's columns"))
    for text in rerun.schema_lines():
        row = paragraph(ws, row, "• " + text, FULL)
    row += 1
    row = heading(ws, row, _("Drift per column"))
    if rerun.drift.columns:
        headers = [
            _("Column"),
            _("Kind"),
            "PSI",
            _("Change"),
            _("Before (median / share)"),
            _("Now (median / share)"),
            _("In words"),
        ]
        rows = []
        for d in rerun.drift.columns:
            before = d.reference_median if d.kind == "numeric" else d.reference_share
            now = d.new_median if d.kind == "numeric" else d.new_share
            if d.kind != "numeric" and d.direction == "new_levels":
                before, now = 0.0, d.new_levels_share
            rows.append(
                [d.column, words.kind_words(d.kind), d.score, words.level_word(d.level),
                 before, now, d.message]
            )  # fmt: skip
        top = row
        last = write_table(ws, top, headers, rows, number_formats={3: "0.00"}, wrap_columns=(7,))
        for r, d in enumerate(rerun.drift.columns, start=top + 1):
            if d.kind != "numeric":  # a share of rows, not a value of the column
                for col in (5, 6):
                    ws.cell(row=r, column=col).number_format = "0.0%"
        wrap_header(ws, top, len(headers), WIDTHS)
        fit_table_heights(ws, top + 1, last, {7: WIDTHS[7]})
        freeze_below(ws, top)
        row = last + 2
    else:
        row = paragraph(ws, row, words.no_drift(len(rerun.drift.checked), rerun.drift.period), FULL)
        row += 1
    row = heading(ws, row, _("The saved model on the new rows"))
    md = rerun.model_drift
    row = paragraph(ws, row, rerun.model_line(), FULL)
    if md is not None:
        write_table(
            ws,
            row + 1,
            [_("Metric"), _("Validation score"), _("Lowest fold"), _("New score"), _("Rows"),
             _("Refit recommended")],
            [[words.metric_name(md.metric), md.validation_score, md.validation_range[0],
              md.new_score, md.rows, _yes_no(md.refit_recommended)]],
            number_formats={2: "0.000", 3: "0.000", 4: "0.000", 5: "#,##0"},
        )  # fmt: skip
        wrap_header(ws, row + 1, 6, WIDTHS)  # "Validation score" in a narrow number column


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("too few rows to judge")
    return _("yes") if value else _("no")


def add_rerun_page(wb: Any, project: Any) -> None:
    """Add the page right after the Summary when ``project`` keeps a re-application (a bare
    analysis result has none: nothing is added)."""
    record = getattr(project, "rerun", None)
    if record is None:
        return
    from workbench.project import Section

    title = sheet_title(_("What changed"), wb.sheetnames)
    write_rerun(wb, title, record, record.model_changed(project.result(Section.MODEL)))
    wb.move_sheet(title, offset=1 - wb.sheetnames.index(title))  # right after the Summary
