"""The sentences of a ``leakage`` alert: which family, why, with the numbers it rests on.

Near-copies say how well the column alone predicts the target; one-sided flags say which state
they leave only in the focus rows ("non-zero only in rows where Machine failure is 1"), on how
many rows, and which other columns of their family mark the focus with them.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import _, ngettext
from workbench.steps.goal import parse_focus


def _pct(value: float) -> str:
    """A percentage read at a glance: 97%, 4.5%, 0.3%."""
    if value >= 10 or value == 0:
        return f"{value:.0f}%"
    return f"{value:.1f}%".replace(".0%", "%")


def _count(n: int) -> str:
    return f"{int(n):,}"


def _names(columns: list[str]) -> str:
    return ", ".join(f"“{c}”" for c in columns)


def _focus_rows(d: dict[str, Any]) -> str:
    """ "rows where Machine failure is 1", "the top 5% of rows by yield"."""
    return parse_focus(d["focus"]).describe(d.get("target"))


def _leaves_rest(d: dict[str, Any]) -> str:
    """What the column does only in the focus rows."""
    where = _focus_rows(d)
    rest = d.get("rest")
    if d.get("mark") == "empty":
        return _("it is empty only in {rows}").format(rows=where)
    if rest is None:
        return _("it is filled only in {rows}").format(rows=where)
    if rest is False:
        return _("it is true only in {rows}").format(rows=where)
    if isinstance(rest, int | float) and not isinstance(rest, bool) and rest == 0:
        return _("it is non-zero only in {rows}").format(rows=where)
    return _("it differs from “{rest}” only in {rows}").format(rest=rest, rows=where)


def _counts(d: dict[str, Any]) -> str:
    """ "46 rows, none elsewhere" (with the sample named when the table was sampled)."""
    if d["outside"] == 0:
        n = d["marked"]
        text = ngettext("{n} such row, none elsewhere", "{n} such rows, none elsewhere", n)
        text = text.format(n=_count(n))
    else:
        text = _("{n} such rows, {k} of them elsewhere").format(
            n=_count(d["marked"]), k=_count(d["outside"])
        )
    if d.get("rows", 0) > d["sample_rows"]:
        text += _(" in a sample of {n} of the {rows} rows, the focus rows first").format(
            n=_count(d["sample_rows"]), rows=_count(d["rows"])
        )
    return text


def _family_tail(column: str, d: dict[str, Any]) -> str:
    """The other members of the column's family, and how much of the focus they mark."""
    family = d.get("family") or []
    marks = d.get("family_marks") or family
    others = [c for c in marks if c != column]
    tail = ""
    if others:
        tail = " " + _(
            "Together with {others} it marks {pct} of those rows ({n} of {total})."
        ).format(
            others=_names(others),
            pct=_pct(d["family_covers_pct"]),
            n=_count(d["family_covers"]),
            total=_count(d["focus_rows"]),
        )
    alike = [c for c in family if c not in marks and c != column]
    if alike:
        tail += " " + ngettext(
            "{names}, beside them, looks like part of the same record.",
            "{names}, beside them, look like part of the same record.",
            len(alike),
        ).format(names=_names(alike))
    return tail


def _flag_message(column: str, d: dict[str, Any]) -> str:
    method = d["method"]
    if method == "sibling":
        return _(
            "“{column}” looks like part of the same record as {like}, which are set only in "
            "{rows}: it takes the same values, rests at the same value, and sits beside them "
            "in the table. On its own it does not give the result away ({marked} rows set, "
            "{in_focus} of them in {rows}), so it is likely another outcome code rather than a "
            "setting — check how it is recorded before using it."
        ).format(
            column=column,
            like=_names(d["like"]),
            rows=_focus_rows(d),
            marked=_count(d["marked"]),
            in_focus=_count(d["in_focus"]),
        )
    if method == "together":
        msg = _(
            "“{column}” gives the result away with the columns next to it: {how} ({counts}) — "
            "too few rows to judge alone, but not by chance together with them."
        ).format(column=column, how=_leaves_rest(d), counts=_counts(d))
    else:
        msg = _("“{column}” gives the result away: {how} ({counts}).").format(
            column=column, how=_leaves_rest(d), counts=_counts(d)
        )
    msg += _family_tail(column, d)
    if d.get("mark") == "empty":
        why = _(
            "A value left out once the outcome is known (a part that failed is not measured) "
            "tells the result, so it cannot help decide a setting beforehand."
        )
    else:
        why = _(
            "A flag, code or counter set only once the outcome is known was recorded with or "
            "after the result, so it cannot help decide a setting beforehand."
        )
    return f"{msg} {why}"


def describe_leakage(column: str, d: dict[str, Any]) -> tuple[str, str]:
    """``(message, fix)`` of a leakage alert on ``column`` with details ``d``."""
    fix = _("Leave “{column}” out of the model.").format(column=column)
    if d["method"] in ("one_sided", "together", "sibling"):
        return _flag_message(column, d), fix
    if d["method"] == "correlation":
        how = _("it moves with the target almost exactly (correlation {r})").format(
            r=f"{d['correlation']:.3f}"
        )
    elif "accuracy" in d:
        how = _("it alone gives the right class for {acc} of rows it was not fitted on").format(
            acc=_pct(100 * d["accuracy"])
        )
    else:
        how = _("it alone explains {r2} of the target's variation").format(r2=_pct(100 * d["r2"]))
    msg = _(
        "“{column}” gives the result away: {how}. It was likely measured after the result or "
        "computed from it, so it cannot help decide a setting beforehand."
    ).format(column=column, how=how)
    return msg, fix
