"""The Actions sheet: the action log, each result colored.

The log is read as :class:`~workbench.feedback.actions.Action` objects (the report's data holds
them typed, read once by :func:`~workbench.feedback.actions.actions_from_json`, which also reads
the words of older logs); statuses and results are said with :mod:`workbench.vocabulary`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from workbench.feedback.actions import Action
from workbench.feedback.actions_wording import change_text, expected_effect_short
from workbench.feedback.evidence import evidence_sentence
from workbench.feedback.success_check import action_success_check
from workbench.report import report_wording as w
from workbench.report.sheets_common import (
    ReportData,
    fit_table_heights,
    freeze_below,
    new_sheet,
    paragraph,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import OUTCOME_FILLS, write_table
from workbench.vocabulary import Result, result_label, status_label

WIDTHS = {
    1: 6,
    2: 34,
    3: 12,
    4: 30,
    5: 14,
    6: 13,
    7: 16,
    8: 12,
    9: 40,
    10: 30,
    11: 36,
    12: 30,
    13: 24,
}
#: The what-if's predicted change and the measured change sit side by side (columns 12, 13).
WRAPPED = (2, 4, 9, 10, 11, 12, 13)
#: The order of the results in the summary's count; actions with none logged come last.
RESULT_ORDER: tuple[Result | None, ...] = (*Result, None)


def outcome_counts(actions: Sequence[Action]) -> tuple[int, list[tuple[str, int]]]:
    """Total and (result in words, count) pairs in a fixed order, for the summary."""
    counts = Counter(a.result_kind for a in actions)
    return len(actions), [(result_label(k), counts[k]) for k in RESULT_ORDER if counts.get(k)]


def _group(action: Action) -> str | None:
    source = action.source_group
    return None if source is None else w.group_name(source.group_id)


def _notes(action: Action) -> str | None:
    """Notes, the reason an action could not be tried, and the evidence sentence, one a line."""
    parts: list[str] = []
    notes = action.notes.strip()
    if notes:
        parts.append(notes)
    reason = action.reason_not_tried.strip()
    if reason and reason != notes:
        parts.append(w.reason_not_tried(reason))
    if action.evidence:
        sentence = evidence_sentence(action.evidence).strip()
        if sentence:
            parts.append(w.evidence_note(sentence))
    return "\n".join(parts) or None


def _date(action: Action) -> dt.date | str | None:
    """When the result was logged, else the planned date, else when the action was written —
    as a real date, so Excel sorts and formats it (text that is no date stays text)."""
    value = action.outcome_date or action.planned_date or action.created
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return value


def action_row(i: int, action: Action, goal: Any = None) -> list[Any]:
    """The cells of one action, in the sheet's column order (``goal``: the project's goal,
    whose success criterion judges the action's evidence)."""
    check = action_success_check(action, goal)
    expected = expected_effect_short(action.expected_effect) if action.expected_effect else ""
    return [
        i,
        action.title,
        _group(action),
        "; ".join(change_text(c) for c in action.changes) or None,
        action.owner or None,
        status_label(action.status),
        result_label(action.result_kind),
        _date(action),
        _notes(action),
        expected or None,
        None if check is None else check.text,
        _predicted(action),
        _measured(action),
    ]


def _predicted(action: Action) -> str | None:
    """The what-if's predicted change the action was made from (None: not from a what-if)."""
    from workbench.steps.whatif_wording import predicted_short

    doc = action.predicted_effect
    return (predicted_short(doc) or None) if doc else None


def _measured(action: Action) -> str | None:
    """The measured change (after − before) with its 95% interval, from the evidence; else the
    logged measured effect; None when nothing was measured."""
    from workbench.feedback.evidence_wording import decimals_for, signed

    ev = action.evidence
    if ev:
        try:
            diff, low, high = (float(ev[k]) for k in ("difference", "ci_low", "ci_high"))
        except (KeyError, TypeError, ValueError):
            diff = low = high = float("nan")
        if diff == diff:
            scale = 100.0 if ev.get("kind") == "proportion" else 1.0
            d = decimals_for((high - low) * scale)
            unit = " %p" if scale == 100.0 else (f" {ev['unit']}" if ev.get("unit") else "")
            return w.measured_change(
                signed(diff * scale, d) + unit, signed(low * scale, d), signed(high * scale, d)
            )
    if action.measured_effect is not None:
        from workbench.claim_format import format_value

        return format_value("difference", float(action.measured_effect))
    return None


def write_actions(wb: Any, title: str, data: ReportData) -> Worksheet:
    """Write the Actions sheet (a sentence instead of a table when nothing is logged)."""
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, title, len(WIDTHS))
    row = paragraph(ws, 2, w.label("actions_intro"), list(WIDTHS.values()))
    if not data.actions:
        total, counts = outcome_counts(data.actions)
        paragraph(ws, row + 1, w.actions_status(total, counts), list(WIDTHS.values()))
        freeze_below(ws, 3)
        return ws
    top = row + 1
    head = [
        "#",
        w.label("col_action"),
        w.label("col_group"),
        w.label("col_change"),
        w.label("col_owner"),
        w.label("col_status"),
        w.label("col_outcome"),
        w.label("col_date"),
        w.label("col_notes"),
        w.label("col_expected"),
        w.label("col_success"),
        w.label("col_predicted"),
        w.label("col_measured"),
    ]
    goal = data.current_goal
    rows = [action_row(i, a, goal) for i, a in enumerate(data.actions, start=1)]
    last = write_table(ws, top, head, rows, wrap_columns=WRAPPED, number_formats={8: "yyyy-mm-dd"})
    wrap_header(ws, top, len(head), WIDTHS)
    for r, action in enumerate(data.actions, start=top + 1):
        fill = None if action.result_kind is None else OUTCOME_FILLS[action.result_kind]
        if fill is not None:
            ws.cell(row=r, column=7).fill = fill
    wrapped = {c: WIDTHS[c] for c in WRAPPED}
    fit_table_heights(ws, top + 1, last, wrapped)
    freeze_below(ws, top + 1)
    ws.auto_filter.ref = f"A{top}:M{last}"
    return ws
