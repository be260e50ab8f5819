"""Reading the samples of an outcome's evidence: pasted numbers or a data file's column."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import WorkbenchError
from workbench.feedback import evidence_wording as words
from workbench.jobs import JobContext


@dataclass(frozen=True)
class Sample:
    """Measurements of one side, and where they came from (shown beside the result)."""

    values: tuple[float, ...]
    source: str = ""

    def __len__(self) -> int:
        return len(self.values)


# ---------------------------------------------------------------------------------------------
# Reading samples

_SPLIT = re.compile(r"[;\s]+")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def parse_numbers(text: str) -> list[float]:
    """Numbers pasted by a person: "1.2, 3,4 ; 5" -> [1.2, 3.4, 5.0].

    Semicolons, spaces, tabs and line breaks always separate. A comma followed by a space
    separates. A comma inside a token is, in order: a thousands separator ("1,234.5",
    "12,345,678"); the separator of a list with no other separators ("1,2,3"); else a decimal
    comma ("3,4" among other numbers). A trailing "%" is dropped; a true minus sign is read.
    """
    text = str(text).replace("\u2212", "-").replace("\u00a0", " ").replace(", ", " ")
    tokens = [t.strip(",") for t in _SPLIT.split(text.strip()) if t.strip(",")]
    single = len(tokens) == 1
    out: list[float] = []
    for token in tokens:
        for piece in _pieces(token, single):
            out.append(_number(piece))
    return out


def _pieces(token: str, single: bool) -> list[str]:
    if "," not in token:
        return [token]
    if _THOUSANDS.match(token) and ("." in token or token.count(",") > 1):
        return [token.replace(",", "")]
    if single or token.count(",") > 1 or "." in token:
        return [p for p in token.split(",") if p]
    return [token.replace(",", ".")]  # one comma among other numbers: a decimal comma


def _number(piece: str) -> float:
    clean = piece.rstrip("%")
    if not _NUMBER.match(clean):
        raise WorkbenchError(words.not_a_number(piece), words.not_a_number_hint())
    value = float(clean)
    if not math.isfinite(value):
        raise WorkbenchError(words.not_a_number(piece), words.not_a_number_hint())
    return value


def sample_from_text(text: str, source: str = "") -> Sample:
    """A sample from pasted numbers."""
    values = parse_numbers(text)
    return Sample(tuple(values), source or words.pasted_source(len(values)))


def sample_from_file(
    path: str | Path, column: str, ctx: JobContext | None = None, **options: Any
) -> Sample:
    """The non-missing values of ``column`` in a data file (CSV/Excel, read like any data).

    Numbers are taken as they are; a yes/no or two-level column becomes 0/1 (the rarer
    level, e.g. the defect, is 1) so it compares as a proportion.
    """
    from workbench.tables.loader import load_table
    from workbench.tables.table import LoadOptions

    path = Path(path)
    table = load_table(path, LoadOptions(**options), ctx)
    frame = table.frame
    if column not in frame.columns:
        raise WorkbenchError(
            words.no_column(column, path.name),
            words.columns_hint([str(c) for c in frame.columns]),
        )
    values = _as_numbers(frame[column], column, path.name)
    return Sample(tuple(values), words.file_source(path.name, column))


def _as_numbers(series: Any, column: str, file: str) -> list[float]:
    import pandas as pd

    s = series.dropna()
    if pd.api.types.is_bool_dtype(s.dtype):
        return [float(v) for v in s.astype(bool)]
    if pd.api.types.is_numeric_dtype(s.dtype):
        arr = s.to_numpy(dtype=float)
        return [float(v) for v in arr[np.isfinite(arr)]]
    levels = s.astype(str).value_counts()
    if len(levels) == 2:
        rare = str(levels.index[-1])
        return [1.0 if str(v) == rare else 0.0 for v in s.astype(str)]
    raise WorkbenchError(words.column_not_numeric(column, file), words.column_not_numeric_hint())


def as_sample(value: Sample | str | Iterable[float]) -> Sample:
    """A :class:`Sample` from a sample, pasted text or numbers."""
    if isinstance(value, Sample):
        return value
    if isinstance(value, str):
        return sample_from_text(value)
    values = [float(v) for v in value]
    values = [v for v in values if math.isfinite(v)]
    return Sample(tuple(values), words.pasted_source(len(values)))
