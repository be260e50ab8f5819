"""The one pipeline: snapshot the project's inputs, run, store the results stamped."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workbench.analysis import project_from_options
from workbench.errors import AnalysisError, WorkbenchError
from workbench.jobs import Cancelled, JobContext
from workbench.pipeline import (
    AnalysisInputs,
    analyze_project,
    assess_cleaned,
    clean_table,
    load_data,
    run_pipeline,
    store_results,
)
from workbench.project import Project, Section
from workbench.steps.goal import FocusRule, Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.recipe import Recipe
from workbench.tables.table import LoadOptions
from workbench.vocabulary import ColumnRole

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"


@pytest.fixture(scope="module")
def demo_table():
    return load_data(JobContext(), DEMO, LoadOptions())


def _project(table) -> Project:
    project = Project()
    project.set_table(table)
    project.set_recipe(
        Recipe([{"op": "sentinel_to_missing", "column": "humidity", "values": [-999]}])
    )
    project.set_goal(Goal("efficiency"))
    for column in ("firing_temp", "belt_speed", "paste_thickness"):
        project.set_role(column, ColumnRole.CONTROLLABLE)
    project.set_role("timestamp", ColumnRole.TIME)
    project.set_settings(ModelSettings(effort="quick"))
    return project


def test_inputs_refuse_a_project_without_data_or_goal():
    with pytest.raises(AnalysisError, match="no data"):
        AnalysisInputs.from_project(Project())


def test_the_snapshot_is_frozen_and_does_not_follow_later_edits(demo_table):
    project = _project(demo_table)
    inputs = AnalysisInputs.from_project(project)
    project.set_role("humidity", ColumnRole.UNCONTROLLABLE)
    project.recipe.add({"op": "drop_duplicate_rows"})
    assert "humidity" not in inputs.roles and len(inputs.recipe) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.goal = Goal("ambient_temp")  # type: ignore[misc]
    with pytest.raises(TypeError):
        inputs.roles["x"] = ColumnRole.ID  # type: ignore[index]
    assert inputs.goal.focus == FocusRule("top", 0.05)  # parsed once, when the goal was made


def test_model_run_on_a_project_uses_its_recipe_goal_and_roles(ctx, demo_table):
    project = _project(demo_table)
    inputs = AnalysisInputs.from_project(project)
    project.set_role("humidity", ColumnRole.UNCONTROLLABLE)  # an edit while the job runs

    result = run_pipeline(ctx, inputs, in_process=False)
    store_results(project, result, inputs)

    assert project.is_stale(Section.MODEL)  # computed from the inputs before the edit
    assert result.frame["humidity"].min() > -999  # the recipe ran
    assert result.table is demo_table  # the loaded snapshot; ``frame`` is the cleaned table
    assert result.recipe == inputs.recipe
    assert result.fit.validation == "time-ordered"
    assert result.roles.controllability("firing_temp") == "controllable"
    assert result.causes is not None and len(result.causes.groups) >= 2
    assert ctx.reports[-1][0] == pytest.approx(1.0)
    fractions = [f for f, _m in ctx.reports]
    assert fractions == sorted(fractions)  # one progress bar, never going back

    # The quality report stored is the cleaned table's, the one the model saw.
    quality = project.result(Section.QUALITY)
    assert quality is result.quality
    assert not [a for a in quality.alerts if a.kind == "sentinel" and a.column == "humidity"]
    again = assess_cleaned(
        ctx,
        clean_table(ctx, demo_table, project.recipe),
        "efficiency",
        "timestamp",
        project.goal.focus,
    )
    assert again.to_dict() == quality.to_dict()


def test_a_cancelled_run_stores_nothing(demo_table):
    project = _project(demo_table)
    calls = []

    def report(fraction: float, message: str) -> None:
        calls.append(fraction)
        if fraction > 0.3:
            ctx.cancel()

    ctx = JobContext(report)
    with pytest.raises(Cancelled):
        analyze_project(project, ctx)
    assert project.result(Section.MODEL) is None and project.result(Section.QUALITY) is None


def test_the_cli_project_is_the_gui_project_of_the_same_choices(demo_table):
    """``project_from_options`` sets what a GUI user sets: data, the clean-ups as recipe,
    goal, explicit roles, default settings; nothing computed yet."""
    project = project_from_options(
        demo_table,
        target="efficiency",
        id_columns="run_id",
        time="timestamp",
        controllable=["firing_temp"],
    )
    assert project.table is demo_table
    assert [s["op"] for s in project.recipe.steps] == [
        "sentinel_to_missing",
        "drop_duplicate_rows",
    ]
    assert project.goal == Goal("efficiency", focus="top:5%")
    assert project.roles == {
        "run_id": ColumnRole.ID,
        "timestamp": ColumnRole.TIME,
        "firing_temp": ColumnRole.CONTROLLABLE,
    }
    assert project.settings == ModelSettings()
    assert project.result(Section.QUALITY) is None and project.result(Section.MODEL) is None
    with pytest.raises(WorkbenchError, match="focus"):
        project_from_options(demo_table, target="efficiency", focus="top:0%")


def test_the_cleaned_table_is_replayed_once_through_the_projects_cache(demo_table):
    project = _project(demo_table)
    project.set_recipe(Recipe([{"op": "impute", "column": "humidity", "method": "model"}]))
    cache = project.recipe_cache
    first = clean_table(None, demo_table, project.recipe, frozenset({"efficiency"}), cache)
    assert cache.hits == 0
    inputs = AnalysisInputs.from_project(project)
    assert inputs.cache is cache
    again = clean_table(None, inputs.table, inputs.recipe, frozenset({"efficiency"}), cache)
    assert cache.hits == 1  # the slow model filling was not run again
    assert again.frame.equals(first.frame)


def test_a_current_quality_report_of_the_cleaned_table_is_reused_not_redone(demo_table):
    project = _project(demo_table)
    project.set_settings(ModelSettings(effort="quick"))
    cleaned = clean_table(None, demo_table, project.recipe)
    report = assess_cleaned(None, cleaned, "efficiency", "timestamp", project.goal.focus)
    project.set_result(Section.QUALITY, report)  # as the Quality pane stores it
    assert AnalysisInputs.from_project(project).quality is report

    other_time = AnalysisInputs.from_project(project)
    project.set_role("timestamp", None)  # drift is checked against the time column
    assert AnalysisInputs.from_project(project).quality is None
    project.set_role("timestamp", ColumnRole.TIME)
    project.set_recipe(Recipe([{"op": "drop_duplicate_rows"}]))  # the report is stale now
    assert AnalysisInputs.from_project(project).quality is None

    result = run_pipeline(None, other_time, in_process=False)
    assert result.quality is report


def test_the_cli_checks_a_table_with_nothing_to_clean_once(tmp_path):
    import pandas as pd

    frame = pd.read_csv(DEMO, nrows=1500).drop_duplicates()
    frame["humidity"] = frame["humidity"].where(frame["humidity"] > -999, 50.0)
    path = tmp_path / "clean.csv"
    frame.to_csv(path, index=False)
    project = project_from_options(path, target="efficiency", time="timestamp")
    assert project.recipe is None  # nothing to clean up
    raw = project.result(Section.QUALITY)
    assert raw is not None and not project.is_stale(Section.QUALITY)
    result = analyze_project(project, min_group_size=10)
    assert result.quality is raw and project.result(Section.QUALITY) is raw
