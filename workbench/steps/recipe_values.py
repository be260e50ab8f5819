"""Reading the values a user typed into a recipe step against a column's type.

A step says "3", "예" or "2026-03-01" as text or JSON; these helpers read them the way the
column holds its values (numbers, labels, dates, true/false), for every op that matches cells.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def is_number_series(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def value_text(value: Any) -> str:
    """How a value reads as a label: 3.0 -> "3", "a" -> "a"."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def text_to_float(text: str) -> float | None:
    """ "12.5", " 1,234.5 " -> a finite float; anything else -> None."""
    text = text.strip().replace("\u00a0", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def as_float(value: Any) -> float | None:
    """A value the user typed as a number (not true/false), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return text_to_float(value)
    return None


def as_timestamp(value: Any, col: pd.Series) -> pd.Timestamp | None:
    if not isinstance(value, str):
        return None
    try:
        ts = pd.Timestamp(value.strip())
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    tz = getattr(col.dtype, "tz", None)
    if tz is not None:
        ts = ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)
    elif ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _BOOL_WORDS.get(value.strip().lower())
    return None


_BOOL_WORDS = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "t": True,
    "f": False,
    "1": True,
    "0": False,
    "o": True,
    "x": False,
    "예": True,
    "아니오": False,
    "아니요": False,
}


def codes_and_uniques(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per cell (-1 = missing) and the distinct values they point to.

    The distinct values come back as a NumPy object array: iterating it is far cheaper than
    iterating an Arrow-backed index.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), col.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def match_mask(col: pd.Series, values: Sequence[Any]) -> np.ndarray:
    """Which non-missing cells equal one of ``values`` (numbers by value, labels by text)."""
    if is_number_series(col):
        numbers = [f for f in (as_float(v) for v in values) if f is not None]
        return col.isin(numbers).to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_datetime64_any_dtype(col):
        stamps = [t for t in (as_timestamp(v, col) for v in values) if t is not None]
        return col.isin(stamps).to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_bool_dtype(col):
        flags = [b for b in (as_bool(v) for v in values) if b is not None]
        return col.isin(flags).to_numpy(dtype=bool, na_value=False)
    texts = {value_text(v) for v in values}
    codes, uniques = codes_and_uniques(col)
    hit = np.array([value_text(u) in texts for u in uniques] + [False], dtype=bool)
    return hit[codes]  # code -1 picks the trailing False
