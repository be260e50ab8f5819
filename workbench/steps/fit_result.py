"""The result of a fit: :class:`FitResult` and its JSON-safe summary.

A ``FitResult`` holds the final booster, the features it reads, how it was validated, its
scores against the baselines and the verdict. It says its verdict and validation sentences again
in the current language (:meth:`FitResult.reword`) and gives a plain-JSON summary for the CLI,
the report and the project file. LightGBM is named here for type hints only: it is loaded by
:mod:`workbench.steps.modeling`, after the OpenMP wait policy is set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.steps import model_wording as words
from workbench.steps.features import FeatureSet
from workbench.steps.goal import Exclusion, Goal, Task
from workbench.steps.validation import ValidationPlan
from workbench.steps.verdict import verdict_message

if TYPE_CHECKING:  # pragma: no cover - typing only
    import lightgbm as lgb

__all__ = ["FitResult"]


@dataclass
class FitResult:
    """The fitted model, how it was checked, and how it compares with simple baselines."""

    task: Task
    booster: lgb.Booster  # final model: refit on all usable rows, or the kept holdout model
    features: FeatureSet
    excluded: list[Exclusion]
    validation: str  # "k-fold" | "time-ordered" | "holdout"
    metric: str  # primary metric name: "r2" | "roc_auc" | "macro_roc_auc"
    score: float | None
    baseline_score: float | None  # the stronger of the two baselines on the same metric
    metrics: dict[str, Any]
    baseline: dict[str, Any]  # {"constant": {...}, "one_feature": {..., "column"}, ...}
    verdict: str  # "useful" | "weak" | "no_signal" | "too_good"
    verdict_message: str
    oof_pred: pd.Series  # validation predictions (value / P(positive) / P(class_index))
    classes: list[str] | None = None
    positive_class: str | None = None
    threshold: float | None = None
    class_index: int | None = None
    target: str = ""
    goal: Goal | None = None
    n_trees: int = 0
    n_folds: int = 1
    rows: int = 0  # rows modeled (target present)
    trained_rows: int = 0  # rows the final model was trained on (a kept holdout model: fewer)
    rows_without_target: int = 0
    validation_message: str = ""
    rule_column: str | None = None
    forced: list[Exclusion] = field(default_factory=list)
    oof_proba: pd.DataFrame | None = None  # multiclass: validation probabilities per class
    plan: ValidationPlan | None = None
    params: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    cpu_timings: dict[str, float] = field(default_factory=dict)  # process CPU seconds per phase
    time_column: str | None = None
    giveaway: list[str] = field(default_factory=list)  # what makes a "too_good" model so good
    # The validation folds' models (k-fold / several time folds; not saved): the cause groups
    # are those these fits and the final model agree on (workbench.steps.cause_consensus).
    fold_boosters: list[lgb.Booster] = field(default_factory=list, repr=False)

    @property
    def has_signal(self) -> bool:
        return self.verdict != "no_signal"

    def reword(self) -> None:
        """Say the verdict and validation sentences again in the current language."""
        self.verdict_message = verdict_message(
            self.task,
            self.target,
            self.verdict,
            self.metrics,
            self.baseline,
            self.positive_class,
            self.classes,
            self.giveaway,
        )
        if self.plan is not None:
            self.validation_message = words.validation_text(
                self.plan.kind,
                self.plan.n_folds,
                self.plan.test_share,
                self.rows,
                self.trained_rows,
            )

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predictions for rows of a table with the same columns (value / probabilities)."""
        return np.asarray(self.booster.predict(self.features.transform(frame)))

    def summary(self) -> dict[str, Any]:
        """JSON-safe summary; keys task, validation, metric, score, baseline_score first."""
        return {
            "task": str(self.task),
            "validation": self.validation,
            "metric": self.metric,
            "score": _num(self.score),
            "baseline_score": _num(self.baseline_score),
            "verdict": self.verdict,
            "verdict_message": self.verdict_message,
            "giveaway": list(self.giveaway),
            "validation_message": self.validation_message,
            "metrics": _jsonable(self.metrics),
            "baseline": _jsonable(self.baseline),
            "rule_column": self.rule_column,
            "n_trees": self.n_trees,
            "n_folds": self.n_folds,
            "rows": self.rows,
            "trained_rows": self.trained_rows,
            "rows_without_target": self.rows_without_target,
            "features": self.features.columns,
            "categorical": list(self.features.categorical),
            "classes": self.classes,
            "positive_class": self.positive_class,
            "threshold": _num(self.threshold),
            "class_index": self.class_index,
            "time_column": self.time_column,
            "excluded": [e.to_dict() for e in self.excluded],
            "forced": [e.to_dict() for e in self.forced],
            "params": _jsonable(self.params),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "cpu_timings": {k: round(v, 3) for k, v in self.cpu_timings.items()},
        }


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool | str) or obj is None:
        return obj
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(obj)
    return str(obj)
