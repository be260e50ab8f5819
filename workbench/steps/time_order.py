"""Does a time column order the rows? Asked before suggesting it and before a time-ordered check.

A column of text that is no date (all unreadable as times), of one single time, or mostly
empty gives no order: a model "checked on later rows" would then be checked on rows in file
order, and the sentence would be untrue.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def as_time(time: pd.Series) -> pd.Series:
    """Numbers and datetimes as they are; anything else read as datetimes (NaT if not)."""
    numeric = pd.api.types.is_numeric_dtype(time) and not pd.api.types.is_bool_dtype(time)
    if numeric or pd.api.types.is_datetime64_any_dtype(time):
        return time
    with warnings.catch_warnings():  # "could not infer format": text that is no date
        warnings.simplefilter("ignore", UserWarning)
        # A sample first: a million cells of text that is no date would each go to dateutil.
        sample = pd.to_datetime(time.dropna().iloc[:1000], errors="coerce")
        if len(sample) == 0 or sample.notna().mean() < 0.5:
            return pd.Series(pd.NaT, index=time.index, dtype="datetime64[ns]")
        return pd.to_datetime(time, errors="coerce")


def orders_rows(t: pd.Series, missing: np.ndarray) -> bool:
    """At least half the rows have a time, and there are two different times."""
    present = int((~missing).sum())
    return present >= max(2, len(t) / 2) and t[~missing].nunique() >= 2


def has_time_order(time: pd.Series) -> bool:
    """True when ``time`` can order the rows: dates (or numbers) in at least half of the rows,
    not all the same."""
    t = as_time(time)
    return orders_rows(t, pd.isna(t).to_numpy())
