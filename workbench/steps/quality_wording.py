"""Every sentence the quality alerts show: what was found, why it matters, what to do.

One function per alert kind turns a finding's numbers into ``(message, fix)``. Written for a
process engineer, with the numbers visible; all text goes through ``_()``/``ngettext`` with
named placeholders so a translation can reorder the words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.i18n import N_, _, ngettext
from workbench.numbers_format import format_label, format_number, is_year_range
from workbench.steps.leakage_wording import describe_leakage
from workbench.steps.quality_checks import Finding


def _pct(value: float) -> str:
    """A percentage people read at a glance: 8%, 0.4%, 0.02%."""
    if value == 0:
        return "0%"
    if abs(value) >= 10:
        return f"{value:.0f}%"
    if abs(value) >= 1:
        return f"{value:.1f}%".replace(".0%", "%")
    return f"{value:.2g}%"


def _num(value: Any, year: bool = False) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    return format_number(value, year=year)


def _span(a: Any, b: Any) -> str:
    year = is_year_range(a, b)  # "2000 to 2024", not "2,000 to 2,024"
    if a == b:
        return _num(a, year)
    return _("{a} to {b}").format(a=_num(a, year), b=_num(b, year))


def _when(iso: str) -> str:
    """``2026-05-24T13:05:00`` as ``2026-05-24 13:05``; midnight as the date alone."""
    text = str(iso).replace("T", " ")
    if text.endswith(" 00:00:00"):
        return text[:10]
    return text[:-3] if len(text) == 19 and text.endswith(":00") else text


def _rows(n: int) -> str:
    return ngettext("{n} row", "{n} rows", n).format(n=_num(n))


def _missing(f: Finding) -> tuple[str, str]:
    d, col = f.details, f.column
    msg = _("“{column}” is missing in {rows} ({pct}).").format(
        column=col, rows=_rows(d["missing"]), pct=_pct(d["pct"])
    )
    if "group_column" in d:
        msg += " " + _(
            "{n} of them are in rows where “{group}” is “{value}” ({rate} of that group's rows "
            "are missing it, against {other} elsewhere) — check that group's sensor or export "
            "before trusting this column."
        ).format(
            n=_num(d["missing_in_group"]),
            group=d["group_column"],
            value=d["group_value"],
            rate=_pct(100 * d["rate_in_group"]),
            other=_pct(100 * d["rate_elsewhere"]),
        )
        fix = _(
            "Find out why “{group}” = “{value}” has no values and fix it at the source; filling "
            "them in would invent data for that whole group."
        ).format(group=d["group_column"], value=d["group_value"])
    elif f.fix_step and f.fix_step["op"] == "filter_rows":
        msg += " " + _("Rows without a result cannot be used to learn or check the model.")
        fix = _("Leave out the rows where “{column}” is missing.").format(column=col)
    elif f.fix_step and f.fix_step["op"] == "drop_columns":
        msg += " " + _("With most values missing, this column says little about the process.")
        fix = _("Leave “{column}” out of the analysis.").format(column=col)
    elif f.fix_step and f.fix_step["op"] == "impute":
        checked = d.get("groups_checked") or []
        if checked:
            names = ", ".join(f"“{c}”" for c in checked[:3]) + (", …" if len(checked) > 3 else "")
            spread = _("They are spread over the groups of {names}, not bunched in one.")
            msg += " " + spread.format(names=names)
        how = _("the median") if f.fix_step["method"] == "median" else _("the most common value")
        fix = _("Fill the gaps with {how}, or with a value predicted from the other columns.")
        fix = fix.format(how=how)
    else:
        fix = _("Check why the values are missing before you rely on this column.")
    return msg, fix


def _constant(f: Finding) -> tuple[str, str]:
    msg = _(
        "“{column}” has the same value (“{value}”) in every filled row, so it cannot explain "
        "any difference between runs."
    ).format(column=f.column, value=_num(f.details["value"]))
    return msg, _("Leave “{column}” out of the analysis.").format(column=f.column)


def _duplicate_rows(f: Finding) -> tuple[str, str]:
    d = f.details
    msg = ngettext(
        "{n} row repeats an earlier row exactly ({pct} of the table).",
        "{n} rows repeat an earlier row exactly ({pct} of the table).",
        d["rows"],
    ).format(n=_num(d["rows"]), pct=_pct(d["pct"]))
    msg += " " + _(
        "Copies usually come from an export run twice; they make some runs count double "
        "and flatter the model's test scores."
    )
    return msg, _("Keep the first copy of each row and remove the repeats.")


def _sentinel(f: Finding) -> tuple[str, str]:
    d = f.details
    values = ", ".join(_num(v) for v in d["values"])
    msg = _(
        "“{column}” holds {values} in {rows}, far outside its usual range ({low} to {high}). "
        "Such round numbers are often typed in for “no reading”; counted as real values they "
        "distort averages and the model."
    ).format(
        column=f.column,
        values=values,
        rows=_rows(d["rows"]),
        low=_num(d["typical_min"]),
        high=_num(d["typical_max"]),
    )
    return msg, _("Treat {values} in “{column}” as missing.").format(values=values, column=f.column)


def _id_like(f: Finding) -> tuple[str, str]:
    d = f.details
    if d["reason"] == "counter":
        why = _("it counts up by one from row to row")
    elif d["reason"] == "unique_labels":
        why = _("every row has its own value")
    else:
        why = _("its values look like codes or serial numbers")
    msg = _(
        "“{column}” looks like an identifier: {why} ({distinct} distinct values). It names "
        "runs rather than describing them, so a model would only memorize it."
    ).format(column=f.column, why=why, distinct=_num(d["distinct"]))
    fix = _("Give “{column}” the role ID (keep it to find rows, leave it out of the model).")
    return msg, fix.format(column=f.column)


def _high_cardinality(f: Finding) -> tuple[str, str]:
    d = f.details
    msg = _(
        "“{column}” has {distinct} different values. With that many, most have few rows "
        "each and the model cannot learn them reliably."
    ).format(column=f.column, distinct=_num(d["distinct"]))
    fix = _(
        "Keep the {kept} most common values and group the other {rare} ({rows}) as “(other)”."
    ).format(kept=d["kept_levels"], rare=_num(d["rare_levels"]), rows=_rows(d["rare_rows"]))
    return msg, fix


def _mixed_types(f: Finding) -> tuple[str, str]:
    d = f.details
    words = ", ".join(f"“{w}” ({_num(c)})" for w, c in d["words"])
    msg = _(
        "“{column}” is mostly numbers ({share} of rows), but {rows} hold words such as "
        "{words}. As long as words are mixed in, the column cannot be used as a number."
    ).format(
        column=f.column,
        share=_pct(100 * d["numeric_share"]),
        rows=_rows(d["text_rows"]),
        words=words,
    )
    fix = _("Read “{column}” as numbers; the words become missing values.")
    return msg, fix.format(column=f.column)


def _outliers(f: Finding) -> tuple[str, str]:
    d = f.details
    sides = []
    if d["low_values"]:
        low = d["low_values"]
        sides.append(_("{n} below ({span})").format(n=_num(d["below"]), span=_span(*low)))
    if d["high_values"]:
        high = d["high_values"]
        sides.append(
            _("{n} above ({a} to {b})").format(n=_num(d["above"]), a=_num(high[0]), b=_num(high[1]))
        )
    msg = ngettext(
        "“{column}” has {n} value far outside its usual range of {low} to {high}: {sides}.",
        "“{column}” has {n} values far outside its usual range of {low} to {high}: {sides}.",
        d["rows"],
    ).format(
        column=f.column,
        n=_num(d["rows"]),
        low=_num(d["typical_min"]),
        high=_num(d["typical_max"]),
        sides="; ".join(sides),
    )
    msg += " " + _("They may be real events, or typing and unit errors; check a few.")
    fix = _("If they are errors, limit “{column}” to {low} … {high}.").format(
        column=f.column, low=_num(d["typical_min"]), high=_num(d["typical_max"])
    )
    return msg, fix


_PII_NAMES = {
    "email": N_("e-mail addresses"),
    "phone": N_("phone numbers"),
    "resident_number": N_("resident registration numbers"),
    "name": N_("personal names"),
}


def _pii(f: Finding) -> tuple[str, str]:
    d = f.details
    kinds = ", ".join(_(_PII_NAMES[k]) for k in d["types"])
    examples = ", ".join(d["found"][k]["example"] for k in d["types"])
    msg = _(
        "“{column}” seems to hold personal data ({kinds}; e.g. {examples}). Reports and "
        "project files get e-mailed around; personal data should not travel with them."
    ).format(column=f.column, kinds=kinds, examples=examples)
    fix = _("Leave “{column}” out, or replace it with neutral codes before sharing.")
    return msg, fix.format(column=f.column)


def _few_rows(f: Finding) -> tuple[str, str]:
    d = f.details
    msg = ngettext(
        "The table has only {rows} row for {cols} columns.",
        "The table has only {rows} rows for {cols} columns.",
        d["rows"],
    ).format(rows=_num(d["rows"]), cols=d["columns"])
    msg += " " + _("Patterns found in so few runs are often chance.")
    fix = _("Add more runs if you can (at least {n} rows), and treat results as hints.")
    return msg, fix.format(n=d["recommended"])


def _category_variants(f: Finding) -> tuple[str, str]:
    d = f.details
    parts = []
    for g in d["groups"][:3]:
        variants = " / ".join(f"“{v}” ({_num(c)})" for v, c in g["variants"])
        parts.append(f"“{g['label']}” ({_num(g['count'])}) / {variants}")
    msg = _(
        "“{column}” spells the same label in different ways: {examples}. They are counted as "
        "different groups ({rows} affected)."
    ).format(column=f.column, examples="; ".join(parts), rows=_rows(d["variant_rows"]))
    return msg, _("Merge each variant into its most common spelling.")


def _leakage(f: Finding) -> tuple[str, str]:
    return describe_leakage(str(f.column), f.details)


def _label_conflict(f: Finding) -> tuple[str, str]:
    d = f.details
    msg = ngettext(
        "{groups} set of identical inputs has different outcomes ({rows} in all, e.g. rows "
        "{examples}).",
        "{groups} sets of identical inputs have different outcomes ({rows} in all, e.g. rows "
        "{examples}).",
        d["groups"],
    ).format(
        groups=_num(d["groups"]),
        rows=_rows(d["rows"]),
        examples=", ".join(_num(r) for r in d["example_rows"]),
    )
    msg += " " + _(
        "Something not in the table decides the outcome, or some results were recorded wrongly."
    )
    return msg, _("Check those rows; add the missing factor as a column if you know it.")


def _imbalance(f: Finding) -> tuple[str, str]:
    d = f.details
    msg = _(
        "“{value}” is rare in “{column}”: {n} of {total} rows ({pct}). A model that never "
        "predicts it would still look {acc} accurate, so accuracy will mislead."
    ).format(
        value=format_label(d["rare_class"]),
        column=f.column,
        n=_num(d["rare_count"]),
        total=_num(d["rows"]),
        pct=_pct(d["rare_pct"]),
        acc=_pct(100 - d["rare_pct"]),
    )
    fix = _("Judge the model by how many “{value}” rows it catches and how often it is right.")
    return msg, fix.format(value=format_label(d["rare_class"]))


def _target_unusable(f: Finding) -> tuple[str, str]:
    d = f.details
    reason = d["reason"]
    if reason == "constant":
        why = _("it has the same value in every row, so there is nothing to explain")
    elif reason == "kind":
        what = {"text": _("free text"), "id": _("identifiers"), "datetime": _("dates")}
        why = _("it holds {what}, not a result to predict").format(
            what=what.get(d["kind"], d["kind"])
        )
    elif reason == "all_missing":
        why = _("it has no values at all")
    else:
        why = _("only {n} rows have a value ({pct} missing)").format(
            n=_num(d["count"]), pct=_pct(d["missing_pct"])
        )
    msg = _("“{column}” cannot be the target: {why}.").format(column=f.column, why=why)
    return msg, _("Choose another column as the target, or load data where it was recorded.")


def _drift(f: Finding) -> tuple[str, str]:
    d = f.details
    if "mean_recent" in d:
        change = _("average {new} against {old} before").format(
            new=_num(d["mean_recent"]), old=_num(d["mean_before"])
        )
        if d["missing_pct_recent"] - d["missing_pct_before"] >= 10:
            change += _(", missing in {new} of rows against {old}").format(
                new=_pct(d["missing_pct_recent"]), old=_pct(d["missing_pct_before"])
            )
    else:
        change = _("“{level}” in {new} of rows against {old} before").format(
            level=format_label(d["level"]) if d["level"] is not None else _("(missing)"),
            new=_pct(d["share_recent"]),
            old=_pct(d["share_before"]),
        )
    msg = _(
        "“{column}” changed in the most recent period (from {since}): {change}. A model "
        "trained on the past may not fit the present."
    ).format(column=f.column, since=_when(d["since"]), change=change)
    fix = _("Find out what changed (new material, recalibration, new recipe) before modeling.")
    return msg, fix


_WRITERS: dict[str, Callable[[Finding], tuple[str, str]]] = {
    "missing": _missing,
    "constant": _constant,
    "duplicate_rows": _duplicate_rows,
    "sentinel": _sentinel,
    "id_like": _id_like,
    "high_cardinality": _high_cardinality,
    "mixed_types": _mixed_types,
    "outliers": _outliers,
    "pii": _pii,
    "few_rows": _few_rows,
    "category_variants": _category_variants,
    "leakage": _leakage,
    "label_conflict": _label_conflict,
    "imbalance": _imbalance,
    "target_unusable": _target_unusable,
    "drift": _drift,
}


def describe(finding: Finding) -> tuple[str, str]:
    """The plain-language message and suggested fix for ``finding``."""
    return _WRITERS[finding.kind](finding)


def progress_message(column: str | None = None, *, done: bool = False) -> str:
    """What the progress bar says: the column being checked, the whole table, or done."""
    if done:
        return _("Quality check done")
    if column is None:
        return _("Checking the whole table")
    return _("Checking “{column}”").format(column=column)


def time_not_orderable(column: str) -> tuple[str, str]:
    msg = _("“{column}” holds neither dates nor numbers, so it cannot put the rows in time order.")
    hint = _("Pick a date/time column, or set this column's type to date/time on the Data pane.")
    return msg.format(column=column), hint


def unknown_column(column: str, is_target: bool) -> tuple[str, str]:
    if is_target:
        msg = _("There is no column called “{column}” to use as the target.")
    else:
        msg = _("There is no column called “{column}” to use as the time.")
    return msg.format(column=column), _("Pick one of the table's columns.")
