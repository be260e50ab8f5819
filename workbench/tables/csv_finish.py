"""Finish a parsed CSV table: drop empty padding, name the columns, record what was used.

Shared by every parse path of :mod:`workbench.tables.csv_reader`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from workbench.errors import DataLoadError
from workbench.i18n import _, say_n
from workbench.tables.csv_plan import CsvPlan
from workbench.tables.names import make_unique_names
from workbench.tables.punctuation_rows import (
    drop_punctuation_rows,
    has_content,
    punctuation_name_note,
)
from workbench.tables.table import LoadNote, LoadOptions, RawTable


def finish_table(
    path: Path, frame: pd.DataFrame, plan: CsvPlan, notes: list[LoadNote], options: LoadOptions
) -> RawTable:
    """Drop empty padding, name the columns, and record what was used in the options."""
    header = list(plan.header) + [""] * (frame.shape[1] - len(plan.header))
    frame = drop_punctuation_rows(frame, notes)  # ";;;;;;,,,,," lines are empty rows
    # A first value settles most columns without scanning all rows (one vectorized look at
    # the first row: per-column lookups cost a millisecond each on a very wide file).
    if len(frame):
        first_missing = frame.iloc[:1].isna().to_numpy()[0]
        empty_cols = {
            j
            for j, missing in enumerate(first_missing)
            if missing and frame.iloc[:, j].isna().all()
        }
    else:
        empty_cols = set(range(frame.shape[1]))
    if plan.has_header:  # a name of punctuation only (",,,,,") over no values is no column
        drop = [j for j in sorted(empty_cols) if not has_content(header[j])]
    else:  # no names: only the trailing run of empty columns is clearly padding
        drop = []
        for j in reversed(range(frame.shape[1])):
            if j not in empty_cols:
                break
            drop.append(j)
    if drop and len(drop) < frame.shape[1]:
        unnamed = [j for j in drop if not header[j].strip()]
        if unnamed:
            notes.append(
                LoadNote(
                    "dropped_empty_columns",
                    say_n(
                        "{n} empty column without a name was left out.",
                        "{n} empty columns without a name were left out.",
                        len(unnamed),
                        n=len(unnamed),
                    ),
                    details={"positions": sorted(j + 1 for j in unnamed)},
                )
            )
        named = [header[j] for j in drop if header[j].strip()]
        if named:
            notes.append(punctuation_name_note(named))
        dropped = set(drop)  # a set: a list made this quadratic in the number of columns
        keep = [j for j in range(frame.shape[1]) if j not in dropped]
        frame = frame.iloc[:, keep]
        header = [header[j] for j in keep]
    frame = _drop_empty_rows(frame, notes)
    if len(frame) == 0:
        raise DataLoadError(
            _("The file {name} has column names but no rows of data.").format(name=path.name)
            if plan.has_header
            else _("The file {name} holds no values.").format(name=path.name),
            _("Check that the export finished, or that you picked the right file."),
        )
    if plan.has_header:
        names, name_notes = make_unique_names(header)
    else:
        names, name_notes = make_unique_names([""] * frame.shape[1])
        name_notes = []  # the no_header note already says so
    frame.columns = names
    used = replace(
        options,
        sheet=None,
        header_row=plan.start_line + 1 if plan.has_header else None,
        has_header=plan.has_header,
        encoding=plan.encoding.option,
        delimiter=plan.delimiter,
        decimal=plan.decimal,
        thousands=plan.thousands,
    )
    return RawTable(frame=frame, options=used, notes=[*notes, *name_notes])


def _drop_empty_rows(frame: pd.DataFrame, notes: list[LoadNote]) -> pd.DataFrame:
    """Rows with no value at all are dropped; the index keeps the others' positions."""
    if frame.shape[1] == 0 or len(frame) == 0:
        return frame
    empty = frame.iloc[:, 0].isna().to_numpy().copy()
    for j in range(1, frame.shape[1]):
        if not empty.any():
            return frame
        empty &= frame.iloc[:, j].isna().to_numpy()
    if not empty.any():
        return frame
    n_empty = int(empty.sum())
    trailing = 0
    for flag in empty[::-1]:
        if not flag:
            break
        trailing += 1
    inner = n_empty - trailing
    if inner:
        message = say_n(
            "{n} empty row was left out ({inner} inside the table); the other rows keep "
            "their positions.",
            "{n} empty rows were left out ({inner} inside the table); the other rows keep "
            "their positions.",
            n_empty,
            n=n_empty,
            inner=inner,
        )
    else:
        message = say_n(
            "{n} empty row at the end of the table was left out.",
            "{n} empty rows at the end of the table were left out.",
            n_empty,
            n=n_empty,
        )
    notes.append(
        LoadNote(
            "dropped_empty_rows",
            message,
            details={"count": n_empty, "trailing": trailing, "inside": inner},
        )
    )
    return frame.loc[~empty]
