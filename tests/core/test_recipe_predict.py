"""The predict_missing recipe step: real LightGBM fits on small data, with a confidence per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.steps.goal import Goal
from workbench.steps.recipe import Recipe, RecipeCache, apply_recipe
from workbench.steps.recipe_check import validate_step
from workbench.tables.table import ColumnKind


def line_data(n: int = 1200, seed: int = 1) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """``belt_speed`` follows two settings and the grade (R² ≈ 0.99); ``efficiency`` (the goal)
    follows belt_speed; ``eff_pct`` is a near-copy of the goal. 20% of belt_speed is missing."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, n), rng.normal(0, 1, n)
    grade = rng.choice(["A", "B", "C"], n)
    speed = 2 + 0.5 * a - 0.3 * b + (grade == "B") * 0.4 + rng.normal(0, 0.05, n)
    eff = 20 + speed + rng.normal(0, 0.1, n)
    frame = pd.DataFrame(
        {"pressure": a, "temp": b, "grade": grade, "belt_speed": speed, "efficiency": eff}
    )
    frame["eff_pct"] = frame["efficiency"] * 1.01
    truth = frame["belt_speed"].copy()
    holes = rng.random(n) < 0.2
    frame.loc[holes, "belt_speed"] = np.nan
    return frame, truth, holes


def predict(frame, keep_out=("efficiency", "eff_pct"), **step):
    recipe = Recipe([{"op": "predict_missing", "column": "belt_speed", **step}])
    return apply_recipe(frame, {}, recipe, keep_out=set(keep_out))


def test_numbers_are_filled_close_with_a_calibrated_80_percent_range():
    frame, truth, holes = line_data()
    result = predict(frame)
    (report,) = result.reports
    mark = result.predicted["belt_speed"]
    assert report.details["filled"] == holes.sum() == mark.n_filled and mark.n_left_empty == 0
    assert not result.frame["belt_speed"].isna().any()
    true = truth.to_numpy()[holes]
    filled = result.frame["belt_speed"].to_numpy()[holes]
    assert np.abs(filled - true).mean() < 0.15 * truth.std()  # close: the column is predictable
    assert np.array_equal(mark.rows, np.flatnonzero(holes))  # rows named by index label
    inside = (true >= mark.low) & (true <= mark.high)
    assert 0.72 <= inside.mean() <= 0.93  # the stated 80% range holds about 80% of true values
    assert np.all((mark.confidence >= 0) & (mark.confidence <= 1))
    assert np.median(mark.confidence) > 0.7
    assert "80%" in report.effect and "Filled 2" in report.effect


def test_the_goal_and_its_leaks_are_never_predictors():
    frame, _, holes = line_data()
    # without the guard, the goal and its copy would be read (they track belt_speed closely)
    unguarded = predict(frame, keep_out=())
    assert {"efficiency", "eff_pct"} <= set(unguarded.reports[0].details["features"])
    details = predict(frame).reports[0].details
    assert details["features"] == ["pressure", "temp", "grade"]
    assert details["not_predictors"] == ["eff_pct", "efficiency"]
    # the step's own exclude list is kept out too (the GUI records the leaks there)
    excluded = predict(frame, keep_out=(), exclude=["efficiency", "eff_pct", "grade"])
    assert excluded.reports[0].details["features"] == ["pressure", "temp"]
    assert frame["belt_speed"].isna().sum() == holes.sum()  # the input frame is untouched


def test_the_flagged_leak_of_a_real_project_is_kept_out(tmp_path):
    from workbench.pipeline import AnalysisInputs, clean_table, not_predictors
    from workbench.project import Project, Section
    from workbench.steps.quality import assess_quality
    from workbench.tables.loader import load_table

    frame, _, _ = line_data(600)
    path = tmp_path / "line.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    project = Project()
    project.set_table(load_table(path))
    project.set_goal(Goal("efficiency"))
    project.set_recipe(Recipe([{"op": "predict_missing", "column": "belt_speed"}]))
    table = project.table
    report = assess_quality(table.frame, dict(table.kinds), target="efficiency")
    project.set_result(Section.QUALITY, report)
    assert "eff_pct" in not_predictors(project)  # flagged as leaking the goal
    inputs = AnalysisInputs.from_project(project)
    cleaned = clean_table(None, inputs.table, inputs.recipe, inputs.keep_out)
    used = cleaned.reports[0].details["features"]
    assert "eff_pct" not in used and "efficiency" not in used and "belt_speed" not in used


def test_replay_gives_identical_fills_also_from_a_saved_recipe():
    frame, _, _ = line_data(800)
    first = predict(frame, min_confidence=0.8)
    saved = Recipe.from_json(Recipe([first.reports[0].step]).to_json())
    again = apply_recipe(frame, {}, saved, keep_out={"efficiency", "eff_pct"})
    assert first.frame.equals(again.frame)
    a, b = first.predicted["belt_speed"], again.predicted["belt_speed"]
    assert np.array_equal(a.values, b.values) and np.array_equal(a.confidence, b.confidence)
    assert np.array_equal(a.low, b.low) and np.array_equal(a.filled, b.filled)


def test_a_confidence_threshold_leaves_low_confidence_cells_empty():
    frame, _, _ = line_data()
    everything = predict(frame).predicted["belt_speed"]
    threshold = float(np.quantile(everything.confidence, 0.3))
    result = predict(frame, min_confidence=threshold)
    mark = result.predicted["belt_speed"]
    assert mark.n_left_empty > 0 and mark.n_filled > 0
    assert np.all(mark.confidence[mark.filled] >= threshold - 1e-9)
    assert np.all(mark.confidence[~mark.filled] < threshold)
    column = result.frame["belt_speed"]
    assert column.loc[mark.rows[~mark.filled]].isna().all()
    assert column.loc[mark.rows[mark.filled]].notna().all()
    assert result.reports[0].cells_changed == mark.n_filled
    pct = f"{round(100 * threshold)}%"
    assert f"({mark.n_left_empty} left empty: confidence below {pct})" in result.reports[0].effect


def test_labels_get_their_chance_of_being_right():
    rng = np.random.default_rng(3)
    n = 900
    temp = rng.normal(0, 1, n)
    line = np.where(temp > 0.3, "hot", np.where(temp < -0.3, "cold", "mid"))
    frame = pd.DataFrame({"temp": temp, "noise": rng.normal(0, 1, n), "line": line})
    frame["line"] = frame["line"].astype("category")
    truth = frame["line"].astype(str).to_numpy()
    holes = rng.random(n) < 0.25
    frame.loc[holes, "line"] = None
    recipe = Recipe([{"op": "predict_missing", "column": "line", "min_confidence": 0.9}])
    result = apply_recipe(frame, {}, recipe)
    mark = result.predicted["line"]
    assert mark.kind == "label" and mark.low is None
    assert isinstance(result.frame["line"].dtype, pd.CategoricalDtype)
    right = mark.values.astype(str) == truth[holes]
    assert right[mark.filled].mean() > 0.9  # confident fills are right
    assert right.mean() > 0.8
    assert mark.n_left_empty > 0  # near the borders the model is unsure
    assert "chance of being right" in result.reports[0].effect


def test_a_labels_confidence_means_its_chance_of_being_right():
    """Boosted trees' own probabilities run high; the stated confidence must match the share
    of filled labels that are right (pooled over three noisy data sets)."""
    confidence, right = [], []
    for seed in (3, 4, 5):
        rng = np.random.default_rng(seed)
        n = 900
        temp = rng.normal(0, 1, n)
        noisy = temp + rng.normal(0, 0.4, n)
        line = np.where(noisy > 0.3, "hot", np.where(noisy < -0.3, "cold", "mid"))
        frame = pd.DataFrame({"temp": temp, "noise": rng.normal(0, 1, n), "line": line})
        holes = rng.random(n) < 0.25
        frame.loc[holes, "line"] = None
        result = apply_recipe(frame, {}, Recipe([{"op": "predict_missing", "column": "line"}]))
        mark = result.predicted["line"]
        confidence.append(mark.confidence)
        right.append(mark.values.astype(str) == line[holes])
    stated, actual = np.concatenate(confidence).mean(), np.concatenate(right).mean()
    assert abs(stated - actual) < 0.06, (stated, actual)


def test_marks_follow_renames_and_dropped_rows():
    frame, _, holes = line_data(600)
    steps = [
        {"op": "predict_missing", "column": "belt_speed"},
        {"op": "rename", "column": "belt_speed", "to": "speed"},
        {"op": "filter_rows", "column": "grade", "operator": "!=", "value": "A"},
    ]
    result = apply_recipe(frame, {}, Recipe(steps), keep_out={"efficiency", "eff_pct"})
    mark = result.predicted["speed"]
    assert set(mark.rows) <= set(result.frame.index) and mark.column == "speed"
    kept = (frame["grade"] != "A").to_numpy() & holes
    assert mark.n_filled == kept.sum()
    dropped = apply_recipe(
        frame,
        {},
        Recipe([steps[0], {"op": "drop_columns", "columns": ["belt_speed"]}]),
        keep_out={"efficiency"},
    )
    assert dropped.predicted == {}


def test_cache_keeps_the_marks():
    frame, _, _ = line_data(500)
    cache = RecipeCache()
    recipe = Recipe([{"op": "predict_missing", "column": "belt_speed"}])
    first = apply_recipe(frame, {}, recipe, cache=cache, keep_out={"efficiency"})
    recipe.add({"op": "drop_columns", "columns": ["temp"]})
    second = apply_recipe(frame, {}, recipe, cache=cache, keep_out={"efficiency"})
    assert cache.hits == 1
    assert np.array_equal(
        first.predicted["belt_speed"].values, second.predicted["belt_speed"].values
    )


def test_too_few_known_values_or_free_text_skip_with_a_reason():
    frame, _, _ = line_data(200)
    frame.loc[frame.index[25:], "belt_speed"] = np.nan
    (report,) = predict(frame).reports
    assert report.skipped and "at least 30" in report.warning
    text = pd.DataFrame({"memo": [None, "a b", "c d"] * 20, "x": range(60)})
    kinds = {"memo": ColumnKind.TEXT, "x": ColumnKind.NUMERIC}
    result = apply_recipe(text, kinds, Recipe([{"op": "predict_missing", "column": "memo"}]))
    assert result.reports[0].skipped and "free text" in result.reports[0].warning


@pytest.mark.parametrize(
    "step, words",
    [
        ({"min_confidence": 80}, "between 0 and 1"),
        ({"min_confidence": "high"}, "between 0 and 1"),
        ({"exclude": "efficiency"}, "list of column names"),
        ({"train_on_predicted": "yes"}, "true or false"),
        ({"method": "model"}, "does not use"),
    ],
)
def test_bad_steps_are_refused_in_plain_words(step, words):
    with pytest.raises(WorkbenchError, match=words):
        validate_step({"op": "predict_missing", "column": "belt_speed", **step})


def test_predicted_target_rows_stay_out_of_the_model_unless_asked():
    from workbench.steps.predicted_target import blank_predicted_target, keep_measured_target

    frame, _, _ = line_data(600)
    unmeasured = frame["belt_speed"].notna() & (np.arange(600) % 7 == 0)
    frame.loc[unmeasured, "efficiency"] = np.nan  # outcomes never measured
    recipe = Recipe([{"op": "predict_missing", "column": "efficiency"}])
    cleaned = apply_recipe(frame, {}, recipe, keep_out={"efficiency", "eff_pct"})
    assert cleaned.reports[0].details["features"] == ["pressure", "temp", "grade", "belt_speed"]
    n = int(frame["efficiency"].isna().sum())
    kept = keep_measured_target(cleaned, "efficiency")
    assert len(kept.frame) == len(frame) - n
    assert kept.frame["efficiency"].notna().all()
    assert f"{n} rows whose ‘efficiency’ was predicted" in kept.reports[0].effect
    assert (
        frame["efficiency"].isna().sum()
        == blank_predicted_target(cleaned, "efficiency")["efficiency"].isna().sum()
    )
    trusting = Recipe([{**recipe[0], "train_on_predicted": True}])
    used = apply_recipe(frame, {}, trusting, keep_out={"efficiency", "eff_pct"})
    assert len(keep_measured_target(used, "efficiency").frame) == len(frame)
    assert "as if measured" in keep_measured_target(used, "efficiency").reports[0].effect


def test_export_carries_the_marks(tmp_path):
    from openpyxl import load_workbook

    from workbench.jobs import JobContext
    from workbench.tables.table_export import export_table

    frame, _, holes = line_data(300)
    result = predict(frame, min_confidence=0.85)
    mark = result.predicted["belt_speed"]
    csv = export_table(result.frame, tmp_path / "out.csv", JobContext(), result.predicted)
    back = pd.read_csv(csv, encoding="utf-8-sig", keep_default_na=False)
    cols = list(back.columns)
    at = cols.index("belt_speed")
    assert cols[at + 1 : at + 3] == ["belt_speed (predicted)", "belt_speed (80% range)"]
    marked = back["belt_speed (predicted)"] != ""
    assert marked.sum() == holes.sum()  # every predicted cell, filled or left empty
    assert (back.loc[~marked, "belt_speed"] != "").all()  # measured cells untouched
    first = int(np.flatnonzero(holes)[0])
    assert back.loc[first, "belt_speed (predicted)"] == f"{round(100 * mark.confidence[0])}%"
    left = mark.rows[~mark.filled]
    assert (back.loc[left, "belt_speed"] == "").all()

    xlsx = export_table(result.frame, tmp_path / "out.xlsx", JobContext(), result.predicted)
    book = load_workbook(xlsx)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    conf_col = header.index("belt_speed (predicted)") + 1
    cell = sheet.cell(row=first + 2, column=conf_col)
    assert cell.number_format == "0%" and abs(cell.value - mark.confidence[0]) < 1e-9
    filled_row = int(mark.rows[mark.filled][0]) + 2
    value_cell = sheet.cell(row=filled_row, column=header.index("belt_speed") + 1)
    assert value_cell.fill.start_color.rgb.endswith("DDEBF7")
    assert len(book.worksheets) == 2 and "predicted by Workbench" in str(
        book.worksheets[1].cell(row=1, column=1).value
    )
    # without predictions the export is as before
    plain = export_table(frame, tmp_path / "plain.csv", JobContext())
    assert list(pd.read_csv(plain, encoding="utf-8-sig").columns) == list(frame.columns)


def _project_with_unmeasured_outcomes(tmp_path, train_on_predicted=False):
    from workbench.project import Project
    from workbench.tables.loader import load_table

    frame, _, _ = line_data(500)
    frame["belt_speed"] = frame["belt_speed"].fillna(2.0)
    frame.loc[frame.index % 5 == 0, "efficiency"] = np.nan  # 100 outcomes never measured
    frame = frame.drop(columns=["eff_pct"])
    path = tmp_path / "line.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    project = Project()
    project.set_table(load_table(path))
    project.set_goal(Goal("efficiency"))
    step = {"op": "predict_missing", "column": "efficiency", "exclude": ["efficiency"]}
    if train_on_predicted:
        step["train_on_predicted"] = True
    project.set_recipe(Recipe([step]))
    return project


@pytest.mark.parametrize("train_on_predicted", [False, True])
def test_the_model_run_does_not_fit_on_predicted_outcomes_by_default(tmp_path, train_on_predicted):
    from workbench.jobs import JobContext
    from workbench.pipeline import AnalysisInputs, run_pipeline
    from workbench.steps.model_settings import ModelSettings
    from workbench.steps.predicted_target import model_note

    project = _project_with_unmeasured_outcomes(tmp_path, train_on_predicted)
    project.set_settings(ModelSettings(effort="quick", n_folds=3))
    result = run_pipeline(JobContext(), AnalysisInputs.from_project(project), in_process=False)
    rows = result.fit.summary()["rows"]
    (report,) = result.cleaning
    assert report.details["filled"] == 100
    note = model_note(result.cleaning, "efficiency")  # said on the Model step
    if train_on_predicted:
        assert rows == 500 and "as if measured" in report.effect and "as if measured" in note
    else:
        assert rows == 400 and len(result.frame) == 400
        assert "100 rows whose ‘efficiency’ was predicted" in report.effect
        assert "100 rows whose ‘efficiency’ was predicted" in note
        assert set(result.focus_rows) <= set(result.frame.index)


def test_a_saved_project_replays_the_same_fills(tmp_path):
    from workbench.pipeline import clean_table, not_predictors
    from workbench.store.project_file import open_project, save_project

    project = _project_with_unmeasured_outcomes(tmp_path)
    before = clean_table(None, project.table, project.recipe, not_predictors(project))
    reopened = open_project(save_project(project, tmp_path / "line.wbproj"))
    after = clean_table(None, reopened.table, reopened.recipe, not_predictors(reopened))
    assert reopened.recipe == project.recipe
    assert before.frame.equals(after.frame)
    a, b = before.predicted["efficiency"], after.predicted["efficiency"]
    assert np.array_equal(a.values, b.values) and np.array_equal(a.confidence, b.confidence)


def test_a_rerun_measures_model_drift_on_measured_outcomes_only(tmp_path):
    from pathlib import Path

    from workbench.rerun import rerun_project
    from workbench.store.project_file import open_project
    from workbench.tables.loader import load_table

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo"
    rows = pd.read_csv(demo / "solar_cells.csv").drop_duplicates().sample(600, random_state=4)
    rows.loc[rows.index % 4 == 0, "efficiency"] = np.nan  # not measured yet
    path = tmp_path / "next.csv"
    rows.to_csv(path, index=False, encoding="cp949")
    project = open_project(demo / "demo.wbproj")
    recipe = Recipe(project.recipe.steps if project.recipe is not None else [])
    recipe.add({"op": "predict_missing", "column": "efficiency"})
    project.set_recipe(recipe)
    result = rerun_project(project, load_table(path))
    measured = int(rows["efficiency"].notna().sum())
    assert result.model_drift is not None and result.model_drift.rows == measured


def _cli(*args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root), WORKBENCH_LANG="en")
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "predict", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=str(root),
    )


def test_the_command_line_predicts_exports_and_saves(tmp_path):
    import json

    from workbench.project import Project
    from workbench.store.project_file import open_project, save_project
    from workbench.tables.loader import load_table

    frame, _, holes = line_data(400)
    path = tmp_path / "line.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    project = Project()
    project.set_table(load_table(path))
    project.set_goal(Goal("efficiency"))
    saved = save_project(project, tmp_path / "line.wbproj")
    out = tmp_path / "out"
    run = _cli(
        str(saved), "--column", "belt_speed", "--min-confidence", "80%",
        "--table", f"{out}.csv", "--project", f"{out}.wbproj", "--json", f"{out}.json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert summary["missing"] == holes.sum() and summary["min_confidence"] == 0.8
    assert "efficiency" not in summary["features"]
    expected = f"Filled {summary['filled']} of {summary['missing']} missing ‘belt_speed’ values"
    assert expected in run.stdout and summary["message"] in run.stdout
    table = pd.read_csv(f"{out}.csv", encoding="utf-8-sig", keep_default_na=False)
    assert (table["belt_speed (predicted)"] != "").sum() == holes.sum()
    step = open_project(f"{out}.wbproj").recipe[0]
    assert step["op"] == "predict_missing" and step["exclude"] == ["efficiency"]

    missing_column = _cli(str(saved), "--column", "nope")
    assert missing_column.returncode == 2 and "no column “nope”" in missing_column.stderr
    bad = _cli(str(saved), "--column", "belt_speed", "--min-confidence", "high")
    assert bad.returncode == 2 and "not a confidence" in bad.stderr


def test_an_unpredictable_column_is_said_to_be_little_better_than_a_guess():
    rng = np.random.default_rng(9)
    n = 600
    frame = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n)})
    frame["weather"] = rng.normal(20, 3, n)  # unrelated to a and b
    frame.loc[rng.random(n) < 0.2, "weather"] = np.nan
    result = apply_recipe(frame, {}, Recipe([{"op": "predict_missing", "column": "weather"}]))
    (report,) = result.reports
    assert report.details["median_confidence"] < 0.3
    assert "say little about ‘weather’" in report.effect
    good, _, _ = line_data(600)
    assert "say little" not in predict(good).reports[0].effect


def test_whole_numbers_by_a_clear_rule_get_narrow_ranges_and_infinity_is_not_learned():
    """LightGBM's quantile models stay put on tied values unless the ties are broken."""
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n)})
    frame["setting"] = pd.array(np.where(frame["a"] > 0, 1, 5), dtype="Int64")
    frame.loc[::7, "setting"] = pd.NA
    frame.loc[3, "setting"] = 5
    frame["reading"] = frame["a"] * 2.0
    frame.loc[1, "reading"] = np.inf  # a broken sensor value
    frame.loc[::9, "reading"] = np.nan
    steps = [{"op": "predict_missing", "column": c} for c in ("setting", "reading")]
    result = apply_recipe(frame, {}, Recipe(steps))
    setting = result.predicted["setting"]
    assert str(result.frame["setting"].dtype) == "Int64"
    assert np.median(setting.high - setting.low) < 0.1 and np.median(setting.confidence) > 0.9
    assert set(setting.values.tolist()) <= {1.0, 5.0}
    reading = result.predicted["reading"]
    assert np.isfinite(reading.values).all() and np.median(reading.confidence) > 0.5
    assert result.reports[1].details["trained_on"] == int(np.isfinite(frame["reading"]).sum())


def test_a_column_with_too_many_labels_is_skipped_with_a_reason():
    rng = np.random.default_rng(2)
    n = 400
    frame = pd.DataFrame({"a": rng.normal(0, 1, n), "lot": [f"L{i % 80:02d}" for i in range(n)]})
    frame.loc[::5, "lot"] = None  # 16 of the 80 lots are never known
    (report,) = apply_recipe(
        frame, {}, Recipe([{"op": "predict_missing", "column": "lot"}])
    ).reports
    assert (
        report.skipped
        and "64 different labels" in report.warning
        and "at most 50" in report.warning
    )
