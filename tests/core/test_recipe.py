"""The cleaning recipe: each op on real-looking values, reports, replay, JSON round trips."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.jobs import Cancelled
from workbench.steps.recipe import Recipe, RecipeCache, apply_recipe
from workbench.steps.recipe_check import FILTER_OPERATORS, IMPUTE_METHODS, validate_step
from workbench.tables.table import ColumnKind

K = ColumnKind


@pytest.fixture
def plant() -> tuple[pd.DataFrame, dict[str, ColumnKind]]:
    return make_plant()


def make_plant() -> tuple[pd.DataFrame, dict[str, ColumnKind]]:
    """Eight runs of a line: Hangul names, a -999 sentinel, label variants, gaps."""
    frame = pd.DataFrame(
        {
            "작업자": ["김철수", "이영희", "박민수", "김철수", None, "최지우", "이영희", "김철수"],
            "온도": [20.5, -999.0, 22.0, 20.5, np.nan, 23.5, 21.0, 20.5],
            "공정": pd.Categorical(
                [
                    "finishing",
                    "finishing ",
                    "Finishing",
                    "finishing",
                    None,
                    "coating",
                    "coating",
                    "finishing",
                ]
            ),
            "라인": ["L1", "L2", "L1", "L1", "L2", "L2", None, "L1"],
            "수율": [0.91, 0.85, np.nan, 0.91, 0.80, 0.95, 0.88, 0.91],
        }
    )
    kinds = {
        "작업자": K.CATEGORICAL,
        "온도": K.NUMERIC,
        "공정": K.CATEGORICAL,
        "라인": K.CATEGORICAL,
        "수율": K.NUMERIC,
    }
    return frame, kinds


def run(frame, kinds, *steps, **kw):
    return apply_recipe(frame, kinds, Recipe(list(steps)), **kw)


# ---------------------------------------------------------------------------------------------
# Ops
# ---------------------------------------------------------------------------------------------


def test_drop_columns_removes_them_and_their_kinds(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "drop_columns", "columns": ["작업자", "라인"]})
    assert list(res.frame.columns) == ["온도", "공정", "수율"]
    assert set(res.kinds) == {"온도", "공정", "수율"}
    rep = res.reports[0]
    assert rep.columns_removed == ["작업자", "라인"]
    assert rep.rows_removed == 0 and rep.warning is None
    assert "Removed 2 columns" in rep.effect


def test_drop_columns_with_one_missing_name_drops_the_rest_and_warns(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "drop_columns", "columns": ["작업자", "습도"]})
    assert "작업자" not in res.frame.columns
    assert res.reports[0].columns_removed == ["작업자"]
    assert "‘습도’" in res.reports[0].warning


def test_drop_duplicate_rows_keeps_first_and_original_positions(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "drop_duplicate_rows"})
    # rows 3 and 7 repeat row 0 exactly
    assert list(res.frame.index) == [0, 1, 2, 4, 5, 6]
    rep = res.reports[0]
    assert (rep.rows_before, rep.rows_after, rep.rows_removed) == (8, 6, 2)
    assert rep.effect == "Removed 2 rows (6 left)."


def test_drop_duplicate_rows_treats_missing_as_equal_and_is_exact():
    frame = pd.DataFrame({"a": [1.0, np.nan, 1.0, np.nan, 2.0], "b": ["x", None, "x", None, "x"]})
    res = run(frame, {}, {"op": "drop_duplicate_rows"})
    assert list(res.frame.index) == [0, 1, 4]
    expected = frame[~frame.duplicated(keep="first")]
    pd.testing.assert_frame_equal(res.frame, expected)


def test_sentinel_to_missing_counts_cells_numeric_and_labels(plant):
    frame, kinds = plant
    res = run(
        frame,
        kinds,
        {"op": "sentinel_to_missing", "column": "온도", "values": [-999, 9999]},
        {"op": "sentinel_to_missing", "column": "라인", "values": ["L2"]},
    )
    assert res.frame["온도"].isna().sum() == 2  # the -999 and the NaN already there
    assert res.reports[0].cells_changed == 1
    assert res.reports[1].cells_changed == 3
    assert res.frame["라인"].isna().sum() == 4
    assert res.reports[0].effect == "1 cell is now missing."


def test_sentinel_to_missing_on_category_keeps_category_and_drops_the_level(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "sentinel_to_missing", "column": "공정", "values": ["coating"]})
    col = res.frame["공정"]
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert "coating" not in col.cat.categories
    assert res.reports[0].cells_changed == 2
    assert col.isna().sum() == 3


def test_impute_median_mode_constant(plant):
    frame, kinds = plant
    res = run(
        frame,
        kinds,
        {"op": "impute", "column": "수율", "method": "median"},
        {"op": "impute", "column": "공정", "method": "mode"},
        {"op": "impute", "column": "라인", "method": "constant", "value": "미상"},
    )
    known = frame["수율"].dropna()
    assert res.frame.loc[2, "수율"] == pytest.approx(known.median())
    assert res.frame.loc[4, "공정"] == "finishing"
    assert isinstance(res.frame["공정"].dtype, pd.CategoricalDtype)
    assert res.frame.loc[6, "라인"] == "미상"
    assert [r.cells_changed for r in res.reports] == [1, 1, 1]
    assert res.reports[0].effect == "Filled 1 missing cell."


def test_median_of_a_category_column_keeps_the_category_dtype_with_a_warning(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "impute", "column": "공정", "method": "median"})
    assert isinstance(res.frame["공정"].dtype, pd.CategoricalDtype)
    assert res.frame["공정"].isna().sum() == 0
    assert "most frequent" in res.reports[0].warning


def test_constant_that_is_a_new_category_is_added(plant):
    frame, kinds = plant
    res = run(
        frame, kinds, {"op": "impute", "column": "공정", "method": "constant", "value": "unknown"}
    )
    col = res.frame["공정"]
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert col.loc[4] == "unknown"


def test_constant_that_does_not_fit_a_numeric_column_is_skipped(plant):
    frame, kinds = plant
    res = run(
        frame, kinds, {"op": "impute", "column": "온도", "method": "constant", "value": "없음"}
    )
    assert res.reports[0].skipped
    assert "‘없음’" in res.reports[0].warning
    pd.testing.assert_frame_equal(res.frame, frame)


@pytest.mark.parametrize(
    ("operator", "value", "kept"),
    [
        ("==", "L1", [0, 2, 3, 7]),
        ("!=", "L1", [1, 4, 5, 6]),  # "remove rows where ..." keeps the row with no 라인
        ("in", ["L2"], [1, 4, 5]),
        ("not_in", ["L2"], [0, 2, 3, 6, 7]),
        ("is_missing", None, [6]),
        ("not_missing", None, [0, 1, 2, 3, 4, 5, 7]),
    ],
)
def test_filter_rows_on_labels(plant, operator, value, kept):
    frame, kinds = plant
    step = {"op": "filter_rows", "column": "라인", "operator": operator}
    if value is not None:
        step["value"] = value
    res = run(frame, kinds, step)
    assert list(res.frame.index) == kept
    assert res.rows_left == len(kept)
    assert res.reports[0].rows_removed == 8 - len(kept)


@pytest.mark.parametrize(
    ("operator", "value", "kept"),
    [
        ("<", 21.0, [1, 3, 7, 0]),
        ("<=", 21.0, [0, 1, 3, 6, 7]),
        (">", 21.0, [2, 5]),
        (">=", 22, [2, 5]),
        ("between", [20, 22], [0, 2, 3, 6, 7]),
    ],
)
def test_filter_rows_on_numbers_drops_missing_and_says_so(plant, operator, value, kept):
    frame, kinds = plant
    res = run(
        frame, kinds, {"op": "filter_rows", "column": "온도", "operator": operator, "value": value}
    )
    assert sorted(res.frame.index) == sorted(kept)
    assert list(res.frame.index) == sorted(res.frame.index)  # order kept
    assert res.reports[0].details["removed_missing"] == 1  # row 4 has no 온도
    assert "1 of them had no value" in res.reports[0].effect


def test_filter_with_an_order_on_labels_is_skipped(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "filter_rows", "column": "라인", "operator": ">", "value": "L1"})
    assert res.reports[0].skipped and "no order" in res.reports[0].warning
    assert res.rows_left == 8


def test_filter_on_dates_with_text_bounds():
    frame = pd.DataFrame(
        {
            "시각": pd.to_datetime(
                ["2026-03-01 08:00", "2026-03-02 09:00", None, "2026-03-05 10:00"]
            ),
            "y": [1.0, 2.0, 3.0, 4.0],
        }
    )
    res = run(
        frame,
        {},
        {
            "op": "filter_rows",
            "column": "시각",
            "operator": "between",
            "value": ["2026-03-01", "2026-03-03"],
        },
    )
    assert list(res.frame.index) == [0, 1]


def test_cast_text_to_numbers_counts_failures():
    frame = pd.DataFrame({"두께": ["1,234.5", " 12 ", "측정불가", "N/A", None, "7"]})
    res = run(frame, {"두께": K.CATEGORICAL}, {"op": "cast", "column": "두께", "kind": "numeric"})
    col = res.frame["두께"]
    assert col.dtype == "float64"
    assert col.tolist()[:2] == [1234.5, 12.0]
    assert np.isnan(col.iloc[2]) and np.isnan(col.iloc[3]) and col.iloc[5] == 7.0
    rep = res.reports[0]
    assert rep.details["failed"] == 1  # "측정불가"; "N/A" is a missing marker, not a failure
    assert rep.cells_changed == 3
    assert "‘두께’: 1 cell could not be read as numbers" in rep.warning
    assert "측정불가" in rep.warning  # the loader's own message, with an example
    assert res.kinds["두께"] == K.NUMERIC


def test_cast_to_category_boolean_datetime_and_id():
    frame = pd.DataFrame(
        {
            "등급": [1, 2, 2, 1],
            "합격": ["예", "아니오", "Y", "불량"],
            "일자": ["2026-03-01", "2026/03/02", "어제", None],
            "serial": [1001.0, 1002.0, np.nan, 1004.0],
        }
    )
    res = run(
        frame,
        {},
        {"op": "cast", "column": "등급", "kind": "categorical"},
        {"op": "cast", "column": "합격", "kind": "boolean"},
        {"op": "cast", "column": "일자", "kind": "datetime"},
        {"op": "cast", "column": "serial", "kind": "id"},
    )
    out = res.frame
    assert isinstance(out["등급"].dtype, pd.CategoricalDtype)
    assert out["합격"].tolist()[:3] == [True, False, True] and pd.isna(out["합격"].iloc[3])
    assert res.reports[1].details["failed"] == 1
    assert out["일자"].iloc[1] == pd.Timestamp("2026-03-02")
    assert res.reports[2].details["failed"] == 1
    assert out["serial"].tolist()[:2] == ["1001", "1002"] and pd.isna(out["serial"].iloc[2])
    assert list(out["등급"].cat.categories) == ["1", "2"]  # as the loader does
    assert res.kinds == {
        "등급": K.CATEGORICAL,
        "합격": K.BOOLEAN,
        "일자": K.DATETIME,
        "serial": K.ID,
    }


def test_cast_uses_the_loaders_rules_korean_dates_and_day_first():
    frame = pd.DataFrame(
        {
            "일자": pd.Series(["2026년 3월 1일", "13/03/2026", "05/03/2026", None], dtype="str"),
            "두께": pd.Series(["1.234,5", "12,5", "7"], dtype="str").reindex(range(4)),
        }
    )
    res = run(
        frame,
        {},
        {"op": "cast", "column": "일자", "kind": "datetime"},
        {"op": "cast", "column": "두께", "kind": "numeric"},
    )
    dates = res.frame["일자"]
    # 13/03 proves day-first, so 05/03/2026 is the 5th of March
    assert list(dates.iloc[:3]) == [
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-13"),
        pd.Timestamp("2026-03-05"),
    ]
    assert res.frame["두께"].tolist()[:3] == [1234.5, 12.5, 7.0]
    assert [r.details["failed"] for r in res.reports] == [0, 0]
    assert any(n["kind"] == "date_format" for n in res.reports[0].details["notes"])


def test_cast_of_dates_to_numbers_is_refused_and_keeps_the_dates():
    frame = pd.DataFrame({"시각": pd.to_datetime(["2026-03-01", "2026-03-02"])})
    res = run(frame, {"시각": K.DATETIME}, {"op": "cast", "column": "시각", "kind": "numeric"})
    assert res.reports[0].skipped and "cannot be turned into numbers" in res.reports[0].warning
    assert res.kinds == {"시각": K.DATETIME}
    pd.testing.assert_frame_equal(res.frame, frame)


def test_rename_updates_kinds_and_later_steps_use_the_new_name(plant):
    frame, kinds = plant
    res = run(
        frame,
        kinds,
        {"op": "rename", "column": "온도", "to": "temperature [℃]"},
        {"op": "clip", "column": "temperature [℃]", "lower": 0, "upper": None},
    )
    assert list(res.frame.columns)[1] == "temperature [℃]"
    assert list(res.kinds)[1] == "temperature [℃]"
    assert res.frame["temperature [℃]"].min() == 0
    assert res.reports[1].cells_changed == 1


def test_rename_onto_an_existing_name_is_skipped(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "rename", "column": "온도", "to": "수율"})
    assert res.reports[0].skipped and "already has a column" in res.reports[0].warning
    assert list(res.frame.columns) == list(frame.columns)


def test_merge_categories_on_category_and_text_columns(plant):
    frame, kinds = plant
    res = run(
        frame,
        kinds,
        {
            "op": "merge_categories",
            "column": "공정",
            "mapping": {"finishing ": "finishing", "Finishing": "finishing"},
        },
        {"op": "merge_categories", "column": "작업자", "mapping": {"김철수": "Kim", "없는": "x"}},
    )
    col = res.frame["공정"]
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert sorted(col.cat.categories) == ["coating", "finishing"]
    assert (col == "finishing").sum() == 5
    assert res.reports[0].cells_changed == 2
    assert res.frame["작업자"].tolist().count("Kim") == 3
    assert res.reports[1].cells_changed == 3
    assert "‘없는’" in res.reports[1].warning
    assert pd.isna(res.frame.loc[4, "작업자"])


def test_clip_counts_cells_above_and_below(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "clip", "column": "온도", "lower": 0, "upper": 22})
    assert res.frame["온도"].tolist()[:3] == [20.5, 0.0, 22.0]
    assert res.frame.loc[5, "온도"] == 22.0
    assert np.isnan(res.frame.loc[4, "온도"])
    assert res.reports[0].cells_changed == 2
    assert res.reports[0].details == {"below": 1, "above": 1}


def test_clip_on_labels_is_skipped(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "clip", "column": "라인", "lower": 0})
    assert res.reports[0].skipped and res.reports[0].warning


# ---------------------------------------------------------------------------------------------
# Replay, index, immutability, skipping, order
# ---------------------------------------------------------------------------------------------


FULL = [
    {"op": "sentinel_to_missing", "column": "온도", "values": [-999]},
    {
        "op": "merge_categories",
        "column": "공정",
        "mapping": {"finishing ": "finishing", "Finishing": "finishing"},
    },
    {"op": "impute", "column": "온도", "method": "median"},
    {"op": "drop_duplicate_rows"},
    {"op": "filter_rows", "column": "수율", "operator": "not_missing"},
    {"op": "rename", "column": "작업자", "to": "operator"},
]


def test_the_callers_frame_and_kinds_are_never_modified(plant):
    frame, kinds = plant
    before, kinds_before = frame.copy(), dict(kinds)
    res = apply_recipe(frame, kinds, Recipe(FULL))
    pd.testing.assert_frame_equal(frame, before)
    assert kinds == kinds_before
    res.frame.iloc[0, 0] = "changed"  # and the result does not alias the input
    pd.testing.assert_frame_equal(frame, before)


def test_index_is_the_source_row_position_after_every_step(plant):
    frame, kinds = plant
    res = apply_recipe(frame, kinds, Recipe(FULL))
    assert list(res.frame.index) == [0, 1, 4, 5, 6]  # 2 has no 수율; 3 and 7 repeat 0
    for i in res.frame.index:
        assert res.frame.loc[i, "라인"] == frame.loc[i, "라인"] or pd.isna(frame.loc[i, "라인"])
    assert res.rows_left == 5
    assert [r.index for r in res.reports] == list(range(len(FULL)))


def test_replay_on_a_fresh_copy_gives_the_same_frame(plant):
    frame, kinds = plant
    recipe = Recipe.from_json(Recipe(FULL).to_json())
    first = apply_recipe(frame, kinds, recipe)
    second = apply_recipe(frame.copy(deep=True), dict(kinds), recipe)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert first.kinds == second.kinds


def test_a_step_on_a_missing_column_is_skipped_and_the_rest_runs(plant):
    frame, kinds = plant
    res = run(
        frame,
        kinds,
        {"op": "drop_columns", "columns": ["온도"]},
        {"op": "impute", "column": "온도", "method": "median"},
        {"op": "sentinel_to_missing", "column": "라인", "values": ["L2"]},
    )
    skipped = res.reports[1]
    assert skipped.skipped and skipped.cells_changed == 0
    assert "‘온도’ is not in the table any more" in skipped.warning
    assert res.reports[2].cells_changed == 3
    assert res.warnings == [skipped.warning]


def test_order_matters_sentinel_before_or_after_impute(plant):
    frame, kinds = plant
    sentinel = {"op": "sentinel_to_missing", "column": "온도", "values": [-999]}
    impute = {"op": "impute", "column": "온도", "method": "median"}
    recipe = Recipe([sentinel, impute])
    good = apply_recipe(frame, kinds, recipe)
    recipe.move(1, 0)
    assert recipe.steps == [impute, sentinel]
    bad = apply_recipe(frame, kinds, recipe)
    # impute first fills the one NaN with a median dragged by -999, then -999 becomes missing
    assert good.frame["온도"].isna().sum() == 0
    assert bad.frame["온도"].isna().sum() == 1
    assert good.frame.loc[4, "온도"] != bad.frame.loc[4, "온도"]
    assert good.frame.loc[4, "온도"] == pytest.approx(frame["온도"].replace(-999, np.nan).median())


def test_edit_remove_and_reapply_without_reloading(plant):
    frame, kinds = plant
    recipe = Recipe(FULL)
    full = apply_recipe(frame, kinds, recipe)
    removed = recipe.remove(3)
    assert removed["op"] == "drop_duplicate_rows"
    fewer = apply_recipe(frame, kinds, recipe)
    assert fewer.rows_left == full.rows_left + 2
    recipe.add(removed, 3)
    assert recipe == Recipe(FULL)


def test_progress_is_reported_and_cancel_stops_the_replay(plant, ctx):
    frame, kinds = plant
    apply_recipe(frame, kinds, Recipe(FULL), ctx)
    fractions = [f for f, _ in ctx.reports]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert any("Treat -999" in m for _, m in ctx.reports)
    ctx.cancel()
    with pytest.raises(Cancelled):
        apply_recipe(frame, kinds, Recipe(FULL), ctx)


def test_describe_is_plain_language(plant):
    recipe = Recipe(
        [
            *FULL,
            {"op": "impute", "column": "수율", "method": "model"},
            {"op": "filter_rows", "column": "라인", "operator": "in", "value": ["L1", "L2"]},
            {"op": "cast", "column": "라인", "kind": "categorical"},
            {"op": "clip", "column": "수율", "lower": 0.5, "upper": 1},
            {"op": "drop_columns", "columns": ["a", "b", "c", "d", "e", "f", "g"]},
        ]
    )
    assert recipe.describe() == [
        "Treat -999 in ‘온도’ as missing",
        "In ‘공정’, merge labels: ‘finishing ’ → ‘finishing’, ‘Finishing’ → ‘finishing’",
        "Fill missing ‘온도’ with the median",
        "Remove repeated rows (keep the first of each)",
        "Keep only rows where ‘수율’ has a value",
        "Rename ‘작업자’ to ‘operator’",
        "Fill missing ‘수율’ with values predicted from the other columns",
        "Keep only rows where ‘라인’ is one of ‘L1’, ‘L2’",
        "Treat ‘라인’ as categories (labels)",
        "Limit ‘수율’ to between 0.5 and 1",
        "Remove the columns ‘a’, ‘b’, ‘c’, ‘d’, ‘e’ and 2 more",
    ]


# ---------------------------------------------------------------------------------------------
# Model-based filling
# ---------------------------------------------------------------------------------------------


def _dependent_frame(n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    line = rng.choice(["L1", "L2", "L3"], size=n)
    temp = rng.uniform(150, 250, size=n)
    offset = pd.Series(line).map({"L1": 0.0, "L2": 10.0, "L3": -10.0}).to_numpy()
    thickness = 0.5 * temp + offset + rng.normal(0, 1.0, size=n)
    return pd.DataFrame(
        {"온도": temp, "라인": pd.Categorical(line), "두께": thickness, "lot": np.arange(n)}
    )


def test_model_imputation_beats_the_median_on_a_dependent_column():
    truth = _dependent_frame()
    frame = truth.copy()
    rng = np.random.default_rng(7)
    hidden = rng.choice(len(frame), size=120, replace=False)
    frame.loc[hidden, "두께"] = np.nan
    kinds = {"온도": K.NUMERIC, "라인": K.CATEGORICAL, "두께": K.NUMERIC, "lot": K.ID}
    model = run(frame, kinds, {"op": "impute", "column": "두께", "method": "model"})
    median = run(frame, kinds, {"op": "impute", "column": "두께", "method": "median"})
    err_model = np.abs(model.frame.loc[hidden, "두께"] - truth.loc[hidden, "두께"]).mean()
    err_median = np.abs(median.frame.loc[hidden, "두께"] - truth.loc[hidden, "두께"]).mean()
    assert err_model < 0.25 * err_median
    assert err_model < 5.0
    rep = model.reports[0]
    assert rep.cells_changed == 120 and rep.warning is None
    assert rep.details["features"] == ["온도", "라인"]  # the ID column is not a feature
    assert (
        rep.effect
        == "Filled 120 missing cells. The model learned from 480 rows and 2 other columns."
    )
    # known values untouched, deterministic on replay
    known = frame["두께"].notna()
    pd.testing.assert_series_equal(model.frame.loc[known, "두께"], frame.loc[known, "두께"])
    again = run(frame, kinds, {"op": "impute", "column": "두께", "method": "model"})
    pd.testing.assert_frame_equal(model.frame, again.frame)


def test_model_imputation_of_a_category_keeps_the_dtype_and_predicts_well():
    truth = _dependent_frame(seed=3)
    truth["등급"] = pd.Categorical(np.where(truth["온도"] > 200, "상", "하"))
    frame = truth.copy()
    hidden = np.arange(0, 600, 6)
    frame.loc[hidden, "등급"] = np.nan
    res = run(frame, {}, {"op": "impute", "column": "등급", "method": "model"})
    col = res.frame["등급"]
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert list(col.cat.categories) == list(truth["등급"].cat.categories)
    accuracy = (col.loc[hidden] == truth.loc[hidden, "등급"]).mean()
    assert accuracy > 0.9
    assert res.reports[0].cells_changed == len(hidden)


def test_model_imputation_falls_back_with_few_rows(plant):
    frame, kinds = plant
    res = run(frame, kinds, {"op": "impute", "column": "수율", "method": "model"})
    rep = res.reports[0]
    assert rep.cells_changed == 1
    assert rep.warning == (
        "‘수율’ was filled with the median: only 7 rows have a value in ‘수율’, and at least 30 "
        "are needed to learn from the other columns."
    )
    assert res.frame.loc[2, "수율"] == pytest.approx(frame["수율"].median())


def test_model_imputation_can_be_cancelled(ctx):
    frame = _dependent_frame()
    frame.loc[::5, "두께"] = np.nan
    calls = []

    def report(f, m):
        calls.append(f)
        if len(calls) > 3:
            ctx.cancel()

    ctx._report = report
    with pytest.raises(Cancelled):
        run(frame, {}, {"op": "impute", "column": "두께", "method": "model"}, ctx=ctx)


def test_cache_replays_only_the_steps_after_a_slow_one():
    frame = _dependent_frame()
    frame.loc[::5, "두께"] = np.nan
    cache = RecipeCache()
    recipe = Recipe(
        [
            {"op": "impute", "column": "두께", "method": "model"},
            {"op": "filter_rows", "column": "라인", "operator": "==", "value": "L1"},
        ]
    )
    first = apply_recipe(frame, {}, recipe, cache=cache)
    assert cache.hits == 0
    recipe.remove(1)
    recipe.add({"op": "filter_rows", "column": "라인", "operator": "==", "value": "L2"})
    cached = apply_recipe(frame, {}, recipe, cache=cache)
    assert cache.hits == 1
    fresh = apply_recipe(frame, {}, recipe)
    pd.testing.assert_frame_equal(cached.frame, fresh.frame)
    assert [r.to_dict() for r in cached.reports] == [r.to_dict() for r in fresh.reports]
    assert not first.frame.index.equals(cached.frame.index)
    recipe.remove(1)  # now the whole recipe is the cached model step
    only_model = apply_recipe(frame, {}, recipe, cache=cache)
    assert cache.hits == 2
    expected = only_model.frame.copy()
    only_model.frame["두께"] = 0.0  # changing a result must not change the cached checkpoint
    only_model.frame.iloc[0, 0] = -1.0
    again = apply_recipe(frame, {}, recipe, cache=cache)
    pd.testing.assert_frame_equal(again.frame, expected)
    hits = cache.hits
    apply_recipe(frame.copy(), {}, recipe, cache=cache)  # another frame: cache starts over
    assert cache.hits == hits


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
numbers = st.one_of(st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False))
scalars = st.one_of(names, numbers, st.booleans())
extras = st.fixed_dictionaries({}, optional={"note": names, "source": names})


def _with(extra, step):
    return {**step, **extra}


def _impute(column, method, value):
    step = {"op": "impute", "column": column, "method": method}
    if method == "constant":
        step["value"] = value
    return step


def _filter(column, operator, data):
    step = {"op": "filter_rows", "column": column, "operator": operator}
    if operator == "between":
        low, high = sorted(data.draw(st.lists(numbers, min_size=2, max_size=2)))
        step["value"] = [low, high]
    elif operator in ("in", "not_in"):
        step["value"] = data.draw(st.lists(scalars, min_size=1, max_size=4))
    elif operator in ("==", "!="):
        step["value"] = data.draw(scalars)
    elif operator not in ("is_missing", "not_missing"):
        step["value"] = data.draw(st.one_of(numbers, names))
    return step


@st.composite
def steps(draw):
    column = draw(names)
    op = draw(
        st.sampled_from(
            [
                "drop_columns",
                "drop_duplicate_rows",
                "sentinel_to_missing",
                "impute",
                "filter_rows",
                "cast",
                "rename",
                "merge_categories",
                "clip",
            ]
        )
    )
    if op == "drop_columns":
        step = {"op": op, "columns": draw(st.lists(names, min_size=1, max_size=4))}
    elif op == "drop_duplicate_rows":
        step = {"op": op}
    elif op == "sentinel_to_missing":
        step = {
            "op": op,
            "column": column,
            "values": draw(st.lists(scalars, min_size=1, max_size=4)),
        }
    elif op == "impute":
        step = _impute(column, draw(st.sampled_from(IMPUTE_METHODS)), draw(scalars))
    elif op == "filter_rows":
        step = _filter(column, draw(st.sampled_from(FILTER_OPERATORS)), draw(st.data()))
    elif op == "cast":
        step = {"op": op, "column": column, "kind": draw(st.sampled_from([k.value for k in K]))}
    elif op == "rename":
        step = {"op": op, "column": column, "to": draw(names)}
    elif op == "merge_categories":
        step = {
            "op": op,
            "column": column,
            "mapping": draw(st.dictionaries(names, names, min_size=1, max_size=4)),
        }
    else:
        low = draw(st.one_of(st.none(), numbers))
        high = draw(st.one_of(st.none(), numbers))
        if low is None and high is None:
            low = 0
        if low is not None and high is not None and low > high:
            low, high = high, low
        step = {"op": op, "column": column, "lower": low, "upper": high}
    return _with(draw(extras), step)


@settings(max_examples=150, deadline=None)
@given(st.lists(steps(), max_size=8))
def test_json_round_trip_of_random_valid_recipes(step_list):
    recipe = Recipe(step_list)
    text = recipe.to_json()
    back = Recipe.from_json(text)
    assert back == recipe
    assert back.steps == step_list
    assert json.loads(text)["steps"] == step_list
    assert len(recipe.describe()) == len(step_list)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"steps": "drop everything"}', "not a list of steps"),
        ("42", "not a list of steps"),
        ('[{"op": "format_disk"}]', "‘format_disk’ is not a cleaning step"),
        ('[{"column": "a"}]', "no ‘op’ field"),
        ('[{"op": "rename", "column": "a"}]', "needs a ‘to’ field"),
        ('[{"op": "drop_columns", "columns": "a"}]', "non-empty list"),
        ('[{"op": "impute", "column": "a", "method": "magic"}]', "‘method’ must be one of"),
        ('[{"op": "impute", "column": "a", "method": "constant"}]', "needs a ‘value’"),
        ('[{"op": "impute", "column": "a", "method": "median", "value": 3}]', "only used"),
        ('[{"op": "clip", "column": "a", "lower": 5, "upper": 1}]', "above the upper"),
        ('[{"op": "clip", "column": "a"}]', "lower or an upper"),
        ('[{"op": "cast", "column": "a", "kind": "float64"}]', "‘kind’ must be one of"),
        ('[{"op": "filter_rows", "column": "a", "operator": "~="}]', "‘operator’"),
        ('[{"op": "filter_rows", "column": "a", "operator": ">"}]', "needs a ‘value’"),
        (
            '[{"op": "filter_rows", "column": "a", "operator": "between", "value": [1]}]',
            "[low, high]",
        ),
        ('[{"op": "sentinel_to_missing", "column": "a", "values": [NaN]}]', "not valid JSON"),
        ('[{"op": "sentinel_to_missing", "column": 3, "values": [1]}]', "column name"),
        (
            '[{"op": "sentinel_to_missing", "column": "a", "values": [{"x": 1}]}]',
            "not a plain value",
        ),
        ('[{"op": "drop_duplicate_rows", "__class__": "os.system"}]', "does not use"),
        ('[{"op": "merge_categories", "column": "a", "mapping": {"x": 1}}]', "labels to labels"),
        ('{"recipe_version": 99, "steps": []}', "newer version"),
        ("[" * 100_000, "not valid JSON"),
        ('[{"op": ["drop_columns"]}]', "not a cleaning step"),
        ('[{"op": "clip", "column": "a", "lower": 1' + "0" * 400 + "}]", "must be a number"),
    ],
)
def test_malformed_recipes_are_refused_with_a_plain_message(text, words):
    with pytest.raises(WorkbenchError) as info:
        Recipe.from_json(text)
    assert words in str(info.value)
    assert "Traceback" not in str(info.value)


def test_a_refused_step_names_its_position():
    with pytest.raises(WorkbenchError, match=r"Cleaning step 2: ‘explode’"):
        Recipe([{"op": "drop_duplicate_rows"}, {"op": "explode"}])


def test_add_validates_and_steps_are_copies():
    recipe = Recipe()
    with pytest.raises(WorkbenchError):
        recipe.add({"op": "rename", "column": "a", "to": ""})
    assert len(recipe) == 0
    recipe.add({"op": "rename", "column": "a", "to": "b", "note": "사유", "source": "manual"})
    recipe.steps[0]["to"] = "hacked"
    assert recipe[0]["to"] == "b"
    assert validate_step({"op": "drop_columns", "columns": ("a",)}) == {
        "op": "drop_columns",
        "columns": ["a"],
    }


def test_quality_alert_fix_steps_are_accepted_as_they_are():
    # the shapes the quality alerts propose as one-click fixes
    fixes = [
        {"op": "drop_columns", "columns": ["성명"], "source": "pii"},
        {"op": "drop_duplicate_rows", "source": "duplicate_rows"},
        {
            "op": "sentinel_to_missing",
            "column": "습도",
            "values": [-999, -200],
            "source": "sentinel",
        },
        {
            "op": "merge_categories",
            "column": "공정",
            "mapping": {"finishing ": "finishing"},
            "source": "category_variants",
        },
        {"op": "clip", "column": "압력", "lower": None, "upper": 12.5, "source": "outliers"},
        {"op": "impute", "column": "습도", "method": "model", "source": "missing"},
    ]
    assert Recipe(fixes).steps == fixes
    # numbers straight from NumPy are accepted and saved as plain JSON numbers
    recipe = Recipe([{"op": "clip", "column": "x", "lower": np.float64(1.5), "upper": np.int64(3)}])
    assert recipe.to_json() == (
        '{"recipe_version": 1, "steps": [{"op": "clip", "column": "x", "lower": 1.5, "upper": 3}]}'
    )


# ---------------------------------------------------------------------------------------------
# Any valid recipe replays without crashing
# ---------------------------------------------------------------------------------------------

PLANT_COLUMNS = ["작업자", "온도", "공정", "라인", "수율", "습도"]  # 습도 is not in the table
plant_values = st.sampled_from(
    [-999, 20.5, 0, 1, 0.9, "L1", "L2", "finishing ", "김철수", "2026-03-01", "", True]
)


@st.composite
def plant_steps(draw):
    column = draw(st.sampled_from(PLANT_COLUMNS))
    op = draw(
        st.sampled_from(
            sorted(
                [
                    "drop_columns",
                    "drop_duplicate_rows",
                    "sentinel_to_missing",
                    "impute",
                    "filter_rows",
                    "cast",
                    "rename",
                    "merge_categories",
                    "clip",
                ]
            )
        )
    )
    if op == "drop_columns":
        return {"op": op, "columns": draw(st.lists(st.sampled_from(PLANT_COLUMNS), min_size=1))}
    if op == "drop_duplicate_rows":
        return {"op": op}
    if op == "sentinel_to_missing":
        return {"op": op, "column": column, "values": draw(st.lists(plant_values, min_size=1))}
    if op == "impute":
        return _impute(column, draw(st.sampled_from(IMPUTE_METHODS)), draw(plant_values))
    if op == "filter_rows":
        operator = draw(st.sampled_from(FILTER_OPERATORS))
        step = {"op": op, "column": column, "operator": operator}
        if operator == "between":
            step["value"] = sorted(
                draw(st.lists(st.sampled_from([-999, 0, 20.5, 22]), min_size=2, max_size=2))
            )
        elif operator in ("in", "not_in"):
            step["value"] = draw(st.lists(plant_values, min_size=1, max_size=3))
        elif operator not in ("is_missing", "not_missing"):
            step["value"] = draw(plant_values.filter(lambda v: not isinstance(v, bool)))
        return step
    if op == "cast":
        return {"op": op, "column": column, "kind": draw(st.sampled_from([k.value for k in K]))}
    if op == "rename":
        return {"op": op, "column": column, "to": draw(st.sampled_from(PLANT_COLUMNS))}
    if op == "merge_categories":
        label = st.sampled_from(["finishing", "finishing ", "L1", "L2", "김철수", "1"])
        return {
            "op": op,
            "column": column,
            "mapping": draw(st.dictionaries(label, label, min_size=1, max_size=3)),
        }
    low = draw(st.one_of(st.none(), st.sampled_from([-1000, 0, 21])))
    high = (
        None if low is not None and draw(st.booleans()) else draw(st.sampled_from([21, 22.5, 100]))
    )
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {"op": op, "column": column, "lower": low, "upper": high}


def make_mixed() -> tuple[pd.DataFrame, dict[str, ColumnKind]]:
    """The same names over other dtypes: text, nullable ints, tz-aware dates, yes/no, objects."""
    frame = pd.DataFrame(
        {
            "작업자": pd.Series(
                ["김철수", None, "1", "김철수", "x", "y", "z", "김철수"], dtype="str"
            ),
            "온도": pd.array([1, -999, None, 3, 4, 5, 6, 1], dtype="Int64"),
            "공정": pd.to_datetime(
                ["2026-03-01", None, "2026-03-02", "2026-03-01", "2026-03-05"] + ["2026-03-01"] * 3
            ).tz_localize("Asia/Seoul"),
            "라인": pd.array([True, False, None, True, True, False, True, True], dtype="boolean"),
            "수율": pd.Series([1.5, "L1", None, 1.5, 2, "finishing ", 0, 1.5], dtype=object),
        }
    )
    return frame, {}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([make_plant, make_mixed]), st.lists(plant_steps(), max_size=6))
def test_any_valid_recipe_replays_without_crashing(make, step_list):
    frame, kinds = make()
    before = frame.copy()
    recipe = Recipe(step_list)
    res = apply_recipe(frame, kinds, recipe)
    pd.testing.assert_frame_equal(frame, before)
    assert len(res.reports) == len(step_list)
    assert res.rows_left == len(res.frame)
    assert set(res.frame.index) <= set(frame.index)
    assert res.frame.index.is_monotonic_increasing
    assert list(res.kinds) == list(res.frame.columns)
    for rep in res.reports:
        assert rep.rows_removed == rep.rows_before - rep.rows_after >= 0
        assert rep.cells_changed >= 0 and rep.effect
        assert (rep.warning is not None) or not rep.skipped
    again = apply_recipe(frame, kinds, Recipe.from_json(recipe.to_json()))
    pd.testing.assert_frame_equal(res.frame, again.frame)


def test_a_saved_step_report_is_said_again_in_the_readers_language(plant):
    from workbench.i18n import set_language
    from workbench.steps.recipe_report import StepReport
    from workbench.steps.recipe_wording import reword_report

    frame, kinds = plant
    steps = [
        {"op": "drop_columns", "columns": ["no such column"]},
        {"op": "clip", "column": "gone", "lower": 0, "upper": 1},
    ]
    reports = apply_recipe(frame, kinds, Recipe(steps)).reports
    saved = json.loads(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
    assert [StepReport.from_dict(d) for d in saved] == reports
    assert all(r.warning for r in reports)
    try:
        set_language("ko")
        korean = [reword_report(StepReport.from_dict(d)) for d in saved]
    finally:
        set_language("en")
    for before, after in zip(reports, korean, strict=True):
        for text in (after.warning, after.description):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in text), text
        assert after.warning != before.warning and after.rows_after == before.rows_after
