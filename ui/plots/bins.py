"""Histogram bin edges that suit the values: whole numbers get whole-number bins.

``np.histogram`` with a bin count cuts whole numbers at fractional edges, so a year column
(2000…2024, 25 values in 10 bins of 2.4 years) got bars holding alternately three and two
years — 24 and 12 rows for a monthly series — which reads as a pattern in the data that is not
there. Here every bin of a whole-number column covers the same count of whole values: one bar
per value when they are few, else bars of 2, 5, 10 … values, edges half-way between values.
"""

from __future__ import annotations

import math

import numpy as np

#: Bar widths (in whole values) tried in order, when one bar per value would be too many.
_NICE_STEPS = (1, 2, 5)


def is_whole(numbers: np.ndarray) -> bool:
    """True when every finite value is a whole number (and there is at least one)."""
    finite = numbers[np.isfinite(numbers)]
    return finite.size > 0 and bool(np.all(finite == np.round(finite)))


def _whole_step(span: int, max_bins: int) -> int:
    """The smallest 1, 2, 5, 10, 20, 50 … values per bar that keeps ``span`` values within
    ``max_bins`` bars."""
    magnitude = 1
    while True:
        for nice in _NICE_STEPS:
            step = nice * magnitude
            if math.ceil(span / step) <= max_bins:
                return step
        magnitude *= 10


def bin_edges(
    numbers: np.ndarray, max_bins: int, min_bins: int = 5, *, whole: bool | None = None
) -> np.ndarray:
    """Edges for a histogram of ``numbers`` (finite values only are looked at).

    Whole numbers: one bar per value when there are at most ``max_bins`` distinct positions,
    else bars of an equal whole count of values; other numbers: between ``min_bins`` and
    ``max_bins`` equal bins (about the square root of the count). ``whole=False`` treats
    whole numbers as any others (dates as seconds are whole numbers, but not values to count).
    """
    finite = np.asarray(numbers, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.array([0.0, 1.0])
    low, high = float(finite.min()), float(finite.max())
    if whole if whole is not None else is_whole(finite):
        span = int(high - low) + 1
        step = _whole_step(span, max_bins)
        count = math.ceil(span / step)  # the last bar may cover values past the maximum
        return low - 0.5 + step * np.arange(count + 1, dtype=float)
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    bins = int(min(max_bins, max(min_bins, np.sqrt(finite.size))))
    return np.histogram_bin_edges(finite, bins=bins, range=(low, high))
