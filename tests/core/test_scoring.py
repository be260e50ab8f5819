"""Scoring with a saved model and the model-drift rule, on small real LightGBM fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.steps.goal import Direction, Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.steps.scoring import MIN_LABELLED, fold_scores, measure_model_drift, score_rows
from workbench.tables.table import ColumnKind


def _table(n: int, seed: int, flip: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    lot = rng.choice(["A", "B", "C"], n)
    y = (-1 if flip else 1) * 2 * x + (lot == "B") + rng.normal(0, 0.3, n)
    return pd.DataFrame({"x": x, "lot": pd.Categorical(lot), "y": y})


KINDS = {"x": ColumnKind.NUMERIC, "lot": ColumnKind.CATEGORICAL, "y": ColumnKind.NUMERIC}


def test_holdout_uses_the_bootstrap_spread_and_flags_a_changed_relationship() -> None:
    train = _table(600, 0)
    settings = ModelSettings(effort="quick", validation="holdout")
    fit = fit_model(train, KINDS, Goal("y", Direction.MAXIMIZE, "top:5%"), settings=settings)
    assert fit.n_folds == 1 and len(fold_scores(fit)) == 1
    same = measure_model_drift(fit, _table(400, 1))
    assert same is not None and same.rule == "bootstrap_2.5%"
    low = same.validation_range[0]
    assert low is not None and low < fit.score
    assert same.refit_recommended is False and same.new_score >= low
    flipped = measure_model_drift(fit, _table(400, 2, flip=True))
    assert flipped is not None and flipped.refit_recommended is True
    few = measure_model_drift(fit, _table(MIN_LABELLED - 1, 3, flip=True))
    assert few is not None and few.refit_recommended is None
    assert "Too few labelled rows" in few.message


def test_kfold_spread_is_the_folds_recomputed_scores() -> None:
    train = _table(500, 4)
    fit = fit_model(train, KINDS, Goal("y", Direction.MAXIMIZE, "top:5%"),
                    settings=ModelSettings(effort="quick"))  # fmt: skip
    folds = fold_scores(fit)
    assert len(folds) == fit.n_folds == 5
    assert min(folds) <= fit.score <= max(folds) + 0.05  # pooled score sits among the folds
    drift = measure_model_drift(fit, _table(300, 5))
    assert drift is not None and drift.validation_range == (min(folds), max(folds))


def test_multiclass_rows_get_every_class_probability_and_the_likeliest_class() -> None:
    rng = np.random.default_rng(6)
    n = 900
    x = rng.normal(0, 1, n)
    grade = np.where(x < -0.5, "low", np.where(x > 0.5, "high", "mid"))
    frame = pd.DataFrame({"x": x, "noise": rng.normal(0, 1, n), "grade": grade})
    kinds = {"x": ColumnKind.NUMERIC, "noise": ColumnKind.NUMERIC, "grade": ColumnKind.CATEGORICAL}
    fit = fit_model(frame, kinds, Goal("grade", Direction.CLASS, "class:low"),
                    settings=ModelSettings(effort="quick"))  # fmt: skip
    new = frame.iloc[:200].drop(columns=["grade"])
    scores = score_rows(fit, new).frame
    probs = scores[[f"probability grade = {c}" for c in fit.classes]].to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.allclose(probs, fit.predict(new), atol=1e-12)
    expected = np.asarray(fit.classes)[probs.argmax(axis=1)]
    assert (scores["predicted grade"].to_numpy() == expected).all()
    assert measure_model_drift(fit, new) is None  # no target column: nothing to check


@pytest.mark.parametrize("missing", ["x", "lot"])
def test_a_missing_model_column_scores_as_missing(missing: str) -> None:
    train = _table(400, 7)
    fit = fit_model(train, KINDS, Goal("y", Direction.MAXIMIZE, "top:5%"),
                    settings=ModelSettings(effort="quick"))  # fmt: skip
    new = _table(50, 8).drop(columns=[missing, "y"])
    got = score_rows(fit, new).frame["predicted y"].to_numpy()
    full = new.assign(**{missing: np.nan})
    full["lot"] = full["lot"].astype(object)
    assert np.allclose(got, fit.predict(full), atol=1e-12)
