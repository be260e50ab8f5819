"""Readable plain-text summaries for the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.i18n import _, ngettext
from workbench.numbers_format import format_range
from workbench.steps.pii import note_message, personal_columns
from workbench.steps.pii_wording import masked_columns
from workbench.steps.quality_checks import SEVERITY_ORDER, severity_rank
from workbench.steps.recipe_wording import kind_name
from workbench.text_width import pad, terminal_width

_SEVERITY_MARK = {"error": "✖", "warning": "!", "info": "·"}


def file_rows(table: Any) -> int:
    """The rows of the file a table was read from (a sample's file has more)."""
    scan = getattr(table, "whole_file", None)
    return table.n_rows if scan is None else int(scan.n_rows)


def format_load(table: Any, personal: Sequence[str] = ()) -> str:
    """What was read, from where, and what the loader decided (cells quoted from the
    ``personal`` data columns masked)."""
    lines = [
        _("Data: {path}").format(path=table.source.path),
        ngettext(
            "{rows:,} row × {cols} columns ({fmt})",
            "{rows:,} rows × {cols} columns ({fmt})",
            rows := file_rows(table),  # a file larger than memory: all its rows
        ).format(rows=rows, cols=table.n_columns, fmt=table.source.format),
    ]
    if table.options.sheet:
        lines.append(_("Sheet: {sheet}").format(sheet=table.options.sheet))
    for note in table.notes:
        lines.append(f"  · {note_message(note, personal)}")
    return "\n".join(lines)


def format_columns(report: Any) -> str:
    """One line per column: kind, missing share, distinct values, range or top value."""
    lines = [_("Columns:")]
    names = [str(p.name)[:32] for p in report.profiles]
    width = min(max((terminal_width(n) for n in names), default=10), 64)
    kinds = [kind_name(p.kind) for p in report.profiles]
    kind_width = max((terminal_width(k) for k in kinds), default=11)
    for p, name, kind in zip(report.profiles, names, kinds, strict=True):
        if getattr(p, "min", None) is not None and str(p.kind) in ("numeric", "datetime"):
            spread = format_range(p.min, p.max, column=p.name)
        elif getattr(p, "top_values", None):
            value, count = p.top_values[0]
            spread = _("most often “{value}” ({count:,})").format(value=value, count=count)
        else:
            spread = ""
        lines.append(
            f"  {pad(name, width)}  {pad(kind, kind_width)} "
            + _("missing {pct:5.1f}%").format(pct=p.missing_pct)
            + "  "
            + _("{n:,} distinct").format(n=p.distinct)
            + f"  {spread}"
        )
    return "\n".join(lines)


def format_alerts(alerts: list[Any]) -> str:
    """Alerts, most severe first, each with its suggested fix."""
    if not alerts:
        return _("No quality problems found.")
    counts = {s: sum(1 for a in alerts if a.severity == s) for s in SEVERITY_ORDER}
    lines = [
        _("Quality: {errors} errors, {warnings} warnings, {infos} notes").format(
            errors=counts["error"], warnings=counts["warning"], infos=counts["info"]
        )
    ]
    for alert in sorted(alerts, key=lambda a: severity_rank(a.severity)):
        lines.append(f"  {_SEVERITY_MARK.get(alert.severity, '-')} {alert.message}")
        if alert.fix:
            lines.append("      " + _("Suggested fix: {fix}").format(fix=alert.fix))
    return "\n".join(lines)


def format_profile(table: Any, report: Any) -> str:
    """The whole ``workbench profile`` printout."""
    personal = personal_columns(report.alerts)
    parts = [format_load(table, personal), format_columns(report)]
    if personal:
        parts.append(masked_columns(personal))
    return "\n\n".join([*parts, format_alerts(report.alerts)])
