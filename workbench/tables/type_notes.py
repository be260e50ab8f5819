"""The plain-language notes settle_kinds adds: one place for all its wording.

Each function returns a :class:`LoadNote` whose ``details`` carry the numbers, so tests and
the UI can use the data and translators see whole sentences.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import N_, Said, say, say_join, say_n
from workbench.tables.table import ColumnKind, LoadNote

_KIND_WORDS = {
    ColumnKind.NUMERIC: N_("numbers"),
    ColumnKind.CATEGORICAL: N_("categories"),
    ColumnKind.BOOLEAN: N_("yes/no values"),
    ColumnKind.DATETIME: N_("dates"),
    ColumnKind.TEXT: N_("free text"),
    ColumnKind.ID: N_("identifiers"),
}


def kind_word(kind: ColumnKind) -> Said:
    return say(_KIND_WORDS[kind])


def _examples(values: list[Any]) -> str:
    return ", ".join(f"“{v}”" for v in values[:3])


def converted_numbers(
    column: str, n: int, fmt_text: str, ambiguous: bool, percent: bool
) -> LoadNote:
    parts = [
        say_n(
            "‘{column}’: {n} value stored as text was read as a number ({fmt}).",
            "‘{column}’: {n:,} values stored as text were read as numbers ({fmt}).",
            n,
            column=column,
            n=n,
            fmt=fmt_text,
        )
    ]
    if percent:
        parts.append(
            say("Percent signs were dropped and the values kept as written (12.5% → 12.5).")
        )
    if ambiguous:
        parts.append(
            say(
                "Values like “1,234” could also mean 1.234 — check the numbers and change the "
                "file's number format if they look 1000 times too big."
            )
        )
    return LoadNote(
        "converted_numbers",
        say_join(parts),
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
    msg = say_n(
        "‘{column}’: {n} cell written as {markers} was treated as missing.",
        "‘{column}’: {n:,} cells written as {markers} were treated as missing.",
        n,
        column=column,
        n=n,
        markers=shown,
    )
    return LoadNote("missing_markers", msg, column, {"count": n, "markers": dict(counts)})


def unconverted_cells(
    column: str, kind: ColumnKind, n: int, examples: list[Any], rows: list[Any]
) -> LoadNote:
    found = say_n(
        "‘{column}’: {n} cell could not be read as {what} and is now missing (e.g. {examples}).",
        "‘{column}’: {n:,} cells could not be read as {what} and are now missing "
        "(e.g. {examples}).",
        n,
        column=column,
        n=n,
        what=kind_word(kind),
        examples=_examples(examples),
    )
    msg = say_join(
        [found, say("Fix them in the file, or set the column's type to text to keep them.")]
    )
    return LoadNote(
        "unconverted_cells",
        msg,
        column,
        {"count": n, "kind": str(kind), "examples": [str(e) for e in examples], "rows": rows},
    )


def mixed_values(
    column: str, kind: ColumnKind, n_bad: int, n: int, examples: list[Any]
) -> LoadNote:
    msg = say(
        "‘{column}’ looks like {what}, but {bad:,} of {n:,} cells are not (e.g. {examples}); "
        "it was left as text so nothing is lost.",
        column=column,
        what=kind_word(kind),
        bad=n_bad,
        n=n,
        examples=_examples(examples),
    )
    return LoadNote(
        "mixed_values",
        msg,
        column,
        {"kind": str(kind), "count": n_bad, "checked": n, "examples": [str(e) for e in examples]},
    )


def excel_dates_among_numbers() -> Said:
    return say("The odd cells are dates: Excel may have turned a typed value like 3/4 into a date.")


def date_format(column: str, n: int, families: list[str], tz: str | None) -> LoadNote:
    names = {
        "ymd": N_("year-month-day"),
        "korean": N_("Korean (2026년 3월 1일)"),
        "ym": N_("year and month (2026-03, 2026. 03), each the month's first day"),
        "korean_ym": N_("Korean year and month (2026년 3월), each the month's first day"),
        "dmy": N_("day/month/year or month/day/year"),
        "pandas": N_("a fixed date format"),
        "excel_serial": N_("Excel date numbers"),
        "datetime": N_("dates stored in the workbook"),
        "yyyymmdd": N_("year-month-day digits (20260301)"),
    }
    fmt = say_join([say(names[f]) if f in names else f for f in families], ", ")
    parts = [
        say_n(
            "‘{column}’: {n} value was read as a date ({fmt}).",
            "‘{column}’: {n:,} values were read as dates ({fmt}).",
            n,
            column=column,
            n=n,
            fmt=fmt,
        )
    ]
    zones = {
        "fixed": N_("The time-zone offset written in the values is kept."),
        "mixed": N_("The values carry different time-zone offsets; all were converted to UTC."),
        "ignored": N_("A few values carry a time-zone offset; it was ignored."),
    }
    if tz in zones:
        parts.append(say(zones[tz]))
    msg = say_join(parts)
    return LoadNote("date_format", msg, column, {"count": n, "formats": families, "time_zone": tz})


def excel_serials(column: str, n: int, date1904: bool) -> LoadNote:
    system = "1904" if date1904 else "1900"
    msg = say_n(
        "‘{column}’: {n} plain number among the dates was read as an Excel date number "
        "({system} date system).",
        "‘{column}’: {n:,} plain numbers among the dates were read as Excel date numbers "
        "({system} date system).",
        n,
        column=column,
        n=n,
        system=system,
    )
    return LoadNote("excel_serial_dates", msg, column, {"count": n, "date_system": system})


def dayfirst(decided: bool, how: str, columns: list[str], proofs: tuple[int, int]) -> LoadNote:
    order = say(
        N_("day first (01/03/2026 = 1 March 2026)")
        if decided
        else N_("month first (01/03/2026 = 3 January 2026)")
    )
    cols = ", ".join(f"‘{c}’" for c in columns)
    reasons = {
        "proof": N_("values such as 13/03/2026 only make sense that way"),
        "order": N_(
            "no value proves it, but the dates run in steadier steps that way — this is a guess"
        ),
        "default": N_("no value proves either order — this is a guess"),
        "user": N_("as set for this file"),
    }
    if how == "conflict":
        reason = say(
            "the file mixes both orders ({day:,} values only fit day first, {month:,} only "
            "month first); the rest were read the more common way and the others are reported",
            day=proofs[0],
            month=proofs[1],
        )
    else:
        reason = say(reasons[how])
    parts = [
        say(
            "Dates in {columns} were read {order}: {reason}.",
            columns=cols,
            order=order,
            reason=reason,
        )
    ]
    if how in ("order", "default", "conflict"):
        parts.append(say("Change the date order in the load options if this is wrong."))
    msg = say_join(parts)
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
    msg = say("‘{column}’ is treated as {what}, as you chose.", column=column, what=kind_word(kind))
    return LoadNote(
        "kind_override",
        msg,
        column,
        {"kind": str(kind), "inferred": str(before) if before is not None else None},
    )


def override_unknown_column(column: str) -> LoadNote:
    msg = say(
        "A type was set for a column ‘{column}’ that this file does not have; ignored.",
        column=column,
    )
    return LoadNote("kind_override_unknown_column", msg, column, {})


def inferred_kind(column: str, kind: ColumnKind, reason: str, details: dict[str, Any]) -> LoadNote:
    """Explain a kind that is not obvious from the values (ID, text, yes/no, codes)."""
    reasons = {
        "counter": N_("its whole numbers count up one by one, like a row number"),
        "unique_codes": N_("nearly every value is a different code"),
        "unique_integers": N_("every value is a different whole number and its name says so"),
        "sentences": N_("it holds long, mostly different sentences"),
        "flag_name": N_("it holds only 0 and 1 and its name reads like a yes/no flag"),
        "yes_no": N_("it holds only yes/no-style values"),
        "leading_zeros": N_(
            "its numbers are written with leading zeros (like 00123) or have 16 or more "
            "digits, so they are codes"
        ),
        "yyyymmdd": N_("its numbers are dates written as digits (20260301) and its name says date"),
        "many_levels": N_("its values repeat, so they are treated as categories"),
    }
    msg = say(
        "‘{column}’ is treated as {what}: {reason}.",
        column=column,
        what=kind_word(kind),
        reason=say(reasons[reason]) if reason in reasons else reason,
    )
    return LoadNote("kind_inferred", msg, column, {"kind": str(kind), "reason": reason, **details})
