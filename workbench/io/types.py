"""Settle each column's kind (numeric, categorical, boolean, datetime, text, ID).

PLACEHOLDER: minimal version so the loaders can run; the full inference replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.io.table import ColumnKind, LoadNote, LoadOptions
from workbench.jobs import JobContext, ensure_context


@dataclass
class TypedFrame:
    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    notes: list[LoadNote] = field(default_factory=list)
    dayfirst: bool | None = None


def settle_kinds(
    frame: pd.DataFrame, options: LoadOptions, ctx: JobContext | None = None
) -> TypedFrame:
    """Return the frame with converted columns, each column's kind, and notes."""
    ctx = ensure_context(ctx)
    out = {}
    kinds: dict[str, ColumnKind] = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_bool_dtype(col):
            kinds[name] = ColumnKind.BOOLEAN
        elif pd.api.types.is_numeric_dtype(col):
            kinds[name] = ColumnKind.NUMERIC
        elif pd.api.types.is_datetime64_any_dtype(col):
            kinds[name] = ColumnKind.DATETIME
        else:
            num = pd.to_numeric(col, errors="coerce")
            if num.notna().sum() == col.notna().sum():
                col = num
                kinds[name] = ColumnKind.NUMERIC
            else:
                kinds[name] = ColumnKind.CATEGORICAL
                col = col.astype("category")
        out[name] = col
    return TypedFrame(pd.DataFrame(out, index=frame.index), kinds)
