"""What replaying a recipe did: one :class:`StepReport` per step and the :class:`RecipeResult`.

A step report counts the rows and cells a step changed, or says why the step was skipped; it
keeps the step as run so that its description, effect and warning can be said again in another
language when a saved project reopens (:meth:`StepReport.from_dict`,
:func:`workbench.steps.recipe_wording.reword_report`).
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.i18n import say_again
from workbench.steps.predicted_cells import PredictedCells
from workbench.tables.table import ColumnKind

__all__ = ["RecipeResult", "StepReport"]


@dataclass(frozen=True)
class StepReport:
    """What one step did to the table (or why it was skipped)."""

    index: int
    op: str
    description: str
    rows_before: int
    rows_after: int
    rows_removed: int
    cells_changed: int
    columns_removed: list[str]
    warning: str | None = None
    skipped: bool = False
    effect: str = ""  # plain-language summary of the counts
    details: dict[str, Any] = field(default_factory=dict)
    step: dict[str, Any] | None = None  # the step as run: its words can be said again

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "op": self.op,
            "description": self.description,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
            "rows_removed": self.rows_removed,
            "cells_changed": self.cells_changed,
            "columns_removed": list(self.columns_removed),
            "warning": None if self.warning is None else str(self.warning),
            # how to say the warning again in another language (see workbench.i18n.say)
            "warning_say": getattr(self.warning, "recipe", None),
            "skipped": self.skipped,
            "effect": self.effect,
            "details": copy.deepcopy(self.details),
            "step": copy.deepcopy(self.step),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepReport:
        """A saved report (see :meth:`to_dict`); unknown keys are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if isinstance(data.get("warning_say"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
                known["warning"] = say_again(data["warning_say"])
        return cls(**known)


@dataclass
class RecipeResult:
    """The cleaned frame, its column kinds, and one report per step.

    ``predicted``: per column, the cells a ``predict_missing`` step filled or left empty, with
    their confidence (rebuilt by every replay, never saved)."""

    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    reports: list[StepReport]
    rows_left: int
    predicted: dict[str, PredictedCells] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [r.warning for r in self.reports if r.warning]
