"""What a cleaning-recipe step returns: an :class:`Outcome`, or :class:`StepSkipped` and why.

Shared by the ops (:mod:`workbench.steps.recipe_ops`, :mod:`workbench.steps.recipe_impute`) and
by :func:`workbench.steps.recipe.apply_recipe`, which reports each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.steps.predicted_cells import PredictedCells
from workbench.tables.table import ColumnKind


class StepSkipped(Exception):  # noqa: N818 - reads naturally: ``except StepSkipped``
    """The step could not run on this table; ``message`` says why, in plain language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    """A step's new table and kinds, and what it changed (counted for the step's report)."""

    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    cells_changed: int = 0
    columns_removed: list[str] = field(default_factory=list)
    warning: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    predicted: PredictedCells | None = None  # the cells a predict_missing step filled


def replace_column(frame: pd.DataFrame, name: str, values: pd.Series) -> pd.DataFrame:
    """A new frame with one column's values replaced; the input is not touched."""
    out = frame.copy(deep=False)  # copy-on-write: other columns stay shared
    out[name] = values
    return out
