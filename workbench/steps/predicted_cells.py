"""Which cells a ``predict_missing`` step filled (or left empty), with each cell's confidence.

A :class:`PredictedCells` travels beside the cleaned table in
:class:`~workbench.steps.recipe_report.RecipeResult` so the data grid, the exports and the model
fit can tell a predicted cell from a measured one. It is never saved: the recipe step replays
deterministically, so reopening a project rebuilds it. Rows are named by the frame's index
labels (the row's position in the source), which no recipe step renumbers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["INTERVAL_COVERAGE", "PredictedCells"]

#: The share of true values a number's stated range is meant to hold (80%).
INTERVAL_COVERAGE = 0.8


@dataclass(frozen=True)
class PredictedCells:
    """The missing cells of one column that a step predicted.

    ``rows``: index labels of every cell the step looked at (all were missing);
    ``values``: the prediction for each (also for cells left empty);
    ``confidence``: 0..1 (a label's class probability; for a number, how much narrower its
    80% range is than the column's own 10th-90th percentile range);
    ``low``/``high``: a number's 80% prediction range (None for labels);
    ``filled``: False where the cell was left empty because its confidence was below
    ``min_confidence``.
    """

    column: str
    kind: str  # "number" | "label"
    rows: np.ndarray
    values: np.ndarray
    confidence: np.ndarray
    filled: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    min_confidence: float | None = None
    train_on_predicted: bool = False  # the step's choice, read when the column is the target

    @property
    def n_filled(self) -> int:
        return int(np.count_nonzero(self.filled))

    @property
    def n_left_empty(self) -> int:
        return len(self.rows) - self.n_filled

    @property
    def filled_rows(self) -> np.ndarray:
        """Index labels of the rows whose cell was filled."""
        return self.rows[self.filled]

    def renamed(self, column: str) -> PredictedCells:
        return dataclasses.replace(self, column=column)

    def restricted(self, index: pd.Index) -> PredictedCells:
        """Only the rows still in ``index`` (a later step may have removed rows)."""
        keep = np.isin(self.rows, np.asarray(index))
        if keep.all():
            return self
        return self._take(keep)

    def merged(self, later: PredictedCells) -> PredictedCells:
        """These cells and those of a later step on the same column (the later one wins)."""
        mine = self._take(~np.isin(self.rows, later.rows))

        def cat(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
            return None if a is None or b is None else np.concatenate([a, b])

        return dataclasses.replace(
            later,
            rows=np.concatenate([mine.rows, later.rows]),
            values=np.concatenate([mine.values, later.values]),
            confidence=np.concatenate([mine.confidence, later.confidence]),
            filled=np.concatenate([mine.filled, later.filled]),
            low=cat(mine.low, later.low),
            high=cat(mine.high, later.high),
        )

    def _take(self, keep: np.ndarray) -> PredictedCells:
        return dataclasses.replace(
            self,
            rows=self.rows[keep],
            values=self.values[keep],
            confidence=self.confidence[keep],
            filled=self.filled[keep],
            low=None if self.low is None else self.low[keep],
            high=None if self.high is None else self.high[keep],
        )

    def by_row(self) -> dict[int, int]:
        """Index label -> position in these arrays (for looking up one cell)."""
        return {int(r): i for i, r in enumerate(self.rows.tolist())}

    def cell(self, position: int) -> dict[str, Any]:
        """One cell's mark as plain values (for tooltips and exports)."""
        out: dict[str, Any] = {
            "value": self.values[position],
            "confidence": float(self.confidence[position]),
            "filled": bool(self.filled[position]),
        }
        if self.low is not None and self.high is not None:
            out["low"] = float(self.low[position])
            out["high"] = float(self.high[position])
        return out


def restrict_all(
    marks: dict[str, PredictedCells], frame: pd.DataFrame
) -> dict[str, PredictedCells]:
    """The marks of columns still in ``frame``, limited to its rows."""
    return {c: m.restricted(frame.index) for c, m in marks.items() if c in frame.columns}
