from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench.errors import AnalysisError
from workbench.jobs import Cancelled, JobContext
from workbench.steps.fit_result import FitResult
from workbench.steps.goal import Direction, Goal, Task
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.steps.roles import assign_roles
from workbench.steps.validation import plan_validation
from workbench.tables.table import ColumnKind as K
from workbench.vocabulary import ColumnRole as R

QUICK = ModelSettings(effort="quick", max_trees=60, early_stopping_rounds=10)


def _line(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, dict[str, K]]:
    """A small production line: two real drivers, noise, an ID, a time and a leaky column."""
    r = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "run_id": [f"R{i:05d}" for i in range(n)],
            "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(r.permutation(n), "h"),
            "firing_temp [°C]": r.normal(800, 10, n),
            "supplier": pd.Categorical(r.choice(["S1", "S2", "S3"], n)),
            "noise": r.normal(size=n),
        }
    )
    frame.loc[r.random(n) < 0.05, "firing_temp [°C]"] = np.nan
    temp = frame["firing_temp [°C]"].fillna(800)
    frame["efficiency"] = (
        19.0 + 0.05 * (temp - 800) + 1.0 * (frame["supplier"] == "S2") + r.normal(0, 0.3, n)
    )
    frame["final_test"] = frame["efficiency"] + r.normal(0, 0.01, n)
    frame["defect"] = np.where(
        (temp < 792) & (frame["supplier"] != "S2") | (r.random(n) < 0.02), "NG", "OK"
    )
    frame["grade"] = pd.cut(frame["efficiency"], [-np.inf, 18.6, 19.4, np.inf], labels=list("CBA"))
    frame["grade"] = frame["grade"].astype(str)
    kinds = {
        "run_id": K.ID,
        "timestamp": K.DATETIME,
        "firing_temp [°C]": K.NUMERIC,
        "supplier": K.CATEGORICAL,
        "noise": K.NUMERIC,
        "efficiency": K.NUMERIC,
        "final_test": K.NUMERIC,
        "defect": K.CATEGORICAL,
        "grade": K.CATEGORICAL,
    }
    return frame, kinds


def _fit(frame, kinds, target, *, drop=(), settings=QUICK, ctx=None, **goal) -> FitResult:
    others = [c for c in ("efficiency", "final_test", "defect", "grade") if c != target]
    explicit = {c: R.EXCLUDED for c in [*others, *drop]}
    roles = assign_roles(frame, kinds, target, explicit=explicit)
    return fit_model(frame, kinds, Goal(target, **goal), roles, settings, ctx)


def _assert_summary(fit: FitResult) -> dict:
    summary = fit.summary()
    assert list(summary)[:5] == ["task", "validation", "metric", "score", "baseline_score"]
    return json.loads(json.dumps(summary))


def test_regression_beats_both_baselines_and_says_so():
    frame, kinds = _line()
    fit = _fit(frame, kinds, "efficiency", drop=["timestamp"])
    assert fit.task == Task.REGRESSION
    assert fit.validation == "k-fold" and fit.n_folds == 5
    assert fit.metric == "r2" and fit.score > 0.8
    assert set(fit.metrics) >= {"r2", "mae", "rmse"}
    assert fit.baseline["constant"]["r2"] < 0.01
    assert fit.baseline["one_feature"]["column"] == "firing_temp [°C]"
    assert fit.baseline_score == pytest.approx(fit.baseline["one_feature"]["r2"])
    assert fit.score > fit.baseline_score + 0.05
    assert fit.verdict == "useful"
    assert fit.verdict_message.startswith("The model explains")
    assert "a simple average explains none" in fit.verdict_message
    assert "best single-column rule (firing_temp [°C])" in fit.verdict_message
    # every row was predicted by a model that did not see it
    assert fit.oof_pred.index.equals(frame.index)
    assert fit.booster.num_trees() == fit.n_trees
    assert fit.features.columns == ["firing_temp [°C]", "supplier", "noise"]
    reasons = {e.column: e.reason for e in fit.excluded}
    assert reasons["run_id"] == "id" and reasons["timestamp"] == "excluded"
    s = _assert_summary(fit)
    assert s["task"] == "regression" and s["metric"] == "r2"
    assert {"column": "run_id", "reason": "id"} in [
        {k: e[k] for k in ("column", "reason")} for e in s["excluded"]
    ]
    pred = fit.predict(frame.head(5))
    assert pred.shape == (5,)


def test_binary_reports_ranking_and_threshold_metrics_not_accuracy():
    frame, kinds = _line(seed=1)
    fit = _fit(frame, kinds, "defect", drop=["timestamp"])
    assert fit.task == Task.BINARY and fit.positive_class == "NG"
    assert fit.classes == ["OK", "NG"]
    assert fit.metric == "roc_auc" and fit.score > 0.8
    m = fit.metrics
    assert {"roc_auc", "pr_auc", "recall", "miss_rate", "precision", "threshold"} <= set(m)
    assert "accuracy" not in m
    assert m["recall"] + m["miss_rate"] == pytest.approx(1.0)
    assert fit.threshold == m["threshold"] and m["threshold_rule"] == "max_f1"
    assert fit.baseline["constant"]["roc_auc"] == pytest.approx(0.5)
    assert "catches" in fit.verdict_message and "NG" in fit.verdict_message
    assert fit.oof_pred.between(0, 1).all()
    # a lower threshold trades false alarms for fewer misses
    low = _fit(
        frame,
        kinds,
        "defect",
        drop=["timestamp"],
        settings=ModelSettings(effort="quick", max_trees=60, threshold=0.05),
    )
    assert low.threshold == 0.05 and low.metrics["threshold_rule"] == "set"
    assert low.metrics["recall"] >= m["recall"]
    _assert_summary(fit)


def test_multiclass_explains_the_focus_class():
    frame, kinds = _line(seed=2)
    fit = _fit(frame, kinds, "grade", drop=["timestamp"], focus="class:A")
    assert fit.task == Task.MULTICLASS
    assert fit.classes == ["A", "B", "C"] and fit.class_index == 0
    assert fit.metric == "macro_roc_auc" and fit.score > 0.8
    assert set(fit.metrics["per_class_recall"]) == {"A", "B", "C"}
    assert fit.metrics["balanced_accuracy"] > 0.5
    assert fit.oof_proba is not None and fit.oof_proba.shape == (len(frame), 3)
    assert np.allclose(fit.oof_proba.sum(axis=1), 1.0)
    assert fit.oof_pred.equals(fit.oof_proba["A"].rename("prediction"))
    assert fit.booster.predict(fit.features.X.head(3)).shape == (3, 3)
    # without a class focus the rarest class is explained
    rare = _fit(frame, kinds, "grade", drop=["timestamp"])
    counts = frame["grade"].value_counts()
    assert rare.classes[rare.class_index] == counts.idxmin()
    _assert_summary(fit)


def test_time_ordered_validation_trains_on_the_past():
    frame, kinds = _line(n=1200, seed=3)
    fit = _fit(frame, kinds, "efficiency")
    assert fit.time_column == "timestamp"
    assert fit.validation == "time-ordered" and fit.n_folds == 5
    times = frame.loc[fit.features.y.index, "timestamp"].to_numpy()
    for train, test in fit.plan.folds:
        assert times[train].max() < times[test].min()
    # the first half only ever trains; the later half is predicted once
    tested_times = frame.loc[fit.oof_pred.index, "timestamp"]
    assert len(fit.oof_pred) == 600
    assert tested_times.min() >= np.sort(frame["timestamp"].to_numpy())[600]
    assert "trained on the past" in fit.validation_message
    assert {e.column: e.reason for e in fit.excluded}["timestamp"] == "time"
    # large tables: one time split, latest 20% tested
    one = _fit(frame, kinds, "efficiency", settings=ModelSettings(effort="quick", large_rows=1000))
    assert one.validation == "time-ordered" and one.n_folds == 1
    train, test = one.plan.folds[0]
    assert len(test) == 240 and times[train].max() < times[test].min()


def test_large_tables_use_one_holdout_split_and_keep_the_checked_model():
    frame, kinds = _line(n=1000, seed=4)
    settings = ModelSettings(effort="quick", large_rows=500, max_trees=50)
    fit = _fit(frame, kinds, "efficiency", drop=["timestamp"], settings=settings)
    assert fit.validation == "holdout" and fit.n_folds == 1
    assert len(fit.oof_pred) == 200
    assert "held-out 20%" in fit.validation_message
    # no refit: the final model is the one scored, cut at its best tree
    assert fit.trained_rows == 800 and fit.rows == 1000
    assert "model kept is the one checked" in fit.validation_message
    assert fit.booster.current_iteration() == fit.n_trees == fit.params["best_iterations"][0]
    held_out = frame.loc[fit.oof_pred.index]
    np.testing.assert_allclose(fit.predict(held_out), fit.oof_pred.to_numpy(), rtol=1e-9)


def test_a_rare_class_keeps_k_folds_on_a_large_table():
    frame, kinds = _line(n=1000, seed=4)
    settings = ModelSettings(effort="quick", large_rows=500, max_trees=50)
    fit = _fit(frame, kinds, "defect", drop=["timestamp"], settings=settings)
    # 20% of the rarer class is far below MIN_HOLDOUT_CLASS_ROWS: every row is scored once
    assert fit.validation == "k-fold" and fit.n_folds == 5
    assert fit.trained_rows == fit.rows == 1000


def test_holdout_is_stratified():
    y = pd.Series(np.random.default_rng(0).random(60_000) < 0.1).astype(float)
    plan = plan_validation(y, Task.BINARY)
    assert plan.kind == "holdout" and plan.n_folds == 1
    test = plan.folds[0][1]
    assert len(test) == 12_000 and y.iloc[test].sum() == round(0.2 * y.sum())


def test_pure_noise_target_has_no_signal_and_says_fail_fast():
    frame, kinds = _line(seed=5)
    r = np.random.default_rng(99)
    frame["noise_target"] = r.normal(size=len(frame))
    kinds["noise_target"] = K.NUMERIC
    drop = ["timestamp", "efficiency", "final_test", "defect", "grade"]
    roles = assign_roles(frame, kinds, "noise_target", explicit=dict.fromkeys(drop, R.EXCLUDED))
    fit = fit_model(frame, kinds, Goal("noise_target"), roles, QUICK)
    assert fit.verdict == "no_signal" and not fit.has_signal
    assert fit.score < 0.05
    assert fit.verdict_message.startswith("No usable signal in these columns — ")
    assert "fail fast" in fit.verdict_message.lower()
    # classes too: random labels
    frame["coin"] = np.where(r.random(len(frame)) < 0.3, "NG", "OK")
    kinds["coin"] = K.CATEGORICAL
    roles = assign_roles(frame, kinds, "coin", explicit=dict.fromkeys(drop, R.EXCLUDED))
    fit = fit_model(frame, kinds, Goal("coin"), roles, QUICK)
    assert fit.verdict == "no_signal" and fit.score < 0.6


def test_one_column_rule_as_good_as_the_model_is_weak():
    r = np.random.default_rng(6)
    n = 1000
    frame = pd.DataFrame({"step": r.integers(0, 4, n).astype(float), "other": r.normal(size=n)})
    frame["y"] = frame["step"] * 2.0 + r.normal(0, 0.5, n)
    kinds = {"step": K.NUMERIC, "other": K.NUMERIC, "y": K.NUMERIC}
    fit = fit_model(frame, kinds, Goal("y"), None, QUICK)
    assert fit.rule_column == "step"
    assert fit.baseline["one_feature"]["r2"] > 0.9
    assert fit.verdict == "weak"
    assert "adds little beyond step alone" in fit.verdict_message


def test_cancel_mid_fit_stops_promptly():
    frame, kinds = _line(n=3000, seed=7)
    calls = []

    def report(fraction: float, message: str) -> None:
        calls.append(fraction)
        if len(calls) == 12:
            ctx.cancel()

    ctx = JobContext(report)
    settings = ModelSettings(max_trees=2000, early_stopping_rounds=2000, learning_rate=0.01)
    with pytest.raises(Cancelled):
        _fit(frame, kinds, "efficiency", drop=["timestamp"], settings=settings, ctx=ctx)
    # cancelled during the first fold: 2 set-up reports + 10 boosting rounds, then stop
    assert len(calls) == 12
    assert max(calls) < 0.06


def test_progress_is_reported_in_order():
    frame, kinds = _line(n=500, seed=8)
    seen: list[tuple[float, str]] = []
    ctx = JobContext(lambda f, m: seen.append((f, m)))
    _fit(frame, kinds, "efficiency", drop=["timestamp"], ctx=ctx)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any("fold 3 of 5" in m for _, m in seen)
    assert any("final model" in m for _, m in seen)


def test_flagged_columns_stay_out_unless_the_user_puts_them_in():
    frame, kinds = _line(n=600, seed=9)
    quality = SimpleNamespace(alerts=[SimpleNamespace(kind="leakage", column="final_test")])
    base = {c: R.EXCLUDED for c in ("defect", "grade")}
    roles = assign_roles(frame, kinds, "efficiency", quality=quality, explicit=base)
    fit = fit_model(frame, kinds, Goal("efficiency"), roles, QUICK)
    reasons = {e.column: e.reason for e in fit.excluded}
    assert reasons == {
        "run_id": "id",
        "timestamp": "time",
        "final_test": "leakage",
        "defect": "excluded",
        "grade": "excluded",
    }
    assert "final_test" not in fit.features.columns
    explicit = {**base, "final_test": R.FEATURE}
    roles = assign_roles(frame, kinds, "efficiency", quality=quality, explicit=explicit)
    fit = fit_model(frame, kinds, Goal("efficiency"), roles, QUICK)
    assert "final_test" in fit.features.columns
    assert [e.column for e in fit.forced] == ["final_test"]
    assert fit.score > 0.95
    # a plain {column: role} mapping works too: defaults fill the rest
    fit = fit_model(frame, kinds, Goal("efficiency"), base, QUICK)
    assert {e.column: e.reason for e in fit.excluded}["run_id"] == "id"


def test_rows_without_target_are_dropped_and_counted():
    frame, kinds = _line(n=400, seed=10)
    frame.loc[frame.index[:50], "efficiency"] = np.nan
    fit = _fit(frame, kinds, "efficiency", drop=["timestamp"])
    assert fit.rows == 350 and fit.rows_without_target == 50
    assert not fit.oof_pred.index.isin(frame.index[:50]).any()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda f: f.assign(efficiency=20.0), "same value"),
        (lambda f: f.assign(efficiency=np.where(np.arange(len(f)) < 20, 1.0, np.nan)), "empty in"),
        (lambda f: f.head(25), "Only 25 rows"),
        (lambda f: f.assign(efficiency=[f"x{i}" for i in range(len(f))]), "cannot be a target"),
    ],
)
def test_refusals_are_plain(change, match):
    frame, kinds = _line(n=300, seed=11)
    frame = change(frame)
    if match == "cannot be a target":
        kinds = {**kinds, "efficiency": K.TEXT}
    with pytest.raises(AnalysisError, match=match) as info:
        _fit(frame, kinds, "efficiency", drop=["timestamp"])
    assert info.value.hint


def test_refuses_a_class_too_rare_to_learn_and_no_features():
    frame, kinds = _line(n=300, seed=12)
    frame["defect"] = ["NG"] * 5 + ["OK"] * 295
    with pytest.raises(AnalysisError, match="only 5 rows") as info:
        _fit(frame, kinds, "defect", drop=["timestamp"])
    assert "merge" in info.value.hint
    everything = ["timestamp", "firing_temp [°C]", "supplier", "noise"]
    with pytest.raises(AnalysisError, match="No column is left") as info:
        _fit(frame, kinds, "efficiency", drop=everything)
    assert "kept out" in info.value.hint


def test_task_can_be_forced():
    frame, kinds = _line(n=600, seed=13)
    frame["stars"] = pd.cut(frame["efficiency"], 3, labels=False).astype(float)
    kinds["stars"] = K.NUMERIC
    roles = assign_roles(
        frame,
        kinds,
        "stars",
        explicit={c: R.EXCLUDED for c in ("efficiency", "final_test", "defect", "grade")},
    )
    assert fit_model(frame, kinds, Goal("stars"), roles, QUICK).task == Task.REGRESSION
    fit = fit_model(frame, kinds, Goal("stars", Direction.CLASS), roles, QUICK)
    assert fit.task == Task.MULTICLASS and fit.classes == ["0", "1", "2"]


def test_final_model_reads_the_feature_frame_like_it_was_trained_on_it():
    import lightgbm as lgb

    from workbench.steps.boosting import as_matrix

    frame, kinds = _line(n=800, seed=14)
    fit = _fit(frame, kinds, "defect", drop=["timestamp"])
    X = fit.features.X
    from_frame = fit.booster.predict(X)
    assert np.allclose(from_frame, fit.booster.predict(as_matrix(X)))
    contrib = fit.booster.predict(X, pred_contrib=True)
    assert contrib.shape == (len(X), X.shape[1] + 1)
    raw = fit.booster.predict(X, raw_score=True)
    assert np.allclose(contrib.sum(axis=1), raw)
    # saved and loaded (project files) it still maps categories the same way
    again = lgb.Booster(model_str=fit.booster.model_to_string())
    assert again.pandas_categorical == [["S1", "S2", "S3"]]
    assert np.allclose(again.predict(X), from_frame)
    # new rows, in the user's names, with an unseen supplier (treated as missing)
    new = frame.head(3).copy()
    new["supplier"] = ["S2", "S9", None]
    assert fit.predict(new).shape == (3,)


def test_validation_plans():
    from workbench.steps.validation import plan_validation

    y = pd.Series(np.r_[np.zeros(90), np.ones(10)])
    plan = plan_validation(y, Task.BINARY)
    assert plan.kind == "k-fold" and plan.n_folds == 5
    assert sorted(np.concatenate([te for _, te in plan.folds]).tolist()) == list(range(100))
    for train, test in plan.folds:
        assert not set(train) & set(test)
        assert y.iloc[test].sum() == 2  # stratified: the rare class in every fold
    time = pd.Series(pd.date_range("2025-01-01", periods=100, freq="D")[::-1])
    plan = plan_validation(y, Task.BINARY, time=time, n_folds=4)
    assert plan.kind == "time-ordered" and plan.n_folds == 4
    for train, test in plan.folds:
        assert time.iloc[train].max() < time.iloc[test].min()
    # missing times only ever train
    time[5] = pd.NaT
    plan = plan_validation(y, Task.BINARY, time=time, n_folds=1, large_rows=10)
    train, test = plan.folds[0]
    assert 5 in train and len(test) == 20


def test_metrics_at_a_threshold_and_for_missing_classes():
    from workbench.steps.metrics import best_f1_threshold, binary_metrics, multiclass_metrics

    y = np.array([0, 0, 0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.9])
    assert best_f1_threshold(y, p) == pytest.approx(0.7)
    m = binary_metrics(y, p, threshold=0.5)
    assert m["recall"] == 1.0 and m["precision"] == pytest.approx(2 / 3)
    assert m["false_alarm_rate"] == pytest.approx(0.25) and m["roc_auc"] == 1.0
    # a validation block where one class never occurs: scores over the classes present
    proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    mm = multiclass_metrics(np.array([0, 1, 0]), proba, ["a", "b", "c"])
    assert mm["per_class_recall"] == {"a": 1.0, "b": 1.0, "c": None}
    assert mm["macro_roc_auc"] == 1.0 and mm["balanced_accuracy"] == 1.0


def test_baselines_on_a_stated_subset_of_large_tables():
    from workbench.steps.baseline import compute_baselines
    from workbench.steps.features import build_features
    from workbench.steps.validation import plan_validation

    r = np.random.default_rng(15)
    n = 5000
    frame = pd.DataFrame({"a": r.normal(size=n), "b": pd.Categorical(r.choice(list("xyz"), n))})
    y = pd.Series(frame["a"] * 2 + (frame["b"] == "x") + r.normal(0, 0.1, n))
    fs, _ = build_features(frame, {"a": K.NUMERIC, "b": K.CATEGORICAL}, ["a", "b"], y)
    plan = plan_validation(y, Task.REGRESSION, kind="holdout")
    full = compute_baselines(fs, Task.REGRESSION, plan.folds)
    part = compute_baselines(fs, Task.REGRESSION, plan.folds, max_rows=2000)
    assert full.rule_column == part.rule_column == "a"
    assert full.one_feature["rows"] == 1000 and part.one_feature["rows"] < 1000
    assert part.one_feature["r2"] == pytest.approx(full.one_feature["r2"], abs=0.05)
    assert set(full.rule_scores) == {"a", "b"}


def test_verdict_wording():
    from workbench.steps import model_wording as w

    assert w.regression_verdict("efficiency", 0.62, -0.001, 0.18, "paste_thickness") == (
        "The model explains 62% of the variation in efficiency (R² 0.62); a simple average "
        "explains none, and the best single-column rule (paste_thickness) explains 18%."
    )
    assert w.no_signal().startswith("No usable signal in these columns — ")
    text = w.binary_verdict("defect", "NG", 0.85, 0.66, "humidity", 0.7, 0.4, 0.3, 120)
    assert "catches 70% of the 120 “NG” rows it was checked on (misses 30%)" in text
    assert "40% of its alarms are real" in text
    assert w.metric_label("r2") == "R²"


def test_settings_are_plain_data_and_fits_are_repeatable():
    settings = ModelSettings(effort="thorough", max_trees=40, seed=3)
    assert ModelSettings.from_dict(settings.to_dict()) == settings
    assert settings.resolved()["num_leaves"] == 63 and settings.resolved()["max_trees"] == 40
    frame, kinds = _line(n=500, seed=16)
    a = _fit(frame, kinds, "efficiency", drop=["timestamp"], settings=settings)
    b = _fit(frame, kinds, "efficiency", drop=["timestamp"], settings=settings)
    assert a.score == b.score and a.n_trees == b.n_trees
    assert np.array_equal(a.oof_pred.to_numpy(), b.oof_pred.to_numpy())
    assert a.params["num_leaves"] == 63 and a.params["seed"] == 3
