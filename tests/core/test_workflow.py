"""Project-level jobs: snapshot the inputs, run, and stamp the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import AnalysisError
from workbench.project import Project, Section
from workbench.steps.goal import Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.recipe import Recipe
from workbench.tables.table import LoadOptions
from workbench.vocabulary import ColumnRole
from workbench.workflow import ModelInputs, check_quality, load_data, run_model

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"


def test_inputs_refuse_a_project_without_data_or_goal():
    with pytest.raises(AnalysisError, match="no data"):
        ModelInputs.from_project(Project())


def test_model_run_on_a_project_uses_its_recipe_goal_and_roles(ctx):
    project = Project()
    project.set_table(load_data(ctx, DEMO, LoadOptions()))
    project.set_recipe(
        Recipe([{"op": "sentinel_to_missing", "column": "humidity", "values": [-999]}])
    )
    project.set_goal(Goal("efficiency"))
    for column in ("firing_temp", "belt_speed", "paste_thickness"):
        project.set_role(column, ColumnRole.CONTROLLABLE)
    project.set_role("timestamp", ColumnRole.TIME)
    project.set_settings(ModelSettings(effort="quick"))
    inputs = ModelInputs.from_project(project)
    project.set_role("humidity", ColumnRole.UNCONTROLLABLE)  # an edit while the job runs

    result = run_model(ctx, inputs, in_process=False)
    project.set_result(Section.MODEL, result, inputs=inputs.stamp)

    assert project.is_stale(Section.MODEL)  # computed from the inputs before the edit
    assert result.frame["humidity"].min() > -999  # the recipe ran
    assert result.fit.validation == "time-ordered"
    assert result.roles.controllability("firing_temp") == "controllable"
    assert result.causes is not None and len(result.causes.groups) >= 2
    assert ctx.reports[-1][0] == pytest.approx(1.0)

    quality = check_quality(ctx, project.table, project.recipe, "efficiency", "timestamp")
    assert not [a for a in quality.alerts if a.kind == "sentinel" and a.column == "humidity"]
