"""Rows and column names made only of separators and punctuation are no data.

A spreadsheet's CSV export often ends with a hundred lines like ``;;;;;;,,,,,`` (the sheet's
used range was larger than the table, in another separator), and a stray header cell such as
``,,,,,`` over an empty column names no column. Such rows are empty rows; such a column is
no column. A cell "holds content" when it has a letter or a digit in any script (Hangul too).

Cost: numbers and dates are content wherever present (no text scan); text cells are first
matched for an ASCII letter or digit with Arrow's regex engine, and only the rest (Hangul-only
or punctuation-only cells, usually few distinct values) is checked in Python, once per
distinct value. Columns are visited cheapest first and only the rows still without content
are looked at, so a table whose rows hold a number costs one ``notna`` per numeric column.
Measured on a million rows (Linux, 2 busy cores): 20 ms with a numeric or an ASCII text column,
30 ms for text and categories alone, 0.3 s for a column of Hangul-only text alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.i18n import say_n
from workbench.tables.table import LoadNote

_ASCII_CONTENT = r"[0-9A-Za-z]"


def has_content(text: object) -> bool:
    """True when ``text`` holds a letter or a digit (any script)."""
    return any(ch.isalnum() for ch in str(text))


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values.dtype) or pd.api.types.is_object_dtype(values.dtype)


def _content(values: pd.Series) -> np.ndarray:
    """Per cell: holds a letter or digit (a missing cell does not)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        good = np.array([has_content(c) for c in values.cat.categories] + [False], dtype=bool)
        return good[values.cat.codes.to_numpy()]  # code -1 (missing) picks the last False
    present = values.notna().to_numpy()
    if not _is_text(values) or not present.any():
        return present
    where = np.flatnonzero(present)
    text = values.iloc[where].astype(str)
    ascii_hit = text.str.contains(_ASCII_CONTENT, regex=True).to_numpy(dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    out[where[ascii_hit]] = True
    rest = text[~ascii_hit]
    if len(rest):
        kept = [v for v in pd.unique(rest) if has_content(v)]
        out[where[~ascii_hit]] = rest.isin(kept).to_numpy(dtype=bool)
    return out


def punctuation_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with at least one filled cell but no letter or digit in any cell."""
    n = len(frame)
    empty = np.ones(n, dtype=bool)  # no content seen yet
    order = sorted(range(frame.shape[1]), key=lambda j: _is_text(frame.iloc[:, j]))
    for j in order:
        rows = np.flatnonzero(empty)
        if rows.size == 0:
            break
        col = frame.iloc[:, j]
        empty[rows[_content(col.iloc[rows] if rows.size < n else col)]] = False
    rows = np.flatnonzero(empty)
    if rows.size == 0:
        return empty
    filled = frame.iloc[rows].notna().any(axis=1).to_numpy(dtype=bool)
    out = np.zeros(n, dtype=bool)
    out[rows[filled]] = True
    return out


def drop_punctuation_rows(frame: pd.DataFrame, notes: list[LoadNote]) -> pd.DataFrame:
    """``frame`` without its punctuation-only rows (the index keeps the others' positions)."""
    if frame.shape[1] == 0 or len(frame) == 0:
        return frame
    punct = punctuation_rows(frame)
    n = int(punct.sum())
    if not n:
        return frame
    first = frame.iloc[int(np.flatnonzero(punct)[0])]
    example = next(str(v) for v in first if pd.notna(v))
    notes.append(
        LoadNote(
            "dropped_punctuation_rows",
            say_n(
                "{n} row held only separators or punctuation (such as “{example}”) and was "
                "left out as an empty row.",
                "{n} rows held only separators or punctuation (such as “{example}”) and were "
                "left out as empty rows.",
                n,
                n=n,
                example=example[:20],
            ),
            details={"count": n, "example": example[:20]},
        )
    )
    return frame.loc[~punct]


def punctuation_name_note(names: list[str]) -> LoadNote:
    """The note for empty columns whose header cell is only punctuation (",,,,,")."""
    shown = ", ".join(f"“{name}”" for name in names[:3]) + (", …" if len(names) > 3 else "")
    return LoadNote(
        "dropped_punctuation_columns",
        say_n(
            "{n} empty column whose name is only punctuation ({names}) was left out.",
            "{n} empty columns whose names are only punctuation ({names}) were left out.",
            len(names),
            n=len(names),
            names=shown,
        ),
        details={"names": names},
    )
