"""The plain-language notes settle_kinds adds: one place for all its wording.

Each function returns a :class:`LoadNote` whose ``details`` carry the numbers, so tests and
the UI can use the data and translators see whole sentences.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import _, ngettext
from workbench.io.table import ColumnKind, LoadNote

_KIND_WORDS = {
    ColumnKind.NUMERIC: "numbers",
    ColumnKind.CATEGORICAL: "categories",
    ColumnKind.BOOLEAN: "yes/no values",
    ColumnKind.DATETIME: "dates",
    ColumnKind.TEXT: "free text",
    ColumnKind.ID: "identifiers",
}


def kind_word(kind: ColumnKind) -> str:
    return _(_KIND_WORDS[kind])


def _examples(values: list[Any]) -> str:
    return ", ".join(f"“{v}”" for v in values[:3])


def converted_numbers(
    column: str, n: int, fmt_text: str, ambiguous: bool, percent: bool
) -> LoadNote:
    msg = ngettext(
        "‘{column}’: {n} value stored as text was read as a number ({fmt}).",
        "‘{column}’: {n:,} values stored as text were read as numbers ({fmt}).",
        n,
    ).format(column=column, n=n, fmt=fmt_text)
    if percent:
        msg += " " + _("Percent signs were dropped and the values kept as written (12.5% → 12.5).")
    if ambiguous:
        msg += " " + _(
            "Values like “1,234” could also mean 1.234 — check the numbers and change the "
            "file's number format if they look 1000 times too big."
        )
    return LoadNote(
        "converted_numbers",
        msg,
        column,
        {"count": n, "format": fmt_text, "ambiguous": ambiguous, "percent": percent},
    )


def missing_markers(column: str, counts: dict[str, int]) -> LoadNote | None:
    """Cells like "-" or "N/A" read as missing; blank cells are simply missing (no note)."""
    counts = {k: v for k, v in counts.items() if k.strip() and k != "(blank)"}
    if not counts:
        return None
    n = sum(counts.values())
    shown = ", ".join(
        f"“{k}” ({v:,})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    )
    msg = ngettext(
        "‘{column}’: {n} cell written as {markers} was treated as missing.",
        "‘{column}’: {n:,} cells written as {markers} were treated as missing.",
        n,
    ).format(column=column, n=n, markers=shown)
    return LoadNote("missing_markers", msg, column, {"count": n, "markers": dict(counts)})


def unconverted_cells(
    column: str, kind: ColumnKind, n: int, examples: list[Any], rows: list[Any]
) -> LoadNote:
    msg = ngettext(
        "‘{column}’: {n} cell could not be read as {what} and is now missing (e.g. {examples}).",
        "‘{column}’: {n:,} cells could not be read as {what} and are now missing "
        "(e.g. {examples}).",
        n,
    ).format(column=column, n=n, what=kind_word(kind), examples=_examples(examples))
    msg += " " + _("Fix them in the file, or set the column's type to text to keep them.")
    return LoadNote(
        "unconverted_cells",
        msg,
        column,
        {"count": n, "kind": str(kind), "examples": [str(e) for e in examples], "rows": rows},
    )


def mixed_values(
    column: str, kind: ColumnKind, n_bad: int, n: int, examples: list[Any]
) -> LoadNote:
    msg = _(
        "‘{column}’ looks like {what}, but {bad:,} of {n:,} cells are not (e.g. {examples}); "
        "it was left as text so nothing is lost."
    ).format(column=column, what=kind_word(kind), bad=n_bad, n=n, examples=_examples(examples))
    return LoadNote(
        "mixed_values",
        msg,
        column,
        {"kind": str(kind), "count": n_bad, "checked": n, "examples": [str(e) for e in examples]},
    )


def excel_dates_among_numbers() -> str:
    return _("The odd cells are dates: Excel may have turned a typed value like 3/4 into a date.")


def date_format(column: str, n: int, families: list[str], tz: str | None) -> LoadNote:
    names = {
        "ymd": _("year-month-day"),
        "korean": _("Korean (2026년 3월 1일)"),
        "dmy": _("day/month/year or month/day/year"),
        "pandas": _("a fixed date format"),
        "excel_serial": _("Excel date numbers"),
        "datetime": _("dates stored in the workbook"),
        "yyyymmdd": _("year-month-day digits (20260301)"),
    }
    fmt = ", ".join(names.get(f, f) for f in families)
    msg = ngettext(
        "‘{column}’: {n} value was read as a date ({fmt}).",
        "‘{column}’: {n:,} values were read as dates ({fmt}).",
        n,
    ).format(column=column, n=n, fmt=fmt)
    if tz == "fixed":
        msg += " " + _("The time-zone offset written in the values is kept.")
    elif tz == "mixed":
        msg += " " + _("The values carry different time-zone offsets; all were converted to UTC.")
    elif tz == "ignored":
        msg += " " + _("A few values carry a time-zone offset; it was ignored.")
    return LoadNote("date_format", msg, column, {"count": n, "formats": families, "time_zone": tz})


def excel_serials(column: str, n: int, date1904: bool) -> LoadNote:
    system = "1904" if date1904 else "1900"
    msg = ngettext(
        "‘{column}’: {n} plain number among the dates was read as an Excel date number "
        "({system} date system).",
        "‘{column}’: {n:,} plain numbers among the dates were read as Excel date numbers "
        "({system} date system).",
        n,
    ).format(column=column, n=n, system=system)
    return LoadNote("excel_serial_dates", msg, column, {"count": n, "date_system": system})


def dayfirst(decided: bool, how: str, columns: list[str], proofs: tuple[int, int]) -> LoadNote:
    order = (
        _("day first (01/03/2026 = 1 March 2026)")
        if decided
        else _("month first (01/03/2026 = 3 January 2026)")
    )
    cols = ", ".join(f"‘{c}’" for c in columns)
    reasons = {
        "proof": _("values such as 13/03/2026 only make sense that way"),
        "conflict": _(
            "the file mixes both orders ({day:,} values only fit day first, {month:,} only month "
            "first); the rest were read the more common way and the others are reported"
        ).format(day=proofs[0], month=proofs[1]),
        "order": _(
            "no value proves it, but the dates run in steadier steps that way — this is a guess"
        ),
        "default": _("no value proves either order — this is a guess"),
        "user": _("as set for this file"),
    }
    msg = _("Dates in {columns} were read {order}: {reason}.").format(
        columns=cols, order=order, reason=reasons[how]
    )
    if how in ("order", "default", "conflict"):
        msg += " " + _("Change the date order in the load options if this is wrong.")
    return LoadNote(
        "dayfirst",
        msg,
        None,
        {
            "dayfirst": decided,
            "how": how,
            "ambiguous": how != "proof" and how != "user",
            "columns": columns,
            "proves_dayfirst": proofs[0],
            "proves_monthfirst": proofs[1],
        },
    )


def kind_override(column: str, kind: ColumnKind, before: ColumnKind | None) -> LoadNote:
    msg = _("‘{column}’ is treated as {what}, as you chose.").format(
        column=column, what=kind_word(kind)
    )
    return LoadNote(
        "kind_override",
        msg,
        column,
        {"kind": str(kind), "inferred": str(before) if before is not None else None},
    )


def override_unknown_column(column: str) -> LoadNote:
    msg = _("A type was set for a column ‘{column}’ that this file does not have; ignored.").format(
        column=column
    )
    return LoadNote("kind_override_unknown_column", msg, column, {})


def inferred_kind(column: str, kind: ColumnKind, reason: str, details: dict[str, Any]) -> LoadNote:
    """Explain a kind that is not obvious from the values (ID, text, yes/no, codes)."""
    reasons = {
        "counter": _("its whole numbers count up one by one, like a row number"),
        "unique_codes": _("nearly every value is a different code"),
        "unique_integers": _("every value is a different whole number and its name says so"),
        "sentences": _("it holds long, mostly different sentences"),
        "flag_name": _("it holds only 0 and 1 and its name reads like a yes/no flag"),
        "yes_no": _("it holds only yes/no-style values"),
        "leading_zeros": _(
            "its numbers are written with leading zeros (like 00123) or have 16 or more "
            "digits, so they are codes"
        ),
        "yyyymmdd": _("its numbers are dates written as digits (20260301) and its name says date"),
        "many_levels": _("its values repeat, so they are treated as categories"),
    }
    msg = _("‘{column}’ is treated as {what}: {reason}.").format(
        column=column, what=kind_word(kind), reason=reasons.get(reason, reason)
    )
    return LoadNote("kind_inferred", msg, column, {"kind": str(kind), "reason": reason, **details})
