"""How predicted cells show in an exported table: a confidence column beside each filled column.

A colleague opening the CSV or Excel file must see at a glance which values were measured and
which Workbench predicted, and keep the table usable (sorting, formulas on the value column).
So the value column keeps the numbers, and right after it come:

- ``<column> (predicted)``: empty for a measured cell; the confidence for each cell Workbench
  predicted ("86%"), also for a cell left empty because its confidence was too low — an empty
  value with a confidence beside it reads as "predicted, but not trusted enough to fill";
- for numbers, ``<column> (80% range)``: the range the true value lies in 4 times out of 5.

A note in the column name beats a note elsewhere: it survives copying the column, and a CSV has
nowhere else to put it. In Excel the filled cells are also shaded and a second sheet explains the
columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.i18n import _
from workbench.steps.predict_wording import percent
from workbench.steps.predicted_cells import PredictedCells


@dataclass
class MarkedFrame:
    """The frame to write, and which of its cells to shade (Excel) per column name."""

    frame: pd.DataFrame
    shaded: dict[str, np.ndarray] = field(default_factory=dict)  # column -> row mask
    percent_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def confidence_name(column: str) -> str:
    return _("{column} (predicted)").format(column=column)


def range_name(column: str) -> str:
    return _("{column} (80% range)").format(column=column)


def _number(value: float) -> str:
    return f"{value:.4g}"


def with_marks(
    frame: pd.DataFrame, predicted: dict[str, PredictedCells] | None, *, as_text: bool
) -> MarkedFrame:
    """``frame`` with a confidence (and range) column after each column that has predictions.

    ``as_text``: confidences as "86%" (CSV, which Excel reads back as a percentage) instead
    of shares (Excel, formatted as percentages)."""
    if not predicted:
        return MarkedFrame(frame)
    parts: dict[str, pd.Series] = {}
    out = MarkedFrame(frame)
    for name in frame.columns:
        parts[name] = frame[name]
        mark = predicted.get(str(name))
        if mark is None or not len(mark.rows):
            continue
        where = pd.Index(frame.index).get_indexer(mark.rows)
        inside = where >= 0
        where, mark_at = where[inside], np.flatnonzero(inside)
        confidence = np.full(len(frame), np.nan)
        confidence[where] = mark.confidence[mark_at]
        label = confidence_name(str(name))
        if as_text:
            texts = np.full(len(frame), "", dtype=object)
            texts[where] = [percent(c) for c in mark.confidence[mark_at]]
            parts[label] = pd.Series(texts, index=frame.index)
        else:
            parts[label] = pd.Series(confidence, index=frame.index)
            out.percent_columns.append(label)
        if mark.low is not None and mark.high is not None:
            ranges = np.full(len(frame), "", dtype=object)
            ranges[where] = [
                f"{_number(lo)} – {_number(hi)}"
                for lo, hi in zip(mark.low[mark_at], mark.high[mark_at], strict=True)
            ]
            parts[range_name(str(name))] = pd.Series(ranges, index=frame.index)
        shaded = np.zeros(len(frame), dtype=bool)
        shaded[where[mark.filled[mark_at]]] = True
        out.shaded[str(name)] = shaded
        out.notes.append(
            _(
                "{column}: {filled:,} values were predicted by Workbench, not measured; their "
                "confidence is in {label}."
            ).format(column=name, filled=int(shaded.sum()), label=label)
        )
    out.frame = pd.DataFrame(parts, index=frame.index)
    if out.notes:
        out.notes.append(
            _(
                "Confidence: for a label, its chance of being right (measured on rows held out "
                "of the model); for a number, how much "
                "narrower its 80% range is than the column's own spread (10th to 90th "
                "percentile). A confidence with an empty value: predicted, but below the "
                "confidence asked for, so left empty."
            )
        )
    return out
