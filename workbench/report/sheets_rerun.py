"""The report page "What changed since the last analysis": the new file's differences, the
drift table and the model's check on the new labelled rows, from a :class:`~workbench.rerun.
RerunResult`. Written by ``workbench rerun --report`` (the page is not kept in the project file
yet: a report written later from the saved project has no such page)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.i18n import _
from workbench.jobs import JobContext
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

WIDTHS = {1: 22, 2: 13, 3: 10, 4: 12, 5: 14, 6: 14, 7: 70}
FULL = list(WIDTHS.values())


def write_rerun(wb: Any, title: str, rerun: Any) -> None:
    """The page itself: headline, the new file's differences, drift table, model drift."""
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, _("What changed since the last analysis"), len(WIDTHS))
    row = 3
    name = Path(str(rerun.table.source.path)).name
    row = paragraph(
        ws,
        row,
        _(
            "New file: {file}, {rows} rows. Compared with the {ref} rows the model was trained on."
        ).format(file=name, rows=f"{rerun.table.n_rows:,}", ref=f"{rerun.drift.reference_rows:,}"),
        FULL,
    )
    row += 1
    row = heading(ws, row, _("The new file's columns"))
    texts = [c.message for c in rerun.changes] or [words.schema_same()]
    for text in texts:
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
    text = md.message if md is not None else words.no_labels(rerun.analysis.fit.target)
    row = paragraph(ws, row, text, FULL)
    if md is not None:
        write_table(
            ws,
            row + 1,
            [_("Metric"), _("Validation score"), _("Lowest fold"), _("New score"), _("Rows"),
             _("Refit recommended")],
            [[words.metric_name(md.metric), md.validation_score, md.validation_range[0],
              md.new_score, md.rows, _yes_no(md.refit_recommended)]],
            number_formats={2: "0.000", 3: "0.000", 4: "0.000"},
        )  # fmt: skip


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("too few rows to judge")
    return _("yes") if value else _("no")


def write_rerun_report(
    project: Any, rerun: Any, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> Path:
    """The project's report with the page "What changed since the last analysis" added after
    the Summary (written like :func:`~workbench.report.report_xlsx.write_report`)."""
    from workbench.report.report_xlsx import write_report

    def add_page(wb: Any) -> None:
        title = sheet_title(_("What changed"), wb.sheetnames)
        write_rerun(wb, title, rerun)
        wb.move_sheet(title, offset=1 - wb.sheetnames.index(title))  # right after the Summary

    return write_report(project, path, ctx, add_pages=add_page)
