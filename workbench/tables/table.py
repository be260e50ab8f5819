"""What a loaded table is: the frame plus everything we inferred about it.

The frame's index is the row's 0-based position among the source's data rows (header
excluded). It is kept through every clean-up step, so results can always point back at
the row in the user's file.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from workbench.i18n import Said, say_again

# Told each piece of a source file as a reader reads it: (offset in the file, the bytes).
OnRead = Callable[[int, bytes], None]


class ColumnKind(StrEnum):
    """The kind of values a column holds, as the user would name it."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"  # free text: comments, notes
    ID = "id"  # identifier-like: unique codes, serial numbers


@dataclass
class LoadOptions:
    """How to read a file. ``None`` means "detect it"; a value is a user override.

    Row numbers are 1-based as the user sees them in Excel or a text editor.
    """

    sheet: str | None = None
    header_row: int | None = None  # 1-based row holding the column names
    has_header: bool | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # "", ",", ".", " "
    dayfirst: bool | None = None
    column_kinds: dict[str, ColumnKind] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["column_kinds"] = {k: str(v) for k, v in self.column_kinds.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadOptions:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["column_kinds"] = {
            k: ColumnKind(v) for k, v in (data.get("column_kinds") or {}).items()
        }
        return cls(**known)


@dataclass(frozen=True)
class SourceInfo:
    """Where the data came from, to tell later whether the file changed."""

    path: str
    size: int
    modified: float  # POSIX timestamp of the file's last change
    sha256: str
    format: str  # "csv", "xlsx", "xls", "ods", ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceInfo:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class LoadNote:
    """Something the loader inferred or changed, reported to the user.

    ``kind`` is stable (e.g. ``encoding``, ``delimiter``, ``header_row``, ``renamed_column``,
    ``dropped_empty_rows``, ``error_cells``, ``converted_numbers``, ``date_format``);
    ``message`` is plain language; ``details`` holds the numbers.
    """

    kind: str
    message: str
    column: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "kind": self.kind,
            "message": str(self.message),
            "column": self.column,
            "details": copy.deepcopy(self.details),
        }
        if isinstance(self.message, Said):
            out["say"] = self.message.recipe  # how to say it again in another language
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadNote:
        """The saved note, said again in the reader's language when it knows how."""
        message: str = data["message"]
        if isinstance(data.get("say"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
                message = say_again(data["say"])
        return cls(data["kind"], message, data.get("column"), dict(data.get("details") or {}))


@dataclass
class LoadedTable:
    """A table read from a file, with its inferred column kinds and the loader's notes."""

    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    source: SourceInfo
    options: LoadOptions  # the options actually used: detected values filled in
    notes: list[LoadNote] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # all sheets of a workbook
    # A file larger than memory: its whole-file scan (StreamScan); the frame is then a uniform
    # sample of its rows (workbench.big_table). Not saved: a reopened project has the sample.
    whole_file: Any = None

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def n_columns(self) -> int:
        return self.frame.shape[1]


@dataclass
class RawTable:
    """What a format reader hands back before column kinds are settled.

    Columns the reader could type for certain (numbers, real dates, booleans) arrive typed;
    everything else arrives as strings for :mod:`workbench.tables.types` to examine. Column names
    are already unique and exactly as the user sees them; the index is the 0-based position
    among the source's data rows.
    """

    frame: pd.DataFrame
    options: LoadOptions  # with detected values filled in
    notes: list[LoadNote] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
