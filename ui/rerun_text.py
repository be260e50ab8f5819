"""The words of File → Apply to new data…: headings and the result as one HTML page.

The sentences come from the record (:class:`~workbench.rerun_record.RerunRecord`, said by
:mod:`workbench.steps.drift_wording`), so the dialog, the report page and the command line say
the same thing; this module only arranges them and adds the dialog's own labels.
"""

from __future__ import annotations

from html import escape
from typing import Any

from workbench.i18n import N_, _
from workbench.steps import drift_wording as words

TITLE = N_("Apply to new data")
CHOOSE_FILE = N_("Apply the project to a new data file")
RUNNING = N_("Re-applying the project to {file}…")
CANCELLED = N_("Cancelled; nothing was changed.")
EXPORT = N_("Export scores…")
APPEND = N_("Add these rows to the project's data")
APPENDING = N_("Adding the rows to the project's data…")
EXPORTED = N_("Wrote the scores {path}.")
EXPORT_FILTER = N_("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)")
SCORES_NAME = N_("{stem} scores")
NO_RECORD = N_(
    "This project has not been applied to new data yet. Use File → Apply to new data… to "
    "compare next week's file with the data the model learned from."
)
ROWS_GONE = N_(
    "The rows of this re-application are not kept in the project (only what was found): "
    "apply the file again to export its scores or add its rows."
)
REFIT_HOW = N_(
    "To refit: add the rows to the project's data (button below), then run the model again "
    "on the Model step."
)
HEAD_COLUMNS = N_("The new file's columns")
HEAD_DRIFT = N_("Drift per column")
HEAD_MODEL = N_("The saved model on the new rows")
HEADLINE = N_("Applied to {file}: {rows} rows × {columns} columns, on {day}.")
COMPARED = N_("Compared with the {ref} rows the model was trained on.")
WHAT_CHANGED = N_("What changed since the last analysis")


def _p(text: str, style: str = "") -> str:
    attr = f' style="{style}"' if style else ""
    return f"<p{attr}>{escape(text)}</p>"


def _list(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in lines) + "</ul>"


def record_html(record: Any, model_changed: bool = False) -> str:
    """The whole result as HTML: headline, columns, drift, the model's check, next steps."""
    parts = [
        f"<h2>{escape(_(WHAT_CHANGED))}</h2>",
        _p(
            _(HEADLINE).format(
                file=record.file_name,
                rows=f"{record.rows:,}",
                columns=record.columns,
                day=record.day,
            )
            + " "
            + _(COMPARED).format(ref=f"{record.drift.reference_rows:,}")
        ),
    ]
    if model_changed:
        parts.append(_p(words.model_refitted_since(), "color:#8a4b00"))
    parts.append(_p(record.scored_line()))
    if record.appended_line() is not None:
        parts.append(_p(record.appended_line()))
    parts.append(f"<h3>{escape(_(HEAD_COLUMNS))}</h3>")
    if record.changes:
        parts.append(_p(words.schema_headline(len(record.changes))))
    parts.append(_list(record.schema_lines()))
    parts.append(f"<h3>{escape(_(HEAD_DRIFT))}</h3>")
    parts.append(_p(record.drift_headline()))
    if record.drift.columns:
        parts.append(_list(record.drift_lines()))
    parts.append(f"<h3>{escape(_(HEAD_MODEL))}</h3>")
    if record.refit_recommended:
        parts.append(_p(record.model_line(), "color:#b00020; font-weight:bold"))
        parts.append(_p(_(REFIT_HOW)))
    else:
        parts.append(_p(record.model_line()))
    return "\n".join(parts)


def no_record_html() -> str:
    """The page for a project never re-applied."""
    return _p(_(NO_RECORD))
