"""Replay a saved project on a new file: compare its columns, clean it, and append it.

Nothing in the new file is dropped silently: :func:`compare_columns` names every column that is
new, missing, of another type, or holds category levels the model never saw;
:func:`conform_types` reads a column back as the training data's type (numbers stay numbers,
with the cells that are not numbers counted and said); :func:`append_rows` adds the new rows to
the project's data and skips rows already there, found by a hash of the whole row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.steps import drift_wording as words
from workbench.steps.features import OTHER_LEVEL
from workbench.tables.table import ColumnKind, LoadedTable, LoadNote


@dataclass(frozen=True)
class ColumnChange:
    """One difference between the new file and the training data."""

    kind: str  # "missing" | "new" | "type" | "new_levels"
    column: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _is_number_kind(kind: ColumnKind | None) -> bool:
    return kind in (ColumnKind.NUMERIC,)


def conform_types(
    table: LoadedTable, kinds: dict[str, ColumnKind], model_columns: set[str]
) -> tuple[LoadedTable, list[ColumnChange]]:
    """Read each shared column as the training data's kind; say every change of type.

    A column that held numbers in training but reads as text here (a stray "n/a", a decimal
    comma) is converted to numbers; the cells that are not numbers become missing and are
    counted with examples. Other changes of kind are said and left as they are."""
    frame = table.frame
    new_kinds = dict(table.kinds)
    changes: list[ColumnChange] = []
    converted: dict[str, pd.Series] = {}
    for name in frame.columns:
        was = kinds.get(name)
        now = table.kinds.get(name)
        if was is None or now is None or ColumnKind(was) == ColumnKind(now):
            continue
        col = frame[name]
        unreadable = 0
        examples: list[str] = []
        if _is_number_kind(ColumnKind(was)):
            text = col.astype(object).where(col.notna())
            number = pd.to_numeric(text, errors="coerce")
            lost = col.notna() & number.isna()
            unreadable = int(lost.sum())
            examples = [str(v) for v in pd.unique(col[lost])[:3]]
            converted[name] = number.astype("float64")
            new_kinds[name] = ColumnKind(was)
        message = words.changed_type(
            name, words.kind_words(str(was)), words.kind_words(str(now)), unreadable, examples
        )
        changes.append(
            ColumnChange(
                "type",
                name,
                message,
                {
                    "was": str(was),
                    "now": str(now),
                    "unreadable": unreadable,
                    "examples": examples,
                    "in_model": name in model_columns,
                },
            )
        )
    if converted:
        frame = frame.assign(**converted)
    return dataclasses.replace(table, frame=frame, kinds=new_kinds), changes


def compare_columns(
    reference: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    new: pd.DataFrame,
    model_columns: set[str],
    levels: dict[str, list[Any]],
    target: str | None = None,
) -> list[ColumnChange]:
    """Missing and new columns, and levels of the model's categorical columns it never saw
    (``levels``: user's name -> the model's levels). A missing ``target`` is no change: new
    rows are often not measured yet (the model-drift check says so)."""
    changes: list[ColumnChange] = []
    for name in reference.columns:
        if name not in new.columns and name != target:
            changes.append(
                ColumnChange(
                    "missing",
                    str(name),
                    words.missing_column(str(name), name in model_columns),
                    {"in_model": name in model_columns},
                )
            )
    for name in new.columns:
        if name not in reference.columns:
            changes.append(ColumnChange("new", str(name), words.new_column(str(name))))
    for name, known in levels.items():
        if name not in new.columns:
            continue
        col = new[name]
        seen = set(known)
        present = col.dropna()
        unknown_mask = ~present.isin(seen)
        if not unknown_mask.any():
            continue
        counts = present[unknown_mask].astype(str).value_counts()
        found = [str(v) for v in counts.index]
        rows = int(counts.sum())
        changes.append(
            ColumnChange(
                "new_levels",
                str(name),
                words.new_levels(str(name), found, rows, lumped=OTHER_LEVEL in seen),
                {"levels": found, "rows": rows, "lumped": OTHER_LEVEL in seen},
            )
        )
    return changes


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A 64-bit hash of each row's values in ``columns`` (the index is not part of it)."""
    return pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()


@dataclass(frozen=True)
class AppendResult:
    table: LoadedTable
    added: int
    duplicates: int
    message: str


def append_rows(base: LoadedTable, new: LoadedTable) -> AppendResult:
    """``base`` with the rows of ``new`` added below (new row labels continue after the last).

    A row of ``new`` whose values equal a row of ``base`` in every shared column (compared by
    a hash of the whole row, each value as text so 2 and 2.0 from two exports match) is not
    added again. Columns only ``new`` has are added (missing for the earlier rows); columns
    only ``base`` has are missing for the new rows. The table's notes gain one that names the
    file the rows came from (its source stays the first file)."""
    shared = [c for c in base.frame.columns if c in new.frame.columns]

    def as_text(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[shared].astype(object).where(frame[shared].notna(), None).astype(str)

    known = set(row_hashes(as_text(base.frame), shared).tolist()) if shared else set()
    hashes = row_hashes(as_text(new.frame), shared) if shared else np.zeros(len(new.frame))
    keep = np.fromiter((h not in known for h in hashes.tolist()), bool, len(hashes))
    rows = new.frame[keep]
    start = int(base.frame.index.max()) + 1 if len(base.frame) else 0
    rows = rows.set_axis(pd.RangeIndex(start, start + len(rows)))
    frame = pd.concat([base.frame, rows], axis=0)
    for name in base.frame.columns:  # keep the snapshot's types where concat widened them
        if str(frame[name].dtype) == "object" and str(base.frame[name].dtype) != "object":
            converted = pd.to_numeric(frame[name], errors="coerce")
            if converted.notna().sum() == frame[name].notna().sum():
                frame[name] = converted
    kinds = {**{k: v for k, v in new.kinds.items() if k not in base.kinds}, **base.kinds}
    note = LoadNote(
        "appended_rows",
        words.appended_note(int(keep.sum()), Path(str(new.source.path)).name, start),
        None,
        {"rows": int(keep.sum()), "file": str(new.source.path), "first_row": start,
         "sha256": new.source.sha256, "duplicates": int((~keep).sum())},
    )  # fmt: skip
    table = dataclasses.replace(base, frame=frame, kinds=kinds, notes=[*base.notes, note])
    duplicates = int((~keep).sum())
    return AppendResult(
        table, int(keep.sum()), duplicates, words.appended(int(keep.sum()), duplicates, len(frame))
    )
