"""The Actions sheet: the action log, each outcome colored.

The action log's schema is still settling, so entries are read leniently: the usual names
(``title``/``hypothesis``, ``change``, ``owner``, ``status``, ``outcome``, dates, ``notes``)
are looked up, and outcome words are mapped to one of a few outcome kinds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

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
OUTCOME_ORDER = ("improved", "no_change", "worse", "inconclusive", "not_tried", "pending")
_OUTCOME_WORDS = {
    "improved": "improved",
    "better": "improved",
    "up": "improved",
    "success": "improved",
    "succeeded": "improved",
    "no_change": "no_change",
    "same": "no_change",
    "unchanged": "no_change",
    "none": "no_change",
    "worse": "worse",
    "down": "worse",
    "failed": "worse",
    "inconclusive": "inconclusive",
    "unclear": "inconclusive",
    "not_tried": "not_tried",
    "untestable": "not_tried",
    "could_not_try": "not_tried",
    "not_testable": "not_tried",
    "blocked": "not_tried",
}
_TITLE_KEYS = ("title", "hypothesis", "name", "action")
_CHANGE_KEYS = ("change", "what_to_change", "what", "setting")
_DATE_KEYS = ("tried_on", "date", "due", "started", "created", "planned_date")
_NOTE_KEYS = ("notes", "note", "reason", "result_notes", "comment")


def outcome_kind(action: dict[str, Any]) -> str:
    """One of :data:`OUTCOME_ORDER` for an action entry (``pending`` when nothing is logged)."""
    raw = action.get("outcome")
    if not raw and str(action.get("status") or "") == "could_not_try":
        return "not_tried"
    if isinstance(raw, dict):  # {"kind": ..., "notes": ...}
        raw = raw.get("kind") or raw.get("result")
    if raw is None or str(raw).strip() == "":
        return "pending"
    key = str(raw).strip().casefold().replace(" ", "_").replace("-", "_")
    return _OUTCOME_WORDS.get(key, key)


def outcome_counts(actions: Sequence[dict[str, Any]]) -> tuple[int, list[tuple[str, int]]]:
    """Total and (outcome in words, count) pairs in a fixed order, for the summary."""
    counts = Counter(outcome_kind(a) for a in actions)
    known = [k for k in OUTCOME_ORDER if counts.get(k)]
    other = sorted(k for k in counts if k not in OUTCOME_ORDER)
    return len(actions), [(w.outcome_word(k), counts[k]) for k in known + other]


def _first(action: dict[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        value = action.get(key)
        if value not in (None, ""):
            return value
    return None


def _group(action: dict[str, Any]) -> Any:
    group = action.get("group") or action.get("group_id") or action.get("cause_group")
    source = action.get("source_group")
    if group is None and isinstance(source, dict):  # workbench.feedback.actions.Action.to_dict()
        group = source.get("group_id")
    return w.group_name(int(group)) if isinstance(group, int) else group


def _notes(action: dict[str, Any]) -> str | None:
    """Notes, the reason an action could not be tried, and the evidence sentence, one a line."""
    parts: list[str] = []
    notes = _first(action, _NOTE_KEYS)
    outcome = action.get("outcome")
    if isinstance(outcome, dict) and not notes:
        notes = outcome.get("notes")
    if notes:
        parts.append(str(notes))
    reason = str(action.get("reason_not_tried") or "").strip()
    if reason and reason != str(notes or "").strip():
        parts.append(w.reason_not_tried(reason))
    evidence = action.get("evidence")
    if isinstance(evidence, dict):
        from workbench.feedback.evidence import evidence_sentence

        sentence = evidence_sentence(evidence).strip()
        if sentence:
            parts.append(w.evidence_note(sentence))
    return "\n".join(parts) or None


def _as_date(value: Any) -> Any:
    """ISO date text ("2026-04-02") as a real date, so Excel sorts and formats it."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    return value


def action_row(i: int, action: dict[str, Any], goal: Any = None) -> list[Any]:
    """The cells of one action, in the sheet's column order (``goal``: the project's goal,
    whose success criterion judges the action's evidence)."""
    kind = outcome_kind(action)
    status = action.get("status")
    notes = _notes(action)
    return [
        i,
        _first(action, _TITLE_KEYS),
        _group(action),
        _first(action, _CHANGE_KEYS),
        action.get("owner"),
        w.status_word(str(status)) if status else None,
        w.outcome_word(kind),
        _as_date(_first(action, _DATE_KEYS)),
        notes,
        _expected(action),
        _success(action, goal),
        _predicted(action),
        _measured(action),
    ]


def _success(action: dict[str, Any], goal: Any) -> str | None:
    """The action's evidence against the goal's success criterion (None: no verdict)."""
    from workbench.feedback.success_check import action_success_check

    check = action_success_check(action, goal)
    return None if check is None else check.text


def _expected(action: dict[str, Any]) -> str | None:
    """The action's expected effect from its claim (None: nothing was measured)."""
    from workbench.feedback.actions_wording import expected_effect_short

    effect = action.get("expected_effect")
    return expected_effect_short(effect) or None if isinstance(effect, dict) else None


def _predicted(action: dict[str, Any]) -> str | None:
    """The what-if's predicted change the action was made from (None: not from a what-if)."""
    from workbench.steps.whatif_wording import predicted_short

    doc = action.get("predicted_effect")
    return predicted_short(doc) or None if isinstance(doc, dict) else None


def _measured(action: dict[str, Any]) -> str | None:
    """The measured change (after − before) with its 95% interval, from the evidence; else the
    logged measured effect; None when nothing was measured."""
    from workbench.feedback.evidence_wording import decimals_for, signed

    ev = action.get("evidence")
    if isinstance(ev, dict):
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
    effect = action.get("measured_effect")
    if isinstance(effect, int | float):
        from workbench.claim_format import format_value

        return format_value("difference", float(effect))
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
        fill = OUTCOME_FILLS.get(outcome_kind(action))
        if fill is not None:
            ws.cell(row=r, column=7).fill = fill
    wrapped = {c: WIDTHS[c] for c in WRAPPED}
    fit_table_heights(ws, top + 1, last, wrapped)
    freeze_below(ws, top + 1)
    ws.auto_filter.ref = f"A{top}:M{last}"
    return ws
