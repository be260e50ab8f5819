"""SHAP explanation: exact TreeSHAP values via LightGBM, chunked, cancellable, user's names."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import shap

from workbench.jobs import Cancelled, JobContext
from workbench.steps import shap_native
from workbench.steps.explain import (
    Explanation,
    ShapValues,
    compute_shap,
    explain_all,
    explain_model,
    mean_abs_importance,
    model_shape,
)

TOL = 1e-6
PARAMS = {"verbose": -1, "num_threads": 1, "seed": 1, "deterministic": True}

DISPLAY = {"f0": "온도 [°C]", "f1": "belt_speed, mm/s", "f2": 'supplier "lot"', "f3": "습도:%"}


def make_frame(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "f0": rng.normal(800, 20, n),
            "f1": rng.uniform(50, 150, n),
            "f2": pd.Categorical(rng.choice(["S1", "S2", "S3", "공급"], size=n)),
            "f3": rng.uniform(20, 80, n),
        }
    )
    X.loc[rng.random(n) < 0.1, "f0"] = np.nan
    X.loc[rng.random(n) < 0.1, "f2"] = np.nan
    X.loc[rng.random(n) < 0.05, "f3"] = np.nan
    # Row labels that are not 0..n-1, as after dropping rows from a source table.
    X.index = pd.Index(np.arange(n) * 3 + 7)
    return X


def signal(data: pd.DataFrame) -> np.ndarray:
    return (
        0.05 * (data["f0"].fillna(800) - 800)
        - 0.02 * (data["f1"] - 100)
        + 1.5 * (data["f2"] == "S2")
        + (data["f3"].fillna(50) < 40)
    ).to_numpy()


def fit(data: pd.DataFrame, y, objective: str, rounds: int = 40, **extra) -> lgb.Booster:
    params = {**PARAMS, "objective": objective, "num_leaves": 15, "min_data_per_group": 5}
    params.update(extra)
    return lgb.train(params, lgb.Dataset(data, y), rounds)


def reference(booster: lgb.Booster, data: pd.DataFrame) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(shap.TreeExplainer(booster).shap_values(data))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture(scope="module")
def regression(frame):
    rng = np.random.default_rng(1)
    return fit(frame, signal(frame) + rng.normal(0, 0.3, len(frame)), "regression")


@pytest.fixture(scope="module")
def binary(frame):
    rng = np.random.default_rng(2)
    return fit(frame, (signal(frame) + rng.normal(0, 0.5, len(frame)) > 0.8).astype(int), "binary")


@pytest.fixture(scope="module")
def multiclass(frame):
    rng = np.random.default_rng(3)
    s = signal(frame) + rng.normal(0, 0.5, len(frame))
    y = np.digitize(s, np.quantile(s, [0.33, 0.66]))
    return fit(frame, y, "multiclass", rounds=20, num_class=3)


# --- compute_shap matches shap.TreeExplainer and adds up to the raw prediction -----------------


def test_regression_matches_shap_treeexplainer_and_sums_to_prediction(frame, regression):
    result = compute_shap(regression, frame, display=DISPLAY)
    assert isinstance(result, ShapValues)
    assert result.values.dtype == np.float64
    assert result.values.shape == (len(frame), 4)
    assert np.abs(result.values - reference(regression, frame)).max() < TOL
    raw = regression.predict(frame, raw_score=True)
    assert np.abs(result.raw_prediction() - raw).max() < TOL
    assert result.rows.equals(frame.index)
    assert result.columns == [DISPLAY[c] for c in frame.columns]
    assert np.isfinite(result.base_value)


def test_binary_with_categoricals_and_missing_values(frame, binary):
    assert frame["f2"].isna().any() and frame["f0"].isna().any()
    result = compute_shap(binary, frame, class_index=1)  # class_index is ignored: one output
    assert np.abs(result.values - reference(binary, frame)).max() < TOL
    assert np.abs(result.raw_prediction() - binary.predict(frame, raw_score=True)).max() < TOL
    # The categorical feature matters, and its SHAP values are not all the same.
    assert np.abs(result.column("f2")).mean() > 0.1
    assert result.columns == list(frame.columns)  # no display mapping: X's names kept


@pytest.mark.parametrize("class_index", [0, 1, 2])
def test_multiclass_picks_the_requested_class(frame, multiclass, class_index):
    ref = reference(multiclass, frame)  # (n, p, k)
    result = compute_shap(multiclass, frame, class_index=class_index, chunk_rows=400)
    assert np.abs(result.values - ref[:, :, class_index]).max() < TOL
    raw = multiclass.predict(frame, raw_score=True)[:, class_index]
    assert np.abs(result.raw_prediction() - raw).max() < TOL


def test_multiclass_without_class_index_is_refused(frame, multiclass):
    with pytest.raises(ValueError, match="class_index"):
        compute_shap(multiclass, frame)
    with pytest.raises(ValueError, match="out of range"):
        compute_shap(multiclass, frame, class_index=3)


def test_rows_are_labels_kept_in_the_order_given(frame, regression):
    rows = pd.Index([frame.index[10], frame.index[3], frame.index[-1]])
    result = compute_shap(regression, frame, rows)
    full = compute_shap(regression, frame)
    assert result.rows.equals(rows)
    assert np.abs(result.values - full.frame().loc[rows].to_numpy()).max() < TOL
    with pytest.raises(KeyError):
        compute_shap(regression, frame, pd.Index([-5]))


def test_no_rows_gives_an_empty_result_with_the_base_value(frame, regression):
    result = compute_shap(regression, frame, frame.index[:0], display=DISPLAY)
    assert result.values.shape == (0, 4)
    assert result.base_value == pytest.approx(compute_shap(regression, frame.iloc[:5]).base_value)
    assert mean_abs_importance(result).eq(0).all()


def test_wrong_number_of_columns_is_refused(frame, regression):
    with pytest.raises(ValueError, match="columns"):
        compute_shap(regression, frame.drop(columns="f3"))


def test_values_do_not_depend_on_chunking_or_threads(frame, binary):
    a = compute_shap(binary, frame, chunk_rows=97, num_threads=1)
    b = compute_shap(binary, frame, num_threads=2)
    assert np.array_equal(a.values, b.values)


# --- the compiled kernel: same values as LightGBM, checked, with a fallback -------------------


@pytest.mark.parametrize("model", ["regression", "binary", "multiclass"])
def test_fast_kernel_is_used_and_equals_lightgbm(frame, model, request):
    booster = request.getfixturevalue(model)
    kwargs = {"class_index": 1} if model == "multiclass" else {}
    fast = compute_shap(booster, frame, **kwargs)
    native = compute_shap(booster, frame, method="lightgbm", **kwargs)
    assert fast.method == "numba" and native.method == "lightgbm"
    assert np.abs(fast.values - native.values).max() < 1e-9
    assert fast.base_value == pytest.approx(native.base_value, abs=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        {"zero_as_missing": True},
        {"use_missing": False},
        {"max_depth": 3, "num_leaves": 8},
        {"num_leaves": 63, "min_data_in_leaf": 2, "max_cat_to_onehot": 8},
    ],
    ids=["zero-as-missing", "no-missing", "shallow", "deep-one-hot-categories"],
)
def test_fast_kernel_matches_shap_across_split_kinds(params):
    data = make_frame(800, seed=5)
    rng = np.random.default_rng(6)
    data.loc[rng.random(len(data)) < 0.2, "f1"] = 0.0  # zeros for the zero-as-missing rule
    booster = fit(data, signal(data) + rng.normal(0, 0.3, len(data)), "regression", **params)
    result = compute_shap(booster, data)
    assert result.method == "numba"
    assert np.abs(result.values - reference(booster, data)).max() < TOL


def test_unseen_levels_and_early_stopped_models(frame, binary):
    data = make_frame(600, seed=7)
    rng = np.random.default_rng(8)
    y = signal(data) + rng.normal(0, 0.3, len(data))
    train, valid = data.iloc[:400], data.iloc[400:]
    booster = lgb.train(
        {**PARAMS, "objective": "regression", "num_leaves": 15, "min_data_per_group": 5},
        lgb.Dataset(train, y[:400]),
        300,
        valid_sets=[lgb.Dataset(valid, y[400:])],
        callbacks=[lgb.early_stopping(5, verbose=False)],
    )
    assert 0 < booster.best_iteration < 300
    # A level the model never saw reads as missing, as in LightGBM's own predict.
    new = valid.copy()
    new["f2"] = pd.Categorical(
        np.where(rng.random(len(new)) < 0.3, "new", new["f2"].astype(object)),
    )
    result = compute_shap(booster, new)
    assert result.method == "numba"
    assert np.abs(result.values - reference(booster, new)).max() < TOL
    raw = booster.predict(new, raw_score=True)
    assert np.abs(result.raw_prediction() - raw).max() < TOL


def test_a_failed_check_falls_back_to_lightgbm(frame, regression, monkeypatch):
    original = shap_native.TreeShapModel.shap_values

    def wrong(self, data, *args, **kwargs):
        return original(self, data, *args, **kwargs) * 1.01

    monkeypatch.setattr(shap_native.TreeShapModel, "shap_values", wrong)
    result = compute_shap(regression, frame, chunk_rows=500)
    assert result.method == "lightgbm"
    assert np.abs(result.values - reference(regression, frame)).max() < TOL


def test_a_kernel_that_cannot_run_falls_back_to_lightgbm(frame, binary, monkeypatch):
    def broken(self, data, *args, **kwargs):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(shap_native.TreeShapModel, "shap_values", broken)
    result = compute_shap(binary, frame)
    assert result.method == "lightgbm"
    assert np.abs(result.values - reference(binary, frame)).max() < TOL


def test_unsupported_models_use_lightgbm(frame):
    rng = np.random.default_rng(9)
    numeric = frame.drop(columns="f2")
    y = signal(frame) + rng.normal(0, 0.3, len(frame))
    forest = fit(
        numeric, y, "regression", boosting="rf", bagging_fraction=0.7, bagging_freq=1, rounds=10
    )
    result = compute_shap(forest, numeric)
    assert result.method == "lightgbm"
    assert np.abs(result.values - reference(forest, numeric)).max() < TOL
    assert np.abs(result.raw_prediction() - forest.predict(numeric, raw_score=True)).max() < TOL


# --- progress and cancellation ---------------------------------------------------------------


def test_progress_is_reported_between_chunks(frame, regression, ctx):
    compute_shap(regression, frame, chunk_rows=200, ctx=ctx)
    fractions = [f for f, _ in ctx.reports]
    assert len(fractions) >= len(frame) // 200
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == pytest.approx(1.0)
    assert all("SHAP" in m for _, m in ctx.reports)


@pytest.mark.parametrize("method", ["auto", "lightgbm"])
def test_cancel_stops_between_chunks(frame, regression, monkeypatch, method):
    chunks = []
    original_predict = lgb.Booster.predict
    original_kernel = shap_native.TreeShapModel.shap_values

    def counting_predict(self, data, *args, **kwargs):
        if kwargs.get("pred_contrib") and method == "lightgbm":
            chunks.append(len(data))
        return original_predict(self, data, *args, **kwargs)

    def counting_kernel(self, data, *args, **kwargs):
        chunks.append(len(data))
        return original_kernel(self, data, *args, **kwargs)

    monkeypatch.setattr(lgb.Booster, "predict", counting_predict)
    monkeypatch.setattr(shap_native.TreeShapModel, "shap_values", counting_kernel)
    ctx = JobContext()
    seen = []

    def report(fraction, message):
        seen.append(fraction)
        if len(seen) == 3:  # start + two chunks done
            ctx.cancel()

    ctx._report = report
    with pytest.raises(Cancelled):
        compute_shap(regression, frame, chunk_rows=100, method=method, ctx=ctx)
    assert chunks == [100, 100]  # stopped after the second chunk, long before the 15th


def test_cancelled_before_start_does_no_work(frame, regression):
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        compute_shap(regression, frame, ctx=ctx)


# --- explain_model on a fitted model ---------------------------------------------------------


@dataclass
class FakeFeatures:
    X: pd.DataFrame
    y: pd.Series
    display: dict[str, str]
    safe: dict[str, str] = field(default_factory=dict)
    categorical: list[str] = field(default_factory=list)


def fake_fit(data: pd.DataFrame, booster: lgb.Booster, class_index=None):
    raw = booster.predict(data, raw_score=True)
    features = FakeFeatures(
        X=data,
        y=pd.Series(raw if raw.ndim == 1 else raw[:, 0], index=data.index),
        display=dict(DISPLAY),
        safe={v: k for k, v in DISPLAY.items()},
        categorical=[DISPLAY["f2"]],
    )
    return SimpleNamespace(booster=booster, features=features, class_index=class_index)


def test_explain_model_samples_and_explains_every_focus_row(frame, regression, ctx):
    fit_result = fake_fit(frame, regression)
    focus = fit_result.features.y.nlargest(75).index
    exp = explain_model(fit_result, focus, sample_size=500, seed=4, ctx=ctx)
    assert isinstance(exp, Explanation)
    assert exp.sampled and exp.sample_size == 500 and exp.total_rows == len(frame)
    assert exp.overall.n_rows == 500 and exp.overall.rows.isin(frame.index).all()
    assert not exp.overall.rows.has_duplicates
    assert exp.focus.rows.equals(focus)
    assert exp.focus_rows_missing == 0
    # Values equal a direct computation on the same rows.
    direct = compute_shap(regression, frame, exp.overall.rows)
    assert np.abs(exp.overall.values - direct.values).max() < TOL
    # Importance: mean |SHAP| in the user's names, sorted descending.
    assert list(exp.importance.index) == sorted(
        DISPLAY.values(), key=lambda c: -np.abs(exp.overall.column(c)).mean()
    )
    assert exp.importance.is_monotonic_decreasing
    assert exp.importance[DISPLAY["f2"]] == pytest.approx(
        np.abs(exp.overall.column(DISPLAY["f2"])).mean()
    )
    assert exp.focus_importance.is_monotonic_decreasing
    assert set(exp.focus_importance.index) == set(DISPLAY.values())
    assert ctx.reports[-1][0] == pytest.approx(1.0)
    # The sample is reproducible from the seed, and another seed draws other rows.
    again = explain_model(fit_result, focus, sample_size=500, seed=4)
    assert again.overall.rows.equals(exp.overall.rows)
    other = explain_model(fit_result, focus, sample_size=500, seed=5)
    assert not other.overall.rows.equals(exp.overall.rows)
    text = exp.describe()
    assert "500" in text and "1,500" in text and "75" in text


def test_explain_model_uses_every_row_when_fewer_than_the_sample(frame, binary):
    fit_result = fake_fit(frame, binary)
    exp = explain_model(fit_result, frame.index[:20], sample_size=5000)
    assert not exp.sampled
    assert exp.sample_size == len(frame)
    assert exp.overall.rows.equals(frame.index)
    assert "all 1,500 rows" in exp.describe()
    payload = json.loads(json.dumps(exp.to_dict()))
    assert payload["sample_size"] == len(frame) and payload["focus_rows"] == 20
    assert [d["column"] for d in payload["importance"]] == list(exp.importance.index)
    assert exp.drivers(2) == payload["importance"][:2]


def test_explain_model_multiclass_uses_the_fit_class_index(frame, multiclass):
    fit_result = fake_fit(frame, multiclass, class_index=2)
    exp = explain_model(fit_result, frame.index[:30], sample_size=300)
    ref = reference(multiclass, frame.loc[exp.focus.rows])[:, :, 2]
    assert np.abs(exp.focus.values - ref).max() < TOL
    assert exp.class_index == 2


def test_focus_rows_outside_the_model_are_left_out_and_counted(frame, regression):
    fit_result = fake_fit(frame, regression)
    focus = pd.Index([frame.index[0], -1, frame.index[5], -2])
    exp = explain_model(fit_result, focus, sample_size=100)
    assert list(exp.focus.rows) == [frame.index[0], frame.index[5]]
    assert exp.focus_rows_missing == 2


def test_dependence_gives_values_and_shap_with_level_labels(frame, regression):
    exp = explain_model(fake_fit(frame, regression), frame.index[:50], sample_size=400)
    values, shap_values = exp.dependence(DISPLAY["f0"])
    assert len(values) == len(shap_values) == 400
    assert values.index.equals(exp.overall.rows)
    assert np.allclose(
        values.to_numpy(), frame.loc[exp.overall.rows, "f0"].to_numpy(), equal_nan=True
    )
    assert np.array_equal(shap_values, exp.overall.column(DISPLAY["f0"]))

    levels, cat_shap = exp.dependence(DISPLAY["f2"], focus=True)
    assert exp.is_categorical(DISPLAY["f2"]) and not exp.is_categorical(DISPLAY["f0"])
    assert len(levels) == len(cat_shap) == 50
    present = levels.dropna()
    assert set(present) <= {"S1", "S2", "S3", "공급"}
    assert all(isinstance(v, str) for v in present)
    assert levels.isna().sum() == frame.loc[exp.focus.rows, "f2"].isna().sum()
    with pytest.raises(KeyError):
        exp.dependence("no such column")


def test_explain_all_covers_every_row(frame, regression, ctx):
    result = explain_all(fake_fit(frame, regression), ctx=ctx)
    assert result.rows.equals(frame.index)
    assert result.columns == list(DISPLAY.values())
    assert np.abs(result.values - reference(regression, frame)).max() < TOL


def test_model_shape_counts_trees_leaves_and_depth(regression, multiclass):
    shape = model_shape(regression)
    assert shape["trees"] == 40 and shape["outputs"] == 1
    assert 1 < shape["mean_leaves"] <= 15
    assert 1 <= shape["mean_depth"] <= shape["max_depth"] <= 14
    assert shape["cost_per_row"] > 0
    multi = model_shape(multiclass)
    assert multi["trees"] == 60 and multi["outputs"] == 3


def test_kernel_blocks_of_any_size_give_the_same_values(frame, binary):
    model = shap_native.TreeShapModel(binary)
    data = shap_native.to_lightgbm_matrix(binary, frame.iloc[:301])
    ref = reference(binary, frame.iloc[:301])
    for block in (1, 7, 64, 512):
        assert np.abs(model.shap_values(data, 2, block=block) - ref).max() < TOL
    assert model.shap_values(data[:0], 2).shape == (0, 4)
    with pytest.raises(ValueError, match="columns"):
        model.shap_values(data[:, :3], 1)


def test_warm_up_compiles_the_kernel():
    assert shap_native.warm_up() is True


# --- with the real model fit ------------------------------------------------------------------


def _plant(n: int = 1200, seed: int = 11):
    from workbench.tables.table import ColumnKind as K

    r = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "firing_temp [°C]": r.normal(800, 10, n),
            "공급사": pd.Categorical(r.choice(["S1", "S2", "S3"], n)),
            "humidity, %": r.uniform(20, 80, n),
        }
    )
    frame.loc[r.random(n) < 0.05, "firing_temp [°C]"] = np.nan
    frame.loc[r.random(n) < 0.05, "공급사"] = np.nan
    temp = frame["firing_temp [°C]"].fillna(800)
    frame["efficiency"] = (
        19.0
        + 0.05 * (temp - 800)
        + 1.0 * (frame["공급사"] == "S2")
        - 0.01 * frame["humidity, %"]
        + r.normal(0, 0.3, n)
    )
    frame["defect"] = np.where((temp < 795) & (frame["공급사"] != "S2"), "NG", "OK")
    frame["grade"] = pd.cut(frame["efficiency"], [-np.inf, 18.4, 19.2, np.inf], labels=list("CBA"))
    frame["grade"] = frame["grade"].astype(str)
    kinds = {
        "firing_temp [°C]": K.NUMERIC,
        "공급사": K.CATEGORICAL,
        "humidity, %": K.NUMERIC,
        "efficiency": K.NUMERIC,
        "defect": K.CATEGORICAL,
        "grade": K.CATEGORICAL,
    }
    return frame, kinds


@pytest.mark.parametrize(
    ("target", "focus"), [("efficiency", "top:10%"), ("defect", "class:NG"), ("grade", "class:A")]
)
def test_explain_model_on_a_real_fit(target, focus):
    from workbench.steps.goal import Direction, Goal, parse_focus, select_focus
    from workbench.steps.model_settings import ModelSettings
    from workbench.steps.modeling import fit_model
    from workbench.steps.roles import assign_roles
    from workbench.vocabulary import ColumnRole

    frame, kinds = _plant()
    others = {c: ColumnRole.EXCLUDED for c in ("efficiency", "defect", "grade") if c != target}
    roles = assign_roles(frame, kinds, target, explicit=others)
    direction = Direction.MAXIMIZE if target == "efficiency" else Direction.CLASS
    goal = Goal(target, direction=direction, focus=focus)
    settings = ModelSettings(effort="quick", max_trees=40, early_stopping_rounds=10)
    fit_result = fit_model(frame, kinds, goal, roles, settings)
    focus_rows = select_focus(frame[target], parse_focus(focus))
    exp = explain_model(fit_result, focus_rows, sample_size=700)

    assert exp.overall.method == "numba"
    assert set(exp.columns) == {"firing_temp [°C]", "공급사", "humidity, %"}
    assert exp.focus.n_rows + exp.focus_rows_missing == len(focus_rows)
    X = fit_result.features.X
    ref = reference(fit_result.booster, X.loc[exp.focus.rows])
    if ref.ndim == 3:
        ref = ref[:, :, fit_result.class_index]
    assert np.abs(exp.focus.values - ref).max() < TOL
    raw = fit_result.booster.predict(X.loc[exp.overall.rows], raw_score=True)
    if raw.ndim == 2:
        raw = raw[:, fit_result.class_index]
    assert np.abs(exp.overall.raw_prediction() - raw).max() < TOL
    levels, _ = exp.dependence("공급사")
    assert set(levels.dropna()) <= {"S1", "S2", "S3"}
    assert exp.importance.index[0] in {"firing_temp [°C]", "공급사"}
