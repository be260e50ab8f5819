"""How hard a fit tries and how it is validated: :class:`ModelSettings` and the effort presets.

Read by :mod:`workbench.steps.modeling` (the fit), :mod:`workbench.steps.boosting` (the LightGBM
parameters), the project file and the Model pane; it imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["EFFORT_PRESETS", "Effort", "ModelSettings"]

Effort = Literal["quick", "standard", "thorough"]

#: Model capacity by effort: chosen with the SHAP cost (trees x leaves x depth²) in view.
EFFORT_PRESETS: dict[str, dict[str, Any]] = {
    "quick": {"num_leaves": 15, "max_depth": 6, "learning_rate": 0.15, "max_trees": 150},
    "standard": {"num_leaves": 31, "max_depth": 8, "learning_rate": 0.1, "max_trees": 300},
    "thorough": {"num_leaves": 63, "max_depth": 10, "learning_rate": 0.05, "max_trees": 1000},
}


@dataclass
class ModelSettings:
    """How hard to try and how to validate. ``None`` fields come from ``effort``."""

    effort: Effort = "standard"
    validation: str = "auto"  # "auto" | "k-fold" | "time-ordered" | "holdout"
    n_folds: int = 5
    num_leaves: int | None = None
    max_depth: int | None = None
    learning_rate: float | None = None
    max_trees: int | None = None
    early_stopping_rounds: int | None = None
    min_data_in_leaf: int | None = None
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8  # used above ``bagging_rows`` rows
    bagging_rows: int = 50_000
    # LightGBM's default: on the 100k bench table R² 0.749 against 0.733 with 63 bins (sharp
    # thresholds such as a paste thinner than 17 µm need fine bins), at the same fit time.
    max_bin: int = 255
    large_rows: int = 50_000  # above this: one split instead of k folds (validation.py)
    holdout_share: float = 0.2
    threshold: float | None = None  # binary: None = maximise F1 on the validation predictions
    derive_time_parts: bool = False  # datetimes -> hour / day of week instead of dropping them
    seed: int = 0
    num_threads: int = 0  # 0 = every core

    def resolved(self) -> dict[str, Any]:
        preset = EFFORT_PRESETS[self.effort]
        out = {}
        for key in ("num_leaves", "max_depth", "learning_rate", "max_trees"):
            value = getattr(self, key)
            out[key] = preset[key] if value is None else value
        if self.early_stopping_rounds is None:
            out["early_stopping_rounds"] = {"quick": 20, "standard": 30, "thorough": 50}[
                self.effort
            ]
        else:
            out["early_stopping_rounds"] = self.early_stopping_rounds
        return out

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelSettings:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
