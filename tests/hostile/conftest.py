"""Fixtures of the hostile-input suite (helpers live in hostile_kit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.hostile_kit import write_plant_csv


@pytest.fixture(scope="session")
def saved_project(tmp_path_factory) -> Path:
    """A real project file (data, quality, model with category splits) saved by Workbench."""
    from workbench.analysis import run_analysis
    from workbench.pipeline import project_from_analysis
    from workbench.steps.model_settings import ModelSettings
    from workbench.store.project_file import save_project

    folder = tmp_path_factory.mktemp("hostile_project")
    data = write_plant_csv(folder / "plant.csv")
    settings = ModelSettings(effort="quick", n_folds=3)
    result = run_analysis(
        data, target="효율", controllable="온도,speed", uncontrollable="라인", settings=settings
    )
    return save_project(project_from_analysis(result, "hostile", settings), folder / "p.wbproj")
