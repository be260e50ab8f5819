from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import AnalysisError
from workbench.steps.features import (
    MAX_LEVELS,
    OTHER_LEVEL,
    build_features,
    choose_positive_class,
    encode_target,
)
from workbench.steps.goal import Task
from workbench.tables.table import ColumnKind as K

NASTY = [
    "온도[℃]",
    "a:b",
    "x,y",
    'say "hi"',
    "it's",
    "bad\ufffdname",
    "{json}",
    "line\nbreak",
    "  spaced  ",
]


def test_nasty_names_become_safe_and_map_back():
    r = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({name: r.normal(size=n) for name in NASTY})
    frame["공급사 (supplier)"] = r.choice(["S1", "S2", "에스3"], n)
    kinds = dict.fromkeys(frame.columns, K.NUMERIC)
    kinds["공급사 (supplier)"] = K.CATEGORICAL
    y = frame["온도[℃]"] * 2 + r.normal(size=n)
    fs, excluded = build_features(frame, kinds, list(frame.columns), y)
    assert excluded == []
    assert list(fs.X.columns) == [f"f{i}" for i in range(len(NASTY) + 1)]
    assert fs.columns == [*NASTY, "공급사 (supplier)"]
    assert all(fs.safe[fs.display[c]] == c for c in fs.X.columns)
    assert fs.categorical == ["공급사 (supplier)"]
    assert isinstance(fs.X[fs.safe["공급사 (supplier)"]].dtype, pd.CategoricalDtype)
    booster = lgb.train(
        {"objective": "regression", "verbose": -1, "num_threads": 1},
        lgb.Dataset(fs.X, label=fs.y),
        num_boost_round=5,
    )
    assert booster.feature_name() == list(fs.X.columns)
    assert fs.to_user(booster.feature_name()) == fs.columns


def test_kinds_decide_what_goes_in_and_why_the_rest_stays_out():
    r = np.random.default_rng(1)
    n = 200
    frame = pd.DataFrame(
        {
            "temp": r.normal(size=n),
            "flag": r.random(n) > 0.5,
            "when": pd.date_range("2025-03-01", periods=n, freq="37min"),
            "note": [f"operator wrote {i}" for i in range(n)],
            "lot": [f"L{i}" for i in range(n)],
            "serial_cat": pd.Categorical([f"S{i}" for i in range(n)]),
            "all_missing": np.full(n, np.nan),
            "one_value": np.full(n, 3.0),
            "one_level": ["A"] * n,
            "with_inf": np.where(r.random(n) < 0.1, np.inf, r.normal(size=n)),
        }
    )
    kinds = {
        "temp": K.NUMERIC,
        "flag": K.BOOLEAN,
        "when": K.DATETIME,
        "note": K.TEXT,
        "lot": K.ID,
        "serial_cat": K.CATEGORICAL,
        "all_missing": K.NUMERIC,
        "one_value": K.NUMERIC,
        "one_level": K.CATEGORICAL,
        "with_inf": K.NUMERIC,
    }
    y = pd.Series(r.normal(size=n))
    fs, excluded = build_features(frame, kinds, list(frame.columns), y)
    reasons = {e.column: e.reason for e in excluded}
    assert reasons == {
        "when": "datetime",
        "note": "text",
        "lot": "id_like",
        "serial_cat": "high_cardinality",
        "all_missing": "empty",
        "one_value": "constant",
        "one_level": "constant",
    }
    assert all(e.message for e in excluded)
    assert fs.columns == ["temp", "flag", "with_inf"]
    assert fs.X[fs.safe["flag"]].dtype == np.float64
    assert not np.isinf(fs.X[fs.safe["with_inf"]]).any()
    assert fs.X[fs.safe["with_inf"]].isna().sum() == np.isinf(frame["with_inf"]).sum()

    # derived time parts instead of dropping, named so the user can read them
    fs2, excluded2 = build_features(frame, kinds, ["when", "temp"], y, derive_time_parts=True)
    assert fs2.columns == ["when (hour)", "when (day of week)", "temp"]
    assert fs2.derived == {"when (hour)": "when", "when (day of week)": "when"}
    assert "when" not in {e.column for e in excluded2}
    # a column the user forced in is fed as a categorical instead of dropped
    fs3, _ = build_features(frame, kinds, ["lot"], y, forced={"lot"})
    assert fs3.categorical == ["lot"]


def test_missing_values_stay_missing_and_rows_follow_the_target():
    frame = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 4.0, 5.0], "c": ["x", None, "y", "x", "y"]},
        index=[10, 11, 12, 13, 14],
    )
    kinds = {"a": K.NUMERIC, "c": K.CATEGORICAL}
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=[10, 11, 13, 14])  # row 12 had no target
    fs, _ = build_features(frame, kinds, ["a", "c"], y)
    assert list(fs.X.index) == [10, 11, 13, 14]
    assert fs.X["f0"].isna().tolist() == [False, True, False, False]
    assert fs.X["f1"].isna().tolist() == [False, True, False, False]
    assert list(fs.X["f1"].cat.categories) == ["x", "y"]
    again = fs.transform(frame.loc[[10, 11, 13, 14]])
    pd.testing.assert_frame_equal(again, fs.X)


def test_many_levels_are_lumped_and_transform_matches():
    r = np.random.default_rng(2)
    n = 4000
    levels = [f"lvl{i:03d}" for i in range(MAX_LEVELS + 40)]
    col = r.choice(levels, n)
    frame = pd.DataFrame({"c": col})
    y = pd.Series(r.normal(size=n))
    fs, excluded = build_features(frame, {"c": K.CATEGORICAL}, ["c"], y)
    assert excluded == []
    cats = list(fs.X["f0"].cat.categories)
    assert len(cats) == MAX_LEVELS and OTHER_LEVEL in cats
    assert fs.lumped["c"] == len(set(col)) - (MAX_LEVELS - 1)
    pd.testing.assert_frame_equal(fs.transform(frame), fs.X)


def test_encode_target():
    reg = encode_target(pd.Series([1.5, None, 2.0]), Task.REGRESSION)
    assert reg.y.tolist() == [1.5, 2.0] and reg.classes is None
    b = encode_target(pd.Series(["OK", "NG", "OK", None, "OK"]), Task.BINARY)
    assert b.positive_class == "NG" and b.classes == ["OK", "NG"]
    assert b.y.tolist() == [0.0, 1.0, 0.0, 0.0]
    b = encode_target(pd.Series([0.0, 1.0, 1.0]), Task.BINARY)
    assert b.positive_class == "1" and b.y.tolist() == [0.0, 1.0, 1.0]
    b = encode_target(pd.Series(["OK", "NG"]), Task.BINARY, positive_class="ok")
    assert b.positive_class == "OK" and b.y.tolist() == [1.0, 0.0]
    m = encode_target(pd.Series(["b", "a", "c", "a"]), Task.MULTICLASS)
    assert m.classes == ["a", "b", "c"] and m.y.tolist() == [1.0, 0.0, 2.0, 0.0]
    with pytest.raises(AnalysisError):
        encode_target(pd.Series(["OK", "NG"]), Task.BINARY, positive_class="BAD")
    with pytest.raises(AnalysisError):
        encode_target(pd.Series(["a", "b", "c"]), Task.BINARY)
    with pytest.raises(AnalysisError, match="not numeric"):
        encode_target(pd.Series(["1", "x"], dtype=object), Task.REGRESSION)


def test_positive_class_guess():
    assert choose_positive_class(pd.Series(["양품", "불량", "양품"])) == "불량"
    assert choose_positive_class(pd.Series(["A", "B", "B"])) == "A"  # the rarer
    assert choose_positive_class(pd.Series(["True", "False", "False"])) == "True"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6, unique=True))
def test_any_column_names_survive_the_round_trip(names):
    r = np.random.default_rng(0)
    frame = pd.DataFrame({name: r.normal(size=40) for name in names})
    y = pd.Series(r.normal(size=40))
    fs, excluded = build_features(frame, dict.fromkeys(names, K.NUMERIC), names, y)
    assert excluded == [] and fs.columns == names
    booster = lgb.train(
        {"objective": "regression", "verbose": -1, "num_threads": 1, "min_data_in_leaf": 5},
        lgb.Dataset(fs.X, label=fs.y),
        num_boost_round=2,
    )
    assert fs.to_user(booster.feature_name()) == names
