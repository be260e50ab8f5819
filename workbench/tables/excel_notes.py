"""Every note the Excel reader leaves on a loaded table, worded in one place.

One job: the sentences. Each function takes the facts the reader found (numbers, names, Excel
row numbers) and returns :class:`LoadNote` objects whose messages are said with
:func:`workbench.i18n.say` / :func:`~workbench.i18n.say_n`, so a reopened project can say them
again in the reader's language; the ``details`` keep the same facts as data.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from workbench.i18n import say, say_join, say_n
from workbench.tables import xlsx_peek
from workbench.tables.header_detect import HeaderLayout
from workbench.tables.table import LoadNote

# --------------------------------------------------------------------------- the sheet


def chosen_sheet_note(sheet: str, sheets: list[str]) -> LoadNote:
    """The user named the sheet of a workbook with several sheets."""
    return LoadNote(
        "sheet",
        say(
            "Read the sheet “{sheet}”, as chosen ({n} sheets in the workbook).",
            sheet=sheet,
            n=len(sheets),
        ),
        details={"sheet": sheet, "sheets": sheets, "chosen_by": "user"},
    )


def detected_sheet_note(sheet: str, sheets: list[str], skipped: list[str]) -> LoadNote:
    """The reader took the first sheet holding a table; ``skipped`` came before it."""
    if skipped:
        message = say_n(
            "Read the sheet “{sheet}”: the sheet before it ({skipped}) holds no table.",
            "Read the sheet “{sheet}”: the sheets before it ({skipped}) hold no table.",
            len(skipped),
            sheet=sheet,
            skipped=", ".join(f"“{s}”" for s in skipped),
        )
    else:
        message = say(
            "Read the sheet “{sheet}”, the first of {n} sheets; choose another "
            "sheet if this is not the right one.",
            sheet=sheet,
            n=len(sheets),
        )
    return LoadNote(
        "sheet",
        message,
        details={
            "sheet": sheet,
            "sheets": sheets,
            "skipped": skipped,
            "chosen_by": "detected",
        },
    )


# --------------------------------------------------------------------------- the header


def header_notes(
    layout: HeaderLayout, header_rows: list[int], positions: list[int], names: list[str]
) -> list[LoadNote]:
    """Where the column names were found (Excel rows) and how merged header cells were joined."""
    notes: list[LoadNote] = []
    first, last = header_rows[0], header_rows[-1]
    rows_text = str(first) if first == last else f"{first}–{last}"
    if layout.detected:
        parts = [
            say("The column names are in row {rows}.", rows=rows_text)
            if first == last
            else say("The column names are in rows {rows}.", rows=rows_text)
        ]
        if first > 1:
            parts.append(
                say_n(
                    "The {n} row above the names (a title, a note or blank) was skipped.",
                    "The {n} rows above the names (titles, notes or blank rows) were skipped.",
                    first - 1,
                    n=first - 1,
                )
            )
        message = say_join(parts)
    else:
        message = say("The column names are read from row {rows}, as chosen.", rows=rows_text)
    notes.append(
        LoadNote(
            "header_row",
            message,
            details={
                "header_row": first,
                "header_rows": header_rows,
                "skipped_rows": first - 1,
                "detected": layout.detected,
            },
        )
    )
    name_of = dict(zip(positions, names, strict=False))
    if layout.joined or layout.filled_columns:
        examples = [name_of[c] for c in layout.columns if c in name_of and " / " in name_of[c]][
            :3
        ] or [name_of[c] for c in layout.filled_columns if c in name_of][:3]
        notes.append(
            LoadNote(
                "merged_header",
                say(
                    "The column names span rows {rows} (merged or grouped header cells); their "
                    "parts are joined with “ / ”, e.g. {examples}.",
                    rows=rows_text,
                    examples=", ".join(f"“{e}”" for e in examples),
                ),
                details={"header_rows": header_rows, "examples": examples},
            )
        )
    return notes


def no_header_note(first_data_row: int) -> LoadNote:
    """No row of column names: the columns got numbered names."""
    return LoadNote(
        "no_header",
        say(
            "No row of column names was found; the columns are called “Column 1”, "
            "“Column 2”, …, and the data starts in row {row}.",
            row=first_data_row,
        ),
        details={"data_start_row": first_data_row},
    )


# --------------------------------------------------------------------------- the cells


def serial_dates_note(column: str, n_serial: int, date1904: bool) -> LoadNote:
    """Plain numbers among a column's dates were read as date serial numbers."""
    return LoadNote(
        "serial_dates",
        say_n(
            "Column “{col}” mixes dates with {n} plain number; it was read as a date "
            "serial number ({system} date system).",
            "Column “{col}” mixes dates with {n} plain numbers; they were read as date "
            "serial numbers ({system} date system).",
            n_serial,
            col=column,
            n=n_serial,
            system="1904" if date1904 else "1900",
        ),
        column=column,
        details={"count": n_serial, "date1904": date1904},
    )


def footer_note(footer_rows: list[tuple[int, str]], first_data_row: int) -> LoadNote:
    """Notes or totals under the table, given as (data position, text), were left out."""
    rows = [first_data_row + i for i, _text in footer_rows]
    texts = [text for _i, text in footer_rows]
    return LoadNote(
        "dropped_footer_rows",
        say_n(
            "{n} row under the table (a note or a total) was left out: row {rows} (“{text}”).",
            "{n} rows under the table (notes or totals) were left out: rows {rows} (“{text}”…).",
            len(rows),
            n=len(rows),
            rows=", ".join(map(str, rows)),
            text=texts[0][:60],
        ),
        details={"rows": rows, "texts": texts},
    )


def empty_rows_note(empty_rows: np.ndarray, first_data_row: int) -> LoadNote:
    """Empty rows (a mask over the data positions) were left out."""
    n_empty = int(empty_rows.sum())
    where = np.flatnonzero(empty_rows)
    return LoadNote(
        "dropped_empty_rows",
        say_n(
            "{n} empty row was left out (row {rows}).",
            "{n} empty rows were left out (rows {rows}).",
            n_empty,
            n=n_empty,
            rows=_excel_rows(where, first_data_row),
        ),
        details={"count": n_empty, "rows": [first_data_row + int(p) for p in where[:100]]},
    )


def empty_columns_note(positions: list[int]) -> LoadNote:
    """Empty, unnamed columns inside the table (0-based sheet positions) were left out."""
    letters = [xlsx_peek.column_letter(p) for p in positions]
    return LoadNote(
        "dropped_empty_columns",
        say_n(
            "{n} empty column without a name was left out ({cols}).",
            "{n} empty columns without a name were left out ({cols}).",
            len(positions),
            n=len(positions),
            cols=", ".join(letters),
        ),
        details={"count": len(positions), "columns": letters},
    )


def error_cell_notes(
    excel_errors: dict[int, Counter[str]],
    error_rows: dict[int, dict[str, list[int]]],
    name_of_source: dict[int, str],
    first_data_row: int,
) -> list[LoadNote]:
    """One note per kept column with Excel error cells (keys: the batch's column indexes)."""
    notes: list[LoadNote] = []
    for j, codes in sorted(excel_errors.items()):
        if j not in name_of_source:
            continue
        total = sum(codes.values())
        kinds = ", ".join(f"{code} ×{n}" for code, n in codes.most_common())
        rows = sorted(p for lst in error_rows.get(j, {}).values() for p in lst)
        notes.append(
            LoadNote(
                "error_cells",
                say_n(
                    "Column “{col}” has {n} Excel error cell ({kinds}); it is treated as missing.",
                    "Column “{col}” has {n} Excel error cells ({kinds}); they are treated as "
                    "missing.",
                    total,
                    col=name_of_source[j],
                    n=total,
                    kinds=kinds,
                ),
                column=name_of_source[j],
                details={
                    "count": total,
                    "codes": dict(codes),
                    "rows": [first_data_row + p for p in rows[:100]],
                },
            )
        )
    return notes


def uncalculated_formula_notes(
    uncalculated: dict[tuple[int, int], bool],
    data_start: int,
    name_of_position: dict[int, str],
    sampled_rows: int,
) -> list[LoadNote]:
    """One note per column with formulas saved without a result (found in the sampled rows)."""
    blank_formulas = Counter(
        name_of_position[c] for (r, c) in uncalculated if r >= data_start and c in name_of_position
    )
    notes: list[LoadNote] = []
    for col_name, count in blank_formulas.items():
        notes.append(
            LoadNote(
                "uncalculated_formulas",
                say_n(
                    "Column “{col}” has {n} formula whose result was never saved (the file was "
                    "written by a program, not by Excel); it reads as empty. Open the file in "
                    "Excel, save it, and load it again to get the results.",
                    "Column “{col}” has {n} formulas whose results were never saved (the file "
                    "was written by a program, not by Excel); they read as empty. Open the file "
                    "in Excel, save it, and load it again to get the results.",
                    count,
                    col=col_name,
                    n=count,
                ),
                column=col_name,
                details={"count": count, "in_first_rows": data_start + sampled_rows},
            )
        )
    return notes


def _excel_rows(positions: np.ndarray | list[int], first_data_row: int, limit: int = 5) -> str:
    shown = [str(first_data_row + int(p)) for p in list(positions)[:limit]]
    if len(positions) > limit:
        shown.append("…")
    return ", ".join(shown)
