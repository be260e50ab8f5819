"""The Cause groups sheet: one block per group — size, target mean against the whole table,
the ranges and levels that set it apart, its drivers, and a native chart of those drivers."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from workbench.feedback.library import tried_before_lines
from workbench.report import report_wording as w
from workbench.report.sheets_common import (
    LINE_HEIGHT,
    ReportData,
    axis_format,
    bar_chart,
    fit_table_heights,
    freeze_below,
    keep_blocks_together,
    new_sheet,
    note,
    paragraph,
    round_sig,
    sig_format,
    title_row,
    wrap_header,
)
from workbench.report.xlsx_style import BODY, BOLD, HEADING, put, write_table
from workbench.vocabulary import controllability_label

WIDTHS = {1: 40, 2: 15, 3: 28, 4: 28, 5: 2, 6: 12, 7: 12, 8: 12, 9: 12, 10: 12, 11: 12}
FULL = list(WIDTHS.values())
TABLE = {c: WIDTHS[c] for c in (1, 2, 3, 4)}
CHART_ROWS = 15  # rows of default height the chart covers; a block is at least this tall
MAX_DRIVERS = 8
TRIED = Font(name=BOLD.name, size=BOLD.size, italic=True, color="9C5700")  # amber: a warning


def _condition_text(cond: Any) -> str:
    """The condition, and for a number the group's and the rest's typical ranges below it."""
    from workbench.steps.causes_wording import fmt_number

    text = cond.text
    if cond.group_range is not None and cond.rest_range is not None:
        g = [fmt_number(v, cond.step, cond.column) for v in cond.group_range]
        r = [fmt_number(v, cond.step, cond.column) for v in cond.rest_range]
        text += "\n" + w.typical_values(f"{g[0]}–{g[1]}", f"{r[0]}–{r[1]}")
    return text


def condition_rows(group: Any) -> list[list[Any]]:
    """(condition, share of the group, share of the rest, changeable) — drivers first."""
    rows = []
    for cond in group.conditions:
        rows.append(
            [
                _condition_text(cond),
                cond.group_share,
                cond.rest_share,
                controllability_label(cond.controllable),
            ]
        )
    for cond in group.also:
        text = f"{_condition_text(cond)}\n({w.label('also_note')})"
        rows.append(
            [text, cond.group_share, cond.rest_share, controllability_label(cond.controllable)]
        )
    return rows


def driver_rows(group: Any) -> list[list[Any]]:
    return [
        [d.column, float(d.importance), controllability_label(d.controllable)]
        for d in group.drivers[:MAX_DRIVERS]
    ]


def toward_goal(data: ReportData) -> tuple[bool, str]:
    """(whether the focus rows are where the goal lies, the focus in words): the drivers of a
    group push toward its focus — away from the goal when the focus is a defect class or the
    worst rows."""
    from workbench.feedback.actions import focus_is_to_avoid
    from workbench.steps.causes_wording import focus_phrase

    goal = data.result.goal
    rule = goal.focus
    doc = {"focus": rule.to_text(), "direction": str(goal.direction)}
    return not focus_is_to_avoid(doc), focus_phrase(rule.kind, rule.value, data.target)


def effect_rows(data: ReportData, group: Any) -> list[tuple[str, Any, str]]:
    """(label, value, note) rows of a group's numbers: where its conditions hold against the
    other rows, over all rows and out of fold (the ``effect`` claim); else the overall value."""
    from workbench.claim_format import format_value

    target = data.target
    effect = group.claims.get("effect")
    overall = group.claims.get("overall")
    if effect is None:
        if overall is None:
            return []
        return [(w.label_overall(target, overall.label), overall.value, "")]
    label = effect.label
    points = label is not None
    lo, hi = effect.interval or (float("nan"), float("nan"))
    interval = w.interval_text(
        format_value("difference", lo, effect.step, rate=points),
        format_value("difference", hi, effect.step, rate=points),
    )
    return [
        (w.label_effect_rows(), effect.n, ""),
        (w.label_effect_meets(target, label), effect.value + (effect.comparison or 0.0), ""),
        (
            w.label_effect_rest(target, label, format_value("count", effect.n_compare or 0)),
            effect.comparison,
            "",
        ),
        (w.label_effect_difference(points), effect.value * (100 if points else 1), interval),
    ]


def _numbers(ws: Worksheet, row: int, data: ReportData, group: Any) -> int:
    rows = effect_rows(data, group)
    effect = group.claims.get("effect")
    claim = effect or group.claims.get("overall")
    rate = claim is not None and claim.label is not None
    for i, (label, value, note_text) in enumerate(rows):
        put(ws, row, 1, label, BOLD, alignment=Alignment(wrap_text=True, vertical="top"))
        cell = put(ws, row, 2, round_sig(value, 6), BOLD)
        if effect is not None and i == 0:
            cell.number_format = "#,##0"
        elif effect is not None and i == 3:
            fmt = "0" + ("." + "0" * _decimals(effect, points=rate)).rstrip(".")
            cell.number_format = f"+{fmt};-{fmt};{fmt}"
        elif rate:
            cell.number_format = "0.0%"
        else:
            cell.number_format = sig_format([v for _l, v, _n in rows[1:3]] or [value], digits=4)
        if note_text:
            put(ws, row, 3, note_text)
        fit_table_heights(ws, row, row, {1: WIDTHS[1]})
        row += 1
    if effect is not None:
        row = note(ws, row, w.label("effect_note"), FULL[:4])
    return row


def _stability(ws: Worksheet, row: int, group: Any) -> int:
    """The group's stability (its claim): how well it came back when the grouping was redone,
    "weak group" beside it below 60%. Groups saved before stability claims show none."""
    from workbench.steps.causes_wording import stability_line

    claim = group.claims.get("stability")
    if claim is None or group.stability is None:
        return row
    put(ws, row, 1, w.label("stability"), BOLD, alignment=Alignment(wrap_text=True, vertical="top"))
    cell = put(ws, row, 2, round_sig(claim.value, 6), BOLD)
    cell.number_format = "0%"
    text = stability_line(claim.value, claim.n_compare or 0, claim.estimate, weak=group.weak)
    put(ws, row, 3, text, TRIED if group.weak else BODY)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=4)
    ws.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    fit_table_heights(ws, row, row, {1: WIDTHS[1], 3: WIDTHS[3] + WIDTHS[4]})
    return row + 1


def _decimals(effect: Any, *, points: bool) -> int:
    """Decimals of the difference cell, as the sentences show it."""
    import math

    if points:
        return 1 if abs(effect.value * 100) < 10 else 0
    step = effect.step or 0.01
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _block(
    ws: Worksheet, row: int, data: ReportData, group: Any, tried: list[str] | None = None
) -> int:
    """One group's block; returns the next free row. ``tried``: the library's "Tried
    before: ..." lines for this group (past actions on its factors that did not help)."""
    put(ws, row, 1, w.group_heading(group.id, group.size, group.share), HEADING)
    ws.row_dimensions[row].height = 20
    row = paragraph(ws, row + 1, group.description, FULL)
    for line in tried or []:
        row = paragraph(ws, row, line, FULL, font=TRIED)
    start = row
    row = _numbers(ws, row, data, group)
    row = _stability(ws, row, group) + 1

    put(ws, row, 1, w.label("heading_conditions"), BOLD)
    conditions = condition_rows(group)
    if conditions:
        head = w.labels("col_condition", "col_in_group", "col_in_rest", "col_changeable")
        last = write_table(
            ws, row + 1, head, conditions, number_formats={2: "0%", 3: "0%"}, wrap_columns=(1, 4)
        )
        wrap_header(ws, row + 1, len(head), TABLE)
        fit_table_heights(ws, row + 2, last, {1: WIDTHS[1], 4: WIDTHS[4]})
        row = last + 2
    else:
        row = note(ws, row + 1, w.label("no_conditions"), FULL[:4]) + 1

    put(ws, row, 1, w.label("heading_group_drivers"), BOLD)
    drivers = driver_rows(group)
    if drivers:
        ahead, focus = toward_goal(data)
        head = [w.label("col_column"), w.col_push(ahead, focus), w.label("col_changeable")]
        fmt = sig_format([abs(d[1]) for d in drivers])
        last = write_table(
            ws,
            row + 1,
            head,
            drivers,
            number_formats={2: "+" + fmt + ";-" + fmt},
            wrap_columns=(1, 3),
        )
        wrap_header(ws, row + 1, len(head), {1: WIDTHS[1], 2: WIDTHS[2], 3: WIDTHS[3]})
        fit_table_heights(ws, row + 2, last, {1: WIDTHS[1], 3: WIDTHS[3]})
        bar_chart(
            ws,
            title=w.chart_group_title(group.id, ahead, focus),
            label_col=1,
            value_col=2,
            first_row=row + 2,
            last_row=last,
            anchor=f"F{start}",
            width_cm=13,
            height_cm=CHART_ROWS * LINE_HEIGHT * 0.0353 * 1.05,  # points → cm, a little air
            number_format=axis_format([d[1] for d in drivers]),
        )
        row = last + 1
    # Keep the chart inside its block: pad short blocks to the chart's height.
    return max(row, start + CHART_ROWS + 1) + 1


def write_groups(wb: Any, title: str, data: ReportData) -> Worksheet:
    """Write the Cause groups sheet (the reason in words when there are no groups)."""
    result = data.result
    ws = new_sheet(wb, title, WIDTHS)
    title_row(ws, title, len(WIDTHS))
    causes = result.causes
    if causes is None or not causes.groups:
        message = (causes.message if causes is not None else "") or result.causes_message
        paragraph(ws, 2, message or w.label("no_groups"), FULL)
        freeze_below(ws, 2)
        return ws
    focus = result.goal.focus.describe(data.target)
    row = paragraph(
        ws, 2, w.groups_intro(focus, int(causes.focus_rows or len(result.focus_rows))), FULL
    )
    if causes.message:
        row = note(ws, row, causes.message, FULL)
    # The experiment library (WORKBENCH_LIBRARY or the user's data folder); a broken or
    # unreachable library only adds its notice, it never stops the report.
    tried, notice = tried_before_lines(causes.groups)
    if notice:
        row = note(ws, row, notice, FULL)
    freeze_below(ws, row)
    row += 1
    blocks = []
    for group in causes.groups:
        start = row
        row = _block(ws, row, data, group, tried.get(int(group.id)))
        blocks.append((start, row - 2))  # the block's last row: the blank line after it left out
    # Each group whole on a page, as many on a page as fit (a page per group printed three
    # mostly empty pages for three groups).
    keep_blocks_together(ws, blocks)
    return ws
